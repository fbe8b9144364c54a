"""A rebuild without --png keeps a PNG that still shows the map (issue 10): `mapgen build --force` must not
delete a committed, up-to-date PNG; a PNG of an earlier version of the map goes, and the build says why."""
import hashlib
import json
import shutil

from click.testing import CliRunner

from mapgen.cli import cli

SLUG = "kim-2023-russia"


def build(*args):
    return CliRunner().invoke(cli, ["build", *map(str, args)])


def test_png_kept_while_valid_and_removed_with_a_reason(seed_dir, tmp_path):
    story = tmp_path / "stories" / SLUG
    shutil.copytree(seed_dir, story)
    out = tmp_path / "maps"
    assert build(story, "--out", out).exit_code == 0
    # what `--png` leaves (no browser needed here): a PNG the manifest records as made from these inputs
    png = out / f"{SLUG}.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n made from the current inputs")
    manifest = json.loads((out / ".mapgen-manifest.json").read_text())
    manifest["stories"][SLUG]["outputs"][png.name] = hashlib.sha256(png.read_bytes()).hexdigest()
    (out / ".mapgen-manifest.json").write_text(json.dumps(manifest))

    r = build(story, "--out", out, "--force")
    assert r.exit_code == 0, r.output
    assert png.is_file() and "removed" not in r.output
    assert png.name in json.loads((out / ".mapgen-manifest.json").read_text())["stories"][SLUG]["outputs"]

    # a change to the story that leaves the page as it was (a sentence no quote is in) keeps it too
    with open(story / "article.txt", "a", encoding="utf-8") as f:
        f.write("\nUne phrase ajoutée.\n")
    r = build(story, "--out", out)
    assert r.exit_code == 0 and png.is_file(), r.output

    # the map changes: the PNG shows the old one, so it goes, and the build says so
    toml = (story / "story.toml").read_text(encoding="utf-8")
    (story / "story.toml").write_text(toml.replace("title = \"", "title = \"New: ", 1), encoding="utf-8")
    r = build(story, "--out", out)
    assert r.exit_code == 0, r.output
    assert not png.exists()
    assert (f"Warning: {SLUG}: removed {SLUG}.png: it shows an earlier version of the map (rebuild with --png "
            "for a new one)") in r.stderr
