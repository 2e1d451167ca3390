"""Where the app's own files are: inside the installed package (a wheel), or beside it in a git checkout.

The repository keeps `templates/`, `static/` and `sessions/` at its top level; the build copies them into the
package, so an installed wheel has them under `facilitation/`. The code asks here and works in both.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
DEMO_PLAN_NAME = "psm-torino-2024.toml"


def folder(name: str) -> Path:
    """`templates`, `static` or `sessions`: the installed copy when there is one, else the checkout's."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else CHECKOUT / name


def demo_plan() -> Path:
    return folder("sessions") / DEMO_PLAN_NAME


def bundled_plans() -> dict[str, Path]:
    """The plans shipped with the app, by name: psm-torino-2024 (co-planning), psm-ascolto-2024 (listening),
    psm-torino-lancio (the launch afternoon)."""
    return {path.stem: path for path in sorted(folder("sessions").glob("*.toml"))}


def bundled_plan(name: str) -> Path | None:
    return bundled_plans().get(Path(name).name.removesuffix(".toml"))


def translations() -> Path:
    return PACKAGE / "translations"
