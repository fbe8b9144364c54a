"""What `route`, `geocode` and `new` refuse to do silently (issue 12): route from a namesake nobody meant
because it makes a route possible, route from a place to itself, overwrite a hand-made article.txt."""
import json

import pytest
from click.testing import CliRunner

from mapgen.cli import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, list(map(str, args)), input=input)


def error_line(r) -> str:
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.output
    return lines[0]


@pytest.mark.parametrize("start, end, meant, other", [
    ("Paris", "New York", "FR", "US"),
    ("London", "Toronto", "GB", "CA"),
])
def test_route_never_swaps_an_obvious_place_for_a_namesake_with_a_rail_path(start, end, meant, other):
    line = error_line(run("route", start, end))
    assert f"no rail path from {start} to " in line
    assert f"{start!r} is read as {start} (city, {meant}," in line
    assert f"it also names {start} (city, {other}," in line and f'"{start} ({other})"' in line


def test_the_namesake_is_routed_when_asked_for_by_country():
    r = run("route", "Paris (US)", "New York", "--json")
    assert r.exit_code == 0, r.output
    leg = json.loads(r.output)["legs"][0]
    assert leg["countries"] == ["US"] and 300 < leg["km"] < 1500
    r = run("geocode", "Paris (US)")
    assert json.loads(r.output)["country"] == "US"


def test_context_still_reads_an_unclear_name():
    """Khasan alone is a close call with Hassan (India); beside Vladivostok it is the Russian one."""
    r = run("route", "Khasan", "Vladivostok", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["legs"][0]["countries"] == ["RU"]


@pytest.mark.parametrize("names", [("Paris", "Paris"), ("Moscou", "Moskva"), ("Pyongyang", "Khasan", "--via", "Khasan")])
def test_route_from_a_place_to_itself_is_an_error(names):
    line = error_line(run("route", *names))
    assert "are the same place" in line and "two different places" in line


def test_a_round_trip_through_another_place_is_fine():
    r = run("route", "Moscow", "Moscow", "--via", "Saint Petersburg", "--json")
    assert r.exit_code == 0, r.output
    legs = json.loads(r.output)["legs"]
    assert len(legs) == 2 and all(500 < leg["km"] < 800 for leg in legs)


ARTICLE = ("Kim Jong Un left Pyongyang by train on Sunday. On Tuesday his train crossed into Russia at Khasan, "
           "and he arrived in Vladivostok the next day.\n")


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_new_never_overwrites_a_hand_made_article(force, tmp_path):
    folder = tmp_path / "stories" / "kim-trip"
    folder.mkdir(parents=True)
    mine = folder / "article.txt"
    mine.write_text("My own corrected text: Kim left Pyongyang.\n", encoding="utf-8")
    if force:
        (folder / "story.toml").write_text("# mine\n", encoding="utf-8")
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    r = run("new", "kim-trip", "--article", src, "--stories", tmp_path / "stories", *(["--force"] if force else []))
    line = error_line(r)
    assert str(mine) in line and "never overwritten" in line
    assert mine.read_text(encoding="utf-8") == "My own corrected text: Kim left Pyongyang.\n"
    assert sorted(p.name for p in folder.iterdir()) == (["article.txt", "story.toml"] if force else ["article.txt"])
    if force:
        assert (folder / "story.toml").read_text(encoding="utf-8") == "# mine\n"


def test_new_with_the_same_article_again_rewrites_only_story_toml(tmp_path):
    stories = tmp_path / "stories"
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    assert run("new", "kim-trip", "--article", src, "--stories", stories).exit_code == 0
    toml = stories / "kim-trip" / "story.toml"
    toml.write_text("# edited\n", encoding="utf-8")
    r = run("new", "kim-trip", "--article", stories / "kim-trip" / "article.txt", "--stories", stories, "--force")
    assert r.exit_code == 0, r.output
    assert (stories / "kim-trip" / "article.txt").read_text(encoding="utf-8") == ARTICLE
    assert "Vladivostok" in toml.read_text(encoding="utf-8")

