"""Stage 4c: the print graphic, an SVG a print desk can open and edit, drawn from the same Scene as the page.

Layout (1200 x 800 by default): the map full-bleed at the integer zoom that fits the route beside a title
block (title, outlet, date, distance) and the legend (only what the map uses); the labels of that zoom's
layout (the page shows the same ones at that zoom); a scale bar; a credit line naming only what the graphic
shows (no tiles: it has none); an inset locator when the map is zoomed in below country scale. Text is real
<text> in the label fonts, each layer a named group (`<g id="labels">`, ...). Numbers are written with
fixed decimals, so the same inputs give the same bytes. `--png` rasterises this SVG in Chromium (png.py).

The index page's thumbnails use `thumbnail_svg`: the same drawing, small, without text.
"""
from __future__ import annotations

import math

import numpy as np

from . import labels as lb
from .data import ATTRIBUTION_TEXT, attribution
from .render import LINE_STYLES, MARKER_COLORS, MARKER_LEGEND, RAIL_CONTEXT, Scene, esc

FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
LAND, WATER, BORDER = "#f2efe9", "#aad3df", "#9e9e9e"
INSET_BELOW_DEG = 10.0  # a route spanning less than this (either way) gets an inset locator
# What the graphic credits: never the OpenStreetMap tiles the page loads when online (the station table,
# ODbL, when a stop was placed by it).
TILE_CREDIT = "; base map tiles" + ATTRIBUTION_TEXT.split("; base map tiles")[1]


def print_credit(scene: Scene) -> str:
    return attribution(scene.sources, html=False).replace(TILE_CREDIT, "")


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:.0f}"


class Frame:
    """Web Mercator pixels of one zoom, shifted so the frame's top-left is (0, 0)."""

    def __init__(self, zoom: int, cx: float, cy: float, width: int, height: int):
        self.zoom, self.width, self.height = zoom, width, height
        self.ox, self.oy = cx - width / 2, cy - height / 2

    def xy(self, lon, lat):
        x, y = lb.world_px(lon, lat, self.zoom)
        return np.asarray(x) - self.ox, np.asarray(y) - self.oy


def _path(frame: Frame, coords, close: bool = False, decimals: int = 1) -> str:
    c = np.asarray(coords, dtype=float)
    if len(c) < 2:
        return ""
    x, y = frame.xy(c[:, 0], c[:, 1])
    q = np.round(np.column_stack([x, y]), decimals)
    keep = np.r_[True, np.any(q[1:] != q[:-1], axis=1)]
    q = q[keep]
    if len(q) < 2:
        return ""
    return "M" + "L".join(f"{_f(a)} {_f(b)}" for a, b in q.tolist()) + ("Z" if close else "")


def _text(x: float, y: float, text: str, size: float, *, weight: str = "normal", style: str = "normal",
          fill: str = "#1a1a1a", anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" font-weight="{weight}" font-style="{style}" '
            f'fill="{fill}" text-anchor="{anchor}"{extra}>{esc(text)}</text>')


def _basemap(frame: Frame, scene, decimals: int = 1) -> str:
    parts = []
    features = scene["basemap"]["features"] if isinstance(scene, dict) else scene.basemap["features"]
    for f in features:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        d = "".join(_path(frame, ring, close=True, decimals=decimals) for poly in polys for ring in poly)
        if d:
            parts.append(f'<path d="{d}"><title>{esc(f["properties"]["name"])}</title></path>')
    return (f'<g id="land" fill="{LAND}" stroke="{BORDER}" stroke-width="0.8" stroke-linejoin="round" '
            f'fill-rule="evenodd">{"".join(parts)}</g>')


def _route(frame: Frame, scene: Scene) -> str:
    out = [f'<g id="railways" fill="none" stroke="{RAIL_CONTEXT}" stroke-width="1" stroke-opacity="0.8">']
    out += [f'<path d="{d}"/>' for d in (_path(frame, r) for r in scene.railways) if d]
    out.append('</g><g id="route" fill="none" stroke-linecap="round" stroke-linejoin="round">')
    for p in scene.pieces:
        st = LINE_STYLES[p.style]
        d = _path(frame, p.coords)
        if d:
            dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
            out.append(f'<path d="{d}" stroke="{st.color}" stroke-width="{_f(st.weight)}"{dash}>'
                       f"<title>{esc(p.tooltip)}</title></path>")
        if p.kind == "connector":
            x, y = frame.xy(*p.coords[len(p.coords) // 2])
            out.append(f'<circle cx="{_f(float(x))}" cy="{_f(float(y))}" r="8" stroke="{st.color}" stroke-width="3"/>')
    out.append("</g>")
    return "".join(out)


def _markers(frame: Frame, scene: Scene, layout: lb.Layout) -> str:
    out = ['<g id="stops" font-weight="bold" text-anchor="middle">']
    for loc, (dx, dy) in zip(scene.shown, layout.marker_offsets):
        x, y = (float(v) for v in frame.xy(loc.lon, loc.lat))
        n = scene.arrive[loc.stop.order].number
        if dx or dy:
            out.append(f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x + dx)}" y2="{_f(y + dy)}" stroke="#1a1a1a" '
                       f'stroke-width="1.5"/><circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="#1a1a1a"/>')
        out.append(f'<circle cx="{_f(x + dx)}" cy="{_f(y + dy)}" r="11" fill="{MARKER_COLORS[loc.stop.certainty]}" '
                   f'stroke="#fff" stroke-width="2"/>')
        out.append(_text(x + dx, y + dy + 4.5, str(n), 13, weight="bold", fill="#fff", anchor="middle"))
    out.append("</g>")
    return "".join(out)


LABEL_PAINT = {  # fill, halo
    "stop": ("#1a1a1a", "#ffffff"), "country": ("#4a4a4a", LAND), "sea": ("#1d4a6e", WATER), "town": ("#262626", "#ffffff"),
}


def _labels(frame: Frame, scene: Scene, layout: lb.Layout, keep_out: list[tuple[float, float, float, float]]) -> str:
    items = scene.labels.by_key()
    out = [f'<g id="labels" lang="{esc(scene.language)}" stroke-linejoin="round" style="font-kerning:none">']
    for p in layout.placed:
        label = items[p.key]
        st = label.style
        x, y = p.x - frame.ox, p.y - frame.oy
        inside = x >= 0 and y >= 0 and x + p.w <= frame.width and y + p.h <= frame.height
        clear = not any(x < b[2] and x + p.w > b[0] and y < b[3] and y + p.h > b[1] for b in keep_out)
        if not label.must and not (inside and clear):
            continue
        fill, halo = LABEL_PAINT[label.kind]
        ax, ay = p.anchor[0] - frame.ox, p.anchor[1] - frame.oy
        if label.kind == "town":
            out.append(f'<circle cx="{_f(ax)}" cy="{_f(ay)}" r="3" fill="#fff" stroke="#333" stroke-width="1.5"/>')
        if p.leader:
            qx, qy = min(max(ax, x), x + p.w), min(max(ay, y), y + p.h)
            out.append(f'<line x1="{_f(qx)}" y1="{_f(qy)}" x2="{_f(ax)}" y2="{_f(ay)}" stroke="#1a1a1a" stroke-width="1"/>')
        text = label.text.upper() if st.upper else label.text
        spacing = f' letter-spacing="{_f(st.spacing * st.size)}"' if st.spacing else ""
        out.append(_text(x + p.w / 2, y + p.h / 2 + st.size * 0.35, text, st.size,
                         weight="bold" if st.font == "bold" else "normal",
                         style="italic" if st.font == "italic" else "normal", fill=fill, anchor="middle",
                         extra=f' stroke="{halo}" stroke-width="3" paint-order="stroke"{spacing}'))
    out.append("</g>")
    return "".join(out)


def _title_block(scene: Scene, width: float) -> tuple[str, float]:
    story = scene.story
    lines = lb.wrap(story.title, 20, "bold", width - 24)
    sub = story.source_name + (f" · {story.date}" if story.date else "")
    sub_lines = lb.wrap(sub, 13, "regular", width - 24)
    dist = lb.wrap(scene.summary, 12, "regular", width - 24)
    y, body = 16 + 24, []
    for t in lines:
        body.append(_text(28, y, t, 20, weight="bold"))
        y += 25
    y += 2
    for t in sub_lines:
        body.append(_text(28, y, t, 13, fill="#333"))
        y += 17
    for t in dist:
        body.append(_text(28, y, t, 12, fill="#404040"))
        y += 16
    h = y - 16 - 4
    return (f'<g id="title"><rect x="16" y="16" width="{_f(width)}" height="{_f(h)}" rx="6" fill="#fff" '
            f'fill-opacity="0.95" stroke="#bbb"/>{"".join(body)}</g>', h)


def _legend_block(scene: Scene, width: float) -> tuple[list[str], float]:
    rows: list[tuple[str, list[str]]] = []
    for k in scene.styles_used:
        st = LINE_STYLES[k]
        dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
        sym = (f'<line x1="0" y1="0" x2="34" y2="0" stroke="{st.color}" stroke-width="{_f(st.weight)}"{dash}/>'
               + (f'<circle cx="17" cy="0" r="5.5" fill="none" stroke="{st.color}" stroke-width="2.5"/>'
                  if k == "connector" else ""))
        rows.append((sym, lb.wrap(st.legend, 12, "regular", width - 70)))
    for c in scene.certainties_used:
        sym = (f'<circle cx="17" cy="0" r="9" fill="{MARKER_COLORS[c]}" stroke="#fff" stroke-width="2"/>'
               + _text(17, 4, "1", 11, weight="bold", fill="#fff", anchor="middle"))
        rows.append((sym, lb.wrap(f"stop, in travel order: {MARKER_LEGEND[c]}", 12, "regular", width - 70)))
    if scene.railways:
        rows.append((f'<line x1="0" y1="0" x2="34" y2="0" stroke="{RAIL_CONTEXT}" stroke-width="1.5"/>',
                     ["other railways (Natural Earth)"]))
    return rows, width


def render_svg(scene: Scene, width: int = 1200, height: int = 800) -> str:
    title, title_h = _title_block(scene, 440)
    rows, legend_w = _legend_block(scene, 330)
    legend_h = 36 + sum(max(20, 16 * len(t)) + 4 for _, t in rows)
    credit_lines = lb.wrap(" · ".join([print_credit(scene), *scene.credits, "Map: mapgen"]), 11, "regular", width - 40)
    credit_h = 8 + 14 * len(credit_lines)
    b = scene.bounds
    options = [((24, 16 + title_h + 24), (24, legend_h + credit_h + 40)),
               ((16 + 440 + 24, 24), (legend_w + 40, credit_h + 40))]
    fits = [(lb.fit_zoom(b, (width, height), tl, br, zmax=14), -i, tl, br) for i, (tl, br) in enumerate(options)]
    zoom, _, tl, br = max(fits)
    cx, cy = lb.fit_center(b, zoom, tl, br)
    frame = Frame(zoom, cx, cy, width, height)
    layout = scene.labels.at(zoom)

    legend_x, legend_y = width - 16 - legend_w, height - credit_h - 16 - legend_h
    legend = [f'<g id="legend"><rect x="{_f(legend_x)}" y="{_f(legend_y)}" width="{_f(legend_w)}" '
              f'height="{_f(legend_h)}" rx="6" fill="#fff" fill-opacity="0.95" stroke="#bbb"/>',
              _text(legend_x + 12, legend_y + 22, "Legend", 13, weight="bold")]
    y = legend_y + 40
    for sym, text in rows:
        hgt = max(20, 16 * len(text))
        legend.append(f'<g transform="translate({_f(legend_x + 12)} {_f(y + hgt / 2 - 4)})">{sym}</g>')
        for k, t in enumerate(text):
            legend.append(_text(legend_x + 56, y + 8 + 16 * k, t, 12))
        y += hgt + 4
    legend.append("</g>")

    scale = _scale_bar(frame, 16, height - credit_h - 24)
    credit = [f'<g id="credit"><rect x="0" y="{_f(height - credit_h)}" width="{width}" height="{_f(credit_h)}" '
              'fill="#fff" fill-opacity="0.9"/>']
    credit += [_text(16, height - credit_h + 15 + 14 * k, t, 11, fill="#333") for k, t in enumerate(credit_lines)]
    credit.append("</g>")
    keep_out = [(16, 16, 16 + 440, 16 + title_h), (legend_x, legend_y, legend_x + legend_w, legend_y + legend_h),
                (0, height - credit_h - 40, 200, height)]
    inset = _inset(scene, frame, width) if max(b[2] - b[0], b[3] - b[1]) < INSET_BELOW_DEG else ""
    if inset:
        keep_out.append((width - 16 - 220, 16, width - 16, 16 + 150))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">'
        f"<title>{esc(scene.story.title)}</title>"
        f'<defs><clipPath id="frame"><rect width="{width}" height="{height}"/></clipPath></defs>'
        f'<rect id="water" width="{width}" height="{height}" fill="{WATER}"/>'
        f'<g clip-path="url(#frame)">{_basemap(frame, scene)}{_route(frame, scene)}'
        f"{_markers(frame, scene, layout)}{_labels(frame, scene, layout, keep_out)}</g>"
        f"{title}{''.join(legend)}{scale}{inset}{''.join(credit)}</svg>\n"
    )


def _scale_bar(frame: Frame, x: float, y: float) -> str:
    """A bar of a round number of km, about 120 px long, true at the map's centre latitude."""
    lat = float(lb.lonlat(frame.ox + frame.width / 2, frame.oy + frame.height / 2, frame.zoom)[1])
    km_per_px = 40075.016686 * math.cos(math.radians(lat)) / (lb.TILE * 2 ** frame.zoom)
    target = 120 * km_per_px
    nice = max(v for v in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000) if v <= max(target, 1))
    px = nice / km_per_px
    return (f'<g id="scale"><rect x="{_f(x - 4)}" y="{_f(y - 22)}" width="{_f(px + 16)}" height="28" fill="#fff" '
            f'fill-opacity="0.9" rx="3"/><path d="M{_f(x)} {_f(y - 6)}V{_f(y)}H{_f(x + px)}V{_f(y - 6)}" fill="none" '
            f'stroke="#1a1a1a" stroke-width="2"/>{_text(x + 2, y - 9, f"{nice:,} km", 11)}</g>')


def _inset(scene: Scene, frame: Frame, width: int) -> str:
    """A locator: the region around the map at a small scale, with the map's frame drawn on it."""
    from . import basemap

    b = scene.bounds
    cx_lon, cy_lat = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    box = (max(-180, cx_lon - 25), max(-80, cy_lat - 15), min(180, cx_lon + 25), min(84, cy_lat + 15))
    doc = basemap.basemap_geojson(box, box=box)
    w, h = 220, 150
    zoom = lb.fit_zoom(box, (w, h), zmax=8)
    x0, y1 = lb.world_px(box[0], box[1], zoom)
    x1, y0 = lb.world_px(box[2], box[3], zoom)
    inner = Frame(zoom, float(x0 + x1) / 2, float(y0 + y1) / 2, w, h)
    ox, oy = width - 16 - w, 16
    paths = []
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        d = "".join(_path(inner, ring, close=True) for poly in polys for ring in poly)
        if d:
            paths.append(f'<path d="{d}"/>')
    fx0, fy0 = inner.xy(*lb.lonlat(frame.ox, frame.oy, frame.zoom))
    fx1, fy1 = inner.xy(*lb.lonlat(frame.ox + frame.width, frame.oy + frame.height, frame.zoom))
    return (f'<g id="inset" transform="translate({ox} {oy})"><clipPath id="inset-clip"><rect width="{w}" '
            f'height="{h}"/></clipPath><rect width="{w}" height="{h}" fill="{WATER}" stroke="#555"/>'
            f'<g clip-path="url(#inset-clip)"><g fill="{LAND}" stroke="{BORDER}" stroke-width="0.5">{"".join(paths)}</g>'
            f'<rect x="{_f(float(fx0))}" y="{_f(float(fy0))}" width="{_f(float(fx1 - fx0))}" '
            f'height="{_f(float(fy1 - fy0))}" fill="none" stroke="#a93226" stroke-width="2"/></g></g>')


def thumbnail_svg(scene: Scene, width: int = 320, height: int = 200) -> str:
    """A small picture of the map for the index page: land, route and stops, no text."""
    b = scene.bounds
    zoom = lb.fit_zoom(b, (width, height), (16, 16), (16, 16), zmax=14)
    cx, cy = lb.fit_center(b, zoom, (16, 16), (16, 16))
    frame = Frame(zoom, cx, cy, width, height)
    from . import basemap

    (x0, x1), (y1, y0) = lb.lonlat([frame.ox, frame.ox + width], [frame.oy, frame.oy + height], zoom)
    box = (max(-180.0, float(x0)), max(-85.0, float(y0)), min(180.0, float(x1)), min(85.0, float(y1)))
    small = {"basemap": basemap.basemap_geojson(b, box=box)}  # the page's level: loaded already
    stops = []
    for loc in scene.shown:
        x, y = (float(v) for v in frame.xy(loc.lon, loc.lat))
        stops.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{MARKER_COLORS[loc.stop.certainty]}" '
                     'stroke="#fff" stroke-width="1.5"/>')
    route = "".join(f'<path d="{d}" stroke="{LINE_STYLES[p.style].color}" stroke-width="2.5"/>'
                    for p in scene.pieces if (d := _path(frame, p.coords, decimals=0)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{esc(scene.story.title)}</title>"
            f'<rect width="{width}" height="{height}" fill="{WATER}"/>{_basemap(frame, small, decimals=0)}'
            f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">{route}</g>{"".join(stops)}</svg>\n')
