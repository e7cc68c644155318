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
# An unlocked login keyring for the Secret Service (the empty password unlocks it).
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  export $(printf '' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null | xargs) || true
  export $(gnome-keyring-daemon --start --components=secrets 2>/dev/null | xargs) || true
fi
exec "$@"
