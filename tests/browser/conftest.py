"""Debian's chromium driven by Playwright (its own browser download is not reachable here): its headless shell, as
Playwright runs headless itself (a fifth less CPU than the whole browser), or the whole browser where only that is
installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = next(filter(None, map(shutil.which, ("chromium-headless-shell", "chromium", "chromium-browser"))), None)
SHOTS = Path(os.environ.get("FACILITATION_SCREENSHOTS", "")) if os.environ.get("FACILITATION_SCREENSHOTS") else None


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium-headless-shell package")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


# Every word of visible text inside `root`, checked where the reader sees it: a word split across two lines
# (broken mid-way), off the viewport (below it only on a page that cannot scroll), or outside an ancestor that
# clips (overflow other than visible; on a screen people scroll, a box that scrolls up and down clips only
# sideways), and text
# ended by an ellipsis or a line clamp. Returns what is wrong, as short lines for the assertion message.
_CUT_TEXT = """([selector, scrollers]) => {
  const bad = [];
  const range = document.createRange();
  // a page that scrolls down may hold text below the fold; a screen that does not (the projector) may not
  const scrolls = document.documentElement.scrollHeight > innerHeight + 1
    && getComputedStyle(document.body).overflowY !== 'hidden';
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || !el.checkVisibility() || el.closest('.visually-hidden')) continue;
      const style = getComputedStyle(el);
      const text = `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> ` + el.textContent.slice(0, 50);
      if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) bad.push(`ellipsis: ${text}`);
      if (style.webkitLineClamp !== 'none' && el.scrollHeight > el.clientHeight + 1) bad.push(`clamped: ${text}`);
      const clips = [];  // [ancestor, clips sideways, clips up and down]
      for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        // on a screen people touch (console, phone) a box that scrolls up and down holds text out of view
        const scrollsDown = scrollers && /auto|scroll/.test(s.overflowY);
        clips.push([a, true, !scrollsDown]);
      }
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0.5);
        if (rects.length > 1) bad.push(`split: ${m[0]} in <${el.tagName.toLowerCase()}>`);
        for (const r of rects) {
          const below = !scrolls && (r.top < -1 || r.bottom > innerHeight + 1);
          const off = r.left < -1 || r.right > innerWidth + 1 || below;
          if (off) bad.push(`off the screen: ${m[0]}`);
          for (const [a, sideways, upDown] of clips) {
            const b = a.getBoundingClientRect();
            if ((sideways && (r.left < b.left - 1 || r.right > b.right + 1))
                || (upDown && (r.top < b.top - 1 || r.bottom > b.bottom + 1))) {
              bad.push(`clipped by .${a.className || a.tagName}: ${m[0]}`);
              break;
            }
          }
        }
      }
    }
  }
  return [...new Set(bad)].slice(0, 15);
}"""


def cut_text(page, selector: str = "body", scrollers: bool = False) -> list[str]:
    """What text under `selector` a reader cannot read whole (see _CUT_TEXT); [] when every word shows. With
    `scrollers`, a screen people scroll (console, phone): text below the visible part of a box that scrolls up and
    down is not cut; a projector's boxes are never scrolled, so there it is."""
    return page.evaluate(_CUT_TEXT, [selector, scrollers])


def phone_page(browser):
    """A phone-sized page in an Italian browser, as the Turin audience has."""
    page = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="it-IT"
    ).new_page()
    page.set_default_timeout(10_000)
    return page
