"""How often `mapgen new` gets a published rail-journey text right with no edits (issue 9).

    .venv/bin/python bench/journeys.py [--split dev|test|all] [--json] [--details] [--data PATH]
    .venv/bin/python bench/journeys.py --data ../journeys2 --split dev2      # a second corpus, its own split
    .venv/bin/python bench/journeys.py --tuning                              # dev + dev2, the parts tuned on

Reads ../shared/eval-data/journeys/ (texts and expected.toml; found beside the repository or one of its
parents, or at $MAPGEN_JOURNEYS or --data; never copied into the repository) and, for each text of the
split (bench/journeys_split.toml, fixed before any text was read; for another corpus the `split.toml` in its
folder, or --split-file), runs `mapgen new` and then `mapgen build` in a temporary project, through the CLI
in this process, with no edits. A split file holds one list of slugs per part; a part whose name starts with
"test" is held out. The second corpus (`journeys2/`: texts, expected.toml and split.toml with parts dev2 and
test2) is found the same way, beside the repository or one of its parents, or at $MAPGEN_JOURNEYS2.
Then it scores:

  * fully right (the issue's definition): every required stop proposed within its tolerance and in order, no
    `not_stops`, the build succeeds, and every leg stays in the countries the expected answer allows;
  * fully right, strict: the same, and nothing proposed that is not a required or optional stop (no other
    place named in the text, no stop twice);
  * stop recall (required stops found within tolerance) and stop precision (proposed stops that are a
    required or an optional one), summed over the texts;
  * order errors: matched stops out of order (matched minus the longest run in order);
  * `not_stops` proposed, build success, countries allowed, non-rail legs written with the right mode;
  * the wrong ones by cause (see CAUSES);
  * REVIEW calibration: the share of correct proposed stops marked `# REVIEW`, and of wrong ones;
  * missed stops offered as commented-out [[stops]] blocks, ready to uncomment;
  * seconds `mapgen new` takes per text (the first one includes loading the gazetteer and models).

Optional stops and not_stops are given by name only: a proposed stop is one of them when it has that name
(as written or as the gazetteer calls it, in a country of the journey and within 150 km of where the gazetteer puts that name near
the expected stops) or lies within 30 km (15 for not_stops) of that point. A stop with a not_stop's name
is a not_stop even when it lies within a required stop's tolerance ("Pasadena" is not "Los Angeles"),
unless it also bears that required stop's name. A place the expected answer lists twice (a round trip) is
matched twice, each proposal to the next of its visits after the last stop matched; a place proposed twice that
the answer lists once is "a stop proposed twice".

A held-out part (test, test2) is only scored: for it this prints per-text summary numbers and never a stop
name or a line of text; --details (stop by stop) and --only work on the tuned parts only. Exits 0 with a message when the folder is
absent.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from typing import NamedTuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SPLIT = ROOT / "bench" / "journeys_split.toml"
OPTIONAL_KM = 30.0
NOT_STOP_KM = 15.0
SAME_STOP_KM = 1.0  # expected stops this close are one place listed twice (a journey that goes back to it)
NAME_KM = 150.0  # an optional or not_stop given by name: the same name this far from where it should be is another place

CAUSES = {
    "missed: not found": "a required stop that extract does not find at all",
    "missed: placed elsewhere": "a required stop extract finds but places out of tolerance",
    "missed: not proposed": "a required stop found and placed right, but not proposed",
    "wrong: not_stop": "a place the expected answer says is no stop, proposed",
    "wrong: misplaced": "a stop of the journey, proposed at the wrong place",
    "wrong: extra": "another place named in the text, proposed",
    "wrong: duplicate": "a stop proposed twice",
}


def find_data(explicit: Path | None, *, second: bool = False) -> Path | None:
    """The corpus folder: `explicit`, else $MAPGEN_JOURNEYS (or $MAPGEN_JOURNEYS2 for the second corpus),
    else the first one found beside the repository or one of its parents (a folder with an expected.toml)."""
    if explicit is not None:
        return explicit if explicit.exists() else None
    env = "MAPGEN_JOURNEYS2" if second else "MAPGEN_JOURNEYS"
    if os.environ.get(env):
        p = Path(os.environ[env])
        return p if p.exists() else None
    for parent in ROOT.parents:
        p = parent / "journeys2" if second else parent / "shared" / "eval-data" / "journeys"
        if (p / "expected.toml").exists():
            return p
    return None


def read_split(data: Path, split_file: Path | None = None) -> dict[str, list[str]]:
    """The parts of a corpus: `split_file`, else the folder's own split.toml, else bench/journeys_split.toml.
    Every list of slugs in the file is a part (other keys, such as the rule, are not)."""
    path = split_file or (data / "split.toml" if (data / "split.toml").exists() else SPLIT)
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return {k: list(v) for k, v in doc.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}


def held_out(part: str) -> bool:
    """A part only scored, never read: test, test2."""
    return part.startswith("test")


def _lis(seq: list[int]) -> int:
    """Length of the longest strictly increasing subsequence."""
    import bisect

    tails: list[int] = []
    for x in seq:
        k = bisect.bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)


def _blocks(toml_text: str) -> tuple[list[list[str]], list[list[str]]]:
    """The [[stops]] blocks of a story.toml, as lines: (written ones, commented-out ones)."""
    written, commented, cur, prev = [], [], None, ""
    for line in toml_text.splitlines():
        s = line.strip()
        if s == "[[stops]]":
            cur = []
            written.append(cur)
        elif re.fullmatch(r"#\s*\[\[stops\]\]", s):
            cur = [prev]  # the line before says why it was not proposed: "# London (city, GB): no travel cue"
            commented.append(cur)
        elif s.startswith("[") and not s.startswith("[["):
            cur = None
        elif cur is not None:
            cur.append(s)
        prev = s
    return written, commented


def _commented_places(blocks: list[list[str]]) -> list[dict]:
    out = []
    for b in blocks:
        d = {}
        why = re.match(r"#.*\):\s*(.+)$", b[0]) if b else None
        if why:
            d["why"] = why.group(1)
        for line in b:
            m = re.match(r"#\s*(place|lat|lon|country)\s*=\s*(.+?)\s*$", line)
            if m:
                try:
                    d[m.group(1)] = tomllib.loads(f"v = {m.group(2)}")["v"]
                except tomllib.TOMLDecodeError:
                    pass
        if "place" in d:
            out.append(d)
    return out


def run_text(slug: str, text_path: Path, workdir: Path, gazetteer) -> dict:
    """`mapgen new` then `mapgen build` on one text; what they wrote and where the stops are."""
    from click.testing import CliRunner

    from mapgen.cli import cli
    from mapgen.errors import MapgenError
    from mapgen.geocode import geocode_story
    from mapgen.story import load_story

    runner = CliRunner()
    stories = workdir / "stories"
    t0 = time.perf_counter()
    r = runner.invoke(cli, ["new", slug, "--article", str(text_path), "--stories", str(stories)])
    new_s = time.perf_counter() - t0
    out = {"new_ok": r.exit_code == 0, "new_seconds": round(new_s, 2), "new_output": r.output}
    toml_path = stories / slug / "story.toml"
    if r.exit_code != 0 or not toml_path.exists():
        out.update(build_ok=False, stops=[], commented=[], legs=[], build_output="")
        return out
    text = toml_path.read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    written, commented = _blocks(text)
    raw_stops = doc.get("stops", [])
    out["title"] = doc.get("title", "")
    flags = ["# REVIEW" in " ".join(b) for b in written]
    notes = [[line.split("REVIEW:", 1)[1].strip() for line in b if line.startswith("# REVIEW:")] for b in written]
    # the story's own comments on each stop, minus its header and the other candidates: why it was proposed
    def _head(b):  # the comment lines above `place = ...`
        return b[:next((k for k, line in enumerate(b) if not line.startswith("#")), len(b))]
    whys = [[re.sub(r"joins .+? to .+?:", "joins A to B:", line[1:].replace("REVIEW:", "").strip())
             for line in _head(b)[1:] if "other candidates" not in line] for b in written]
    maps = workdir / "maps"
    r = runner.invoke(cli, ["build", str(stories / slug), "--out", str(maps)])
    out["build_ok"] = r.exit_code == 0
    out["build_output"] = r.output.strip()[-300:]
    points, legs = [], []
    if out["build_ok"]:
        geo = json.loads((maps / f"{slug}.geojson").read_text(encoding="utf-8"))
        for f in geo["features"]:
            p = f["properties"]
            if p.get("kind") == "stop":
                lon, lat = f["geometry"]["coordinates"]
                points.append((p["order"], lat, lon, p.get("place_name") or p["name"], p.get("country")))
            elif p.get("kind") == "leg":
                legs.append({"countries": p.get("countries", []), "mode": p.get("mode", "rail")})
        points.sort()
    else:  # where the stops would be: each stop geocoded as the build does, leniently
        try:
            story = load_story(toml_path)
            located = geocode_story(story, gazetteer)
            points = [(k + 1, loc.lat, loc.lon, loc.name, loc.country) for k, loc in enumerate(located)
                      if not loc.stop.via]
        except MapgenError:
            points = []
            for k, s in enumerate(x for x in raw_stops if not x.get("via")):
                try:
                    g = gazetteer.geocode(s["place"], country=s.get("country"), strict=False, loose=True)
                    points.append((k + 1, g.place.lat, g.place.lon, g.place.name, g.place.country))
                except MapgenError:
                    points.append((k + 1, None, None, s["place"], None))
    real = [(s, fl, nt, wy) for s, fl, nt, wy in zip(raw_stops, flags, notes, whys) if not s.get("via")]
    out["stops"] = [
        {"place": s["place"], "mode": s.get("mode", "rail"), "review": fl, "review_notes": nt, "why": wy,
         "lat": pt[1], "lon": pt[2], "gazetteer_name": pt[3], "country": pt[4]}
        for (s, fl, nt, wy), pt in zip(real, points)
    ]
    out["commented"] = _commented_places(commented)
    out["legs"] = legs
    return out


class Point(NamedTuple):
    """Where an expected optional stop or not_stop is, as its entry gives it."""

    lat: float
    lon: float
    country: str | None = None
    km: float | None = None


def _name_keys(*names: str) -> set[str]:
    from mapgen.gazetteer import name_key, query_forms

    keys = set()
    for n in names:
        if n:
            keys.add(name_key(n))
            keys.update(k for k, _ in query_forms(n))
    return keys


TITLE_SHARE = 0.6  # a title is the page's when it has this share of the page title's words


def score_text(exp: dict, res: dict, text: str, gazetteer) -> dict:
    """Compare one text's proposal with its expected answer."""
    from mapgen.errors import MapgenError
    from mapgen.extract import extract
    from mapgen.gazetteer import Context, distance_km

    required = exp["stops"]
    countries = set(exp["countries"])
    ctx = Context(countries=countries, points=[(s["lat"], s["lon"]) for s in required])

    def where(name: str):
        try:
            return gazetteer.geocode(name, context=ctx, strict=False, loose=True).place
        except MapgenError:
            return None

    def entry(e):
        """An optional stop or not_stop: a name (first corpus), or a table with its name and point (second)."""
        if isinstance(e, dict):
            return e["name"], Point(e["lat"], e["lon"], None, e.get("km"))
        return e, where(e)

    # an optional stop is on the journey: a name the gazetteer puts outside its countries is unknown to it
    optional = [(n, p if p is None or not p.country or p.country in countries else None)
                for n, p in map(entry, exp.get("optional", []))]
    not_stops = [entry(e) for e in exp.get("not_stops", [])]
    modes = {k: ("sea" if v == "boat" else v) for k, v in exp.get("modes", {}).items()}

    def near(s, lat, lon, km):
        return lat is not None and distance_km(s["lat"], s["lon"], lat, lon) <= km

    def by_name(prop, name, place):
        """The proposal has that name, in a country of the journey, not far from where the gazetteer puts
        that name near the journey (Blue River, Colorado is not the Blue River of a Canadian journey)."""
        if not _name_keys(prop["place"], prop["gazetteer_name"]) & _name_keys(name):
            return False
        if prop["country"] and prop["country"] not in countries:
            return False
        return place is None or prop["lat"] is None or \
            distance_km(place.lat, place.lon, prop["lat"], prop["lon"]) <= NAME_KM

    def by_place(prop, place, km):
        km = max(km, getattr(place, "km", None) or 0)  # the tolerance an entry gives, if larger
        return place is not None and prop["lat"] is not None and \
            distance_km(place.lat, place.lon, prop["lat"], prop["lon"]) <= km

    matched: dict[int, int] = {}  # proposal index -> required index
    verdicts = []
    for i, prop in enumerate(res["stops"]):
        hits = [k for k, s in enumerate(required) if near(s, prop["lat"], prop["lon"], s["km"])]
        free = [k for k in hits if k not in matched.values()]
        same_name = [k for k, s in enumerate(required) if _name_keys(prop["place"]) & _name_keys(s["name"])]
        nots = [n for n, p in not_stops if by_name(prop, n, p)]
        if nots and not (set(same_name) & set(hits)):
            verdicts.append(("wrong: not_stop", nots[0]))  # "Pasadena" is no stop, though 11 km from L.A.
        elif free:
            k = min(free, key=lambda k: distance_km(required[k]["lat"], required[k]["lon"], prop["lat"], prop["lon"]))
            # a place the journey visits twice is listed twice: of its free visits, the next one after the
            # last stop matched, so that "Perth ... Perth" matches the first and the last in order
            twins = [j for j in free if distance_km(required[j]["lat"], required[j]["lon"],
                                                    required[k]["lat"], required[k]["lon"]) < SAME_STOP_KM]
            if len(twins) > 1:
                last = matched[max(matched)] if matched else -1
                k = min((j for j in twins if j > last), default=min(twins))
            matched[i] = k
            verdicts.append(("required", required[k]["name"]))
        elif hits:
            verdicts.append(("wrong: duplicate", required[hits[0]]["name"]))
        elif any(by_name(prop, n, p) or by_place(prop, p, OPTIONAL_KM) for n, p in optional):
            verdicts.append(("optional", next(n for n, p in optional if by_name(prop, n, p) or
                                              by_place(prop, p, OPTIONAL_KM))))
        elif any(by_place(prop, p, NOT_STOP_KM) for n, p in not_stops):
            verdicts.append(("wrong: not_stop", next(n for n, p in not_stops if by_place(prop, p, NOT_STOP_KM))))
        elif same_name:
            verdicts.append(("wrong: misplaced", required[same_name[0]]["name"]))
        else:
            verdicts.append(("wrong: extra", None))
    seq = [matched[i] for i in sorted(matched)]
    order_errors = len(seq) - _lis(seq)
    found = set(matched.values())
    # why each missed required stop was missed
    ex = extract(text, gazetteer)
    causes = {k: 0 for k in CAUSES}
    why_not: Counter = Counter()
    missed = []
    for k, s in enumerate(required):
        if k in found:
            continue
        placed = any(near(s, r.place.lat, r.place.lon, s["km"]) for r in ex.resolved)
        cand = any(near(s, c.place.lat, c.place.lon, s["km"]) for r in ex.resolved for c in r.geocode.candidates)
        named_it = any(_name_keys(r.mention.text) & _name_keys(s["name"]) for r in ex.resolved)
        cause = ("missed: not proposed" if placed else
                 "missed: placed elsewhere" if cand or named_it else "missed: not found")
        causes[cause] += 1
        offers = [c for c in res["commented"]
                  if (near(s, c.get("lat"), c.get("lon"), s["km"]) if c.get("lat") is not None else
                      bool(_name_keys(c["place"]) & _name_keys(s["name"])))]
        offered = bool(offers)
        if cause == "missed: not proposed":  # the story's reason, counted over a part (no text shown)
            why_not[offers[0].get("why", "?") if offers else "not offered (dropped after reading)"] += 1
        missed.append((s["name"], cause, offered))
    why_wrong: Counter = Counter()  # the story's comments on the wrong ones, counted over a part
    for (v, _), prop in zip(verdicts, res["stops"]):
        if v.startswith("wrong"):
            causes[v] += 1
            for w in prop.get("why") or ["(no comment: clearly cued)"]:
                why_wrong[w] += 1
    mode_errors = 0
    for i, k in matched.items():
        want = modes.get(required[k]["name"], "rail")
        if i > 0 and res["stops"][i]["mode"] != want:
            mode_errors += 1
    crossed = {c for leg in res["legs"] for c in leg["countries"]}
    countries_ok = res["build_ok"] and crossed <= countries
    wrong = [v for v, _ in verdicts if v.startswith("wrong")]
    correct = [res["stops"][i]["review"] for i, (v, _) in enumerate(verdicts) if not v.startswith("wrong")]
    flagged_wrong = [res["stops"][i]["review"] for i, (v, _) in enumerate(verdicts) if v.startswith("wrong")]
    # the definition: every required stop, in order, within tolerance; no not_stops; the build
    # succeeds; countries allowed. Strict: nothing else proposed either (no other place, no stop twice).
    not_stops = sum(v == "wrong: not_stop" for v in wrong)
    fully = (len(found) == len(required) and order_errors == 0 and not not_stops and res["build_ok"]
             and countries_ok)
    # the story's title against the page's (when the labels give one the stored text holds): most of its words
    page_title = exp.get("title", "")
    title_scored = bool(page_title) and "reconstructed" not in page_title and "no title" not in page_title
    want = set(re.findall(r"\w+", page_title.casefold()))
    title_right = title_scored and len(want & set(re.findall(r"\w+", res.get("title", "").casefold()))) >= \
        TITLE_SHARE * len(want)
    return {
        "title_scored": title_scored, "title_right": title_right,
        "fully_right": fully,
        "fully_right_strict": fully and not wrong,
        "required": len(required), "found": len(found), "proposed": len(res["stops"]),
        "correct": len(correct), "order_errors": order_errors,
        "not_stops": not_stops,
        "build_ok": res["build_ok"], "countries_ok": countries_ok,
        "countries_outside": sorted(crossed - countries),
        "mode_errors": mode_errors,
        "causes": causes,
        "review_correct": sum(correct), "review_wrong": sum(flagged_wrong),
        "missed": len(missed), "missed_offered": sum(o for _, _, o in missed),
        "why_not_proposed": dict(why_not), "why_wrong": dict(why_wrong),
        "new_seconds": res["new_seconds"],
        "_verdicts": verdicts, "_missed": missed,
    }


def evaluate(data: Path, slugs: list[str], *, progress=None) -> dict:
    from mapgen.gazetteer import Gazetteer

    expected = tomllib.loads((data / "expected.toml").read_text(encoding="utf-8"))
    gazetteer = Gazetteer.open()
    per = {}
    for slug in slugs:
        text_path = data / f"{slug}.txt"
        with tempfile.TemporaryDirectory(prefix="mapgen-journeys-") as tmp:
            res = run_text(slug, text_path, Path(tmp), gazetteer)
        sc = score_text(expected[slug], res, text_path.read_text(encoding="utf-8"), gazetteer)
        sc["language"] = expected[slug]["language"]
        sc["_result"] = res
        per[slug] = sc
        if progress:
            progress(slug, sc)
    return {"texts": per, "total": totals(per)}


def mentions(text: str, gazetteer, names: set[str] | None = None) -> list[str]:
    """Mention by mention, what the language layer read and what that is worth as a stop (journey.mention_score):
    which cue or structure proposed or dropped each place. Tuned parts only (it quotes no text, but names
    places). `names`: only mentions of these places (name keys), else all."""
    from mapgen.extract import extract
    from mapgen.journey import mention_score

    ex = extract(text, gazetteer)
    out = []
    for r in ex.resolved:
        if names is not None and not (_name_keys(r.mention.text, r.place.name) & names):
            continue
        rd = ex.reading(r.mention)
        score, dep = mention_score(rd, r.place, r.mention)
        flags = [f for f in ("negated", "modal", "conditional", "future", "hypothetical", "counterfactual",
                             "compared", "other_trip", "extension", "actor", "station", "determiner", "conjunct",
                             "person", "travel", "sentence_travel") if getattr(rd, f)]
        out.append(f"@{r.mention.start:<6} {r.mention.text!r} -> {r.place.name} ({r.place.kind}, {r.place.country}) "
                   f"role {rd.role} gov {rd.governor!r} traveller {rd.traveller} mode {rd.mode} "
                   f"score {score:.2f}{' DEP' if dep else ''} [{' '.join(flags)}] cues {','.join(rd.cues)}")
    return out


def _progress(slug: str, sc: dict) -> None:
    print(f"  done {slug} (new {sc['new_seconds']} s)", file=sys.stderr, flush=True)


def totals(per: dict) -> dict:
    n = len(per)
    req = sum(s["required"] for s in per.values())
    prop = sum(s["proposed"] for s in per.values())
    correct = sum(s["correct"] for s in per.values())
    wrong = prop - correct
    causes = {k: sum(s["causes"][k] for s in per.values()) for k in CAUSES}
    secs = [s["new_seconds"] for s in per.values()]
    missed = sum(s["missed"] for s in per.values())

    def share(a, b):
        return round(a / b, 4) if b else None

    return {
        "texts": n,
        "fully_right": sum(s["fully_right"] for s in per.values()),
        "fully_right_share": share(sum(s["fully_right"] for s in per.values()), n),
        "fully_right_strict": sum(s["fully_right_strict"] for s in per.values()),
        "titles_scored": sum(s.get("title_scored", False) for s in per.values()),
        "titles_right": sum(s.get("title_right", False) for s in per.values()),
        "fully_right_strict_share": share(sum(s["fully_right_strict"] for s in per.values()), n),
        "stop_recall": share(sum(s["found"] for s in per.values()), req),
        "stop_precision": share(correct, prop),
        "required_stops": req, "proposed_stops": prop,
        "order_errors": sum(s["order_errors"] for s in per.values()),
        "not_stops_proposed": sum(s["not_stops"] for s in per.values()),
        "build_ok": sum(s["build_ok"] for s in per.values()),
        "countries_ok": sum(s["countries_ok"] for s in per.values()),
        "mode_errors": sum(s["mode_errors"] for s in per.values()),
        "causes": causes,
        "review_of_correct": share(sum(s["review_correct"] for s in per.values()), correct),
        "review_of_wrong": share(sum(s["review_wrong"] for s in per.values()), wrong),
        "missed_offered_commented": share(sum(s["missed_offered"] for s in per.values()), missed),
        "why_not_proposed": dict(sum((Counter(s["why_not_proposed"]) for s in per.values()), Counter())
                                 .most_common()),
        "why_wrong": dict(sum((Counter(s["why_wrong"]) for s in per.values()), Counter()).most_common()),
        "new_seconds_median": round(statistics.median(secs), 2) if secs else None,
        "new_seconds_max": max(secs) if secs else None,
        "new_seconds_first": secs[0] if secs else None,
    }


def _public(sc: dict) -> dict:
    return {k: v for k, v in sc.items() if not k.startswith("_")}


def print_table(title: str, res: dict, *, details: bool, mention_lines: dict | None = None) -> None:
    t = res["total"]
    print(f"\n{title}: {t['texts']} texts")
    print(f"  {'text':<44} {'lang':<4} {'right':<6} {'recall':>7} {'prec.':>6} {'order':>5} {'not_st':>6} "
          f"{'build':<5} {'ctry':<5} {'mode':>4} {'new s':>6}")
    for slug, s in res["texts"].items():
        print(f"  {slug[:44]:<44} {s['language']:<4} {'strict' if s['fully_right_strict'] else 'yes' if s['fully_right'] else 'no':<6} "
              f"{s['found']:>3}/{s['required']:<3} {s['correct']:>2}/{s['proposed']:<3} {s['order_errors']:>5} "
              f"{s['not_stops']:>6} {'ok' if s['build_ok'] else 'FAIL':<5} {'ok' if s['countries_ok'] else 'no':<5} "
              f"{s['mode_errors']:>4} {s['new_seconds']:>6.2f}")
        wrong_causes = {k: v for k, v in s["causes"].items() if v}
        if wrong_causes:
            print(f"  {'':<44}      " + ", ".join(f"{k} {v}" for k, v in wrong_causes.items()))
        if details:
            r = s["_result"]
            for prop, (verdict, name) in zip(r["stops"], s["_verdicts"]):
                flag = " REVIEW" if prop["review"] else ""
                print(f"      {verdict:<18} {prop['place']!r} -> {prop['gazetteer_name']} "
                      f"({prop['lat'] if prop['lat'] is None else round(prop['lat'], 3)}, "
                      f"{prop['lon'] if prop['lon'] is None else round(prop['lon'], 3)}) mode {prop['mode']}"
                      f"{flag}{'' if name is None else ' = ' + name}")
                for note in prop.get("review_notes", []):
                    print(f"          REVIEW: {note}")
            for name, cause, offered in s["_missed"]:
                print(f"      {cause:<18} {name!r}{' (offered commented out)' if offered else ''}")
            if not r["build_ok"]:
                print(f"      build: {r['build_output']}")
        if mention_lines is not None and slug in mention_lines:
            for line in mention_lines[slug]:
                print(f"        {line}")
    pct = lambda v: "  n/a" if v is None else f"{100 * v:5.1f} %"  # noqa: E731
    print(f"  fully right                {t['fully_right']}/{t['texts']} ({pct(t['fully_right_share'])})")
    print(f"  fully right, strict        {t['fully_right_strict']}/{t['texts']} ({pct(t['fully_right_strict_share'])})"
          "   (nothing else proposed either)")
    print(f"  stop recall                {pct(t['stop_recall'])}  ({t['required_stops']} required stops)")
    print(f"  stop precision             {pct(t['stop_precision'])}  ({t['proposed_stops']} proposed)")
    print(f"  order errors               {t['order_errors']}")
    print(f"  not_stops proposed         {t['not_stops_proposed']}")
    print(f"  build succeeds             {t['build_ok']}/{t['texts']}")
    print(f"  title is the page's        {t['titles_right']}/{t['titles_scored']}   (of the texts whose page title "
          f"the labels give)")
    print(f"  countries allowed          {t['countries_ok']}/{t['texts']}")
    print(f"  non-rail legs wrong        {t['mode_errors']}")
    print(f"  REVIEW on correct stops    {pct(t['review_of_correct'])}   (aim <= 10 %)")
    print(f"  REVIEW on wrong stops      {pct(t['review_of_wrong'])}   (aim >= 50 %)")
    print(f"  missed stops offered commented out {pct(t['missed_offered_commented'])}")
    print(f"  `mapgen new` seconds: first {t['new_seconds_first']}, median {t['new_seconds_median']}, "
          f"max {t['new_seconds_max']}")
    print("  wrong ones by cause:")
    for k, v in t["causes"].items():
        print(f"    {CAUSES[k]:<66} {v:>3}")
    if t["why_not_proposed"]:
        print("  required stops found but not proposed, by the story's reason:")
        for k, v in t["why_not_proposed"].items():
            print(f"    {k[:66]:<66} {v:>3}")
    if t["why_wrong"]:
        print("  wrong ones proposed, by the story's comments on them:")
        for k, v in t["why_wrong"].items():
            print(f"    {k[:66]:<66} {v:>3}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev",
                    help="a part of the split file (dev, test; dev2, test2 for the second corpus) or all (every "
                         "part, reported apart)")
    ap.add_argument("--data", type=Path, default=None, help="the corpus folder (texts and expected.toml)")
    ap.add_argument("--split-file", type=Path, default=None,
                    help="the split (default: split.toml in the corpus folder, else bench/journeys_split.toml)")
    ap.add_argument("--tuning", action="store_true",
                    help="the parts tuned on: dev of the first corpus and dev2 of the second, apart and together")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--details", action="store_true", help="stop by stop (tuned parts only)")
    ap.add_argument("--progress", action="store_true", help="say on stderr which text is done, and its seconds")
    ap.add_argument("--mentions", action="store_true",
                    help="with --details: each mention's reading and score, for the texts not fully right (tuned parts only)")
    ap.add_argument("--only", default=None, help="one slug of a tuned part")
    ap.add_argument("--timing", action="store_true",
                    help="also time model loading and a cold `mapgen new` in fresh processes (dev texts)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="try another value of one of mapgen.journey's constants (CHOSEN=0.75), for a sweep on a "
                         "validation part; repeatable")
    args = ap.parse_args(argv)
    if args.set:
        from mapgen import journey

        for item in args.set:
            name, _, value = item.partition("=")
            old = getattr(journey, name, None)
            if not name.isupper() or not isinstance(old, (int, float)) or isinstance(old, bool):
                ap.error(f"--set {item}: mapgen.journey has no numeric constant {name}")
            setattr(journey, name, type(old)(float(value)) if isinstance(old, int) else float(value))
    if args.tuning:
        runs = [(find_data(None), None, "dev"), (find_data(None, second=True), None, "dev2")]
    else:
        runs = [(find_data(args.data), args.split_file, args.split)]
    results, timing = {}, None
    for data, split_file, which in runs:
        if data is None or not (data / "expected.toml").exists():
            print(f"journeys corpus not found for {which} (../shared/eval-data/journeys/, $MAPGEN_JOURNEYS, "
                  "../journeys2/, $MAPGEN_JOURNEYS2 or --data); skipping")
            continue
        split = read_split(data, split_file)
        if which != "all" and which not in split:
            ap.error(f"--split {which}: the split file has the parts {', '.join(split)}")
        for part in (list(split) if which == "all" else [which]):
            slugs = split[part]
            if args.only:
                if held_out(part):
                    continue
                if args.only not in slugs:
                    continue
                slugs = [args.only]
            results[part] = evaluate(data, slugs, progress=_progress if args.progress else None)
        if args.timing and timing is None and "dev" in split:
            timing = timings(data, split["dev"])
    if args.only and not results:
        ap.error("--only takes a slug of a tuned part")
    if len(results) > 1 and all(not held_out(p) for p in results):
        results["tuned parts together"] = {"texts": {}, "total": totals(
            {f"{p}/{k}": v for p, r in results.items() for k, v in r["texts"].items()})}
    if args.json:
        out = {part: {"total": r["total"], "texts": {k: _public(v) for k, v in r["texts"].items()}}
               for part, r in results.items()}
        if timing:
            out["timing"] = timing
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return 0
    for part, r in results.items():
        label = f"{part.upper()} part (held out, only scored)" if held_out(part) else \
            part if not r["texts"] else f"{part} part (tuned on)"
        lines = None
        if args.mentions and args.details and not held_out(part) and r["texts"]:
            from mapgen.gazetteer import Gazetteer

            data = next(d for d, _, w in runs if w in (part, "all"))
            lines = {slug: mentions((data / f"{slug}.txt").read_text(encoding="utf-8"), Gazetteer.open())
                     for slug, s in r["texts"].items() if not s["fully_right_strict"]}
        print_table(label, r, details=args.details and not held_out(part), mention_lines=lines)
    if timing:
        print("\ntiming (fresh processes, median of runs; this machine's 2 cores are shared):")
        for k, v in timing.items():
            print(f"  {k:<58} {v}")
    return 0


def timings(data: Path, slugs: list[str], runs: int = 5) -> dict:
    """Seconds: `import spacy` and loading each model (in mapgen's way), and a whole cold `mapgen new` in a
    fresh process (interpreter, gazetteer, model, the article), medians over `runs` and over the texts."""
    import subprocess

    py = sys.executable

    def run(code: str) -> float:
        out = subprocess.run([py, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        return float(out.stdout.strip().splitlines()[-1])

    out = {}
    out["import spacy"] = statistics.median(run(
        "import time; t = time.perf_counter(); import spacy; print(time.perf_counter() - t)") for _ in range(runs))
    for code in ("en", "fr"):
        out[f"import spacy + load the {code} model (hash check included)"] = statistics.median(run(
            "import time; t = time.perf_counter(); from mapgen.lang import pipeline; "
            f"pipeline({code!r}); print(time.perf_counter() - t)") for _ in range(runs))
    cold = []
    for slug in slugs:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            subprocess.run([py, "-m", "mapgen.cli", "new", "t", "--article", str(data / f"{slug}.txt"),
                            "--stories", tmp], capture_output=True, check=False, cwd=ROOT)
            cold.append(time.perf_counter() - t0)
    out["cold `mapgen new` (whole process), median over dev texts"] = round(statistics.median(cold), 2)
    out["cold `mapgen new` (whole process), max over dev texts"] = round(max(cold), 2)
    return {k: round(v, 2) for k, v in out.items()}


if __name__ == "__main__":
    sys.exit(main())
