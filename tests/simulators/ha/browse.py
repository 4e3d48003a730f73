#!/usr/bin/python3
# python3-zeroconf's own browser, as an independent peer to bonjour-service:
# browses `_home-assistant._tcp.local.` on ONE interface for a while and prints
# every instance it resolved as a JSON list on stdout.
#   /usr/bin/python3 tests/simulators/ha/browse.py --ip 10.73.0.10 [--seconds 3]
import argparse
import json
import threading
import time

from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf

TYPE = "_home-assistant._tcp.local."
parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--seconds", type=float, default=3.0)
args = parser.parse_args()

zc = Zeroconf(interfaces=[args.ip])
found = {}
lock = threading.Lock()
started = time.monotonic()


def on_change(zeroconf, service_type, name, state_change):
    if state_change is not ServiceStateChange.Added and state_change is not ServiceStateChange.Updated:
        return
    info = zeroconf.get_service_info(service_type, name, timeout=2000)
    if info is None:
        return
    txt = {k.decode("utf-8", "replace"): (v.decode("utf-8", "replace") if v is not None else None)
           for k, v in (info.properties or {}).items()}
    with lock:
        found[name] = {
            "name": name,
            "server": info.server,
            "port": info.port,
            "addresses": info.parsed_addresses(),
            "txt": txt,
            "ms": round((time.monotonic() - started) * 1000),
        }


browser = ServiceBrowser(zc, TYPE, handlers=[on_change])
time.sleep(args.seconds)
browser.cancel()
zc.close()
with lock:
    print(json.dumps(sorted(found.values(), key=lambda x: x["name"])), flush=True)
