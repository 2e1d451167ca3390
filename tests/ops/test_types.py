"""facilitation/ is typed (issue 23): mypy, as pyproject.toml configures it, finds nothing. A test of the suite
rather than a step ahead of it, so that it runs beside the other tests (`make lint` runs it too)."""

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_finds_no_type_error_in_the_app():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Success: no issues found" in done.stdout
