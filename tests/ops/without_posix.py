"""Runs the `facilitation` command as on Windows as far as this machine can: the modules Windows lacks
(fcntl, resource, pwd, grp, termios) cannot be imported by the app's own code. Libraries keep theirs (gevent
has its own Windows code paths). Usage: python tests/ops/without_posix.py serve …"""

import importlib.abc
import sys

POSIX_ONLY = {"fcntl", "resource", "pwd", "grp", "termios", "tty", "pty", "syslog", "posix"}


class NotOnWindows(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name not in POSIX_ONLY:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen")):
            frame = frame.f_back
        importer = frame.f_globals.get("__name__", "") if frame is not None else ""
        if importer == "facilitation" or importer.startswith("facilitation."):
            raise ModuleNotFoundError(f"No module named {name!r} (as on Windows)", name=name)
        return None


sys.meta_path.insert(0, NotOnWindows())
for name in POSIX_ONLY - {"posix"}:
    sys.modules.pop(name, None)  # imported again by whoever may: the finder sees each import

if __name__ == "__main__":
    from facilitation.cli import main

    sys.exit(main(sys.argv[1:]))
