"""A tiny GTK window that offers one file as a native drag source (text/uri-list).

The window tests start it, press the mouse on it with xdotool and move onto the app window, so the app
receives a real XDND drop, as when a user drags a file from their file manager. Prints
"ready X Y WIDTH HEIGHT" (its screen rectangle) once it is shown, and quits after the drag ends.
"""

import pathlib
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

X, Y, WIDTH, HEIGHT = 1130, 300, 140, 80


def main() -> None:
    uri = pathlib.Path(sys.argv[1]).resolve().as_uri()
    window = Gtk.Window(title="drag source")
    window.set_decorated(False)
    window.set_default_size(WIDTH, HEIGHT)
    window.move(X, Y)
    button = Gtk.Button(label="drag me")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()
    button.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([uri]))
    # Leave a moment for the drop to be delivered before the source disappears.
    button.connect("drag-end", lambda *_: GLib.timeout_add(500, Gtk.main_quit))
    window.add(button)
    window.connect("destroy", Gtk.main_quit)

    def announce(*_args):
        print(f"ready {X} {Y} {WIDTH} {HEIGHT}", flush=True)
        return False

    window.connect("map-event", lambda *_: GLib.timeout_add(300, announce))
    window.show_all()
    # A safety net: never outlive a test that forgot to drag.
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    Gtk.main()


if __name__ == "__main__":
    main()
