"""Incremental and parallel builds: unchanged stories cost nothing, one bad story does not stop the rest."""
import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from mapgen.cli import cli


def build(*args):
    return CliRunner().invoke(cli, ["build", *map(str, args)])


def test_unchanged_story_is_skipped_and_force_rebuilds(story_copy, tmp_path):
    out = tmp_path / "maps"
    assert build(story_copy, "--out", out).exit_code == 0
    html = out / "kim-2023-russia.html"
    mtime = html.stat().st_mtime_ns
    r = build(story_copy, "--out", out)
    assert r.exit_code == 0 and "kim-2023-russia: up to date" in r.output
    assert html.stat().st_mtime_ns == mtime
    r = build(story_copy, "--out", out, "--force")
    assert "km ->" in r.output and html.stat().st_mtime_ns != mtime


def test_changed_inputs_or_damaged_outputs_rebuild(story_copy, tmp_path):
    out = tmp_path / "maps"
    build(story_copy, "--out", out)
    toml = story_copy / "story.toml"
    toml.write_text(toml.read_text().replace("Kim Jong Un's train", "Kim's train"), encoding="utf-8")
    r = build(story_copy, "--out", out)
    assert "km ->" in r.output
    assert "<title>Kim&#x27;s train to Russia" in (out / "kim-2023-russia.html").read_text()
    (out / "kim-2023-russia.geojson").write_text("{}")
    r = build(story_copy, "--out", out)
    assert "km ->" in r.output
    assert json.loads((out / "kim-2023-russia.geojson").read_text())["type"] == "FeatureCollection"


def test_noop_build_imports_nothing_heavy(story_copy, tmp_path):
    out = tmp_path / "maps"
    build(story_copy, "--out", out)
    code = (
        "import sys; from mapgen.cli import cli\n"
        f"try: cli(['build', {str(story_copy)!r}, '--out', {str(out)!r}])\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('folium', 'geopandas', 'numpy', 'shapely', 'scipy', 'sqlite3') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "up to date" in r.stdout
    assert "HEAVY []" in r.stdout


def test_many_stories_one_failing(seed_dir, tmp_path):
    stories = tmp_path / "stories"
    for slug in ("a-story", "b-story", "c-story"):
        shutil.copytree(seed_dir, stories / slug)
    bad = stories / "b-story" / "story.toml"
    bad.write_text(bad.read_text().replace('place = "Khasan"', 'place = "Xyzzyville"'), encoding="utf-8")
    out = tmp_path / "maps"
    r = build(*sorted(stories.iterdir()), "--out", out, "--jobs", "2")
    assert r.exit_code == 1
    assert sorted(p.name for p in out.glob("*.html")) == ["a-story.html", "c-story.html", "index.html"]
    errors = [line for line in r.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "b-story" in errors[0] and "Xyzzyville" in errors[0]
    assert r.output.strip().splitlines()[-1].startswith("Error:")  # failures are reported at the end
    index = (out / "index.html").read_text()
    assert 'href="a-story.html"' in index and 'href="c-story.html"' in index and "b-story" not in index
    # fixing the story builds just it; the others are skipped
    bad.write_text(bad.read_text().replace('place = "Xyzzyville"', 'place = "Khasan"'), encoding="utf-8")
    r = build(*sorted(stories.iterdir()), "--out", out)
    assert r.exit_code == 0
    assert r.output.count("up to date") == 2 and "b-story: 2,551 km" in r.output


def test_index_lists_stories(seed_build):
    index = (seed_build / "index.html").read_text() if (seed_build / "index.html").exists() else None
    # build_story alone (the fixture) does not write an index; build_all does
    assert index is None
