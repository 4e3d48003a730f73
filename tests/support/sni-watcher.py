#!/usr/bin/python3
"""A stand-in StatusNotifierWatcher for the tray-host tests (electron.md §6a: run the check in CI under one).

A third-party peer, not Keyward's code path: Debian's python3-dbus (libdbus) owns
org.kde.StatusNotifierWatcher on the bus named by DBUS_SESSION_BUS_ADDRESS, prints "ready" and holds the
name until it is killed or its stdin closes. It exports no objects; the tests only look at name ownership.
Run with the system interpreter: /usr/bin/python3 tests/support/sni-watcher.py
"""
import signal
import sys

import dbus

NAME = 'org.kde.StatusNotifierWatcher'


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    bus = dbus.SessionBus()
    result = bus.request_name(NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    if result not in (dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER, dbus.bus.REQUEST_NAME_REPLY_ALREADY_OWNER):
        print(f'{NAME} is owned by another process (request_name answered {result})', file=sys.stderr)
        return 1
    print('ready', flush=True)
    sys.stdin.read()  # until the test closes our stdin (or kills us)
    return 0


if __name__ == '__main__':
    sys.exit(main())
