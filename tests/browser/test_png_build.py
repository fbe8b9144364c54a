"""`mapgen build --png` with incremental builds: a PNG is kept while its inputs are unchanged, and
removed when the story is rebuilt without --png (it would show an older version)."""
from click.testing import CliRunner

from mapgen.cli import cli


def test_png_is_kept_then_dropped_when_stale(chromium_exe, story_copy, tmp_path):
    out = tmp_path / "maps"
    run = lambda *a: CliRunner().invoke(cli, ["build", str(story_copy), "--out", str(out), *a])  # noqa: E731
    r = run("--png")
    assert r.exit_code == 0, r.output
    png = out / "kim-2023-russia.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'href="kim-2023-russia.png"' in (out / "index.html").read_text()
    assert "up to date" in run().output  # no --png: the PNG of the same inputs stays valid
    assert "up to date" in run("--png").output
    assert png.exists()
    toml = story_copy / "story.toml"
    toml.write_text(toml.read_text().replace("Kim Jong Un's train", "Kim's train"), encoding="utf-8")
    r = run()
    assert r.exit_code == 0 and "km ->" in r.output
    assert not png.exists()  # it showed the old title
    assert "kim-2023-russia.png" not in (out / "index.html").read_text()
