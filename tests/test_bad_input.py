"""The bad-input catalogue (issue 4): every way a story, an article or the command line can be wrong.

Each case runs `mapgen build` through click's CliRunner against an output folder that already holds a
good build of the seed story, and checks the contract from the README:

* exit code 1 (2 for command-line misuse: an unknown option, a missing option value, a path that
  does not exist or is the wrong kind of file),
* exactly one `Error: ` line, naming the file (story.toml, article or output folder) and, where one
  applies, the field (`field stops[1].quote`),
* no traceback, no exception escaping the command,
* every file already in the output folder byte-for-byte unchanged, and no temporary left behind.

Path policy tested here: paths the user gives on the command line (story folders, `--out`) may be
anywhere they name, `..` included; but a story's own `article = ...` must stay inside its folder, and
a story folder whose name is not a slug (it becomes the output file name) is refused.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from mapgen.cli import cli

ARTICLE = (
    "date 2023-09\n"
    "Kim a quitté Pyongyang dimanche. Il est arrivé à Khasan mardi. Il a visité Xyzzyville. "
    "Puis il est allé à Springfield. Il est allé à Tokyo. Il s’est arrêté à Vladivostok."
)
TOP = 'title = "T"\nlanguage = "fr"\n'
SRC = '[source]\nname = "N"\ncitation = "C"\n'
HEAD = TOP + SRC
S1 = '[[stops]]\nplace = "Pyongyang"\nquote = "Kim a quitté Pyongyang dimanche"\n'
S2 = '[[stops]]\nplace = "Khasan"\nquote = "arrivé à Khasan"\n'
S3 = '[[stops]]\nplace = "Vladivostok"\nquote = "Il s\'est arrêté à Vladivostok"\n'
GOOD = HEAD + S1 + S2
SLUG = "bad-input"


# --------------------------------------------------------------------------------------------------
# helpers


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file (hidden ones included, so a leftover temporary shows up)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def good_out(tmp_path_factory, seed_dir) -> Path:
    """A good build of the seed story, made once per module by the command itself, so the folder also
    holds what the command adds beside the maps (manifest, index page)."""
    out = tmp_path_factory.mktemp("good-maps")
    r = CliRunner().invoke(cli, ["build", str(seed_dir), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert {"kim-2023-russia.geojson", "kim-2023-russia.html"} <= {p.name for p in out.iterdir()}
    return out


@dataclass
class Ctx:
    """What a case's setup gets: a scratch folder, the output folder, and monkeypatch."""

    tmp: Path
    out: Path
    seed_dir: Path
    monkeypatch: pytest.MonkeyPatch
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def story(self, toml: str | bytes | None = GOOD, article: str | bytes | None = ARTICLE,
              slug: str = SLUG) -> Path:
        d = self.tmp / "stories" / slug
        d.mkdir(parents=True, exist_ok=True)
        for name, body in (("story.toml", toml), ("article.txt", article)):
            if body is None:
                continue
            (d / name).write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        return d

    def seed_copy(self) -> Path:
        """The seed story with another title: a new version whose build would change the maps (and
        that an incremental build cannot skip)."""
        d = self.tmp / "stories" / "kim-2023-russia"
        shutil.copytree(self.seed_dir, d)
        toml = (d / "story.toml").read_text(encoding="utf-8")
        (d / "story.toml").write_text(toml.replace('title = "', 'title = "New: ', 1), encoding="utf-8")
        return d


@dataclass
class Case:
    """`setup(ctx)` returns the command-line arguments after `build`; `expect` are substrings of the
    error line, in which `{toml}`, `{article}`, `{folder}` and `{out}` name the story's files."""

    setup: Callable[[Ctx], list[str]]
    expect: tuple[str, ...]
    code: int = 1


def story_case(toml, *expect, article=ARTICLE, code=1) -> Case:
    def setup(ctx: Ctx) -> list[str]:
        return [str(ctx.story(toml, article)), "--out", str(ctx.out)]
    return Case(setup, expect, code)


def article_case(article, *expect) -> Case:
    return story_case(GOOD, "{article}", *expect, article=article)


CASES: dict[str, Case] = {}

# --- TOML syntax ---------------------------------------------------------------------------------
CASES["toml-missing-value"] = story_case(GOOD + "note = \n", "{toml}", "invalid TOML", "line 12, column 8")
CASES["toml-unclosed-string"] = story_case(TOP.replace('"T"', '"T') + SRC + S1 + S2, "{toml}", "invalid TOML", "line 1")
CASES["toml-duplicate-key"] = story_case(TOP + 'title = "U"\n' + SRC + S1 + S2, "{toml}", "invalid TOML", "line 3")
CASES["toml-unclosed-table-header"] = story_case(TOP + "[source\n" + S1 + S2, "{toml}", "invalid TOML")
CASES["toml-bare-word-value"] = story_case(TOP.replace('"T"', "hello") + SRC + S1 + S2, "{toml}", "invalid TOML")
CASES["toml-not-utf8"] = story_case(GOOD.encode() + b'note = "\xe9t\xe9"\n', "{toml}", "not UTF-8")
CASES["toml-binary"] = story_case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "{toml}", "not UTF-8")
CASES["toml-nul-byte"] = story_case(GOOD.encode() + b'note = "a\x00b"\n', "{toml}", "invalid TOML")
CASES["toml-integer-too-long"] = story_case(GOOD + "lat = " + "9" * 5000 + "\n", "{toml}", "invalid TOML")
CASES["toml-nested-too-deep"] = story_case(GOOD + "note = " + "[" * 3000 + "]" * 3000 + "\n", "{toml}", "invalid TOML")
CASES["toml-empty-file"] = story_case("", "{toml}", "field title", "missing required field")

# --- wrong types -------------------------------------------------------------------------------
CASES["type-title-int"] = story_case(GOOD.replace('title = "T"', "title = 3"), "{toml}", "field title", "must be a string")
CASES["type-language-array"] = story_case(GOOD.replace('language = "fr"', 'language = ["fr"]'), "{toml}", "field language", "must be a string")
CASES["type-source-string"] = story_case(TOP + 'source = "Reuters"\n' + S1 + S2, "{toml}", "field source", "must be a table")
CASES["type-source-name-int"] = story_case(GOOD.replace('name = "N"', "name = 7"), "{toml}", "field source.name", "must be a string")
CASES["type-stops-table"] = story_case(HEAD + '[stops]\nplace = "Pyongyang"\n', "{toml}", "field stops", "must be an array")
CASES["type-stops-strings"] = story_case(TOP + 'stops = ["Pyongyang", "Khasan"]\n' + SRC, "{toml}", "field stops[0]", "must be a table")
CASES["type-place-int"] = story_case(GOOD.replace('place = "Khasan"', "place = 42"), "{toml}", "field stops[1].place", "must be a string")
CASES["type-quote-array"] = story_case(GOOD.replace('quote = "arrivé à Khasan"', 'quote = ["arrivé à Khasan"]'), "{toml}", "field stops[1].quote", "must be a string")
CASES["type-lat-string"] = story_case(GOOD + 'lat = "42.4"\nlon = 130.6\nsource = "x"\n', "{toml}", "field stops[1].lat", "must be a number")
CASES["type-lat-bool"] = story_case(GOOD + 'lat = true\nlon = 130.6\nsource = "x"\n', "{toml}", "field stops[1].lat", "must be a number")
CASES["type-via-string"] = story_case(GOOD + 'via = "yes"\n', "{toml}", "field stops[1].via", "must be true or false")
CASES["type-certainty-bool"] = story_case(GOOD + "certainty = true\n", "{toml}", "field stops[1].certainty", "must be a string")
CASES["type-date-toml-date"] = story_case(TOP + "date = 2023-09-12\n" + SRC + S1 + S2, "{toml}", "field date", "must be a string")

# --- missing keys --------------------------------------------------------------------------------
CASES["missing-title"] = story_case(GOOD.replace('title = "T"\n', ""), "{toml}", "field title", "missing required field")
CASES["missing-language"] = story_case(GOOD.replace('language = "fr"\n', ""), "{toml}", "field language", "missing required field")
CASES["missing-source"] = story_case(TOP + S1 + S2, "{toml}", "field source", "missing required field")
CASES["missing-source-citation"] = story_case(GOOD.replace('citation = "C"\n', ""), "{toml}", "field source.citation", "missing required field")
CASES["missing-stops"] = story_case(HEAD, "{toml}", "field stops", "missing required field")
CASES["missing-place"] = story_case(GOOD.replace('place = "Khasan"\n', ""), "{toml}", "field stops[1].place", "missing required field")
CASES["missing-quote"] = story_case(GOOD.replace('quote = "arrivé à Khasan"\n', ""), "{toml}", "field stops[1].quote", "missing required field")

# --- unknown keys, with the near spelling -------------------------------------------------------
CASES["unknown-top-key"] = story_case(GOOD.replace("title =", "titel ="), "{toml}", "field titel", "did you mean 'title'")
CASES["unknown-source-key"] = story_case(GOOD.replace("citation =", "cittion ="), "{toml}", "field source.cittion", "did you mean 'citation'")
CASES["unknown-stop-key"] = story_case(GOOD.replace('quote = "arrivé', 'qoute = "arrivé'), "{toml}", "field stops[1].qoute", "did you mean 'quote'")
CASES["unknown-stop-key-latitude"] = story_case(GOOD + 'latitude = 42.4\n', "{toml}", "field stops[1].latitude", "did you mean 'lat'")
CASES["unknown-key-far-from-any"] = story_case(GOOD + 'xyzzy = "red"\n', "{toml}", "field stops[1].xyzzy", "allowed: certainty, country")
CASES["unknown-key-with-newline"] = story_case(GOOD + '"a\\nb" = 1\n', "{toml}", "field stops[1].'a\\nb'", "unknown key")

# --- stops -------------------------------------------------------------------------------------
CASES["no-stops"] = story_case(TOP + "stops = []\n" + SRC, "{toml}", "field stops", "at least one stop; found 0")
CASES["only-via-stops-besides-one"] = story_case(HEAD + S1 + S2 + "via = true\n", "{toml}", "field stops", "cannot be via points")
CASES["stop-repeated"] = story_case(HEAD + S1 + S2 + S2, "{toml}", "field stops[2].place", "repeats stop 2")
CASES["stop-repeated-later-same-quote"] = story_case(HEAD + S1 + S2 + S1, "{toml}", "field stops[2].quote", "repeats stop 1")
CASES["first-stop-via"] = story_case(HEAD + S1 + "via = true\n" + S2 + S3, "{toml}", "field stops", "cannot be via")
CASES["place-empty"] = story_case(GOOD.replace('place = "Khasan"', 'place = "  "'), "{toml}", "field stops[1].place", "empty")
CASES["quote-too-short"] = story_case(GOOD.replace('quote = "arrivé à Khasan"', 'quote = "à"'), "{toml}", "field stops[1].quote", "too short")
CASES["certainty-unknown"] = story_case(GOOD + 'certainty = "sure"\n', "{toml}", "field stops[1].certainty", "not one of stated, reported, possible")
CASES["mode-unknown"] = story_case(GOOD + 'mode = "train"\n', "{toml}", "field stops[1].mode", "not one of rail")
CASES["stop-date-impossible"] = story_case(GOOD + 'date = "2023-13-45"\n', "{toml}", "field stops[1].date", "not YYYY-MM-DD")
CASES["story-date-impossible"] = story_case(TOP + 'date = "2023-02-30"\n' + SRC + S1 + S2, "{toml}", "field date", "2023-02-30")
CASES["country-lower-case"] = story_case(GOOD + 'country = "ru"\n', "{toml}", "field stops[1].country", "ISO 3166")
CASES["country-trailing-newline"] = story_case(GOOD + 'country = "RU\\n"\n', "{toml}", "field stops[1].country", "ISO 3166")
CASES["fallback-unknown"] = story_case(TOP + 'fallback = "curve"\n' + SRC + S1 + S2, "{toml}", "field fallback", "straight")
CASES["source-url-not-http"] = story_case(GOOD.replace('citation = "C"', 'citation = "C"\nurl = "javascript:alert(1)"'), "{toml}", "field source.url", "http")

# --- limits and control characters (issue 12) ----------------------------------------------------
CASES["toml-over-1MB"] = story_case(GOOD + 'note = "' + "x" * 1_000_000 + '"\n', "{toml}", "1,000,0", "the limit is 1,000,000")
CASES["note-over-10000-chars"] = story_case(GOOD + 'note = "' + "é" * 10_001 + '"\n', "{toml}", "field stops[1].note", "10,001 characters long; the limit is 10,000")
CASES["quote-over-10000-chars"] = story_case(GOOD.replace('quote = "arrivé à Khasan"', 'quote = "' + "arrivé à Khasan " * 700 + '"'), "{toml}", "field stops[1].quote", "the limit is 10,000")
CASES["note-nul"] = story_case(GOOD + 'note = "a\\u0000b"\n', "{toml}", "field stops[1].note", "control character U+0000 at character 2")
CASES["note-escape-sequence"] = story_case(GOOD + 'note = "\\u001b[31mred"\n', "{toml}", "field stops[1].note", "U+001B", "only tab and newline")
CASES["note-c1-control"] = story_case(GOOD + 'note = "a\\u009bb"\n', "{toml}", "field stops[1].note", "U+009B")
CASES["quote-escape"] = story_case(GOOD.replace('quote = "arrivé à Khasan"', 'quote = "arrivé à\\u001bKhasan"'), "{toml}", "field stops[1].quote", "U+001B")
CASES["title-bell"] = story_case(GOOD.replace('title = "T"', 'title = "T\\u0007"'), "{toml}", "field title", "U+0007")
CASES["citation-carriage-return"] = story_case(GOOD.replace('citation = "C"', 'citation = "C\\rD"'), "{toml}", "field source.citation", "U+000D")
CASES["too-many-stops"] = story_case(HEAD + (S1 + S2) * 501, "{toml}", "field stops", "1,002 stops; the limit is 1,000")
CASES["slug-index-is-taken"] = Case(lambda ctx: [str(ctx.story(slug="index")), "--out", str(ctx.out)],
                                    ("{tmp}/stories/index:", "'index' is taken", "index.html"))

# --- quotes ------------------------------------------------------------------------------------
CASES["quote-absent"] = story_case(GOOD.replace("arrivé à Khasan", "arrivé à Osaka"), "{toml}", "field stops[1].quote", "not in the article", "closest passage: 'arrivé à Khasan")
CASES["quote-wrong-case"] = story_case(GOOD.replace("Kim a quitté", "kim a quitté"), "{toml}", "field stops[0].quote", "not in the article")
CASES["quote-from-metadata-line"] = story_case(GOOD.replace("arrivé à Khasan", "date 2023-09"), "{toml}", "field stops[1].quote", "not in the article")

# --- the article -------------------------------------------------------------------------------
CASES["article-empty"] = article_case("", "article is empty")
CASES["article-whitespace-only"] = article_case(" \n\t\n  ", "article is empty")
CASES["article-metadata-only"] = article_case("date 2023-09\n", "article is empty")
CASES["article-binary"] = article_case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary")
CASES["article-not-utf8"] = article_case(ARTICLE.encode("latin-1", "replace"), "not UTF-8")
CASES["article-utf16"] = article_case(ARTICLE.encode("utf-16"), "not UTF-8")


def _huge_article(ctx: Ctx) -> list[str]:
    d = ctx.story(GOOD, None)
    with open(d / "article.txt", "wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50_000_000)
    return [str(d), "--out", str(ctx.out)]


CASES["article-50MB"] = Case(_huge_article, ("{article}", "50,000,000 bytes", "limit"))
CASES["article-missing"] = story_case(GOOD, "{article}", "cannot read article", "No such file", article=None)


def _article_is_folder(ctx: Ctx) -> list[str]:
    d = ctx.story(GOOD, None)
    (d / "article.txt").mkdir()
    return [str(d), "--out", str(ctx.out)]


CASES["article-is-a-folder"] = Case(_article_is_folder, ("{article}", "not a regular file"))
CASES["article-climbs-out"] = story_case(TOP + 'article = "../../etc/passwd"\n' + SRC + S1 + S2, "{toml}", "field article", "inside the story folder")
CASES["article-absolute-path"] = story_case(TOP + 'article = "/etc/passwd"\n' + SRC + S1 + S2, "{toml}", "field article", "inside the story folder")
CASES["article-name-empty"] = story_case(TOP + 'article = ""\n' + SRC + S1 + S2, "{toml}", "field article", "empty")
CASES["article-is-the-story-toml"] = story_case(TOP + 'article = "story.toml"\n' + SRC + S1 + S2, "{toml}", "field article", "cannot be story.toml itself")


def _article_symlink_out(ctx: Ctx) -> list[str]:
    outside = ctx.tmp / "outside.txt"
    outside.write_text(ARTICLE, encoding="utf-8")
    d = ctx.story(GOOD, None)
    (d / "article.txt").symlink_to(outside)
    return [str(d), "--out", str(ctx.out)]


CASES["article-symlink-out-of-folder"] = Case(_article_symlink_out, ("{toml}", "field article", "inside the story folder"))

# --- coordinates -------------------------------------------------------------------------------
LL = GOOD + 'source = "OpenStreetMap"\n'
CASES["lat-out-of-range"] = story_case(LL + "lat = 91\nlon = 130.6\n", "{toml}", "field stops[1].lat", "outside -90..90")
CASES["lat-below-range"] = story_case(LL + "lat = -90.0001\nlon = 130.6\n", "{toml}", "field stops[1].lat", "outside -90..90")
CASES["lon-out-of-range"] = story_case(LL + "lat = 42.4\nlon = -181\n", "{toml}", "field stops[1].lon", "outside -180..180")
CASES["lat-nan"] = story_case(LL + "lat = nan\nlon = 130.6\n", "{toml}", "field stops[1].lat", "outside")
CASES["lon-inf"] = story_case(LL + "lat = 42.4\nlon = inf\n", "{toml}", "field stops[1].lon", "outside")
CASES["lat-huge-integer"] = story_case(LL + "lat = " + "9" * 60 + "\nlon = 130.6\n", "{toml}", "field stops[1].lat", "outside")
CASES["lat-without-lon"] = story_case(LL + "lat = 42.4\n", "{toml}", "field stops[1].lon", "together")
CASES["override-without-source"] = story_case(GOOD + "lat = 42.4\nlon = 130.6\n", "{toml}", "field stops[1].source", "needs a source")
CASES["override-blank-source"] = story_case(GOOD + 'lat = 42.4\nlon = 130.6\nsource = "  "\n', "{toml}", "field stops[1].source", "needs a source")

# --- places ------------------------------------------------------------------------------------
CASES["place-unknown"] = story_case(HEAD + S1 + '[[stops]]\nplace = "Xyzzyville"\nquote = "visité Xyzzyville"\n', "{toml}", "field stops[1].place", "unknown place 'Xyzzyville'")
CASES["place-ambiguous-no-hint"] = story_case(HEAD + S1 + '[[stops]]\nplace = "Springfield"\nquote = "allé à Springfield"\n', "{toml}", "field stops[1].place", "ambiguous", "add a country or near hint")
CASES["place-not-in-hinted-country"] = story_case(GOOD + 'country = "JP"\n', "{toml}", "field stops[1].place", "no place 'Khasan' in country JP")
CASES["near-hint-unknown"] = story_case(GOOD + 'near = "Xyzzyville"\n', "{toml}", "field stops[1].near", "unknown place 'Xyzzyville'")
CASES["leg-without-rail-path"] = story_case(HEAD + S1 + '[[stops]]\nplace = "Tokyo"\nquote = "allé à Tokyo"\n', "{toml}", "field stops[1].place", "no rail path from Pyongyang to Tokyo")


# --- story paths and slugs ---------------------------------------------------------------------
def _slug_case(name: str) -> Case:
    def setup(ctx: Ctx) -> list[str]:
        return [str(ctx.story(slug=name)), "--out", str(ctx.out)]
    return Case(setup, ("{tmp}/stories/" + name + ":", "not a valid slug"))


CASES["slug-upper-case-underscore"] = _slug_case("Bad_Slug")
CASES["slug-with-dots"] = _slug_case("..kim")
CASES["slug-dots-inside"] = _slug_case("kim..2023")
CASES["slug-with-space"] = _slug_case("kim 2023")


def _story_dotdot(ctx: Ctx) -> list[str]:
    # `<story>/..` is the stories folder itself, which is no story: refused, naming the file looked for
    d = ctx.story()
    return [str(d / ".."), "--out", str(ctx.out)]


CASES["story-path-dotdot"] = Case(_story_dotdot, (f"{SLUG}/../story.toml", "no story.toml here"))


def _no_story_toml(ctx: Ctx) -> list[str]:
    return [str(ctx.story(toml=None)), "--out", str(ctx.out)]


CASES["story-folder-without-toml"] = Case(_no_story_toml, ("{toml}", "no story.toml here"))


def _toml_is_folder(ctx: Ctx) -> list[str]:
    d = ctx.story(toml=None)
    (d / "story.toml").mkdir()
    return [str(d), "--out", str(ctx.out)]


CASES["story-toml-is-a-folder"] = Case(_toml_is_folder, ("{toml}", "cannot read"))


# --- command-line misuse: exit code 2 -----------------------------------------------------------
def _cli(args: Callable[[Ctx], list[str]], *expect: str) -> Case:
    return Case(args, expect, code=2)


CASES["cli-unknown-option"] = _cli(lambda c: [str(c.seed_dir), "--output", str(c.out)], "No such option", "--out")
CASES["cli-out-without-value"] = _cli(lambda c: [str(c.seed_dir), "--out"], "'--out' requires an argument")
CASES["cli-out-is-a-file"] = _cli(lambda c: [str(c.seed_dir), "--out", str(c.out / "kim-2023-russia.html")], "kim-2023-russia.html", "is a file")
CASES["cli-story-path-does-not-exist"] = _cli(
    lambda c: [str(c.tmp / "stories" / "no-such-story"), "--out", str(c.out)], "no-such-story", "does not exist",
)


# --- the output folder -------------------------------------------------------------------------
def _inside(path, folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    except TypeError:
        return False


def _unwritable(ctx: Ctx) -> list[str]:
    """chmod 0o500 the output folder. As root (as in CI containers) that does not stop writes, so the
    refusal the kernel would give is simulated at the two calls that write into the folder."""
    story = ctx.seed_copy()
    ctx.out.chmod(0o500)
    ctx.cleanups.append(lambda: ctx.out.chmod(0o755))
    try:
        fd, probe = tempfile.mkstemp(dir=ctx.out)
    except PermissionError:
        return [str(story), "--out", str(ctx.out)]  # a real refusal: nothing to simulate
    os.close(fd)
    os.unlink(probe)
    real_mkstemp, real_replace = tempfile.mkstemp, os.replace

    def mkstemp(*a, dir=None, **kw):
        if dir is not None and _inside(dir, ctx.out):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
        return real_mkstemp(*a, dir=dir, **kw)

    def replace(src, dst, **kw):
        if _inside(dst, ctx.out):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))
        return real_replace(src, dst, **kw)

    ctx.monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    ctx.monkeypatch.setattr(os, "replace", replace)
    return [str(story), "--out", str(ctx.out)]


CASES["out-folder-unwritable"] = Case(_unwritable, ("{out}", "Permission denied"))


def _out_under_a_file(ctx: Ctx) -> list[str]:
    return [str(ctx.seed_copy()), "--out", str(ctx.out / "kim-2023-russia.html" / "sub")]


CASES["out-folder-under-a-file"] = Case(_out_under_a_file, ("{out}/kim-2023-russia.html/sub", "Not a directory"))


class _FullDiskFile:
    """A file object that accepts part of a write and then reports the disk full."""

    def __init__(self, real):
        self._real = real

    def write(self, data):
        self._real.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()
        return False


def _fd_in(fd: int, folder: Path) -> bool:
    try:
        return _inside(os.readlink(f"/proc/self/fd/{fd}"), folder)
    except OSError:  # no /proc: the build writes nothing else through os.fdopen
        return True


def _disk_full_on_write(ctx: Ctx) -> list[str]:
    real_fdopen = os.fdopen
    calls = []

    def fdopen(fd, *a, **kw):
        f = real_fdopen(fd, *a, **kw)
        if _fd_in(fd, ctx.out):
            calls.append(fd)
            if len(calls) == 2:  # the first file is written fine, the second hits the full disk
                return _FullDiskFile(f)
        return f

    ctx.monkeypatch.setattr(os, "fdopen", fdopen)
    return [str(ctx.seed_copy()), "--out", str(ctx.out)]


CASES["disk-full-while-writing"] = Case(_disk_full_on_write, ("{out}", "No space left on device"))


def _disk_full_on_fsync(ctx: Ctx) -> list[str]:
    # delayed allocation: a filesystem may accept the write and report ENOSPC only at fsync
    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    ctx.monkeypatch.setattr(os, "fsync", fsync)
    return [str(ctx.seed_copy()), "--out", str(ctx.out)]


CASES["disk-full-at-fsync"] = Case(_disk_full_on_fsync, ("{out}", "No space left on device"))


def _disk_full_on_index(ctx: Ctx) -> list[str]:
    # the story's maps are written fine; the disk fills up while writing the index page
    real_fdopen = os.fdopen

    def fdopen(fd, *a, **kw):
        f = real_fdopen(fd, *a, **kw)
        try:
            name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return f
        return _FullDiskFile(f) if name.startswith(".index.html.") else f

    ctx.monkeypatch.setattr(os, "fdopen", fdopen)
    return [str(ctx.seed_copy()), "--out", str(ctx.out)]


CASES["disk-full-while-writing-the-index"] = Case(
    _disk_full_on_index, ("{out}", "No space left on device"),
)


def _second_rename_fails(ctx: Ctx) -> list[str]:
    real_replace = os.replace
    calls = []

    def replace(src, dst, **kw):
        if _inside(dst, ctx.out):
            calls.append(dst)
            if len(calls) == 2:
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        return real_replace(src, dst, **kw)

    ctx.monkeypatch.setattr(os, "replace", replace)
    return [str(ctx.seed_copy()), "--out", str(ctx.out)]


CASES["rename-of-second-file-fails"] = Case(_second_rename_fails, ("{out}", "Input/output error"))


# --------------------------------------------------------------------------------------------------
# the test


@pytest.mark.parametrize("case", [pytest.param(case, id=name) for name, case in sorted(CASES.items())])
def test_bad_input(case: Case, good_out, seed_dir, tmp_path, monkeypatch):
    out = tmp_path / "maps"
    shutil.copytree(good_out, out)
    before = snapshot(out)
    ctx = Ctx(tmp=tmp_path, out=out, seed_dir=seed_dir, monkeypatch=monkeypatch)
    try:
        args = case.setup(ctx)
        result = CliRunner().invoke(cli, ["build", *args])
    finally:
        monkeypatch.undo()
        for undo in ctx.cleanups:
            undo()

    story = tmp_path / "stories" / SLUG
    names = {"tmp": tmp_path, "toml": story / "story.toml", "article": story / "article.txt", "folder": story, "out": out}
    expect = [e.format(**{k: str(v) for k, v in names.items()}) for e in case.expect]

    # an exception escaping the command would show in CliRunner only as result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{result.output}"
    )
    assert "Traceback" not in result.output
    assert "internal error" not in result.output  # how the build reports an exception it did not expect
    assert result.exit_code == case.code, result.output
    lines = result.output.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, result.output
    if case.code == 1:  # exit 2 comes with click's usage lines; exit 1 is the error line alone
        assert lines == errors, result.output
    line = errors[0]
    assert "[Errno" not in line, line  # the system's words for an OS error, not Python's repr of it
    for e in expect:
        assert e in line, f"{e!r} not in {line!r}"
    assert snapshot(out) == before, "the output folder changed"


# --------------------------------------------------------------------------------------------------
# the sensible side of the path policy: explicit paths with `..` are the user's to give


def test_base_story_of_the_catalogue_builds(tmp_path, make_story):
    """The catalogue's cases are one change away from this story, which builds: each fails for its
    stated reason only."""
    d = make_story(GOOD, ARTICLE, slug=SLUG)
    r = CliRunner().invoke(cli, ["build", str(d), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert {p.name for p in (tmp_path / "o").iterdir()} >= {f"{SLUG}.html", f"{SLUG}.geojson"}


def test_explicit_paths_with_dotdot_are_allowed(tmp_path, seed_dir, monkeypatch):
    shutil.copytree(seed_dir, tmp_path / "stories" / "kim-2023-russia")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    r = CliRunner().invoke(cli, ["build", "../../stories/kim-2023-russia", "--out", "../../elsewhere"])
    assert r.exit_code == 0, r.output
    made = {p.name for p in (tmp_path / "elsewhere").iterdir()}
    assert {"kim-2023-russia.html", "kim-2023-russia.geojson"} <= made
    # nothing was written anywhere else: the slug is the folder's name, never a path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "elsewhere", "stories"]
    assert list((tmp_path / "a" / "b").iterdir()) == []


def test_story_folder_given_as_dot(tmp_path, seed_dir, monkeypatch):
    """`mapgen build .` inside a story folder: the slug is the folder's real name, not "."."""
    story = tmp_path / "stories" / "kim-2023-russia"
    shutil.copytree(seed_dir, story)
    monkeypatch.chdir(story)
    r = CliRunner().invoke(cli, ["build", ".", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "kim-2023-russia.html").is_file()


def test_tab_and_newline_are_allowed_and_an_article_control_character_never_reaches_a_map(make_story, tmp_path):
    """Only tab and newline pass in story.toml; a stray control character in the article (a form feed
    from a PDF, an ESC) becomes a space, so the sentences the map quotes never carry one."""
    article = ARTICLE.replace("Il est arrivé", "Il\x1b[2J est\x0carrivé")
    d = make_story(GOOD + 'note = "one\\ttwo\\nthree"\n', article, slug=SLUG)
    r = CliRunner().invoke(cli, ["build", str(d), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "o" / f"{SLUG}.html").read_text(encoding="utf-8")
    geojson = json.loads((tmp_path / "o" / f"{SLUG}.geojson").read_text(encoding="utf-8"))
    khasan = geojson["features"][1]["properties"]
    assert khasan["note"] == "one\ttwo\nthree"
    assert khasan["sentence"].startswith("Il [2J est arrivé à Khasan")
    assert "[2J" in page
    for text in (page, json.dumps(geojson, ensure_ascii=False)):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
