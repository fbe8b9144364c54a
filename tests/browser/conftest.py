"""Real-browser fixtures: one headless Chromium (Debian's /usr/bin/chromium, or MAPGEN_CHROMIUM) per session.

Every http(s) request is aborted, so the pages are checked exactly as they behave offline: base-map tiles
fail, everything mapgen draws must still work. Without Chromium or playwright the browser tests skip,
except under CI (env `CI` set), where they fail.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from mapgen.png import CHROMIUM_ARGS, MAP_READY_JS, SETTLE_JS, chromium_path

ACTION_TIMEOUT_MS = 5000  # a broken page fails in seconds, not after playwright's default 30 s


def _unavailable(msg: str):
    if os.environ.get("CI"):
        pytest.fail(f"{msg} (required when CI is set)")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium_exe() -> str:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _unavailable(f"Chromium not found at {path}: apt-get install chromium, or set MAPGEN_CHROMIUM")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Python package playwright is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def browser(chromium_exe):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class MapPage:
    """An opened map page plus everything it logged."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def wait_idle(self) -> None:
        """Wait until Leaflet has drawn and no zoom/pan/fly animation is running."""
        self.page.evaluate("delete window.__mgIdle")
        self.page.wait_for_function(MAP_READY_JS, polling=50)
        self.page.evaluate(SETTLE_JS)
        self.page.wait_for_function(MAP_READY_JS, polling=50)

    def real_errors(self) -> list[str]:
        """Console errors other than the aborted tile requests, plus uncaught page errors."""
        console = [e for e in self.console_errors if "net::ERR_FAILED" not in e]
        return console + [f"pageerror: {e}" for e in self.page_errors]


def open_map_in(browser, html_path, width: int = 1200, height: int = 800):
    """Open `html_path` in a new context of `browser`; returns (MapPage, context), page loaded and idle."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                              locale="en-US", timezone_id="UTC")
    ctx.route("http*://**/*", lambda route: route.abort())
    page = ctx.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    mp = MapPage(page)
    page.on("console", lambda m: m.type == "error" and mp.console_errors.append(m.text))
    page.on("pageerror", lambda e: mp.page_errors.append(str(e)))
    page.on("request", lambda r: mp.requests.append(r.url))
    page.on("requestfailed", lambda r: mp.failed_requests.append(r.url))
    try:
        page.goto(html_path.resolve().as_uri(), wait_until="load")
        mp.wait_idle()
    except BaseException:
        ctx.close()
        raise
    return mp, ctx


@pytest.fixture
def open_map(browser):
    """open_map(html_path, width, height) -> MapPage, loaded and idle, network blocked."""
    contexts = []

    def _open(html_path, width: int = 1200, height: int = 800) -> MapPage:
        mp, ctx = open_map_in(browser, html_path, width, height)
        contexts.append(ctx)
        return mp

    yield _open
    for ctx in contexts:
        ctx.close()
