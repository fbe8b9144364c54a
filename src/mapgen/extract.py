"""Find the places an article names, resolve each with the article's context, and propose a journey.

Extraction is dictionary-based, against the gazetteer index: the text is cut into word tokens, runs of up to
MAX_WORDS tokens that start (and end) with a capitalised word are looked up, and the longest run found wins.
Common words that happen to be place names ("Nord", "Mars", "Us", "Will") are dropped by a stop-list and by
case rules; runs of capitalised words that are not places ("Vladimir Poutine", "Kim Jong Un") mark person
and organisation names, and their words are not places elsewhere in the article either. A kind word beside
a name is kept with it ("cosmodrome de Vostochny", "région de l'Amour", "Amur Oblast") so the geocoder
knows what kind of place is meant. French and English prepositions and articles ("à", "de l'", "in the")
are never part of a mention.

Resolution is collective: a first pass places every distinct name alone; the countries and regions the
article names confidently, and the other places it names, then break ties in two more passes (a story about
Primorye wants the Vostochny near Nakhodka; one that names Amur wants the cosmodrome).

The journey (`propose_journey`) keeps the places named in sentences about travel ("a quitté", "est arrivé
à", "left", "arrived in", "train", "gare", "via"), drops places that act rather than host ("Washington a
renouvelé", "le Kremlin a déclaré", "Moscow said"), prefers towns, stations and landmarks to countries and
regions, and orders them from the place of departure onwards.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .article import Article
from .errors import GeocodeError
from .gazetteer import (
    ABBREVIATION, ADJECTIVE, DOTTED, KIND_WORDS, SITE, WIDE_KINDS, Candidate, Context, Gazetteer, Geocode, Place,
    distance_km, name_key, query_forms,
)

MAX_WORDS = 6
# Lower-case words that may sit inside a multi-word name ("Corée du Nord", "Rostov-on-Don", "Isle of Man").
CONNECTORS = {
    "de", "du", "des", "d", "la", "le", "les", "l", "et", "sur", "sous", "en", "lès", "lez", "aux", "au",
    "of", "the", "and", "on", "upon", "by", "in", "am", "an", "der", "die", "das", "im", "del", "di", "da",
    "do", "dos", "das", "y", "e", "el", "al", "van", "von", "ter", "ten", "den", "het", "s",
}
# Words that are place names somewhere but, written alone, are almost always something else.
STOPWORDS = set("""
a an the in on at as be by is it its us we he she they them his her our you your i me my will would can could
may might must shall should do does did done so no not nor or and but if of to for from with without about
above after before again against all any both each few more most much many other some such only own same than
too very just now then there here when where who whom what which why how this that these those one two three
four five six seven eight nine ten hundred thousand million first second third last next new old says said
say told tell asked according also however although though while since until because during under over into
onto upon out up down off per via yes
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december
police president minister government army navy council court union forum center centre city town village
hill hills park beach bay lake river station airport port church school college university hospital street
road avenue square bridge garden gardens hall house home office post times news media press daily star sun
sea seas ocean mer lac moon mars venus earth paradise eden victory liberty independence freedom hope peace progress unity energy
commerce industry enterprise success friendship justice welcome harmony concord union summit mission
conseil etat departement ministere presidence gouvernement armee sommet region pays monde
north south east west western eastern central northern southern national royal golden silver green white
black red blue orange brown rose pink grey gray gold
best good great little big long high low early late
nord sud est ouest centre lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai
juin juillet aout septembre octobre novembre decembre
le la les un une des du de et ou mais donc car ni il elle ils elles on nous vous je tu ce cet cette ces son sa
ses leur leurs mon ma mes ton ta tes notre votre qui que quoi dont ou si selon pour par avec sans sous sur dans
entre vers chez depuis pendant apres avant lors aussi alors ainsi encore deja tres plus moins tout tous toute
toutes grand grande petit petite saint sainte bon bonne belle beau nouveau nouvelle comme quand photo rien
meme deux trois quatre cinq sept huit neuf dix douze cent mille premier premiere dernier derniere
""".split())
# Titles before a person's name: "président Vladimir Poutine", "Mr Kim".
TITLES = set("""
mr mrs ms dr m mme mlle president président presidente prime premier minister ministre king queen prince
princess pope general général gen col colonel sen senator rep gov governor mayor maire leader dirigeant
chancellor chancelier secretary secrétaire sir lady lord saint st st. sheikh cheikh emir émir ayatollah
""".split())
# Words after a name that make it an organisation or a thing rather than a place.
ORG_WORDS = set("""
times post news daily herald tribune journal university college school institute center centre hospital
airlines airways fc united city club council party company corp inc ltd group bank
""".split())
# Words after a name that make it an area or a thing of that place, which is still the place: "Nenagh
# Municipal District", "the A429 Cirencester junction".
AREA_WORDS = set("""
municipal district borough junction roundabout metropolitan area region county parish
""".split())

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_]+(?:[-\u2010\u2011][^\W_]+)*", re.UNICODE)
_KIND_LINKS = {"de", "du", "d", "l", "la", "le", "of", "the"}
_ABBREV_DOT = {"st", "ste", "mt", "ft", "pt"}  # "St. Petersburg", "Mt. Vernon"


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    sentence: int
    first: bool  # first word of its sentence (or after an opening quote)

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Mention:
    """A place name in the text: `text[start:end]`, possibly with a kind word ("cosmodrome de ...")."""

    start: int
    end: int
    text: str
    sentence: tuple[int, int]  # offsets of its sentence
    adjective: bool = False  # a demonym ("russe", "North Korean"): names a country, never a stop
    kind: str | None = None  # the kind its wording implies
    within: str | None = None  # a larger place named right after it ("Parkland, Florida")
    loose: bool = False  # matched only up to transliteration ("Naouchki" for Naushki)


@dataclass(frozen=True)
class Resolved:
    mention: Mention
    geocode: Geocode
    confidence: float

    @property
    def place(self) -> Place:
        return self.geocode.place


@dataclass
class Extraction:
    text: str
    article: Article
    resolved: list[Resolved]
    language: str
    countries: dict[str, float] = field(default_factory=dict)  # how much the article is about each country

    def sentence(self, r: Resolved) -> str:
        a, b = r.mention.sentence
        return self.text[a:b]


# --- tokens and mentions -------------------------------------------------------------------------------

def tokenize(article: Article) -> list[Token]:
    text = article.text
    out: list[Token] = []
    for si, (a, b) in enumerate(article.sentences):
        first = True
        for m in _TOKEN.finditer(text, a, b):
            before = text[max(a, m.start() - 2):m.start()]
            out.append(Token(m.start(), m.end(), m.group(), si, first or bool(re.search(r"[«\"“(:]\s*$", before))))
            first = False
    return out


def _joinable(text: str, a: Token, b: Token) -> bool:
    """May a name run from token a on to token b? Only spaces, a hyphen, an apostrophe or "St." between."""
    gap = text[a.end:b.start]
    if a.sentence != b.sentence:
        return False
    if gap in (" ", "-", "'", "\u2019", "\u2010", "\u2011"):
        return True
    return gap in (". ", ".") and a.text.casefold() in _ABBREV_DOT


def _language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.casefold())
    fr = sum(w in {"le", "la", "les", "des", "est", "et", "une", "dans", "pour", "qui", "du", "au", "à"} for w in words)
    en = sum(w in {"the", "and", "is", "was", "of", "to", "in", "that", "for", "on", "with", "by"} for w in words)
    return "fr" if fr > en else "en"


def find_mentions(article: Article, gazetteer: Gazetteer) -> list[Mention]:
    """Every place name in the article, longest match first, in text order."""
    text = article.text
    toks = tokenize(article)
    lower_elsewhere = {t.text.casefold() for t in toks if not t.cap}
    found: list[tuple[int, int, int]] = []  # (first token, last token, flags)
    i = 0
    parts: list[Mention] = []
    while i < len(toks):
        best = _longest_match(text, toks, i, gazetteer)
        if best is None:
            after_place = bool(found) and bool(re.fullmatch(r"\s*(?:,|,?\s*(?:et|and|ou|or))\s*",
                                                            text[toks[found[-1][1]].end:toks[i].start]))
            loose = _loose_match(article, toks, i, gazetteer, after_place)
            if loose is not None:
                parts.append(loose[1])
                i = loose[0] + 1
                continue
            parts += _hyphen_parts(article, toks[i], gazetteer)
            i += 1
            continue
        j, flags = best
        found.append((i, j, flags))
        i = j + 1

    # Person and organisation names: capitalised runs around a town-only match ("Vladimir Poutine", "Che
    # Adams", "Burton Albion"). A small town's name seen in a person's name is not a place elsewhere in the
    # article either ("Kim Jong Un" ... "Kim a quitté Pyongyang").
    person_words: set[str] = set()
    kept: list[tuple[int, int, int]] = []
    for i, j, flags in found:
        prev = toks[i - 1] if i > 0 and toks[i - 1].sentence == toks[i].sentence else None
        nxt = toks[j + 1] if j + 1 < len(toks) and toks[j + 1].sentence == toks[j].sentence else None
        titled = prev is not None and prev.text.casefold().rstrip(".") in TITLES and _joinable(text, prev, toks[i])
        if not titled and (flags & (ABBREVIATION | ADJECTIVE) or _has_kind(gazetteer, toks, i, j, WIDE_KINDS)):
            kept.append((i, j, flags))
            continue
        name_before = (prev is not None and prev.cap and prev.text.isalpha() and _joinable(text, prev, toks[i])
                       and (not prev.first or gazetteer.has_key(name_key(prev.text)))
                       and name_key(prev.text) not in STOPWORDS and prev.text.casefold() not in CONNECTORS)
        name_after = (nxt is not None and nxt.cap and _joinable(text, toks[j], nxt) and not nxt.upper
                      and nxt.text.casefold() not in AREA_WORDS
                      and name_key(nxt.text) not in KIND_WORDS and nxt.text.casefold() not in ORG_WORDS
                      and name_key(nxt.text) not in STOPWORDS)
        org = nxt is not None and nxt.text.casefold() in ORG_WORDS and _joinable(text, toks[j], nxt)
        if name_before or name_after or titled or org:
            if i == j and not org and _small(gazetteer, toks[i].text):
                person_words.add(toks[i].text)
            continue
        kept.append((i, j, flags))
    mentions = []
    for i, j, flags in kept:
        if i == j and toks[i].text in person_words and not flags & (ABBREVIATION | ADJECTIVE):
            continue
        if i == j and toks[i].first and toks[i].text.casefold() in lower_elsewhere and not flags & ADJECTIVE:
            continue  # a sentence-initial common word ("Nice to meet you", "Bath water")
        start, end, kind = (toks[i].start, toks[j].end, None) if flags & ADJECTIVE else _with_kind_words(text, toks, i, j)
        if flags & DOTTED and end == toks[j].end:
            end += 1  # "Calif."
        s = article.sentences[toks[i].sentence]
        within = None
        for i2, j2, f2 in kept:  # "Parkland, Florida", "Portland, Ore.": the place after the comma holds it
            if i2 == j + 1 and text[toks[j].end:toks[i2].start] == ", " and not f2 & ADJECTIVE:
                within = text[toks[i2].start:toks[j2].end]
                break
        mentions.append(Mention(start, end, text[start:end], s, adjective=bool(flags & ADJECTIVE), kind=kind,
                                within=within))
    return sorted(mentions + parts, key=lambda m: m.start)


def _loose_match(article: Article, toks: list[Token], i: int, gazetteer: Gazetteer,
                 after_place: bool = False) -> tuple[int, Mention] | None:
    """A capitalised name the gazetteer knows only up to transliteration ("Naouchki", "Zamyn-Üüd",
    "Sovetskaïa Gavan"), where the text says it is a place: after a preposition of place, or next in a list
    after a place (`after_place`). Not hamlets: a loose key hits many of those by chance."""
    text = article.text
    if not toks[i].cap or toks[i].upper:
        return None
    if not after_place and not re.search(LOCATIVE, text[max(0, toks[i].start - 80):toks[i].start]):
        return None
    for j in range(min(len(toks), i + 3) - 1, i - 1, -1):
        span = toks[i:j + 1]
        if any(t.sentence != toks[i].sentence for t in span) or not span[-1].cap:
            continue
        if any(not t.cap and t.text.casefold() not in CONNECTORS for t in span):
            continue
        if j > i and not all(_joinable(text, a, b) for a, b in zip(span, span[1:])):
            continue
        key = name_key(text[span[0].start:span[-1].end])
        if key in STOPWORDS or key in KIND_WORDS:
            continue
        if any(p.kind != "city" or p.population >= 1000 for p in gazetteer.lookup_loose(key)):
            s = article.sentences[toks[i].sentence]
            return j, Mention(span[0].start, span[-1].end, text[span[0].start:span[-1].end], s, loose=True)
    return None


HYPHEN_WORDS = set("""
based bound born led run owned made style bred centric wide area region type class linked registered
""".split())
_HYPHEN_PART = re.compile(r"[^\W_]+")
PART_IMPORTANCE = 2.5  # a place named inside a hyphenated word must be a town of about 100,000 or more


def _hyphen_parts(article: Article, tok: Token, gazetteer: Gazetteer) -> list[Mention]:
    """Places inside a hyphenated word that is not a name itself: "the Moscow-Vladivostok line", "London-based",
    "la liaison Paris-Lyon". Every capitalised part must be a prominent place ("Jean-Pierre" is a person,
    "Franco-German" an adjective), lower-case parts are words ("based", "bound"; not "Ho-jin")."""
    from .gazetteer import importance

    if not re.search(r"[-\u2010\u2011]", tok.text):
        return []
    found = []
    for m in _HYPHEN_PART.finditer(tok.text):
        word = m.group()
        if not word[:1].isupper():
            if word.casefold() not in HYPHEN_WORDS:
                return []  # "Chang Ho-jin": a given name, not Ho (Ghana)
            continue
        hits = [p for p, f in gazetteer.lookup_flags(name_key(word)) if not f & (ABBREVIATION | ADJECTIVE | DOTTED)]
        if name_key(word) in STOPWORDS or not hits or max(importance(p) for p in hits) < PART_IMPORTANCE:
            return []
        found.append((tok.start + m.start(), tok.start + m.end(), word))
    s = article.sentences[tok.sentence]
    return [Mention(a, b, w, s) for a, b, w in found]


def _small(gazetteer: Gazetteer, word: str) -> bool:
    return all(p.population < 100_000 and p.kind == "city" for p in gazetteer.lookup(name_key(word)))


def _has_kind(gazetteer: Gazetteer, toks, i, j, kinds) -> bool:
    key = name_key(" ".join(t.text for t in toks[i:j + 1]))
    return any(p.kind in kinds for p in gazetteer.lookup(key))


def _longest_match(text: str, toks: list[Token], i: int, gazetteer: Gazetteer) -> tuple[int, int] | None:
    """The longest run of tokens from i that names a place under the case rules: (last token, flags)."""
    first = toks[i]
    if not first.cap and not _maybe_adjective(first):
        return None
    best = None
    j = i
    while j < len(toks) and j - i < MAX_WORDS:
        if j > i and not _joinable(text, toks[j - 1], toks[j]):
            break
        t = toks[j]
        if j > i and not t.cap and t.text.casefold() not in CONNECTORS and not _maybe_adjective(t):
            break
        key = name_key(text[first.start:t.end])
        if not key:
            break
        if t.cap or (j == i and _maybe_adjective(t)):
            flags = _accept(text, toks, i, j, key, gazetteer)
            if flags is not None:
                best = (j, flags)
        if not gazetteer.has_prefix(key):
            break
        j += 1
    return best


def _maybe_adjective(t: Token) -> bool:
    return not t.cap and len(t.text) >= 4


def _accept(text: str, toks: list[Token], i: int, j: int, key: str, gazetteer: Gazetteer) -> int | None:
    """Flags of the best reading of tokens i..j as a place, or None if they are no place here."""
    hits = gazetteer.lookup_flags(key)
    if not hits:
        return None
    span = toks[i:j + 1]
    words = [t for t in span if t.text.casefold() not in CONNECTORS] or span
    upper = all(t.upper for t in words)  # "LA" is Los Angeles; "La" alone is an article
    lower_start = not span[0].cap
    dot = text[span[-1].end:span[-1].end + 1] == "."
    usable = []
    for _, flags in hits:
        if flags & DOTTED and not dot:
            continue
        if lower_start:
            if flags & ADJECTIVE and not flags & ABBREVIATION:
                usable.append(flags)
        elif flags & ABBREVIATION:
            if upper:
                usable.append(flags)
        elif upper and len(span) == 1 and len(span[0].text) <= 4:
            continue  # "MOW", "NATO": capitals match abbreviations only
        else:
            usable.append(flags)
    if not usable:
        return None
    if i == j and not upper and (key in STOPWORDS or key in KIND_WORDS):
        return None
    if i == j and len(key) < 3 and not upper:
        return None
    return min(usable)


def _with_kind_words(text: str, toks: list[Token], i: int, j: int) -> tuple[int, int, str | None]:
    """Widen a name to a kind word before it ("cosmodrome de", "région de l'") or after it ("Oblast")."""
    start, end, kind = toks[i].start, toks[j].end, None
    k = i - 1
    while k >= 0 and toks[k].sentence == toks[i].sentence and toks[k].text.casefold() in _KIND_LINKS:
        k -= 1
    if k >= 0 and toks[k].sentence == toks[i].sentence and name_key(toks[k].text) in KIND_WORDS:
        if re.fullmatch(r"[\s'\u2019\w]*", text[toks[k].end:toks[i].start]):
            start, kind = toks[k].start, KIND_WORDS[name_key(toks[k].text)]
    if j + 1 < len(toks) and toks[j + 1].sentence == toks[j].sentence and text[toks[j].end:toks[j + 1].start] == " ":
        w = name_key(toks[j + 1].text)
        if w in KIND_WORDS and w not in ("city", "ville", "port"):
            end, kind = toks[j + 1].end, kind or KIND_WORDS[w]
    return start, end, kind


# --- resolution -------------------------------------------------------------------------------------------

@dataclass
class Weights:
    """Tuning of the collective resolution (chosen on half of GeoWebNews; see bench/geowebnews.py)."""

    country_bonus: float = 1.0
    point_bonus: float = 2.0
    point_km: float = 400.0
    region_bonus: float = 2.0
    confident: float = 0.5


WEIGHTS = Weights()


def resolve(article: Article, mentions: list[Mention], gazetteer: Gazetteer, weights: Weights = WEIGHTS,
            *, fallback: bool = False) -> list[Resolved]:
    """Place every mention, using what the rest of the article says.

    Mentions found by `find_mentions` are always in the gazetteer. Spans given from outside (a benchmark's
    gold toponyms) may not be: with `fallback`, such a name is placed by the longest known name inside it
    ("Cavan County Council" -> Cavan) or else at the article's focus (the place it names most), with a low
    confidence; without it, it is left out. So is a site named after a place it is not ("Royal Street",
    "Hotel Kyjev", "University of California"): never that place, at best somewhere in the focus town."""
    groups: dict[tuple[str, str | None], list[Mention]] = {}
    for m in mentions:
        groups.setdefault((name_key(m.text), m.kind, m.within), []).append(m)
    names = {k: ms[0].text for k, ms in groups.items()}
    inner: dict[tuple[str, str | None], str] = {}
    sites = set()  # "Royal Street", "Hotel Kyjev": named after a place, inside another one
    for k, text in names.items():
        forms = query_forms(text)
        if (k[1] == SITE or any(kind == SITE for _, kind in forms)) and not gazetteer.has_key(forms[0][0]):
            sites.add(k)
        elif not any(gazetteer.has_key(key) for key, _ in forms) and fallback:
            sub = _inner_name(text, gazetteer)
            if sub:
                inner[k] = sub

    holders: dict[str, Place | None] = {}
    for k in names:
        if k[2] and k[2] not in holders:
            try:
                holders[k[2]] = gazetteer.geocode(k[2], strict=False).place
            except GeocodeError:
                holders[k[2]] = None

    def run(ctx_for) -> dict:
        out = {}
        for k, text in names.items():
            if k in sites:
                out[k] = None
                continue
            ctx = ctx_for(k)
            if k[2] and holders.get(k[2]) is not None:
                ctx = ctx or Context()
                ctx.within = holders[k[2]]
            try:
                out[k] = gazetteer.geocode(inner.get(k, text), context=ctx, strict=False, kind=k[1],
                                           loose=any(m.loose for m in groups[k]))
            except GeocodeError:  # a name the index does not know (only possible for spans given from outside)
                out[k] = None
        return out

    first = run(lambda k: None)
    countries = _country_weights(groups, first)
    regions = [g.place for k, g in first.items() if g and g.place.kind == "region" and g.confidence >= weights.confident]

    def ctx1(k):
        return Context(country_weight=countries, regions=[r for r in regions if names[k] != r.name],
                       country_bonus=weights.country_bonus, region_bonus=weights.region_bonus)

    second = run(ctx1)
    countries = _country_weights(groups, second)
    regions = [g.place for k, g in second.items() if g and g.place.kind == "region" and g.confidence >= weights.confident]

    def ctx2(k):
        pts, ws = [], []
        for k2, g in second.items():
            if k2 == k or g is None or g.place.kind in WIDE_KINDS:
                continue
            if g.confidence >= weights.confident:
                pts.append((g.place.lat, g.place.lon))
                ws.append(min(1.0, g.confidence))
        return Context(country_weight=countries, regions=[r for r in regions if names[k] != r.name],
                       points=pts, point_weight=ws, country_bonus=weights.country_bonus,
                       point_bonus=weights.point_bonus, point_km=weights.point_km, region_bonus=weights.region_bonus)

    third = run(ctx2)
    # the focus is what the article names outright, not what the insides of unknown names suggest
    focus = _focus(groups, {k: g for k, g in third.items() if k not in inner}, countries, gazetteer) \
        if fallback else None
    out = []
    for m in mentions:
        k = (name_key(m.text), m.kind, m.within)
        g = third.get(k)
        if g is not None:
            conf = g.confidence * (0.5 if k in inner else 1.0)
            out.append(Resolved(m, g, round(conf, 3)))
        elif focus is not None:
            cand = Candidate(focus, 0.0, ("unknown name; placed at the article's focus",))
            out.append(Resolved(m, Geocode(m.text, focus, (cand,), 0.05), 0.05))
    return out


def _inner_name(text: str, gazetteer: Gazetteer) -> str | None:
    """The most prominent known place name inside an unknown one ("Cavan County Council" -> Cavan,
    "Virginia Gateway" -> Virginia); None when the only ones are common words or hamlets ("Woodman Point")."""
    from .gazetteer import importance

    words = [m.group() for m in _TOKEN.finditer(text)]
    best, best_score = None, 0.0
    for n in range(len(words) - 1, 0, -1):
        for a in range(len(words) - n + 1):
            part = " ".join(words[a:a + n])
            key = name_key(part)
            if not words[a][:1].isupper() or key in STOPWORDS or key in KIND_WORDS or len(key) < 3:
                continue
            places = gazetteer.lookup(key)
            if not places:
                continue
            top = max(importance(p) for p in places)
            if top > best_score:
                best, best_score = part, top
    return best if best_score >= 2.35 else None  # about a town of 20,000


FOCUS_KM = 300.0  # tuned on GeoWebNews dev: 150 km 79.2 %, 300-500 km 80.0 %, 1000 km 79.1 %


def _focus(groups, resolved, countries, gazetteer) -> Place | None:
    """The place the article is most about: the named town or region with the most named around it (a
    town named three times far from all the others is likely a word that is not a place there: a floor
    plan called "Norbury"), else its main country."""
    weight: dict[str, tuple[float, Place]] = {}
    for k, g in resolved.items():
        if g is None or g.place.kind in WIDE_KINDS or g.confidence < 0.3:
            continue
        w = len(groups[k]) * g.confidence * (1.2 if g.place.kind == "city" else 1.0) * (0.2 + countries.get(g.place.country, 0.0))
        prev = weight.get(g.place.id, (0.0, g.place))
        weight[g.place.id] = (prev[0] + w, g.place)
    if weight:
        def around(p: Place) -> float:
            return sum(w * math.exp(-distance_km(p.lat, p.lon, q.lat, q.lon) / FOCUS_KM) for w, q in weight.values())
        return max(weight.values(), key=lambda x: (round(around(x[1]), 6), x[0], x[1].population))[1]
    if countries:
        return gazetteer.get(f"country:{max(countries, key=countries.get)}")
    return None


def _country_weights(groups, resolved) -> dict[str, float]:
    """How much the article is about each country: its mentions of the country and of places in it.

    Each name spreads one vote over its candidates' countries by how likely each reading is (a softmax of
    their scores), so "Birmingham" counts mostly for GB and a little for US; a town's vote is scaled by its
    size (a hamlet called Copley is weak evidence), a country's counts in full."""
    count: dict[str, float] = {}
    for k, g in resolved.items():
        if g is None:
            continue
        n = len(groups[k])
        top = g.candidates[0].score
        ws = [math.exp(c.score - top) for c in g.candidates]
        total = sum(ws)
        for c, w in zip(g.candidates, ws):
            p = c.place
            if not p.country:
                continue
            size = 1.0 if p.kind != "city" else min(1.0, (p.population + 1) / 100_000) ** 0.5
            count[p.country] = count.get(p.country, 0.0) + n * (w / total) * size
    if not count:
        return {}
    top = max(count.values())
    return {c: round(v / top, 3) for c, v in count.items() if v / top >= 0.05}


def extract(article: Article | str, gazetteer: Gazetteer | None = None) -> Extraction:
    """Find and resolve every place the article names."""
    if isinstance(article, str):
        article = Article.parse(article)
    gazetteer = gazetteer or Gazetteer.open()
    mentions = find_mentions(article, gazetteer)
    resolved = resolve(article, mentions, gazetteer)
    countries: dict[str, float] = {}
    for r in resolved:
        if r.place.country:
            countries[r.place.country] = countries.get(r.place.country, 0) + 1
    return Extraction(article.text, article, resolved, _language(article.text),
                      dict(sorted(countries.items(), key=lambda kv: -kv[1])))


# --- the journey ------------------------------------------------------------------------------------------

# Travel words, as whole words or word starts (casefolded, accents kept).
TRAVEL = re.compile(
    r"\b(?:quitt\w*|arriv\w*|parti[est]?\b|part\b|départ\w*|rend\w*|dirige\w*|dirigeait|poursui\w*|rejoin\w*|"
    r"travers\w*|voyag\w*|train\w*|gare\w*|ferroviaire\w*|via|escale\w*|étape\w*|descend\w*|"
    r"left|leav\w*|arriv\w*|depart\w*|head\w*|travel\w*|journey\w*|trip\w*|reach\w*|crossed|cross\w*|"
    r"rail\w*|station\w*|stopp\w*|stops?|halt\w*|border\w*|bound|board\w*|continu\w*|route\w*|visit\w*|visite\w*|"
    r"arrêt\w*|franchi\w*|frontière\w*|locomotive\w*|convoi\w*|longe\w*|voitures?-lits|wagons?|sleepers?)",
    re.IGNORECASE,
)
DEPARTURE = re.compile(r"\b(?:quitt\w*|parti[est]?\s+(?:de|du|d)|départ\s+(?:de|du|d)|left|depart\w*\s+from|"
                       r"leaving|set\s+off\s+from|from)\b", re.IGNORECASE)
REPORTED = re.compile(r"\b(?:selon|a\s+déclaré|ont\s+déclaré|ont\s+rapporté|a\s+rapporté|a\s+indiqué|"
                      r"ont\s+indiqué|citant|said|says|reported|according\s+to|told)\b", re.IGNORECASE)
POSSIBLE = re.compile(r"\b(?:possible|pourrai\w*|probabl\w*|peut-être|éventuel\w*|envisag\w*|prévu\w*|"
                      r"may|might|could|would|likely|expected|possibly|plans?\s+to)\b", re.IGNORECASE)
# A place that acts: followed by a verb of saying or doing ("Washington a renouvelé", "Moscow said").
ACTOR_AFTER = re.compile(
    r"^\s*(?:(?:et|and)\s+[^\s,.;]+\s+)?(?:(?:,[^,]{0,60},)\s*)?"
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
# A preposition of place before the name, or before a list the name ends ("stops at Gori and Kutaisi").
_PREP = r"(?:à|au|aux|vers|jusqu['’]à|via|par|in|at|to|into|towards?|through)"
_ART = r"(?:la\s+|le\s+|l['’]\s*|les\s+|the\s+)?"
LOCATIVE = (rf"(?:^|\s){_PREP}\s+{_ART}(?:[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*)*\s*,\s*)*"
            rf"(?:[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*)*\s+(?:and|et|or|ou)\s+{_ART})?$")
# Reaching a place: "arrived in", "before reaching", "arrivé à", "l'arrivée à", "bound for".
ARRIVAL = (r"(?:arriv\w*|reach\w*|bound\s+for|à\s+destination\s+(?:de|du|d['’])|jusqu['’]à|terminus)"
           r"(?:\s+(?:in|at|à|au|en|on|the\s+\w+\s+(?:city|town|port)\s+of|la\s+ville\s+de))*\s+" + _ART + "$")


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
    mentioned: dict[str, int] = {}
    for r in ex.resolved:
        mentioned[r.place.id] = mentioned.get(r.place.id, 0) + 1
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
        departure = bool(re.search(
            r"(?:quitt\w*|left|leaves|leaving|depart\w*\s+from|départ\s+de|parti[est]?\s+(?:de|d['’]))\s+"
            r"(?:la\s+|le\s+|l['’]\s*|the\s+)?$", before, re.IGNORECASE)) or bool(
            re.search(r"part\w*\s+en\s+train\s+de\s+$|left\s+by\s+train\s+from\s+$", before, re.IGNORECASE)) or bool(
            # "from Beijing to Ulaanbaatar", "de Pékin à Moscou"; not "travellers from Yerevan can connect"
            re.search(r"(?:^|\s)(?:from|de|d['’])\s*$", before, re.IGNORECASE)
            and re.match(r"\s*(?:,[^,]{0,40},\s*)?(?:to|for|à|au|vers|jusqu['’]à)\s", after, re.IGNORECASE))
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
    chosen.sort(key=lambda x: told_at[x[1].place.id])
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
            if score < 1.0:
                why = why_not[pid]
            elif r.place.kind == "region":
                why = "a region, and a proposed town lies in it"
            elif any(c[1].place.id == pid for c in after_way):
                why = "no railway joins it to the other stops"
            else:
                why = "weak travel cue, and off the way between the clearly cued stops"
            skipped.append((r.place, why))
    return out


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


def _on_the_way(chosen):
    """Drop weakly cued stops that are off the way between the clearly cued ones: travellers' connections
    ("venus de Paris ou de Berlin"), side trips and misreadings. A weak stop stays when going through it
    lengthens some leg between two strong stops by at most a quarter of it (plus 50 km)."""
    strong = [c for c in chosen if c[0] >= STRONG or c[2]]
    if len(strong) < 2:
        return chosen
    path = _travel_order(strong)

    def d(a, b):
        return distance_km(a[1].place.lat, a[1].place.lon, b[1].place.lat, b[1].place.lon)

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
        crow = distance_km(a[1].place.lat, a[1].place.lon, b[1].place.lat, b[1].place.lon)
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
    runner = r.geocode.candidates[1] if len(r.geocode.candidates) > 1 else None
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
    return ProposedStop(r.mention.text, quote, r, certainty, departure, round(score, 2), tuple(review), country,
                        mode=mode)


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


__all__ = ["Mention", "Resolved", "Extraction", "ProposedStop", "extract", "find_mentions", "resolve",
           "propose_journey", "quote_for", "Weights", "WEIGHTS"]


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
