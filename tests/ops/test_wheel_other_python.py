"""The built wheel on a second CPython (issue 23): installed non-editable in a fresh venv of Python 3.13, it serves
every screen from a folder far from the checkout. Apart from test_wheel.py so that the two run at once."""

import os
import shutil
from pathlib import Path

import pytest

from tests.ops.test_wheel import install, serves_every_screen

pytestmark = pytest.mark.timeout(900)


def other_python() -> str | None:
    """A second CPython beside the one running the tests (pyenv's 3.13 on this machine's image)."""
    found = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.13*/bin/python3"))
    return str(found[-1]) if found else shutil.which("python3.13")


def test_the_wheel_installs_and_serves_on_a_second_python_too(dist, tmp_path, uv):
    python = other_python()
    if python is None:
        pytest.skip("no second CPython (3.13) on this machine: `pyenv install 3.13`")
    # installed by uv: pip's own path is test_wheel.py's, and this Python is what differs
    serves_every_screen(install(python, dist, tmp_path / "venv", uv=uv), tmp_path / "run")
