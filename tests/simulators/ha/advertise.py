#!/usr/bin/python3
# Home Assistant advertised over mDNS by python3-zeroconf, the way HA's own
# zeroconf component does it: `_home-assistant._tcp.local.`, instance named
# after the location, port 8123, TXT keys location_name, uuid, version,
# external_url, internal_url, base_url (discovery.md §9a) and
# requires_api_password (HA's zeroconf component; not in the reference).
# Run with /usr/bin/python3 (Debian's python3-zeroconf), inside a lab host:
#   /usr/bin/python3 tests/simulators/ha/advertise.py --ip 10.73.0.18 [--name Home] [--uuid …]
# Prints one JSON line once registered; sends goodbyes and exits 0 on SIGTERM/SIGINT.
import argparse
import json
import signal
import socket
import sys
import threading

from zeroconf import ServiceInfo, Zeroconf

parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--name", default="Home")
parser.add_argument("--uuid", default="7f3c2d1e0b9a48c6a5d4e3f2a1b0c9d8")
parser.add_argument("--version", default="2026.9.1")
parser.add_argument("--port", type=int, default=8123)
parser.add_argument("--external-url", default="")
args = parser.parse_args()

internal = f"http://{args.ip}:{args.port}"
properties = {
    "location_name": args.name,
    "uuid": args.uuid,
    "version": args.version,
    "external_url": args.external_url,
    "internal_url": internal,
    "base_url": internal,
    "requires_api_password": "True",
}
info = ServiceInfo(
    "_home-assistant._tcp.local.",
    f"{args.name}._home-assistant._tcp.local.",
    addresses=[socket.inet_aton(args.ip)],
    port=args.port,
    properties=properties,
    server=f"{args.uuid}.local.",
)
# Only the lab interface: never the host's own.
zc = Zeroconf(interfaces=[args.ip])
zc.register_service(info, cooperating_responders=True)
print(json.dumps({"ready": True, "ip": args.ip, "name": args.name, "txt": properties}), flush=True)

done = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: done.set())
signal.signal(signal.SIGINT, lambda *_: done.set())
done.wait()
zc.unregister_service(info)
zc.close()
sys.exit(0)
