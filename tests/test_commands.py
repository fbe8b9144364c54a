"""The extract, new, geocode and route commands end to end, through the `mapgen` group."""
import json
import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mapgen.article import Article
from mapgen.cli import cli
from mapgen.story import load_story


def run(*args, input=None):
    return CliRunner().invoke(cli, list(map(str, args)), input=input)


def one_error_line(r, text):
    assert r.exit_code == 1, r.output
    lines = r.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and text in lines[-1], r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name):
    r = run(name, "--help")
    assert r.exit_code == 0 and "Example" in r.output and "mapgen " + name in r.output


def test_geocode_arguments_give_json_lines():
    r = run("geocode", "Pékin", "Oulan-Bator", "Birobidjan", "Iekaterinbourg")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert [x["country"] for x in rows] == ["CN", "MN", "RU", "RU"]
    for x in rows:
        assert set(x) >= {"name", "lat", "lon", "country", "source", "id", "confidence", "candidates"}
        assert x["source"] and 0 <= x["confidence"] <= 1
    assert rows[0]["name"] == "Pékin" and rows[0]["id"] == "geonames:1816670"


def test_geocode_reads_standard_input_and_takes_hints():
    r = run("geocode", "--near", "Amur Oblast", input="Vostochny\n\n")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["id"] == "overlay:vostochny-cosmodrome"
    r = run("geocode", "Vladivostok", "--country", "RU")
    assert json.loads(r.output)["country"] == "RU"


def test_geocode_unknown_name_is_an_error_line():
    r = run("geocode", "Pyongyang", "Xyzzyville")
    rows = r.output.strip().splitlines()
    assert json.loads(rows[0])["country"] == "KP"
    assert "unknown place 'Xyzzyville'" in json.loads(rows[1])["error"]
    one_error_line(r, "1 of 2 names not found")


def test_route_prints_km_countries_and_connectors():
    r = run("route", "Pyongyang", "Vladivostok")
    assert r.exit_code == 0, r.output
    assert "via KP, RU" in r.output and "tumangang-khasan-bridge" in r.output
    r = run("route", "Pékin", "Irkoutsk", "--via", "Oulan-Bator", "--json")
    doc = json.loads(r.output)
    assert [leg["countries"] for leg in doc["legs"]] == [["CN", "MN"], ["MN", "RU"]]
    assert 2_300 < doc["km"] < 2_900


def test_route_without_a_path_is_one_error_line():
    one_error_line(run("route", "Pyongyang", "Tokyo"), "no rail path from Pyongyang to Tokyo")
    one_error_line(run("route", "Pyongyang", "Xyzzyville"), "unknown place 'Xyzzyville'")


def test_extract_table_and_json_offsets(seed_dir):
    path = seed_dir / "article.txt"
    r = run("extract", path)
    assert r.exit_code == 0, r.output
    assert "cosmodrome de Vostochny" in r.output and "Vostochny Cosmodrome" in r.output
    r = run("extract", path, "--json")
    rows = [json.loads(line) for line in r.output.splitlines()]
    raw = path.read_text(encoding="utf-8")
    for x in rows:  # offsets are into the file as it is
        assert raw[x["start"]:x["end"]] == x["text"]
        assert x["text"] in x["sentence"] and x["candidates"][0]["id"] == x["place"]["id"]
    assert any(x["text"] == "Corée du Nord" and x["place"]["country"] == "KP" for x in rows)


def test_extract_missing_file_is_a_usage_error(tmp_path):
    r = run("extract", tmp_path / "nope.txt")
    assert r.exit_code == 2 and "does not exist" in r.output


def test_new_proposes_the_seed_journey_and_builds(seed_dir, tmp_path):
    r = run("new", "kim-test", "--article", seed_dir / "article.txt", "--stories", tmp_path)
    assert r.exit_code == 0, r.output
    folder = tmp_path / "kim-test"
    doc = tomllib.loads((folder / "story.toml").read_text(encoding="utf-8"))
    places = [s["place"] for s in doc["stops"]]
    assert places == ["Pyongyang", "Khasan", "Vladivostok", "cosmodrome de Vostochny"]
    assert not {"Washington", "Ukraine", "Moscou", "Kremlin", "Russie"} & set(places)
    assert (folder / "article.txt").read_bytes() == (seed_dir / "article.txt").read_bytes()
    story = load_story(folder)  # every quote is in the article
    article = Article.read(folder / "article.txt")
    for s in story.stops:
        assert article.find(s.quote) is not None
    out = tmp_path / "maps"
    r = run("build", folder, "--out", out)
    assert r.exit_code == 0, r.output
    geo = json.loads((out / "kim-test.geojson").read_text(encoding="utf-8"))
    stops = [f["properties"]["place_name"] for f in geo["features"] if f["properties"]["kind"] == "stop"]
    assert stops == ["Pyongyang", "Khasan", "Vladivostok", "Vostochny Cosmodrome"]


def test_new_refuses_to_overwrite_and_checks_the_slug(seed_dir, tmp_path):
    args = ("--article", seed_dir / "article.txt", "--stories", tmp_path)
    assert run("new", "kim", *args).exit_code == 0
    one_error_line(run("new", "kim", *args), "story already exists; pass --force")
    assert run("new", "kim", *args, "--force").exit_code == 0
    one_error_line(run("new", "Bad Slug", *args), "not a valid story name")


def test_the_readme_shows_every_command_and_only_those():
    """The commands the README's shell examples run are the group's commands, each of them reachable
    as `mapgen <name>` (a command left out of the group, or one the README has lost, fails here)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    lines = [line.split(" #")[0] for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
             for line in block.splitlines()]  # the commands, not their comments
    shown = {m for line in lines for m in re.findall(r"\bmapgen ([a-z]+)\b", line)}
    assert shown == set(cli.commands)
    for name in shown:
        assert isinstance(cli.get_command(None, name), click.Command)


def test_new_with_one_stop_writes_where_it_is_for_the_build_to_come(tmp_path):
    # a lone stop found only by the article's reading of a misspelt name ("Boukara") gets its coordinates in
    # the story: once the editor adds a second stop, the build places it where `new` did (Bukhara)
    article = tmp_path / "a.txt"
    article.write_text("Nous avons pris le train à la gare de Boukara, une ville magnifique.\n", encoding="utf-8")
    r = run("new", "boukara", "--article", article, "--stories", tmp_path / "stories")
    assert r.exit_code == 0, r.output
    doc = tomllib.loads((tmp_path / "stories" / "boukara" / "story.toml").read_text(encoding="utf-8"))
    (stop,) = doc["stops"]
    assert abs(stop["lat"] - 39.77) < 0.1 and abs(stop["lon"] - 64.43) < 0.1
