"""Stage 4b: the interactive map, a self-contained folium (Leaflet) page.

Every piece of article text reaches the page through `esc`, which HTML-escapes it and also neutralises
the characters that would break out of the JavaScript template literals folium wraps popups and
tooltips in (` $ \\). Element ids come from a counter, so the same inputs give the same bytes.
"""
from __future__ import annotations

import html
import itertools
import json
from contextlib import contextmanager
from dataclasses import dataclass

from . import __version__
from .data import TILE_ATTRIBUTION, attribution
from .dates import StopDate
from .geocode import Located
from .rail import RailNetwork, geodesic_km
from .route import Route
from .story import Story

CERTAINTY_STYLE = {  # leg line style by the certainty of the stop it arrives at
    "stated": {"dash_array": None, "label": "stated by the article"},
    "reported": {"dash_array": "10 6", "label": "reported (attributed to a source)"},
    "possible": {"dash_array": "2 8", "label": "possible (speculation in the article)"},
}
ROUTE_COLOR = "#c0392b"
CONNECTOR_COLOR = "#8e44ad"
FALLBACK_COLOR = "#7f8c8d"
OTHER_MODE_COLOR = "#34495e"  # legs by road, air or sea: straight, not routed
OTHER_MODE_DASH = "2 7"


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


def popup_html(story: Story, loc: Located, when: StopDate, arrival: Arrival) -> str:
    stop = loc.stop
    m = stop.match
    text = story.article.text
    sentence = (
        esc(text[m.sentence_start : m.start])
        + "<mark>" + esc(text[m.start : m.end]) + "</mark>"
        + esc(text[m.end : m.sentence_end])
    )
    rows = [f'<h3 class="mg-h">{arrival.number}. {esc(stop.place)}</h3>']
    rows.append(f'<blockquote class="mg-quote" lang="{esc(story.language)}">{sentence}</blockquote>')
    meta = []
    if when.date:
        meta.append(f'<b>Date:</b> {esc(when.date)} <span class="mg-small">({esc(when.how)})</span>')
    else:
        meta.append(f'<b>Date:</b> not stated <span class="mg-small">({esc(when.how)})</span>')
    meta.append(f'<b>Certainty:</b> {esc(stop.certainty)}')
    if arrival.km is not None:
        meta.append(f"<b>From previous stop:</b> {esc(arrival.describe())}")
        meta.append(f"<b>Cumulative:</b> {arrival.total:,.0f} km")
    rows.append('<p class="mg-meta">' + "<br>".join(meta) + "</p>")
    if stop.note:
        rows.append(f'<p class="mg-note">{esc(stop.note)}</p>')
    rows.append(f'<p class="mg-src"><b>Source:</b> {esc(story.citation)}</p>')
    where = f"{esc(loc.name)}"
    if loc.country:
        where += f" ({esc(loc.country)})"
    rows.append(f'<p class="mg-src"><b>Location:</b> {where}. {esc(loc.source)}</p>')
    if loc.geocode and loc.geocode.runners_up:
        alts = ", ".join(f"{esc(c.place.name)} ({esc(c.place.country)})" for c in loc.geocode.runners_up[:3])
        rows.append(f'<p class="mg-src"><b>Not:</b> {alts}</p>')
    return '<div class="mg-popup">' + "".join(rows) + "</div>"


def _import_folium():
    """Import folium without pandas when pandas is not loaded yet: folium only uses it to recognise
    DataFrame arguments, which mapgen never passes, and it costs about a third of a cold build."""
    import sys

    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium

        return folium
    sys.modules["pandas"] = None  # makes `import pandas` raise ImportError; folium falls back to pd = None
    try:
        import folium
    finally:
        del sys.modules["pandas"]
    return folium


def render_html(story: Story, stops: list[Located], route: Route, network: RailNetwork,
                dates: dict[int, StopDate]) -> str:
    folium = _import_folium()
    from branca.element import MacroElement
    from jinja2 import Template

    from . import basemap
    from .offline import assert_offline, make_offline

    shown = [s for s in stops if not s.stop.via]
    with deterministic_ids():
        m = folium.Map(location=[shown[0].lat, shown[0].lon], zoom_start=5, tiles=None,
                       control_scale=True)
        credit = attribution(s.source for s in stops)  # names the station table (ODbL) when a stop is from it
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", attr=f"{TILE_ATTRIBUTION} | {credit}").add_to(m)

        lats = [y for leg in route.legs for _, y in leg.coords] + [s.lat for s in shown]
        lons = [x for leg in route.legs for x, _ in leg.coords] + [s.lon for s in shown]
        bounds = [[round(min(lats), 5), round(min(lons), 5)], [round(max(lats), 5), round(max(lons), 5)]]
        # Natural Earth land and borders beneath the tiles: what shows when the tiles cannot load.
        basemap.add_to_map(m, (bounds[0][1], bounds[0][0], bounds[1][1], bounds[1][0]))

        for i, leg in enumerate(route.legs):
            style = CERTAINTY_STYLE[leg.certainty]
            label = f"Leg {i + 1}: {leg.start.stop.place} → {leg.end.stop.place}, {leg.km:,.0f} km by {leg.mode}"
            if leg.mode != "rail":
                label += " — a straight line: legs not by train are not routed"
            elif leg.fallback:
                label += " — no rail path found: straight line"
            elif leg.connectors:
                label += " — includes a curated connector"
            folium.PolyLine(
                [(lat, lon) for lon, lat in leg.coords],
                color=OTHER_MODE_COLOR if leg.mode != "rail" else FALLBACK_COLOR if leg.fallback else ROUTE_COLOR,
                weight=3 if leg.mode != "rail" else 4, opacity=0.9,
                dash_array=OTHER_MODE_DASH if leg.mode != "rail" else "12 8" if leg.fallback else style["dash_array"],
                tooltip=folium.Tooltip(esc(label)),
            ).add_to(m)

            for (x0, y0), (x1, y1) in leg.off_track:
                stop = leg.start if (x0, y0) == (leg.start.lon, leg.start.lat) else leg.end
                folium.PolyLine(
                    [(y0, x0), (y1, x1)], color=FALLBACK_COLOR, weight=4, opacity=0.9, dash_array="12 8",
                    tooltip=folium.Tooltip(esc(f"{stop.stop.place} is {geodesic_km(((x0, y0), (x1, y1))):,.1f} km"
                                               " from the nearest track in the data: straight line")),
                ).add_to(m)

        used = sorted({c for leg in route.legs for c in leg.connectors})
        for conn in network.connectors:
            if conn["id"] in used:
                folium.PolyLine(
                    [(lat, lon) for lon, lat in conn["geometry"]["coordinates"]],
                    color=CONNECTOR_COLOR, weight=6, opacity=0.8, dash_array="4 6",
                    tooltip=folium.Tooltip(esc(f"Connector (not in Natural Earth): {conn['name']}, "
                                               f"{conn['km']:.1f} km. {conn['source']}")),
                ).add_to(m)

        markers = []
        arrive = arrivals(shown, route)
        for loc in shown:
            a = arrive[loc.stop.order]
            icon = folium.DivIcon(
                html=f'<div class="mg-stop mg-{esc(loc.stop.certainty)}">{a.number}</div>',
                icon_size=(28, 28), icon_anchor=(14, 14), class_name="mg-icon",
            )
            marker = folium.Marker(
                [loc.lat, loc.lon], icon=icon,
                tooltip=folium.Tooltip(esc(f"{a.number}. {loc.stop.place}")),
                popup=folium.Popup(popup_html(story, loc, dates[loc.stop.order], a), max_width=380),
            ).add_to(m)
            markers.append(marker)

        m.fit_bounds(bounds)  # refined by the UI script to leave room for the side panel

        m.get_root().header.add_child(_raw(f"<style>{CSS}</style>"), name="mapgen_css")
        m.get_root().header.add_child(
            _raw(f'<meta name="generator" content="mapgen {esc(__version__)}"><title>{esc(story.title)}</title>'),
            name="mapgen_meta")
        m.get_root().html.add_child(_raw(_panels(story, shown, route, dates)), name="mapgen_panels")
        ui = MacroElement()
        ui._template = Template(
            "{% macro script(this, kwargs) %}" + _ui_script(m.get_name(), [mk.get_name() for mk in markers], bounds)
            + "{% endmacro %}"
        )
        m.add_child(ui, name="mapgen_ui")
        make_offline(m)
        page = m.get_root().render()
    assert_offline(page)
    return page


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
    return text


def _panels(story: Story, shown: list[Located], route: Route, dates: dict[int, StopDate]) -> str:
    title = (
        '<section id="mg-title" class="mg-panel" aria-label="Story">'
        f"<h1>{esc(story.title)}</h1>"
        f'<p>{esc(story.source_name)}' + (f" · {esc(story.date)}" if story.date else "") + "</p>"
        f'<p class="mg-small">{esc(_distance_line(route))}, {len(shown)} stops</p>'
        "</section>"
    )
    rows = []
    arrive = arrivals(shown, route)
    for n, loc in enumerate(shown):
        a = arrive[loc.stop.order]
        km_txt = "start" if a.km is None else f"{a.km:,.0f} km" + (
            f" via {', '.join(a.vias)}" if a.vias else "") + f" · total {a.total:,.0f} km"
        rows.append(
            f'<li><button type="button" class="mg-row" data-stop="{n}" '
            f'aria-label="Stop {a.number}: {esc(loc.stop.place)}. Show on map">'
            f'<span class="mg-num mg-{esc(loc.stop.certainty)}">{a.number}</span>'
            f'<span class="mg-row-body"><b>{esc(loc.stop.place)}</b>'
            f'<span class="mg-small"> {esc(dates[loc.stop.order].date or "date not stated")} · {esc(km_txt)}</span>'
            f'<q class="mg-small">{esc(loc.stop.quote)}</q></span></button></li>'
        )
    itinerary = (
        '<details id="mg-itinerary" class="mg-panel" open>'
        '<summary>Itinerary</summary>'
        f'<ol aria-label="Itinerary, {len(shown)} stops">' + "".join(rows) + "</ol></details>"
    )
    legend_rows = "".join(
        f'<li><svg width="36" height="8" aria-hidden="true"><line x1="0" y1="4" x2="36" y2="4" '
        f'stroke="{ROUTE_COLOR}" stroke-width="4" stroke-dasharray="{s["dash_array"] or "none"}"/></svg> '
        f"{esc(s['label'])}</li>"
        for s in CERTAINTY_STYLE.values()
    )
    others = list(dict.fromkeys(leg.mode for leg in route.legs if leg.mode != "rail"))
    legend_rows += (
        f'<li><svg width="36" height="8" aria-hidden="true"><line x1="0" y1="4" x2="36" y2="4" '
        f'stroke="{CONNECTOR_COLOR}" stroke-width="6" stroke-dasharray="4 6"/></svg> '
        "curated connector (gap in the railway data)</li>"
        f'<li><svg width="36" height="8" aria-hidden="true"><line x1="0" y1="4" x2="36" y2="4" '
        f'stroke="{FALLBACK_COLOR}" stroke-width="4" stroke-dasharray="12 8"/></svg> '
        "no track in the data: straight line</li>"
        + (f'<li><svg width="36" height="8" aria-hidden="true"><line x1="0" y1="4" x2="36" y2="4" '
           f'stroke="{OTHER_MODE_COLOR}" stroke-width="3" stroke-dasharray="{OTHER_MODE_DASH}"/></svg> '
           f"by {' or '.join(others)}: straight line, not routed</li>" if others else "")
        + '<li><span class="mg-num">1</span> stop, in travel order</li>'
    )
    legend = (
        '<details id="mg-legend" class="mg-panel" open><summary>Legend</summary>'
        f'<ul aria-label="Legend">{legend_rows}</ul></details>'
    )
    return f'<div id="mg-side">{title}{itinerary}</div>' + legend


def _ui_script(map_name: str, marker_names: list[str], bounds) -> str:
    markers = json.dumps(marker_names)
    return (
        "(function(){"
        f"var map={map_name};var names={markers};var bounds={json.dumps(bounds)};"
        "var narrow=window.matchMedia&&window.matchMedia('(max-width: 600px)').matches;"
        "map.fitBounds(bounds,narrow?{paddingTopLeft:[20,90],paddingBottomRight:[20,70]}"
        ":{paddingTopLeft:[380,20],paddingBottomRight:[40,210]});"  # clear of the side panel and the legend
        "var markers=names.map(function(n){return window[n];});"
        # Open the popup after the fly-to ends (opening first lets the flight push it off screen), keep it
        # clear of the side panel, and on a phone close the itinerary so it does not cover the popup.
        "var side=document.getElementById('mg-side'),itin=document.getElementById('mg-itinerary');"
        "document.querySelectorAll('#mg-itinerary .mg-row').forEach(function(b){"
        "b.addEventListener('click',function(){var mk=markers[+b.dataset.stop];"
        "var narrowNow=window.innerWidth<=600;if(narrowNow){itin.open=false;}"
        "var box=side.getBoundingClientRect();var pop=mk.getPopup();"
        "if(pop){pop.options.autoPanPaddingTopLeft=narrowNow?L.point(10,box.bottom+10):L.point(box.right+10,10);"
        "if(narrowNow){pop.options.maxWidth=Math.max(200,window.innerWidth-110);}}"
        "map.closePopup();map.once('moveend',function(){mk.openPopup();});"
        "map.flyTo(mk.getLatLng(),Math.max(map.getZoom(),7),{duration:0.6});});});"
        "if(narrow){document.querySelectorAll('details.mg-panel').forEach(function(d){d.open=false;});}"
        "})();"
    )


CSS = """
.mg-icon{background:none;border:none}
.mg-stop,.mg-num{display:inline-flex;align-items:center;justify-content:center;width:26px;height:26px;
border-radius:50%;background:#c0392b;color:#fff;font:bold 14px/1 system-ui,sans-serif;border:2px solid #fff;
box-shadow:0 1px 4px rgba(0,0,0,.5);box-sizing:border-box}
.mg-num{width:22px;height:22px;font-size:12px;flex:none}
.mg-reported{background:#d35400}.mg-possible{background:#7f8c8d}
.mg-popup{font:14px/1.4 system-ui,sans-serif}.mg-h{margin:0 0 6px;font-size:16px}
.mg-quote{margin:0 0 6px;padding-left:8px;border-left:3px solid #c0392b;font-style:italic}
.mg-quote mark{background:#ffe08a;font-style:normal}
.mg-meta,.mg-note,.mg-src{margin:4px 0}.mg-src{font-size:12px;color:#444}.mg-note{color:#7a4a00}
#mg-side{position:absolute;z-index:1000;top:10px;left:54px;width:330px;max-height:calc(100% - 50px);
display:flex;flex-direction:column;gap:8px;pointer-events:none}
#mg-side>*{pointer-events:auto}
.mg-panel{background:rgba(255,255,255,.95);border-radius:6px;box-shadow:0 1px 6px rgba(0,0,0,.35);
font:13px/1.35 system-ui,sans-serif;padding:6px 10px;box-sizing:border-box}
#mg-title h1{font-size:17px;margin:0 0 2px}#mg-title p{margin:0}
#mg-itinerary{overflow:auto;min-height:0}
#mg-itinerary ol{list-style:none;margin:4px 0 0;padding:0}
.mg-row{display:flex;gap:8px;align-items:flex-start;width:100%;text-align:left;background:none;border:0;
border-top:1px solid #ddd;padding:6px 2px;cursor:pointer;font:inherit;color:inherit}
.mg-row:hover,.mg-row:focus{background:#fdf2e9;outline:2px solid #c0392b}
.mg-row-body{display:flex;flex-direction:column}.mg-small{font-size:12px;color:#444}
#mg-legend{position:absolute;z-index:1000;bottom:30px;right:10px;max-width:300px}#mg-legend ul{list-style:none;margin:4px 0 0;padding:0}
#mg-legend li{margin:3px 0;display:flex;gap:6px;align-items:center}
summary{cursor:pointer;font-weight:bold}
@media (max-width:600px){#mg-side{left:50px;right:8px;width:auto;top:8px;max-height:calc(100% - 120px)}
#mg-title{padding:4px 8px}#mg-title h1{font-size:14px}#mg-title p{font-size:11px}
#mg-legend{bottom:78px;right:8px;max-width:calc(100% - 16px)}
.leaflet-bottom.leaflet-left .leaflet-control-scale{margin-bottom:74px}
.leaflet-control-attribution{font-size:10px}}
"""
