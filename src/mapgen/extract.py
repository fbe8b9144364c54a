"""Find the places an article names and resolve each with the article's context.

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

The journey an article tells is proposed from what this finds in `journey.py`.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
import string
from dataclasses import dataclass, field, replace

from .article import Article
from .errors import GeocodeError
from .gazetteer import (
    _CONTRACTED, _DOTTED_WORD, VARIANT_POPULATION, ABBREVIATION, ADJECTIVE, AIRPORT_WORDS, CLUSTER_KM, DOTTED, KIND_WORDS, SITE, WIDE_KINDS, Candidate, Context, Gazetteer, Geocode, Place,
    distance_km, name_connectors, name_key, query_forms, rail_words, variant_keys,
)

MAX_WORDS = 6
# Lower-case words that may sit inside a multi-word name ("Corée du Nord", "Rostov-on-Don", "Isle of Man").
CONNECTORS = name_connectors()  # geo/gazetteer/name_connectors.csv
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
police president minister government army navy council court union forum center centre city town village war date
hill hills park beach bay lake river station airport port church school college university hospital street area
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


@dataclass(frozen=True)
class NameCues:
    """Words around a place's name that make it part of another name (`lang/<language>/names.toml`, every
    language's together): an office of the place ("Fort Wayne City Council", "Denton Mayor"), an organisation
    named after it ("The Washington Post"), an abbreviation that is never a place ("Sen.", "Jan.")."""

    office: frozenset[str] = frozenset()
    institution: frozenset[str] = frozenset()  # an office only of a place that is no small town
    organisation: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    honorifics: frozenset[str] = frozenset()  # written with a full stop before a person's name ("Mr. Camden")
    titles: frozenset[str] = frozenset()  # written before a person's name without one ("Sheriff Denton")
    office_kinds: frozenset[str] = frozenset()  # an office's kind before an office word ("Superior Court")
    common_words: frozenset[str] = frozenset()  # words of prose only small towns are named ("Democrat", "Congress")
    part_words: frozenset[str] = frozenset()  # "Halkali, a suburb of Istanbul": a part of the place after it
    part_links: frozenset[str] = frozenset()  # ... the word before that place ("of", « de »)
    part_fillers: frozenset[str] = frozenset()  # ... and the words allowed between ("on the European side")
    contractions: frozenset[str] = frozenset()  # after an apostrophe, no part of a name ("Rome'll")
    elisions: frozenset[str] = frozenset()  # before one, no part of a name (« Qu'il », « Jusqu'alors »)
    near_links: frozenset[str] = frozenset()  # "Shalimar near Kolkata", « Halkali, près d'Istanbul »: close to it
    region_office: frozenset[str] = frozenset()  # right after a name, an office only a state has ("Governor")
    from_words: frozenset[str] = frozenset()  # "from Luang Phabang": a name known up to transliteration is a place

    @property
    def any_org(self) -> frozenset[str]:
        return self.office | self.institution | self.organisation


@functools.lru_cache(maxsize=None)
def name_cues() -> NameCues:
    import tomllib

    from .lang import LANG_DIR

    office, institution, org, abbrev, honorific, titles, kinds, common = set(), set(), set(), set(), set(), set(), set(), set()
    part, links, fillers, contractions, elisions, near, region_office, froms = (set() for _ in range(8))
    for path in sorted(LANG_DIR.glob("*/names.toml")):
        d = tomllib.loads(path.read_text(encoding="utf-8"))
        office |= set(d.get("office_words", ()))
        institution |= set(d.get("institution_words", ()))
        org |= set(d.get("organisation_words", ()))
        abbrev |= set(d.get("abbreviations", ()))
        honorific |= set(d.get("honorifics", ()))
        titles |= set(d.get("titles", ()))
        kinds |= set(d.get("office_kinds", ()))
        common |= set(d.get("common_words", ()))
        part |= set(d.get("part_words", ()))
        links |= set(d.get("part_links", ()))
        fillers |= set(d.get("part_fillers", ()))
        contractions |= set(d.get("contractions", ()))
        elisions |= set(d.get("elisions", ()))
        near |= set(d.get("near_links", ()))
        region_office |= set(d.get("region_office_words", ()))
        froms |= set(d.get("from_words", ()))
    return NameCues(frozenset(office), frozenset(institution), frozenset(org), frozenset(abbrev), frozenset(honorific),
                    frozenset(titles), frozenset(kinds), frozenset(common), frozenset(part), frozenset(links),
                    frozenset(fillers), frozenset(contractions), frozenset(elisions), near_links=frozenset(near),
                    region_office=frozenset(region_office), from_words=frozenset(froms))
# Words after a name that make it an area or a thing of that place, which is still the place: "Nenagh
# Municipal District", "the A429 Cirencester junction".
AREA_WORDS = set("""
municipal district borough junction roundabout metropolitan area region county parish
""".split()) | rail_words("thing")  # and a rail thing named after it: "the Nampula to Cuamba Train" is no person's

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_]+(?:[-\u2010\u2011][^\W_]+)*", re.UNICODE)
_KIND_LINKS = {"de", "du", "d", "l", "la", "le", "of", "the", "di", "del", "do", "da"}  # "stazione di Tirano"
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
    person: bool = False  # inside a name the parse reads as a person's ("Noma (not her real name)")
    query: str | None = None  # the name to look up when not the text: "Fulton County" for "Fulton and DeKalb counties"
    part_of: bool = False  # `within` is named as what it is part of: "Halkali, a suburb of Istanbul"
    # inside a longer name: "office" ("Fort Wayne City Council", "Denton Mayor": still evidence of where the
    # article is), "organisation" ("The Washington Post", "Malaysia Airlines": no evidence) or "named", a name
    # that only starts with a big place's ("the Memphis Grizzlies"; but "left Colombo Fort" is a station of it)
    organisation: str | None = None


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
    readings: dict[tuple[int, int], "Reading"] = field(default_factory=dict)  # what the sentence says of each mention
    spans: list[tuple[Mention, Resolved | None]] = field(default_factory=list)  # extract(spans=...): one per span

    def sentence(self, r: Resolved) -> str:
        a, b = r.mention.sentence
        return self.text[a:b]

    def reading(self, m: Mention):
        """What the sentence says about a mention (lang.reader.Reading; a neutral one when not parsed)."""
        from .lang.reader import Reading

        return self.readings.get((m.start, m.end)) or Reading()


# --- tokens and mentions -------------------------------------------------------------------------------

def tokenize(article: Article) -> list[Token]:
    text = article.text
    out: list[Token] = []
    for si, (a, b) in enumerate(article.sentences):
        first = True
        for m in _TOKEN.finditer(text, a, b):
            before = text[max(a, m.start() - 2):m.start()]
            prev = out[-1] if out and not first else None
            if prev is not None and text[prev.end:m.start()] in ("'", "\u2019") and _apostrophe_inside(prev.text, m.group()):
                out[-1] = Token(prev.start, m.end(), text[prev.start:m.end()], si, prev.first)  # "Xi'an", "Tai'an"
                continue
            out.append(Token(m.start(), m.end(), m.group(), si, first or bool(re.search(r"[«\"“(:]\s*$", before))))
            first = False
    return out


def _apostrophe_inside(a: str, b: str) -> bool:
    """Is the apostrophe between `a` and `b` inside one name ("Xi'an", "Tai'an", "Ma'anshan": a capitalised
    syllable, then lower-case letters), not a possessive, a contraction ("Rome'll") or an elision (« Qu'il »;
    `contractions` and `elisions` in lang/<language>/names.toml)?"""
    cues = name_cues()
    return len(a) >= 2 and a[0].isupper() and a[1:].islower() and len(b) >= 2 and b.islower() and b.isalpha() \
        and b not in cues.contractions and a.casefold() not in cues.elisions


def _joinable(text: str, a: Token, b: Token) -> bool:
    """May a name run from token a on to token b? Only spaces, a hyphen, an apostrophe or "St." between."""
    gap = text[a.end:b.start]
    if a.sentence != b.sentence:
        return False
    if gap in (" ", "-", "'", "\u2019", "\u2010", "\u2011"):
        return True
    # "St. Petersburg", "Mt. Vernon"; an initial before a dotted abbreviation: "W.Va.", "W. Va."
    return gap in (". ", ".") and (a.text.casefold() in _ABBREV_DOT or len(a.text) == 1 and a.text.isupper())


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
        after_place = bool(found) and bool(re.fullmatch(r"\s*(?:,|,?\s*(?:et|and|ou|or))\s*",
                                                        text[toks[found[-1][1]].end:toks[i].start]))
        if best is not None and best[0] + 1 < len(toks) and toks[best[0] + 1].cap \
                and _joinable(text, toks[best[0]], toks[best[0] + 1]):
            # "Novy Urgal", "Luang Phabang": a longer name the index knows up to transliteration (Novyy Urgal,
            # Luang Prabang) beats the shorter one it knows exactly ("Novy", "Luang")
            longer = _loose_match(article, toks, i, gazetteer, after_place)
            if longer is not None and longer[0] > best[0]:
                parts.append(longer[1])
                i = longer[0] + 1
                continue
        if best is None:
            loose = _variant_match(article, toks, i, gazetteer) or \
                _loose_match(article, toks, i, gazetteer, after_place)
            if loose is not None:
                parts.append(loose[1])
                i = loose[0] + 1
                continue
            short = _short_name(article, toks, i, gazetteer)
            if short is not None:
                parts.append(short)
            else:
                parts += _hyphen_parts(article, toks[i], gazetteer)
            i += 1
            continue
        j, flags = best
        if j > i and toks[i].text.casefold() in CONNECTORS:
            later = _longest_match(text, toks, i + 1, gazetteer)
            if later is not None and later[0] > j:  # "The Fort Wayne City Council" is Fort Wayne's, not "The Fort"
                i += 1
                continue
        found.append((i, j, flags))
        i = j + 1

    # Person and organisation names: capitalised runs around a town-only match ("Vladimir Poutine", "Che
    # Adams", "Burton Albion"). A small town's name seen in a person's name is not a place elsewhere in the
    # article either ("Kim Jong Un" ... "Kim a quitté Pyongyang").
    person_words: set[str] = set()
    kept: list[tuple[int, int, int]] = []
    starts, ends = {i: j for i, j, _ in found}, {j: i for i, j, _ in found}
    flags_at = {i: f for i, _, f in found}

    def big(i: int, j: int) -> bool:  # a city of 100,000 or more, and nothing wider of that name
        places = gazetteer.lookup(name_key(" ".join(t.text for t in toks[i:j + 1])))
        return any(p.kind == "city" and p.population >= 100_000 for p in places) and \
            not any(p.kind in WIDE_KINDS for p in places)

    roles: dict[int, str] = {}  # first token -> "office" or "organisation" (see NameCues)
    for i, j, flags in found:
        # two big places side by side are two places, not one person's name ("le trajet Vladivostok Moscou")
        big_pair = big(i, j) and ((j + 1 in starts and big(j + 1, starts[j + 1])) or
                                  (i - 1 in ends and big(ends[i - 1], i - 1)))
        prev = toks[i - 1] if i > 0 and toks[i - 1].sentence == toks[i].sentence else None
        nxt = toks[j + 1] if j + 1 < len(toks) and toks[j + 1].sentence == toks[j].sentence else None
        titled = prev is not None and (prev.text.casefold().rstrip(".") in TITLES | name_cues().titles
                                       and _joinable(text, prev, toks[i])
                                       or prev.text.casefold() in name_cues().honorifics
                                       and text[prev.end:toks[i].start] == ". ")  # "Mrs. Camden"
        role = _name_role(text, toks, i, j, gazetteer)
        if not titled and (flags & (ABBREVIATION | ADJECTIVE) or _has_kind(gazetteer, toks, i, j, WIDE_KINDS)):
            kept.append((i, j, flags))  # ("Malaysia Airlines": named, as an organisation's name)
            if role in ("office", "organisation") and not flags & ADJECTIVE:
                roles[i] = role
            continue
        name_before = (prev is not None and prev.cap and prev.text.isalpha() and _joinable(text, prev, toks[i])
                       # an acronym is no first name before a big town: "KSR Bengaluru" (not "IHS Markit")
                       and not (prev.upper and len(prev.text) > 1 and big(i, j))
                       and (not prev.first or gazetteer.has_key(name_key(prev.text)))
                       and name_key(prev.text) not in STOPWORDS and prev.text.casefold() not in CONNECTORS)
        if role == "name" or role == "office" and i == j and toks[i].text.casefold() in name_cues().office_kinds:
            continue  # ("Duke University"; "the Supreme Court", "a Superior Court judge": no Supreme or Superior)
        if role and not titled and not name_before:
            kept.append((i, j, flags))  # "Fort Wayne City Council", "The Washington Post": the place is named
            roles[i] = role
            continue
        name_after = (nxt is not None and nxt.cap and _joinable(text, toks[j], nxt) and not nxt.upper
                      and nxt.text.casefold() not in AREA_WORDS
                      and not (_station_name(nxt.text) and not _small(gazetteer, toks[i].text))
                      and name_key(nxt.text) not in KIND_WORDS and name_key(nxt.text) not in STOPWORDS
                      # (a demonym after it starts a new phrase: "at Maribor Slovenian police boarded")
                      and not (j + 1 in starts and flags_at[j + 1] & ADJECTIVE))
        if (name_before or name_after) and big_pair and not titled:
            name_before = name_after = False
        wide_after = j + 1 in starts and (big(j + 1, starts[j + 1]) or
                                          _has_kind(gazetteer, toks, j + 1, starts[j + 1], WIDE_KINDS + ("region",)))
        if name_after and not name_before and not titled and not wide_after and \
                not _small(gazetteer, text[toks[i].start:toks[j].end]):  # (not "Portland Oregon": two places)
            # a name that starts with a big place's is named after it: a team, a firm, a show ("the Memphis
            # Grizzlies", "Cambridge Analytica", "Hawaii Pacific Health"), where the place is named but is no
            # evidence; a person's first name ("Austin Rivers") is left out once the parse reads the person
            kept.append((i, j, flags))
            roles[i] = "named"
            continue
        if name_before or name_after or titled:
            if i == j and _small(gazetteer, toks[i].text):
                person_words.add(toks[i].text)
            continue
        kept.append((i, j, flags))
    mentions = []
    kept_at = {i: (i, j, f) for i, j, f in kept}
    for i, j, flags in kept:
        if i == j and toks[i].text in person_words and not flags & (ABBREVIATION | ADJECTIVE):
            continue
        if i == j and toks[i].first and toks[i].text.casefold() in lower_elsewhere and not flags & ADJECTIVE:
            continue  # a sentence-initial common word ("Nice to meet you", "Bath water")
        if i == j and toks[i].text.casefold() in lower_elsewhere and not flags & ADJECTIVE and \
                _another_name_only(gazetteer, toks[i].text):
            continue  # a common word written lower-case elsewhere that only small towns have as another name
        start, end, kind = (toks[i].start, toks[j].end, None) if flags & ADJECTIVE else _with_kind_words(text, toks, i, j)
        role = roles.get(i)
        office_after = j + 2 < len(toks) and toks[j + 2].sentence == toks[j].sentence and \
            toks[j + 2].text.casefold() in name_cues().office and text[toks[j + 1].end:toks[j + 2].start] == " "
        if (role or office_after) and kind == SITE and end > toks[j].end:
            end, kind = toks[j].end, None  # "the Lafayette Parish School Board", "the St. Cloud school board"
        if kind == SITE and start < toks[i].start and _institution_of(text, toks, i, j, gazetteer):
            start, end, kind, role = toks[i].start, toks[j].end, None, "office"  # "the University of Georgia"
        if flags & DOTTED and end == toks[j].end:
            end += 1  # "Calif."
        s = article.sentences[toks[i].sentence]
        within = None
        nxt = kept_at.get(j + 1)  # "Parkland, Florida", "Portland, Ore.": the place after the comma holds it
        if nxt is not None and text[toks[j].end:toks[nxt[0]].start] == ", " and not nxt[2] & ADJECTIVE:
            within = text[toks[nxt[0]].start:toks[nxt[1]].end] + ("." if nxt[2] & DOTTED else "")  # "Miss."
        mentions.append(Mention(start, end, text[start:end], s, adjective=bool(flags & ADJECTIVE), kind=kind,
                                within=within, organisation=role))
    return _part_of(text, _in_brackets(text, sorted(mentions + parts, key=lambda m: m.start)))


PART_CITY = 1_000_000  # a city this big has stations and districts named on their own ("Shanghai Hongqiao")
PART_KM = 50.0  # ... and a place of that name farther than this from it is another place
PART_TOWN = 100_000  # ... when it is no town this big


def _parts_of_cities(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """Leave out a name written right after a big city's as a part of it ("Shanghai Hongqiao", "Guangzhou
    Baiyun": a station or district of the city) when every place of that name is a small town far from the
    city: the Hongqiao 170 km away is not meant. A nearby one ("Tokyo Ueno") or a big one ("Moscow Kazan") stays."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and text[prev.end:m.start] == " " and not m.adjective and not prev.adjective \
                and m.query is None and not m.loose:
            cities = [p for p in gazetteer.lookup(name_key(prev.query or prev.text))
                      if p.kind == "city" and p.population >= PART_CITY]
            places = gazetteer.lookup(name_key(m.text))
            if cities and places and all(p.kind == "city" and p.population < PART_TOWN and all(
                    distance_km(p.lat, p.lon, c.lat, c.lon) > PART_KM for c in cities) for p in places):
                continue
        out.append(m)
    return out


PART_OF_NOTE = "the article names it as part of"  # how such a placing is explained (journey.py marks it REVIEW)
PART_OF_KM = 60.0  # a place named as part of another lies this close to it (else the gazetteer lacks it)
PART_GAP_WORDS = 9  # "Halkali, a suburb on the European side of Istanbul": at most this many words between
PART_LEAD = 4  # ... the part word among the first of them ("a small ghost town", « une petite ville »)


def _part_of(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place set beside the next one as a part of it ("Halkali, a suburb on the European side of Istanbul",
    « Halkali, une banlieue d'Istanbul »): the next one holds it, as "Parkland, Florida" does. The part word
    comes within PART_LEAD words of the comma; after it, only fillers ("on the European side") and the link
    word right before the holder's name."""
    cues = name_cues()
    links = {w.rstrip("'’") for w in cues.part_links} | cues.part_links
    out = []
    for k, m in enumerate(mentions):
        # the next name that is no demonym ("a suburb on the European side of Istanbul")
        nxt = next((n for n in mentions[k + 1:] if not n.adjective), None)
        gap = text[m.end:nxt.start] if nxt is not None else ""
        words = re.findall(r"[\w'’]+", gap.casefold())
        at = next((i for i, w in enumerate(words[:PART_LEAD]) if w in cues.part_words), None)
        if nxt is not None and at is not None and m.within is None and not m.adjective and gap.startswith(",") \
                and not any(ch in ".;!?()\"«»\n" for ch in gap) and len(words) <= PART_GAP_WORDS \
                and len(words) > at + 1 and words[-1] in links \
                and all(w in links or w in cues.part_fillers for w in words[at + 1:]):
            m = replace(m, within=nxt.text, part_of=True)
        elif nxt is not None and m.within is None and not m.adjective and \
                " ".join(words) in cues.near_links and not any(ch in ".;!?()\"«»\n" for ch in gap):
            m = replace(m, within=nxt.text, part_of=True)  # "Shalimar near Kolkata": looked for near it
        out.append(m)
    return out


def _in_brackets(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place followed by a larger one in brackets is inside it ("Vienne (Autriche)", "Paris-Vienne
    (Autriche)", "Springfield (Illinois)"), as "Parkland, Florida" is."""
    out = []
    for k, m in enumerate(mentions):
        nxt = mentions[k + 1] if k + 1 < len(mentions) else None
        if nxt is not None and m.within is None and not m.adjective and not nxt.adjective and \
                text[m.end:nxt.start] == " (" and text[nxt.end:nxt.end + 1] == ")":
            m = replace(m, within=nxt.text)
        out.append(m)
    return out


def _name_role(text: str, toks: list[Token], i: int, j: int, gazetteer: Gazetteer) -> str | None:
    """What the capitalised words right after a name (tokens i..j) make of it: "office" when one of the
    next two is an office word ("Fort Wayne City Council", "Denton Mayor"), or an institution word and the
    place is no small town ("Boston University", not "Duke University"); "organisation" when the next is an
    organisation word ("The Washington Post", "Manchester United"); "name" for an institution named after a
    small town or a person, which is left out; else None."""
    cues = name_cues()
    words = []
    for k in (j + 1, j + 2):
        if k >= len(toks) or not toks[k].cap or not _joinable(text, toks[k - 1], toks[k]):
            break
        words.append(toks[k].text.casefold())
    if any(w in cues.office for w in words):
        return "office"
    if any(w in cues.institution for w in words):
        return "name" if _small(gazetteer, text[toks[i].start:toks[j].end]) else "office"
    # the last part of a compound counts too: "the Chicago Sun-Times", "the Pittsburgh Post-Gazette"
    if words and (words[0] in cues.organisation or re.split("[-\u2010\u2011]", words[0])[-1] in cues.organisation):
        return "organisation"
    return None


def _short_name(article: Article, toks: list[Token], i: int, gazetteer: Gazetteer) -> Mention | None:
    """A town called by the first word of its name before a station word ("Kapiri station" for Kapiri
    Mposhi): only when one town of 1,000 or more has a name that starts so."""
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if not tok.cap or tok.upper or nxt is None or nxt.sentence != tok.sentence or \
            nxt.text.casefold() not in STATION_WORDS or article.text[tok.end:nxt.start] != " ":
        return None
    key = name_key(tok.text)
    if len(key) < 4 or gazetteer.has_key(key) or key in STOPWORDS or key in rail_words("thing"):
        return None  # ("Railway Station" is no station of Railway Estate)
    towns = [p for p in gazetteer.towns_named_from(key) if p.population >= 1_000]
    if len(towns) != 1:
        return None
    s = article.sentences[tok.sentence]
    return Mention(tok.start, tok.end, tok.text, s, query=towns[0].name)


def _name_runs(text: str, toks: list[Token], i: int, most: int):
    """(j, tokens i..j) that could be one name, longest first: in one sentence, joined, ending capitalised,
    lower-case words only connectors ("de", "of")."""
    for j in range(min(len(toks), i + most) - 1, i - 1, -1):
        span = toks[i:j + 1]
        if any(t.sentence != toks[i].sentence for t in span) or not span[-1].cap:
            continue
        if any(not t.cap and t.text.casefold() not in CONNECTORS for t in span):
            continue
        if j > i and not all(_joinable(text, a, b) for a, b in zip(span, span[1:])):
            continue
        yield j, span


def _variant_match(article: Article, toks: list[Token], i: int, gazetteer: Gazetteer) -> tuple[int, Mention] | None:
    """A capitalised name the gazetteer knows once an abbreviation is written out or the Arabic article spelt
    another way (geo/gazetteer/name_variants.csv: "St-Raphaël", "Ste-Foy", "Mt Cook", "El Hoceima"): the
    longest such run from token i. The geocoder reads the name the same way, so the mention keeps its text.
    Only a place of VARIANT_POPULATION or more (or no town) found so: a name the index lacks is as often a
    district or a station it does not list ("St. Boniface" in Winnipeg) as another spelling of a far-off village
    (Saint-Boniface, Quebec, 1,035 people)."""
    text = article.text
    if not toks[i].cap or toks[i].upper:
        return None
    for j, span in _name_runs(text, toks, i, MAX_WORDS):
        for v in variant_keys(name_key(text[span[0].start:span[-1].end])):
            if any(not f & (ABBREVIATION | ADJECTIVE | DOTTED) and (p.kind != "city" or p.population >= VARIANT_POPULATION)
                   for p, f in gazetteer.lookup_flags(v)):
                s = article.sentences[toks[i].sentence]
                return j, Mention(span[0].start, span[-1].end, text[span[0].start:span[-1].end], s)
    return None


def _loose_match(article: Article, toks: list[Token], i: int, gazetteer: Gazetteer,
                 after_place: bool = False) -> tuple[int, Mention] | None:
    """A capitalised name the gazetteer knows only up to transliteration ("Naouchki", "Zamyn-Üüd",
    "Sovetskaïa Gavan"), where the text says it is a place: after a preposition of place or an arrow, or next
    in a list after a place (`after_place`). Not hamlets: a loose key hits many of those by chance."""
    from .lang import route_marks

    text = article.text
    if not toks[i].cap or toks[i].upper:
        return None
    before = text[max(0, toks[i].start - 80):toks[i].start]
    arrow = before.rstrip().endswith(route_marks())  # "Tomsk –> Iurga"
    placed = after_place or arrow or re.search(LOCATIVE, before) or _station_before(toks, i) or \
        _after_a_word_of(before, name_cues().from_words)  # "from Luang Phabang", « depuis Tchita »
    for j, span in _name_runs(text, toks, i, 3):
        key = name_key(text[span[0].start:span[-1].end])
        if key in STOPWORDS or key in KIND_WORDS or key in rail_words("thing"):
            continue  # ("Tren de la Costa": the Spanish word for train, not Tran in Bulgaria)
        if not placed and not text[span[-1].end:span[-1].end + 8].lstrip().startswith(route_marks()):
            continue  # nor before an arrow: "suivi de Iurga –> Irkoutsk"
        if any(p.kind != "city" or p.population >= 1000 for p in gazetteer.lookup_loose(key)):
            s = article.sentences[toks[i].sentence]
            return j, Mention(span[0].start, span[-1].end, text[span[0].start:span[-1].end], s, loose=True)
    typo = _one_typo_from(name_key(toks[i].text), gazetteer) if placed else None
    if typo is not None:  # "on arrive à Ventiane": Vientiane, one letter off
        s = article.sentences[toks[i].sentence]
        return i, Mention(toks[i].start, toks[i].end, toks[i].text, s, loose=True, query=typo.name)
    return None


_LAST_WORD = re.compile(r"([\w'’]+)\s+(?:the\s+|la\s+|le\s+)?$")


def _after_a_word_of(before: str, words: frozenset[str]) -> bool:
    """Does the text before a name end with one of `words` (and maybe an article)?"""
    m = _LAST_WORD.search(before)
    return m is not None and m.group(1).casefold() in words


def _station_before(toks: list[Token], i: int) -> bool:
    """Is token i the name of a station: after the word for one, written lower-case or joined by "de", "of",
    "di" ("en gare de Boukara", "the station of Ela", "stazione di Tirano"; not "the Station Manager")?"""
    k = i - 1
    while k >= 0 and toks[k].sentence == toks[i].sentence and toks[k].text.casefold() in _KIND_LINKS:
        k -= 1
    return k >= 0 and toks[k].sentence == toks[i].sentence and name_key(toks[k].text) in rail_words("station") \
        and (k < i - 1 or not toks[k].cap)


TYPO_MIN_LETTERS = 7  # a word this long, one letter off the name of a big city, is that city misspelt
TYPO_POPULATION = 100_000


def _one_typo_from(key: str, gazetteer: Gazetteer) -> Place | None:
    """The one city of TYPO_POPULATION or more whose name is one letter away from `key` (a letter dropped,
    added, changed or two swapped), when `key` itself names nothing; None if none or several."""
    if len(key) < TYPO_MIN_LETTERS or " " in key or gazetteer.has_key(key) or not key.isalpha():
        return None
    letters = sorted(set(key) | set(string.ascii_lowercase))
    variants = {key[:k] + key[k + 1:] for k in range(len(key))}
    variants |= {key[:k] + key[k + 1] + key[k] + key[k + 2:] for k in range(len(key) - 1)}
    variants |= {key[:k] + c + key[k:] for k in range(len(key) + 1) for c in letters}
    variants |= {key[:k] + c + key[k + 1:] for k in range(len(key)) for c in letters}
    variants.discard(key)
    found = {p.id: p for v in sorted(variants) for p in gazetteer.lookup(v)
             if p.kind == "city" and p.population >= TYPO_POPULATION}
    return next(iter(found.values())) if len(found) == 1 else None


HYPHEN_WORDS = set("""
based bound born led run owned made style bred centric wide area region type class linked registered
""".split())
_HYPHEN_PART = re.compile(r"[^\W_]+")
PART_IMPORTANCE = 2.5  # a place named inside a hyphenated word: one a town of about 100,000 or more,
OTHER_PART_IMPORTANCE = 2.0  # the others of 10,000 or more ("le Paris-Briançon"; "Jean-Luc" is no place)


def _hyphen_parts(article: Article, tok: Token, gazetteer: Gazetteer) -> list[Mention]:
    """Places inside a hyphenated word that is not a name itself: "the Moscow-Vladivostok line", "London-based",
    "la liaison Paris-Lyon". Every capitalised part must be a prominent place ("Jean-Pierre" is a person,
    "Franco-German" an adjective), lower-case parts are words ("based", "bound"; not "Ho-jin")."""
    from .gazetteer import importance

    if not re.search(r"[-\u2010\u2011]", tok.text):
        return []
    nxt = re.match(r"\s+(\w+)", article.text[tok.end:tok.end + 16])
    if nxt and name_key(nxt.group(1)) in AIRPORT_WORDS:
        # "Rzeszów-Jasionka Airport", "Kraków-Balice airport": the town it serves, then the airport's own name
        first = _HYPHEN_PART.search(tok.text)
        hits = [p for p, f in gazetteer.lookup_flags(name_key(first.group()))
                if not f & (ABBREVIATION | ADJECTIVE | DOTTED) and p.kind == "city"]
        if first.start() == 0 and max((importance(p) for p in hits), default=0.0) >= PART_IMPORTANCE:
            return [Mention(tok.start, tok.start + first.end(), first.group(), article.sentences[tok.sentence])]
        return []
    found, top = [], 0.0
    for m in _HYPHEN_PART.finditer(tok.text):
        word = m.group()
        if word.isdigit() and m.start() > 0:
            continue  # "Almaty-2", "Moskva-3": a numbered station of the town
        if not word[:1].isupper():
            if word.casefold() not in HYPHEN_WORDS:
                return []  # "Chang Ho-jin": a given name, not Ho (Ghana)
            continue
        if name_key(word) in rail_words("qualifier"):
            continue  # "Kagoshima-Chuo", "Shin-Aomori": a station of the town, not Chūō ward of Tokyo
        hits = [p for p, f in gazetteer.lookup_flags(name_key(word)) if not f & (ABBREVIATION | ADJECTIVE | DOTTED)]
        best = max((importance(p) for p in hits), default=0.0)
        if name_key(word) in STOPWORDS or best < OTHER_PART_IMPORTANCE:
            return []
        top = max(top, best)
        found.append((tok.start + m.start(), tok.start + m.end(), word))
    if top < PART_IMPORTANCE:
        return []
    s = article.sentences[tok.sentence]
    return [Mention(a, b, w, s) for a, b, w in found]


# Names of stations after their town's name ("Lyon Part-Dieu", "Berlin Hauptbahnhof", "Milano Centrale"):
# the town is still a place there, not a person's first name
STATION_WORDS = set("""
hauptbahnhof hbf centraal central centrale termini sants nord sud est ouest midi zuid noord gare station
""".split()) | rail_words("station")


def _station_name(word: str) -> bool:
    parts = word.split("-")
    return (len(parts) > 1 and all(p[:1].isupper() for p in parts)) or word.casefold() in STATION_WORDS


COMMON_WORD_TOWN = 20_000  # a word only towns under this size have as another name may be a common word ("Birobidjan", 75,000, stays)


def _another_name_only(gazetteer: Gazetteer, word: str) -> bool:
    """Is `word` only another (old, foreign or misspelt) name of towns under COMMON_WORD_TOWN, the main
    name of no place? ("Voters" for Walters, Oklahoma)"""
    key = name_key(word)
    places = gazetteer.lookup(key)
    return bool(places) and all(p.kind == "city" and p.population < COMMON_WORD_TOWN and name_key(p.name) != key
                                for p in places)


def drop_common_words(parsed, mentions: list[Mention], gazetteer: Gazetteer, rd) -> list[Mention]:
    """Leave out one-word mentions that the parse reads as a common word (a noun, verb, adjective, ...,
    not a proper noun) when the word is only another name of towns under COMMON_WORD_TOWN: "Voters said" is
    no Walters, Oklahoma. A town's own name stays ("Reading", "Still"), and so does a demonym ("the
    English city of ...", "an Arab intervention") and a word in capitals (the parse's parts of speech are unreliable there: a
    dateline's "IMMOKALEE –")."""
    out = []
    for m in mentions:
        if " " not in m.text and not m.adjective and not m.organisation and m.query is None and not m.loose and \
                not m.text.isupper() and gazetteer.has_key(name_key(m.text)) and _small(gazetteer, m.text) and not _demonym_of(m.text, gazetteer, rd.code):
            span = parsed.span(m.start, m.end)
            if span is not None and len(span) == 1 and span[0].pos_ in COMMON_POS and \
                    span[0].ent_type_ not in rd.nationality_labels and _another_name_only(gazetteer, m.text):
                continue
        out.append(m)
    return out


# Universal parts of speech of words that are no names
COMMON_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "AUX", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "NUM", "INTJ"})


def _small(gazetteer: Gazetteer, word: str, counties: bool = False) -> bool:
    """Is `word` only the name of towns under 100,000? With `counties`, for a person's name: or of counties
("Harper" alone is a person far more often than Harper County), counting only the places that have it as
their main name when some do (Costa Mesa's old name "Harper" does not make it a big city's name)."""
    key = name_key(word)
    places = gazetteer.lookup(key)
    if counties:
        places = [p for p in places if name_key(p.name) == key] or places
        if places and not any(p.kind == "city" for p in places):
            return False  # a county's name only
    return all(p.population < 100_000 and p.kind == "city" or counties and p.feature == "ADM2" for p in places)


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
        # "Hamilton Co.", "St. Cloud": a name the index holds written out ("Hamilton County", "Saint Cloud")
        written_out = variant_keys(key, abbreviations_only=True) if j > i else []
        if t.cap or (j == i and _maybe_adjective(t)):
            flags = _accept(text, toks, i, j, key, gazetteer)
            for v in written_out:  # (as `_variant_match`: no far-off village the index lacks the district of)
                if flags is None and any(p.kind != "city" or p.population >= VARIANT_POPULATION
                                         for p in gazetteer.lookup(v)):
                    flags = _accept(text, toks, i, j, v, gazetteer)
            if flags is not None:
                best = (j, flags)
        if not gazetteer.has_prefix(key) and not any(gazetteer.has_prefix(v) for v in written_out):
            break
        j += 1
    return best


# a word in capitals opening a line and followed as a dateline's place is: "ROME (Reuters) —", "LIMA, Peru —"
_DATELINE_WORD = re.compile(r"(?:(?<=\n)|(?<=\A))[A-Z]{3,4}(?:,\s+[A-Z]|\s+\(|\s+[—–-]\s)")
_CLOCK = re.compile(r"(?:\b\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?\s?m\.?|\b\d{1,2}:\d\d|\bnoon|\bmidnight)\s*$", re.I)


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
            elif dot and i == j and _DOTTED_WORD.match(text[span[0].start:span[0].end + 1]):
                usable.append(DOTTED)  # "Ky." where the index keeps the key as "KY": a dotted abbreviation
        elif upper and len(span) == 1 and len(span[0].text) <= 4 and not _DATELINE_WORD.match(text, span[0].start):
            continue  # "MOW", "NATO": capitals match abbreviations only (not in a dateline: "ROME (Reuters) —")
        else:
            usable.append(flags)
    if not usable:
        return None
    if dot and i == j and any(f & DOTTED for f in usable) and _DOTTED_WORD.match(text[span[0].start:span[0].end + 1]):
        return DOTTED  # "Pa.", "Minn.", "Wash.": written with its full stop, the abbreviation, not a town "Pa"
    if i == j and not upper and (key in STOPWORDS or key in KIND_WORDS or key in rail_words("thing")):
        return None  # ("Railway" alone is no Railway Estate, Queensland)
    if i == j and not upper and key in name_cues().common_words and _small(gazetteer, span[0].text):
        return None  # "Warren, a Democrat, said": a party, not Sumiton, Alabama
    if i == j and key in name_cues().abbreviations and (dot or re.match(r"\s+\d", text[span[0].end:span[0].end + 3])):
        return None  # "Sen. Smith", "Gen. Petraeus", "Jan. 5", "Jan 5": a title or a month, not Sen or Jan
    if i == j and upper and _CLOCK.search(text, max(0, span[0].start - 16), span[0].start):
        return None  # "7 a.m. CT", "10:30 ET": a time zone, not Connecticut
    if i == j and len(key) < 3 and not upper and not (dot and all(f & DOTTED for f in usable)):
        return None  # (a dotted abbreviation is kept: "FRANKFORT, Ky.", "ATHENS, Ga.")
    if i == j and not upper and _clipped_only(gazetteer, key):
        return None  # "Doh." is an interjection, not Doha
    return min(usable)


CLIPPED_LETTERS = 3  # a name this short that only cuts a place's one-word name is no evidence of that place


def _clipped_only(gazetteer: Gazetteer, key: str) -> bool:
    """Is `key` (CLIPPED_LETTERS letters or fewer) only the one-word name of each place bearing it cut short, an
    alternate name GeoNames lists like a code ("Doh" for Doha), and the main name of none? A word, an
    interjection or a person's short name more often than that place; "Rio" (Rio de Janeiro) and "Ufa" stay."""
    if len(key) > CLIPPED_LETTERS or " " in key:
        return False
    places = gazetteer.lookup(key)
    return bool(places) and all(
        (full := name_key(p.name)) != key and " " not in full and full.startswith(key) for p in places)


def _institution_of(text: str, toks: list[Token], i: int, j: int, gazetteer: Gazetteer) -> bool:
    """Is the name (tokens i..j) the place an institution is of: "the University of Georgia", "the Museum of
    London" (an institution word of names.toml, capitalised, then "of", maybe "the")? As with "Boston
    University", only a place that is no small town: the place is named there, and is evidence of where the
    article is, though the institution is no stop."""
    k = i - 1
    if k >= 0 and toks[k].text.casefold() == "the":
        k -= 1
    if k < 1 or toks[k].text.casefold() != "of" or toks[k - 1].sentence != toks[i].sentence:
        return False
    word = toks[k - 1]
    return word.cap and word.text.casefold() in name_cues().institution and \
        not _small(gazetteer, text[toks[i].start:toks[j].end])


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
        if w in KIND_WORDS and w not in ("city", "ville", "port", "town", "village"):
            end, kind = toks[j + 1].end, kind or KIND_WORDS[w]
    return start, end, kind


# A preposition of place before the name, or before a list the name ends ("stops at Gori and Kutaisi").
_PREP = r"(?:à|au|aux|vers|jusqu['’]à|jusque|via|par|in|at|to|into|towards?|through|dessert|desservi|serves|served)"
ARTICLE_BEFORE = r"(?:la\s+|le\s+|l['’]\s*|les\s+|the\s+)?"
LOCATIVE = (rf"(?:^|\s){_PREP}\s+{ARTICLE_BEFORE}(?:[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*)*\s*,\s*)*"
            rf"(?:[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*)*\s+(?:and|et|or|ou)\s+{ARTICLE_BEFORE})?$")


def after_preposition_of_place(text: str, start: int) -> bool:
    """Does a preposition of place come right before `start` ("à St.Moritz", "stops at Gori and Kutaisi")?"""
    return re.search(LOCATIVE, text[max(0, start - 80):start]) is not None


# --- resolution -------------------------------------------------------------------------------------------

@dataclass
class Weights:
    """Tuning of the collective resolution (chosen on half of GeoWebNews; see bench/geowebnews.py)."""

    country_bonus: float = 1.0
    point_bonus: float = 2.0
    point_km: float = 400.0
    region_bonus: float = 2.0
    state_bonus: float = 2.0
    cluster_bonus: float = 1.5
    confident: float = 0.5


WEIGHTS = Weights()
MAX_POINTS = 200  # other places used as context for each name


def resolve(article: Article, mentions: list[Mention], gazetteer: Gazetteer, weights: Weights = WEIGHTS,
            *, fallback: bool = False, language: str = "en") -> list[Resolved]:
    """Place every mention, using what the rest of the article says.

    Mentions found by `find_mentions` are always in the gazetteer. Spans given from outside (a benchmark's
    gold toponyms) may not be: with `fallback`, such a name is placed in the known place the text puts it in
    ("the Colony Theatre in Los Angeles", "London's Heathrow Animal Reception Center", "The X Museum is
    opening on Y Avenue in Miami Beach"), else by the most
    prominent known name inside it ("Cavan County Council" -> Cavan) when that fits the rest of the article,
    or else at the article's focus (the place it names most), with a low
    confidence; without it, it is left out. A known name whose every reading lies abroad, before ", <region>"
    ("Rockingham, Northamptonshire"), is placed in that region. So is a site named after a place it is not ("Royal Street",
    "Hotel Kyjev", "University of California"): never that place, at best somewhere in the focus town.
    With `fallback`, a known name read as a small town far from all else the article names (`_alone`: "Bourbon
    Street" in a story about New Orleans, "the Venice Commission" in one about Ukraine that names the U.S.) is
    placed like an unknown one: in the place the text puts it in, else at a place of that name that is no small
    town, else at the focus."""
    groups: dict[tuple[str, str | None], list[Mention]] = {}
    for m in mentions:
        groups.setdefault(_group_key(m), []).append(m)
    names = {k: ms[0].query or ms[0].text for k, ms in groups.items()}
    inner: dict[tuple[str, str | None], str] = {}
    demonym: dict[tuple[str, str | None], str] = {}  # "Siberian" -> Siberia, "English" -> England
    sites = set()  # "Royal Street", "Hotel Kyjev": named after a place, inside another one
    # people's names are no evidence of where the article is ("Noma", "Zara" the brand's founder)
    # (a small town's name read once as a person's is a person's name throughout, as in find_mentions)
    person_keys = {k for k, ms in groups.items() if all(m.person for m in ms) or any(m.person for m in ms)
                   and all(p.kind == "city" and p.population < PERSON_TOWN for p in gazetteer.lookup(k[0]))}
    # so are the names of newspapers, companies and clubs ("The Washington Post" in a story about Iraq)
    person_keys |= {k for k, ms in groups.items() if all(m.organisation in ("organisation", "named") for m in ms)}
    # a town named as a sports team is the well-known one, whatever else the article names, and says
    # nothing of where the article is ("25 points against Louisville" in a story about Mississippi State)
    cues = team_cues(language)
    team_keys = {k for k, ms in groups.items() if any(team_reading(article.text, m, cues) for m in ms)}
    for k, text in names.items():
        forms = query_forms(text)
        known = any(gazetteer.has_key(key) for key, _ in forms)
        nat = _demonym_of(text, gazetteer, language) if not groups[k][0].adjective else None
        if nat and (not known or all(p.kind == "city" and p.population < DEMONYM_TOWN
                                     for key, _ in forms for p in gazetteer.lookup(key))):
            demonym[k] = nat
        elif (k[1] == SITE or any(kind == SITE for _, kind in forms)) and not gazetteer.has_key(forms[0][0]):
            sites.add(k)
        elif fallback and all(_acronym(article.text, m, gazetteer) for m in groups[k]):
            sites.add(k)  # "the OAS in Washington", "the CHU in Montpellier": no town Oas or Chũ
        elif not known and fallback:
            sub = _inner_name(text, gazetteer)
            if sub:
                inner[k] = sub

    holders: dict[str, Place | None] = {}
    parts_of = {m.within for m in mentions if m.part_of}  # "Halkali, a suburb of Istanbul": any place holds
    for k in names:
        if k[2] and k[2] not in holders:
            holders[k[2]] = None
            # "Parkland, Florida", "Knockhill, Fife": a place after the comma holds the one before only when
            # it may be a region or a country; two towns so are a list ("Georgetown, Versailles and Paris")
            if k[2] not in parts_of and not any(p.kind in ("region", "country") for p in gazetteer.lookup(name_key(k[2]))):
                continue
            try:
                holders[k[2]] = gazetteer.geocode(k[2], strict=False).place
            except GeocodeError:
                pass

    def run(ctx_for) -> dict:
        out = {}
        for k, text in names.items():
            if k in sites:
                out[k] = None
                continue
            ctx = ctx_for(k) if k not in team_keys else None
            if k[2] and holders.get(k[2]) is not None:
                ctx = ctx or Context()
                ctx.within = holders[k[2]]
            try:
                out[k] = gazetteer.geocode(demonym.get(k) or inner.get(k, text), context=ctx, strict=False, kind=k[1],
                                           loose=any(m.loose for m in groups[k]))
            except GeocodeError:  # a name the index does not know (only possible for spans given from outside)
                out[k] = None
        return out

    def evidence(res: dict) -> dict:  # what counts as context: not people's names, nor teams
        return {k: g for k, g in res.items() if k not in person_keys and k not in team_keys}

    first = run(lambda k: None)
    # how much the article is about each country, from every name but the one being placed (a name is no
    # evidence for itself: "Lebanon" alone does not make an article about Lebanon)
    # the place of a dateline ("LEXINGTON, Ky. —") is where the article is written from: it votes more
    dateline = {_group_key(m): DATELINE_VOTES for m in mentions if _in_dateline(article.text, m)}
    cvotes = _country_votes(groups, evidence(first), dateline)
    regions = [g.place for k, g in evidence(first).items() if g and g.place.kind == "region" and k not in demonym
               and g.confidence >= weights.confident]

    # the countries the article names outright (or by a demonym), for the reasons: never "which the article
    # names" of a country only its towns' namesakes suggest
    # (by another name than the one being placed: "Lebanon" read as the country does not make the article
    # one that names Lebanon when it may be the town in Ohio)
    named_by: dict[str, set] = {}

    def name_countries(res: dict) -> None:
        named_by.clear()
        for k, g in res.items():
            if g is not None and k not in person_keys and (g.place.kind == "country" or any(m.adjective for m in groups[k])):
                named_by.setdefault(g.place.country, set()).add(k)

    name_countries(first)

    def named(k) -> set[str]:
        return {c for c, ks in named_by.items() if ks - {k}}

    def ctx1(k):
        return Context(country_weight=_weights(cvotes, k), regions=[r for r in regions if names[k] != r.name], named=named(k),
                       country_bonus=weights.country_bonus, region_bonus=weights.region_bonus)

    second = run(ctx1)
    # read in context, "Georgia" may be the state: only a name still read as a country names one
    name_countries(second)
    cvotes = _country_votes(groups, evidence(second), dateline)
    countries = _weights(cvotes)
    regions = [g.place for k, g in evidence(second).items() if g and g.place.kind == "region" and k not in demonym
               and g.confidence >= weights.confident]

    # the other places named, the most confident first (at most MAX_POINTS each: time stays linear in the
    # number of names on a very long article; a news article names far fewer)
    confident = sorted(((g.confidence, k2, g) for k2, g in evidence(second).items() if g is not None
                        and g.place.kind not in WIDE_KINDS and g.confidence >= weights.confident),
                       key=lambda x: -x[0])[:MAX_POINTS + 1]

    votes = _state_votes(groups, evidence(second))
    clusters = _clusters({k: t for k, t in names.items() if k not in demonym and k not in inner and k not in sites},
                         evidence(second).keys(), gazetteer)

    def ctx2(k):
        pts, ws = [], []
        for conf, k2, g in confident:
            if k2 == k or len(pts) >= MAX_POINTS:
                continue
            pts.append((g.place.lat, g.place.lon))
            ws.append(min(1.0, g.confidence))
        return Context(country_weight=_weights(cvotes, k), regions=[r for r in regions if names[k] != r.name],
                       named=named(k), points=pts, point_weight=ws, country_bonus=weights.country_bonus,
                       point_bonus=weights.point_bonus, point_km=weights.point_km, region_bonus=weights.region_bonus,
                       states=_state_shares(votes, k), state_bonus=weights.state_bonus,
                       cluster=clusters.get(k, {}), cluster_bonus=weights.cluster_bonus)

    third = run(ctx2)
    # small towns far from everything else the article names: likely a street, a venue or a namesake the
    # gazetteer lacks ("Bourbon Street", "the Venice Commission"), not that town (gold spans only)
    alone = {k: a for k, g in third.items() if fallback and g is not None and k not in inner and k not in demonym
             and (a := _alone(k, g.place, holders.get(k[2]), evidence(third), set(inner) | set(demonym),
                              {c for c in named(k) if countries.get(c, 0.0) >= 0.5}))}
    # the focus is what the article names outright, not what the insides of unknown names suggest
    focus = None
    if fallback:
        focus = _focus(groups, {k: g for k, g in evidence(third).items() if k not in inner and k not in demonym
                                and alone.get(k) is not True}, countries, gazetteer, towns_only=True)
        if focus is None:  # no town named outright fits: the towns inside unknown names, else the main country
            focus = _focus(groups, {k: g for k, g in evidence(third).items() if k in inner}, countries, gazetteer)
    # the places named outright, in text order: an unknown name is most likely in the one the text puts it in
    known = sorted(((m, third[k]) for m in mentions
                    if (k := _group_key(m)) in third and third[k] is not None
                    and k not in inner and k not in demonym and k not in person_keys and not m.adjective),
                   key=lambda x: x[0].start)
    starts = [m.start for m, _ in known]
    spans = sorted({(m.start, m.end) for m in mentions})
    text = article.text
    out = []
    for m in mentions:
        k = _group_key(m)
        g = third.get(k)
        local = _local_place(text, m, known, starts, spans) if fallback and (g is None or k in inner or k in alone) \
            else None
        if k in alone and local is not None and local[0].kind in WIDE_KINDS:
            local = None  # "a farm near Visbek in Germany": the village, not the country's middle
        if k in alone and local is None:
            # a place of that name that is no small town ("the Venice Commission": Venice, Italy), else the focus;
            # not when the town lies in the country the article is most about, named outright
            alt = next((c for c in g.candidates[1:] if c.place.kind != "city" or c.place.population >= SMALL_ALONE),
                       None) if alone[k] is True or countries.get(g.place.country, 0.0) < 1.0 else None
            if alt is not None:
                g = Geocode(g.query, alt.place, (Candidate(alt.place, alt.score, (ALONE_NOTE,) + alt.why),)
                            + tuple(c for c in g.candidates if c is not alt), 0.3)
            elif focus is not None and focus.id != g.place.id and alone[k] is True:
                g = None
        if k in inner and g is not None and local is None and focus is not None and not _fits(
                g.place, confident, text[m.start:m.end].startswith(inner[k]),
                any(w.casefold() in name_cues().any_org for w in m.text.split())):
            g = None  # a town inside an unknown name, far from everything else named: the focus is likelier
        # "Rockingham, Northamptonshire" when the gazetteer has no town of that name in the region's country:
        # in the region, not at a namesake abroad (a town beside a region of its own country may be a list)
        holder = holders.get(k[2])
        if fallback and local is None and g is not None and holder is not None and holder.kind == "region" \
                and g.place.kind == "city" and k not in inner and k not in demonym \
                and all(c.place.country != holder.country for c in g.candidates):
            local = holder, f"none of that name in {holder.country}; in {k[2]}, named right after it"
        # "Halkali, a suburb of Istanbul" when the gazetteer's Halkalı is a village 1,000 km away: in Istanbul
        if local is None and holder is not None and k[2] in parts_of and g is not None and k not in demonym \
                and holder.kind not in ("continent", "ocean", "country") and not any(  # (a country's middle is no place)
                    distance_km(c.place.lat, c.place.lon, holder.lat, holder.lon) <= PART_OF_KM
                    or holder.kind == "region" and c.place.country == holder.country
                    for c in g.candidates):
            local = holder, f"none of that name near {holder.name}; {PART_OF_NOTE} {k[2]}"
        if local is not None:
            place, why = local
            cand = Candidate(place, 0.0, (f"{ALONE_NOTE if k in alone else 'unknown name'}; {why}",))
            out.append(Resolved(m, Geocode(m.text, place, (cand,), 0.1), 0.1))
        elif g is not None:
            if k in inner or k in demonym:  # placed by a known name inside it, or the place of a demonym: say so
                top = g.candidates[0]
                note = (f"unknown name; placed by a known name inside it, {inner[k]!r}" if k in inner
                        else f"a demonym of {demonym[k]!r}")
                g = Geocode(g.query, g.place, (Candidate(top.place, top.score, (note,) + top.why),) + g.candidates[1:],
                            g.confidence)
            conf = g.confidence * (0.5 if k in inner else 1.0)
            out.append(Resolved(m, g, round(conf, 3)))
        elif focus is not None:
            note = ALONE_NOTE if k in alone else "unknown name"
            cand = Candidate(focus, 0.0, (f"{note}; placed at the article's focus",))
            out.append(Resolved(m, Geocode(m.text, focus, (cand,), 0.05), 0.05))
    return out


def _acronym(text: str, m: Mention, gazetteer: Gazetteer) -> bool:
    """Is a span given from outside a word of two to four capitals that the gazetteer knows as no
    abbreviation ("OAS", "CHU"), in running text (not a dateline, "ROME (Reuters) —", nor a headline in
    capitals)? Such a word is an organisation's initials, as `find_mentions` reads it too, not a town whose
    name is spelt so."""
    if not re.fullmatch(r"[A-Z]{2,4}", m.text) or _DATELINE_WORD.match(text, m.start):
        return False
    if any(f & ABBREVIATION for _, f in gazetteer.lookup_flags(name_key(m.text))):
        return False
    words = re.findall(r"[^\W\d_]{2,}", text[m.sentence[0]:m.sentence[1]])
    return sum(w.isupper() for w in words) * 2 < len(words)


SMALL_ALONE = 50_000  # a town smaller than this ...
ALONE_KM = 300.0  # ... with no other place the article names this close, nor in its state, is likely no town
ALONE_NOTE = "the small town of that name is far from all else the article names"


def _alone(k, p: Place, holder: Place | None, others: dict, skip: set, named: set[str]) -> bool | str:
    """Is `p` (the reading of name `k`) a small town that nothing else in the article supports: no place the
    text says it is in ("Visbek, Germany"), no other place named within ALONE_KM, none in its first-level
    region? Its country named outright (`named`: those the article is much about) supports it only when the
    article names no other place of that country: "a farm near Visbek" in a story that names Germany and no
    German town is that village, but "Bourbon" in a story about New Orleans is no town in Missouri, though
    the article names the U.S. True when alone, "named" when alone but for its country named outright (then
    a place of that name that is no small town may still be meant: "the Venice Commission" in a story that
    names the U.S.), else False."""
    if p.kind != "city" or p.population >= SMALL_ALONE:
        return False
    if holder is not None and (holder.country == p.country if holder.kind == "country" else
                               distance_km(p.lat, p.lon, holder.lat, holder.lon) <= ALONE_KM):
        return False
    compatriots = False
    for k2, g in others.items():
        if k2 == k or k2 in skip or g is None or g.place.kind in WIDE_KINDS:
            continue
        q = g.place
        compatriots = compatriots or q.country == p.country
        if q.country == p.country and q.admin1 and q.admin1 == p.admin1:
            return False
        if q.kind == "region" and q.admin1 and q.country == p.country:
            continue  # another state of its country, wherever its point
        if distance_km(p.lat, p.lon, q.lat, q.lon) <= ALONE_KM:
            return False
    return True if compatriots or p.country not in named else "named"


def _group_key(m: Mention) -> tuple:
    return name_key(m.query or m.text), m.kind, m.within


# "Fulton and DeKalb counties", "Orleans, Jefferson and St. Bernard parishes": each name is a county's
_PLURAL_UNITS = {"counties": "County", "parishes": "Parish", "boroughs": "Borough"}
_UNIT_LIST = re.compile(r"(?:\s*(?:,|,?\s+(?:and|or|&))\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)*\s+(counties|parishes|boroughs)\b")


_UNIT_AFTER = re.compile(r" (County|Parish|Borough)\b")


def units_after(text: str, mentions: list[Mention], gazetteer: Gazetteer, given: set) -> list[Mention]:
    """A span given from outside right before a unit word it leaves out ("Washington" of "Washington
    County", "Orleans" of "Orleans Parish") is looked up as that unit, when the gazetteer knows one of that
    name: the county, not its same-named town."""
    out = []
    for m in mentions:
        hit = _UNIT_AFTER.match(text, m.end)
        if hit and (m.start, m.end) in given and m.query is None and not m.adjective:
            name = f"{m.text} {hit.group(1)}"
            if gazetteer.has_key(name_key(name)):
                m = replace(m, query=name, kind="region")
        out.append(m)
    return out


def county_lists(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """Mentions in a list ending in a plural unit word ("Fulton and DeKalb counties") looked up as that unit
    ("Fulton County"), when the gazetteer knows one of that name."""
    out = []
    for m in mentions:
        hit = _UNIT_LIST.match(text, m.end)
        if hit and not m.adjective and m.query is None:
            name = f"{m.text} {_PLURAL_UNITS[hit.group(1)]}"
            if gazetteer.has_key(name_key(name)):
                m = replace(m, query=name, kind="region")
        out.append(m)
    return out


_LIST_LINK = re.compile(r"(?:,\s*)?\s(?:and|or|&)\s")  # "Oregon and Washington", "California, or Washington"


def state_lists(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """A name joined by "and" or "or" to a first-level region ("states such as California or Washington",
    "Florida and Georgia") is read as a region of that country too, when it names one: the state of
    Washington, not the capital; the US state of Georgia, not the country."""
    def state_country(m: Mention) -> str | None:
        if m.adjective or m.query is not None or m.kind is not None:
            return None
        try:
            p = gazetteer.geocode(m.text, strict=False).place
        except GeocodeError:
            return None
        return p.country if p.kind == "region" and p.feature == "ADM1" else None

    # a list of three or more ("Georgia, Oklahoma, Pennsylvania and California"): names joined by commas
    # and, at least once, by "and"/"or"; each of its names counts every other as joined to it
    link = [i + 1 < len(mentions) and mentions[i + 1].sentence == m.sentence and (
        "and" if _LIST_LINK.fullmatch(text[m.end:mentions[i + 1].start]) else
        "comma" if text[m.end:mentions[i + 1].start] == ", " else None) for i, m in enumerate(mentions)]
    in_list: dict[int, list[int]] = {}
    i = 0
    while i < len(mentions):
        j = i
        while link[j]:
            j += 1
        if j - i >= 2 and any(link[k] == "and" for k in range(i, j)):
            for k in range(i, j + 1):
                in_list[k] = [x for x in range(i, j + 1) if x != k]
        i = j + 1
    out = []
    for i, m in enumerate(mentions):
        if m.kind is None and m.query is None and not m.adjective:
            near = [n for n in (mentions[i - 1] if i else None, mentions[i + 1] if i + 1 < len(mentions) else None)
                    if n is not None and n.sentence == m.sentence
                    and _LIST_LINK.fullmatch(text[min(m.end, n.end):max(m.start, n.start)])]
            countries = {c for n in near if (c := state_country(n))}
            if i in in_list:  # in a list, two other states of one country make it one of them too
                listed = [c for k in in_list[i] if (c := state_country(mentions[k]))]
                countries |= {c for c in listed if listed.count(c) >= 2}
            if countries and any(p.kind == "region" and p.feature == "ADM1" and p.country in countries
                                 for p in gazetteer.lookup(name_key(m.text))):
                m = replace(m, kind="region")
        out.append(m)
    return out


def region_senses(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """A name the article reads as a first-level region once reads so throughout: one that holds a town
    of its region ("Buffalo, New York"; not "Washington, Pennsylvania", no town of the state of Pennsylvania
    being the one before it, which is then held by it) is that region, and so is every other bare mention of a
    name that the wording makes a region somewhere ("New York state", "the province of Ontario", a list of
    states, "New York Governor"): one name, one sense, in one article."""
    def adm1(m: Mention) -> list[Place]:
        return [p for p in gazetteer.lookup(name_key(m.text)) if p.kind == "region" and p.feature == "ADM1"]

    def bare(m: Mention) -> bool:
        return m.kind is None and m.query is None and not m.adjective and m.within is None and not m.person \
            and m.organisation is None

    out = list(mentions)
    office = name_cues().region_office
    for i, m in enumerate(out):
        after = re.match(r" ([A-Za-z]+\.?)", text[m.end:m.end + 20])
        if m.kind is None and m.query is None and not m.adjective and after is not None \
                and after.group(1).casefold() in office and adm1(m):
            out[i] = replace(m, kind="region")  # "New York Governor Andrew Cuomo"
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if b.sentence != a.sentence or text[a.end:b.start] != ", " or not (b.kind is None and b.query is None
                                                                          and not b.adjective):
            continue
        regions = adm1(b)
        if regions and any(t.kind == "city" and t.admin1 and (t.country, t.admin1) == (r.country, r.admin1)
                           for t in gazetteer.lookup(name_key(a.query or a.text)) for r in regions):
            out[i] = replace(b, kind="region")
    def core(m: Mention) -> Mention:  # "province of Ontario", "New York state": the name without its kind words
        words = m.text.split()
        if any(name_key(w) in ("county", "parish", "borough") for w in words):
            return replace(m, text="")  # "Washington County" makes no "Washington" the state
        while words and (name_key(words[0]) in KIND_WORDS or words[0].casefold() in _KIND_LINKS):
            words.pop(0)
        while words and name_key(words[-1]) in KIND_WORDS:
            words.pop()
        return replace(m, text=" ".join(words)) if words else m

    regional = {name_key(c.text) for m in out if m.kind == "region" and m.query is None and not m.adjective
                and (c := core(m)).text and adm1(c)}
    return [replace(m, kind="region") if bare(m) and name_key(m.text) in regional else m for m in out]


def contracted_articles(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """A name after French "au", "du", "aux", "des" is looked up with the article these hold ("au Mans": Le Mans,
    not a village called Mans), when the gazetteer knows the name so."""
    out = []
    for m in mentions:
        word = text[max(0, m.start - 4):m.start].rstrip().rsplit(None, 1)[-1:] if m.start else []
        article = _CONTRACTED.get(word[0].casefold()) if word and text[m.start - 1:m.start].isspace() else None
        if article and m.query is None and not m.adjective:
            name = f"{article.capitalize()} {m.text}"
            if gazetteer.has_key(name_key(name)):
                m = replace(m, query=name)
        out.append(m)
    return out


# An unknown name followed by the place it is in: "the Colony Theatre in Los Angeles", "University of
# California, Los Angeles", "Celebrity Cake Studio in Tacoma"; or preceded by it: "London's Heathrow ...".
_IN_AFTER = re.compile(r"\s*(?:,|\b(?:in|at|near|outside|of|on)\b(?:\s+(?:the|downtown|central))?)\s*$", re.I)
_IN_BEFORE = re.compile(r"^\s*['’]s\s+$")


def _local_place(text: str, m: Mention, known, starts, spans) -> tuple[Place, str] | None:
    """The place the text says an unknown name is in, from the words around it (`spans`: every mention's
    (start, end), sorted)."""
    i = bisect.bisect_left(starts, m.end)
    if i < len(known):
        n, g = known[i]
        gap = text[m.end:n.start]
        if n.sentence == m.sentence and len(gap) <= 12 and _IN_AFTER.match(gap) and g.place.kind != "continent":
            return g.place, f"in {n.text}, named right after it"
    j = bisect.bisect_left(starts, m.start) - 1
    if j >= 0:
        n, g = known[j]
        if n.sentence == m.sentence and n.end <= m.start and _IN_BEFORE.match(text[n.end:m.start] + " "):
            return g.place, f"in {n.text}, named right before it"
    return _place_later(text, m, known, spans)


# "The X is opening on Y Avenue in Z", "X, a theatre near Z": a locative word, at most a few words after the
# name or after another unknown name it is put in
_LOCATIVE = re.compile(r"^(?![\s,]*(?:and|or)\b)[^,;:()\"“”]{0,30}?\b(?:in|at|on|near|outside)\s+(?:the\s+|downtown\s+)?$")
_IN_BEFORE_NAME = re.compile(r"\b(?:in|to|from|into)\s+(?:the\s+)?$")


def _place_later(text: str, m: Mention, known, spans, window: int = 80) -> tuple[Place, str] | None:
    """The place a locative phrase later in the sentence puts an unknown name in ("The Museum of X is
    opening on Y Avenue in Z" -> Z), through other unknown names on the way; None when the name itself
    follows "in" (it is then a place of its own: "moved from X to live in Z"). Tried on GeoWebNews dev:
    any known place of the sentence, or the nearest, instead of the focus lost 1.5 points."""
    if _IN_BEFORE_NAME.search(text[max(m.sentence[0], m.start - 12):m.start]):
        return None
    known_at = {n.start: (n, g) for n, g in known}
    end = m.end
    for a, b in spans[bisect.bisect_right(spans, (m.start, m.end)):]:
        if a < end:
            continue
        if a >= m.sentence[1] or a - m.end > window or not _LOCATIVE.match(text[end:a]):
            return None
        if a in known_at:
            n, g = known_at[a]
            if g.place.kind in WIDE_KINDS:
                return None
            return g.place, f"in {n.text}, named later in its sentence"
        end = b  # another unknown name, itself in what follows
    return None


def _fits(place: Place, confident, first: bool, organisation: bool, km: float = 300.0) -> bool:
    """Does a place found inside an unknown name fit what else the article names? A country or region
    does; a continent only as the name's first word or in an organisation's name ("European Commission",
    "Council of Europe", not "SM Mall of Asia"); a town
    when it lies within `km` of another confidently placed place."""
    if place.kind in ("continent", "ocean", "area"):
        return first or organisation
    if place.kind in ("country", "region"):
        return True
    return any(g.place.id != place.id and distance_km(place.lat, place.lon, g.place.lat, g.place.lon) <= km
               for _, _, g in confident)


PERSON_TOWN = 100_000  # a town smaller than this, named once as a person, is a person throughout
DEMONYM_TOWN = 20_000  # a demonym spelt like a town smaller than this is the demonym ("English", Indiana)
DEMONYM_REGION = 100_000  # ... and a region, one at least this populous (when its population is known)
DEMONYM_CITY = 500_000  # a demonym's place, when a town, is a city at least this big ("Havanese")


@functools.lru_cache(maxsize=None)
def demonym_rules(language: str) -> tuple[tuple[str, str], ...]:
    """(ending, replacement) rules of `lang/<language>/demonyms.toml`; none when the language has no file."""
    import tomllib

    from .lang import LANG_DIR

    path = LANG_DIR / language / "demonyms.toml"
    if not path.is_file():
        return ()
    return tuple((r[0], r[1]) for r in tomllib.loads(path.read_text(encoding="utf-8"))["rules"])


def _demonym_of(text: str, gazetteer: Gazetteer, language: str) -> str | None:
    """The place a demonym or place adjective names ("Siberian" -> "Siberia", "Central American" ->
    "Central America"), when the rules of its language make one the gazetteer knows as a country, region,
    area, continent, ocean, capital or large city; else None."""
    words = text.split()
    if not words or not words[-1][:1].isupper() or not words[-1].isalpha():
        return None
    last = words[-1]
    for ending, repl in demonym_rules(language):
        if not last.endswith(ending) or len(last) - len(ending) < 3:
            continue
        name = " ".join(words[:-1] + [last[: len(last) - len(ending)] + repl])
        key = name_key(name)
        if key in STOPWORDS:
            continue
        # a country, area, continent or ocean by any of its names; a region or a big city by its own
        if any(p.kind in ("country", "area", "continent", "ocean") or name_key(p.name) == key and (
                p.kind == "region" and p.feature != "ADM2" and not 0 < p.population < DEMONYM_REGION
                or p.feature == "PPLC" or p.population >= DEMONYM_CITY)
               for p in gazetteer.lookup(key)):
            return name
    return None


@dataclass(frozen=True)
class TeamCues:
    """How a language names a town as a sports team (`lang/<language>/teams.toml`)."""

    sport: frozenset[str] = frozenset()
    opponent: frozenset[str] = frozenset()
    nickname_endings: tuple[str, ...] = ()
    not_nicknames: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=None)
def team_cues(language: str) -> TeamCues:
    """The cues of `lang/<language>/teams.toml`; none when the language has no file."""
    import tomllib

    from .lang import LANG_DIR

    path = LANG_DIR / language / "teams.toml"
    if not path.is_file():
        return TeamCues()
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    return TeamCues(frozenset(d.get("sport", ())), frozenset(d.get("opponent", ())),
                    tuple(d.get("nickname_endings", ())), frozenset(d.get("not_nicknames", ())))


_WORD = re.compile(r"[^\W_]+\.?|\S", re.UNICODE)


def team_reading(text: str, m: Mention, cues: TeamCues) -> bool:
    """Whether the sentence names the place as a sports team: a sport word in the sentence, and an opponent
    word right before the name ("25 points against Louisville") or a nickname right after it, capitalised
    words ending in a plural ("the Portland Trail Blazers")."""
    if not cues.sport:
        return False
    a, b = m.sentence
    if not any(w.casefold() in cues.sport for w in _TOKEN.findall(text[a:b])):
        return False
    before = _WORD.findall(text[max(a, m.start - 40):m.start])
    if before and before[-1].casefold() in cues.opponent:
        return True
    after = _WORD.findall(text[m.end:min(b, m.end + 60)])[:3]
    run = []
    for w in after:
        if not w[:1].isupper() or not w.rstrip(".").isalpha():
            break
        run.append(w.rstrip("."))
        if w.endswith("."):
            break
    return bool(run) and any(run[-1].endswith(e) for e in cues.nickname_endings) \
        and not any(w.casefold() in cues.not_nicknames or name_key(w) in KIND_WORDS for w in run)


def _inner_name(text: str, gazetteer: Gazetteer) -> str | None:
    """The most prominent known place name inside an unknown one ("Cavan County Council" -> Cavan,
    "Virginia Gateway" -> Virginia); None when the only ones are common words or hamlets ("Woodman Point")."""
    from .gazetteer import importance

    words = [m.group() for m in _TOKEN.finditer(text)]
    best, best_score, taken = None, 0.0, []
    for n in range(len(words) - 1, 0, -1):
        for a in range(len(words) - n + 1):
            part = " ".join(words[a:a + n])
            key = name_key(part)
            if not words[a][:1].isupper() or key in STOPWORDS or key in KIND_WORDS or len(key) < 3:
                continue
            if any(a0 <= a and a + n <= b0 for a0, b0 in taken):
                continue  # part of a longer known name: "Orleans" in "New Orleans Railways" is New Orleans
            # by a place's own name or its adjective ("Fire Island" is not Iceland, whose Icelandic name is
            # Ísland; "European Commission" is Europe's)
            places = [p for p, f in gazetteer.lookup_flags(key) if name_key(p.name) == key or f & ADJECTIVE]
            if not places:
                continue
            top = max(importance(p) for p in places)
            if top >= INNER_MIN:
                taken.append((a, a + n))
            if top > best_score:
                best, best_score = part, top
    return best if best_score >= INNER_MIN else None


INNER_MIN = 2.35  # importance of a known name inside an unknown one that places it: about a town of 20,000


FOCUS_KM = 300.0  # tuned on GeoWebNews dev: 150 km 79.2 %, 300-500 km 80.0 %, 1000 km 79.1 %


def _focus(groups, resolved, countries, gazetteer, towns_only: bool = False) -> Place | None:
    """The place the article is most about: the named town or region with the most named around it (a
    town named three times far from all the others is likely a word that is not a place there: a floor
    plan called "Norbury"), else its main country."""
    weight: dict[str, tuple[float, Place]] = {}
    for k, g in resolved.items():
        if g is None or g.place.kind in WIDE_KINDS or g.confidence < 0.3 or countries.get(g.place.country, 0.0) < 0.5:
            continue  # (the place an article is most about lies in a country it is much about)
        w = len(groups[k]) * g.confidence * (1.2 if g.place.kind == "city" else 1.0) * (0.2 + countries.get(g.place.country, 0.0))
        prev = weight.get(g.place.id, (0.0, g.place))
        weight[g.place.id] = (prev[0] + w, g.place)
    if weight:
        def around(p: Place) -> float:
            return sum(w * math.exp(-distance_km(p.lat, p.lon, q.lat, q.lon) / FOCUS_KM) for w, q in weight.values())
        return max(weight.values(), key=lambda x: (round(around(x[1]), 6), x[0], x[1].population))[1]
    if countries and not towns_only:
        return gazetteer.get(f"country:{max(countries, key=countries.get)}")
    return None


CLUSTER_READINGS = 40  # readings of one name looked at for clusters, the most populous first


def _clusters(names, evidence, gazetteer: Gazetteer, km: float = CLUSTER_KM) -> dict:
    """For each name, how many other names (of `evidence`) have a reading within `km` of each of its
    readings, a county and a town counting twice: {name key: {place id: (count, names)}}. A name's readings are the towns and counties called so by
    their main name (not an old or foreign alternate name; at most CLUSTER_READINGS); the same place under
    another name (less than 1 km off) does not count. Readings are bucketed by degree cells, so time stays
    about linear in the number of names."""
    readings = {}
    for k, text in names.items():
        key = query_forms(text)[0][0]
        ps = [p for p in gazetteer.lookup(key) if p.kind not in WIDE_KINDS and p.feature != "ADM1"
              and name_key(p.name) == key]
        readings[k] = sorted(ps, key=lambda p: -p.population)[:CLUSTER_READINGS]
    cells: dict[tuple[int, int], list] = {}
    for k in evidence:
        for q in readings.get(k, ()):
            cells.setdefault((math.floor(q.lat), math.floor(q.lon)), []).append((k, q))
    out: dict = {}
    for k, ps in readings.items():
        for p in ps:
            near: dict = {}
            span = math.ceil(km / (111.0 * max(0.1, math.cos(math.radians(p.lat)))))
            i, j = math.floor(p.lat), math.floor(p.lon)
            for a in (i - 1, i, i + 1):
                for b in range(j - span, j + span + 1):
                    for k2, q in cells.get((a, (b + 180) % 360 - 180), ()):
                        if k2 != k and 1.0 <= distance_km(p.lat, p.lon, q.lat, q.lon) <= km:
                            # a town and a county named together that lie together count as two (a county's
                            # name has few readings: "Paris" police and the "Bourbon County" sheriff)
                            near[k2] = max(near.get(k2, 1), COUNTY_PAIR if ADM2 in (p.feature, q.feature) else 1)
            n = sum(near.values())
            if n >= 2:
                out.setdefault(k, {})[p.id] = (n, len(near))
    return out


ADM2 = "ADM2"  # a county's feature code
COUNTY_PAIR = 2  # what a county and a town that lie together count for in `_clusters`


DATELINE_VOTES = 3  # extra votes of the places in an article's dateline
_DATELINE_END = re.compile(r"\s(?:[—–]|-{1,2})\s")  # "LEXINGTON, Ky. (AP) — ...", "IMMOKALEE – ..."


def _in_dateline(text: str, m: Mention, chars: int = 80) -> bool:
    """Is the mention in the article's dateline: the opening words before a dash, the first in capitals
    ("DAYTON, Ohio —", "FRANKFORT, Ky. (AP) —")?"""
    if m.start > chars:
        return False
    head = text[:chars + 40]
    end = _DATELINE_END.search(head)
    if end is None or m.end > end.start():
        return False
    words = head[:end.start()].split()
    return bool(words) and words[0].strip(",").isupper() and len(words[0].strip(",")) >= 3


def _state_votes(groups, resolved, extra=None) -> dict[tuple[str, str], dict]:
    """Each name's vote for the first-level region ((country, admin1 code)) it lies in: its number of
    mentions (plus `extra` votes, a dateline's) times the confidence of its place; a region named outright
    ("Ohio", "Ky.") votes double."""
    votes: dict[tuple[str, str], dict] = {}
    for k, g in resolved.items():
        p = g.place if g is not None else None
        if p is None or not p.admin1 or p.kind in WIDE_KINDS:
            continue
        w = (len(groups[k]) + (extra or {}).get(k, 0)) * g.confidence * (2.0 if p.feature == "ADM1" else 1.0)
        votes.setdefault((p.country, p.admin1), {})[k] = w
    return votes


def _state_shares(votes, k) -> dict[tuple[str, str], float]:
    """The share of each first-level region in the votes of the names other than `k` (a name is no evidence
    for itself: the Lebanon in Ohio does not make an article about Ohio)."""
    sums = {s: sum(w for k2, w in v.items() if k2 != k) for s, v in votes.items()}
    total = sum(sums.values())
    return {s: round(w / total, 3) for s, w in sums.items() if w > 0} if total > 0 else {}


def _country_weights(groups, resolved) -> dict[str, float]:
    """How much the article is about each country: its mentions of the country and of places in it.

    Each name spreads one vote over its candidates' countries by how likely each reading is (a softmax of
    their scores), so "Birmingham" counts mostly for GB and a little for US; a town's vote is scaled by its
    size (a hamlet called Copley is weak evidence), a country's counts in full."""
    return _weights(_country_votes(groups, resolved))


def _country_votes(groups, resolved, extra=None) -> dict:
    """Each name's votes by country (see `_country_weights`): {name key: {country: vote}}; a name has one
    per mention, plus its `extra` votes (a dateline's)."""
    votes: dict = {}
    for k, g in resolved.items():
        if g is None:
            continue
        n = len(groups[k]) + (extra or {}).get(k, 0)
        top = g.candidates[0].score
        ws = [math.exp(c.score - top) for c in g.candidates]
        total = sum(ws)
        mine = votes.setdefault(k, {})
        for c, w in zip(g.candidates, ws):
            p = c.place
            if not p.country:
                continue
            size = 1.0 if p.kind != "city" else min(1.0, (p.population + 1) / 100_000) ** 0.5
            mine[p.country] = mine.get(p.country, 0.0) + n * (w / total) * size
    return votes


def _weights(votes, without=None) -> dict[str, float]:
    """Country weights (0..1, the most voted 1) from the votes of every name but `without`."""
    count: dict[str, float] = {}
    for k, mine in votes.items():
        if k != without:
            for c, v in mine.items():
                count[c] = count.get(c, 0.0) + v
    top = max(count.values(), default=0.0)
    if top <= 0:
        return {}
    return {c: round(v / top, 3) for c, v in count.items() if v / top >= 0.05}


# Parsing budget: every sentence of the first PARSE_ALL_CHARS (where spaCy's entities may add places the
# dictionary missed), then only sentences holding a mention, up to PARSE_MAX_CHARS in all; mentions beyond it
# are read as neutral. Time stays linear in the article's length and bounded for multi-megabyte ones.
PARSE_ALL_CHARS = 50_000
PARSE_MAX_CHARS = 300_000


def extract(article: Article | str, gazetteer: Gazetteer | None = None, *, read: bool = True,
            spans: list[tuple[int, int]] | None = None) -> Extraction:
    """Find and resolve every place the article names; with `read`, also parse the sentences that name
    places (spaCy, in the article's language) for what they say about each (`Extraction.readings`), and
    add the places spaCy's named entities find that the dictionary lookup missed (`entity_mentions`).

    With `spans` ((start, end) offsets into `article.text`, as an annotated corpus gives its toponyms),
    exactly those spans are resolved, in the context of everything else the article names:
    `Extraction.spans` holds one (Mention, Resolved or None) per span, in the order given, and
    `Extraction.resolved` the ones placed. A span the gazetteer does not know is placed by a known name
    inside it or at the article's focus (see `resolve`), with a low confidence."""
    from . import lang

    if isinstance(article, str):
        article = Article.parse(article)
    gazetteer = gazetteer or Gazetteer.open()
    language = lang.detect(article.text)
    mentions = find_mentions(article, gazetteer)
    given = [span_mention(article, a, b) for a, b in spans] if spans is not None else []
    parsed = None
    if read:
        from .lang.reader import reader

        rd = reader(language)
        holding = {m.sentence for m in mentions + given}
        budget = [PARSE_MAX_CHARS]

        def keep(sent: tuple[int, int]) -> bool:
            if budget[0] <= 0 or not (sent in holding or sent[1] <= PARSE_ALL_CHARS):
                return False
            budget[0] -= sent[1] - sent[0]
            return True

        parsed = rd.parse(article.text, article.sentences, keep)
        mentions = sorted(mentions + entity_mentions(article, parsed, mentions, gazetteer, rd),
                          key=lambda m: m.start)
        mentions = mark_people(article.text, parsed, mentions, rd, gazetteer if spans is None else None)
        mentions = drop_common_words(parsed, mentions, gazetteer, rd)
    if spans is not None:
        mentions = units_after(article.text, with_spans(article, mentions, given), gazetteer,
                               {(m.start, m.end) for m in given})
    mentions = county_lists(article.text, mentions, gazetteer)
    mentions = state_lists(article.text, mentions, gazetteer)
    mentions = region_senses(article.text, mentions, gazetteer)
    mentions = contracted_articles(article.text, mentions, gazetteer)
    mentions = _parts_of_cities(article.text, mentions, gazetteer)
    resolved = resolve(article, mentions, gazetteer, fallback=spans is not None, language=language)
    countries: dict[str, float] = {}
    for r in resolved:
        if r.place.country:
            countries[r.place.country] = countries.get(r.place.country, 0) + 1
    by_span: list = []
    if spans is not None:
        at = {(r.mention.start, r.mention.end): r for r in resolved}
        by_span = [(m, at.get((m.start, m.end))) for m in given]
        resolved = [r for _, r in by_span if r is not None]
    if parsed is not None and spans is None:
        resolved = sorted(resolved + capital_mentions(article, parsed, resolved, gazetteer, rd),
                          key=lambda r: r.mention.start)
    readings = {}
    if parsed is not None:
        # towns and regions as subjects ("Madrid remains linked to Paris"); not "The Canadian" (a train)
        parsed.mark_places((r.mention.start, r.mention.end) for r in resolved
                           if not r.mention.adjective and r.place.kind not in WIDE_KINDS)
        known = {(r.mention.start, r.mention.end) for r in resolved}
        readings = {(m.start, m.end): rd.read(parsed, m.start, m.end, placed=(m.start, m.end) in known and
                                              after_preposition_of_place(article.text, m.start))
                    for m in ([m for m, _ in by_span] if spans is not None else [r.mention for r in resolved])}
    return Extraction(article.text, article, resolved, language,
                      dict(sorted(countries.items(), key=lambda kv: -kv[1])), readings, by_span)


CAPITAL_BACK = 1500  # "heads to the capital": the country of a place named this many characters before at most
CAPITAL_CONFIDENCE = 0.8


def capital_mentions(article: Article, parsed, resolved: list[Resolved], gazetteer: Gazetteer,
                     rd) -> list[Resolved]:
    """The capitals an article names without their name: "the Malian capital", « la capitale du Mali », and
    a bare "the capital" after a place of its country ("crossed into China ... heads to the capital"). Only
    with the definite article and no other qualifier ("the economic capital", "a state capital", "the
    capital of tea" name no capital). The words are the `capital` cue of each language."""
    out = []
    spans = sorted(((r.mention.start, r.mention.end), r) for r in resolved)
    for off, doc in parsed.blocks:
        kinds = doc.user_data["mapgen_kinds"]
        for t in doc:
            if "capital" not in kinds[t.i] or t.pos_ not in ("NOUN", "PROPN") or t.dep_ in rd.compound:
                continue
            if not any(c.dep_ in rd.det and "Definite=Def" in str(c.morph) for c in t.children):
                continue
            start = off + t.idx

            def at(tok):  # the resolved mention holding a token, if any
                a = off + tok.idx
                return next((r for (s, e), r in spans if s <= a < e), None)

            country = None
            ok = True
            for c in t.children:
                if c.dep_ in rd.det or c.pos_ in ("PUNCT", "DET", "ADP", "VERB", "AUX", "PRON", "CCONJ", "SCONJ"):
                    continue
                if c.dep_ in rd.appos or c.dep_ in rd.relcl or not t.i - 3 <= c.i <= t.i + 2 or any(
                        x.is_punct for x in doc[min(c.i, t.i):max(c.i, t.i)]):
                    continue  # "the capital, Nairobi,"; "reached the capital, tired": not its qualifier
                r = at(c)
                if r is not None and r.place.kind == "country" and (r.mention.adjective or c.i > t.i):
                    country = r.place.country  # "the Malian capital", "la capitale malienne", "du Mali"
                elif c.pos_ in ("ADJ", "NOUN", "PROPN", "NUM"):
                    ok = False  # "the economic capital", "capital of tea"
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if nxt is not None and "prep_of" in kinds[nxt.i] and country is None:
                following = doc[t.i + 2] if t.i + 2 < len(doc) else None
                r = at(following) if following is not None else None
                if following is not None and following.pos_ == "DET" and t.i + 3 < len(doc):
                    r = at(doc[t.i + 3])
                if r is None or r.place.kind != "country":
                    ok = False  # "the capital of the region", "capital of tea"
                else:
                    country = r.place.country
            if not ok:
                continue
            if country is None:  # the country of the place named last before it (a town or a country if any:
                # not "the Gulf coast" read as a region of Papua New Guinea)
                before = [r for (s, e), r in spans if e <= start and start - e <= CAPITAL_BACK and r.place.country
                          and r.place.kind not in ("continent", "ocean")]
                before = [r for r in before if r.place.kind in ("city", "station", "country")] or before
                if not before:
                    continue
                country = before[-1].place.country
            capital = gazetteer.capital(country)
            if capital is None:
                continue
            sentence = next((s for s in article.sentences if s[0] <= start < s[1]), (start, start + len(t.text)))
            m = Mention(start, start + len(t.text), t.text, sentence, kind="capital", query=capital.name)
            why = (f"the capital of {country}",)
            geo = Geocode(capital.name, capital, (Candidate(capital, 1.0, why),), CAPITAL_CONFIDENCE)
            out.append(Resolved(m, geo, CAPITAL_CONFIDENCE))
    return out


def span_mention(article: Article, start: int, end: int) -> Mention:
    """A span given from outside (offsets into `article.text`) as a mention, with its sentence."""
    if not 0 <= start < end <= len(article.text):
        raise ValueError(f"span ({start}, {end}) is not inside the article's {len(article.text)} characters")
    sents = article.sentences
    i = bisect.bisect_right([a for a, _ in sents], start) - 1
    sentence = sents[i] if i >= 0 and start < sents[i][1] else (0, len(article.text))
    if sentence[1] < end:  # a span across sentences: its sentence is all of them
        last = bisect.bisect_left([b for _, b in sents], end)
        sentence = (sentence[0], sents[min(last, len(sents) - 1)][1])
    return Mention(start, end, article.text[start:end], sentence)


def with_spans(article: Article, found: list[Mention], given: list[Mention]) -> list[Mention]:
    """The given spans plus the mentions found elsewhere (a found mention overlapping a span gives way to
    it); a span followed by ", " and another mention is in that place ("Parkland, Florida")."""
    spans = sorted({(m.start, m.end): m for m in given}.values(), key=lambda m: m.start)
    starts = [m.start for m in spans]

    def overlaps(m: Mention) -> bool:
        k = bisect.bisect_left(starts, m.end)
        return any(s.start < m.end and m.start < s.end for s in spans[max(0, k - 8):k])

    text = article.text

    def kind_words_only(f: Mention, s: Mention) -> bool:  # "New York state", "the state of Washington"
        rest = (text[f.start:s.start] + " " + text[s.end:f.end]).split()
        return bool(rest) and all(name_key(w) in KIND_WORDS or w.casefold() in _KIND_LINKS for w in rest) \
            and not any(name_key(w) in _PLURAL_UNITS or name_key(w) in ("county", "parish", "borough") for w in rest)

    wrapped = {}
    for f in found:
        if f.kind in ("region", "country") and not f.adjective:
            for s in spans:
                if f.start <= s.start and s.end <= f.end and (f.start, f.end) != (s.start, s.end) \
                        and s.kind is None and kind_words_only(f, s):
                    wrapped[(s.start, s.end)] = f.kind
    if wrapped:
        spans = [replace(s, kind=wrapped[(s.start, s.end)]) if (s.start, s.end) in wrapped else s for s in spans]
    others = [m for m in found if not overlaps(m)]
    every = sorted(spans + others, key=lambda m: (m.start, m.end))
    mine = {(m.start, m.end) for m in spans}
    out = []
    for i, m in enumerate(every):
        nxt = every[i + 1] if i + 1 < len(every) else None
        if (m.start, m.end) in mine and nxt is not None and not nxt.adjective and (
                text[m.end:nxt.start] == ", " or text[m.end:nxt.start] == " (" and text[nxt.end:nxt.end + 1] == ")"):
            m = Mention(m.start, m.end, m.text, m.sentence, kind=m.kind, within=nxt.text)
        out.append(m)
    return _part_of(text, out)  # "Halkali, a suburb of Istanbul"


def mark_people(text: str, parsed, mentions: list[Mention], rd, drop_in: Gazetteer | None = None) -> list[Mention]:
    """The mentions that lie inside a name spaCy reads as a person's ("Noma", "Zara" in "Amancio Ortega of
    Zara" stays), or that the sentence makes a person (a small town's name as the subject of a verb of
    saying, "Harper said", "Troy told reporters"; or with an age after it, "Lafayette, 54, said"), flagged
    `person`: no evidence of where the article is. Not one right after a preposition of place ("sent to
    Waukegan") or after another place and a comma ("Croft, Yorkshire"). With `drop_in` (the gazetteer), such a one-word name of towns under 100,000 (or of counties)
    is left out altogether, and so are its other mentions, except after a preposition of place."""
    people = sorted((off + e.start_char, off + e.end_char, len(e) > 1 or e.root.dep_ in rd.subject | rd.poss)
                    for off, doc in parsed.blocks for e in doc.ents if e.label_ in rd.people_labels)
    starts = [a for a, _, _ in people]
    # the surname of a person named in full ("Lin-Manuel Miranda"): a later bare "Miranda" is that person
    # too, unless the text puts it as a place ("flew to Miranda")
    full = sorted((off + e.start_char, off + e.end_char) for off, doc in parsed.blocks for e in doc.ents
                  if e.label_ in rd.people_labels and len(e) > 1)
    full_starts = [a for a, _ in full]
    surnames = set()
    for m in mentions:
        i = bisect.bisect_right(full_starts, m.start) - 1
        if i >= 0 and full[i][0] < m.start and m.end == full[i][1] and " " not in m.text:
            surnames.add(m.text)
    # a person named in full ("Andrew Jordan", "Lin-Manuel Miranda", "Paris Hilton"): a name among its words
    # is that person's, not a place; the surname alone elsewhere is the person too
    named_in_full = {}
    for off, doc in parsed.blocks:
        for e in doc.ents:
            after = re.match(r"\s+([^\W\d_]+)", text[off + e.end_char:off + e.end_char + 40])
            if after is not None and after.group(1).casefold() in AREA_WORDS:
                continue  # "the Jasper-Prince Rupert train": a rail thing's name, no person's
            if e.label_ in rd.people_labels and len(e) > 1:
                named_in_full[(off + e.start_char, off + e.end_char)] = [
                    (off + t.idx, off + t.idx + len(t.text), t.text, t.pos_) for t in e if not t.is_punct]
    full_at = sorted(named_in_full)
    last_names = set()
    for words in named_in_full.values():
        a, b, w, _ = words[-1]
        if w in POSSESSIVES and len(words) > 1:
            a, b, w, _ = words[-2]
        if len(words) > 1 and words[-2][2] in _KIND_LINKS:
            continue  # « André de Dakar » is André from Dakar: "Dakar" alone elsewhere is still the city
        if _part_of_full_name(Mention(a, b, w, (a, b)), words, mentions, drop_in):
            last_names.add(w)
    kept, dropped = [], set()
    for k, m in enumerate(mentions):
        i = bisect.bisect_right(starts, m.start) - 1
        inside = i >= 0 and people[i][0] <= m.start and m.end <= people[i][1]
        by_text = m.adjective or after_preposition_of_place(text, m.start) or \
            k > 0 and text[mentions[k - 1].end:m.start] == ", "  # "Croft, Yorkshire": it holds the place before
        placed = by_text or m.organisation
        one_word = drop_in is not None and " " not in m.text and not m.loose
        f = bisect.bisect_right(full_at, (m.start, math.inf)) - 1
        whole = full_at[f] if f >= 0 and full_at[f][0] <= m.start and m.end <= full_at[f][1] else None
        first_name = whole is not None and m.start == whole[0] and m.end < whole[1]  # "to Elizabeth Sullivan"
        if whole is not None and m.organisation and _org_word_after(text, m.end):
            whole = None  # "Bolton Wanderers", "Denton Mayor Chris Watts": the words say it is no person's
        if (not by_text or first_name and not m.adjective) and one_word and whole is not None and \
                _part_of_full_name(m, named_in_full[whole], mentions, drop_in):
            continue  # ("Paris Hilton", read first as a name after Paris)
        if not placed and one_word and m.text in last_names:
            dropped.add(m.text)  # the surname alone: "Miranda tweeted" is the person named in full
            continue
        if one_word and not m.adjective and not m.organisation and _source(parsed, m, rd, drop_in) or \
                not placed and one_word and (inside and people[i][2] and _small(drop_in, m.text, counties=True)
                                             or _speaker(text, parsed, m, rd, drop_in)):
            dropped.add(m.text)
            continue
        if (inside or m.text in surnames) and not placed:
            m = replace(m, person=True)
        kept.append((m, placed))
    # a small town's name read as a person's is a person's throughout, except where the text puts it as a
    # place ("Tyler's attorney" ... "his brother Tyler"; but "moved to Tyler")
    return [m for m, placed in kept if placed or m.text not in dropped]


def _part_of_full_name(m: Mention, words: list[tuple[int, int, str, str]], mentions: list[Mention],
                       gazetteer: Gazetteer | None) -> bool:
    """Is the mention one of the words of a person's full name as the parse reads it ("Andrew Jordan", "Mary
    Ann Quitugua", "Salvador Marlon B. Malbog IV", "Mario de Santiago"), the other words names written as
    names (capitalised, no initials of an office or a police such as "RCMP"; not all places the article
    names: "Tacoma Washington")?"""
    if any(x.start <= words[0][0] and words[-1][1] <= x.end for x in mentions):
        return False  # the whole name is a place's ("Prince Rupert", "Santa Ana")
    others = [(a, b, w, pos) for a, b, w, pos in words if (b <= m.start or a >= m.end)
              and w.casefold() not in CONNECTORS and w not in POSSESSIVES]
    if not others or all(any(x.start <= a and b <= x.end and (gazetteer is None or not _small(gazetteer, x.text))
                             for x in mentions) for a, b, w, _ in others):
        return False  # places side by side ("Tacoma Washington"), no person's name ("Van Boxtel" is)
    for a, b, w, pos in others:
        if pos != "PROPN":
            return False  # "Leaving Munich": a verb, no first name
        letters = w.replace("-", "").replace("'", "").replace("\u2019", "").rstrip(".")
        if not letters.isalpha() or not w[:1].isupper():
            return False
        if len(letters) > 1 and letters.isupper() and letters not in ROMAN:
            return False
    return True


def _org_word_after(text: str, end: int) -> bool:
    """Is one of the two words after `end` an office's, an institution's or an organisation's word?"""
    words = re.findall(r"[^\W\d_]+", text[end:end + 40])[:2]
    return any(w.casefold() in name_cues().any_org for w in words)


ROMAN = frozenset({"II", "III", "IV", "VI", "VII", "VIII"})  # "Malbog IV": a person's numeral, no initials
POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019"})  # "Sam Gallagher's winner"


_AGE_AFTER = re.compile(r",\s*\d{1,3},")  # "Lafayette, 54, said": an age after a name


def _speaker(text: str, parsed, m: Mention, rd, gazetteer: Gazetteer) -> bool:
    """Does the sentence make a one-word name of towns or counties a person's: an age right after it
    ("Lafayette, 54, said"), or (towns under 100,000) the subject of a verb of saying (`speaker` cues:
    "Harper said", "Troy told reporters")?"""
    places = gazetteer.lookup(name_key(m.text))
    if not places or any(p.kind != "city" and p.feature != "ADM2" for p in places):
        return False
    if _AGE_AFTER.match(text, m.end):
        return True
    if not _small(gazetteer, m.text, counties=True):
        return False
    span = parsed.span(m.start, m.end)
    if span is None or len(span) != 1:
        return False
    kinds = span[0].doc.user_data["mapgen_kinds"]
    if span[0].dep_ not in rd.subject:
        return False
    head = span[0].head
    return "speaker" in kinds[head.i]


def _source(parsed, m: Mention, rd, gazetteer: Gazetteer) -> bool:
    """Is a one-word name of towns under 100,000 (or of counties) the source of what is said, the object of a
    `source` cue ("according to Harper, the plant will reopen"): a person, though after "to"?"""
    if not _small(gazetteer, m.text, counties=True):
        return False
    span = parsed.span(m.start, m.end)
    if span is None or len(span) != 1 or span[0].dep_ not in rd.pobj:
        return False
    kinds = span[0].doc.user_data["mapgen_kinds"]
    return any("source" in kinds[t.i] for t in (span[0].head, span[0].head.head))


def entity_mentions(article: Article, parsed, mentions: list[Mention], gazetteer: Gazetteer, rd) -> list[Mention]:
    """Places spaCy's entity recogniser finds that the dictionary lookup did not (a name it left out by its
    case rules, or a place written with its kind word), when the gazetteer knows the name."""
    taken = sorted((m.start, m.end) for m in mentions)
    starts = [a for a, _ in taken]
    out = []
    sentence_at = article.sentences
    sentence_starts = [s for s, _ in sentence_at]
    for off, doc in parsed.blocks:
        for ent in doc.ents:
            if ent.label_ not in rd.place_labels:
                continue
            a, b = off + ent.start_char, off + ent.end_char
            k = bisect.bisect_right(starts, b)
            if any(s < b and a < e for s, e in taken[max(0, k - 3):k]):
                continue  # the dictionary found a place there already
            text = article.text[a:b]
            forms = query_forms(text)
            key, kind = forms[-1]
            if kind == SITE or key in STOPWORDS or len(key) < 3 or not text[:1].isupper():
                continue
            if not any(gazetteer.has_key(k2) for k2, _ in forms):
                continue
            if not text.isupper() and _clipped_only(gazetteer, key):
                continue
            j = bisect.bisect_right(sentence_starts, a) - 1
            sent = sentence_at[j] if j >= 0 else (0, len(article.text))
            out.append(Mention(a, b, text, sent, kind=kind if kind != SITE else None))
    return out


__all__ = ["Mention", "Resolved", "Extraction", "extract", "find_mentions", "resolve", "span_mention", "with_spans",
           "Weights", "WEIGHTS",
           "LOCATIVE", "ARTICLE_BEFORE"]
