"""Incremental and parallel builds: unchanged stories cost nothing, one bad story does not stop the rest."""
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

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


class _Index(HTMLParser):
    """The index page read as a browser would: its tags, and the text of each story's heading and lines."""

    def __init__(self):
        super().__init__()
        self.tags, self.items, self._in = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "li":
            self.items.append({"h2": "", "text": "", "links": []})
        elif tag == "a" and self.items:
            self.items[-1]["links"].append(dict(attrs)["href"])
        self._in.append(tag)

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self.items:
            self.items[-1]["text"] += data
            if "h2" in self._in:
                self.items[-1]["h2"] += data


def test_index_lists_stories(seed_dir, tmp_path):
    """maps/index.html lists each built story: its title (escaped, so a title cannot add markup), date,
    stops, length and links to its outputs."""
    stories = tmp_path / "stories"
    for slug in ("a-story", "b-story"):
        shutil.copytree(seed_dir, stories / slug)
    hostile = "Kim & Putin <script>window.pwned=1</script><b>bold</b>"
    toml = stories / "b-story" / "story.toml"
    toml.write_text(re.sub(r"^title = .*$", f"title = {json.dumps(hostile)}", toml.read_text(encoding="utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    out = tmp_path / "maps"
    r = build(stories / "a-story", stories / "b-story", "--out", out)
    assert r.exit_code == 0, r.output
    text = (out / "index.html").read_text(encoding="utf-8")
    page = _Index()
    page.feed(text)
    assert "script" not in page.tags and "b" not in page.tags  # the title's markup stays text
    assert [item["h2"] for item in page.items] == ["Kim Jong Un's train to Russia, September 2023", hostile]
    manifest = json.loads((out / ".mapgen-manifest.json").read_text(encoding="utf-8"))["stories"]
    for slug, item in zip(("a-story", "b-story"), page.items):
        entry = manifest[slug]
        assert entry["date"] and entry["date"] in item["text"]
        assert " → ".join(["Pyongyang", "Khasan", "Vladivostok", "cosmodrome de Vostochny"]) in item["text"]
        assert f"{entry['km']:,.0f} km" in item["text"] and "4 stops" in item["text"]
        assert {f"{slug}.html", f"{slug}.geojson"} <= set(item["links"])
    assert "2 stories." in text


def test_an_edited_article_rebuilds(story_copy, tmp_path):
    """The quotes are checked against the article: a story whose article.txt changed is not up to date."""
    out = tmp_path / "maps"
    assert build(story_copy, "--out", out).exit_code == 0
    article = story_copy / "article.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Vladivostok", "Vladivostok (Primorye)", 1),
                       encoding="utf-8")
    r = build(story_copy, "--out", out)
    assert r.exit_code == 0 and "up to date" not in r.output and "km ->" in r.output, r.output
    stops = [f["properties"] for f in json.loads((out / "kim-2023-russia.geojson").read_text())["features"]
             if f["properties"]["kind"] == "stop"]
    assert "Vladivostok (Primorye)" in stops[2]["sentence"]


def test_environment_fingerprint_covers_mapgen_code_and_geodata(tmp_path, monkeypatch):
    """A change to any of mapgen's modules or assets, or to its geodata, makes every story out of date;
    caches, docs and the stories themselves do not."""
    from mapgen import build as build_module

    pkg = tmp_path / "pkg" / "mapgen"
    shutil.copytree(Path(build_module.__file__).parent, pkg,
                    ignore=shutil.ignore_patterns("geo", "__pycache__", "*.egg-info"))
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "build.cpython-311.pyc").write_bytes(b"compiled")
    geo = tmp_path / "geo"
    for name, body in (("rail/graph.json", "{}"), ("SOURCES.md", "# sources"), ("stories/s/story.toml", "x")):
        (geo / name).parent.mkdir(parents=True, exist_ok=True)
        (geo / name).write_text(body)
    monkeypatch.setattr(build_module, "__file__", str(pkg / "build.py"))
    monkeypatch.setenv("MAPGEN_GEO", str(geo))

    def fingerprint() -> str:
        build_module.environment_fingerprint.cache_clear()
        return build_module.environment_fingerprint()

    try:
        seen = [fingerprint()]
        for path, body in ((pkg / "route.py", "\n# a change\n"), (pkg / "assets" / "new.js", "x"),
                           (geo / "rail" / "graph.json", "[]")):
            with open(path, "a") as f:
                f.write(body)
            seen.append(fingerprint())
        assert len(set(seen)) == len(seen), "a change to the code, the assets or the geodata went unnoticed"
        for path in (pkg / "__pycache__" / "build.cpython-311.pyc", geo / "SOURCES.md", geo / "stories/s/story.toml"):
            path.write_text("changed")
            assert fingerprint() == seen[-1], f"{path.name} should not make stories out of date"
    finally:
        build_module.environment_fingerprint.cache_clear()
