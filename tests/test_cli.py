"""The `mapgen` command end to end: builds, byte-identical rebuilds, and one clear error per bad input."""
import hashlib
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mapgen.cli import cli

ARTICLE = "Kim a quitté Pyongyang dimanche. Il est arrivé à Tokyo mardi. Il a visité Xyzzyville."


def snapshot(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def built(tmp_path, seed_dir):
    out = tmp_path / "maps"
    r = run("build", seed_dir, "--out", out)
    assert r.exit_code == 0, r.output
    return out


def test_build_writes_html_and_geojson(built):
    assert sorted(p.name for p in built.iterdir()) == [
        ".mapgen-manifest.json", ".mapgen.lock", "index.html", "kim-2023-russia.geojson", "kim-2023-russia.html",
        "kim-2023-russia.thumb.svg"]
    html = (built / "kim-2023-russia.html").read_text()
    assert "GeoNames" in html and "Natural Earth" in html and "OpenStreetMap" in html
    assert "<mark>Kim a quitté Pyongyang pour la Russie dimanche à bord de son train privé</mark>" in html


def test_rebuild_is_byte_identical(built, seed_dir, tmp_path):
    first = snapshot(built)
    # a second build in a fresh process, with another hash seed and a gazetteer index of its own (built
    # in an empty private cache, never the user's), gives the same bytes
    out2 = tmp_path / "maps2"
    subprocess.run([sys.executable, "-m", "mapgen.cli", "build", str(seed_dir), "--out", str(out2)],
                   check=True, capture_output=True,
                   env={"PYTHONHASHSEED": "123", "PATH": "", "MAPGEN_CACHE": str(tmp_path / "cache"),
                        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})  # the same mapgen as here
    assert any((tmp_path / "cache").iterdir())
    assert snapshot(out2) == first


def test_help_lists_build():
    r = run("--help")
    assert r.exit_code == 0 and "build" in r.output


def story(make_story, stops: str, head: str = "") -> str:
    toml = ('title = "T"\nlanguage = "fr"\n' + head + '[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Pyongyang"\nquote = "Kim a quitté Pyongyang dimanche"\n' + stops)
    return make_story(toml, ARTICLE)


BAD = {
    "toml": ('[[stops]]\nplace = "Tokyo"\nquote = "arrivé à Tokyo"\nlat = \n', "invalid TOML", "line 12, column 7"),
    "missing": ('[[stops]]\nplace = "Tokyo"\n', "field stops[1].quote", "missing required field"),
    "quote": ('[[stops]]\nplace = "Tokyo"\nquote = "arrivé à Osaka"\n', "field stops[1].quote",
              "closest passage: 'arrivé à Tokyo"),
    "place": ('[[stops]]\nplace = "Xyzzyville"\nquote = "visité Xyzzyville"\n', "field stops[1].place",
              "unknown place 'Xyzzyville'"),
    "unreachable": ('[[stops]]\nplace = "Tokyo"\nquote = "arrivé à Tokyo"\n', "field stops[1].place",
                    "no rail path from Pyongyang to Tokyo"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_one_error_line_and_keeps_maps(case, built, make_story):
    stops_toml, field, text = BAD[case]
    before = snapshot(built)
    r = run("build", story(make_story, stops_toml), "--out", built)
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    assert "story.toml" in lines[0] and field in lines[0] and text in lines[0], lines[0]
    assert "Traceback" not in r.output
    assert snapshot(built) == before


def test_fallback_draws_a_labelled_straight_line(make_story, tmp_path):
    path = story(make_story, '[[stops]]\nplace = "Tokyo"\nquote = "arrivé à Tokyo"\n', head='fallback = "straight"\n')
    r = CliRunner().invoke(cli, ["build", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "Warning: test-story: no rail path from Pyongyang to Tokyo" in r.output
    import json

    doc = json.loads((tmp_path / "o" / "test-story.geojson").read_text())
    leg = next(f for f in doc["features"] if f["properties"]["kind"] == "leg")
    assert leg["properties"]["fallback"] is True
    assert 1000 < leg["properties"]["km"] < 1400  # Pyongyang-Tokyo great circle is about 1,290 km
