"""A release says what it is (issue 23): the version in the package has its entry in CHANGELOG.md, with a date,
and the copyright holder is named where a reader of the wheel or the repository looks."""

import re
import tomllib

from facilitation import __version__
from tests.conftest import ROOT


def test_the_version_has_its_changelog_entry_and_the_copyright_holder_is_named():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(__version__)} — \d{{4}}-\d\d-\d\d$", changelog, re.M), __version__
    versions = re.findall(r"^## (\d+\.\d+\.\d+) — ", changelog, re.M)
    assert versions[0] == __version__  # the newest first
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["authors"] == [{"name": "The facilitation authors"}]
    assert "Copyright © " in (ROOT / "README.md").read_text(encoding="utf-8")
