#!/usr/bin/env bash
#! Runs a command the way the app meets a desktop: an X server (Xvfb) and a private D-Bus session
#! with an unlocked gnome-keyring, with WebKit's settings that work under Xvfb.
set -euo pipefail
# Under a Korean locale GTK picks the XIM input module; with no XIM server on Xvfb the webview then
# stops repainting. The built-in module keeps typing and painting working in tests.
export GTK_IM_MODULE=gtk-im-context-simple
# Compositing mode under Xvfb may stop repainting after the first frame; screenshots need it off.
export NO_AT_BRIDGE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1
if [ -z "${HAEMONG_IN_SESSION:-}" ]; then
  export HAEMONG_IN_SESSION=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi
# A Secret Service for the keychain: gnome-keyring with a fresh login keyring in a temporary
# folder, unlocked with the empty password, so tests never touch the user's real keys.
if command -v gnome-keyring-daemon >/dev/null 2>&1 && [ -z "${HAEMONG_NO_KEYRING:-}" ]; then
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  eval "$(echo '' | XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null | sed 's/^/export /')"
fi
"$@"
