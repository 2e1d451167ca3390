"""Compiling the translation catalogues (.po -> .mo): at build time for a wheel, on start in a checkout.

Only the standard library and Babel are imported here, so that the build step can load this file on its own.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogues(folder: Path, *, only_stale: bool = True) -> list[Path]:
    """Write `<lang>/LC_MESSAGES/messages.mo` beside each `.po` under `folder`; returns what was written."""
    written = []
    for po in sorted(Path(folder).glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if only_stale and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_suffix(".mo.partial")
        with partial.open("wb") as target:
            write_mo(target, catalogue, use_fuzzy=False)
        partial.replace(mo)  # a reader never sees half a catalogue
        written.append(mo)
    return written
