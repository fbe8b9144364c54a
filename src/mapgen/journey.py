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

import bisect
import math
import re
from dataclasses import dataclass, replace

from .article import Article
from .errors import GeocodeError
from .extract import PART_OF_NOTE, Extraction, Mention, Resolved, after_preposition_of_place, extract
from .gazetteer import (BY_ANOTHER_NAME, WIDE_KINDS, Candidate, Context, Gazetteer, Geocode, Place, distance_km,
                        name_key, query_forms)

STOP_KINDS = ("city", "station", "spaceport", "port", "landmark")
MAX_STOPS = 40  # stops proposed at most (rail distances are computed between pairs of them)

# What a mention's reading (lang/reader.py) is worth as evidence that the journey stopped there.
ROLE_SCORE = {
    "depart": 2.0, "arrive": 2.0, "stop": 2.0, "dest": 1.75, "via": 1.25, "ends": 1.5, "at": 0.75,
    "object": 0.75, "none": 0.0, "attribute": -0.5, "subject": -0.5, "locate": -1.5, "origin": -2.5, "part": -2.5,
    "feature": -3.0,
}
TRAVELLER_SCORE = {"self": 0.5, "vehicle": 0.5, "person": 0.25, "others": -2.0, "you": -0.5, "line": -0.5,
                   "place": -1.0}  # "Madrid remains linked to Paris": a connection described, not travelled
UNREAL = -3.0  # negated, counterfactual, another trip, a line described
OWN_TRAVELLERS = ("self", "vehicle", "person", "passengers")  # the story's own: we, the train, the leader
CHOSEN = 1.0  # a place whose best mention scores less is not proposed (it is listed for the editor)
WEAK_FLOOR = 1.25  # a place in a sentence that tells the journey, with nothing against it: kept (REVIEW) when it
# lies on the way between clearly cued stops ("the lights of Linz went by at midnight"). Measured 2026-12-05 on dev,
# dev4, dev5: 0.9 (never kept) gave +1, 0, +1 texts fully right, stop precision +3.1, +3.1, +1.4 points, recall 0,
# -4.1, 0, and lost the towns passed that tests/test_unseen_articles.py expects; kept at 1.25
UNCERTAIN = -2.0  # planned, rumoured, conditional, "you can"
PERSON_TOWN = 100_000  # a one-word town smaller than this that spaCy reads as a person's name loses


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
    straight: bool = False  # no railway in the data joins it to the stop before: the leg is drawn straight
    notes: tuple[str, ...] = ()  # why this place was chosen, for the story's comments


@dataclass(frozen=True)
class Skipped:
    """A place the article names that was not proposed, with why, and the mention to cite if it is a stop."""

    place: Place
    why: str
    resolved: Resolved


@dataclass(frozen=True)
class Crossing:
    """A country the article says the journey crossed ("the train crossed Austria"): `transit` in the story."""

    country: str
    quote: str
    name: str


@dataclass
class Journey:
    stops: list[ProposedStop]
    skipped: list[Skipped]
    transit: list[Crossing]


def propose_journey(ex: Extraction, gazetteer: Gazetteer | None = None, network=None,
                    skipped: list | None = None) -> list[ProposedStop]:
    """The stops of the journey the article tells, in travel order (see `read_journey`). Places named but
    not proposed are appended to `skipped`, when given, as (place, why)."""
    journey = read_journey(ex, gazetteer, network)
    if skipped is not None:
        skipped.extend((sk.place, sk.why) for sk in journey.skipped)
    return journey.stops


def read_journey(ex: Extraction, gazetteer: Gazetteer | None = None, network=None) -> Journey:
    """The journey the article tells: its stops in travel order (rail distances on `network`, by default the
    embedded world network), the countries it says were crossed, and the places named but not proposed."""
    gazetteer = gazetteer or Gazetteer.open()
    text = ex.text
    sentences = ex.article.sentences
    index = {sent: k for k, sent in enumerate(sentences)}
    travelling = [False] * len(sentences)
    for r in ex.resolved:
        k = index.get(r.mention.sentence)
        if k is not None and ex.reading(r.mention).sentence_travel:
            travelling[k] = True
    best: dict[str, tuple[float, Resolved, bool]] = {}
    scores: dict[str, list[tuple[float, int]]] = {}
    why_not: dict[str, str] = {}
    reached: dict[str, str] = {}  # place id -> how a leg into it was travelled, when not by rail
    crossed: dict[str, Crossing] = {}  # countries the journey crossed, by what the article says
    finals: set[str] = set()  # places named as the journey's destination ("à destination de Ngaoundéré")
    flow: dict[str, list] = {}  # place id -> [times told as left, times told as reached, offset first told left]
    stops_listed: dict[tuple[int, int], list[str]] = {}  # a sentence -> the places it tells as stops, in order
    departed: set[str] = set()  # places a verb of departure governs ("departs Nairobi Terminus")
    named: dict[str, set[str]] = {}  # a name as written -> the places its mentions were read as
    own: set[str] = set()  # places told of the story's own traveller (we, the train, the leader)
    denied: set[str] = set()  # places the article says the journey did not go to (in any mention)
    demonyms = _among_demonyms(ex)
    left_from: set[str] = set()  # places the story's journey leaves
    told_before: set[str] = set()  # places left in a past perfect: "a special train had left Paris"
    mood = _sentence_mood(ex)
    pairs = _side_by_side(ex)
    told_of_own = _told_of_own(ex)
    # going back to a place the journey had been to ("returned to Vienna", "Lyon to Annecy and back", a
    # timetable "Mallaig to Glasgow, Glasgow to Perth"): a second visit, told apart from the first (which its
    # mention neither scores nor ends), and proposed again once the order is known
    again, second = _visits_again(ex)
    turned = False  # the article tells the way turning round ("headed back south to Ribblehead")
    first_told: list[tuple[int, Place, float]] = []  # (offset, place, score) of each mention scored
    later: list[Resolved] = []  # the mentions of second visits
    for r in ex.resolved:
        if r.mention.start in second:
            later.append(r)
            continue
        if r.mention.adjective or r.mention.start in demonyms or r.mention.organisation and not (
                r.mention.organisation == "named" and _left_or_reached(ex, r.mention)):
            continue  # a demonym; a place named inside an office's or organisation's name ("Irkutsk City Council")
        rd = ex.reading(r.mention)
        if rd.person and BY_ANOTHER_NAME in r.geocode.candidates[0].why and \
                text[r.mention.end:r.mention.end + 2] in ("'s", "’s") and \
                not after_preposition_of_place(text, r.mention.start):
            # a person named like a town's other name, with a possessive: "Stalin's birthplace" is no Donetsk
            # (not « Figueras et Gérone », Girona by its French name, which the model may read as a person's)
            continue
        if rd.station and _station_name_of_the_next_town(ex, r):
            continue  # "the Tanzanite Station in Dar es Salaam": the station's own name, no town of its own
        if rd.generic and told_of_own < 2:
            # an article that tells nobody's own trip tells the journey in general ("Traveling south from
            # Santiago is a little like..."): as if told to the reader, not as another journey
            rd = replace(rd, generic=False, traveller="you" if rd.traveller == "unknown" else rd.traveller)
        r = _bigger_namesake(_as_town(r, rd))
        m, p = r.mention, r.place
        score, departure = mention_score(rd, p, m)
        if m.start in pairs and not (rd.unreal or rd.uncertain) and rd.traveller not in ("others", "line"):
            departure = True  # "Bamako Dakar en train, 3 jours": the first of two towns written side by side
        if rd.role == "none" and not (rd.unreal or rd.uncertain) and m.sentence in mood:
            score += mood[m.sentence]  # "a loop that would link Abidjan (and Cotonou, Lomé)": the list shares it
        k = index.get(m.sentence, -1)
        if rd.role in ("at", "none", "object") and not rd.travel and not rd.sentence_travel and k >= 0 and any(
                0 <= k + d < len(sentences) and travelling[k + d] and
                _same_paragraph(text, sentences[min(k, k + d)], sentences[max(k, k + d)]) for d in (-1, 1)):
            score += 0.5  # told as part of the journey: "His train followed the Trans-Siberian. At Khabarovsk..."
        prev = best.get(p.id)
        if prev is None or score > prev[0]:
            best[p.id] = (score, r, departure or (prev[2] if prev else False))
            why_not[p.id] = _why_not(rd, p)
        elif departure:
            best[p.id] = (prev[0], prev[1], True)
        scores.setdefault(p.id, []).append((score, m.start))
        first_told.append((m.start, p, score))
        if rd.doubling and not (rd.unreal or rd.uncertain) and rd.traveller in ("self", "vehicle", "unknown"):
            turned = True
        # a past perfect tells what came before the story ("a special train had left Paris"), unless the
        # traveller tells their own earlier leg ("we had travelled up from London overnight")
        before = rd.background and rd.traveller not in ("self", "person")  # ("he had left Pyongyang on Sunday")
        if departure:
            (told_before if before else left_from).add(p.id)
        if rd.traveller in OWN_TRAVELLERS and not (rd.unreal or rd.uncertain) and \
                score >= CHOSEN:
            own.add(p.id)  # told of the story's own traveller
        if (rd.role in ("stop", "via") or rd.leg_start or rd.leg_end) and not (rd.unreal or rd.uncertain) and \
                rd.traveller not in ("others", "line", "place"):
            stops_listed.setdefault(m.sentence, []).append(p.id)
        if rd.role == "depart" and not rd.leg_start and not (rd.unreal or rd.uncertain) and \
                rd.traveller not in ("others", "line"):
            departed.add(p.id)
        if (rd.negated or rd.counterfactual) and rd.role in ("depart", "arrive", "stop", "via", "dest") and \
                rd.traveller not in ("others",):
            denied.add(p.id)  # "the Canadian has not run through Calgary since 1990"
        told = flow.setdefault(p.id, [0, 0, math.inf])
        named.setdefault(name_key(m.text), set()).add(p.id)
        # ("headed for Glasgow's Queen Street station", « je me suis rendu à la gare de Sfax »: leaving it)
        to_station = _to_the_station(rd, m)
        left = to_station or (departure and not before)
        told[0] += left
        told[1] += _reached(rd) and not to_station
        if rd.uncertain and not rd.unreal and rd.traveller not in ("others", "line") and not before:
            # a trip only planned still runs one way ("the train is set to depart from Berlin ... and to
            # arrive in Paris"): half the weight, for the direction alone
            told[0] += 0.5 * (rd.role == "depart" or rd.leg_start)
            told[1] += 0.5 * (rd.role in ("arrive", "dest") or rd.leg_end)
        if left:  # where the article first tells it left; left in a past perfect, before all it tells
            told[2] = min(told[2], -1 if rd.background else m.start)  # ("He had left Pyongyang on Sunday")
        if rd.final and not rd.unreal and not rd.uncertain and rd.traveller not in ("others", "line"):
            finals.add(p.id)
        if rd.mode in ("road", "air", "sea") and rd.role in ("dest", "arrive") and not rd.unreal and not rd.uncertain:
            reached.setdefault(p.id, rd.mode)  # "took the bus down to Lhasa", told in any of its mentions
        if p.kind == "country" and p.country and rd.role == "via" and rd.travel \
                and not rd.unreal and not rd.uncertain and rd.traveller not in ("others", "line", "place"):
            crossed.setdefault(p.country, Crossing(p.country, quote_for(text, m), p.name))  # "crossed Austria"
    if left_from:  # a departure told as what came before the story is not the journey's, when it has one
        for pid in told_before - left_from:
            best[pid] = (best[pid][0], best[pid][1], False)
    # where the narrative reaches each place: its last mention about as well cued as its best (a lede
    # announces the destination first; the body tells the journey)
    told_at = {pid: max(pos for sc, pos in ss if sc >= best[pid][0] - 0.25) for pid, ss in scores.items()}
    for r in later:
        # a place gone back to was a stop: its first visit is as clearly cued as its second (the first told
        # only in passing, a timetable's first line the parse reads as no leg); a place the rest of the article
        # does not name at all is proposed from its second visit, once, where that is told
        rd = ex.reading(r.mention)
        r = _bigger_namesake(_as_town(r, rd))
        score, _ = mention_score(rd, r.place, r.mention)
        pid = r.place.id
        if score < CHOSEN:
            continue
        was = [k for k, b in best.items() if _same_spot(r.place, b[1].place)]
        if was:
            k = max(was, key=lambda k: best[k][0])
            best[k] = (max(best[k][0], score), best[k][1], best[k][2])
            continue
        best[pid] = (score, r, False)
        why_not[pid] = _why_not(rd, r.place)
        scores.setdefault(pid, []).append((score, r.mention.start))
        told_at[pid] = r.mention.start
        first_told.append((r.mention.start, r.place, score))
        flow.setdefault(pid, [0, 0, math.inf])
        named.setdefault(name_key(r.mention.text), set()).add(pid)
    # a weak mention does not outweigh the article saying the journey did not go there
    for pid in denied:
        if best[pid][0] < STRONG:
            why_not[pid] = "the article says the journey did not go there"
    chosen = [(s, r, dep) for s, r, dep in best.values() if s >= CHOSEN and not (
        r.place.id in denied and s < STRONG)]
    if not any(r.place.kind in STOP_KINDS for _, r, _ in chosen):
        pass  # nothing finer than regions or countries: keep what there is
    else:
        finer = [(s, r, dep) for s, r, dep in chosen if r.place.kind in STOP_KINDS]
        # a region stays only if no chosen town lies in it, nor, when it is only weakly cued, in its country
        # ("from Adelaide in South Australia to Darwin in the Northern Territory")
        def locates(region, town) -> bool:  # "Adelaide in South Australia", « Adélaïde, en Australie-Méridionale »
            return town.place.country == region.place.country and \
                0 < region.mention.start - town.mention.end <= LOCATING_CHARS
        for s, r, dep in chosen:
            if r.place.kind == "region" and not any(distance_km(r.place.lat, r.place.lon, f.place.lat, f.place.lon) < 400
                                                    or (f.place.country == r.place.country and
                                                        (s < STRONG or locates(r, f)))
                                                    for _, f, _ in finer):
                finer.append((s, r, dep))
        chosen = finer
    chosen, begun = _line_start(ex, chosen, best)
    chosen = _stations_by_their_own_name(chosen, gazetteer)
    chosen = merge_stations(chosen, gazetteer, _off_the_railway(network))
    chosen = _one_stop_per_spot(chosen, ex)
    # the best-cued places only (time: every pair may be routed by rail); the rest are listed for the editor
    beyond = sorted(chosen, key=lambda c: (-c[0], c[1].mention.start))[MAX_STOPS:]
    chosen = [c for c in chosen if c not in beyond]
    chosen.sort(key=lambda x: told_at[x[1].place.id])
    chosen = _on_the_way_names(chosen)
    # a country crossed that holds no stop: legs may use its railways (Munich -> Venice "through Austria")
    transit = [c for code, c in crossed.items() if not any(r.place.country == code for _, r, _ in chosen)]
    rail = _rail_km(network, frozenset(c.country for c in transit))
    notes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # place id -> (comments, review notes)
    notes.update(begun)
    chosen = _by_the_railway(chosen, rail, notes, network)
    chosen = after_way = _on_the_way(chosen, rail)
    other_journeys: list = []  # groups of stops told of nobody's journey but the article's comparisons
    far = _isolated(chosen)
    close = [c for c in chosen if any(o is not c and _same_stop_as(ex, c, o) for o in chosen)]
    chosen = [c for c in chosen if c not in far and c not in close]
    if len(chosen) >= 3:
        # a place no railway joins to any other stop, in a country no other stop is in, was reached another way
        # ("flew from Washington"); within the country of another stop the data may just lack the line
        # (Hanoi - Saigon), unless the article says it was flown or sailed to
        def joined(c) -> bool:
            if any(rail(c, o) is not None for o in chosen if o is not c):
                return True
            if ex.reading(c[1].mention).mode in ("air", "sea"):
                return False
            # the data may lack the line within the country (Hanoi - Saigon); or a near stop's line crosses a
            # country neither end is in (Bar -> Belgrade runs through a few km of Bosnia: a via point is added)
            return any(o[1].place.country == c[1].place.country for o in chosen if o is not c) or any(
                _neighbours(c, o) and _through_another_country(c[1].place, o[1].place, network)
                for o in chosen if o is not c)

        def _neighbours(a, b) -> bool:
            # near, or both clearly told and one of them left: "had left Pyongyang" ... "arrived at Dong Dang"
            # runs through China
            return _crow(a, b) < NEIGHBOUR_KM or (all(x[0] >= FAR_JOIN for x in (a, b)) and (a[2] or b[2]))

        def linked(a, b) -> bool:
            return rail(a, b) is not None or a[1].place.country == b[1].place.country or (
                _neighbours(a, b) and _through_another_country(a[1].place, b[1].place, network))

        before_groups = chosen
        chosen = _traveller_s_network(chosen, linked, {
            c[1].place.id for c in chosen
            if ({c[1].place.id} | named.get(name_key(c[1].mention.text), set())) & own})
        other_journeys = [c for c in before_groups if not any(c is k for k in chosen)]
        chosen = [c for c in chosen if joined(c)] or chosen
    # never one the article says the journey did not go to, nor a name the language model reads as a person's
    # ("Laurent, the guard, announces the departure" is no Saint-Laurent)
    chosen = _two_ends(chosen, [c for c in best.values()
                                if not (ex.reading(c[1].mention).unreal or ex.reading(c[1].mention).person and
                                        " " not in c[1].mention.text)], notes,  # ("Los Mochis" is no one's name)
                       [c for c in best.values() if _line_end(ex.reading(c[1].mention))])
    lists = [list(dict.fromkeys(ids)) for ids in stops_listed.values() if len(set(ids)) >= LISTED_RUN]
    ordered = _as_listed(_travel_order(chosen, rail, finals, _flow_of(chosen, flow, named, gazetteer), lists,
                                       departed, keep_told=turned),
                         lists, finals)

    def told_first(c) -> int:  # where the article first tells the stop, clearly enough to choose it
        p = c[1].place
        return min((pos for pos, q, sc in first_told if sc >= CHOSEN and _same_spot(p, q)),
                   default=told_at.get(p.id, c[1].mention.start))

    ordered, visits = _visit_again(ordered, again, told_first)
    # each second visit cites its own words (the story refuses a stop that repeats another's place and quote):
    # one with none of its own is left out, and so is one that would then follow a visit of the same place
    again_quotes: dict[int, str] = {}
    kept_order, kept_visits, quotes = [], {}, []
    for k, c in enumerate(ordered):
        if k in visits:
            q = _again_quote(text, c[1].mention, {q for j, q in quotes if _same_spot(kept_order[j][1].place,
                                                                                      c[1].place)})
            if q is None or _same_spot(kept_order[-1][1].place, c[1].place):
                continue
            first = next(j for j, o in enumerate(kept_order) if _same_spot(o[1].place, c[1].place))
            kept_visits[len(kept_order)] = (first, visits[k][1])
            again_quotes[len(kept_order)] = q
        else:
            q = quote_for(text, c[1].mention)
        quotes.append((len(kept_order), q))
        kept_order.append(c)
    ordered, visits = kept_order, kept_visits
    strong = sum(1 for s, _, dep in ordered if s >= STRONG or dep)  # weak stops are kept between these
    out = []
    by_order: dict[int, ProposedStop] = {}  # index in `ordered` -> its stop
    for k, (s, r, dep) in enumerate(ordered):
        if k in visits:  # a second visit: the first's place as written, the article's words for going back
            first, why = visits[k]
            was = by_order[first]
            rd = ex.reading(r.mention)
            stop = replace(was, resolved=r, departure=False, review=(), notes=(why,), quote=again_quotes[k],
                           certainty="possible" if rd.possible else "reported" if rd.reported else "stated",
                           mode=rd.mode if rd.mode in ("road", "air", "sea") and not rd.unreal else "rail")
            said, review = (), ()
        else:
            stop = _stop(ex, r, s, dep, gazetteer, [x[1] for x in ordered], reached.get(r.place.id),
                         between=strong >= 2)
            said, review = notes.get(r.place.id, ((), ()))
        if review:  # a reason of its own (the namesake, the two ends) says it better than "weakly cued"
            stop = replace(stop, review=tuple(x for x in stop.review if x != WEAK_REVIEW))
        stop = replace(stop, notes=stop.notes + said, review=stop.review + review)
        if k and stop.mode == "rail" and rail(ordered[k - 1], ordered[k]) is None:
            vias = _vias(ordered[k - 1][1].place, r.place, network, {c.country for c in transit})
            out += vias
            through = () if vias else _countries_between(ordered[k - 1][1].place, r.place, network)
            if through:  # the line crosses a country with no town on it to pass (Bar -> Belgrade: Bosnia)
                transit += [Crossing(c, "", f"not named in the article: the railway from "
                                     f"{ordered[k - 1][1].place.name} to {r.place.name} runs through it")
                            for c in through if c not in {t.country for t in transit}]
            elif not vias:  # no railway in the data joins them at all: a labelled straight line, for review
                why = f"no railway in the data joins {ordered[k - 1][1].place.name} to {r.place.name}: " \
                      "drawn as a straight line"
                stop = replace(stop, straight=True, notes=stop.notes + (why,))
        if 0 < k < len(ordered) - 1 and ordered[k - 1][1].place.id != ordered[k + 1][1].place.id:
            # (between two visits of one place it is where the journey turned: no branch)
            a, b = ordered[k - 1], ordered[k + 1]
            legs = [rail(a, b), rail(a, ordered[k]), rail(ordered[k], b)]
            if None in legs:  # compare like with like: all by rail, or all as the crow flies
                legs = [_crow(a, b), _crow(a, ordered[k]), _crow(ordered[k], b)]
            ab = legs[0]
            extra = legs[1] + legs[2] - ab
            if extra > max(DETOUR_REVIEW * ab, 100):
                stop = replace(stop, review=stop.review + (
                    f"going through it makes the way from {a[1].place.name} to {b[1].place.name} "
                    f"{extra:,.0f} km longer: a branch the journey did not take?",))
        out.append(stop)
        by_order[k] = stop
    kept = {r.place.id for _, r, _ in ordered}
    skipped = []
    for pid, (score, r, _) in sorted(best.items(), key=lambda kv: kv[1][1].mention.start):
        if pid in kept:
            continue
        town = _town_of(gazetteer, r.place) if r.place.kind == "station" else None
        if town is not None and town.id in kept:
            why = f"a station in {town.name}, which is a stop"
        elif score < CHOSEN or pid in denied and score < STRONG:
            why = why_not[pid]
        elif any(c[1].place.id == pid for c in beyond):
            why = f"beyond the {MAX_STOPS} best-cued places"
        elif r.place.kind == "region":
            why = "a region, and a proposed town lies in it"
        elif any(c[1].place.id == pid for c in close):
            why = f"weakly cued, and within {SAME_PLACE_KM:.0f} km of a clearer stop"
        elif any(c[1].place.id == pid for c in far):
            why = "far from all the other stops: maybe another place of that name, which the gazetteer lacks"
        elif any(c[1].place.id == pid for c in other_journeys):
            why = "another journey: no place the railway joins it to is told of the story's own traveller"
        elif any(c[1].place.id == pid for c in after_way):
            why = "no railway in the data joins it to the other stops"
        else:
            why = "weak travel cue, and off the way between the clearly cued stops"
        skipped.append(Skipped(r.place, why, r))
    return Journey(out, skipped, transit)


LOCATING_CHARS = 12  # a region named this close after a town of its country locates it ("Darwin in the NT")


@dataclass(frozen=True)
class Again:
    """The article telling the journey going back to a place it had been to: a second visit."""

    pos: int  # where the article tells it
    resolved: Resolved  # the mention that tells it (its quote)
    place: Place | None  # the place gone back to; None: where the leg to `came_from` began ("and back")
    came_from: Place | None  # the stop it was reached from, when the article says (a leg written out)
    why: str


CHAIN_GAP = 40  # legs written one after the other ("Perth to Glasgow, Glasgow to Mallaig"): this many characters
# at most between one leg's end and the next one's start (a timetable's times between them)


def _same_spot(a: Place | None, b: Place | None) -> bool:
    """One stop on this map: the same place, or a station and its town (SAME_PLACE_KM apart, one country)."""
    return a is not None and b is not None and (a.id == b.id or (
        a.country == b.country and distance_km(a.lat, a.lon, b.lat, b.lon) < SAME_PLACE_KM))


def _visits_again(ex: Extraction) -> tuple[list[Again], set[int]]:
    """Where the article tells the journey going back to a place it had already been to, and the mentions
    that tell those second visits (start offsets; the first visit is what the rest of the article tells):

      * a mention read as going back ("returned to Vienna", "back to Glasgow", « revenus à Lyon », "back in
        Vienna by noon") of a place an earlier mention tells the journey leaving, reaching or stopping at;
      * "and back" after a leg's end ("from Lyon to Annecy and back", « et retour »): back where it began;
      * legs written out one after the other, each from where the last one ended ("Perth to Glasgow, Glasgow
        to Mallaig, Mallaig to Glasgow, Glasgow to Perth"), that reach a place a second time."""
    from . import lang

    text = ex.text
    res = sorted((r for r in ex.resolved if not r.mention.adjective), key=lambda r: r.mention.start)
    events: list[Again] = []
    second: set[int] = set()
    visited: dict[str, set[str]] = {}  # by who went there: the story's own traveller, or a person it names

    def keys(r: Resolved) -> set[str]:
        return {r.place.id, name_key(r.mention.text), name_key(r.place.name)}

    def real(rd) -> bool:
        return not (rd.unreal or rd.uncertain or rd.background) and rd.traveller not in ("others", "line", "place")

    def leaves(rd) -> bool:
        return rd.role == "depart" or rd.leg_start or (rd.role == "ends" and not rd.conjunct)

    def who(rd) -> str:  # the narrator going back where a named person or train went is no second visit
        return "person" if rd.traveller == "person" else "own"

    for k, r in enumerate(res):
        rd = ex.reading(r.mention)
        if not real(rd):
            continue
        r = _bigger_namesake(_as_town(r, rd))
        if r.place.kind not in STOP_KINDS:
            continue
        if rd.returning and keys(r) & visited.get(who(rd), set()):
            second.add(r.mention.start)
            events.append(Again(r.mention.start, r, r.place, None,
                                "visited again: the article tells the journey going back here"))
            continue
        if rd.round_trip:
            began = next((o for o in reversed(res[:k]) if o.mention.sentence == r.mention.sentence and
                          real(ex.reading(o.mention)) and leaves(ex.reading(o.mention)) and
                          o.place.kind in STOP_KINDS and o.place.id != r.place.id), None)
            events.append(Again(r.mention.end, r, began.place if began is not None else None, r.place,
                                "visited again: the article tells the journey going there and back"))
        if rd.role in ("depart", "arrive", "stop", "dest", "ends") or rd.leg_start or rd.leg_end:
            visited.setdefault(who(rd), set()).update(keys(r))
    # legs written out, one after the other
    cues = lang.load(ex.language).cues
    joins = set()
    for kind in ("prep_to", "route_mark", "route_dash"):
        if kind in cues:
            joins |= cues[kind].words
    between = set()  # the words a timetable or a list may set between two legs: "then", « puis », "and"
    for kind in ("sequence", "list_joiner"):
        if kind in cues:
            between |= cues[kind].words
    legs = [(a, b) for a, b in zip(res, res[1:])
            if a.place.kind in STOP_KINDS and b.place.kind in STOP_KINDS and not _same_spot(a.place, b.place)
            and text[a.mention.end:b.mention.start].strip().casefold() in joins
            and real(ex.reading(a.mention)) and real(ex.reading(b.mention))]

    def next_leg(prev, leg) -> bool:  # from where the last one ended, nothing but times or "then" between them
        if not _same_spot(prev[1].place, leg[0].place):
            return False
        if leg[0] is prev[1]:
            return True
        gap = text[prev[1].mention.end:leg[0].mention.start]
        return 0 <= len(gap) <= CHAIN_GAP and all(w.casefold() in between for w in re.findall(r"[^\W\d_]+", gap))

    chain: list[tuple[Resolved, Resolved]] = []
    for leg in legs + [None]:
        if leg is not None and chain and next_leg(chain[-1], leg):
            chain.append(leg)
            continue
        if len(chain) >= 2:
            seen = [chain[0][0].place]
            for j, (a, b) in enumerate(chain):
                if any(_same_spot(b.place, q) for q in seen):
                    second.add(b.mention.start)
                    if j + 1 < len(chain):
                        second.add(chain[j + 1][0].mention.start)  # (and its leaving again)
                    events.append(Again(b.mention.start, b, b.place, a.place,
                                        "visited again: the legs the article writes out reach it a second time"))
                seen.append(b.place)
        chain = [leg] if leg is not None else []
    return events, second


def _visit_again(ordered: list, again: list[Again], told_first) -> tuple[list, dict[int, tuple[int, str]]]:
    """`ordered` with the second visits (`again`) put in: after the stop the journey came from, as the article
    says or as it tells the stops before (`told_first`: where the article first tells a stop); never beside a
    visit of the same place. Returns the stops and, for each second visit, its index -> (the index of the
    first visit, why)."""
    seq = list(ordered)
    told = [told_first(c) for c in seq]
    first_of: dict[int, tuple[int, str]] = {}
    for ev in sorted(again, key=lambda e: e.pos):
        place = ev.place
        if place is None:  # "and back" with no departure told: back to the stop before the leg's end
            at = [i for i, c in enumerate(seq) if _same_spot(c[1].place, ev.came_from)]
            if not at or at[-1] == 0:
                continue
            place = seq[at[-1] - 1][1].place
        first = next((i for i, c in enumerate(seq) if _same_spot(c[1].place, place)), None)
        if first is None:
            continue  # a place not proposed: nothing to go back to
        if seq[first][1].mention.start == ev.resolved.mention.start:
            continue  # the place is proposed from this very mention (see `later` in read_journey)
        after = max((i for i, c in enumerate(seq) if _same_spot(c[1].place, ev.came_from)), default=None) \
            if ev.came_from is not None else None
        if after is None:  # (the stop it came from is not proposed: after the stops told before it)
            after = max((i for i, t in enumerate(told) if t < ev.pos), default=None)
        if after is None or after <= first or _same_spot(seq[after][1].place, place) or (
                after + 1 < len(seq) and _same_spot(seq[after + 1][1].place, place)):
            continue
        s, r, _ = seq[first]
        visit = (s, Resolved(ev.resolved.mention, r.geocode, r.confidence), False)
        k = after + 1
        seq.insert(k, visit)
        told.insert(k, ev.pos)
        first_of = {(i + 1 if i >= k else i): (f + 1 if f >= k else f, w) for i, (f, w) in first_of.items()}
        first_of[k] = (first, ev.why)
    return seq, first_of


def _again_quote(text: str, m: Mention, taken: set[str]) -> str | None:
    """The quote for a second visit: the words around its mention, unless they are the first visit's (the
    story refuses a stop that repeats another's place and quote): then what the sentence says from there on,
    or up to it; None when all of these are taken."""
    from .article import normalize

    seen = {normalize(t) for t in taken}
    a, b = m.sentence
    for q in (quote_for(text, m), text[m.start:b].strip(" ,;:.\n"), text[a:m.end].strip(" ,;:.\n")):
        if q and normalize(q) not in seen:
            return q
    return None


def _left_or_reached(ex: Extraction, m: Mention) -> bool:
    """Is a name that starts with a big town's a station of it, told as the own traveller's ("our train left
    Colombo Fort", "arrived in Bangkok Hua Lamphong"), not a team's or firm's, nor a title in brackets ("El Fuerte
    (Pueblo Mágico)")?"""
    rd = ex.reading(m)
    return rd.role in ("depart", "arrive", "stop", "dest") and rd.travel and not (rd.unreal or rd.uncertain) and \
        rd.traveller in OWN_TRAVELLERS and not ex.text[max(0, m.start - 2):m.start].strip().endswith("(")


def _line_end(rd) -> bool:
    """Told only as where a line goes ("the new line linking Tangier to Casablanca"), nothing else against it."""
    return rd.extension and not (rd.negated or rd.counterfactual or rd.compared or rd.other_trip or rd.person)


def _line_start(ex: Extraction, chosen: list, best: dict) -> tuple[list, dict]:
    """When the article tells where the journey went but not where it began, and describes the line it took
    as joining another place to that destination ("hopping in for a ride to Dodoma" on "the railway connecting
    Dar es Salaam with Dodoma"), that other end is where it began: proposed as the departure, for review. Not
    when a departure is told (Tangier, on "the line linking Tangier to Casablanca", is one; Casablanca stays out)."""
    if not chosen or any(dep for _, _, dep in chosen):
        return chosen, {}
    have = {r.place.id for _, r, _ in chosen}
    ends: dict[tuple[int, int], list] = {}  # sentence -> the line's ends named in it
    for r in ex.resolved:
        if _line_end(ex.reading(r.mention)) and r.place.kind in STOP_KINDS:
            ends.setdefault(r.mention.sentence, []).append(r)
    for named in ends.values():
        ids = {r.place.id for r in named}
        if len(ids) != 2 or not ids & have or ids <= have:
            continue
        start = next(r for r in named if r.place.id not in have)
        dest = next(r for r in named if r.place.id in have)
        score = best[start.place.id][0] if start.place.id in best else 0.0
        why = (f"the other end of the line the article describes as going to {dest.place.name}; taken as where "
               "the journey began",)
        return chosen + [(max(score, CHOSEN), best.get(start.place.id, (0, start))[1], True)], {
            start.place.id: ((), why)}
    return chosen, {}


def _station_name_of_the_next_town(ex: Extraction, r: Resolved) -> bool:
    """A name with a station word, followed within a few words by a town that lies elsewhere: "the Tanzanite
    Station in Dar es Salaam", "Gare Saint-Lazare à Paris" (not "Dar es Salaam station in the city centre")."""
    from . import lang

    cues = lang.load(ex.language).cues
    station_words = cues["station"].lemmas | cues["station"].words
    of = cues["prep_of"].lemmas | cues["prep_of"].words if "prep_of" in cues else frozenset()
    m = r.mention
    before = re.findall(r"[\w']+", ex.text[max(0, m.start - 16):m.start].casefold())[-2:]
    named = bool(before) and (before[-1] in station_words or (
        len(before) == 2 and before[0] in station_words and before[1] in of))  # "Gare de Lyon", "gare d'Austerlitz"
    for o in ex.resolved:
        if not 0 < o.mention.start - m.end <= STATION_GAP_CHARS:
            continue
        gap = ex.text[m.end:o.mention.start]
        if not (named or set(re.findall(r"[\w']+", gap.casefold())) & station_words):
            continue  # "stops in Frankfurt, Karlsruhe and Strasbourg": a list, no station named
        if o.place.kind == "city" and o.place.id != r.place.id and not any(ch in ".;!?\n" for ch in gap) and \
                after_preposition_of_place(ex.text, o.mention.start) and \
                distance_km(r.place.lat, r.place.lon, o.place.lat, o.place.lon) > STATION_TOWN_KM:
            return True
    return False


STATION_GAP_CHARS = 16  # "X Station in Y": the station word and a preposition between the two names


def _told_of_own(ex: Extraction) -> int:
    """How many places the article tells, as fact, of its own traveller (we, the train, the leader)."""
    own = set()
    for r in ex.resolved:
        rd = ex.reading(r.mention)
        if rd.traveller in OWN_TRAVELLERS and not (rd.unreal or rd.uncertain) and \
                rd.role in ("depart", "arrive", "stop", "via", "dest", "ends"):
            own.add(r.place.id)
    return len(own)


PAIR_KM = 50.0  # two towns side by side this far apart are a leg, not a town and its district


def _side_by_side(ex: Extraction) -> set[int]:
    """Start offsets of the first of two towns written side by side with only a space between them: a leg's
    two ends ("Bamako Dakar en train", "Chicago Los Angeles by rail"), as a dash would join them. Not a town
    and the region it is in ("Portland Oregon"), nor two places of one town (PAIR_KM)."""
    res = sorted((r for r in ex.resolved if r.place.kind in STOP_KINDS), key=lambda r: r.mention.start)
    out = set()
    for a, b in zip(res, res[1:]):
        ma, mb = a.mention, b.mention
        if ma.sentence == mb.sentence and ex.text[ma.end:mb.start].isspace() and \
                distance_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon) > PAIR_KM:
            out.add(ma.start)
    return out


def _sentence_mood(ex: Extraction) -> dict:
    """Sentences where a place with a role of its own is told as not travelled (UNREAL) or only possibly
    (UNCERTAIN), and no place with a role is told as travelled: a place the parse hangs nowhere in them shares
    that mood ("une boucle qui relierait Abidjan (... Cotonou et Lomé ...)")."""
    moods: dict = {}
    real: set = set()
    for r in ex.resolved:
        rd = ex.reading(r.mention)
        if rd.role == "none":
            continue
        s = r.mention.sentence
        if rd.unreal:
            moods[s] = min(moods.get(s, 0.0), UNREAL)
        elif rd.uncertain:
            moods[s] = min(moods.get(s, 0.0), UNCERTAIN)
        elif rd.role in ("depart", "arrive", "stop", "dest", "via", "ends"):
            real.add(s)
    return {s: v for s, v in moods.items() if s not in real}


def _among_demonyms(ex: Extraction) -> set[int]:
    """Start offsets of names listed between demonyms ("a mix of Dutch, Germans, Brits and Japanese": Brits,
    South Africa's town, is a people here too): both neighbours in the list are demonyms."""
    from . import lang

    joiners = lang.load(ex.language).cues["list_joiner"].words
    ms = sorted((r.mention for r in ex.resolved), key=lambda m: m.start)

    def listed(a: Mention, b: Mention) -> bool:
        gap = ex.text[a.end:b.start]
        return a.sentence == b.sentence and len(gap) <= 10 and \
            all(w in joiners for w in gap.replace(",", " ").replace(";", " ").casefold().split())

    return {m.start for k, m in enumerate(ms) if not m.adjective and 0 < k < len(ms) - 1 and
            ms[k - 1].adjective and ms[k + 1].adjective and listed(ms[k - 1], m) and listed(m, ms[k + 1])}


FILL_FLOOR = -2.0  # a journey needs two stops: below this, a place is not taken even to make up the second
FILL_FAR_KM = 1000  # ... nor a small town this far from the stop, in another country (a story of one stop builds);
# a city that far only when no nearer town is named (Kapiri Mposhi ... Dar es Salaam)


def _two_ends(chosen, candidates, notes: dict, line_ends=()) -> list:
    """A journey has at least two stops: when fewer towns than that are clearly enough cued, the best cued
    of the other towns the article names make up the number ("the train Abidjan ... Ouagadougou" whose
    second end is only named), marked REVIEW; never one the article says the journey did not go to (the
    caller leaves those out). A place a few km from a stop is that stop, not another."""
    towns = [c for c in chosen if c[1].place.kind in STOP_KINDS]
    if len(towns) >= 2:
        return chosen
    have = {c[1].place.id for c in chosen}
    def far(c) -> bool:  # "this stretch of the Sierra Madre" is no Californian town in a Mexican ride
        return bool(towns) and all(_crow(c, t) > FILL_FAR_KM and c[1].place.country != t[1].place.country
                                   for t in towns)

    rest = sorted((c for c in candidates if c[1].place.kind in STOP_KINDS and c[1].place.id not in have
                   and c[0] >= FILL_FLOOR and not (far(c) and c[1].place.population < ISOLATED_POPULATION)
                   and not any(_crow(c, t) < SAME_PLACE_KM for t in towns)),
                  key=lambda c: (far(c), -c[0], c[1].mention.start))
    out = list(chosen)
    for c in rest:
        if len(towns) >= 2:
            break
        if any(_crow(c, t) < SAME_PLACE_KM for t in towns):
            continue
        towns.append(c)
        out.append(c)
        # a note, not REVIEW: over dev, dev4-dev6 (2026-12-06) all 5 such stops were right
        notes[c[1].place.id] = (("weakly cued, proposed so that the journey has two stops",), ())
    # still one: an end of the line the article describes ("the new railway runs between Addis Ababa and
    # Djibouti" when the traveller boarded at Dire Dawa) makes a map an editor can check, where none would build
    for c in sorted(line_ends, key=lambda c: (-c[0], c[1].mention.start)):
        if len(towns) >= 2:
            break
        if c[1].place.kind not in STOP_KINDS or c[1].place.id in have or any(
                _crow(c, t) < SAME_PLACE_KM for t in towns):
            continue
        towns.append(c)
        out.append(c)
        notes[c[1].place.id] = ((), ("named only as where the line goes: proposed so that the journey has two "
                                     "stops",))
    return out


def mention_score(rd, p: Place, m: Mention) -> tuple[float, bool]:
    """How clearly one mention says the journey stopped at place `p`, and whether it left from there."""
    score = ROLE_SCORE.get(rd.role, 0.0)
    if rd.sentence_travel and rd.role not in ("locate", "origin", "subject"):
        score += 0.5
    if rd.travel and rd.role in ("at", "object"):
        score += 0.5
    score += TRAVELLER_SCORE.get(rd.traveller, 0.0) if rd.role not in ("locate", "origin") else 0.0
    if m.kind in ("spaceport", "station", "port") or rd.station:
        score += 0.5
    if rd.sentence_travel and rd.role in ("none", "at", "object") and not (
            rd.unreal or rd.uncertain or rd.actor or rd.traveller in ("others", "line", "place")):
        # the parse gives no role, but the sentence tells the journey: a weak stop, kept only on the way
        # between the clearly cued ones (see _on_the_way)
        score = max(score, WEAK_FLOOR)
    if rd.unreal:
        score += UNREAL
    elif rd.uncertain:
        score += UNCERTAIN
    if rd.actor:
        score -= 2.0
    if p.kind in WIDE_KINDS:
        score -= 2.0
    elif p.kind == "region":
        score -= 0.75
    if p.kind == "landmark" and p.name.casefold().endswith("kremlin"):
        score -= 1.0
    if rd.person and not rd.conjunct and p.kind == "city" and p.population < PERSON_TOWN and " " not in m.text:
        score -= 1.0  # spaCy reads a person ("Cooper", "Laurent"), not in a list of places; bench/entities.py
    if rd.common and p.kind == "city" and p.population < PERSON_TOWN and " " not in m.text:
        score -= 2.0  # a capitalised word the parse reads as a noun, verb or adjective: "Prix", "Avez-vous"
        if rd.function_word:
            score -= 2.0  # "Durant cette journée": a preposition, not even the second end of a journey
    if rd.determiner and p.kind == "city" and not m.text[:1].islower() and not rd.station and m.query is None and \
            not any(kind for _, kind in query_forms(m.text)):  # "the Cancún station", "the town of Katherine"
        score -= 1.5  # "crossed the Tumen", "vers le Tessin": a river, a region, a train, not the town
    # "left Pyongyang", "from Xining to Golmud"; and the first end of "between Vancouver and Toronto"
    departure = (rd.role == "depart" or (rd.role == "ends" and not rd.conjunct) or rd.leg_start) and \
        not rd.unreal and not rd.uncertain and rd.traveller not in ("others", "line")
    return score, departure


STATION_TOWN_KM = 15.0
OFF_LINE_KM = 3.0  # a town with no railway track this close has no station of its own: a station near by serves it
REGION_TOWN_MARGIN = 1.0  # a region a train goes to is a big city of its name ranked this close below it


def merge_stations(chosen, gazetteer, off_line=None) -> list:
    """A station and its town are one stop ("part de Lyon Part-Dieu" ... "arrive à Lyon"): the town's, with the
    better score and either's departure. The town is the gazetteer's (`town_of`, for railway stations from
    trainline-eu/stations), else a chosen town of the same country within STATION_TOWN_KM whose name begins
    the station's ("Lyon" for "Lyon Part-Dieu"), or for a curated station the nearest chosen town within
    STATION_TOWN_KM ("gare de Iaroslavl" and "Moscou"). Two stations of one town are one stop too. So is a
    station of the small places and a chosen town of its country within STATION_TOWN_KM that lies off the
    railway (`off_line`: no track within OFF_LINE_KM) or after which the station is written in brackets: the
    station is the town's ("to Nuwara Eliya ... head for Nanu Oya", "from Nuwara Eliya (Nanu Oya)")."""
    from .gazetteer import is_small, name_key

    towns = {r.place.id: (s, r, dep) for s, r, dep in chosen if r.place.kind == "city"}
    served = [t for t in towns.values() if not is_small(t[1].place)]
    out: dict[str, tuple] = {}
    station_of_town: dict[str, str] = {}  # town id -> the key its first station stands under
    for s, r, dep in chosen:
        key_id = None
        if is_small(r.place) and r.place.feature == "RSTN":
            town = next((t for t in sorted(served, key=lambda t: distance_km(
                r.place.lat, r.place.lon, t[1].place.lat, t[1].place.lon)) if _serves(r, t[1], off_line)), None)
            if town is not None:
                s, dep, r = max(s, town[0]), dep or town[2], town[1]
        elif r.place.kind == "station":
            town = None
            known = _town_of(gazetteer, r.place)
            if known is not None and known.id in towns:
                town = towns[known.id]
            elif known is not None:
                # two stations of one town that is not itself named as a stop: one stop, the better cued
                # ("from my Denmark Hill commute" beside "the journey begins at London Euston")
                key_id = station_of_town.setdefault(known.id, r.place.id)
            else:
                # a chosen town of the same country close by whose name begins the station's, else (a curated
                # station with no town: "gare de Iaroslavl" in Moscow) the closest chosen town close by
                key = name_key(r.place.name)
                near = sorted((distance_km(r.place.lat, r.place.lon, t[1].place.lat, t[1].place.lon), k, t)
                              for k, t in enumerate(towns.values()) if t[1].place.country == r.place.country)
                near = [(d, t) for d, _, t in near if d < STATION_TOWN_KM]
                town = next((t for _, t in near if key.startswith(name_key(t[1].place.name))), None)
                if town is None and r.place.id.startswith("overlay:") and near:
                    town = near[0][1]
            if town is not None:
                s, dep, r = max(s, town[0]), dep or town[2], town[1]
        key_id = key_id or r.place.id
        prev = out.get(key_id)
        if prev is not None:
            if prev[0] > s:
                r = prev[1]
            s, dep = max(s, prev[0]), dep or prev[2]
        out[key_id] = (s, r, dep)
    return list(out.values())


ONE_SPOT_KM = 5.0


def _same_stop_as(ex: Extraction, c, o) -> bool:
    """Is candidate stop `c` the stop `o` on this map: a few km apart, not named in one list, and
      * `c` weakly cued beside a clearly cued `o` (another station or district of the same town: "my Denmark
        Hill commute" beside "begins at London Euston");
      * or a town beside its own station, however cued ("from Nairobi to Mombasa" ... "arrived at Mombasa
        Terminus"): the better told of the two;
      * or two places the journey leaves, a station and a town much bigger ("began in Delhi, boarding at
        Hazrat Nizamuddin"): the town?"""
    if _crow(c, o) >= SAME_PLACE_KM or _listed(ex, c, o):
        return False
    station = c[1].place.kind == "station" or c[1].place.feature == "RSTN"
    return (o[0] >= STRONG and c[0] < STRONG and not c[2]) or (o[0] > c[0] and _named_alike(c, o)) or (
        c[2] and o[2] and station and (o[1].place.population or 0) > 10 * (c[1].place.population or 0))


def _named_alike(a, b) -> bool:
    """Does one name begin with the other's words ("Mombasa", "Mombasa Terminus")?"""
    from .gazetteer import name_key

    ka, kb = (name_key(x[1].mention.text) for x in (a, b))
    return ka != kb and (kb.startswith(ka + " ") or ka.startswith(kb + " "))


def _listed(ex: Extraction, a, b) -> bool:
    """Are two places named in one list ("passed Tung, Sonada, Ghoom and finally Darjeeling")? Halts a few km
    apart, each a stop."""
    ma, mb = a[1].mention, b[1].mention
    return ma.sentence == mb.sentence and (ex.reading(ma).conjunct or ex.reading(mb).conjunct)


def _stations_by_their_own_name(chosen, gazetteer) -> list:
    """A station called by its own name alone ("pulled into Waverley", "left from Paddington") in a town the
    article also tells as a stop: that station, not a namesake town far away (Waverley, New Zealand)."""
    stations_in = getattr(gazetteer, "stations_in", None)
    if stations_in is None:
        return chosen
    out = list(chosen)
    for k, (s, r, dep) in enumerate(out):
        # (only a small town far from every other stop: "Lyon" is no "Paris Gare de Lyon")
        if r.place.kind != "city" or r.place.population >= ISOLATED_POPULATION or \
                any(_crow(out[k], o) <= ISOLATED_KM for o in out if o is not out[k]):
            continue
        key = name_key(r.mention.text)
        for o in out:
            if o is out[k] or o[1].place.kind != "city":
                continue
            station = next((st for st in stations_in(o[1].place.id) if name_key(st.name).endswith(" " + key)), None)
            if station is not None and _crow(out[k], o) > STATION_TOWN_KM:
                cand = Candidate(station, 0.0, (f"the station {station.name}, in {o[1].place.name}, a stop",))
                geo = Geocode(r.geocode.query, station, (cand, *r.geocode.candidates), r.geocode.confidence)
                out[k] = (s, Resolved(r.mention, geo, r.confidence), dep)
                break
    return out


def _one_stop_per_spot(chosen, ex: Extraction | None = None) -> list:
    """Two places a few km apart in one country are one stop of a rail journey ("Chilca station" and
    "Huancayo", a district and its city): the better cued one, with either's departure. Border stations
    facing each other across a river (Tumangang, Khasan) are two, and so are places the article names side by
    side in one sentence ("passed Tung, Sonada, Ghoom and finally Darjeeling": halts a few km apart)."""
    out: list = []
    for c in sorted(chosen, key=lambda c: (-c[0], c[1].mention.start)):
        twin = next((k for k, o in enumerate(out) if _crow(c, o) < ONE_SPOT_KM
                     and c[1].place.country == o[1].place.country  # not Tumangang and Khasan
                     and not (ex is not None and _listed(ex, c, o))  # not a list of halts
                     # nor two told clearly in one sentence: "stopped at Ghoom and reached Darjeeling"
                     and not (ex is not None and min(c[0], o[0]) >= STRONG and c[1].place.id != o[1].place.id
                              and c[1].mention.sentence == o[1].mention.sentence)), None)

        if twin is None:
            out.append(c)
        elif c[2] and not out[twin][2]:
            out[twin] = (out[twin][0], out[twin][1], True)
    return out  # the caller orders them as the article tells them


def _town_of(gazetteer, station: Place) -> Place | None:
    """The town a railway station is in, as the index knows it (trainline-eu/stations), if it does."""
    town_of = getattr(gazetteer, "town_of", None)
    return town_of(station.id) if town_of is not None else None


def _as_town(r: Resolved, rd) -> Resolved:
    """A stop is a town: a country the journey goes to, with its capital or a big town of the same name among
    its candidates, is that town ("departed Singapore", "arrived in Luxembourg"); so is a region named where
    the journey goes, with a town of its name ("a town in tea country, Nuwara Eliya")."""
    from .gazetteer import name_key

    motion = ("depart", "arrive", "stop", "dest", "via", "ends")
    if not (r.place.kind == "country" and rd.role in motion or
            r.place.kind == "region" and rd.role in (*motion, "at", "none", "object")):
        return r
    key = name_key(r.place.name)
    # a region's town of the same name ("got out at Nuwara Eliya", the district's seat) need not be big
    least = 100_000 if r.place.kind == "country" else 1_000
    town = next((c for c in r.geocode.candidates if c.place.kind == "city" and name_key(c.place.name) == key
                 and c.place.country == r.place.country and (c.place.feature == "PPLC" or c.place.population >= least)
                 and (r.place.kind == "country" or distance_km(r.place.lat, r.place.lon, c.place.lat, c.place.lon) < 100)),
                None)  # not Oregon, Wisconsin for the state of Oregon
    if town is None and r.place.kind == "region" and rd.role in motion:
        # a train goes to a town: a big city of that name the resolver ranked about as high, wherever it is
        # ("arrivés à Vienne": Vienna, not the French département)
        top = r.geocode.candidates[0].score if r.geocode.candidates else 0.0
        town = next((c for c in r.geocode.candidates if c.place.kind == "city" and c.place.population >= 100_000
                     and c.score >= top - REGION_TOWN_MARGIN), None)
    if town is None:
        return r
    rest = tuple(c for c in r.geocode.candidates if c is not town)
    return Resolved(r.mention, Geocode(r.geocode.query, town.place, (town, *rest), r.geocode.confidence), r.confidence)


def _why_not(rd, p: Place) -> str:
    """Why a place is not a stop, from the reading of its best mention."""
    if rd.actor:
        return "acts in the article rather than being visited"
    if rd.person and p.kind == "city":
        return "read as a person's name"
    if p.kind in WIDE_KINDS:
        return f"a {p.kind}, not a stop"
    if rd.negated:
        return "the article says the journey did not go there"
    if rd.counterfactual:
        return "named as what the journey did instead of going there"
    if rd.generic:
        return "going there said in general, not of this journey"
    if rd.hypothetical or rd.conditional or rd.modal:
        return "only planned, expected or possible"
    if rd.other_trip:
        return "named for another trip"
    if rd.extension:
        return "where the line or service goes, not the journey"
    if rd.traveller == "others":
        return "where other people or trains go"
    if rd.traveller == "line":
        return "where a line or a service goes, not the journey told"
    if rd.role == "origin":
        return "where someone comes from"
    if rd.role == "locate":
        return "named only to locate another place"
    return "no travel cue near it"


def _serves(station: Resolved, town: Resolved, off_line) -> bool:
    """Whether a small place's `station` is the station of a chosen `town` (see `merge_stations`)."""
    from .gazetteer import name_key

    a, b = station.place, town.place
    if a.country != b.country or distance_km(a.lat, a.lon, b.lat, b.lon) >= STATION_TOWN_KM:
        return False
    within = town.mention.within
    if within and name_key(within) in (name_key(station.mention.text), name_key(a.name)):
        return True  # "Nuwara Eliya (Nanu Oya)"
    return off_line is not None and off_line(b)


def _off_the_railway(network):
    """Whether a place lies farther than OFF_LINE_KM from the railway track of its country (on `network`, by
    default the embedded world network)."""
    def off(p: Place) -> bool:
        from .rail import default_network

        net = network or default_network()
        return net.snap(p.lat, p.lon, net.allowed_edges({p.country}), country=p.country, max_km=OFF_LINE_KM) is None
    return off


def _vias(a: Place, b: Place, network, transit: set[str] = frozenset()) -> list[ProposedStop]:
    """Waypoints for a leg whose railway runs through a country neither end is in nor the article says was
    crossed (the border rule would find no path): the biggest town on the line in each such country
    ("Munich -> Venice": Innsbruck)."""
    from .rail import default_network
    from .route import transit_vias

    out = []
    for town in transit_vias(a, b, network or default_network()):
        if town.country in transit:
            continue
        why = (f"via point added: the railway from {a.name} to {b.name} runs through {town.country},"
               " which the article does not name; keep it, move it, or remove it")
        cand = Candidate(town, 0.0, ("the biggest town on that line",))
        res = Resolved(Mention(0, 0, town.name, (0, 0)), Geocode(town.name, town, (cand,), 1.0), 1.0)
        out.append(ProposedStop(town.name, "", res, "stated", False, 0.0, (why,), town.country, via=True))
    return out


STRONG = 1.75  # a stop with a clear travel cue; below it, a stop must lie on the way between such stops
WEAK_REVIEW = "weakly cued: kept only because it lies on the way between the clearly cued stops"
DETOUR_KM = 450.0


def _countries_between(a: Place, b: Place, network) -> tuple[str, ...]:
    from .rail import default_network
    from .route import countries_between

    return countries_between(a, b, network or default_network())


NEIGHBOUR_KM = 1000.0  # stops this close whose line crosses another country are joined by it (Bar, Belgrade)
FAR_JOIN = 2.5  # farther apart, both must be told this clearly, one as left (a verb of leaving or arriving)


def _through_another_country(a: Place, b: Place, network) -> bool:
    """The railway joins a to b only through a country neither is in (a via point will say so)."""
    from .rail import default_network
    from .route import joined_through_others

    return a.country != b.country and joined_through_others(a, b, network or default_network())


def _same_paragraph(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    return not re.search(r"\n\s*\n", text[a[1]:b[0]])


def _crow(a, b) -> float:
    """Great-circle km between two candidate stops (score, Resolved, departure)."""
    return distance_km(a[1].place.lat, a[1].place.lon, b[1].place.lat, b[1].place.lon)


NAMESAKE_REVIEW = 10  # a namesake chosen by the railway over a place this many times bigger is marked REVIEW
NAMESAKE_NEIGHBOURS = 5


BIGGER_NAMESAKE = 10  # a town of the same name in the same country this many times bigger is the stop


def _bigger_namesake(r: Resolved) -> Resolved:
    """A place read as a small town near the article's other places when the same country has a town of that
    name BIGGER_NAMESAKE times bigger: the bigger one, for a journey goes far (a train to Udaipur is to
    Udaipur, Rajasthan, not to the village of that name nearer Delhi; to Prince Rupert, BC, not to the
    Edmonton district)."""
    p = r.place
    if p.kind != "city" or r.mention.within:
        return r  # (the text says which: "Portland, Maine")
    alt = max((c for c in r.geocode.candidates if c.place.id != p.id and c.place.kind == "city" and
               c.place.country == p.country and name_key(c.place.name) == name_key(p.name) and
               c.place.population >= max(BIGGER_NAMESAKE * p.population, 10_000)),
              key=lambda c: c.place.population, default=None)
    if alt is None:
        return r
    rest = tuple(c for c in r.geocode.candidates if c is not alt)
    return Resolved(r.mention, Geocode(r.geocode.query, alt.place, (alt, *rest), r.geocode.confidence), r.confidence)


def _by_the_railway(chosen, rail, notes: dict, network=None) -> list:
    """Namesakes chosen by the journey: a stop the railway joins to none of the other stops, when another
    reading of its name is joined to them, takes that reading (Venice, Italy rather than Venice, Florida in
    a trip from London). The story says why, and marks it REVIEW when the place set aside is much bigger."""
    out = list(chosen)
    for k, (s, r, dep) in enumerate(out):
        # (the nearest few stops are enough to tell whether the railway joins it to the journey)
        others = sorted((c for j, c in enumerate(out) if j != k), key=lambda c: _crow(out[k], c))[:NAMESAKE_NEIGHBOURS]
        if not others or any(rail(out[k], o) is not None for o in others):
            continue
        if _through_another_country(r.place, others[0][1].place, network):
            continue  # Paris -> Vienna runs through Germany: joined, with a via point (see _vias)
        for cand in r.geocode.candidates:
            if cand.place.id == r.place.id or cand.place.kind not in STOP_KINDS:
                continue
            if cand.place.country == r.place.country and \
                    max(r.place.population, 1) > NAMESAKE_REVIEW * max(cand.place.population, 1):
                continue  # the data more likely lacks the line (Delhi - Udaipur) than the article means a village
            rest = tuple(c for c in r.geocode.candidates if c is not cand)
            alt = (s, Resolved(r.mention, Geocode(r.geocode.query, cand.place, (cand, *rest), r.geocode.confidence),
                               r.confidence), dep)
            if not any(rail(alt, o) is not None for o in others):
                continue
            was = r.place
            said = (f"{cand.place.name} ({cand.place.country}) rather than {was.name} ({was.kind}, "
                    f"{was.country or 'no country'}): the railway joins it to the other stops",)
            review = (f"chosen over {was.name} ({was.country or was.kind}), a much bigger place",) \
                if max(was.population, 1) > NAMESAKE_REVIEW * max(cand.place.population, 1) else ()
            notes[cand.place.id] = (said, review)
            out[k] = alt
            break
    return out


ON_THE_WAY_MARGIN_KM = 50.0  # a namesake must shorten the way by this much (or a tenth of it) to be taken


def _named_as_station(r: Resolved) -> bool:
    """Is a station read for a name that says it is one ("gare de Lyon", "Union Station")?"""
    from .gazetteer import name_key, rail_words

    words = rail_words("station")
    return r.place.kind == "station" and any(name_key(w) in words for w in r.mention.text.split())


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
        if _named_as_station(r):
            continue  # "la gare de Lyon" read as the Paris station it names is no town of Lyon
        near = (out[k - 1], out[k + 1])
        top = r.geocode.candidates[0].score
        alts = [c for c in r.geocode.candidates if c.place.kind in STOP_KINDS and top - c.score < 1.5]
        if len(alts) < 2 or max(d(a.place, r.place) for a in alts) < 50:
            continue
        before, after = near[0][1].place, near[1][1].place

        def extra(c) -> float:  # how much longer the way is through it
            return d(before, c.place) + d(c.place, after) - d(before, after)

        best = min(alts, key=extra)
        now = next((c for c in alts if c.place.id == r.place.id), alts[0])
        # (two readings both on the way, Valence and Valence-en-Brie from Paris to Avignon: the first stays)
        if best.place.id != r.place.id and \
                extra(now) - extra(best) > max(ON_THE_WAY_MARGIN_KM, 0.1 * d(before, after)):
            rest = tuple(c for c in r.geocode.candidates if c.place.id != best.place.id)
            geo = Geocode(r.geocode.query, best.place, (best, *rest), r.geocode.confidence)
            out[k] = (s, Resolved(r.mention, geo, r.confidence), dep)
    return out


def _on_the_way(chosen, rail=None) -> list:
    """Drop weakly cued stops that are off the way between the clearly cued ones: travellers' connections
    ("venus de Paris ou de Berlin"), side trips and misreadings. A weak stop stays when going through it
    lengthens some leg between two strong stops by at most a quarter of it, and at most DETOUR_KM (plus 50
    km): on a 3,000 km leg a place 600 km off the line is no stop of it. Lengths are by rail where the
    network joins the places (the Trans-Siberian from Khasan to Novosibirsk passes Khabarovsk, which the
    straight line does not), as the crow flies where it does not."""
    strong = [c for c in chosen if c[0] >= STRONG or c[2]]
    if len(strong) < 2:
        return chosen

    def d(a, b) -> float:
        km = rail(a, b) if rail is not None else None
        return km if km is not None else _crow(a, b)

    path = _travel_order(strong)

    keep = []
    for c in chosen:
        if c in strong or any(d(a, c) + d(c, b) - d(a, b) <= min(0.25 * d(a, b), DETOUR_KM) + 50
                              for a, b in zip(path, path[1:])):
            keep.append(c)
    return keep


DETOUR_REVIEW = 0.5  # a stop that lengthens the way between its neighbours by half of it is marked REVIEW


SAME_PLACE_KM = 15.0
ISOLATED_KM = 300.0
ISOLATED_POPULATION = 50_000
ISOLATED_SPAN = 2.0  # ... nor farther than this many times the others' own spread
ISOLATED_DETOUR = 1.2  # ... unless going through it from one other stop to another is at most this much longer
FAR_NAMESAKE_KM = 3000.0  # a small town this far from every other stop, in a country none of them is in


def _isolated(chosen) -> list:
    """Small towns told as stops but far from every other stop, when the others lie close together: most
    likely another place of that name that the gazetteer lacks (it knows Figueras, Asturias, not the
    Catalan town GeoNames spells Figueres)."""
    if len(chosen) < 3:
        return []
    nearest = {id(c): min(_crow(c, o) for o in chosen if o is not c) for c in chosen}
    out = []
    for c in chosen:
        p = c[1].place
        if p.kind == "city" and p.population < ISOLATED_POPULATION and nearest[id(c)] > FAR_NAMESAKE_KM and \
                all(o[1].place.country != p.country for o in chosen if o is not c):
            out.append(c)  # a village of the Philippines named "Maya" in a ride on Mexico's Tren Maya
            continue
        if len(chosen) < 4:
            continue
        others = sorted(nearest[id(o)] for o in chosen if o is not c)
        typical = others[len(others) // 2]
        # (not a town that lies on the way between two other stops: Alice Springs on the Ghan, Darwin-Adelaide)
        between = any(_crow(a, c) + _crow(c, b) <= ISOLATED_DETOUR * _crow(a, b)
                      for a in chosen for b in chosen if a is not c and b is not c and a is not b
                      and a[1].place.country == b[1].place.country == p.country)
        # (nor one at a journey's scale, all in its country: far from the others, but no farther than they are
        # from each other twice over: "rolled into Emeryville" after Denver and Salt Lake City)
        span = max(_crow(a, b) for a in chosen for b in chosen if a is not c and b is not c) if all(
            o[1].place.country == p.country for o in chosen) else 0.0
        if not c[2] and p.kind == "city" and p.population < ISOLATED_POPULATION and not between and \
                nearest[id(c)] > max(ISOLATED_KM, 3 * typical, ISOLATED_SPAN * span):
            out.append(c)
    return out


def _rail_km(network, transit: frozenset[str] = frozenset()):
    """Distance between two candidate stops by rail under the border rule (Khasan -> Ussuriysk -> Vladivostok,
    not Khasan -> Vladivostok -> Ussuriysk, which is shorter as the crow flies); None where the rail network
    has no path."""
    from .rail import default_network

    network = network or default_network()
    cache: dict[tuple[str, str], float | None] = {}
    edges: dict[frozenset, object] = {}
    snaps: dict[tuple[str, frozenset], object] = {}

    def snap(p: Place, countries: frozenset):
        if (p.id, countries) not in snaps:
            snaps[p.id, countries] = network.snap(p.lat, p.lon, edges[countries], country=p.country or None)
        return snaps[p.id, countries]

    def km(a, b) -> float | None:
        pa, pb = a[1].place, b[1].place
        key = (pa.id, pb.id) if pa.id < pb.id else (pb.id, pa.id)
        if key not in cache:
            countries = frozenset({c for c in (pa.country, pb.country) if c} | transit)
            if countries not in edges:
                edges[countries] = network.allowed_edges(set(countries))
            sa, sb = snap(pa, countries), snap(pb, countries)
            path = network.shortest_path(sa, sb, edges[countries]) if sa and sb else None
            cache[key] = path.km if path else None
        return cache[key]

    return km


RAIL_ORDER_STOPS = 12  # up to this many stops, the order is judged by rail distances
TOLD_RUN = 3  # this many stops on the way told in the reverse of the travel order turn the trip round
TOLD_ORDER_SLACK = 1.25  # the order the article tells is kept unless it makes the trip this much longer
TOLD_END_REACHED = 2  # a stop told as reached this often, more than any other and more than it is left, ends the
# trip; once is not enough (a town on the way "reached at noon" in a story that says nothing of the others)


def _flow_of(chosen, flow: dict, named: dict, gazetteer) -> dict:
    """`flow` for the stops as chosen: a stop counts what was told of every place its name was read as (the
    namesake set aside for it: "Euston" read first as a town in Australia) and of the stations in it."""
    town_of = getattr(gazetteer, "town_of", None)
    towns = {i: town_of(i) for i in flow if i.startswith("trainline:")} if town_of is not None else {}
    out = {}
    for _, r, _ in chosen:
        ids = {r.place.id} | named.get(name_key(r.mention.text), set())
        ids |= {i for i, t in towns.items() if t is not None and t.id == r.place.id}
        told = [flow[i] for i in ids if i in flow]
        out[r.place.id] = [sum(t[0] for t in told), sum(t[1] for t in told), min((t[2] for t in told), default=math.inf)]
    return out


def _traveller_s_network(chosen, linked, own: set[str]) -> list:
    """Stops `linked` (by rail, or in one country) fall into groups; a group none of whose places is told
    of the story's own traveller is another journey the article compares ("the Trans-Siberian between Moscow
    and Vladivostok, the Blue Train between Pretoria and Cape Town" in a story of a ride from Adelaide): dropped
    when another group has such a place."""
    groups: list[list] = []
    for c in chosen:
        near = [g for g in groups if any(linked(c, o) for o in g)]
        groups = [g for g in groups if not any(g is x for x in near)] + [[c, *(x for g in near for x in g)]]
    if len(groups) < 2 or not any(c[1].place.id in own for c in chosen):
        return chosen
    # (a lone place no railway joins is left to the rule for legs not made by rail: "flew from Washington")
    keep = {id(c) for g in groups if len(g) == 1 or any(x[1].place.id in own for x in g) for c in g}
    return [c for c in chosen if id(c) in keep]


def _reached(rd) -> bool:
    """The mention tells the journey reaching the place: "arrived in Hakodate", "on to Sapporo", the second
    end of "Oran-Alger"; not a bare "En gare de Coire" (no verb of travel)."""
    return (rd.role in ("arrive", "dest") and rd.travel or rd.leg_end) and not rd.unreal and not rd.uncertain \
        and rd.traveller not in ("others", "line")  # ("we had arrived in Hakodate the night before": reached)


def _to_the_station(rd, m: Mention) -> bool:
    """The traveller goes to a town's station, not by train: to leave from it ("headed for Glasgow's Queen
    Street station"), unlike a train arriving there."""
    # (the traveller may go unsaid: "up early on Monday to head for Glasgow's Queen Street station"; a station
    # named as the journey's destination, "its terminus, Tirano station", is reached)
    return rd.role == "dest" and (rd.station or m.kind == "station") and rd.traveller in ("self", "unknown") and \
        rd.mode != "rail" and not rd.final and not rd.unreal and not rd.uncertain


def _told_end(chosen, flow: dict):
    """The stop the article tells as reached more than any other, and more often than left: where the trip
    ends, wherever the story first names it ("the Kyiv-Warsaw train ... Warsaw was reached at dawn ... the
    train pulled into Warsaw"). None when no one stop stands out so."""
    def net(c) -> float:
        told = flow.get(c[1].place.id, (0, 0))
        return told[0] - told[1]

    if len(chosen) < 2:
        return None
    low = sorted(chosen, key=net)
    end = low[0]
    if net(end) < 0 and net(end) < net(low[1]) and flow.get(end[1].place.id, (0, 0))[1] >= TOLD_END_REACHED:
        return end
    return None


def _travel_order(chosen, rail=None, finals: set[str] = frozenset(), flow: dict | None = None,
                  lists: list[list[str]] = (), departed: set[str] = frozenset(), keep_told: bool = False):
    """Departure first, then the rest in the order the article tells them (`chosen` comes in that order), the
    places named as the destination (`finals`, place ids) last,
    unless that trip is more than TOLD_ORDER_SLACK times the shortest one through the same stops by `rail`
    km (great-circle km where `rail` is None or finds no path): then the shortest (exact for up to 8 stops,
    else greedy). Told order keeps a return ("back to Poland, then on to Warsaw"); the shortest order mends
    a story told out of order.

    Which end the trip starts from is what the whole article says of each place (`flow`: place id -> times
    told as left, times told as reached, where first told as left), not its best mention alone: of several places left, the one left
    more often than reached ("Hakodate to Sapporo" in a headline is one leg of a trip from Tokyo that
    "arrived in Hakodate"); with none told as left, the end less often reached. With no destination named,
    the place told as reached more than any other (and more than it is left) ends the trip (see _told_end),
    unless a sentence lists it before other stops on the way (`lists`: place ids in the order written).
    `keep_told`: the article tells the way turning round ("headed back south to Ribblehead"), so a told order
    longer than the shortest is no sign of a story told out of order: it is kept."""
    flow = flow or {}

    def net(c) -> int:
        told = flow.get(c[1].place.id, (0, 0))
        return told[0] - told[1]

    def reached(c) -> int:
        return flow.get(c[1].place.id, (0, 0))[1]

    def first_left(c) -> float:
        told = flow.get(c[1].place.id, ())
        return told[2] if len(told) > 2 else math.inf

    # a town before a region ("left Western Australia" names no station); ties go to the one the article
    # first tells as left (a headline "Tunis - Annaba"), then keep the told order (sorted is stable)
    deps = sorted((c for c in chosen if c[2]),
                  key=lambda c: (c[1].place.kind not in STOP_KINDS, -net(c), reached(c), first_left(c)))
    end = None if any(c[1].place.id in finals for c in chosen) else _told_end(chosen, flow)
    if end is not None and end is not chosen[0] and end is not chosen[-1]:
        # told between other stops, it is where the trip turned: "reached Kyiv ... returned to Poland and went
        # on to Warsaw" (the told order keeps the return); a lede names the end first, a story tells it last
        end = None
    if end is not None and any(end[1].place.id in ids[:-1] for ids in lists):
        end = None  # a stop the traveller lists on the way ("stopping at Berlin, Leipzig and Erfurt") ends nothing
    if end is not None:
        # (a departure told of it is another leg's or the way back's: "a train ride to and from Kyiv")
        deps = [c for c in deps if c is not end]
        chosen = [c for c in chosen if c is not end] + [end]
    if finals:  # a lede names the destination first: "le train à destination de Ngaoundéré"
        # (named as the destination, it is not where the trip starts because a route's name writes it first:
        # "le train à destination de Bamako ... la ligne Bamako-Kayes"), unless every stop is named so
        # (but a verb of departure governing it, "departs Nairobi Terminus", still starts the trip there)
        if any(c[1].place.id not in finals for c in chosen):
            deps = [c for c in deps if c[1].place.id not in finals or c[1].place.id in departed]
        chosen = [c for c in chosen if c[1].place.id not in finals or c in deps] + \
            [c for c in chosen if c[1].place.id in finals and c not in deps]
    if len(chosen) <= 2:
        order = deps + [c for c in chosen if c not in deps]
        if end is not None:
            return [c for c in chosen if c is not end] + [end]
        if not deps and len(order) == 2 and net(order[1]) > net(order[0]) and order[1][1].place.id not in finals:
            order.reverse()  # "je devais regagner Tunis" with "Sfax" named plainly: Tunis is reached
        return order
    if not deps and max((net(c) for c in chosen if c[1].place.id not in finals), default=0) > 0:
        # none told plainly as left, but one told more as left than reached (a run only planned)
        deps = [max((c for c in chosen if c[1].place.id not in finals), key=net)]
    if end is not None:
        return _ordered(chosen, deps[0] if deps else None, rail, end, lists, keep_told)
    order = _ordered(chosen, deps[0] if deps else chosen[0], rail, lists=lists, keep_told=keep_told)
    if not deps and net(order[-1]) > net(order[0]) and order[-1][1].place.id not in finals:
        # the end told as reached less often starts it
        order = _ordered(chosen, order[-1], rail, lists=lists, keep_told=keep_told)
    told = {id(c): k for k, c in enumerate(chosen)}
    between = [told[id(c)] for c in order[1:-1]]
    if len(between) >= TOLD_RUN and all(a > b for a, b in zip(between, between[1:])) and \
            order[-1][1].place.id not in finals:
        # the stops on the way told one after the other the other way round ("stopped at Dresden, Berlin,
        # Amsterdam, Rotterdam and Antwerp" on a trip the ordering started at Brussels): the trip runs the
        # way the article tells them, whatever a departure told elsewhere suggests (an inaugural run)
        order.reverse()
    return order


LISTED_RUN = 3  # a sentence naming this many stops one after the other tells the way the trip runs
LISTED_AGAINST = 0.75  # the share of the listed stops' pairs the order must run against to be turned round


def _as_listed(order, lists: list[list[str]], finals: set[str] = frozenset()) -> list:
    """`order` turned round when a sentence lists three or more of its stops the other way ("stopping at
    Dresden, Berlin, Amsterdam, Rotterdam and Antwerp" in a trip ordered from Brussels, whose first run the
    article tells): the traveller's own list of stops beats a departure told of another run. Not when a
    destination is named (it ends the trip)."""
    if any(c[1].place.id in finals for c in order):
        return order
    at = {c[1].place.id: k for k, c in enumerate(order)}
    for ids in lists:
        pos = [at[i] for i in dict.fromkeys(ids) if i in at]
        pairs = [(a, b) for k, a in enumerate(pos) for b in pos[k + 1:]]
        # (most of its pairs the other way: one of them may be held at an end by what else is told of it)
        if len(pos) >= LISTED_RUN and sum(a > b for a, b in pairs) >= LISTED_AGAINST * len(pairs):
            return order[::-1]
    return order


def _ordered(chosen, start, rail, end=None, lists: list[list[str]] = (), keep_told: bool = False):
    """`chosen` from `start` (None: from any) to `end` (None: to any): in the told order unless the shortest
    is much shorter, or always with `keep_told` (see _travel_order)."""
    if len(chosen) > RAIL_ORDER_STOPS:
        rail = None  # many stops: every pair by rail would take long; as the crow flies

    def d(a, b):
        crow = _crow(a, b)
        if rail is None:
            return crow
        km = rail(a, b)
        if km is not None:
            return km
        # no railway between them in the data: within one country most likely a line the data lacks (a
        # railway is about 1.3 times the straight line); across a border, an unlikely pair of neighbours
        return (1.3 if a[1].place.country == b[1].place.country else 3) * crow

    middle = [c for c in chosen if c is not start and c is not end]
    # a weakly cued stop is kept because it lies on the way (see _on_the_way): its place in the told order
    # is where it lies on the way between the clearly cued ones, not where the article happens to name it
    weak = [c for c in middle if c[0] < STRONG and not c[2]]
    told = ([start] if start is not None else []) + [c for c in middle if c not in weak] + \
        ([end] if end is not None else [])
    for c in weak:
        spots = range(1 if start is not None else 0, len(told) + (0 if end is not None else 1))

        def added(k):
            return (d(told[k - 1], c) if k > 0 else 0) + (d(c, told[k]) if k < len(told) else 0) - \
                (d(told[k - 1], told[k]) if 0 < k < len(told) else 0)
        told.insert(min(spots, key=added), c)
    shortest = _shortest_order(start, middle, d, end, lists)

    def length(order):
        return sum(d(a, b) for a, b in zip(order, order[1:]))

    return told if keep_told or length(told) <= TOLD_ORDER_SLACK * length(shortest) else shortest


def _monotonic(order, lists) -> bool:
    """Each list's places lie along `order` one after the other, one way or the other."""
    at = {c[1].place.id: k for k, c in enumerate(order)}
    for ids in lists:
        pos = [at[i] for i in ids if i in at]
        if not (all(a < b for a, b in zip(pos, pos[1:])) or all(a > b for a, b in zip(pos, pos[1:]))):
            return False
    return True


def _shortest_order(start, rest, d, end=None, lists: list[list[str]] = ()):
    """`start` (None: any of `rest`), then `rest` in the order of least total `d`, then `end` when given
    (exact for up to 7, else nearest next). Stops a sentence tells one after the other (`lists`: place ids,
    "Tomsk -> Iurga, then Iurga -> Irkutsk") stay in that order or its reverse, when some order keeps them."""
    rest = list(rest)
    if len(rest) <= 7:
        from itertools import permutations

        head, tail = [start] if start is not None else [], [end] if end is not None else []
        kept = [p for p in permutations(range(len(rest))) if _monotonic(head + [rest[k] for k in p] + tail, lists)] \
            if lists else None
        best, best_len = None, math.inf
        for perm in kept or permutations(range(len(rest))):
            total, cur = 0.0, start
            for k in perm:
                if cur is not None:
                    total += d(cur, rest[k])
                cur = rest[k]
            if end is not None and cur is not None:
                total += d(cur, end)
            # ties (and near-ties) go to the article's own order
            total += 1e-6 * sum(abs(pos - k) for pos, k in enumerate(perm))
            if total < best_len:
                best, best_len = perm, total
        return ([start] if start is not None else []) + [rest[k] for k in best] + ([end] if end is not None else [])
    if start is None:
        start = rest.pop(0)
    order, cur = [start], start
    while rest:
        nxt = min(rest, key=lambda c: d(cur, c))
        rest.remove(nxt)
        order.append(nxt)
        cur = nxt
    return order + ([end] if end is not None else [])


def _stop(ex: Extraction, r: Resolved, score: float, departure: bool, gazetteer: Gazetteer,
          others: list[Resolved], reached: str | None = None, between: bool = True) -> ProposedStop:
    text = ex.text
    quote = quote_for(text, r.mention)
    rd = ex.reading(r.mention)
    certainty = "possible" if rd.possible else "reported" if rd.reported else "stated"
    # REVIEW only where the choice is really close: a runner-up scored about as well that would fit the
    # journey as well (in the country of another stop, or near one); a runner-up far off the journey is no
    # doubt (Venice, Florida in a trip from London)
    review, notes = [], []
    runner = next((c for c in r.geocode.candidates[1:]  # not the region a city stands for
                   if "city named like its region" not in r.geocode.candidates[0].why
                   or not (c.place.kind == "region" and c.place.country == r.place.country)), None)
    if runner is not None and distance_km(r.place.lat, r.place.lon, runner.place.lat, runner.place.lon) > 50 \
            and r.geocode.candidates[0].score - runner.score < 1.5 and _fits(runner.place, r, others):
        review.append(f"or {runner.place.name} ({runner.place.kind}, {runner.place.country})? "
                      f"(confidence {r.confidence:.2f})")
    if r.place.kind in ("region", "country"):
        review.append(f"a {r.place.kind}, not a town")
    placed_by = next((w for w in r.geocode.candidates[0].why if PART_OF_NOTE in w), None)
    if placed_by is not None:  # "Halkali, a suburb of Istanbul" that the gazetteer lacks: drawn at Istanbul
        review.append(f"placed at {r.place.name}: {placed_by.split('; ', 1)[-1]}")
    if score < STRONG and between:  # kept only for lying on the way: a passing mention as often as a stop
        review.append(WEAK_REVIEW)
    elif score < STRONG:  # fewer than two clear stops: the weak ones are the journey's best evidence
        notes.append("weakly cued, but the article cues no stop of this journey more clearly")
    if rd.traveller in ("line", "others"):
        review.append("told only as where a line, a section of the train or other people go")
    elif rd.modal:  # a note, not REVIEW: over dev, dev4-dev6 (2026-12-06) all 4 such stops were right
        notes.append("told only with 'could', 'would' or the like: check it was reached")
    if r.mention.kind == "capital":
        land = gazetteer.get(f"country:{r.place.country}")
        notes.append(f"the article calls it \"{r.mention.text}\": the capital of {land.name if land else r.place.country}")
    # Would `mapgen build` (which sees only the stops) pick the same place? If not, give it a country hint.
    country = None
    ctx = Context(countries={o.place.country for o in others if o is not r and o.place.country},
                  points=[(o.place.lat, o.place.lon) for o in others if o is not r])
    try:
        again = gazetteer.geocode(_as_written(r.mention), context=ctx, strict=True)
        same = again.place.id == r.place.id
    except Exception:
        same = False
    if not same:
        country = r.place.country or None
    mode = reached or (rd.mode if rd.mode in ("road", "air", "sea") and not rd.unreal else "rail")
    place = _as_written(r.mention)  # "the border town of Nong Khai" is Nong Khai
    return ProposedStop(place, quote, r, certainty, departure, round(score, 2), tuple(review), country, mode=mode,
                        notes=tuple(notes))


def _fits(p: Place, r: Resolved, others: list[Resolved]) -> bool:
    """Would place `p` fit the journey as well as the choice: in the country of another stop, or within
    FIT_KM of one?"""
    rest = [o.place for o in others if o is not r and o.place.id != r.place.id]  # (nor its other visit)
    return any(o.country == p.country for o in rest) or any(
        distance_km(p.lat, p.lon, o.lat, o.lon) < FIT_KM for o in rest)


FIT_KM = 500.0


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
    journey = read_journey(ex, gazetteer)
    stops = journey.stops
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "article.txt"
    if not target.exists() or target.resolve() != article_path.resolve():
        shutil.copyfile(article_path, target)
    hints: dict[int, dict] = {}
    for _ in range(2 * len(stops) + 1):
        toml_path.write_text(story_toml(ex, stops, hints, journey.skipped, journey.transit), encoding="utf-8")
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
        # fewer than two stops, say: the editor will add one, and the build must then find this one as
        # proposed ("Boukara" for Bukhara is found only by the article's reading of it): each alone
        wrong = []
        for i, s in enumerate(stops):
            try:
                again = gazetteer.geocode(s.place, strict=True)
            except GeocodeError:
                again = None
            if again is None or again.place.id != s.resolved.place.id:
                wrong.append(i)
        return wrong
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


HEADLINE_WORDS = (3, 25)  # a headline is a line of this many words ...
BODY_WORDS = 40  # ... above the first paragraph of this many
MENU_MARKS = (">", "›", "|", "•")  # and not a page's menu or breadcrumb: two of these
HEADLINE_LINES = 40  # looked for among the first lines only


def headline(ex: Extraction) -> str:
    """The article's title: a text pasted from a web page often starts with the page's furniture ("Skip to
    main content", "Menu", a date, a byline), so the first short line above the body that names a place the
    article names ("Day 3: Narvik to Abisko via Riksgränsen"); else its first sentence."""
    text = ex.text
    first = text[ex.article.sentences[0][0]:ex.article.sentences[0][1]].strip() if ex.article.sentences else \
        text[:100].strip()
    named = sorted((r.mention.start, r.mention.end) for r in ex.resolved if not r.mention.adjective)
    starts = [a for a, _ in ex.article.sentences]
    pos = 0
    for line in text.split("\n", HEADLINE_LINES)[:HEADLINE_LINES]:
        start, pos = pos, pos + len(line) + 1
        n = len(line.split())
        if n >= BODY_WORDS:
            break
        if sum(line.count(c) for c in MENU_MARKS) >= 2:
            continue  # a breadcrumb: "Forums > Destinations > Canada"
        lead = start + len(line) - len(line.lstrip())
        k = bisect.bisect_right(starts, lead)
        if k < len(starts) and starts[k] < start + len(line.rstrip()):
            continue  # two sentences: the body's first paragraph, however short
        if HEADLINE_WORDS[0] <= n <= HEADLINE_WORDS[1] and any(start <= a and b <= pos for a, b in named):
            return " ".join(line.split())
    return first


def story_toml(ex: Extraction, stops: list[ProposedStop], hints: dict[int, dict] | None = None,
               skipped: list | None = None, transit: list[Crossing] | None = None) -> str:
    """The text of a story.toml for the proposed stops, with review notes as comments, the countries the
    article says were crossed (`transit`), and the places it names that were not proposed, with why: each
    town as a commented-out [[stops]] block with its quote, ready to uncomment."""
    hints = hints or {}
    text = ex.text
    first = headline(ex)
    title = first if len(first) <= 90 else first[:89].rsplit(" ", 1)[0] + "…"
    lines = [
        "# Proposed by `mapgen new` from the article: check every stop, its order and its quote,",
        "# then the lines marked REVIEW, and fill in the source before publishing.",
        f"title = {_toml(title)}",
        f"language = {_toml(ex.language)}",
    ]
    if ex.article.date:
        lines.append(f"date = {_toml(ex.article.date)}")
    if any(st.straight for st in stops):
        lines += ["# REVIEW: no railway in the embedded data joins some stops (see below): those legs are drawn",
                  "# as labelled straight lines", 'fallback = "straight"']
    if transit:
        lines.append("# countries the journey crossed, as the article says or (REVIEW) as the railway runs: legs may "
                     "use their railways")
        lines.append("transit = [")
        lines += [f"    {{ country = {_toml(c.country)}, quote = {_toml(c.quote)} }},  # {c.name}" if c.quote else
                  f"    {_toml(c.country)},  # REVIEW: {c.name}" for c in transit]
        lines.append("]")
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
        for note in s.notes:
            lines.append(f"# {note}")
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
        lines += ["", "# Also named in the article, not proposed as stops. A town that is one: uncomment its block",
                  "# and move it to its place in travel order."]
        for sk in skipped:
            p = sk.place
            lines += ["", f"# {p.name} ({p.kind}, {p.country or 'no country'}): {sk.why}"]
            if p.kind not in STOP_KINDS or isinstance(sk, tuple):
                continue
            lines += ["# [[stops]]", f"# place = {_toml(_as_written(sk.resolved.mention))}",
                      f"# quote = {_toml(quote_for(text, sk.resolved.mention))}"]
            if p.country:
                lines.append(f"# country = {_toml(p.country)}")
    return "\n".join(lines) + "\n"


def _as_written(m: Mention) -> str:
    """The place as the article writes it, without a leading kind word for a town ("the border town of
    Nong Khai" is Nong Khai; a station or a cosmodrome keeps its word, which tells the geocoder what is meant)."""
    from .extract import CONNECTORS
    from .gazetteer import KIND_WORDS, name_key

    if m.query and (m.query.endswith(m.text) or m.kind == "capital"):
        return m.query  # "au Mans": the name holds its article, "Le Mans"; "the Malian capital": Bamako
    if m.kind != "city":
        return m.text
    words = m.text.split()
    k = 0
    # "the city of Los Mochis" is Los Mochis: a capitalised article is the name's own ("La Paz", "Le Mans")
    while k < len(words) - 1 and (KIND_WORDS.get(name_key(words[k])) == "city" or
                                  name_key(words[k]).split(" ")[0] in CONNECTORS and words[k][:1].islower()):
        k += 1
    rest = " ".join(words[k:])
    for ap in ("'", "\u2019"):  # "ville d'Irkoutsk"
        head, sep, tail = rest.partition(ap)
        if sep and name_key(head) in CONNECTORS:
            rest = tail
    return rest or m.text
