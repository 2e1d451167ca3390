"""The real server under cProfile, to see where its event loop spends its time under a benchmark's load.

    .venv/bin/python benchmarks/profile_server.py serve PLAN --host 127.0.0.1 --port 5000 --data /tmp/prof
    (play a load against it, then stop it with SIGTERM: kill <pid>; with PROFILE_FROM=SIGUSR1 in the
    environment, profiling starts at `kill -USR1 <pid>`, once the load is set up)
    .venv/bin/python -c "import pstats; pstats.Stats('server.prof').sort_stats('tottime').print_stats(30)"

Green threads share one OS thread, so the profile sees them all; their call stacks interleave, but the time
spent inside each function (tottime) is right.
"""

from gevent import monkey

monkey.patch_all()

import cProfile  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from facilitation.cli import main  # noqa: E402

profile = cProfile.Profile()


def stop(*_args):
    profile.disable()
    profile.dump_stats(os.environ.get("PROFILE_OUT", "server.prof"))
    os._exit(0)


def start(*_args):
    profile.enable()


signal.signal(signal.SIGTERM, stop)
if os.environ.get("PROFILE_FROM") == "SIGUSR1":  # from a signal on: leave out the start and the setting up
    signal.signal(signal.SIGUSR1, start)
else:
    profile.enable()
main(sys.argv[1:])
