"""The manifest `maps/.mapgen-manifest.json` is input like any other: hand-edited, merged from a pull
request or damaged, it must never make a build touch a file outside the output folder's own outputs, nor
crash it. A manifest that is not what mapgen writes is ignored as a whole, with one warning, and every
story is rebuilt."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from mapgen.build import MANIFEST, manifest_problem
from mapgen.cli import cli

SLUG = "kim-2023-russia"


def build(*args):
    return CliRunner().invoke(cli, ["build", *map(str, args)])


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed_dir):
    """A good build of the seed story (and the story it was built from)."""
    base = tmp_path_factory.mktemp("manifest")
    story = base / "stories" / SLUG
    shutil.copytree(seed_dir, story)
    out = base / "maps"
    assert build(story, "--out", out).exit_code == 0
    return story, out


@pytest.fixture
def work(built, tmp_path):
    """A fresh copy of the built folder, its story changed so that the next build rebuilds it."""
    story, out = built
    s2, o2 = tmp_path / "stories" / SLUG, tmp_path / "maps"
    shutil.copytree(story, s2)
    shutil.copytree(out, o2)
    toml = s2 / "story.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "', 'title = "New: ', 1), encoding="utf-8")
    return s2, o2


def edit_manifest(out, change):
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    change(doc)
    (out / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")


def add_output(name):
    def change(doc):
        doc["stories"][SLUG]["outputs"][name] = "0" * 64  # not the file's hash: the story is rebuilt
    return change


@pytest.mark.parametrize("name", ["../victim.txt", "{tmp}/victim.txt", f"{SLUG}.png/../../victim.txt",
                                  "other-story.html"])
def test_manifest_names_are_never_deleted_outside_the_outputs(name, work, tmp_path):
    story, out = work
    victim = tmp_path / "victim.txt" if "victim" in name else out / name
    victim.write_text("keep me", encoding="utf-8")
    edit_manifest(out, add_output(name.format(tmp=tmp_path)))
    r = build(story, "--out", out)
    assert r.exit_code == 0, r.output
    assert victim.read_text(encoding="utf-8") == "keep me"
    warnings = [line for line in r.output.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and MANIFEST in warnings[0] and "rebuilding every story" in warnings[0], r.output
    assert f"{SLUG}: 2,551 km" in r.output
    assert manifest_problem(json.loads((out / MANIFEST).read_text(encoding="utf-8"))) is None


def _other(entry):
    def change(doc):
        doc["stories"]["other-story"] = {**doc["stories"][SLUG], "outputs": {}, **entry}
    return change


MALFORMED = {
    "entry-a-string": lambda d: d["stories"].__setitem__(SLUG, "kim"),
    "entry-null": lambda d: d["stories"].__setitem__(SLUG, None),
    "outputs-a-string": lambda d: d["stories"][SLUG].__setitem__("outputs", f"{SLUG}.html"),
    "output-hash-a-number": lambda d: d["stories"][SLUG]["outputs"].__setitem__(f"{SLUG}.html", 7),
    "other-story-km-a-string": _other({"km": "1,200"}),
    "other-story-km-infinite": _other({"km": float("inf")}),
    "other-story-stops-an-integer": _other({"stops": 3}),
    "other-story-title-null": _other({"title": None}),
    "other-story-title-with-escape": _other({"title": "T\x1b[2J"}),
    "stories-a-list": lambda d: d.__setitem__("stories", [SLUG]),
    "story-name-a-path": lambda d: d["stories"].__setitem__("../x", d["stories"][SLUG]),
    "top-level-a-list": None,
    "not-json": None,
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_manifest_means_rebuild_everything_with_a_warning(case, work):
    story, out = work
    if case == "top-level-a-list":
        (out / MANIFEST).write_text("[1, 2]", encoding="utf-8")
    elif case == "not-json":
        (out / MANIFEST).write_bytes(b"{\"stories\": {\xff")
    else:
        edit_manifest(out, MALFORMED[case])
    r = build(story, "--out", out)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    warnings = [line for line in r.output.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "ignoring it and rebuilding every story" in warnings[0], r.output
    assert f"{SLUG}: 2,551 km" in r.output
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest_problem(doc) is None and list(doc["stories"]) == [SLUG]
    assert "\x1b" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_good_manifest_gives_no_warning(work):
    story, out = work
    r = build(story, "--out", out)
    assert r.exit_code == 0 and "Warning" not in r.output, r.output
    r = build(story, "--out", out)
    assert "up to date" in r.output and "Warning" not in r.output
