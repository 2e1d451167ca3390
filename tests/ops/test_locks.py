"""The locks are what pyproject.toml asks for (issue 23): made again from it, with the versions they hold as the
preference (as `make lock` does), they come out the same. A requirement changed without `make lock` fails here."""

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("lock", ["run", "test"])
def test_each_lock_is_made_from_pyproject_as_it_is(lock, tmp_path, uv):
    again = tmp_path / f"{lock}.lock"
    shutil.copy(ROOT / "requirements" / f"{lock}.lock", again)  # its versions stay unless pyproject moved them
    made = subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "pyproject.toml",
            "requirements/tools.in",
            "--universal",
            "--generate-hashes",
            "--python-version",
            "3.11",
            "--quiet",
            "--extra",
            "test" if lock == "test" else "scaleout",
            "-o",
            str(again),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    body = lambda text: [line for line in text.splitlines() if not line.startswith("#")]  # noqa: E731
    assert body(again.read_text()) == body((ROOT / "requirements" / f"{lock}.lock").read_text()), (
        f"requirements/{lock}.lock is not what pyproject.toml asks for: run `make lock`"
    )
