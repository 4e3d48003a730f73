#!/usr/bin/env bash
# Usage: tests/support/with-keyring.sh <command...>
#
# Runs <command> inside a private D-Bus session with a freshly created, unlocked
# gnome-keyring (Secret Service) that lives in a temp dir, so tests never touch
# the developer's real keyring. Exports KEYWARD_KEYRING=secret-service so tests
# know a real keychain is expected (and KEYWARD_KEYRING_RUNTIME, the daemon's
# control directory, for `gnome-keyring-daemon --unlock`). Propagates the command's exit code.
#
# Without dbus-run-session or gnome-keyring-daemon the command runs directly
# (keychain tests then skip), unless KEYWARD_REQUIRE_KEYRING=1.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

missing=""
for tool in dbus-run-session dbus-daemon gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  if [ "${KEYWARD_REQUIRE_KEYRING:-}" = "1" ]; then
    echo "with-keyring: missing$missing and KEYWARD_REQUIRE_KEYRING=1; install dbus and gnome-keyring." >&2
    exit 1
  fi
  echo "with-keyring: missing$missing; running without a keychain (keychain tests will skip)." >&2
  unset KEYWARD_KEYRING
  exec "$@"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/keyward-keyring.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/data" "$tmp/runtime"

# dbus-daemon and the keyring it activates chat on stderr ("Failed to set fd
# limit", "Activating service…"): keep that in a log, shown only on failure.
printf '#!/bin/sh\nexec %q "$@" 2>>%q\n' "$(command -v dbus-daemon)" "$tmp/dbus.log" >"$tmp/dbus-daemon"
chmod 700 "$tmp/dbus-daemon"

# The daemon gets a private XDG_DATA_HOME (its keyrings) and XDG_RUNTIME_DIR: it
# finds an already running daemon via $XDG_RUNTIME_DIR/keyring/control, and must
# never unlock or join the developer's own. The command gets the caller's values
# back. The daemon exits with the private bus when dbus-run-session ends.
inner='
printf "keyward-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || {
  echo "with-keyring: gnome-keyring-daemon --unlock failed" >&2
  exit 1
}
# --unlock alone leaves a daemon that is not on the bus yet, so it would outlive
# it; --start hands it the Secret Service name and it exits with the bus.
gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1
# Fault tests lock the keyring and unlock it again through this control directory.
export KEYWARD_KEYRING_RUNTIME="$XDG_RUNTIME_DIR"
restore() { if [ -n "$2" ]; then export "$1=$3"; else unset "$1"; fi; }
restore XDG_DATA_HOME "$KW_HAD_DATA" "$KW_OLD_DATA"
restore XDG_RUNTIME_DIR "$KW_HAD_RUNTIME" "$KW_OLD_RUNTIME"
unset KW_HAD_DATA KW_OLD_DATA KW_HAD_RUNTIME KW_OLD_RUNTIME
exec "$@"
'

status=0
env -u GNOME_KEYRING_CONTROL -u DBUS_SESSION_BUS_ADDRESS \
  KW_HAD_DATA="${XDG_DATA_HOME+1}" KW_OLD_DATA="${XDG_DATA_HOME-}" \
  KW_HAD_RUNTIME="${XDG_RUNTIME_DIR+1}" KW_OLD_RUNTIME="${XDG_RUNTIME_DIR-}" \
  XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" \
  KEYWARD_KEYRING=secret-service \
  dbus-run-session --dbus-daemon="$tmp/dbus-daemon" -- bash -c "$inner" with-keyring "$@" || status=$?

if [ "$status" -ne 0 ] && [ -s "$tmp/dbus.log" ]; then
  echo "with-keyring: exit $status; D-Bus session log:" >&2
  sed 's/^/  | /' "$tmp/dbus.log" >&2
fi
exit "$status"
