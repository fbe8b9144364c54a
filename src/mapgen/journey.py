"""Propose the journey an article tells, and write it as a new story (`mapgen new`).

Each place `extract` finds is scored on the words around it: travel words in its sentence ("a quitté",
"marque un arrêt", "left", "stopped", "train", "gare"), a preposition of place, an arrival or a departure,
a sentence told inside the journey. Places that act rather than host ("Washington a renouvelé", "Moscow
said") and countries or regions lose. Clearly cued stops are kept, weakly cued ones only on the way between
them; a place no railway joins to the others was reached another way. The order is the one the article tells
unless rail distances say it was told out of order. Where the railway between two stops crosses a country the
article does not name, a via point is added; a stop reached "by road" or "by air" gets that mode.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .article import Article
from .errors import GeocodeError
from .extract import ARTICLE_BEFORE, LOCATIVE, Extraction, Mention, Resolved, extract
from .gazetteer import WIDE_KINDS, Candidate, Context, Gazetteer, Geocode, Place, distance_km

# Travel words, as whole words or word starts (casefolded, accents kept).
TRAVEL = re.compile(
    r"\b(?:quitt\w*|arriv\w*|parti[est]?\b|part\b|départ\w*|rend\w*|dirige\w*|dirigeait|poursui\w*|rejoin\w*|"
    r"dessert\w*|desservi\w*|calls?\s+at|called\s+at|serves|served|runs|ran|joins|joined|pulled\s+(?:out|in)|"
    r"travers\w*|voyag\w*|train\w*|gare\w*|ferroviaire\w*|via|escale\w*|étape\w*|descend\w*|"
    r"left|leav\w*|arriv\w*|depart\w*|head\w*|travel\w*|journey\w*|trip\w*|reach\w*|crossed|cross\w*|"
    r"rail\w*|station\w*|stopp\w*|stops?|halt\w*|border\w*|bound|board\w*|continu\w*|route\w*|visit\w*|visite\w*|"
    r"arrêt\w*|franchi\w*|frontière\w*|locomotive\w*|convoi\w*|longe\w*|voitures?-lits|wagons?|sleepers?)",
    re.IGNORECASE,
)
# Leaving a place, in the words just before its name ("left Pyongyang", "quitté la gare de", "part de")
DEPARTURE = re.compile(
    r"(?:quitt\w*|left|leaves|leaving|depart\w*\s+from|départ\s+de|(?:part|parti[est]?)\s+(?:de|d['’]))\s+"
    r"(?:la\s+|le\s+|l['’]\s*|the\s+)?$|part\w*\s+en\s+train\s+de\s+$|left\s+by\s+train\s+from\s+$", re.IGNORECASE)
# "from Beijing to Ulaanbaatar", "de Pékin à Moscou", "from New Delhi railway station to Varanasi"; not
# "travellers from Yerevan can connect": a "from" before the name, a "to" soon after it
FROM_BEFORE = re.compile(r"(?:^|\s)(?:from|de|d['’])\s*$", re.IGNORECASE)
TO_AFTER = re.compile(r"\s*(?:,[^,]{0,40},\s*)?(?:[\w'’-]+\s+){0,3}?(?:to|for|à|au|vers|jusqu['’]à)\s", re.IGNORECASE)
REPORTED = re.compile(r"\b(?:selon|a\s+déclaré|ont\s+déclaré|ont\s+rapporté|a\s+rapporté|a\s+indiqué|"
                      r"ont\s+indiqué|citant|said|says|reported|according\s+to|told)\b", re.IGNORECASE)
POSSIBLE = re.compile(r"\b(?:possible|pourrai\w*|probabl\w*|peut-être|éventuel\w*|envisag\w*|prévu\w*|"
                      r"may|might|could|would|likely|expected|possibly|plans?\s+to)\b", re.IGNORECASE)
# A place that acts: followed by a verb of saying or doing ("Washington a renouvelé", "Moscow said").
ACTOR_AFTER = re.compile(
    r"^\s*(?:(?:et|and)\s+[^\s,.;]+\s+)?(?:(?:,(?![^,]*\b(?:puis|then|à|au|to|vers|via|avant|before)\b)[^,]{0,60},)\s*)?"
    r"(?:a|ont|avait|avaient|aurait|auraient|has|have|had|is|are|was|were|will|would|n'a|ne)\s+"
    r"(?!été\s+(?:accueilli|reçu)|arrivé)"
    r"|^\s*(?:(?:et|and)\s+[^\s,.;]+\s+)?(?:said|says|warned|denied|announced|insisted|accused|claimed|"
    r"declared|urged|called|refused|rejected|sanctioned|condemned|nie\w*|dément\w*|déclare\w*|affirme\w*|"
    r"annonce\w*|accuse\w*|exhorte\w*|renouvel\w*|estime\w*)\b",
    re.IGNORECASE,
)
ACTOR_BEFORE = re.compile(r"(?:avertissements?\s+de|warnings?\s+(?:from|by)|selon|according\s+to|"
                          r"porte-parole\s+(?:de|du)|spokesman\s+for|relations?\s+avec|ties\s+with|"
                          r"sanctions?\s+(?:contre|against)|guerre\s+(?:en|contre)|war\s+(?:in|on|against)|"
                          r"invasion\s+(?:de|of)|intérêts?\s+de|interests?\s+of|alliés?\s+de|allies\s+of)"
                          r"\s+(?:la\s+|le\s+|l['’]\s*|the\s+)?$", re.IGNORECASE)
STOP_KINDS = ("city", "station", "spaceport", "port", "landmark")
# How a place was reached, when the words just before it say it was not by train ("then drove to the border
# town of Przemyśl"): the leg into it is drawn as that mode, straight, not routed on track.
LEG_MODES = (
    ("road", re.compile(r"\b(?:drove|driven|driving|motorcade|by\s+(?:car|road|bus)|en\s+voiture|par\s+la\s+route|"
                        r"en\s+(?:bus|car)|rejoint\s+en\s+voiture)\b[^.;:!?]{0,40}$", re.IGNORECASE)),
    ("air", re.compile(r"\b(?:flew|flown|flying|by\s+(?:air|plane)|landed|en\s+avion|a\s+atterri|s['’]est\s+envolé)"
                       r"\b[^.;:!?]{0,40}$", re.IGNORECASE)),
    ("sea", re.compile(r"\b(?:sailed|by\s+(?:sea|boat|ferry)|en\s+bateau|en\s+ferry)\b[^.;:!?]{0,40}$", re.IGNORECASE)),
)
# A place named only to locate another: "near Chita", "across the bay from San Francisco", "près de Nakhodka".
NEAR_BY = (r"(?:\bnear|\bclose\s+to|\boutside|\bacross\s+(?:the\s+\w+\s+)?from|\bnorth|\bsouth|\beast|\bwest)"
           r"(?:\s+of)?\s+$|(?:près|non\s+loin|au\s+nord|au\s+sud|à\s+l['’]est|à\s+l['’]ouest)\s+(?:de|du|d['’])\s*$")
# Reaching a place: "arrived in", "before reaching", "arrivé à", "l'arrivée à", "bound for".
ARRIVAL = (r"(?:arriv\w*|reach\w*|bound\s+for|à\s+destination\s+(?:de|du|d['’])|jusqu['’]à|terminus)"
           r"(?:\s+(?:in|at|à|au|en|on|the\s+\w+\s+(?:city|town|port)\s+of|la\s+ville\s+de))*\s+" + ARTICLE_BEFORE + "$")


@dataclass(frozen=True)
class ProposedStop:
    place: str  # as the article writes it
    quote: str
    resolved: Resolved
    certainty: str
    departure: bool
    score: float
    review: tuple[str, ...]  # why an editor should look at it
    country: str | None = None  # hint needed for `mapgen build` to pick the same place
    via: bool = False  # a waypoint mapgen added where the railway crosses a country the article does not name
    mode: str = "rail"  # how the journey reaches it, when the article says otherwise ("drove to", "flew to")


def propose_journey(ex: Extraction, gazetteer: Gazetteer | None = None, network=None,
                    skipped: list[tuple[Place, str]] | None = None) -> list[ProposedStop]:
    """The stops of the journey the article tells, in travel order (see `_travel_order`; rail distances on
    `network`, by default the embedded world network). Places named but not proposed are appended to
    `skipped`, when given, with the reason, for the editor."""
    gazetteer = gazetteer or Gazetteer.open()
    text = ex.text
    sentences = ex.article.sentences
    travelling = [bool(TRAVEL.search(text[a:b])) for a, b in sentences]
    best: dict[str, tuple[float, Resolved, bool]] = {}
    scores: dict[str, list[tuple[float, int]]] = {}
    why_not: dict[str, str] = {}
    for r in ex.resolved:
        m, p = r.mention, r.place
        if m.adjective:
            continue
        sent_a, sent_b = m.sentence
        sentence = text[sent_a:sent_b]
        before = text[max(sent_a, m.start - 60):m.start]
        after = text[m.end:min(sent_b, m.end + 60)]
        score = 0.0
        travel = TRAVEL.findall(sentence)
        if travel:
            score += 1.0 + 0.25 * min(len(travel), 2)
        if re.search(r"\b(?:photo|AFP|Reuters/)", sentence):
            score -= 0.25  # a caption
        locative = re.search(LOCATIVE, before, re.IGNORECASE)
        if locative:
            score += 0.5
            k = sentences.index(m.sentence) if m.sentence in sentences else -1
            if not travel and k >= 0 and any(0 <= k + d < len(sentences) and travelling[k + d] and
                                             _same_paragraph(text, sentences[min(k, k + d)], sentences[max(k, k + d)])
                                             for d in (-1, 1)):
                score += 0.5  # told as part of the journey: "His train followed the Trans-Siberian. At Khabarovsk..."
        if p.kind == "city" and re.search(r"(?:^|\s)(?:le|la|les|the)\s+$", before, re.IGNORECASE) \
                and not re.match(r"(?:le|la|les|the)\s", p.name, re.IGNORECASE):
            score -= 1.0  # "vers le Tessin": an article before the name says region (Ticino), not the town Tessin
        if re.search(NEAR_BY, before, re.IGNORECASE):
            score -= 1.0  # "across the bay from San Francisco", "near Chita": a landmark for another place
        departure = bool(DEPARTURE.search(before) or (FROM_BEFORE.search(before) and TO_AFTER.match(after)))
        if re.search(ARRIVAL, before, re.IGNORECASE):
            score += 0.5  # "before reaching Batumi", "arrived in the Russian city of Vladivostok"
        if departure:
            score += 1.0
        acts = bool(ACTOR_AFTER.match(after) or ACTOR_BEFORE.search(before))
        if acts:
            score -= 2.5
        if p.kind in WIDE_KINDS:
            score -= 2.0
        elif p.kind == "region":
            score -= 0.75
        if p.kind == "landmark" and p.name.casefold().endswith("kremlin"):
            score -= 1.0
        if m.kind in ("spaceport", "station", "port"):
            score += 0.5
        prev = best.get(p.id)
        if prev is None or score > prev[0]:
            best[p.id] = (score, r, departure or (prev[2] if prev else False))
            why_not[p.id] = ("acts in the article rather than being visited" if acts else
                             f"a {p.kind}, not a stop" if p.kind in WIDE_KINDS else "no travel cue near it")
        elif departure:
            best[p.id] = (prev[0], prev[1], True)
        scores.setdefault(p.id, []).append((score, m.start))
    # where the narrative reaches each place: its last mention about as well cued as its best (a lede
    # announces the destination first; the body tells the journey)
    told_at = {pid: max(pos for sc, pos in ss if sc >= best[pid][0] - 0.25) for pid, ss in scores.items()}
    chosen = [(s, r, dep) for s, r, dep in best.values() if s >= 1.0]
    if not any(r.place.kind in STOP_KINDS for _, r, _ in chosen):
        pass  # nothing finer than regions or countries: keep what there is
    else:
        finer = [(s, r, dep) for s, r, dep in chosen if r.place.kind in STOP_KINDS]
        # a region stays only if no chosen town lies in it
        for s, r, dep in chosen:
            if r.place.kind == "region" and not any(distance_km(r.place.lat, r.place.lon, f.place.lat, f.place.lon) < 400
                                                    for _, f, _ in finer):
                finer.append((s, r, dep))
        chosen = finer
    chosen = _town_for_station(chosen, best, gazetteer)
    chosen.sort(key=lambda x: told_at[x[1].place.id])
    chosen = _on_the_way_names(chosen)
    chosen = after_way = _on_the_way(chosen)
    rail = _rail_km(network)
    if len(chosen) >= 3:
        # a place no railway joins to any other stop was reached another way ("flew from Washington")
        chosen = [c for c in chosen if any(rail(c, o) is not None for o in chosen if o is not c)] or chosen
    ordered = _travel_order(chosen, rail)
    out = []
    for k, (s, r, dep) in enumerate(ordered):
        if k and rail(ordered[k - 1], ordered[k]) is None:
            out += _vias(ordered[k - 1][1].place, r.place, network)
        out.append(_stop(ex, r, s, dep, gazetteer, [x[1] for x in ordered]))
    if skipped is not None:
        kept = {r.place.id for _, r, _ in ordered}
        for pid, (score, r, _) in sorted(best.items(), key=lambda kv: kv[1][1].mention.start):
            if pid in kept:
                continue
            town = gazetteer.town_of(pid) if r.place.kind == "station" else None
            if town is not None and town.id in kept:
                why = f"a station in {town.name}, which is a stop"
            elif score < 1.0:
                why = why_not[pid]
            elif r.place.kind == "region":
                why = "a region, and a proposed town lies in it"
            elif any(c[1].place.id == pid for c in after_way):
                why = "no railway in the data joins it to the other stops"
            else:
                why = "weak travel cue, and off the way between the clearly cued stops"
            skipped.append((r.place, why))
    return out


def _town_for_station(chosen, named: dict, gazetteer: Gazetteer):
    """A station and its town are one stop, the town's, when the article names the town too ("part de Lyon
    Part-Dieu" and "relie Lyon à Barcelone"): with the better score and either's departure cue."""
    out: dict[str, tuple] = {}
    for s, r, dep in chosen:
        town = gazetteer.town_of(r.place.id) if r.place.kind == "station" else None
        if town is not None and town.id in named:
            r = named[town.id][1]
        if r.place.id in out:
            ps, _, pdep = out[r.place.id]
            s, dep = max(s, ps), dep or pdep
        out[r.place.id] = (s, r, dep)
    return list(out.values())


def _vias(a: Place, b: Place, network) -> list[ProposedStop]:
    """Waypoints for a leg whose railway runs through a country neither end is in (the border rule would
    find no path): the biggest town on the line in each such country ("Munich -> Venice": Innsbruck)."""
    from .rail import default_network
    from .route import transit_vias

    out = []
    for town in transit_vias(a, b, network or default_network()):
        why = (f"via point added: the railway from {a.name} to {b.name} runs through {town.country},"
               " which the article does not name; keep it, move it, or remove it")
        cand = Candidate(town, 0.0, ("the biggest town on that line",))
        res = Resolved(Mention(0, 0, town.name, (0, 0)), Geocode(town.name, town, (cand,), 1.0), 1.0)
        out.append(ProposedStop(town.name, "", res, "stated", False, 0.0, (why,), town.country, via=True))
    return out


STRONG = 1.75  # a stop with a clear travel cue; below it, a stop must lie on the way between such stops


def _same_paragraph(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    return not re.search(r"\n\s*\n", text[a[1]:b[0]])


def _crow(a, b) -> float:
    """Great-circle km between two candidate stops (score, Resolved, departure)."""
    return distance_km(a[1].place.lat, a[1].place.lon, b[1].place.lat, b[1].place.lon)


def _on_the_way_names(chosen) -> list:
    """Between same-named places that score about alike, take the one that lies on the way between the stops
    told before and after it: a train from Omaha to Glenwood Springs passes Grand Junction, Colorado, not
    Grand Junction, Iowa."""
    def d(a: Place, b: Place) -> float:
        return distance_km(a.lat, a.lon, b.lat, b.lon)

    out = list(chosen)
    for k, (s, r, dep) in enumerate(out):
        if k == 0 or k + 1 == len(out):
            continue  # only a place told between two others is placed by them
        near = (out[k - 1], out[k + 1])
        top = r.geocode.candidates[0].score
        alts = [c for c in r.geocode.candidates if c.place.kind in STOP_KINDS and top - c.score < 1.5]
        if len(alts) < 2 or max(d(a.place, r.place) for a in alts) < 50:
            continue
        best = min(alts, key=lambda c: sum(d(c.place, n[1].place) for n in near))
        if best.place.id != r.place.id:
            rest = tuple(c for c in r.geocode.candidates if c.place.id != best.place.id)
            geo = Geocode(r.geocode.query, best.place, (best, *rest), r.geocode.confidence)
            out[k] = (s, Resolved(r.mention, geo, r.confidence), dep)
    return out


def _on_the_way(chosen) -> list:
    """Drop weakly cued stops that are off the way between the clearly cued ones: travellers' connections
    ("venus de Paris ou de Berlin"), side trips and misreadings. A weak stop stays when going through it
    lengthens some leg between two strong stops by at most a quarter of it (plus 50 km)."""
    strong = [c for c in chosen if c[0] >= STRONG or c[2]]
    if len(strong) < 2:
        return chosen

    d = _crow
    path = _travel_order(strong)

    keep = []
    for c in chosen:
        if c in strong or any(d(a, c) + d(c, b) - d(a, b) <= 0.25 * d(a, b) + 50 for a, b in zip(path, path[1:])):
            keep.append(c)
    return keep


def _rail_km(network):
    """Distance between two candidate stops by rail under the border rule (Khasan -> Ussuriysk -> Vladivostok,
    not Khasan -> Vladivostok -> Ussuriysk, which is shorter as the crow flies); None where the rail network
    has no path."""
    from .rail import default_network

    network = network or default_network()
    cache: dict[tuple[str, str], float | None] = {}

    def km(a, b) -> float | None:
        pa, pb = a[1].place, b[1].place
        key = (pa.id, pb.id) if pa.id < pb.id else (pb.id, pa.id)
        if key not in cache:
            allowed = network.allowed_edges({c for c in (pa.country, pb.country) if c})
            sa = network.snap(pa.lat, pa.lon, allowed, country=pa.country or None)
            sb = network.snap(pb.lat, pb.lon, allowed, country=pb.country or None)
            path = network.shortest_path(sa, sb, allowed) if sa and sb else None
            cache[key] = path.km if path else None
        return cache[key]

    return km


TOLD_ORDER_SLACK = 1.25  # the order the article tells is kept unless it makes the trip this much longer


def _travel_order(chosen, rail=None):
    """Departure first, then the rest in the order the article tells them (`chosen` comes in that order),
    unless that trip is more than TOLD_ORDER_SLACK times the shortest one through the same stops by `rail`
    km (great-circle km where `rail` is None or finds no path): then the shortest (exact for up to 8 stops,
    else greedy). Told order keeps a return ("back to Poland, then on to Warsaw"); the shortest order mends
    a story told out of order."""
    if len(chosen) <= 2:
        deps = [c for c in chosen if c[2]]
        return deps + [c for c in chosen if c not in deps]

    def d(a, b):
        crow = _crow(a, b)
        if rail is None:
            return crow
        km = rail(a, b)
        return km if km is not None else 3 * crow  # no railway between them: an unlikely pair of neighbours

    deps = [c for c in chosen if c[2]]
    start = deps[0] if deps else chosen[0]
    told = [start] + [c for c in chosen if c is not start]
    shortest = _shortest_order(start, [c for c in chosen if c is not start], d)

    def length(order):
        return sum(d(a, b) for a, b in zip(order, order[1:]))

    return told if length(told) <= TOLD_ORDER_SLACK * length(shortest) else shortest


def _shortest_order(start, rest, d):
    """`start`, then `rest` in the order of least total `d` (exact for up to 7, else nearest next)."""
    if len(rest) <= 7:
        from itertools import permutations

        best, best_len = None, math.inf
        for perm in permutations(range(len(rest))):
            total, cur = 0.0, start
            for k in perm:
                total += d(cur, rest[k])
                cur = rest[k]
            # ties (and near-ties) go to the article's own order
            total += 1e-6 * sum(abs(pos - k) for pos, k in enumerate(perm))
            if total < best_len:
                best, best_len = perm, total
        return [start] + [rest[k] for k in best]
    order, cur = [start], start
    while rest:
        nxt = min(rest, key=lambda c: d(cur, c))
        rest.remove(nxt)
        order.append(nxt)
        cur = nxt
    return order


def _stop(ex: Extraction, r: Resolved, score: float, departure: bool, gazetteer: Gazetteer,
          others: list[Resolved]) -> ProposedStop:
    text = ex.text
    quote = quote_for(text, r.mention)
    sentence = ex.sentence(r)
    certainty = "possible" if POSSIBLE.search(sentence) else "reported" if REPORTED.search(sentence) else "stated"
    review = []
    if r.confidence < 0.6:
        review.append(f"low confidence {r.confidence:.2f}")
    runner = next((c for c in r.geocode.candidates[1:]  # not the region a city stands for
                   if "city named like its region" not in r.geocode.candidates[0].why
                   or not (c.place.kind == "region" and c.place.country == r.place.country)), None)
    if runner is not None and distance_km(r.place.lat, r.place.lon, runner.place.lat, runner.place.lon) > 50 \
            and r.geocode.candidates[0].score - runner.score < 1.5:
        review.append(f"or {runner.place.name} ({runner.place.kind}, {runner.place.country})?")
    if r.place.kind in ("region", "country"):
        review.append(f"a {r.place.kind}, not a town")
    if score < 1.75:
        review.append("weak travel cue")
    # Would `mapgen build` (which sees only the stops) pick the same place? If not, give it a country hint.
    country = None
    ctx = Context(countries={o.place.country for o in others if o is not r and o.place.country},
                  points=[(o.place.lat, o.place.lon) for o in others if o is not r])
    try:
        again = gazetteer.geocode(r.mention.text, context=ctx, strict=True)
        same = again.place.id == r.place.id
    except Exception:
        same = False
    if not same:
        country = r.place.country or None
    before = text[max(r.mention.sentence[0], r.mention.start - 60):r.mention.start]
    mode = next((mode for mode, rx in LEG_MODES if rx.search(before)), "rail")
    # "the border town of Nong Khai" is Nong Khai: a town is what a stop is anyway (a station or a
    # cosmodrome keeps its word, which tells the geocoder what is meant)
    place = re.sub(r"^(?:town|city|village|ville)\s+(?:of\s+|de\s+|d['’]\s*)?", "", r.mention.text, flags=re.IGNORECASE)
    return ProposedStop(place, quote, r, certainty, departure, round(score, 2), tuple(review), country, mode=mode)


def quote_for(text: str, m: Mention, limit: int = 160) -> str:
    """A verbatim excerpt around the mention: its sentence, or the clause holding it when that is long."""
    a, b = m.sentence
    sentence = text[a:b]
    if len(sentence) <= limit:
        return sentence.strip()
    # clauses: split at , ; : – — and « » ( )
    bounds = [a] + [a + k.end() for k in re.finditer(r"[,;:\u2013\u2014]\s+", sentence)] + [b]
    lo = max(x for x in bounds if x <= m.start)
    hi = min(x for x in bounds if x >= m.end)
    # widen to a neighbouring clause while short (a clause of three words cites nothing)
    while hi - lo < 60:
        left = [x for x in bounds if x < lo]
        right = [x for x in bounds if x > hi]
        if right and (not left or right[0] - hi <= lo - left[-1]):
            hi = right[0]
        elif left:
            lo = left[-1]
        else:
            break
    if hi - lo > limit:  # still long: a window of words around the mention
        lo = max(lo, text.rfind(" ", lo, max(lo, m.start - limit // 2)) + 1)
        cut = text.find(" ", min(hi, m.end + limit // 2), hi)
        hi = cut if cut > 0 else hi
    return text[lo:hi].strip(" ,;:\u2013\u2014").strip()


# --- a new story ------------------------------------------------------------------------------------------

def write_story(slug: str, article_path, stories_dir, *, force: bool = False,
                gazetteer: Gazetteer | None = None):
    """Write `stories_dir/slug/story.toml` (and copy the article there) with the proposed journey.

    Returns (folder, stops). Each stop is checked the way `mapgen build` will geocode it (from the stops
    alone); when the build would pick another place, the stop gets a `country` hint, and failing that
    explicit coordinates with their source."""
    import shutil
    from pathlib import Path

    from .errors import StoryError
    from .story import SLUG

    article_path, stories_dir = Path(article_path), Path(stories_dir)
    if not SLUG.match(slug):
        raise StoryError(f"{slug!r} is not a valid story name (lower-case letters, digits and -)")
    folder = stories_dir / slug
    toml_path = folder / "story.toml"
    if toml_path.exists() and not force:
        raise StoryError("story already exists; pass --force to overwrite it", where=str(toml_path))
    gazetteer = gazetteer or Gazetteer.open()
    article = Article.read(article_path)
    ex = extract(article, gazetteer)
    skipped: list[tuple[Place, str]] = []
    stops = propose_journey(ex, gazetteer, skipped=skipped)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "article.txt"
    if not target.exists() or target.resolve() != article_path.resolve():
        shutil.copyfile(article_path, target)
    hints: dict[int, dict] = {}
    for _ in range(2 * len(stops) + 1):
        toml_path.write_text(story_toml(ex, stops, hints, skipped), encoding="utf-8")
        wrong = _build_disagrees(toml_path, stops, gazetteer)
        if not wrong:
            break
        for i in wrong:
            p = stops[i].resolved.place
            if "country" not in hints.get(i, {}) and p.country:
                hints[i] = {"country": p.country}
            else:
                hints[i] = {"lat": p.lat, "lon": p.lon, "source": p.source}
    return folder, stops


def _build_disagrees(toml_path, stops: list[ProposedStop], gazetteer: Gazetteer) -> list[int]:
    """Indexes of the stops that `mapgen build` would place elsewhere than the proposal (or not at all)."""
    from .errors import MapgenError
    from .geocode import geocode_story
    from .story import load_story

    try:
        story = load_story(toml_path)
    except MapgenError:
        return []  # fewer than two stops, say: the editor has work to do anyway
    try:
        located = geocode_story(story, gazetteer)
    except GeocodeError as exc:
        m = re.match(r"stops\[(\d+)\]", exc.field or "")
        return [int(m.group(1))] if m else []
    return [i for i, (loc, s) in enumerate(zip(located, stops))
            if loc.geocode is not None and loc.geocode.place.id != s.resolved.place.id]


def _toml(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def story_toml(ex: Extraction, stops: list[ProposedStop], hints: dict[int, dict] | None = None,
               skipped: list[tuple[Place, str]] | None = None) -> str:
    """The text of a story.toml for the proposed stops, with review notes as comments, and the places the
    article names that were not proposed, with why."""
    hints = hints or {}
    text = ex.text
    first = text[ex.article.sentences[0][0]:ex.article.sentences[0][1]] if ex.article.sentences else text[:100]
    title = first if len(first) <= 90 else first[:89].rsplit(" ", 1)[0] + "…"
    lines = [
        "# Proposed by `mapgen new` from the article: check every stop, its order and its quote,",
        "# then the lines marked REVIEW, and fill in the source before publishing.",
        f"title = {_toml(title)}",
        f"language = {_toml(ex.language)}",
    ]
    if ex.article.date:
        lines.append(f"date = {_toml(ex.article.date)}")
    lines += [
        "",
        "[source]",
        'name = "REVIEW: the publisher of the article"',
        f"citation = {_toml('« ' + title + ' » (REVIEW: outlet, author and date)')}",
    ]
    for i, s in enumerate(stops):
        p = s.resolved.place
        lines += ["", "[[stops]]"]
        lines.append(f"# {p.name} ({p.kind}, {p.country or 'no country'}, {p.lat:.4f}, {p.lon:.4f}), "
                     f"confidence {s.resolved.confidence:.2f}; {p.source}")
        for note in s.review:
            lines.append(f"# REVIEW: {note}")
        if s.via:
            lines += [f"place = {_toml(s.place)}", "via = true", f"country = {_toml(p.country)}",
                      f"lat = {p.lat}", f"lon = {p.lon}", f"source = {_toml(p.source)}"]
            continue
        others = [f"{c.place.name} ({c.place.kind}, {c.place.country})" for c in s.resolved.geocode.candidates[1:4]]
        if others:
            lines.append(f"# other candidates: {', '.join(others)}")
        lines.append(f"place = {_toml(s.place)}")
        lines.append(f"quote = {_toml(s.quote)}")
        lines.append(f"certainty = {_toml(s.certainty)}")
        if s.mode != "rail" and i > 0:
            lines.append(f"mode = {_toml(s.mode)}  # the article says it was reached by {s.mode}")
        h = hints.get(i, {})
        if "country" in h:
            lines.append(f"country = {_toml(h['country'])}")
        if "lat" in h:
            lines.append(f"lat = {h['lat']}")
            lines.append(f"lon = {h['lon']}")
            lines.append(f"source = {_toml(h['source'])}")
    if skipped:
        lines += ["", "# Also named in the article, not proposed as stops (add a [[stops]] entry for any that is one):"]
        lines += [f"#   {p.name} ({p.kind}, {p.country or 'no country'}): {why}" for p, why in skipped]
    return "\n".join(lines) + "\n"
