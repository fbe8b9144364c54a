"""Stage 4: the HTML page and the GeoJSON, as text (the browser tests check them in Chromium)."""
import json

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
