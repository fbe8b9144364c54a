"""The map as a graphics desk would run it, in Chromium with no network: axe-core finds no accessibility
violation (desktop, two phones, popup open; and the index page); labels never overlap markers, the route or
each other, and every stop and every country a stop is in is labelled; country and sea labels show at
1200x800; every popup fits a phone screen clear of the panels and controls; the keyboard flow works.

Three maps: the seed and two stories written for these tests (tests/stories/: 8 stops each, two countries,
a curated connector; one with its labels in French).

Each map is opened once per screen size for the whole module (`view`, grouped by pytest); a test first puts
it back as loaded (`MapView.fresh`: popup closed, focus dropped, panels and view as the page set them).
Checks gather what they need in one page evaluation. Nothing evaluated returns the Leaflet map itself:
Playwright would serialise its whole object graph (seconds per call).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import open_map_in

ROOT = Path(__file__).resolve().parents[2]
STORIES = [ROOT / "geo" / "stories" / "kim-2023-russia", ROOT / "tests" / "stories" / "delegation-pyongyang-khabarovsk",
           ROOT / "tests" / "stories" / "train-harbin-vostochny"]
SLUGS = [p.name for p in STORIES]
SCREENS = {"desktop": (1200, 800), "phone-360": (360, 740), "phone-390": (390, 844)}
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
MAP_JS = "window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))]"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from mapgen.build import build_all

    out = tmp_path_factory.mktemp("graphic")
    results = build_all(STORIES, out, jobs=1)
    assert all(getattr(r, "slug", None) for r in results), results
    return out


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
                         " return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                         " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }")


STATE_JS = f"""() => {{ const map = {MAP_JS}, c = map.getCenter();
  return {{lat: c.lat, lng: c.lng, zoom: map.getZoom(), itinerary: document.getElementById('mg-itinerary').open,
           legend: document.getElementById('mg-legend').open}}; }}"""
RESTORE_JS = f"""s => {{ const map = {MAP_JS}; map.closePopup();
  const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex');  // Tab starts at the top again
  document.getElementById('mg-itinerary').open = s.itinerary; document.getElementById('mg-legend').open = s.legend;
  map.setView([s.lat, s.lng], s.zoom, {{animate: false}}); }}"""


@dataclass
class MapView:
    slug: str
    size: tuple[int, int]
    mp: object  # conftest.MapPage
    stops: list[dict]  # the GeoJSON's stop properties
    loaded: dict  # the view and panels as the page set them

    @property
    def page(self):
        return self.mp.page

    def fresh(self) -> "MapView":
        self.page.evaluate(RESTORE_JS, self.loaded)
        self.mp.wait_idle()
        return self


def cases(slugs=SLUGS, screens=SCREENS):
    return [pytest.param((s, k), id=f"{s}-{k}") for s in slugs for k in screens]


@pytest.fixture(scope="module")
def view(request, browser, built):
    """One page per (map, screen), parametrised indirectly by each test with the cases it checks."""
    slug, screen = request.param
    mp, ctx = open_map_in(browser, built / f"{slug}.html", *SCREENS[screen])
    doc = json.loads((built / f"{slug}.geojson").read_text(encoding="utf-8"))
    stops = [f["properties"] for f in doc["features"] if f["properties"]["kind"] == "stop"]
    yield MapView(slug, SCREENS[screen], mp, stops, mp.page.evaluate(STATE_JS))
    ctx.close()


@pytest.mark.parametrize("view", cases(), indirect=True)
def test_axe_finds_nothing_on_the_map(view):
    page = view.fresh().page
    assert run_axe(page) == []
    page.locator(".mg-stop").nth(1).click()  # and with a popup open, its details unfolded
    view.mp.wait_idle()
    page.locator(".leaflet-popup-content .mg-how summary").click()
    assert page.locator(".leaflet-popup-content .mg-how").get_attribute("open") is not None
    assert run_axe(page) == []
    assert view.mp.real_errors() == []


def test_axe_finds_nothing_on_the_index(browser, built):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.route("http*://**/*", lambda r: r.abort())
        page.goto((built / "index.html").as_uri())
        assert page.locator("li img[src$='.thumb.svg']").count() == len(STORIES)
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert run_axe(page) == []
        page.set_viewport_size({"width": 390, "height": 844})  # and on a phone
        assert run_axe(page) == []
    finally:
        page.close()


LABEL_BOXES_JS = """() => {
  const rect = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const labels = [...document.querySelectorAll('.mg-label')].map(el => {
    const t = el.querySelector('.mg-t'); const range = document.createRange(); range.selectNodeContents(t);
    return {text: t.textContent, kind: el.className.match(/mg-l-(\\w+)/)[1], box: rect(range.getBoundingClientRect())};});
  const markers = [...document.querySelectorAll('.mg-stop')].map(el => rect(el.getBoundingClientRect()));
  const route = [];
  document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').forEach(p => {
    const m = p.getScreenCTM(), len = p.getTotalLength();
    for (let l = 0; l <= len; l += 2) { const q = p.getPointAtLength(l).matrixTransform(m); route.push([q.x, q.y]); }});
  const panels = ['mg-title', 'mg-side', 'mg-legend-box'].map(id => rect(document.getElementById(id).getBoundingClientRect()));
  return {labels, markers, route, panels, w: innerWidth, h: innerHeight};
}"""

# the fitted zoom, one closer, one further out: each drawn (two frames) and measured, then back
LABELS_AT_ZOOMS_JS = f"""async steps => {{ const map = {MAP_JS}, z0 = map.getZoom(), boxes = {LABEL_BOXES_JS}, out = [];
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (const s of steps) {{ map.setZoom(z0 + s, {{animate: false}}); await frames();
    out.push(Object.assign(boxes(), {{zoom: map.getZoom()}})); }}
  map.setZoom(z0, {{animate: false}}); return out; }}"""


def overlaps(a, b, slack=0.5):
    return a["x0"] + slack < b["x1"] and b["x0"] + slack < a["x1"] and a["y0"] + slack < b["y1"] and b["y0"] + slack < a["y1"]


@pytest.mark.parametrize("view", cases(), indirect=True)
def test_labels_do_not_overlap_and_name_every_stop_and_its_country(view):
    page = view.fresh().page
    zooms = []
    for d in page.evaluate(LABELS_AT_ZOOMS_JS, [0, 1, -1]):
        check_labels(d, view.stops, d["zoom"])
        zooms.append(d["zoom"])
    assert len(set(zooms)) == 3, zooms


def check_labels(d, stops, zoom):
    labels = d["labels"]
    assert labels, "no labels"
    for i, a in enumerate(labels):
        assert a["box"]["x1"] - a["box"]["x0"] > 4, a
        for b in labels[i + 1:]:
            assert not overlaps(a["box"], b["box"]), f"zoom {zoom}: {a['text']!r} overlaps {b['text']!r}"
        for k, m in enumerate(d["markers"]):
            assert not overlaps(a["box"], m), f"zoom {zoom}: {a['text']!r} overlaps marker {k + 1}"
        b = a["box"]
        hits = [p for p in d["route"] if b["x0"] + 0.5 < p[0] < b["x1"] - 0.5 and b["y0"] + 0.5 < p[1] < b["y1"] - 0.5]
        assert not hits, f"zoom {zoom}: {a['text']!r} lies on the route at {hits[:3]}"
    names = [x["text"] for x in labels if x["kind"] == "stop"]
    places = list(dict.fromkeys((s["display_name"], s["country"]) for s in stops))  # a place visited twice: once
    assert names == [name for name, _ in places], f"zoom {zoom}: stop labels {names}"
    countries = {x["text"].upper() for x in labels if x["kind"] == "country"}
    from mapgen.labels import country_name

    lang = "fr" if "Tsiolkovski" in json.dumps(stops, ensure_ascii=False) else "en"
    for code in {s["country"] for s in stops}:
        assert country_name(code, lang).upper() in countries, f"zoom {zoom}: {code} not labelled; {countries}"


@pytest.mark.parametrize("view", cases(screens=["desktop"]), indirect=True)
def test_country_and_sea_labels_visible_at_1200x800(view):
    d = view.fresh().page.evaluate(LABEL_BOXES_JS)

    def visible(b):
        return (b["x0"] >= 0 and b["y0"] >= 0 and b["x1"] <= d["w"] and b["y1"] <= d["h"]
                and not any(overlaps(b, p) for p in d["panels"]))

    shown = {k: [x["text"] for x in d["labels"] if x["kind"] == k and visible(x["box"])] for k in ("country", "sea")}
    assert len(shown["country"]) >= 2 and len(shown["sea"]) >= 1, shown


POPUP_JS = """sels => {
  const rect = el => { const r = el.getBoundingClientRect(); return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const pop = document.querySelector('.leaflet-popup');
  const controls = {};
  for (const s of sels) { const el = document.querySelector(s); const r = el && el.getBoundingClientRect();
    if (r && r.width && r.height) controls[s] = rect(el); }
  const c = document.querySelector('.leaflet-popup-close-button'); const r = c.getBoundingClientRect();
  const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return {popup: rect(pop), controls, close_hit: !!e && (e === c || c.contains(e))};
}"""

CONTROLS = ["#mg-title", "#mg-side", "#mg-legend-box", ".leaflet-control-zoom", ".leaflet-control-scale",
            ".leaflet-control-attribution"]
OPEN_POPUP_JS = f"i => {{ {MAP_JS}.closePopup(); document.querySelectorAll('.mg-icon')[i].click(); }}"


@pytest.mark.parametrize("view", cases(screens=["phone-360", "phone-390"]), indirect=True)
def test_every_popup_fits_a_phone(view):
    page, (w, h) = view.fresh().page, view.size
    for i in range(len(view.stops)):
        page.evaluate(OPEN_POPUP_JS, i)
        view.mp.wait_idle()
        d = page.evaluate(POPUP_JS, CONTROLS)
        pop = d["popup"]
        assert pop["x0"] >= 0 and pop["y0"] >= 0 and pop["x1"] <= w and pop["y1"] <= h, f"popup {i + 1} off screen: {pop}"
        for sel, box in d["controls"].items():
            assert not overlaps(pop, box), f"popup {i + 1} is under {sel}: {pop} / {box}"
        assert d["close_hit"], f"popup {i + 1}: close button covered"


@pytest.mark.parametrize("view", cases(["kim-2023-russia"], ["desktop", "phone-390"]), indirect=True)
def test_keyboard_flow(view):
    page = view.fresh().page
    seen = []
    for _ in range(3):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.className + ' ' + (document.activeElement.title || '')"))
    assert any("leaflet-control-zoom-in" in s for s in seen), f"zoom-in is not among the first tabs: {seen}"
    for _ in range(8):  # on to the first marker, named "1. Pyongyang"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('mg-icon')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "1. Pyongyang"
    page.keyboard.press("Enter")
    view.mp.wait_idle()
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.evaluate("!!document.activeElement.closest('.leaflet-popup')"), "focus stayed behind"
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "1. Pyongyang"
    # the same from an itinerary row
    page.evaluate("document.getElementById('mg-itinerary').open = true")
    row = page.locator("#mg-itinerary .mg-row").nth(2)
    row.focus()
    page.keyboard.press("Enter")
    view.mp.wait_idle()
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
    assert page.locator(".leaflet-popup-content h2").inner_text().startswith("3. ")
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    # back to the row, or on a phone (where the row closed the itinerary to show the popup) to its toggle
    assert page.evaluate("document.activeElement.dataset.stop || document.activeElement.closest('#mg-itinerary')"
                         " && document.activeElement.tagName") in ("2", "SUMMARY")


def test_pages_stay_under_1_mb(built):
    for html in built.glob("*.html"):
        assert html.stat().st_size < 1_000_000, html
