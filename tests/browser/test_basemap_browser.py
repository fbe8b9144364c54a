"""The offline base map in a real browser (shares the session's Chromium)."""
from __future__ import annotations

from pathlib import Path

from tests.test_basemap import _seed_page


def test_basemap_drawn_offline_in_a_browser(browser, tmp_path: Path):
    """The offline base map sits below the tiles and draws land with no network."""
    page_file = tmp_path / "basemap.html"
    page_file.write_text(_seed_page(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.route("http*://**/*", lambda route: route.abort())
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector(".leaflet-basemap-pane path", state="attached")  # some lie outside the view
        info = page.evaluate("""() => {
            const pane = document.querySelector('.leaflet-basemap-pane');
            const tiles = document.querySelector('.leaflet-tile-pane');
            const paths = [...pane.querySelectorAll('path')];
            return {pane: +getComputedStyle(pane).zIndex, tiles: +getComputedStyle(tiles).zIndex,
                    n: paths.length, fill: paths.map(p => p.getAttribute('fill')),
                    drawn: paths.filter(p => p.getBBox().width > 0).length,
                    bg: getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor};
        }""")
    finally:
        page.close()
    assert not errors
    assert info["pane"] < info["tiles"]
    assert info["n"] >= 3 and info["drawn"] >= 3 and set(info["fill"]) == {"#f2efe9"}
    assert info["bg"] == "rgb(170, 211, 223)"
