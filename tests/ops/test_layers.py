"""The package's layers import one way (issue 22): the domain knows nothing of the app; services (the event's
rules, commands and read models) know nothing of reports, the web, the sockets or the command line; the web and
the sockets reach the database only through services. Read from the source, as an import linter would."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "facilitation"
# layer -> the packages it must never import (at the top of a module or inside a function alike)
FORBIDDEN = {
    "domain": {"services", "store", "reports", "web", "realtime", "workers", "cli", "app"},
    "services": {"reports", "web", "realtime", "cli", "app"},
    "realtime": {"store", "web", "cli"},
    "web": {"store", "realtime", "cli"},
}


def imported(path: Path) -> set[str]:
    """The facilitation packages a module imports: `facilitation.store.models` -> "store"."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("facilitation.") and name.count(".") >= 1}


def test_each_layer_imports_only_the_layers_beneath_it():
    wrong = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            wrong += [
                f"{path.relative_to(PACKAGE)} imports facilitation.{name}"
                for name in sorted(imported(path) & forbidden)
            ]
    assert not wrong, "\n".join(wrong)
