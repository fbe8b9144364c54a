"""What spaCy's named entities add to mapgen's dictionary lookup of place names, measured on GeoWebNews.

    .venv/bin/python bench/entities.py [PATH/TO/GWN.xml] [--split dev|test|all]

For each article (English; split as in bench/geowebnews.py: even file numbers dev, odd test), three sets of
mentions are compared against the gold annotations:

  * lookup: `find_mentions` (the dictionary lookup alone);
  * union: lookup plus `entity_mentions` (spaCy GPE/LOC/FAC entities the lookup missed, kept when the
    gazetteer knows the name), as `mapgen extract` and `mapgen new` use them;
  * union without people: the union minus single-word lookup mentions of small towns (under 100,000) that
    spaCy tags as a person ("Cooper", "Laurent"): a filter tried, not used unless it pays.

recall: share of gold toponyms with coordinates that a mention overlaps; precision: share of mentions that
overlap a gold annotation of a toponym (any type but Non_Toponym, Homonym and Language); placed: share of
gold toponyms overlapped by a mention resolved within 161 km. Exits 0 with a message when the file is absent.
"""
from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mapgen.article import Article  # noqa: E402
from mapgen.extract import entity_mentions, find_mentions, resolve  # noqa: E402
from mapgen.gazetteer import Gazetteer, distance_km  # noqa: E402

NOT_TOPONYMS = {"Non_Toponym", "Homonym", "Language"}


def default_path() -> Path | None:
    for parent in ROOT.parents:
        p = parent / "shared" / "eval-data" / "GWN.xml"
        if p.exists():
            return p
    return None


def load(path: Path):
    out = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        spans, gold = [], []
        for t in art.iter("toponym"):
            d = {c.tag: c.text for c in t}
            start, end = int(d["start"]), int(d["end"])
            if text[start:end] != d["extractedName"]:
                continue
            spans.append((start, end, d.get("type")))
            if d.get("latitude") is not None:
                gold.append((start, end, float(d["latitude"]), float(d["longitude"])))
        out.append((int(art.get("file")), text, spans, gold))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=None)
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    args = ap.parse_args(argv)
    path = args.path or default_path()
    if path is None or not path.exists():
        print("GeoWebNews not found (../shared/eval-data/GWN.xml); skipping")
        return 0
    from mapgen.lang.reader import reader

    rd = reader("en")
    gaz = Gazetteer.open()
    articles = load(path)
    if args.split != "all":
        articles = [a for a in articles if a[0] % 2 == (1 if args.split == "test" else 0)]
    names = ("lookup", "union", "union without people")
    tally = {n: [0, 0, 0, 0] for n in names}  # found gold, placed gold, correct mentions, mentions
    total = 0
    t0 = time.perf_counter()
    for fid, text, spans, gold in articles:
        if not gold:
            continue
        article = Article(text=text, path=f"GWN {fid}")
        lookup = [m for m in find_mentions(article, gaz) if not m.adjective]
        parsed = rd.parse(text, article.sentences)
        union = lookup + entity_mentions(article, parsed, lookup, gaz, rd)
        people = set()
        for off, doc in parsed.blocks:
            for ent in doc.ents:
                if ent.label_ in rd.people_labels:
                    people.add((off + ent.start_char, off + ent.end_char))
        resolved = {(r.mention.start, r.mention.end): r for r in resolve(article, union, gaz)}

        def small_person(m) -> bool:
            r = resolved.get((m.start, m.end))
            return (" " not in m.text and r is not None and r.place.kind == "city" and r.place.population < 100_000
                    and any(a <= m.start and m.end <= b for a, b in people))

        sets = {"lookup": lookup, "union": union, "union without people": [m for m in union if not small_person(m)]}
        total += len(gold)
        for n, ms in sets.items():
            t = tally[n]
            for a, b, lat, lon in gold:
                hit = [m for m in ms if m.start < b and a < m.end]
                if hit:
                    t[0] += 1
                    if any((r := resolved.get((m.start, m.end))) is not None and
                           distance_km(lat, lon, r.place.lat, r.place.lon) <= 161 for m in hit):
                        t[1] += 1
            for m in ms:
                t[3] += 1
                t[2] += any(m.start < b and a < m.end and kind not in NOT_TOPONYMS for a, b, kind in spans)
    print(f"GeoWebNews {args.split}: {total} gold toponyms with coordinates, {time.perf_counter() - t0:.0f} s")
    print(f"  {'mentions':<22} {'recall':>7} {'precision':>9} {'placed':>7} {'mentions':>9}")
    for n in names:
        f, p, c, m = tally[n]
        print(f"  {n:<22} {100 * f / total:6.1f}% {100 * c / max(m, 1):8.1f}% {100 * p / total:6.1f}% {m:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
