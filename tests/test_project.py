"""The user's project (a folder holding geo/stories/ and maps/), apart from mapgen's own data: found from the
current folder like git finds its repository, given with --project, made by `mapgen init` or a first `new`."""
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapgen.cli import cli
from mapgen.data import geo_dir
from mapgen.project import README, find_project

ARTICLES = Path(__file__).resolve().parent / "articles"


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_init_makes_a_project_and_keeps_what_is_there(tmp_path):
    r = run("init", tmp_path / "maps-of-trains")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "maps-of-trains" / "geo" / "stories").is_dir()
    assert (tmp_path / "maps-of-trains" / "README.md").read_text() == README
    (tmp_path / "maps-of-trains" / "README.md").write_text("mine")
    r = run("init", tmp_path / "maps-of-trains")
    assert r.exit_code == 0 and "already a mapgen project" in r.output
    assert (tmp_path / "maps-of-trains" / "README.md").read_text() == "mine"


def test_the_project_is_the_nearest_folder_above_holding_stories(tmp_path):
    (tmp_path / "geo" / "stories").mkdir(parents=True)
    (tmp_path / "notes" / "drafts").mkdir(parents=True)
    assert find_project(tmp_path / "notes" / "drafts").root == tmp_path.resolve()


def test_build_without_a_project_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("build")
    assert r.exit_code == 1 and r.exception.__class__ is SystemExit
    assert r.output.splitlines() == [
        f"Error: {tmp_path.resolve()}: no mapgen project here or in any folder above (none holds geo/stories/); "
        "`mapgen init` makes one, or give --project DIR"]
    assert list(tmp_path.iterdir()) == []
    r = run("--project", tmp_path / "nowhere", "build")
    assert r.exit_code == 1 and "`mapgen init DIR` makes one" in r.output


def test_new_then_build_in_an_empty_folder(tmp_path, monkeypatch):
    # what a journalist does after `pip install mapgen`: the folder becomes the project, the story and its map
    # land in it, and nothing is written beside mapgen's own data
    monkeypatch.chdir(tmp_path)
    data = geo_dir()
    before = sorted(p.name for p in (data / "stories").iterdir()) if (data / "stories").is_dir() else []
    shutil.copy(ARTICLES / "tbilisi-batumi-sleeper-en.txt", tmp_path / "some.txt")
    r = run("new", "demo", "--article", "some.txt")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "geo" / "stories" / "demo" / "story.toml").is_file()
    assert (tmp_path / "README.md").read_text() == README
    r = run("build")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "maps" / "demo.html").is_file()
    assert "<p>1 story. " in (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    after = sorted(p.name for p in (data / "stories").iterdir()) if (data / "stories").is_dir() else []
    assert after == before


def test_new_that_fails_leaves_no_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some.txt").write_text("Kim a quitté Pyongyang.")
    r = run("new", "Not A Slug", "--article", "some.txt")
    assert r.exit_code == 1 and "not a valid story name" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["some.txt"]


@pytest.mark.parametrize("where", ["project option", "story path"])
def test_build_from_elsewhere_writes_into_the_story_project(tmp_path, monkeypatch, seed_dir, where):
    project = tmp_path / "p"
    shutil.copytree(seed_dir, project / "geo" / "stories" / seed_dir.name)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    args = ["--project", project, "build"] if where == "project option" else [
        "build", project / "geo" / "stories" / seed_dir.name]
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert (project / "maps" / f"{seed_dir.name}.html").is_file()
    assert list((tmp_path / "elsewhere").iterdir()) == []
