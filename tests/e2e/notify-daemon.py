#!/usr/bin/python3
# A stand-in for the desktop's notification server on the test's private session bus (Xvfb has
# none): prints each Notify call as a JSON line, and on "click ID" from standard input emits the
# freedesktop ActionInvoked(ID, "default") signal a real server sends when the notification is
# clicked. Debian's python3-dbus and python3-gi (installed by scripts/install-deps.sh).
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = 'org.freedesktop.Notifications'
DBusGMainLoop(set_as_default=True)


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, '/org/freedesktop/Notifications')
        self.next_id = 1

    @dbus.service.method(IFACE, in_signature='', out_signature='as')
    def GetCapabilities(self):
        return ['actions', 'body']

    @dbus.service.method(IFACE, in_signature='susssasa{sv}i', out_signature='u')
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        nid = self.next_id
        self.next_id += 1
        print(json.dumps({'id': nid, 'app': str(app), 'icon': str(icon), 'summary': str(summary),
                          'body': str(body), 'actions': [str(a) for a in actions]}), flush=True)
        return nid

    @dbus.service.method(IFACE, in_signature='u', out_signature='')
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, 3)

    @dbus.service.method(IFACE, in_signature='', out_signature='ssss')
    def GetServerInformation(self):
        return ('haemong-test', 'haemong', '1', '1.2')

    @dbus.service.signal(IFACE, signature='us')
    def ActionInvoked(self, nid, key):
        pass

    @dbus.service.signal(IFACE, signature='uu')
    def NotificationClosed(self, nid, reason):
        pass


bus = dbus.SessionBus()
name = dbus.service.BusName(IFACE, bus, do_not_queue=True)
server = Server(bus)
loop = GLib.MainLoop()


def on_stdin(source, condition):
    line = sys.stdin.readline()
    if not line:
        loop.quit()
        return False
    cmd, _, arg = line.strip().partition(' ')
    if cmd == 'click':
        server.ActionInvoked(dbus.UInt32(int(arg)), 'default')
    return True


GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
print(json.dumps({'ready': True}), flush=True)
loop.run()
