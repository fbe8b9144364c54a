"""Many articles in one process: what `mapgen extract` reads (files, folders, a JSON Lines stream) and the
per-article function that turns one article into its output records.

`items()` yields the articles one at a time (a file is read when its turn comes), so memory stays flat in
the number of articles. `records(item)` depends on nothing but the item and mapgen's own data (the
gazetteer and language models it opens once per process): a process pool or a Dask cluster can map it over
the items as it is, and the output is the concatenation of its results in the items' order.

Offsets, in and out, are character offsets into the text as given (decoded from UTF-8, before any
normalisation: a CRLF counts two, a decomposed accent two); see `article.SourceText`.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .article import SourceText, read_text
from .errors import MapgenError

STDIN = "-"
SUFFIXES = (".txt", ".text", ".md")  # the files a folder is read for


class CorpusError(MapgenError):
    """An input or a span list that `mapgen extract` cannot read."""


@dataclass(frozen=True)
class Item:
    """One article: `label` is "file" or "id" (the key its output lines carry), `name` the path as given
    (or the stream's id), `text` the text as given, `spans` the [start, end) offsets to resolve (None:
    every place the article names)."""

    label: str
    name: str
    text: str
    spans: tuple[tuple[int, int], ...] | None = None
    where: str = ""  # for errors: the file, or "<stdin>, line N"


def files(inputs: list[str]) -> list[Path]:
    """The article files named: files as given, and the text files of a folder (not recursive), sorted."""
    out = []
    for name in inputs:
        p = Path(name)
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in SUFFIXES)
        elif p.exists():
            out.append(p)
        else:
            raise CorpusError("no such file or folder", where=name)
    return out


def read_spans(path: Path) -> list | dict:
    """A --spans file: a JSON list of [start, end] (one article), or an object naming each article (its
    file as printed, or its id) with such a list."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", where=str(path)) from None
    except ValueError as exc:
        raise CorpusError(f"not JSON: {exc}", where=str(path)) from None
    if not isinstance(data, (list, dict)):
        raise CorpusError("must be a list of [start, end] pairs, or an object of such lists by file or id",
                          where=str(path))
    return data


def check_spans(spans, size: int, *, where: str, field: str) -> tuple[tuple[int, int], ...]:
    """[[start, end], ...] as offsets into a text of `size` characters, or an error naming the bad one."""
    if not isinstance(spans, list):
        raise CorpusError("must be a list of [start, end] pairs", where=where, field=field)
    out = []
    for i, s in enumerate(spans):
        f = f"{field}[{i}]" if field else f"[{i}]"
        if not (isinstance(s, list) and len(s) == 2 and all(type(x) is int for x in s)):
            raise CorpusError(f"{json.dumps(s)[:60]} is not a pair of integers [start, end]", where=where, field=f)
        a, b = s
        if not 0 <= a < b:
            raise CorpusError(f"[{a}, {b}] is not a span: 0 <= start < end", where=where, field=f)
        if b > size:
            raise CorpusError(f"end {b} is past the end of the text ({size} characters)", where=where, field=f)
        out.append((a, b))
    return tuple(out)


def items(inputs: list[str], spans_file: Path | None = None, *, stdin=None) -> Iterator[Item]:
    """The articles of `inputs` (files, folders, or "-" for JSON Lines of {"id", "text"} on standard input,
    each line optionally with "spans"), with their spans from `spans_file` when given."""
    table = read_spans(spans_file) if spans_file is not None else None
    where_spans = str(spans_file) if spans_file is not None else ""
    if STDIN in inputs and len(inputs) > 1:
        raise CorpusError("'-' (a JSON Lines stream on standard input) cannot be mixed with files")
    if isinstance(table, list) and (STDIN in inputs or len(files(inputs)) != 1):
        raise CorpusError("a list of spans is for one article; for several, give an object of lists by file "
                          "or id", where=where_spans)
    if inputs == [STDIN]:
        yield from _stream(stdin if stdin is not None else sys.stdin, table, where_spans)
        return
    for path in files(inputs):
        name = str(path)
        text = read_text(path)
        spans = None
        if table is not None:
            if isinstance(table, list):
                spans = check_spans(table, len(text), where=where_spans, field="")
            elif name in table:
                spans = check_spans(table[name], len(text), where=where_spans, field=json.dumps(name))
            else:
                raise CorpusError(f"no spans for {name!r} (name each article as it is printed in the output's "
                                  "\"file\")", where=where_spans)
        yield Item("file", name, text, spans, where=name)


def _stream(lines, table: dict | None, where_spans: str) -> Iterator[Item]:
    seen = set()
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"<stdin>, line {n}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise CorpusError(f"not JSON: {exc}", where="<stdin>", field=f"line {n}") from None
        if not isinstance(obj, dict):
            raise CorpusError('each line is an object {"id": ..., "text": ...}', where="<stdin>", field=f"line {n}")
        ident, text = obj.get("id"), obj.get("text")
        if not isinstance(ident, (str, int)) or isinstance(ident, bool):
            raise CorpusError("needs an \"id\" (a string or an integer)", where="<stdin>", field=f"line {n}.id")
        if not isinstance(text, str):
            raise CorpusError("needs a \"text\" (a string)", where="<stdin>", field=f"line {n}.text")
        if ident in seen:
            raise CorpusError(f"id {ident!r} was already used", where="<stdin>", field=f"line {n}.id")
        seen.add(ident)
        spans = None
        if "spans" in obj:
            spans = check_spans(obj["spans"], len(text), where="<stdin>", field=f"line {n}.spans")
        elif table is not None:
            if str(ident) not in table:
                raise CorpusError(f"no spans for id {ident!r}", where=where_spans)
            spans = check_spans(table[str(ident)], len(text), where=where_spans, field=json.dumps(str(ident)))
        yield Item("id", ident, text, spans, where=where)


def records(item: Item, *, read: bool = True) -> list[dict]:
    """The output lines of one article: one object per place mention (per span when spans are given),
    each carrying the article's `file` or `id`, offsets into the text as given, the sentence, the place
    chosen and its candidates, and what the sentence says of it (`reading`)."""
    from .extract import extract

    source = SourceText(item.text, path=item.where or str(item.name))
    spans = None
    if item.spans is not None:
        spans, lost = [], []
        for i, (a, b) in enumerate(item.spans):
            span = source.to_article(a, b)
            if span is None:
                lost.append(i)
            spans.append(span)
        if lost:
            i = lost[0]
            raise CorpusError(f"{list(item.spans[i])} holds only space or the metadata line, no article text",
                              where=item.where, field=f"spans[{i}]")
    ex = extract(source.article, read=read, spans=spans)
    out = []
    if spans is None:
        for r in ex.resolved:
            out.append(_record(item, source, ex, r.mention, r))
    else:
        for (a, b), (m, r) in zip(item.spans, ex.spans):
            out.append(_record(item, source, ex, m, r, given=(a, b)))
    return out


def _guarded(item: Item, read: bool = True) -> tuple[list[dict], str | None]:
    """`records` for a worker process: an error comes back as its message (exceptions with keyword
    arguments do not survive pickling)."""
    try:
        return records(item, read=read), None
    except MapgenError as exc:
        return [], str(exc)


def _guarded_batch(batch: list[Item], read: bool = True) -> list[tuple[list[dict], str | None]]:
    return [_guarded(item, read) for item in batch]


# -j N: articles go to the workers in batches of BATCH, and at most WINDOW batches per worker are in flight
# (sent and not yet written), so the input is read as the workers go and memory stays flat in the number
# of articles (multiprocessing's own imap would read the whole input ahead).
BATCH = 2
WINDOW = 4


def run(stream: Iterator[Item], jobs: int = 1, *, read: bool = True) -> Iterator[tuple[Item, list[dict]]]:
    """Each item with its records, in the items' order. With `jobs` > 1 the articles are spread over that
    many worker processes (each opens the gazetteer and language models once); the order of the output is
    still the order of the input. `read=False` skips the language model (`extract(read=False)`): the same
    records, with no parse-based `reading` and without the places only spaCy's entities add. The input is
    read as the work goes, so the first error stops the run after the articles before it are written."""
    if jobs <= 1:
        for item in stream:
            yield item, records(item, read=read)
        return
    import multiprocessing
    from collections import deque
    from itertools import islice

    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding SQLite handles and threads
    with ctx.Pool(jobs) as pool:
        window: deque = deque()
        stream = iter(stream)
        while True:
            while len(window) < WINDOW * jobs:
                batch = list(islice(stream, BATCH))
                if not batch:
                    break
                window.append((batch, pool.apply_async(_guarded_batch, (batch, read))))
            if not window:
                return
            batch, pending = window.popleft()
            for item, (rows, err) in zip(batch, pending.get()):
                if err is not None:
                    raise CorpusError(err)
                yield item, rows


# How many articles a Dask run keeps submitted ahead of the one it is writing: the stream is read as the
# cluster works, so memory stays flat in the number of articles.
DASK_WINDOW = 256


def run_dask(stream: Iterator[Item], address: str, *, read: bool = True) -> Iterator[tuple[Item, list[dict]]]:
    """`run`, on a Dask cluster: the scheduler at `address` (tcp://host:8786), or "local" for a LocalCluster
    of two single-threaded worker processes on this machine. Each worker needs mapgen installed (the
    package carries its data) and opens the gazetteer and language models once; the output order is the
    input's, as with `run`."""
    from collections import deque

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise CorpusError("--dask needs Dask: pip install 'mapgen[dask]'") from None
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
        if address == "local" else None
    try:
        with Client(cluster if cluster is not None else address, set_as_default=False) as client:
            window: deque = deque()
            for item in stream:
                window.append((item, client.submit(_guarded, item, read, pure=False)))
                if len(window) >= DASK_WINDOW:
                    yield _collected(*window.popleft())
            while window:
                yield _collected(*window.popleft())
    except OSError as exc:  # no scheduler at the address
        raise CorpusError(f"cannot reach the Dask scheduler: {exc}", where=address) from None
    finally:
        if cluster is not None:
            cluster.close()


def _collected(item: Item, future) -> tuple[Item, list[dict]]:
    rows, err = future.result()
    if err is not None:
        raise CorpusError(err)
    return item, rows


def _record(item: Item, source: SourceText, ex, m, r, given: tuple[int, int] | None = None) -> dict:
    start, end = given or source.to_given(m.start, m.end)
    a, b = m.sentence
    return {
        item.label: item.name,
        "text": item.text[start:end], "start": start, "end": end,
        "sentence": ex.text[a:b], "adjective": m.adjective, "kind_words": m.kind,
        "place": _place_json(r.place) if r else None, "confidence": r.confidence if r else 0.0,
        "candidates": [dict(_place_json(c.place), score=c.score, why=list(c.why)) for c in r.geocode.candidates]
        if r else [],
        "reading": list(ex.reading(m).cues),  # what its sentence says of it (lang/reader.py)
    }


def _place_json(p) -> dict:
    return {"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country or None, "kind": p.kind,
            "source": p.source, "geonameid": p.geonameid or None}


__all__ = ["Item", "CorpusError", "items", "records", "run", "run_dask", "files", "read_spans", "check_spans"]
