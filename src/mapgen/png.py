"""The print PNG: the print SVG (printmap.py) rasterised by headless Chromium through Playwright.

The SVG is opened from disk with every http(s) request aborted (it needs none) in a window of its own size,
and screenshotted once fonts are ready: title, legend, labels, scale and credit line, no zoom buttons or
toggles, and credits only for what it shows. The same SVG gives the same pixels on one machine.
(`MAP_READY_JS`/`SETTLE_JS` are for tests that drive the interactive page.)

Playwright and Chromium are optional: without them `render_png` raises `OutputError` with one line
saying what to install.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import tempfile
import time
from pathlib import Path

from .errors import OutputError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# True once the folium map exists, has loaded, shows markers and route, is not in a zoom or pan animation,
# and its view (centre, zoom, pane offset) has not changed for 200 ms. The last test catches flyTo, which
# leaves no flag behind (Leaflet keeps a stale _flyToFrame id after the flight). Delete window.__mgIdle
# before waiting again after an interaction.
MAP_READY_JS = """() => {
  const name = Object.keys(window).find(
    k => /^map_[0-9a-f]+$/.test(k) && window[k] && typeof window[k].getCenter === 'function');
  if (!name) return false;
  const map = window[name];
  if (!map._loaded || map._animatingZoom) return false;
  if (map._panAnim && map._panAnim._inProgress) return false;
  if (!document.querySelector('.mg-stop') || !document.querySelector('path.leaflet-interactive')) return false;
  const c = map.getCenter();
  const key = [c.lat.toFixed(7), c.lng.toFixed(7), map.getZoom(), map.getPane('mapPane').style.transform].join();
  const now = performance.now(), last = window.__mgIdle;
  if (!last || last.key !== key) { window.__mgIdle = {key: key, since: now}; return false; }
  return now - last.since >= 200;
}"""

# Resolve after fonts are ready and two animation frames have painted.
SETTLE_JS = """async () => {
  if (document.fonts && document.fonts.ready) await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return true;
}"""


def chromium_path() -> str:
    """The Chromium binary to drive: `MAPGEN_CHROMIUM`, else Debian's /usr/bin/chromium."""
    return os.environ.get("MAPGEN_CHROMIUM") or DEFAULT_CHROMIUM


def _missing_chromium(path: str) -> OutputError:
    return OutputError(
        f"Chromium not found at {path}: install Debian's chromium package (apt-get install chromium) "
        "or set MAPGEN_CHROMIUM"
    )


def render_png(svg_path: Path, png_path: Path, *, width: int = 1200, height: int = 800,
               timeout_ms: int = 30000) -> float:
    """Rasterise the print SVG `svg_path` at `width`x`height` CSS px into `png_path`; returns seconds.

    The PNG is written atomically (temporary file in the same folder, then rename).
    """
    start = time.monotonic()
    html_path = Path(svg_path)
    png_path = Path(png_path)
    chromium = chromium_path()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise OutputError(
            "Python package playwright is not installed: pip install playwright "
            f"(it drives the system Chromium at {chromium}; no browser download needed)"
        ) from None
    if not os.path.isfile(chromium) or not os.access(chromium, os.X_OK):
        raise _missing_chromium(chromium)
    if not html_path.is_file():
        raise OutputError("print SVG not found", where=str(html_path))

    def shoot() -> bytes:
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    return _screenshot(browser, html_path, width, height, timeout_ms)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise OutputError(f"PNG rendering failed: {first}", where=str(html_path)) from None

    if _loop_running():
        # Playwright's sync API refuses to start inside a running asyncio loop (an async caller, or
        # another sync_playwright session in this thread, e.g. a test's browser): use a fresh thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            data = pool.submit(shoot).result()
    else:
        data = shoot()

    _write_atomic(png_path, data)
    return time.monotonic() - start


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _screenshot(browser, html_path: Path, width: int, height: int, timeout_ms: int) -> bytes:
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1,
        reduced_motion="reduce", locale="en-US", timezone_id="UTC",
    )
    context.route("http*://**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(html_path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("svg #route", state="attached")
    page.evaluate(SETTLE_JS)
    return page.screenshot(type="png", animations="disabled", caret="hide")


def _write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise OutputError(f"cannot write PNG: {exc.strerror}", where=str(path)) from None
