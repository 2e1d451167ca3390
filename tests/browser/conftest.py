"""Debian's chromium driven by Playwright (its own browser download is not reachable here)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(os.environ.get("FACILITATION_SCREENSHOTS", "")) if os.environ.get("FACILITATION_SCREENSHOTS") else None


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))




def phone_page(browser):
    """A phone-sized page in an Italian browser, as the Turin audience has."""
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                               locale="it-IT").new_page()
    page.set_default_timeout(10_000)
    return page
