"""Stage 4b: the interactive map, a self-contained folium (Leaflet) page.

Every piece of article text reaches the page through `esc`, which HTML-escapes it and also neutralises
the characters that would break out of the JavaScript template literals folium wraps popups and
tooltips in (` $ \\). Element ids come from a counter, so the same inputs give the same bytes.
"""
from __future__ import annotations

import html
import itertools
import json
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass

from . import __version__
from .data import TILE_ATTRIBUTION, attribution
from .dates import StopDate
from .geocode import Located
from .rail import OSM_ATTRIBUTION, RailNetwork, geodesic_km
from .route import Route
from .story import Story

ROUTE_COLOR = "#a93226"  # contrast on the offline base map: 5.8:1 on land, 4.1:1 on sea (WCAG: >= 3)
CONNECTOR_COLOR = "#7d3c98"  # 6.2:1 land, 4.4:1 sea
FALLBACK_COLOR = "#5d6d7e"  # 4.6:1 land, 3.3:1 sea
OTHER_MODE_COLOR = "#34495e"  # legs by road, air or sea: straight, not routed
OTHER_MODE_DASH = "2 7"
APPROXIMATE_COLOR = "#9a6700"  # stretches on the OSM routing graph: a dotted band over the leg's own line
# Stop markers are coloured by how sure the article is (white numbers on them: >= 4.5:1).
MARKER_COLORS = {"stated": "#a93226", "reported": "#a04000", "possible": "#5d6d7e"}
MARKER_LEGEND = {"stated": "stated by the article", "reported": "reported (attributed to a source)",
                 "possible": "possible (speculation in the article)"}


@dataclass(frozen=True)
class LineStyle:
    """How one kind of route piece is drawn, what the legend says about it, and any credit it needs
    (shown, like the legend entry, only on maps that use the style)."""

    color: str
    weight: float
    dash: str | None
    legend: str
    attribution: str | None = None


# Every kind of line the map can draw, in legend order. A new kind of piece is a new entry here plus the
# line in `route_pieces` that picks it; the legend and the credits follow from the pieces a map has.
LINE_STYLES: dict[str, LineStyle] = {
    "stated": LineStyle(ROUTE_COLOR, 4, None, "by rail, as the article states"),
    "reported": LineStyle(ROUTE_COLOR, 4, "10 6", "by rail, reported (attributed to a source)"),
    "possible": LineStyle(ROUTE_COLOR, 4, "2 8", "by rail, possible (speculation in the article)"),
    "connector": LineStyle(CONNECTOR_COLOR, 5, "6 4", "curated connector where the railway data has a gap"),
    "approximate": LineStyle(APPROXIMATE_COLOR, 7, "2 7", "approximate alignment (OpenStreetMap routing graph)",
                             OSM_ATTRIBUTION),
    "straight": LineStyle(FALLBACK_COLOR, 4, "12 8", "no track in the data: straight line"),
    "road": LineStyle(OTHER_MODE_COLOR, 3, OTHER_MODE_DASH, "by road: straight line, not routed"),
    "air": LineStyle(OTHER_MODE_COLOR, 3, OTHER_MODE_DASH, "by air: straight line, not routed"),
    "sea": LineStyle(OTHER_MODE_COLOR, 3, OTHER_MODE_DASH, "by sea: straight line, not routed"),
}


@dataclass(frozen=True)
class Piece:
    """One drawn line of the route: a leg, the straight end of a leg off the track, a connector, or a leg's
    stretch on the OSM routing graph."""

    coords: tuple[tuple[float, float], ...]  # (lon, lat)
    style: str  # key of LINE_STYLES
    tooltip: str
    kind: str  # leg, off-track, connector, approximate
    credit: str | None = None  # a credit this piece needs beyond its style's (a connector's stations)


def route_pieces(route: Route, network: RailNetwork) -> list[Piece]:
    pieces = []
    for i, leg in enumerate(route.legs):
        label = f"Leg {i + 1}: {leg.start.stop.place} → {leg.end.stop.place}, {leg.km:,.0f} km by {leg.mode}"
        if leg.mode != "rail":
            style, label = leg.mode, label + " — a straight line: legs not by train are not routed"
        elif leg.fallback:
            style, label = "straight", label + " — no rail path found: straight line"
        else:
            style = leg.certainty
            if leg.connectors:
                label += " — includes a curated connector"
            if leg.approximate:
                label += (f" — {sum(geodesic_km(p) for p in leg.approximate):,.0f} km of it an "
                          f"{LINE_STYLES['approximate'].legend}")
        pieces.append(Piece(tuple(leg.coords), style, label, "leg"))
        for run in leg.approximate:  # over the leg's own line
            pieces.append(Piece(tuple(run), "approximate",
                                f"{geodesic_km(run):,.0f} km: {LINE_STYLES['approximate'].legend}. Natural Earth has "
                                f"no line here; {OSM_ATTRIBUTION}", "approximate"))
        for (x0, y0), (x1, y1) in leg.off_track:
            stop = leg.start if (x0, y0) == (leg.start.lon, leg.start.lat) else leg.end
            pieces.append(Piece(((x0, y0), (x1, y1)), "straight",
                                f"{stop.stop.place} is {geodesic_km(((x0, y0), (x1, y1))):,.1f} km from the nearest"
                                " track in the data: straight line", "off-track"))
    used = sorted({c for leg in route.legs for c in leg.connectors})
    for conn in network.connectors:
        if conn["id"] in used:
            pieces.append(Piece(tuple(tuple(c) for c in conn["geometry"]["coordinates"]), "connector",
                                f"Connector (not in Natural Earth): {conn['name']}, {conn['km']:.1f} km. "
                                f"{conn['source']}", "connector", conn.get("attribution")))
    return pieces


def esc(text: object) -> str:
    """HTML-escape, and make safe inside a JS template literal (` $ \\) and inside Jinja: folium renders
    popups and tooltips to text and then renders that text again as a template, so `{{ }}` in an
    article would be evaluated; braces become character references."""
    return (
        html.escape(str(text), quote=True)
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
    )


@contextmanager
def deterministic_ids():
    """Number branca/folium element ids 0, 1, 2, ... instead of random hex while a map is built."""
    from branca.element import Element

    counter = itertools.count()
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):016x}")
    try:
        yield
    finally:
        Element._generate_id = original


def _raw(text: str):
    """A page element emitted verbatim. branca's Element would run its text through Jinja, so article
    text containing `{{ ... }}` or CSS containing `{#` would be evaluated or break the page."""
    from branca.element import Element

    class Raw(Element):
        def render(self, **kwargs):
            return text

    return Raw()


@dataclass(frozen=True)
class Arrival:
    """How the journey reaches a shown stop: its number among shown stops, and the legs since the previous
    one (several when via points lie between)."""

    number: int
    km: float | None  # None for the first stop
    total: float
    modes: tuple[str, ...]
    vias: tuple[str, ...]
    fallback: bool

    def describe(self) -> str:
        text = f"{self.km:,.0f} km by {' and '.join(self.modes)}"
        if self.vias:
            text += f" via {', '.join(self.vias)}"
        return text + (" (straight-line fallback)" if self.fallback else "")


def arrivals(shown: list[Located], route: Route) -> dict[int, Arrival]:
    """Arrival of each shown stop, by its order in the story."""
    legs_to = {leg.end.stop.order: leg for leg in route.legs}
    out: dict[int, Arrival] = {}
    total = 0.0
    prev: int | None = None  # story order of the previous shown stop
    for n, loc in enumerate(shown, start=1):
        if prev is None:
            out[loc.stop.order] = Arrival(1, None, 0.0, (), (), False)
        else:
            legs = [legs_to[o] for o in range(prev + 1, loc.stop.order + 1)]
            km = sum(leg.km for leg in legs)
            total += km
            out[loc.stop.order] = Arrival(
                n, km, total, tuple(dict.fromkeys(leg.mode for leg in legs)),
                tuple(leg.end.stop.place for leg in legs[:-1]), any(leg.fallback for leg in legs))
        prev = loc.stop.order
    return out


def display_name(loc: Located, language: str) -> str:
    """The place's name for the map: Natural Earth's name in the map language for a GeoNames place it
    knows, else the gazetteer's name (the article's own wording only for a stop given by coordinates)."""
    from .labels import town_name_by_geonameid

    gid = loc.geocode.place.geonameid if loc.geocode else 0
    return town_name_by_geonameid(gid, language) or loc.name


def popup_html(story: Story, loc: Located, when: StopDate, arrival: Arrival, name: str) -> str:
    stop = loc.stop
    m = stop.match
    text = story.article.text
    sentence = (
        esc(text[m.sentence_start : m.start])
        + "<mark>" + esc(text[m.start : m.end]) + "</mark>"
        + esc(text[m.end : m.sentence_end])
    )
    rows = [f'<h2 class="mg-h" tabindex="-1">{arrival.number}. {esc(name)}</h2>']
    rows.append(f'<blockquote class="mg-quote" lang="{esc(story.language)}">{sentence}</blockquote>')
    meta = [f"{esc(when.date)} <span class=\"mg-small\">({esc(when.how)})</span>" if when.date
            else f'Date not stated <span class="mg-small">({esc(when.how)})</span>']
    if arrival.km is not None:
        meta.append(f"{esc(arrival.describe())} from the previous stop · {arrival.total:,.0f} km in all")
    else:
        meta.append("Start of the journey")
    rows.append('<p class="mg-meta">' + "<br>".join(meta) + "</p>")
    if stop.note:
        rows.append(f'<p class="mg-note">{esc(stop.note)}</p>')
    outlet = esc(story.source_name)
    if story.url:
        outlet = f'<a href="{esc(story.url)}" rel="noopener">{outlet}</a>'
    rows.append(f'<p class="mg-src">Source: {outlet}</p>')
    how = [f"The article says “{esc(stop.place)}”; {esc(MARKER_LEGEND[stop.certainty])}."]
    where = esc(loc.name) + (f" ({esc(loc.country)})" if loc.country else "")
    if loc.geocode:
        how.append(f"Gazetteer: {where}, <code>{esc(loc.geocode.place.id)}</code>, "
                   f"confidence {loc.geocode.confidence:.2f}.")
        if loc.geocode.runners_up:
            alts = ", ".join(f"{esc(c.place.name)} ({esc(c.place.country)})" for c in loc.geocode.runners_up[:3])
            how.append(f"Runner-up: {alts}.")
    else:
        how.append(f"Coordinates given by the story: {where}.")
    how.append(f"Coordinates: {esc(loc.source)}.")
    how.append(f"Citation: {esc(story.citation)}")
    rows.append('<details class="mg-how"><summary>How this was placed</summary><p>'
                + "<br>".join(how) + "</p></details>")
    return '<div class="mg-popup">' + "".join(rows) + "</div>"


def _import_folium():
    """Import folium with only what mapgen's pages use, when pandas is not loaded yet (imports.py):
    - without pandas: folium uses it only to recognise DataFrame arguments, which mapgen never passes (about
      a third of a cold build);
    - requests (folium fetches GeoJSON given as a URL) and urllib.request with the http, email and ssl modules
      under it (branca downloads a script it is asked to inline) deferred, as mapgen's pages are offline: they
      are loaded if anything uses them (together about a seventh of a cold build);
    - branca's built-in colour maps (`branca.colormap.linear` and `.step`, for choropleths: 200-odd maps made
      at import, about a twentieth of a cold build) made on first use."""
    import sys

    from .imports import deferred, deferring

    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium

        return folium
    deferred("requests")
    deferred("urllib.request", forward=("urlopen",))  # branca: `from urllib.request import urlopen`
    _cache_template_code()
    sys.modules["pandas"] = None  # makes `import pandas` raise ImportError; folium falls back to pd = None
    try:
        with deferring("branca.colormap", ("linear = _LinearColormaps()", "step = _StepColormaps()")):
            import folium
    finally:
        del sys.modules["pandas"]
    return folium


def _cache_template_code() -> None:
    """Keep the Python code Jinja compiles folium's templates into (89 templates, a tenth of a cold build)
    in the user's cache folder (`imports.CompiledCode`): keyed by the template source and the Jinja and
    Python versions, so the same page comes out, only sooner."""
    import hashlib

    import jinja2

    from .imports import CompiledCode

    if getattr(jinja2.Environment.compile, "_mapgen_cache", False):
        return
    store = CompiledCode(f"jinja-{jinja2.__version__}")
    compile_ = jinja2.Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if raw or not isinstance(source, str):
            return compile_(self, source, name, filename, raw, defer_init)
        key = hashlib.sha256(repr((source, name, filename, defer_init, self.autoescape)).encode()).hexdigest()
        return store.get(key, lambda: compile_(self, source, name, filename, raw, defer_init))

    compile._mapgen_cache = True
    jinja2.Environment.compile = compile


# Screens the labels are laid out for. At each screen's fitted zoom, area labels (countries, seas) go where
# that screen shows the map clear of the page's panels, as `page_view` models them from the CSS and UI_JS
# below: on a desktop the title and itinerary (330 px wide, from 54 px) on the left and the legend in the
# bottom-right corner; on a phone (<= 600 px, UI_JS `narrow()`) the title across the top above the closed
# itinerary, and the closed legend, scale and credits along the bottom.
SCREENS = ((360, 740), (390, 844), (1200, 800), (1920, 1080))
PHONE_MAX_W = 600


def page_view(size: tuple[int, int], title_h: float, legend_h: float):
    """(padding top-left, padding bottom-right, rects clear of the panels) of a screen: the paddings are
    those the page's `fit()` gives fitBounds; the rects are in screen px, the first the widest."""
    w, h = size
    if w <= PHONE_MAX_W:
        top = 8 + title_h + 8 + 30  # the title's bottom, then the closed itinerary below it
        return (16, top + 16), (16, 80), [(8, top + 4, w - 8, h - 68)]
    legend_top = h - 28 - legend_h  # above the credits line
    return (408, 24), (24, legend_h + 44), [(392, 8, w - 338, h - 30), (392, 8, w - 8, legend_top - 8)]


def title_height(width: int, texts: tuple[str, str, str]) -> float:
    """Height of the title panel on a phone (CSS: 14 px bold title, two 11 px lines, line height 1.35)."""
    from .labels import wrap

    inner = width - 54 - 8 - 16
    lines = [len(wrap(texts[0], 14, "bold", inner)) * 14, len(wrap(texts[1], 11, "regular", inner)) * 11,
             len(wrap(texts[2], 11, "regular", inner)) * 11]
    return 8 + 2 + sum(lines) * 1.35


def legend_height(rows: list[tuple[str, str, int]]) -> float:
    """Height of the open legend on a desktop (CSS: 13 px text, line height 1.35, 254 px beside a symbol)."""
    from .labels import wrap

    body = sum(max(sym_h, len(wrap(html.unescape(text), 13, "regular", 254)) * 13 * 1.35) for _, text, sym_h in rows)
    return 12 + 13 * 1.35 + 4 + body + 3 * len(rows)


@dataclass
class Scene:
    """Everything a map shows, computed once and drawn both as the interactive page and as print SVG."""

    story: Story
    language: str
    shown: list[Located]
    names: dict[int, str]  # display name by stop order
    arrive: dict[int, Arrival]
    dates: dict[int, StopDate]
    pieces: list[Piece]
    bounds: tuple[float, float, float, float]  # route and stops: min_lon, min_lat, max_lon, max_lat
    box: tuple[float, float, float, float]  # what the page carries base map and context for
    basemap: dict
    railways: list
    labels: object  # labels.LabelSet
    zooms: tuple[int, ...]
    summary: str  # "2,551 km by rail, 4 stops" (see summary_line)
    sources: tuple[str, ...] = ()  # where each stop's place came from (the credits depend on it)

    @property
    def styles_used(self) -> list[str]:
        used = {p.style for p in self.pieces}
        return [k for k in LINE_STYLES if k in used]

    @property
    def certainties_used(self) -> list[str]:
        used = {loc.stop.certainty for loc in self.shown}
        return [c for c in MARKER_COLORS if c in used]

    @property
    def credits(self) -> list[str]:
        """Credits for what the map draws beyond the base data (a style's or a piece's own source), once each,
        less what the base credit already says (the station table, when a stop came from it too)."""
        from .data import attribution

        base = attribution(self.sources, html=False)
        own = [LINE_STYLES[k].attribution for k in self.styles_used] + [p.credit for p in self.pieces]
        return [c for c in dict.fromkeys(own) if c and c not in base]


MIN_SPAN = 1.0  # degrees: a story of one stop, or of stops in one town, still shows the country around them


def _padded(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The map's bounds, widened about their centre to at least MIN_SPAN each way."""
    x0, y0, x1, y1 = b
    dx, dy = max(0.0, MIN_SPAN - (x1 - x0)) / 2, max(0.0, MIN_SPAN - (y1 - y0)) / 2
    return (round(max(-180.0, x0 - dx), 5), round(max(-85.0, y0 - dy), 5),
            round(min(180.0, x1 + dx), 5), round(min(85.0, y1 + dy), 5))


def build_scene(story: Story, stops: list[Located], route: Route, network: RailNetwork,
                dates: dict[int, StopDate]) -> Scene:
    import numpy as np

    from . import basemap
    from . import labels as lb

    language = getattr(story, "map_language", None) or "en"
    shown = [s for s in stops if not s.stop.via]
    names = {loc.stop.order: display_name(loc, language) for loc in shown}
    pieces = route_pieces(route, network)
    xs = [x for p in pieces for x, _ in p.coords] + [s.lon for s in shown]
    ys = [y for p in pieces for _, y in p.coords] + [s.lat for s in shown]
    bounds = _padded((min(xs), min(ys), max(xs), max(ys)))
    # the screens' fitted zooms, estimated with every legend row (towns and railways) the map may show
    used = {p.style for p in pieces}
    legend_h = legend_height(_legend_rows([k for k in LINE_STYLES if k in used],
                                          [c for c in MARKER_COLORS if c in {s.stop.certainty for s in shown}],
                                          True, True))
    title = (story.title, story.source_name + (f" · {story.date}" if story.date else ""),
             summary_line(route, len(shown)))
    views: dict[int, list] = {}
    for w, h in SCREENS:
        tl, br, rects = page_view((w, h), title_height(w, title), legend_h)
        z = lb.fit_zoom(bounds, (w, h), tl, br, zmax=14)
        cx, cy = lb.fit_center(bounds, z, tl, br)
        ox, oy = cx - w / 2, cy - h / 2
        views.setdefault(z, []).append([(ox + r[0], oy + r[1], ox + r[2], oy + r[3]) for r in rects])
    zooms = tuple(range(max(1, min(views) - 1), min(15, max(views) + 2)))
    # base map and context: what a 1600 x 1000 screen shows around the route at the lowest fitted zoom
    z0 = min(views)
    cx, cy = lb.fit_center(bounds, z0)
    (bx0, bx1), (by1, by0) = lb.lonlat([cx - 800, cx + 800], [cy - 500, cy + 500], z0)
    box = (max(-180.0, math.floor(min(float(bx0), bounds[0] - 1) * 100) / 100),
           max(-85.0, math.floor(min(float(by0), bounds[1] - 1) * 100) / 100),
           min(180.0, math.ceil(max(float(bx1), bounds[2] + 1) * 100) / 100),
           min(85.0, math.ceil(max(float(by1), bounds[3] + 1) * 100) / 100))
    base = basemap.basemap_geojson(bounds, box=box)
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1])
    railways = basemap.context_railways(network, box, span=max(span, 1.0))
    areas = basemap.country_areas(bounds, box)
    land = basemap.land_geometry(areas)
    stop_countries = list(dict.fromkeys(loc.country for loc in shown if loc.country in areas))
    # a place the journey goes back to is named once, by its first visit's marker (the markers of both
    # visits stand side by side, numbered): no second label with the same name beside the first
    labelled: set[tuple[str, float, float]] = set()
    items = []
    for arrive_n, loc in enumerate(shown, start=1):
        spot = (names[loc.stop.order], round(loc.lat, 3), round(loc.lon, 3))
        if spot in labelled:
            continue
        labelled.add(spot)
        items.append(lb.Label(f"stop:{arrive_n}", names[loc.stop.order], "stop", must=True, anchor=(loc.lon, loc.lat)))
    items += [lb.Label(f"country:{c}", lb.country_name(c, language), "country", must=True, area=areas[c])
              for c in stop_countries]
    items += sorted(lb.seas_in(box, language), key=lambda x: x.rank)
    rows = lb.country_rows()
    others = [c for c in areas if c not in stop_countries and c in rows]
    others.sort(key=lambda c: (int(rows[c]["labelrank"]), c))
    items += [lb.Label(f"country:{c}", lb.country_name(c, language), "country", area=areas[c],
                       min_zoom=float(rows[c]["min_label"]) - 1) for c in others]
    lines = [np.asarray(p.coords) for p in pieces]
    items += sorted(lb.towns_along(lines, box, language, skip_points=[(s.lon, s.lat) for s in shown]),
                    key=lambda x: x.rank)
    obstacles = lines + [_ring(p.coords) for p in pieces if p.kind == "connector"]
    label_set = lb.LabelSet(items, [(s.lon, s.lat) for s in shown], obstacles, bounds, land, views)
    for z in zooms:
        label_set.at(z)
    return Scene(story, language, shown, names, arrivals(shown, route), dates, pieces, bounds, box, base,
                 railways, label_set, zooms, summary_line(route, len(shown)), tuple(s.source or "" for s in stops))


CONNECTOR_RING_PX = 8  # a connector is a few km: a ring marks where it is at any zoom


def _ring(coords):
    """A connector's mark as an obstacle: a small square around its middle (lon/lat)."""
    import numpy as np

    x, y = coords[len(coords) // 2]
    d = 0.02
    return np.array([(x - d, y - d), (x + d, y - d), (x + d, y + d), (x - d, y + d), (x - d, y - d)])


def render_html(story: Story, stops: list[Located], route: Route, network: RailNetwork,
                dates: dict[int, StopDate], scene: Scene | None = None) -> str:
    folium = _import_folium()
    from branca.element import MacroElement
    from jinja2 import Template

    from .offline import assert_offline, make_offline

    scene = scene or build_scene(story, stops, route, network, dates)
    shown = scene.shown
    b = scene.bounds
    bounds = [[b[1], b[0]], [b[3], b[2]]]
    with deterministic_ids():
        # the view is set once, by the UI script's fitBounds beside the panels: a folium fit_bounds here would
        # start an animated zoom that swallows that fit (Leaflet ignores setView while a zoom animates)
        m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=min(scene.zooms),
                       tiles=None, control_scale=True)
        credit = attribution(s.source for s in stops)  # names the station table (ODbL) when a stop is from it
        credits = "".join(f" | {c}" for c in scene.credits)
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap", attr=f"{TILE_ATTRIBUTION} | {credit}{credits}",
        ).add_to(m)
        for piece in scene.pieces:
            st = LINE_STYLES[piece.style]
            folium.PolyLine([(lat, lon) for lon, lat in piece.coords], color=st.color, weight=st.weight,
                            opacity=1, dash_array=st.dash, tooltip=folium.Tooltip(esc(piece.tooltip))).add_to(m)
            if piece.kind == "connector":
                lon, lat = piece.coords[len(piece.coords) // 2]
                folium.CircleMarker([lat, lon], radius=CONNECTOR_RING_PX, color=st.color, weight=3, fill=False,
                                    tooltip=folium.Tooltip(esc(piece.tooltip))).add_to(m)
        markers = []
        for loc in shown:
            a = scene.arrive[loc.stop.order]
            name = scene.names[loc.stop.order]
            icon = folium.DivIcon(
                html=(f'<svg class="mg-lead" aria-hidden="true" width="24" height="24"><line x1="12" y1="12" '
                      f'x2="12" y2="12"/><circle cx="12" cy="12" r="3"/></svg>'
                      f'<span class="mg-stop mg-{esc(loc.stop.certainty)}">{a.number}</span>'),
                icon_size=(24, 24), icon_anchor=(12, 12), class_name="mg-icon",
            )
            marker = folium.Marker(
                [loc.lat, loc.lon], icon=icon, tooltip=folium.Tooltip(esc(f"{a.number}. {name}")),
                popup=folium.Popup(popup_html(story, loc, scene.dates[loc.stop.order], a, name), max_width=320),
            ).add_to(m)
            markers.append(marker)

        root = m.get_root()
        root.header.add_child(_raw(f"<style>{CSS}</style>"), name="mapgen_css")
        root.header.add_child(
            _raw(f'<meta name="generator" content="mapgen {esc(__version__)}"><title>{esc(story.title)}</title>'),
            name="mapgen_meta")
        title, side, legend = _panels(scene, route)
        root.html.add_child(_raw(title + side + legend + '<script type="application/json" id="mg-data">'
                                 + page_data(scene) + "</script>"), name="mapgen_panels")
        ui = MacroElement()
        ui._template = Template(
            "{% macro script(this, kwargs) %}"
            + _ui_script(m.get_name(), [mk.get_name() for mk in markers], bounds) + "{% endmacro %}")
        m.add_child(ui, name="mapgen_ui")
        make_offline(m)
        page = root.render()
    # the map is the page's main content, after the title and before the itinerary in reading and tab order
    div = f'<div class="folium-map" id="{m.get_name()}" ></div>'
    if page.count(div) != 1 or page.count('<aside id="mg-side"') != 1:
        raise RuntimeError("folium page template changed: map element not found once")
    page = page.replace(div, "").replace('<aside id="mg-side"', f'<main id="mg-main">{div}</main><aside id="mg-side"')
    page = _fix_page(page, "en")  # the page's own words are English; the labels carry their language
    assert_offline(page)
    return page


def _fix_page(page: str, language: str) -> str:
    """Two things folium's page template gets wrong for readers: no `lang`, and a viewport that forbids
    zooming the page (WCAG 1.4.4). Each must be found exactly once, so a folium change fails loudly."""
    fixes = [("<html>", f'<html lang="{esc(language)}">'),
             ("initial-scale=1.0, maximum-scale=1.0, user-scalable=no", "initial-scale=1.0")]
    for old, new in fixes:
        if page.count(old) != 1:
            raise RuntimeError(f"folium page template changed: {old!r} found {page.count(old)} times")
        page = page.replace(old, new)
    return page


def summary_line(route: Route, stops: int) -> str:
    """"2,551 km by rail, 4 stops"; a story of one stop has no distance."""
    if not route.legs:
        return "1 stop" if stops == 1 else f"{stops} stops"
    return f"{_distance_line(route)}, {stops} stops"


def _distance_line(route: Route) -> str:
    """"2,551 km by rail, 3 km of it on curated connectors": what the total is made of."""
    straight = sum(leg.km for leg in route.legs if leg.fallback)
    by_mode: dict[str, float] = {}
    for leg in route.legs:
        by_mode[leg.mode] = by_mode.get(leg.mode, 0.0) + leg.km
    if set(by_mode) == {"rail"}:
        text = f"{route.km:,.0f} km by rail"
    else:  # "1,535 km: 1,445 by rail, 90 by road"
        text = f"{route.km:,.0f} km: " + ", ".join(f"{km:,.0f} by {mode}" for mode, km in by_mode.items())
    if straight:
        text += f", {straight:,.0f} km of it as straight lines where no track was found"
    elif any(leg.connectors for leg in route.legs):
        text += ", with curated connectors where the railway data has gaps"
    approximate = sum(geodesic_km(p) for leg in route.legs for p in leg.approximate)
    if approximate:
        text += f", {approximate:,.0f} km on an {LINE_STYLES['approximate'].legend}"
    return text


def _line_sample(style: LineStyle, ring: bool = False) -> str:
    return (f'<svg width="40" height="14" aria-hidden="true"><line x1="2" y1="7" x2="38" y2="7" stroke="{style.color}"'
            f' stroke-width="{style.weight}" stroke-dasharray="{style.dash or "none"}"/>'
            + (f'<circle cx="20" cy="7" r="5.5" fill="none" stroke="{style.color}" stroke-width="2.5"/>' if ring else "")
            + "</svg>")


def legend_entries(scene: Scene) -> list[tuple[str, str]]:
    """(symbol HTML, text) for each thing this map draws, and nothing it does not."""
    placed = {p.key.split(":")[0] for lay in scene.labels.layouts.values() for p in lay.placed}
    return [(sym, text) for sym, text, _ in
            _legend_rows(scene.styles_used, scene.certainties_used, "town" in placed, bool(scene.railways))]


def _legend_rows(styles: list[str], certainties: list[str], towns: bool, railways: bool):
    """(symbol HTML, text HTML, symbol height in px) for the legend's rows."""
    rows = [(_line_sample(LINE_STYLES[k], ring=k == "connector"), esc(LINE_STYLES[k].legend), 14) for k in styles]
    for c in certainties:
        rows.append((f'<span class="mg-num mg-{c}" aria-hidden="true">1</span>',
                     f"stop, numbered in travel order: {esc(MARKER_LEGEND[c])}", 22))
    if towns:
        rows.append(('<svg width="40" height="14" aria-hidden="true"><circle cx="20" cy="7" r="3" fill="#fff" '
                     'stroke="#333" stroke-width="1.5"/></svg>', "town on the way (Natural Earth)", 14))
    if railways:
        rows.append(('<svg width="40" height="14" aria-hidden="true"><line x1="2" y1="7" x2="38" y2="7" '
                     f'stroke="{RAIL_CONTEXT}" stroke-width="1.5"/></svg>', "other railways (Natural Earth)", 14))
    return rows


RAIL_CONTEXT = "#8c8c8c"


def _panels(scene: Scene, route: Route) -> tuple[str, str, str]:
    story, shown = scene.story, scene.shown
    title = (
        '<header id="mg-title" class="mg-panel">'
        f"<h1>{esc(story.title)}</h1>"
        f'<p>{esc(story.source_name)}' + (f" · {esc(story.date)}" if story.date else "") + "</p>"
        f'<p class="mg-small">{esc(summary_line(route, len(shown)))}</p>'
        "</header>"
    )
    rows = []
    for n, loc in enumerate(shown):
        a = scene.arrive[loc.stop.order]
        km_txt = ("start" if len(shown) > 1 else "the one stop told") if a.km is None else f"{a.km:,.0f} km" + (
            f" via {', '.join(a.vias)}" if a.vias else "") + f" · total {a.total:,.0f} km"
        rows.append(
            f'<li><button type="button" class="mg-row" data-stop="{n}">'
            f'<span class="mg-num mg-{esc(loc.stop.certainty)}">{a.number}</span>'
            f'<span class="mg-row-body"><b>{esc(scene.names[loc.stop.order])}</b>'
            f'<span class="mg-small"> {esc(scene.dates[loc.stop.order].date or "date not stated")} · {esc(km_txt)}</span>'
            f'<q class="mg-small" lang="{esc(story.language)}">{esc(loc.stop.quote)}</q></span></button></li>'
        )
    side = (
        '<aside id="mg-side" aria-label="Itinerary">'
        '<details id="mg-itinerary" class="mg-panel" open><summary>Itinerary</summary>'
        f"<ol>{''.join(rows)}</ol></details></aside>"
    )
    items = "".join(f"<li>{sym} <span>{text}</span></li>" for sym, text in legend_entries(scene))
    legend = ('<section id="mg-legend-box" class="leaflet-control" aria-label="Legend">'
              '<details id="mg-legend" class="mg-panel" open><summary>Legend</summary>'
              f"<ul>{items}</ul></details></section>")
    return title, side, legend


def label_data(scene: Scene) -> dict:
    """The labels for the page script: texts once, then per zoom each placed label's anchor (lat, lng), its
    box's offset from the anchor in px, and any leader or town dot drawn with it."""
    from . import labels as lb

    items = scene.labels.labels
    index = {x.key: i for i, x in enumerate(items)}
    texts = [[esc(x.text), x.style.css, *x.style.box(x.text)] for x in items]
    layouts = {}
    for z, lay in scene.labels.layouts.items():
        rows = []
        for p in lay.placed:
            lon, lat = lb.lonlat(p.anchor[0], p.anchor[1], z)
            dx, dy = round(p.x - p.anchor[0], 1), round(p.y - p.anchor[1], 1)
            rows.append([index[p.key], round(float(lat), 6), round(float(lon), 6), dx, dy, _label_extra(p, dx, dy)])
        layouts[str(z)] = {"m": [list(o) for o in lay.marker_offsets], "l": rows}
    return {"labels": texts, "layouts": layouts}


def _label_extra(p, dx: float, dy: float) -> str:
    """SVG drawn with a label, in its box's coordinates: a leader to a stop's marker, or a town's dot."""
    ax, ay = -dx, -dy  # the anchor, relative to the box's top-left
    if p.key.startswith("town:"):
        return (f'<svg class="mg-ls" width="{p.w}" height="{p.h}"><circle cx="{ax}" cy="{ay}" r="3"/></svg>')
    if p.leader:
        qx, qy = min(max(ax, 0), p.w), min(max(ay, 0), p.h)
        d = math.hypot(ax - qx, ay - qy) or 1
        ex, ey = ax - (ax - qx) / d * 12, ay - (ay - qy) / d * 12  # stop at the marker's edge
        return (f'<svg class="mg-ls" width="{p.w}" height="{p.h}"><line x1="{qx:.1f}" y1="{qy:.1f}" '
                f'x2="{ex:.1f}" y2="{ey:.1f}"/></svg>')
    return ""


def page_data(scene: Scene) -> str:
    """The map's data for the page script, as JSON safe inside a <script> element."""
    from .basemap import encode_basemap, encode_lines

    data = {"lang": scene.language, "base": encode_basemap(scene.basemap), "rail": encode_lines(scene.railways),
            **label_data(scene)}
    # article text reaches the labels HTML-escaped; "</" is escaped too so nothing can close the script
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def _ui_script(map_name: str, marker_names: list[str], bounds) -> str:
    return (
        "(function(){"
        f"var map={map_name};var names={json.dumps(marker_names)};var bounds={json.dumps(bounds)};"
        "var D=JSON.parse(document.getElementById('mg-data').textContent);"
        + UI_JS + "})();"
    )


UI_JS = r"""
var markers=names.map(function(n){return window[n];});
var $=function(id){return document.getElementById(id);};
var title=$('mg-title'),side=$('mg-side'),itin=$('mg-itinerary'),legendBox=$('mg-legend-box'),legend=$('mg-legend');
var C=map.getContainer();
C.setAttribute('role','region');C.setAttribute('aria-label','Map');
function narrow(){return window.innerWidth<=600;}
function dec(a){var o=[],x=0,y=0;for(var i=0;i<a.length;i+=2){x+=a[i];y+=a[i+1];o.push([y/1e3,x/1e3]);}return o;}
// offline base map (Natural Earth land and borders) under the tiles, and the railways in view above it
map.createPane('basemap').style.zIndex=150;
var baseR=L.svg({pane:'basemap'});
D.base.forEach(function(c){L.polygon(c[1].map(function(p){return p.map(dec);}),{renderer:baseR,pane:'basemap',
  interactive:false,color:'#9e9e9e',weight:0.8,opacity:1,fillColor:'#f2efe9',fillOpacity:1}).addTo(map);});
map.createPane('mg-rail').style.zIndex=250;
var railR=L.svg({pane:'mg-rail'});
D.rail.forEach(function(r){L.polyline(dec(r),{renderer:railR,pane:'mg-rail',interactive:false,color:'#8c8c8c',
  weight:1.2,opacity:0.8}).addTo(map);});
// the zoom buttons first in the tab order, the legend in the bottom-right corner above the credits
C.insertBefore(map._controlCorners.topleft,C.firstChild);
var Legend=L.Control.extend({onAdd:function(){L.DomEvent.disableClickPropagation(legendBox);
  L.DomEvent.disableScrollPropagation(legendBox);return legendBox;}});
new Legend({position:'bottomright'}).addTo(map);
if(narrow()){itin.open=false;legend.open=false;}
function box(el){return el?el.getBoundingClientRect():{top:innerHeight,bottom:0,left:innerWidth,right:0,height:0};}
function layoutPanels(){
  var t=box(title);side.style.top=Math.round(t.bottom+8)+'px';
  var att=box(C.querySelector('.leaflet-control-attribution'));
  var bl=map._controlCorners.bottomleft;bl.style.bottom=narrow()?Math.round(innerHeight-att.top)+'px':'';
  var sc=box(C.querySelector('.leaflet-control-scale'));  // the itinerary ends above the scale bar
  side.style.maxHeight=Math.max(80,Math.min(innerHeight-40,sc.top-8)-t.bottom-8)+'px';
  legendBox.style.maxWidth=narrow()?Math.max(160,innerWidth-box(C.querySelector('.leaflet-control-scale')).right-24)+'px':'';
}
function pads(){
  var t=box(title),s=box(side),g=box(legendBox),H=innerHeight;
  if(narrow())return [[16,Math.max(t.bottom,s.bottom)+16],[16,H-g.top+16]];
  return [[Math.max(t.right,s.right)+24,24],[24,H-g.top+16]];
}
function fit(){layoutPanels();var p=pads();map.fitBounds(bounds,{paddingTopLeft:p[0],paddingBottomRight:p[1],animate:false});}
fit();
// labels: the layout prepared for the current zoom (or the nearest one prepared)
var lp=map.createPane('mg-labels');lp.style.zIndex=450;lp.style.pointerEvents='none';lp.setAttribute('aria-hidden','true');
lp.setAttribute('lang',D.lang);
var lgroup=L.layerGroup().addTo(map);
var zs=Object.keys(D.layouts).map(Number);
function nearest(z){return zs.reduce(function(a,b){return Math.abs(b-z)<Math.abs(a-z)?b:a;});}
function drawLabels(){
  var lay=D.layouts[nearest(Math.round(map.getZoom()))];lgroup.clearLayers();
  lay.l.forEach(function(r){var t=D.labels[r[0]];
    lgroup.addLayer(L.marker([r[1],r[2]],{pane:'mg-labels',interactive:false,keyboard:false,
      icon:L.divIcon({className:'mg-label '+t[1],html:'<span class="mg-t">'+t[0]+'</span>'+r[5],
        iconSize:[t[2],t[3]],iconAnchor:[-r[3],-r[4]]})}));});
  markers.forEach(function(mk,i){var el=mk.getElement();if(!el)return;var o=lay.m[i]||[0,0],moved=o[0]||o[1];
    el.querySelector('.mg-stop').style.transform=moved?'translate('+o[0]+'px,'+o[1]+'px)':'';
    var ln=el.querySelector('.mg-lead line');ln.setAttribute('x2',12+o[0]);ln.setAttribute('y2',12+o[1]);
    el.querySelector('.mg-lead').style.display=moved?'':'none';});
}
map.on('zoomend',drawLabels);drawLabels();
// markers: named for screen readers as "1. Pyongyang"
markers.forEach(function(mk){var el=mk.getElement();var t=mk.getTooltip();
  if(el&&t){el.setAttribute('aria-label',t.getContent().replace(/<[^>]*>/g,'').replace(/&amp;/g,'&')
    .replace(/&#x27;|&#39;/g,"'").replace(/&quot;/g,'"').replace(/&lt;/g,'<').replace(/&gt;/g,'>').trim());}});
// popups: fit the screen beside or below the panels, take the focus, Escape closes and gives it back
function popupRoom(pop){
  var W=innerWidth,H=innerHeight,t=box(title),s=box(side),g=box(legendBox);
  var att=box(C.querySelector('.leaflet-control-attribution')),sc=box(C.querySelector('.leaflet-control-scale'));
  var z=box(C.querySelector('.leaflet-control-zoom'));
  var top,left,right=10,bottom;
  if(narrow()){top=Math.max(t.bottom,s.bottom,z.bottom)+8;left=8;right=8;bottom=H-Math.min(g.top,sc.top,att.top)+8;}
  else{top=10;left=Math.max(t.right,s.right)+10;bottom=H-Math.min(g.top,att.top)+10;}
  var o=pop.options;o.autoPanPaddingTopLeft=L.point(left,top);o.autoPanPaddingBottomRight=L.point(right,bottom);
  o.maxWidth=Math.min(320,W-left-right-56);o.minWidth=Math.min(220,o.maxWidth);o.maxHeight=Math.max(120,H-top-bottom-56);
}
markers.forEach(function(mk){var p=mk.getPopup();if(p)popupRoom(p);});
var trigger=null;
map.on('popupopen',function(e){var el=e.popup.getElement(),a=document.activeElement;
  if(a&&a!==document.body&&!el.contains(a))trigger=a;
  if(narrow()){itin.open=false;legend.open=false;layoutPanels();}
  popupRoom(e.popup);e.popup.update();
  var h=el.querySelector('.mg-h');if(h)h.focus({preventScroll:true});});
map.on('popupclose',function(e){var a=document.activeElement,el=e.popup.getElement();
  if(trigger&&(!a||a===document.body||a===C||(el&&el.contains(a)))){var d=trigger.closest('details');
    if(d&&!d.open)trigger=d.querySelector('summary');  // a phone closed the itinerary: back to its toggle
    trigger.focus({preventScroll:true});}trigger=null;});
document.addEventListener('keydown',function(e){if(e.key==='Escape'&&map._popup&&map.hasLayer(map._popup)){
  map.closePopup();e.preventDefault();}});
// itinerary rows fly to their stop, then open its popup
document.querySelectorAll('#mg-itinerary .mg-row').forEach(function(b){
  b.addEventListener('click',function(){var mk=markers[+b.dataset.stop];
    if(narrow()){itin.open=false;layoutPanels();}
    map.closePopup();trigger=b;map.once('moveend',function(){mk.openPopup();});
    map.flyTo(mk.getLatLng(),Math.max(map.getZoom(),zs[zs.length-1]-1),{duration:0.6});});});
document.querySelectorAll('details.mg-panel').forEach(function(d){d.addEventListener('toggle',layoutPanels);});
window.addEventListener('resize',layoutPanels);
"""


CSS = """
#mg-main{position:absolute;top:0;left:0;right:0;bottom:0}
html .leaflet-container{background:#aad3df}
.mg-icon{background:none;border:none;overflow:visible}
.mg-icon .mg-lead{position:absolute;left:0;top:0;overflow:visible;display:none}
.mg-lead line{stroke:#1a1a1a;stroke-width:1.5}.mg-lead circle{fill:#1a1a1a}
.mg-stop,.mg-num{display:inline-flex;align-items:center;justify-content:center;width:24px;height:24px;
border-radius:50%;background:#a93226;color:#fff;font:bold 13px/1 system-ui,sans-serif;border:2px solid #fff;
box-shadow:0 1px 3px rgba(0,0,0,.6);box-sizing:border-box}
.mg-stop{position:absolute;left:0;top:0}
.mg-num{width:22px;height:22px;font-size:12px;flex:none}
.mg-stated{background:#a93226}.mg-reported{background:#a04000}.mg-possible{background:#5d6d7e}
.mg-label{display:flex;align-items:center;justify-content:center;white-space:nowrap;overflow:visible;
font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;font-kerning:none;font-synthesis:none}
.mg-label .mg-ls{position:absolute;left:0;top:0;overflow:visible}
.mg-ls line{stroke:#1a1a1a;stroke-width:1}.mg-ls circle{fill:#fff;stroke:#333;stroke-width:1.5}
.mg-l-stop{font-size:13px;font-weight:bold;color:#1a1a1a;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}
.mg-l-country{font-size:12px;font-weight:bold;letter-spacing:.12em;text-transform:uppercase;color:#4a4a4a;
text-shadow:0 0 2px #f2efe9,0 0 2px #f2efe9}
.mg-l-sea{font-size:12px;font-style:italic;color:#1d4a6e;text-shadow:0 0 2px #aad3df}
.mg-l-town{font-size:11px;color:#262626;text-shadow:0 0 2px #fff,0 0 2px #fff}
.mg-popup{font:14px/1.4 system-ui,sans-serif;overflow-wrap:anywhere}.mg-h{margin:0 0 6px;font-size:16px}
.mg-h:focus{outline:2px solid #a93226;outline-offset:2px}
.mg-quote{margin:0 0 6px;padding-left:8px;border-left:3px solid #a93226;font-style:italic}
.mg-quote mark{background:#ffe08a;color:#1a1a1a;font-style:normal}
.mg-meta,.mg-note,.mg-src{margin:4px 0}.mg-src,.mg-how{font-size:12px;color:#404040}.mg-note{color:#6b3f00}
.mg-how summary{cursor:pointer;color:#404040}.mg-how p{margin:4px 0 0}
.leaflet-popup-content a,.leaflet-container .leaflet-control-attribution a{color:#005a80}
.leaflet-container .leaflet-control-attribution{background:#fff;color:#333}
#mg-title{position:absolute;z-index:1000;top:10px;left:54px;width:330px}
#mg-side{position:absolute;z-index:1000;top:120px;left:54px;width:330px;display:flex;flex-direction:column}
.mg-panel{background:#fff;border-radius:6px;box-shadow:0 1px 6px rgba(0,0,0,.35);
font:13px/1.35 system-ui,sans-serif;padding:6px 10px;box-sizing:border-box;color:#1a1a1a}
#mg-title h1{font-size:17px;margin:0 0 2px}#mg-title p{margin:0}
#mg-itinerary{overflow:auto;min-height:0}
#mg-itinerary ol{list-style:none;margin:4px 0 0;padding:0}
.mg-row{display:flex;gap:8px;align-items:flex-start;width:100%;text-align:left;background:none;border:0;
border-top:1px solid #ddd;padding:6px 2px;cursor:pointer;font:inherit;color:inherit}
.mg-row:hover,.mg-row:focus{background:#fdf2e9;outline:2px solid #a93226}
.mg-row-body{display:flex;flex-direction:column}.mg-small{font-size:12px;color:#404040}
#mg-legend-box{max-width:320px;margin:0 10px 6px 0}#mg-legend ul{list-style:none;margin:4px 0 0;padding:0}
#mg-legend li{margin:3px 0;display:flex;gap:6px;align-items:center}#mg-legend svg{flex:none}
summary{cursor:pointer;font-weight:bold}
@media (max-width:600px){#mg-title{left:54px;right:8px;width:auto;top:8px;padding:4px 8px}
#mg-side{left:54px;right:8px;width:auto}
#mg-title h1{font-size:14px}#mg-title p{font-size:11px}
.leaflet-control-attribution{font-size:10px}}
"""
