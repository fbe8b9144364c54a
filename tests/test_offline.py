"""mapgen.offline: folium maps rendered with inlined Leaflet and no CDN links."""

import hashlib
import os
import re
import subprocess
import sys
from importlib.resources import files

import branca.element
import folium
import pytest

from mapgen.offline import assert_offline, leaflet_head, strip_cdn_assets

LEAFLET_BANNER = "Leaflet 1.9.4, a JS library for interactive maps"
CDN_MARKERS = ("cdn.jsdelivr", "code.jquery", "bootstrapcdn", "netdna", "cdnjs")

FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "a"},
            "geometry": {"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "b"},
            "geometry": {"type": "Point", "coordinates": [2.34, 48.84]},
        },
    ],
}


def build_map() -> folium.Map:
    m = folium.Map(location=[48.85, 2.35], zoom_start=13, tiles=None)
    folium.TileLayer("OpenStreetMap").add_to(m)
    folium.PolyLine([[48.85, 2.35], [48.86, 2.36]], color="red").add_to(m)
    folium.Marker(
        [48.85, 2.35],
        icon=folium.DivIcon(html="<b>1</b>"),
        popup=folium.Popup("stop <i>1</i>"),
    ).add_to(m)
    folium.GeoJson(FEATURES).add_to(m)
    return m


def render_offline(m: folium.Map) -> str:
    strip_cdn_assets(m)
    m.get_root().header.add_child(
        branca.element.Element(leaflet_head()), name="leaflet_offline"
    )
    return m.get_root().render()


@pytest.fixture(scope="module")
def html() -> str:
    return render_offline(build_map())


def test_default_folium_map_is_not_offline():
    # Sanity check of the checker itself on folium's stock output.
    with pytest.raises(ValueError, match="cdn.jsdelivr"):
        assert_offline(build_map().get_root().render())


def test_rendered_map_is_offline(html):
    assert_offline(html)
    assert re.search(r"<(script|img)\b[^>]*\bsrc=", html) is None
    assert re.search(r"<link\b[^>]*\bhref=", html) is None
    for marker in CDN_MARKERS:
        assert marker not in html, marker


def test_exactly_one_leaflet_and_it_comes_first(html):
    assert html.count(LEAFLET_BANNER) == 1
    assert html.count("leaflet-container") >= 1  # the inlined css
    head, _, rest = html.partition("</head>")
    leaflet_at = head.index(LEAFLET_BANNER)
    # charset meta stays in the first 1024 bytes, before the big inline blob
    assert head.index('charset=UTF-8') < leaflet_at
    assert html.encode().index(b"charset=UTF-8") < 1024
    # every map script (L.map, L.marker, ...) comes after Leaflet itself
    assert leaflet_at < html.index("L.map(")
    assert "L.Icon.Default.mergeOptions(" in head
    # css images are inlined, none left as relative paths
    assert "url(images/" not in html
    assert "data:image/png;base64," in head


def test_tile_url_template_is_allowed(html):
    assert "tile.openstreetmap.org/{z}/{x}/{y}.png" in html


def test_leaflet_head_is_deterministic_and_small():
    a = leaflet_head()
    assert leaflet_head() == a
    # and the same bytes in another process, with another hash seed
    code = "import hashlib; from mapgen.offline import leaflet_head; print(hashlib.sha256(leaflet_head().encode()).hexdigest())"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "7"}).stdout.strip()
    assert other == hashlib.sha256(a.encode()).hexdigest()
    size = len(a.encode("utf-8"))
    assert size < 250_000, size  # ~174 KB with leaflet 1.9.4
    # no premature end of the inline <script> blocks
    assert a.count("</script>") == a.count("<script>")


def test_two_renders_do_not_differ_in_head():
    h1 = render_offline(build_map()).partition("</head>")[0]
    h2 = render_offline(build_map()).partition("</head>")[0]
    # element ids are random, so compare the head with ids masked
    mask = lambda s: re.sub(r"_[0-9a-f]{32}", "_ID", s)  # noqa: E731
    assert mask(h1) == mask(h2)


def test_strip_is_idempotent_and_catches_late_children():
    m = build_map()
    strip_cdn_assets(m)
    strip_cdn_assets(m)
    # Added after stripping: its default_js (leaflet-dvf from cdnjs) must
    # still not be emitted.
    folium.RegularPolygonMarker([48.85, 2.35]).add_to(m)
    m.get_root().header.add_child(
        branca.element.Element(leaflet_head()), name="leaflet_offline"
    )
    html = m.get_root().render()
    assert_offline(html)
    # class-level defaults are untouched for other users of folium
    assert folium.Map.default_js and folium.folium.Map.default_css


@pytest.mark.parametrize(
    "bad",
    [
        '<script src="https://x/y.js"></script>',
        "<link rel='stylesheet' href='http://x/y.css'/>",
        '<img alt="" src="https://x/y.png">',
        "<style>.a{background:url(https://x/y.png)}</style>",
        '<script src="//cdn.example/y.js"></script>',
    ],
)
def test_assert_offline_raises(bad):
    page = "<html><head>" + bad + "</head><body></body></html>"
    with pytest.raises(ValueError, match=r"x/y|cdn\.example"):
        assert_offline(page)


def test_assert_offline_allows_inline_and_js_strings():
    assert_offline(
        "<script>var u='https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';</script>"
        '<a href="https://www.openstreetmap.org/copyright">OSM</a>'
        "<style>.a{background:url(data:image/png;base64,AAAA)}</style>"
    )


def test_vendored_assets_match_sources_md():
    assets = files("mapgen") / "assets"
    sources = (assets / "SOURCES.md").read_text()
    names = [
        "leaflet.js", "leaflet.css", "marker-icon.png", "marker-icon-2x.png",
        "marker-shadow.png", "layers.png", "layers-2x.png", "LICENSE-leaflet.txt",
    ]
    total = 0
    for name in names:
        data = (assets / name).read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() in sources, name
    assert total < 200_000, total
