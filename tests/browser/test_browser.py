"""The built maps in a real browser (headless Chromium, network blocked), on a desktop and a phone screen.

Checks what a reader sees and does: no script errors, one numbered marker per stop where the GeoJSON
puts it, the route drawn on screen, popups quoting the article, the itinerary (mouse and keyboard), the
phone layout, article text that cannot inject script, and the PNG snapshot.
"""
from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import pytest

from mapgen.errors import OutputError
from mapgen.png import render_png
from mapgen.render import CONNECTOR_COLOR, ROUTE_COLOR

from .conftest import open_map_in

SLUG = "kim-2023-russia"
MAP_JS = "window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))]"
VIEWPORTS = {"desktop": (1200, 800), "phone": (390, 844)}


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> tuple[int, int]:
    return VIEWPORTS[request.param]


@pytest.fixture(scope="session")
def seed_html(seed_build) -> Path:
    return seed_build / f"{SLUG}.html"


@pytest.fixture(scope="session")
def seed_stops(seed_geojson) -> list[dict]:
    return [f for f in seed_geojson["features"] if f["properties"]["kind"] == "stop"]


@pytest.fixture
def seed_page(open_map, seed_html, viewport):
    """A fresh seed map page, for tests that click."""
    return open_map(seed_html, *viewport)


@pytest.fixture(scope="module", params=list(VIEWPORTS), ids=list(VIEWPORTS))
def seed_view(request, browser, seed_html):
    """One untouched seed map page per screen size, shared by the tests that only look."""
    mp, ctx = open_map_in(browser, seed_html, *VIEWPORTS[request.param])
    yield mp
    ctx.close()


def norm(text: str) -> str:
    """Compare text as the build matches quotes: one kind of apostrophe, whitespace runs as one space."""
    return re.sub(r"\s+", " ", re.sub("[\u2019\u2018\u02bc]", "'", text)).strip()


def popup_title(page) -> str:
    page.wait_for_selector(".leaflet-popup-content", state="visible")
    return page.locator(".leaflet-popup-content h2").inner_text()


def covering_element(page, selector: str) -> str | None:
    """None if a tap at the centre of `selector` lands on it; else a description of what is on top."""
    return page.evaluate(
        """sel => {const el = document.querySelector(sel); const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (hit && (hit === el || el.contains(hit))) return null;
        return hit ? hit.outerHTML.slice(0, 120) : 'nothing (off screen)';}""",
        selector,
    )


def test_no_console_or_page_errors(seed_page):
    mp = seed_page
    mp.page.evaluate(  # open every popup once, so popup content is built and shown too
        f"() => {{const map = {MAP_JS}; map.eachLayer(l => {{ if (l.getPopup && l.getPopup()) l.openPopup(); }});}}")
    mp.wait_idle()
    assert mp.real_errors() == []
    # The only requests that failed are the (blocked) remote ones: no local asset is missing.
    assert [u for u in mp.failed_requests if not u.startswith(("http://", "https://"))] == []
    # ... and the only remote requests are base-map tiles (z/x/y images), never scripts or styles.
    tile = re.compile(r"^https?://[^/]+/(.+/)?\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp)(\?.*)?$")
    assert [u for u in mp.requests if u.startswith("http") and not tile.match(u)] == []


def test_one_numbered_marker_per_stop(seed_view, seed_stops):
    page = seed_view.page
    markers = page.locator(".mg-stop")
    assert markers.count() == len(seed_stops) == 4
    assert markers.all_inner_texts() == [str(f["properties"]["order"]) for f in seed_stops] == ["1", "2", "3", "4"]
    # Each marker is on screen, where the GeoJSON puts its stop.
    placed = page.evaluate(
        f"""coords => {{const map = {MAP_JS};
        return [...document.querySelectorAll('.mg-icon')].map((el, i) => {{
            const r = el.getBoundingClientRect(); const c = map.getContainer().getBoundingClientRect();
            const p = map.latLngToContainerPoint([coords[i][1], coords[i][0]]);
            return [r.x + r.width / 2 - c.x - p.x, r.y + r.height / 2 - c.y - p.y,
                    r.x >= 0 && r.y >= 0 && r.right <= innerWidth && r.bottom <= innerHeight];}});}}""",
        [f["geometry"]["coordinates"] for f in seed_stops],
    )
    for n, (dx, dy, on_screen) in enumerate(placed, 1):
        assert on_screen, f"marker {n} is off screen"
        assert abs(dx) <= 2 and abs(dy) <= 2, f"marker {n} is {dx:.1f},{dy:.1f} px from its GeoJSON point"


def test_route_is_drawn(seed_view, seed_geojson):
    page = seed_view.page
    n_legs = sum(f["properties"]["kind"] == "leg" for f in seed_geojson["features"])
    n_conn = sum(f["properties"]["kind"] == "connector" for f in seed_geojson["features"])
    paths = page.evaluate(
        """color => {const m = document.querySelector('.leaflet-container').getBoundingClientRect();
        return [...document.querySelectorAll('path.leaflet-interactive')]
          .filter(p => p.getAttribute('stroke') === color)
          .map(p => {const b = p.getBoundingClientRect(); const d = p.getAttribute('d') || '';
            return {d: d.length, segs: (d.match(/L/g) || []).length, w: b.width, h: b.height,
                    overlaps: b.right > m.left && b.left < m.right && b.bottom > m.top && b.top < m.bottom};});}""",
        ROUTE_COLOR,
    )
    assert len(paths) == n_legs >= 3
    for i, p in enumerate(paths, 1):
        assert p["d"] > 40 and p["segs"] >= 3, f"leg {i} path is trivial: {p}"
        assert p["w"] + p["h"] > 20, f"leg {i} is a dot on screen: {p}"
        assert p["overlaps"], f"leg {i} is outside the map viewport: {p}"
    connectors = page.locator(f'path.leaflet-interactive[stroke="{CONNECTOR_COLOR}"]')
    assert connectors.count() == 2 * n_conn  # each connector's line and the ring that marks it at any zoom


def test_clicking_marker_2_opens_its_quote(seed_page, seed_stops):
    page = seed_page.page
    page.locator(".mg-stop").nth(1).click()
    assert popup_title(page) == f"2. {seed_stops[1]['properties']['display_name']}"
    mark = page.locator(".leaflet-popup-content blockquote.mg-quote mark")
    assert mark.count() == 1
    assert norm(mark.inner_text()) == norm(seed_stops[1]["properties"]["quote"])


def test_itinerary_rows_match_stops_and_open_popups(seed_page, seed_stops):
    mp = seed_page
    page = mp.page
    rows = page.locator("#mg-itinerary .mg-row")
    assert rows.count() == len(seed_stops)
    for i, f in enumerate(seed_stops):
        p, row = f["properties"], rows.nth(i)
        assert row.get_attribute("data-stop") == str(i)
        assert row.locator(".mg-num").text_content() == str(p["order"])
        assert row.locator("b").text_content() == p["display_name"]
        assert row.get_attribute("aria-label") is None  # its name is its visible text
    # Phone: the panel starts collapsed; opening it is test_phone_panel_toggles_can_be_tapped's business.
    page.evaluate("document.getElementById('mg-itinerary').open = true")
    for i in (len(seed_stops) - 1, 0):  # last, then first: each a fly across the map
        p = seed_stops[i]["properties"]
        # on a phone a row click closes the itinerary so it does not cover the popup: reopen it
        page.evaluate("document.getElementById('mg-itinerary').open = true")
        rows.nth(i).click()
        mp.wait_idle()
        assert popup_title(page) == f"{p['order']}. {p['display_name']}"
        # The map flew to the stop: its marker is inside the map.
        box = page.locator(".mg-stop").nth(i).bounding_box()
        w, h = page.viewport_size["width"], page.viewport_size["height"]
        assert 0 <= box["x"] and box["x"] + box["width"] <= w and 0 <= box["y"] and box["y"] + box["height"] <= h


def test_row_click_shows_the_popup_heading_and_quote(seed_page, seed_stops):
    """After the fly to a stop, its popup's heading and quote are on screen, not under a panel."""
    mp = seed_page
    page = mp.page
    page.evaluate("document.getElementById('mg-itinerary').open = true")
    page.locator("#mg-itinerary .mg-row").nth(1).click()
    mp.wait_idle()
    assert popup_title(page) == f"2. {seed_stops[1]['properties']['display_name']}"
    for sel in (".leaflet-popup-content h2", ".leaflet-popup-content blockquote.mg-quote"):
        box = page.locator(sel).bounding_box()
        w, h = page.viewport_size["width"], page.viewport_size["height"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= h and box["x"] >= 0 and box["x"] + box["width"] <= w, \
            f"{sel} is cut off by the screen edge: {box}"
        assert covering_element(page, sel) is None, f"{sel} is covered by {covering_element(page, sel)}"


def test_itinerary_is_keyboard_operable(seed_page, seed_stops):
    mp = seed_page
    page = mp.page
    page.locator("body").focus()
    active = ""
    for _ in range(40):  # past the map (zoom buttons, route pieces, markers, legend, credits) to the itinerary
        page.keyboard.press("Tab")
        active = page.evaluate(
            """() => {const a = document.activeElement;
            if (a.matches('#mg-itinerary summary')) return a.parentElement.open ? 'summary-open' : 'summary';
            return a.matches('#mg-itinerary .mg-row') ? 'row' : a.tagName;}""")
        if active == "summary":  # collapsed (phone): Enter opens it, then Tab on into the rows
            page.keyboard.press("Enter")
        if active == "row":
            break
    assert active == "row", "Tab never reached an itinerary row"
    assert page.evaluate("document.activeElement.dataset.stop") == "0"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.stop") == "1"
    page.keyboard.press("Enter")
    mp.wait_idle()
    assert popup_title(page) == f"2. {seed_stops[1]['properties']['display_name']}"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_phone_layout(seed_page):
    page = seed_page.page
    assert page.evaluate("document.getElementById('mg-itinerary').open") is False
    assert page.evaluate("document.getElementById('mg-legend').open") is False
    box = page.locator(".leaflet-container").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    # Zoom and pan still work.
    zoom = page.evaluate(f"{MAP_JS}.getZoom()")
    assert covering_element(page, ".leaflet-control-zoom-in") is None
    page.locator(".leaflet-control-zoom-in").click()
    seed_page.wait_idle()
    assert page.evaluate(f"{MAP_JS}.getZoom()") == zoom + 1
    before = page.evaluate(f"{MAP_JS}.getCenter()")
    page.mouse.move(200, 420)
    page.mouse.down()
    page.mouse.move(260, 480, steps=5)
    page.mouse.up()
    seed_page.wait_idle()
    assert page.evaluate(f"{MAP_JS}.getCenter()") != before


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_phone_panel_toggles_can_be_tapped(seed_page):
    page = seed_page.page
    for panel in ("mg-itinerary", "mg-legend"):
        sel = f"#{panel} > summary"
        assert covering_element(page, sel) is None, f"{panel} toggle is covered by {covering_element(page, sel)}"
        page.locator(sel).click()
        assert page.evaluate(f"document.getElementById('{panel}').open") is True


XSS_ARTICLE = (
    "Kim a quitté Pyongyang <script>window.__pwned=1</script> dimanche. "
    "Il est arrivé à Khasan <img src=x onerror=\"window.__pwned=2\"> mardi, `${1+1}` disait-on.\n"
)
XSS_TOML = """
title = "XSS <script>window.__pwned=3</script>"
language = "fr"
[source]
name = "Test <img src=x onerror=\\"window.__pwned=4\\">"
citation = "`${1+1}` citation"
[[stops]]
place = "Pyongyang"
quote = '''quitté Pyongyang <script>window.__pwned=1</script> dimanche'''
[[stops]]
place = "Khasan"
quote = '''arrivé à Khasan <img src=x onerror="window.__pwned=2"> mardi, `${1+1}`'''
note = '''<script>window.__pwned=5</script>'''
"""


def test_article_text_cannot_inject_script(make_story, tmp_path, open_map):
    from mapgen.build import build_story

    built = build_story(make_story(XSS_TOML, XSS_ARTICLE, slug="xss"), tmp_path / "out")
    mp = open_map(tmp_path / "out" / f"{built.slug}.html", 1200, 800)
    page = mp.page
    assert page.locator(".mg-stop").count() == 2
    texts = []
    for i in range(2):
        page.evaluate("i => document.querySelectorAll('#mg-itinerary .mg-row')[i].click()", i)
        mp.wait_idle()
        page.wait_for_selector(".leaflet-popup-content", state="visible")
        assert page.locator(".leaflet-popup-content script, .leaflet-popup-content img").count() == 0
        texts.append(page.locator(".leaflet-popup-content").text_content())
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in texts[0]
    assert '<img src=x onerror="window.__pwned=2">' in texts[1]
    assert "`${1+1}`" in texts[1] and "`2`" not in texts[1]
    assert "<script>window.__pwned=5</script>" in texts[1]  # the note
    assert "`${1+1}` citation" in texts[1]
    assert page.locator("#mg-title h1").inner_text() == "XSS <script>window.__pwned=3</script>"
    assert page.evaluate("[...document.querySelectorAll('img')].every(i => i.getAttribute('src') !== 'x')")
    assert mp.real_errors() == []


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


COUNT_COLOURS_JS = """async ([uri, targets]) => {
  const img = new Image(); img.src = uri; await img.decode();
  const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const counts = targets.map(() => 0);
  for (let i = 0; i < d.length; i += 4)
    targets.forEach(([r, gr, b, tol], k) => {
      if (Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - gr) <= tol && Math.abs(d[i + 2] - b) <= tol) counts[k]++;
    });
  return counts;
}"""


def test_render_png_of_seed_map(seed_dir, tmp_path, browser):
    from mapgen.build import build_story

    build_story(seed_dir, tmp_path / "out", svg=True)
    out = tmp_path / "seed.png"
    render_png(tmp_path / "out" / "kim-2023-russia.svg", out)
    data = out.read_bytes()
    assert png_size(data) == (1200, 800)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind
    # Not blank: route red, "reported" marker orange, "possible" marker grey, the offline base map's land.
    page = browser.new_page()
    try:
        red, orange, grey, land = page.evaluate(
            COUNT_COLOURS_JS,
            ["data:image/png;base64," + base64.b64encode(data).decode(), [
                [0xA9, 0x32, 0x26, 16], [0xA0, 0x40, 0x00, 10], [0x5D, 0x6D, 0x7E, 6], [0xF2, 0xEF, 0xE9, 2]]],
        )
    finally:
        page.close()
    assert red >= 1000, f"only {red} route-red pixels"
    assert orange >= 300, f"only {orange} orange marker pixels"
    assert grey >= 300, f"only {grey} grey marker pixels"
    assert land >= 100_000, f"only {land} land pixels"


def test_render_png_without_chromium(seed_html, tmp_path, monkeypatch):
    monkeypatch.setenv("MAPGEN_CHROMIUM", "/nonexistent")
    with pytest.raises(OutputError, match="(?i)chromium") as exc:
        render_png(seed_html, tmp_path / "x.png")  # fails before reading the file
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "x.png").exists()


def test_render_png_reports_browser_failure(chromium_exe, tmp_path):
    page = tmp_path / "empty.svg"
    page.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>no map</title></svg>', encoding="utf-8")
    with pytest.raises(OutputError, match="PNG rendering failed"):
        render_png(page, tmp_path / "empty.png", timeout_ms=800)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.svg"]
