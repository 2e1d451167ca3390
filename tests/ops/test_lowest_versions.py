"""The lower bounds in pyproject.toml are true (issue 23): with the lowest version of every dependency the project
names, the rules, the pages, a real server with its sockets, and a whole event to its export still work."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(900)

# the fast tests that reach each dependency: the rules (pydantic, numpy, scipy), the pages (Flask, Babel, qrcode),
# a server on gevent with python-socketio, engineio and simple-websocket, SQLAlchemy, Alembic, and the exports
# (fpdf2, openpyxl) of a whole event
FAST = [
    "tests/domain",
    "tests/web/test_pages.py",
    "tests/realtime/test_broadcast.py",
    "tests/realtime/test_whole_event.py",
    "tests/ops/test_report.py::test_long_theme_titles_and_small_groups_read_whole_in_the_pdf",
]

# of the pages' tests, those that only repeat what the others reach (each a dozen seconds): left out here
LEFT_OUT = [
    "--deselect=tests/web/test_pages.py::test_no_page_loads_anything_from_outside_the_venue",
    "--deselect=tests/web/test_pages.py::test_a_named_table_is_named_one_way_on_the_phone_its_table_screen_the_cards_and_in_each_language",
]


def test_the_fast_tests_pass_with_the_lowest_versions_the_project_allows(tmp_path, uv):
    venv = tmp_path / "lowest"
    made = subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(venv)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    # uv installs without compiling the modules: each process of the run (pytest, a dozen servers and commands)
    # would compile every one it imports again on a machine with PYTHONDONTWRITEBYTECODE set; the first keeps them
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PYTHONDONTWRITEBYTECODE": ""}
    installed = subprocess.run(
        [uv, "pip", "install", "-q", "--resolution", "lowest-direct", "-e", f"{ROOT}[test]"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    python = venv / "bin" / "python"
    versions = subprocess.run([uv, "pip", "list"], capture_output=True, text=True, env=env).stdout
    ran = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "runs"),
            *FAST,
            *LEFT_OUT,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=780,
        env=env,
    )
    assert ran.returncode == 0, f"{versions}\n{ran.stdout[-6000:]}\n{ran.stderr[-2000:]}"
