"""The article: its text, its sentences, and exact quotes found in it.

Quotes are matched exactly except that the apostrophes ’ ‘ ʼ and ' count as one character and any run of
whitespace counts as one space, so a quote copied from a web page still matches the stored text.
"""
from __future__ import annotations

import bisect
import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import QuoteNotFound, StoryError

APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4"
# "date 2023-09" (or 2023-09-12) at the very start of the file is metadata, not article text.
_META = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*")
# A sentence ends at . ! ? or … (possibly followed by a closing quote) before whitespace and a capital,
# an opening quote or a digit; paragraph breaks always end one.
# Words written with a full stop that does not end the sentence: "St. Petersburg", "M. Poutine", "Mr. Kim".
_ABBREVIATIONS = frozenset("""
st ste mt ft mr mrs ms dr jr sr gen gov sen rep lt col sgt capt prof rev m mm mme mlle messrs vs no nos
av bd fig approx dept est univ det adm cpl maj supt insp atty msgr pvt cmdr amb pres""".split())
_WORD_BEFORE = re.compile(r"(\w+)$")
_SENTENCE_END = re.compile(r"[.!?\u2026]+(?:\s*[»\"\u201d])?(?=\s+[«\"\u201c(A-Z0-9À-ÖØ-ÞЀ-Я])|\n\s*\n")
# A line with no full stop before a line that starts like a sentence is a heading, a caption or a dateline
# ("Golden Triangle by rail", "Credit: PTI Photo"): it ends there. Not after a comma, a hyphen or a short
# word (or a short capitalised one after a lower-case word), where a hard-wrapped sentence goes on ("the train
# to\nVienna", "à La\nLopé"; "Hue to Hoi An" may end a heading).
_LINE_END = re.compile(r"(?<=[^\s.!?\u2026,\-‐–—(\[])[ \t]*\n(?=[ \t]*[«\"“(A-Z0-9À-ÖØ-ÞЀ-Я])")
_WRAPPED_WORD = re.compile(r"(?:^|\s)[a-zà-ÿ]{1,3}$|(?:^|\s)[a-zà-ÿ'’]+\s[A-ZÀ-Þ][a-zà-ÿ]{0,2}$")
_WRAPPED_LINE = re.compile(r"[^\s.!?\u2026:;]\n[a-zà-ÿ]")
WRAPPED_LINES = 3
MAX_ARTICLE_BYTES = 5_000_000
# C0 and C1 control characters but tab and newline: nothing a text means, and some (NUL, ESC) reach a
# terminal or a parser in the published files
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Match:
    """Where a quote sits in the article, as character offsets into `Article.text`."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class Article:
    text: str
    path: str = "article.txt"
    date: str | None = None  # from the metadata line, e.g. "2023-09"

    @classmethod
    def read(cls, path: Path) -> "Article":
        return cls.parse(read_text(path), path=str(path))

    @classmethod
    def parse(cls, text: str, path: str = "article.txt") -> "Article":
        clean, date, lo, hi = _clean(text)
        if lo >= hi:
            raise StoryError("article is empty", where=path)
        return cls(text=clean[lo:hi], path=path, date=date)

    @cached_property
    def _normalized(self) -> tuple[str, list[int]]:
        return normalize_with_map(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each sentence, leading and trailing space trimmed."""
        spans, start = [], 0
        # (a text hard-wrapped in mid-sentence, a line going on in lower case, has no headings to tell apart)
        wrapped = len(_WRAPPED_LINE.findall(self.text)) >= WRAPPED_LINES
        ends = sorted([*_SENTENCE_END.finditer(self.text), *(
            m for m in (() if wrapped else _LINE_END.finditer(self.text))
            if not _WRAPPED_WORD.search(self.text, max(0, m.start() - 30), m.start()))], key=lambda m: m.start())
        for m in ends:
            if m.start() < start:
                continue  # (a line end inside a sentence end already taken)
            if m.group() == ".":
                w = _WORD_BEFORE.search(self.text, max(0, m.start() - 12), m.start())
                if w and (w.group(1).casefold() in _ABBREVIATIONS or (len(w.group(1)) == 1 and w.group(1).isupper())):
                    continue  # "St. Petersburg", "Cleve R. Wootson", "the U.S. Senate"
            end = m.end() if m.group().strip() else m.start()
            spans.append((start, end))
            start = m.end()
        spans.append((start, len(self.text)))
        out = []
        for a, b in spans:
            seg = self.text[a:b]
            a2 = a + (len(seg) - len(seg.lstrip()))
            b2 = b - (len(seg) - len(seg.rstrip()))
            if b2 > a2:
                out.append((a2, b2))
        return out

    def find(self, quote: str) -> Match | None:
        """Find `quote` in the text; None if absent."""
        needle = normalize(quote)
        if not needle:
            return None
        hay, index = self._normalized
        i = hay.find(needle)
        if i < 0:
            return None
        start = index[i]
        end = index[i + len(needle) - 1] + 1
        s0 = max((a for a, b in self.sentences if a <= start), default=0)
        s1 = min((b for a, b in self.sentences if b >= end), default=len(self.text))
        return Match(start, end, s0, s1)

    def locate(self, quote: str, *, where: str, field: str) -> Match:
        """Like `find`, but a missing quote is an error that shows the closest passage."""
        m = self.find(quote)
        if m is None:
            hint = self.closest_passage(quote)
            shown = quote if len(quote) <= 200 else quote[:199] + "…"
            msg = f"quote {shown!r} is not in the article"
            if hint:
                msg += f"; closest passage: {hint!r}"
            raise QuoteNotFound(msg, where=where, field=field)
        return m

    def closest_passage(self, quote: str, width: int = 120) -> str:
        """The stretch of the article most like `quote` (for error messages); "" if nothing is close."""
        needle = normalize(quote)
        if not needle:
            return ""
        hay, _ = self._normalized
        # Shortlist sentences cheaply, then slide a quote-sized window over the best few.
        sents = [normalize(self.text[a:b]) for a, b in self.sentences]
        words = {w for w in re.findall(r"\w+", needle.casefold()) if len(w) > 2}
        shortlist = sorted(
            sents,
            key=lambda s: (
                -len(words & set(re.findall(r"\w+", s.casefold()))),
                -difflib.SequenceMatcher(None, needle, s, autojunk=False).quick_ratio(),
            ),
        )[:5]
        best, best_score = "", 0.0
        for sent in shortlist:
            starts = [0] + [m.end() for m in re.finditer(r" ", sent)]
            for a in starts:
                stop = sent.find(" ", a + len(needle) - 1)
                window = sent[a : stop if stop > 0 else len(sent)]
                score = difflib.SequenceMatcher(None, needle, window, autojunk=False).ratio()
                if score > best_score:
                    best_score, best = score, window
        if best_score < 0.4:
            return ""
        return best if len(best) <= width else best[: width - 1] + "…"


def read_text(path: Path) -> str:
    """The decoded text of an article file (UTF-8, a byte-order mark dropped), within the size limit."""
    if path.exists() and not path.is_file():  # a folder, or a FIFO that would block the read
        raise StoryError("article is not a regular file", where=str(path))
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_ARTICLE_BYTES:  # checked before reading: never load a huge file
                raise StoryError(
                    f"article is {size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,}", where=str(path)
                )
            raw = f.read(MAX_ARTICLE_BYTES + 1)  # a file that grows (or a FIFO) is still bounded
    except OSError as exc:
        raise StoryError(f"cannot read article: {exc.strerror or exc}", where=str(path)) from None
    if len(raw) > MAX_ARTICLE_BYTES:
        raise StoryError(f"article is over the limit of {MAX_ARTICLE_BYTES:,} bytes", where=str(path))
    if b"\x00" in raw:
        raise StoryError("article is binary (or UTF-16), not UTF-8 text", where=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoryError(f"article is not UTF-8 (byte {exc.start})", where=str(path)) from None


def _clean(text: str) -> tuple[str, str | None, int, int]:
    """What `Article.parse` makes of a text: the normalised text (CRLF as LF, NFC, control characters as
    spaces), the date of a metadata line, and where the article's own text lies in it ([lo:hi], the
    metadata line and surrounding space left out)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    text = CONTROL.sub(" ", text)  # a stray form feed or ESC: a space (offsets stay as they are)
    date, lo = None, 0
    m = _META.match(text)
    if m:
        date, lo = m.group(1), m.end()
    hi = len(text)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return text, date, lo, hi


class SourceText:
    """An article as it was given (its decoded text, before any normalisation) and the `Article` made of
    it, with the map between their character offsets: offsets given by or to the user (`mapgen extract
    --spans`, its output) are into the given text; mapgen works on `Article.text`, where CRLF is one
    character, combining accents are composed (NFC) and a metadata line and surrounding space are gone.

    The map is kept as segments (article start, given start, article length, given length): equal lengths
    map one to one; a composed character is a segment of one article character for several given ones."""

    def __init__(self, given: str, path: str = "article.txt"):
        self.given = given
        self.article = Article.parse(given, path=path)
        clean, _, lo, _ = _clean(given)
        segs: list[tuple[int, int, int, int]] = []  # (clean start, given start, clean length, given length)
        out = 0
        i, n = 0, len(given)
        while i < n:
            if given[i] == "\r" and given.startswith("\n", i + 1):
                i += 1  # CRLF: the LF stands for both
                continue
            j = i + 1
            while j < n and unicodedata.combining(given[j]):
                j += 1
            piece = given[i:j]
            composed = unicodedata.normalize("NFC", piece)
            if composed == piece:
                if segs and segs[-1][2] == segs[-1][3] and segs[-1][0] + segs[-1][2] == out \
                        and segs[-1][1] + segs[-1][3] == i:
                    a, g, la, _ = segs[-1]
                    segs[-1] = (a, g, la + len(piece), la + len(piece))
                else:
                    segs.append((out, i, len(piece), len(piece)))
            else:
                segs.append((out, i, len(composed), len(piece)))
            out += len(composed)
            i = j
        if out != len(clean):  # composition across base characters (Hangul jamo): one segment for all
            segs = [(0, 0, len(clean), n)]
        self._segs = [(a - lo, g, la, lg) for a, g, la, lg in segs]
        self._art = [s[0] for s in self._segs]
        self._given = [s[1] for s in self._segs]

    def to_given(self, start: int, end: int) -> tuple[int, int]:
        """A span of `article.text` as offsets into the given text."""
        def at(k: int, last: bool) -> int:
            i = max(0, bisect.bisect_right(self._art, k) - 1)
            a, g, la, lg = self._segs[i]
            if la == lg:
                return g + (k - a) + (1 if last else 0)
            return g + lg if last else g
        return at(start, False), at(end - 1, True) if end > start else at(start, False)

    def to_article(self, start: int, end: int) -> tuple[int, int] | None:
        """A span of the given text as offsets into `article.text` (a composed character is taken whole);
        None when nothing of the article's own text lies in it (only space, or the metadata line)."""
        def at(k: int, is_end: bool) -> int:
            i = bisect.bisect_right(self._given, k) - 1
            if i < 0:
                return self._segs[0][0]
            a, g, la, lg = self._segs[i]
            if k >= g + lg:
                return a + la
            if la == lg:
                return a + (k - g)
            return a + la if is_end and k > g else a
        size = len(self.article.text)
        a, b = max(0, at(start, False)), min(size, at(end, True))
        return (a, b) if a < b else None


def normalize(text: str) -> str:
    return normalize_with_map(text)[0]


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Fold apostrophes and whitespace runs; return the folded text and, per folded character, the
    offset of the original character it came from."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        out.append("'" if ch in APOSTROPHES else ch)
        index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index
