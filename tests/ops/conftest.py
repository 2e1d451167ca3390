"""What the operations tests share: the built wheel and sdist, made once per run, and uv."""

import shutil
import subprocess
import sys
from pathlib import Path

import filelock
import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def dist(tmp_path_factory, worker_id):
    """dist/ of this checkout. Built once per run, whichever test worker asks first: two builds of one source
    tree at once trip over each other's build folder."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # pytest-xdist: the run's folder, above each worker's own
        shared = shared.parent
    out = shared / "dist"
    with filelock.FileLock(str(shared / "dist.lock")):
        if not list(out.glob("*.whl")):
            # with the locked build backend of this venv (pyproject's build-system needs, in the test lock), not a
            # fresh isolated one for the sdist and another for the wheel: a third of the time
            subprocess.run(
                [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                check=True,
                capture_output=True,
                timeout=300,
            )
    return out


@pytest.fixture(scope="session")
def uv() -> str:
    """The uv of the test dependencies (beside this Python), which makes the locks and the lowest-versions venv."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert found, "uv is in the test dependencies"
    return found
