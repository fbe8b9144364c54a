"""What a sentence says about a place it names, from its dependency parse and the language's cue data.

For each place mention, `Reader.read` finds the word it hangs on (a preposition, a noun such as "journey"
or "station", and above them the verb that governs it), and reads off:

  * its role in the journey: depart ("left Pyongyang", "the train from Xining"), arrive ("arrived in
    Irkutsk"), stop ("stopped in Ulan Ude", "a halt at Tver"), via ("through the DMZ"), dest ("heading to
    Saigon", "the journey to Berlin"), ends ("between Vancouver and Toronto"), at (a place where something
    happens), locate ("north of Vancouver"), origin ("a couple of Pasadena"), subject (the place acts);
  * whether the verb is negated, modal, conditional, future, or governed by a plan, a rumour or an
    expectation; whether a counterfactual ("instead of") or another trip ("an earlier visit") frames it;
  * who travels (the subject: first person, the train, a person, other people, "you", a line);
  * how (a road, air or sea word in the clause: "board a coach to cross to Calais").

The cues come from `lang/<code>/cues.toml` and the dependency labels from `lang/<code>/language.toml`;
nothing here names a word of any language.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from . import load, pipeline, function_words, BLOCK_CHARS

# What the reader says of a place (identifiers of this module, not words of a language):
ROLES = ("depart", "arrive", "stop", "via", "dest", "ends", "at", "object", "none", "subject", "locate", "origin",
         "part", "feature", "attribute")
TRAVELLERS = ("self", "vehicle", "person", "passengers", "others", "you", "line", "place", "unknown")
PREPOSITIONS = ("from", "to", "at", "via", "between", "of", "near", "after")  # the prep_* kinds of cues.toml
CLOSED_KINDS = frozenset({"negation", "modal", "future", "perfect_aux", "first_person", "second_person", "condition",
                          "contrast", "list_joiner", "restrictive"})  # function words' kinds: no plural form
MOTION = ("depart", "arrive", "stop", "pass", "travel")
JOURNEY_NOUNS = ("journey", "vehicle", "station")
MODES = (("mode_road", "road"), ("mode_air", "air"), ("mode_sea", "sea"), ("mode_rail", "rail"))
CLIMB = 8  # words climbed at most from a place to its verb
# nouns whose "de <place>" keeps its own sense (from, to, where people come from): not climbed over
NOUN_OWN_SENSE = frozenset({"journey", "vehicle", "depart", "arrive", "stop", "pass", "station", "destination_word",
                            "people", "home", "passengers", "infrastructure", "naming", "feature", "person_role"})


@dataclass(frozen=True)
class Reading:
    """What the sentence says about one place mention (see the module docstring)."""

    role: str = "none"
    governor: str = ""  # lemma of the governing verb (or motion noun)
    travel: bool = False  # a travel verb or a journey, vehicle or station noun governs the place
    sentence_travel: bool = False  # a travel word anywhere in the sentence
    traveller: str = "unknown"  # self, vehicle, person, passengers, others, you, line, place, unknown
    negated: bool = False
    modal: bool = False
    conditional: bool = False
    future: bool = False
    hypothetical: bool = False
    generic: bool = False  # going there said in general, by no one ("Going from X to Y in one go is absurd")
    counterfactual: bool = False
    compared: bool = False  # named in a comparison ("faster than the hours between Paris and Grenoble")
    other_trip: bool = False
    extension: bool = False  # a line or service described or extended, not travelled
    actor: bool = False  # the place acts: subject of a verb of saying or doing
    mode: str | None = None
    station: bool = False  # named with a station word ("Chicago's Union Station")
    reported: bool = False
    possible: bool = False
    determiner: bool = False  # a definite article right before the name ("the Tumen", "le Tessin")
    conjunct: bool = False  # a later member of a list ("Prague" in "Dresden and Prague")
    entity: str = ""  # spaCy's entity label over the mention
    person: bool = False  # spaCy reads the name as a person's ("Cooper", "Laurent")
    common: bool = False  # one word opening a sentence that the parse reads as a common word ("Prix", "Avez")
    function_word: bool = False  # only words of the language's stop list ("Là-bas", "Durant"): never a name
    leg_start: bool = False  # the first end of a leg written out ("Zurich-Amsterdam", "Tomsk -> Iurga")
    leg_end: bool = False  # the second end of one ("Amsterdam" in "Zurich-Amsterdam")
    background: bool = False  # the verb is a past perfect ("had left", « avait quitté »): before the story
    final: bool = False  # named as the journey's destination ("à destination de Ngaoundéré", "destination: Perth")
    returning: bool = False  # told as going back there ("returned to Vienna", "back in Glasgow", « revenus à Lyon »)
    round_trip: bool = False  # told as gone to and back from ("from Lyon to Annecy and back", « et retour »)
    doubling: bool = False  # the way turned round to reach it ("headed back south to Ribblehead")
    cues: tuple[str, ...] = ()

    @property
    def unreal(self) -> bool:
        """The sentence says the journey did not go there, or tells another trip or the line."""
        return self.negated or self.counterfactual or self.compared or self.other_trip or self.extension

    @property
    def uncertain(self) -> bool:
        """The sentence says the journey only might go there: planned, rumoured, conditional, or "you can"."""
        return self.hypothetical or self.generic or self.conditional or (self.modal and self.traveller not in ("self", "vehicle", "person"))


def _a_year(t) -> bool:
    """Is the token a year ("2015", not "1,200" nor "300")?"""
    return t.shape_ == "dddd" and 1800 <= int(t.text) <= 2100


class Parsed:
    """An article parsed in blocks of whole sentences (spaCy refuses very long texts); char offsets map to
    the tokens of the block holding them."""

    def __init__(self, blocks: list[tuple[int, object]]):
        self.blocks = blocks
        self._starts = [off for off, _ in blocks]
        self._places: list[tuple[int, int]] = []
        self._starts_ends: tuple[set[int], set[int]] = (set(), set())

    def mark_places(self, spans) -> None:
        """The char spans of the place mentions found in the text (a subject that is one of them is a place)."""
        self._places = sorted(spans)
        self._starts_ends = {s for s, _ in self._places}, {e for _, e in self._places}

    def place_starts_at(self, off: int) -> bool:
        return off in self._starts_ends[0]

    def place_ends_at(self, off: int) -> bool:
        return off in self._starts_ends[1]

    def is_place(self, tok) -> bool:
        off = self.offset(tok.doc) + tok.idx
        k = bisect_right(self._places, (off, float("inf"))) - 1
        return k >= 0 and self._places[k][0] <= off < self._places[k][1]

    def span(self, start: int, end: int):
        k = bisect_right(self._starts, start) - 1
        if k < 0:
            return None
        off, doc = self.blocks[k]
        if end - off > len(doc.text):
            return None
        return doc.char_span(start - off, end - off, alignment_mode="expand")

    def offset(self, doc) -> int:
        return doc.user_data["mapgen_offset"]


LINE_NOUN_REACH = 8  # words back from a participle to the line's noun it describes


class Reader:
    """One language's parse and cues."""

    def __init__(self, code: str):
        from spacy.matcher import Matcher

        self.data = load(code)
        self.nlp = pipeline(code)
        self.code = code
        lab = self.data.labels
        self.subject, self.object = lab("subject"), lab("object")
        self.passive = lab("passive_subject")
        self.pobj, self.case = lab("prepositional_object"), lab("case_marker")
        self.neg, self.aux = lab("negation"), lab("auxiliary")
        self.subordinator = lab("subordinator")
        self.conj, self.appos = lab("conjunct"), lab("apposition")
        self.compound, self.poss = lab("compound"), lab("possessive")
        self.relcl = lab("relative_clause")
        self.csubj = lab("clausal_subject")
        self.nmod = lab("noun_modifier")
        self.det = lab("determiner")
        ents = self.data.entities
        self.place_labels = frozenset(ents.get("places", ()))
        self.people_labels = frozenset(ents.get("people", ()))
        self.org_labels = frozenset(ents.get("organisations", ()))
        self.nationality_labels = frozenset(ents.get("nationalities", ()))
        self.by_lemma: dict[str, set[str]] = {}
        self.by_word: dict[str, set[str]] = {}
        self.matcher = Matcher(self.nlp.vocab)
        for kind, cue in self.data.cues.items():
            for lemma in cue.lemmas:
                self.by_lemma.setdefault(lemma, set()).add(kind)
            patterns = [list(p) for p in cue.patterns]
            for word in cue.words:
                if " " in word:
                    patterns.append([{"LOWER": w} for w in word.split()])
                else:
                    self.by_word.setdefault(word, set()).add(kind)
            if patterns:
                self.matcher.add(kind, patterns)
        self.conditional = tuple(self.data.suffixes.get("conditional", ()))
        # verbs the lemmatizer leaves as written: found by the stem of a cue lemma (data: infinitive endings)
        self.by_stem: dict[str, set[str]] = {}
        for ending in self.data.suffixes.get("infinitive", ()):
            for lemma, ks in self.by_lemma.items():
                if lemma.endswith(ending) and len(lemma) - len(ending) >= 4 and " " not in lemma:
                    self.by_stem.setdefault(lemma[: -len(ending)], set()).update(ks)
        self.stem_lengths = sorted({len(k) for k in self.by_stem}, reverse=True)
        self.plural = tuple(self.data.suffixes.get("plural", ()))
        self._parsed: Parsed | None = None

    # --- parsing -----------------------------------------------------------------------------------------

    def parse(self, text: str, sentences: list[tuple[int, int]] | None = None, keep=None) -> Parsed:
        """Parse `text` sentence by sentence (the article's `sentences`; one longer than BLOCK_CHARS in
        pieces); with `keep` (a predicate on a sentence's (start, end)), only kept sentences are parsed, so
        time is linear in what is kept."""
        sentences = sentences or [(0, len(text))]
        cut = []
        for s, e in sentences:  # one doc per sentence (the article's own split); a huge one in pieces
            if keep is not None and not keep((s, e)):
                continue
            while e - s > BLOCK_CHARS:
                cut.append((s, s + BLOCK_CHARS))
                s += BLOCK_CHARS
            cut.append((s, e))
        out = []
        # the models learnt elision and contractions with a straight apostrophe ("d'Irkoutsk", "don't"); the
        # curly one, as typeset texts write it, splits differently ("d’" alone, Irkoutsk glued to the noun
        # before): parse with straight ones, one character for one, so offsets are unchanged
        docs = self.nlp.pipe((text[s:e].replace("\u2019", "'") for s, e in cut), batch_size=64)
        for (s, _), doc in zip(cut, docs):
            doc.user_data["mapgen_kinds"] = self._kinds(doc)
            doc.user_data["mapgen_offset"] = s
            out.append((s, doc))
        return Parsed(out)

    def _kinds(self, doc) -> list[frozenset[str]]:
        kinds = [set() for _ in doc]
        for t in doc:
            k = kinds[t.i]
            # with no lemmatizer (French: excluded in fr/language.toml), a word written as its lemma
            # ("tronçon", "idée") is that lemma
            k.update(self.by_lemma.get(t.lemma_.casefold() or t.lower_, ()))
            k.update(self.by_word.get(t.lower_, ()))
            if k or t.lemma_.casefold() not in ("", t.lower_):
                continue  # found, or lemmatized by the model
            if self.by_stem and t.pos_ in ("VERB", "AUX", "NOUN", "ADJ"):
                for n in self.stem_lengths:
                    if n < len(t.lower_) <= n + 5 and t.lower_[:n] in self.by_stem:
                        k.update(self.by_stem[t.lower_[:n]])
                        break
            for ending in self.plural:
                if not k and t.lower_.endswith(ending) and len(t.lower_) > len(ending) + 2:
                    # a plural is a noun's or an adjective's: never a function word's (« pass » is no « pas »)
                    k.update(x for x in (*self.by_lemma.get(t.lower_[: -len(ending)], ()),
                                         *self.by_word.get(t.lower_[: -len(ending)], ()))
                             if x not in CLOSED_KINDS and not x.startswith("prep_"))
        for match_id, a, b in self.matcher(doc):
            name = self.nlp.vocab.strings[match_id]
            for i in range(a, b):
                kinds[i].add(name)
        return [frozenset(k) for k in kinds]

    # --- reading one mention -----------------------------------------------------------------------------

    def read(self, parsed: Parsed, start: int, end: int, placed: bool = False) -> Reading:
        """What the sentence says of the name at start..end. `placed`: the text puts a place there (a
        preposition of place right before it, "à St.Moritz", "jusque Disentis"): then the entity recogniser's
        PERSON label is no evidence of a person's name (spaCy fr reads small Swiss towns after « à » so); nor is it
        for a name the sentence gives a station ("la gare Sainte Foy de Québec")."""
        self._parsed = parsed
        span = parsed.span(start, end)
        if span is None or not len(span):
            return Reading()
        doc = span.doc
        kinds = doc.user_data["mapgen_kinds"]
        inside = set(range(span.start, span.end))
        root = span.root
        cues: list[str] = []
        sent = root.sent
        sentence_travel = any(kinds[t.i] & {*MOTION, *JOURNEY_NOUNS} for t in sent)
        entity = next((e.label_ for e in doc.ents if e.start <= root.i < e.end), "")

        # climb over conjuncts, appositions, compounds and possessives to the word the place hangs on
        node = root
        path: list = []  # nouns passed on the way up to the verb
        station = False
        attribute = False  # the name qualifies a noun ("Pullman service", "the Moscow line"): no place visited
        conjunct = False  # a later member of a list ("Dresden and Prague"): it shares the first one's attachment
        route_of = None  # a journey or train the name is set beside ("le trajet Vladivostok Moscou")
        completes = False  # the name completes a common noun ("l'auberge de Zurich"): the noun's attachment counts
        for _ in range(CLIMB):
            if node.head.i == node.i:
                break
            if node.dep_ in self.appos | self.compound and kinds[node.head.i] & {"journey", "vehicle"}:
                route_of = node.head
            if node.dep_ in self.conj | self.appos and node.head.pos_ in ("PROPN", "NOUN", "NUM", "X", "ADJ"):
                conjunct = conjunct or node.dep_ in self.conj
                node = node.head
                continue
            namer = node.head.head if node.head.pos_ == "ADP" and node.head.i == span.start - 1 and not any(
                k.startswith("prep_") for k in kinds[node.head.i]) else node.head  # "known as", not "called at"
            if kinds[namer.i] & {"naming"} and span.start - 2 <= namer.i < span.start and namer.head.i < namer.i \
                    and namer.head.pos_ == "NOUN" and namer.head.i not in inside:
                # "a town called Ella", "un village nommé Haputale", "a hamlet known as Ohakune": the place is
                # the noun it names, and hangs where that noun hangs
                node = namer.head
                continue
            if node.dep_ in self.nmod and node.head.pos_ == "NOUN" and node.head.i not in inside and \
                    not kinds[node.head.i] & NOUN_OWN_SENSE and not self._locating(node.head, kinds) and any(
                    c.dep_ in self.case and "prep_of" in kinds[c.i] for c in node.children):
                # "l'auberge de jeunesse de Zurich", "le parc national de Jasper": the place is where the noun
                # is, and the noun's own attachment says what the journey did there ("de" is "of" here, not
                # "from"); not "le train de Moscou", "la gare de Lyon", "au nord de Lyon"
                path.append(node.head)
                node = node.head
                completes = True
                continue
            if node.dep_ in self.compound | self.poss and node.head.i not in inside:
                head = node.head
                if kinds[head.i] & {"station"}:
                    station = True
                elif head.pos_ == "NOUN" and node.dep_ in self.compound and \
                        not kinds[head.i] & {"depart", "arrive", "stop", "pass"}:
                    attribute = True  # not "Départ Paris 22h52": a timetable's departure from Paris
                path.append(head)
                node = head
                continue
            break
        anchor = node
        prep = next((c for c in anchor.children if c.dep_ in self.case and c.i < anchor.i and
                     any(k.startswith("prep_") for k in kinds[c.i])), None)
        up = anchor.head
        distance = False  # "10 km away from Nuwara Eliya", "12 miles away from Haputale": a place measured from
        if prep is None and anchor.dep_ in self.pobj:
            prep = anchor.head
            up = prep.head
            while up.pos_ in ("ADP", "ADV", "PART") and up.head.i != up.i and not kinds[up.i] & set(MOTION):
                distance = distance or any(kinds[c.i] & {"locate"} for c in up.children)
                up = up.head  # "up to", "back to", "instead of"
        if prep is None and not completes:  # a preposition the parse hung elsewhere: the word just before the name
            k = span.start - 1
            while k >= sent.start and doc[k].pos_ == "DET":
                k -= 1
            if k >= sent.start and any(x.startswith("prep_") for x in kinds[k]):
                prep = doc[k]
        preps = {x[5:] for x in kinds[prep.i] if x.startswith("prep_")} if prep is not None else set()
        # an arrow between two names: "Tomsk -> Iurga" (the tokenizer may cut the arrow in pieces)
        marks = self.data.cues["route_mark"].words if "route_mark" in self.data.cues else ()
        text, base = doc.text, self._parsed.offset(doc)
        head, tail = text[:span.start_char].rstrip(), text[span.end_char:].lstrip()  # (a doc is one sentence)
        leg_mark = False  # an arrow or a dash joins the name to another place: a leg written out
        # (a place on the arrow's other side too: "News > Spokane", a page's breadcrumb, is no leg)
        arrow = max((m for m in marks if head.endswith(m)), key=len, default=None)  # "–>", not its ">"
        if arrow and self._parsed.place_ends_at(base + len(head[:-len(arrow)].rstrip())):
            preps.add("to")
            cues.append("after an arrow")
            leg_mark = True
        arrow = max((m for m in marks if tail.startswith(m)), key=len, default=None)
        if arrow and self._parsed.place_starts_at(base + len(text) - len(tail[len(arrow):].lstrip())):
            preps.add("from")
            cues.append("before an arrow")
            leg_mark = True
        # a dash with spaces between this name and another place: "the train Ouagadougou – Bobo"
        dashes = self.data.cues["route_dash"].words if "route_dash" in self.data.cues else ()
        if span.start >= 2 and doc[span.start - 1].text in dashes and doc[span.start - 2].whitespace_ and \
                doc[span.start - 1].whitespace_ and self._parsed.is_place(doc[span.start - 2]):
            preps.add("to")
            cues.append("after a dash from a place")
            leg_mark = True
        if span.end + 1 < len(doc) and doc[span.end].text in dashes and doc[span.end - 1].whitespace_ and \
                doc[span.end].whitespace_ and self._parsed.is_place(doc[span.end + 1]):
            preps.add("from")
            cues.append("before a dash to a place")
            leg_mark = True
        # a hyphen with no space between two places: a route's name ("le Paris-Nice", "the Moscow-Beijing
        # express", "train Dakar-Bamako"), one token or three; its ends are the journey's
        route_name = False
        if start - base >= 1 and text[start - base - 1] in dashes and self._parsed.place_ends_at(start - 1):
            preps.add("to")
            cues.append("after a hyphen from a place")
            leg_mark = route_name = True
        if end - base < len(text) and text[end - base] in dashes and self._parsed.place_starts_at(end + 1):
            preps.add("from")
            cues.append("before a hyphen to a place")
            leg_mark = route_name = True
        if route_of is not None and not preps:
            # two names side by side after a journey or train word: its ends ("le trajet Vladivostok Moscou",
            # "the Zurich Vienna sleeper"), as "Vladivostok-Moscou" would be
            if self._parsed.place_starts_at(end + 1):
                preps.add("from")
            elif self._parsed.place_ends_at(start - 1):
                preps.add("to")
            if preps:
                cues.append("an end of the route named beside a journey word")
                leg_mark = route_name = True
        leg_start = leg_mark and "from" in preps and "to" not in preps  # whatever the verb makes of the leg
        leg_end = leg_mark and "to" in preps and "from" not in preps
        rel = ("prep" if route_of is not None and route_name else
               "subject" if anchor.dep_ in self.subject else "object" if anchor.dep_ in self.object and not preps
               else "prep" if preps else "unattached")

        # up to the governing verb, through nouns ("the journey to", "a halt at", "Union Station in")
        gov = None
        locates = False
        event = None  # the motion word the place hangs on: the verb, or a noun such as "halt", "departure"
        node = up if anchor.head.i != anchor.i else None
        for _ in range(CLIMB):
            if node is None:
                break
            if node.i in inside:
                break
            if node.pos_ in ("VERB", "AUX") and not self._parsed.is_place(node):  # (« Tanger » read as a verb)
                gov = node
                break
            if node.pos_ == "PROPN" and node.ent_type_ in self.place_labels and not kinds[node.i] & {"station"} and \
                    self._parsed.is_place(node):  # (not a train's name the model tags as a place: "the California Zephyr")
                locates = True  # "San Jose, the largest city in Northern California": it places San Jose
            path.append(node)
            if event is None and kinds[node.i] & {"depart", "arrive", "stop", "pass"} and node.pos_ == "NOUN":
                event = node
            if kinds[node.i] & {"station"} and (not preps or preps & {"at", "of", "from"}):
                # "Union Station in Los Angeles": the place is where the station is; the station's own
                # preposition says what the journey does there
                station = True
                p2 = next((c for c in node.children if c.dep_ in self.case and any(
                    k.startswith("prep_") for k in kinds[c.i])), None)
                if p2 is None and node.dep_ in self.pobj:
                    p2 = node.head
                if p2 is not None:
                    preps = {x[5:] for x in kinds[p2.i] if x.startswith("prep_")}
                    rel = "prep"
                elif node.dep_ in self.object:
                    preps, rel = set(), "object"
            if node.head.i == node.i:
                break
            node = node.head
        event = event or gov
        ek = kinds[event.i] if event is not None else frozenset()
        path_kinds = set().union(*(kinds[n.i] for n in path)) if path else set()
        travel = bool(ek & set(MOTION)) or bool(path_kinds & set(JOURNEY_NOUNS)) or (
            gov is not None and any(kinds[c.i] & {"vehicle", "journey"} for c in gov.children if c.dep_ in self.object))

        # the clause: the governing verb, what hangs on it, and the verbs above it
        chain = []
        node = gov
        while node is not None and len(chain) < CLIMB:
            chain.append(node)
            if node.head.i == node.i:
                break
            if node.dep_ in self.conj and any(c.dep_ in self.subject or "contrast" in kinds[c.i] for c in node.children):
                break  # a clause of its own beside the verb: "expected Kim to head for X, but the train turned to Y"
            node = node.head
        traveller = self._traveller(gov, kinds, inside) if gov is not None else "unknown"
        if traveller == "unknown" and path:
            traveller = self._who(path[0], kinds, inside, fallback="unknown") if path[0].pos_ == "NOUN" and \
                path[0].dep_ in self.subject else traveller

        def has(tok, kind):
            return kind in kinds[tok.i]

        negated = modal = conditional = future = False
        background = gov is not None and self._past_perfect(gov, kinds)
        if gov is not None:
            for c in [gov, *gov.children]:
                if c is not gov and (c.dep_ in self.neg or "Polarity=Neg" in str(c.morph) or has(c, "negation")):
                    negated = True
                if c is gov and has(c, "avoid"):
                    negated = True  # "the train bypassed the Chinese capital", « le convoi a évité Lyon »
                if c is gov or c.dep_ in self.aux:
                    if has(c, "modal") and "Tense=Past" not in str(c.morph):  # "ont pu": were able to, did
                        modal = True
                    if has(c, "future") or "Tense=Fut" in str(c.morph):
                        future = True
                    if "Mood=Cnd" in str(c.morph) or (self.conditional and c.pos_ in ("VERB", "AUX")
                                                       and c.lower_.endswith(self.conditional)):
                        conditional = True
                if c is not gov and has(c, "future"):
                    future = True
            if negated and any(has(t, "contrast") and any(
                    n.i < t.i and (n.dep_ in self.neg or "Polarity=Neg" in str(n.morph) or has(n, "negation"))
                    for n in gov.children) for t in doc[gov.i:span.start]):
                negated = False  # "is not one single view but the landscapes between Los Mochis and Creel"
                cues.append("after 'not ... but'")
            if negated and any(has(t, "restrictive") and t.i > gov.i and self._in_clause(t, gov) for t in gov.subtree):
                negated = False  # "we don't get into Tehran until 4", « n'arrivons à Téhéran qu'à 4 heures »
                cues.append("negation says when, not whether")
            if gov.head.i != gov.i and has(gov.head, "modal") and gov.head.pos_ in ("VERB", "AUX") and \
                    "Tense=Past" not in str(gov.head.morph):
                modal = True  # "vous pouvez continuer jusqu'à Rabat"
            if gov.head.i != gov.i and gov.dep_ in self.data.labels("open_complement") and any(
                    c.dep_ in self.aux and has(c, "modal") for c in gov.head.children):
                modal = True  # "you'd need to make the hop to Katherine", "we could try to reach Lhasa"
        # what a past participle says was done stays done, whatever the clause it hangs in plans ("After four
        # days spent in Sapa, we planned to go back to Hanoi": Sapa is no plan)
        done = gov is not None and gov.dep_ in self.relcl and "VerbForm=Part" in str(gov.morph) and \
            "Tense=Past" in str(gov.morph)
        above = [] if done else chain[1:]
        hypothetical = any(kinds[t.i] & {"plan", "hedge"} for t in above) or \
            any("originally" in kinds[c.i] for t in chain for c in t.children) or \
            bool(path_kinds & {"hedge", "plan"}) or (gov is not None and bool(kinds[gov.i] & {"plan"})) or \
            (gov is not None and any(kinds[c.i] & {"hedge"} and c.pos_ not in ("VERB", "AUX") for c in gov.children)) or \
            any(c.dep_ in self.subject and kinds[c.i] & {"hedge", "plan"} for t in chain[:len(above) + 1]
                for c in t.children) or \
            ((modal or conditional or future) and any(kinds[t.i] & {"belief"} for t in above)) or \
            any(c.dep_ in self.subordinator and kinds[c.i] & {"condition"} and t.head.i != t.i and
                any(g.dep_ in self.subject for g in t.children) for t in chain for c in t.children)
        # going there said in general, by no one: a verb that is the subject of a clause in the present ("Going
        # from Moscow to Vladivostok in one go is absurd"), or an infinitive with no subject or auxiliary of its
        # own that a copula's clause hangs on (the French model's parse of « aller de Moscou à Vladivostok d'une
        # traite est un challenge »); not "Travelling from Lyon to Nice took us a day"
        generic = False
        if gov is not None and not any(c.dep_ in self.subject or (c.dep_ in self.aux and c.pos_ != "PART")
                                       for c in gov.children):  # ("to" of an infinitive is no auxiliary)
            cop = self.data.labels("copula")
            infinitive = "VerbForm=Inf" in str(gov.morph)
            main = None
            if gov.dep_ in self.csubj and gov.head.i != gov.i:
                main = gov.head
            elif infinitive and gov.head.i > gov.i and any(g.dep_ in cop for g in gov.head.children):
                main = gov.head  # « Voyager de Moscou à Vladivostok serait épuisant » (parsed as "dep")
            elif infinitive and gov.head.i == gov.i:
                main = next((c for c in gov.children if c.dep_ in self.data.labels("other_clause") and
                             any(g.dep_ in cop for g in c.children)), None)
                own = {t.i for t in gov.subtree}
                if main is None and all(t.i in own or t.is_punct for t in span.doc[gov.sent.start:gov.i]):
                    # the infinitive and the verb it is the subject of, parsed as two clauses side by side
                    # (« Traverser le pays de Moscou à Vladivostok sans escale est un pari fou »)
                    end = max(own) + 1
                    nxt = span.doc[end] if end < len(span.doc) else None
                    if nxt is not None and nxt.dep_ in cop and "VerbForm=Fin" in str(nxt.morph) and \
                            not any(c.dep_ in self.subject for c in nxt.head.children):
                        main = nxt
            if main is not None:
                finite = [main, *(c for c in main.children if c.dep_ in self.aux)]
                generic = not any("Tense=Past" in str(t.morph) or "Tense=Imp" in str(t.morph) for t in finite)
                if generic:
                    cues.append("going there said in general")
        # (a condition is a clause with a subject under another: "if we managed to get a ticket, we would...",
        # not "(unless otherwise indicated)" read as the headline's verb)
        # "I thought I would be getting a train via Vladimir", "je croyais qu'on passerait par Vladimir": expected
        # "The plan was to ride to Badulla", "L'idée était de rejoindre Tchita": a plan as the clause's subject
        ancestors = set()
        node = root
        for _ in range(3 * CLIMB):
            if node.head.i == node.i:
                break
            node = node.head
            ancestors.add(node.i)
        counterfactual = any("counterfactual" in kinds[i] for i in ancestors)
        if hypothetical:
            # a plan undone later in the sentence: "we had planned to reach Tozeur, but the train no longer ran"
            turn = next((t for t in doc[span.end:sent.end] if has(t, "contrast")), None)
            if turn is not None and any(t.dep_ in self.neg or "Polarity=Neg" in str(t.morph) or has(t, "negation")
                                        for t in doc[turn.i:sent.end]):
                counterfactual = True
                cues.append("a plan, then 'but ... not'")
        if gov is not None and "VerbForm=Part" in str(gov.morph):
            auxes = [c for c in gov.children if c.dep_ in self.aux]
            if any(has(c, "modal") and not has(c, "inference") for c in auxes) and \
                    any(has(c, "perfect_aux") for c in auxes):
                counterfactual = True  # "we would have stopped in Kiruna", "could've gone on to Belgrade"
        # what is compared comes after the comparison ("faster than ... Paris"), not before it ("the train
        # that links Abidjan and Ouagadougou is more than a means of transport")
        compared = any("comparison" in kinds[i] and i < span.start for i in ancestors) or any(
            "comparison" in kinds[c.i] and c.i < span.start for n in path for c in n.children)
        other_trip = False
        if gov is not None or path:  # (no verb: « depuis son retour de Hanoï », the nouns it hangs on)
            near = [x for x in (gov, *path) if x is not None]
            if gov is not None and gov.dep_ in self.data.labels("open_complement") and gov.head.i != gov.i:
                near.append(gov.head)  # « j'avais déjà pris le train de Lyon »: the verb it completes
            if gov is not None and gov.dep_ in self.relcl and gov.head.pos_ == "NOUN" and \
                    kinds[gov.head.i] & {"journey", "vehicle"}:
                near.append(gov.head)  # "next year's trip, which will stop at Coober Pedy": the trip's date
            if gov is not None and gov.dep_ in self.relcl and gov.head.head.i != gov.head.i and \
                    gov.head.head.pos_ in ("VERB", "AUX"):
                near.append(gov.head.head)  # « j'ai pris [le train qui faisait Tunis-Alger] dans les années 80 »
            near.append(root)  # what the parse hangs on the name itself: « Tunis-Alger <- dans les années 80 »
            clauses = self.data.labels("other_clause")
            for n in list(near):
                for c in n.children:
                    if c.i in inside or (c.dep_ in clauses and c.pos_ in ("VERB", "AUX")) or \
                            n is root and c.dep_ in self.relcl:
                        continue  # (not "the train used to stop at York; today we went to Bath"; nor what a
                        # clause on the place says of it: "on to Zagreb, where the line used to start")
                    near.append(c)
                    for g in c.children:  # "in a previous life", "on an earlier visit": through the preposition
                        if g.i in inside or g.dep_ in self.relcl:
                            continue
                        near.append(g)
                        if c.pos_ == "ADP" or g.pos_ == "ADP":
                            near.extend(x for x in g.children if x.i not in inside)
            words = [t for t in near if not (t.ent_type_ in self.place_labels | self.people_labels and t.pos_ == "PROPN")
                     and (gov is not None or t.i < span.start)]  # no verb: what comes before the name dates it
            other_trip = any(has(t, "other_trip") for t in words) or any(
                has(t, "other_trip_journey") and kinds[t.head.i] & {"journey", "vehicle", "infrastructure"}
                or has(t, "heritage") and kinds[t.head.i] & {"journey", "infrastructure"} for t in words)
            # a year or a month, with a past perfect or "last"/"already" on the verb: an earlier trip ("In 2019,
            # Kim had taken this route to Hanoi", "Xi last travelled to Russia by rail in 2015", « s'était rendu à
            # Moscou en février »; not « nous étions arrivés à Lyon la veille »)
            if not other_trip and gov is not None and (any(_a_year(t) for t in sent) and any(
                    self._past_perfect(t, kinds) or any(has(c, "earlier") and (c.pos_ == "ADV" or
                                                                                c.dep_ in self.subordinator)
                                                        for c in t.children)
                    for t in chain) or any(has(t, "month") for t in sent) and self._past_perfect(gov, kinds)):
                other_trip = True  # (a month only with the verb's own past perfect: "had been to Moscow in May")
                cues.append("a date and a verb of before")
        # "will extend its service to Dresden" (whoever extends); "the line continues to Murmansk" (a line as
        # subject; "the train continued west" is a journey)
        extension = gov is not None and ((has(gov, "extend") and traveller != "self") or
                                         (has(gov, "describe") and traveller == "line"))
        if not extension and gov is not None and has(gov, "describe") and gov.head.i != gov.i and (
                (gov.dep_ in self.relcl and "VerbForm=Part" in str(gov.morph) and has(gov.head, "infrastructure"))
                or has(gov.head, "extend") or self._line_before(gov, kinds)):
            # "the new line linking Tangier to Casablanca", « la gare construite pour relier Dakar à
            # Saint-Louis »: what a thing that was built does, not a journey (not "the train leaving Lyon")
            extension = True
            cues.append("a line or building described by what it joins")
        if not extension and route_name and gov is not None and any(
                c.dep_ in self.subject and kinds[c.i] & {"journey", "infrastructure"} and not any(
                    "first_person" in kinds[g.i] for g in c.children) for c in gov.children) and any(
                has(c, "distance") and any(g.like_num for g in c.children) for t in (gov, *gov.children)
                for c in t.children):
            # "Le trajet Vladivostok Moscou fait 9288 km", "the Moscow-Vladivostok route is 9,288 km long": the
            # route measured, not a journey told
            extension = True
            cues.append("a route measured")
        if not extension and gov is not None and has(gov, "joins") and "Tense=Pres" in str(gov.morph) and \
                not any(n.pos_ == "NOUN" for n in path) and \
                any(c.dep_ in self.subject and ("PronType=Rel" in str(c.morph) or c.pos_ == "PRON" and "Person="
                                                not in str(c.morph)) for c in gov.children) and \
                not any("first_person" in kinds[c.i] or "Person=1" in str(c.morph) or "Person=2" in str(c.morph)
                        for c in gov.children if c.dep_ not in self.subject):
            # "the Canadian, which links Toronto to Vancouver", « le Canadian, qui relie Toronto à Vancouver »:
            # what a train or line does, said in the present (not "which took us to Lyon")
            extension = True
            cues.append("a line or building described by what it joins")
        if not extension and rel != "subject" and preps & {"from", "to", "between", "via"} and \
                self._service_described(gov, path, kinds):
            extension = True  # "The Trans-Mongolian is train 004 (from Moscow to Beijing)": a service described
        # "Dumbarton Central, our second stop, was ...": what the place is, set beside it
        named_stop = next((c for c in root.children if c.pos_ == "NOUN" and c.i not in inside and (
            c.dep_ in self.appos or c.dep_ in self.nmod and not any(g.dep_ in self.case for g in c.children))
            and kinds[c.i] & {"stop", "destination_word"}), None)
        actor = rel == "subject" and gov is not None and named_stop is None and (
            has(gov, "speech") or not kinds[gov.i] & set(MOTION))
        mode = self._mode(gov, path, kinds, inside)

        owned = any(c.i not in inside and c.pos_ == "PROPN" and c.dep_ in self.poss | self.compound
                    for c in root.children) or any(
            c.i not in inside and any(k == "prep_at" for k in kinds[c.i]) and
            any(g.ent_type_ in self.place_labels and g.pos_ == "PROPN" for g in c.children)
            for c in root.children if c.i > root.i)
        # the role the place plays
        final = False
        ev = ek
        # "Lyon was our first stop" (a copula: the noun hangs on "was"), "Lyon, notre dernier arrêt" (the noun
        # heads the clause)
        stop_noun = named_stop or next((n for n in path[:2] if n.pos_ == "NOUN" and kinds[n.i] & {
            "stop", "station", "destination_word"}), None) or (gov is not None and gov.pos_ == "AUX" and next(
                             (c for c in gov.children if c.pos_ == "NOUN" and c.i not in inside and
                              c.dep_ not in self.subject and kinds[c.i] & {"stop", "station", "destination_word"}), None))
        if owned and kinds[root.i] & {"station"} or path[:1] and kinds[path[0].i] & {"station"} and any(
                c.dep_ in self.poss and c.i not in inside and self._parsed.is_place(c) for c in path[0].children):
            role = "part"  # the town it is in is the stop ("Belgrade's new Prokop station")
        elif rel == "subject" and stop_noun and (stop_noun is named_stop or not kinds[stop_noun.i] & {"station"}
                                                 or kinds[stop_noun.i] & {"stop", "destination_word"}):
            # ("Lyon was our first stop": "stop" is a station word too; not "Lyon was a busy station")
            # "Lyon was our first stop", "Budapest, notre destination": the place is what the noun names
            role, final, traveller = self._what_the_stop_noun_says(stop_noun, kinds, traveller)
            actor, travel = False, True  # (the place does nothing: it is the stop)
        elif rel == "subject" and anchor.dep_ in self.passive and ev & {"depart", "arrive", "stop", "pass"}:
            # "Uyuni is reached at four", "Gori fut desservie": what the verb does to the place, in the passive
            role = next(r for k, r in (("depart", "depart"), ("arrive", "arrive"), ("stop", "stop"), ("pass", "via"))
                        if k in ev)
            cues.append("subject of a passive")
        elif rel == "subject":
            role = "subject"
        elif "between" in preps and prep is not None and not self._paired(root, inside, conjunct) and \
                kinds[prep.i] & {"depart", "arrive", "stop", "pass"}:
            # a "between" with one place only is the verb spelled like it: « le train entre en gare de Briançon »
            role = next(r for k, r in (("arrive", "arrive"), ("depart", "depart"), ("stop", "stop"), ("pass", "via"))
                        if k in kinds[prep.i])
            travel = True
            cues.append(f"'{prep.text}' with one place: the verb")
        elif "between" in preps:
            role = "ends" if travel else "at"  # "the 2,775 miles between Vancouver and Toronto"
        elif "near" in preps or (path and self._locating(path[0], kinds) and (not preps or preps & {"of", "from"})
                                 and not (path[0].i == span.end and path[0].is_title)) \
                or (locates and not preps & {"to", "from"}) or (distance and "from" in preps):
            # "north of Vancouver", "across the bay from San Francisco", "near Chita", "10 km away from Kandy"
            role = "locate"
        elif path[:1] and kinds[path[0].i] & {"people", "home", "passengers"} and preps & {"from", "of"} or \
                path[:1] and kinds[path[0].i] & {"people", "person_role"} and path[0].dep_ in self.subject and \
                preps & {"from", "of", "at"} and not self._who(path[0], kinds, inside) == "self" or \
                any(n.ent_type_ in self.people_labels and not kinds[n.i] & set(MOTION) for n in path[:1]) \
                and preps & {"from", "of"} or \
                (gov is not None and gov.dep_ in self.relcl and kinds[gov.head.i] & {"people", "passengers"}
                 and "from" in preps):
            role = "origin"
        elif gov is not None and has(gov, "made") and "Tense=Past" in str(gov.morph) and \
                "VerbForm=Part" in str(gov.morph) and not preps & {"from", "between", "via"} and \
                ("at" in preps or "to" not in preps):  # (« à » is both: « fabriquées à Dunedin »)
            # what was made there ("a carriage built in Derby"), not people assembling there
            role = "origin"  # "a carriage built in Derby", « des voitures fabriquées à Dunedin »: made there
        elif path[:1] and "destination_word" in kinds[path[0].i] and not (
                path[0].text[:1].isupper() and path[0].i > path[0].sent.start):  # (no "Shivaji Terminus": a name)
            role = "dest"
            final = True  # "à destination de Barcelone", "bound for Seattle", "destination: Budapest"
        elif "alight" in ev and "at" in preps and "from" not in preps and rel != "object":
            role = "arrive"  # "we left the train at Irkutsk", « quitté le train à Irkoutsk »: got off there
        elif "begin" in ev and "at" in preps and "from" not in preps and not any(
                "prep_from" in kinds[t.i] and t.i + 1 < span.start and self._parsed.is_place(doc[t.i + 1])
                for t in doc[sent.start:span.start]):  # (« pris le train de Milan à Rome »: to Rome)
            role = "depart"  # "our trip began in Lisbon", « notre périple a commencé à Lisbonne » (there, not to)
        elif "depart" in ev and (rel == "object" or "from" in preps or ("at" in preps and "to" not in preps)):
            # "left Pyongyang", "departs from Euston", "began at Union Station"; not "partir à Lyon" (to Lyon)
            role = "depart"
        elif "from" in preps and (travel or gov is None):
            role = "depart"
        elif "arrive" in ev and (rel == "object" or preps & {"at", "to"}):
            role = "arrive"
        elif "stop" in ev and (rel == "object" or preps & {"at", "to"}):
            role = "stop"
        elif "via" in preps or ("pass" in ev and (rel == "object" or preps & {"at", "to"})) or \
                ("after" in preps and travel):
            role = "via"  # "through the DMZ", "crossed Austria", "After Reno and Sacramento, the train reached"
        elif "to" in preps and (travel or gov is None):
            role = "dest"
        elif "at" in preps:
            role = "at"
        elif rel == "object":
            role = "object"
        else:
            role = "none"
        if role in ("none", "subject", "object", "at"):
            # "The train departs Nairobi Terminus": a motion word right before the name, whatever the parse
            # (for a later member of a short list, the words before its first member: "dessert Figueras et Gérone")
            k = (anchor.i if span.start - 4 <= anchor.i < span.start else span.start) - 1
            if anchor.i == span.start - 1 and kinds[anchor.i] & {"depart", "arrive", "stop", "pass"}:
                k = anchor.i  # the name qualifies the motion noun: "Départ Paris 22h52", "arrival Butterworth"
            while k > 0 and doc[k].pos_ in ("DET", "ADP", "ADV", "PUNCT"):
                k -= 1
            near_kind = kinds[k] if 0 <= k < span.start else frozenset()
            if "destination_word" in near_kind:
                role = "dest"
                final = True  # "Destination: Budapest!", "à destination de Barcelone"
                cues.append(f"after '{doc[k].text}'")
            for kind, r in (("depart", "depart"), ("arrive", "arrive"), ("stop", "stop"), ("pass", "via")):
                if role == "dest":
                    break
                # any part of speech: the tagger may misread the verb (« le train quitte Bayeux »: SCONJ)
                if kind in near_kind and doc[k].pos_ not in ("PROPN", "NUM"):
                    role = r
                    travel = True
                    cues.append(f"after '{doc[k].text}'")
                    break
        if role in ("none", "at") and "to" in preps and prep is not None:
            # "from X to Y", "de Jasper à Prince Rupert": a "from" and a name just before the "to"
            for k in range(prep.i - 1, max(prep.i - 8, 0) - 1, -1):
                if any(x == "prep_from" for x in kinds[k]) and k + 1 < prep.i and (
                        doc[k + 1].pos_ == "PROPN" or self._parsed.is_place(doc[k + 1])):
                    role = "dest"
                    cues.append("'from X to Y'")
                    break
        def back(tok) -> bool:  # a word of going back ("returned", "back", « retour »), not "and back"
            return has(tok, "return") and not has(tok, "round_trip")

        said_back = gov is not None and (back(gov) or any(back(c) for c in gov.children if c.i not in inside)) \
            or any(back(n) for n in path[:2])
        # the journey or train the place hangs on, or the verb's object, qualified as the way back: "the return
        # journey to Perth", "caught the return train to Glasgow"
        # (not a fare: "a return ticket to Dundee" says nothing of going back)
        carriers = [n for n in [*(n for n in path[:2] if n.pos_ == "NOUN"), *(
            (c for c in gov.children if c.dep_ in self.object) if gov is not None else ())] if not has(n, "fare")]
        qualified_back = any(back(c) for n in carriers if kinds[n.i] & {"journey", "vehicle"}
                             for c in n.children if c.i not in inside)
        # "headed back south to Ribblehead", "doubled back to Dent": the way turned round, not a return home
        doubling = gov is not None and any(has(t, "double_back") for t in (gov, *gov.children) if t.i not in inside)
        own_way = traveller in ("self", "unknown", "vehicle")
        if role in ("dest", "arrive") and own_way and said_back and not doubling:
            final = True  # "we returned to Hakodate", "back to Hanoi", « retour à Hanoï »: where the trip ends
            cues.append("a return")
        # going back to the place: a second visit when the journey had been there before (journey.py decides);
        # also "the return train to Glasgow", "back in Vienna by noon", « de retour à Lyon »
        # ("back in Vienna", not "the back of Bulawayo station"; a return only decided, "decided to take the
        # train back to Xining", is none: an infinitive)
        before_prep = doc[prep.i - 1] if prep is not None and prep.i > sent.start else None
        back_in = before_prep is not None and back(before_prep) and bool(preps & {"at", "to"}) and \
            not any(c.dep_ in self.det for c in before_prep.children)
        returning = own_way and not doubling and not (gov is not None and "VerbForm=Inf" in str(gov.morph)) and (
            role in ("dest", "arrive") and (said_back or qualified_back) or
            role in ("at", "none", "object", "stop") and back_in)
        if returning and "a return" not in cues:
            cues.append("going back")
        # "from Lyon to Annecy and back", « de Lyon à Annecy et retour », "a round trip to Annecy": out and back
        # (not a fare, "un billet aller-retour pour Diamniadio", nor a round trip only decided: an infinitive)
        round_trip = role in ("dest", "arrive", "ends") and own_way and not has(root.head, "fare") and not (
            gov is not None and "VerbForm=Inf" in str(gov.morph)) and (
            any(has(t, "round_trip") and not has(t.head, "fare") for t in doc[span.end:min(span.end + 3, sent.end)])
            or any(has(n, "round_trip") or any(has(c, "round_trip") for c in n.children) for n in carriers))
        if round_trip:
            cues.append("there and back")
        if doubling:
            cues.append("the way turned round")
        if route_name and gov is not None and self._section_told(gov, span, kinds):
            # "I rode the Moscow-Chita train from Yekaterinburg to Irkutsk", « le train Moscou-Tchita entre
            # Iekaterinbourg et Irkoutsk »: the route names the train; the section travelled is told beside it
            role, leg_mark, leg_start, leg_end, traveller = "none", False, False, False, "line"
            cues.append("a train's route, with the section travelled told beside it")
        elif route_name and traveller == "place":
            traveller = "vehicle"  # "le Paris-Nice est parti": the train named by its route
        if route_name and not ek & set(MOTION) and traveller not in ("self", "vehicle"):
            # a route's name with no journey told ("rénover les lignes Paris-Gap-Briançon", "un Moscou-Pékin
            # en passant par le Baïkal"): a service named, as likely another one as the journey's
            role, actor, leg_mark = "none", False, False
            if path_kinds & {"infrastructure"}:
                traveller = "line"  # "rénover les lignes Paris-Gap et Paris-Rodez": lines, not this journey
        if leg_mark and role in ("none", "at", "object", "subject", "attribute"):
            # a leg written out ("Tomsk -> Iurga", "le train Dakar – Bamako") says more than the parse
            role, actor = ("dest" if "to" in preps else "depart"), False
        if route_name and not ek & set(MOTION):
            # "la lenteur du train Dakar-Bamako ne réfrène pas...": the verb is not the journey's
            negated = modal = conditional = hypothetical = False
        if gov is not None and not kinds[gov.i] & set(MOTION) and any(
                n.pos_ == "NOUN" and n.dep_ in self.subject and kinds[n.i] & {"journey", "vehicle"} for n in path[:2]):
            # "the train ride from Los Mochis can be described as...": what the verb says of the journey,
            # not whether it was made; but a trip that "can be added on" or "could be booked" is an option
            option = any(c.dep_ in self.passive for c in gov.children) and not has(gov, "speech")
            negated = negated and has(gov, "resume")  # ("service to Dakar has not resumed": it did not run)
            conditional = False
            modal = modal and option
        if attribute and role not in ("part", "subject") and not route_name:
            role = "attribute"
        # a natural feature named after a place: "the Tumen River", "Lake Baikal", "le lac Baïkal"
        if any(0 <= k < len(doc) and "feature" in kinds[k] and doc[k].sent == sent and doc[k].pos_ not in ("VERB", "AUX")
               for k in (span.start - 1, span.end)):  # (not the verb: "we passed Salt Lake City")
            role = "feature"
        # "the Tumen", "vers le Tessin", « au Québec » (the province; the city is « à Québec »): a definite
        # article, or a preposition with one in it, before a town's name says it is something else
        determiner = span.start > sent.start and doc[span.start - 1].pos_ in ("DET", "ADP") and \
            "Definite=Def" in str(doc[span.start - 1].morph) and not route_name  # "le Paris-Nice" is a train
        # a headline or a list written "X to Y": X is where the trip starts
        if role == "none" or (gov is None and role == "object"):
            for c in anchor.children:
                if c.i > anchor.i and any(k == "prep_to" for k in kinds[c.i]) and \
                        any(g.pos_ == "PROPN" for g in c.children):
                    role = "depart"
                    cues.append("'X to Y'")
                    break
        if any(c.i < root.i and c.i not in inside and c.pos_ == "ADJ" and kinds[c.i] & {"prep_near"}
               for c in root.children):
            role = "locate"  # "Butterworth, opposite Penang" (the parse makes "opposite" an adjective of Penang)
        if gov is not None and has(gov, "incident") and (role == "locate" and "near" in preps or role == "at"):
            # "derailed near Balasore", « a déraillé près de Saverne »: where the train ended up
            role, travel = "arrive", True
            cues.append("where it happened")
        if role == "dest" and gov is not None and gov.head.i != gov.i and "VerbForm=Part" in str(gov.morph) and \
                not has(gov, "incident") and (has(gov.head, "incident") or gov.head.dep_ in self.subject and
                                               gov.head.head.i != gov.head.i and has(gov.head.head, "incident")):
            # "a train travelling from Puri to Howrah derailed near Balasore": where it was heading, not reached
            hypothetical = True
            cues.append("where it was heading when it happened")
        if role in ("none", "object", "attribute", "at"):
            said = self._named_as_stop(anchor, kinds)
            if said is not None:
                # "Our first stop was Kandy", « notre première étape fut Kandy »: what the stop noun names
                role, final, traveller = self._what_the_stop_noun_says(said, kinds, traveller)
                travel, actor = True, False
                cues.append(f"named as the '{said.text}'")
        if role in ("none", "object") and gov is None and any(
                "sequence" in kinds[t.i] for t in doc[sent.start:min(span.start, sent.start + 3)]) and not any(
                t.pos_ in ("VERB", "AUX") and t.i < span.start for t in sent):
            # a fragment with no verb: "Then on to Kandy.", "Finally Ella, where the line ends.", « Puis Sapa. »
            role, travel = "dest", True
            cues.append("a fragment naming the next place")
        if role == "subject" and gov is not None and span.start > gov.i and kinds[gov.i] & {"travel", "arrive"} and any(
                "sequence" in kinds[c.i] for c in gov.children if c.i < gov.i):
            # the place comes after its verb, told in sequence: "Next came Innsbruck", « Puis vint Innsbruck »
            role, travel, actor = "dest", True, False
            cues.append("told as what came next")
        if role in ("subject", "none", "at", "object", "attribute") and not (
                negated or modal or conditional or future or hypothetical or counterfactual or other_trip):
            there = self._stayed_there(doc, span, kinds)
            if there is not None:
                # "Kandy is a lovely town; we spent two nights there": the stay is told of the place named last
                role = "stop" if kinds[there.head.i] & {"stop", "arrive"} else "via"  # (« nous y sommes passés »)
                travel, actor, traveller = True, False, "self"
                cues.append(f"'{there.text}' after it: a stay there")
        if station:
            cues.append("named with a station")
        reported = any(kinds[t.i] & {"report"} for t in sent)
        possible = any(kinds[t.i] & {"possible"} for t in sent) or modal or conditional
        words = [f"role {role}"]
        if gov is not None:
            words.append(f"verb {gov.lemma_ or gov.lower_}")
        for flag, name in ((negated, "negated"), (modal, "modal"), (conditional, "conditional"), (future, "future"),
                           (hypothetical, "planned or rumoured"), (counterfactual, "counterfactual"), (compared, "compared"),
                           (other_trip, "another trip"), (extension, "line described"), (actor, "acts")):
            if flag:
                words.append(name)
        words.append(f"traveller {traveller}")
        function_word = len(span) == 1 and function_words(self.code, root.text)
        return Reading(
            role=role, governor=(event.lemma_ or event.lower_) if event is not None else "", travel=travel,
            sentence_travel=sentence_travel, traveller=traveller, negated=negated, modal=modal,
            conditional=conditional, future=future, hypothetical=hypothetical, generic=generic,
            counterfactual=counterfactual,
            compared=compared,
            other_trip=other_trip, extension=extension, actor=actor, mode=mode, station=station,
            reported=reported, possible=possible, background=background, determiner=determiner, conjunct=conjunct, entity=entity,
            person=(entity in self.people_labels and not placed and not station) or self._named_for_a_role(doc, span, kinds),
            leg_start=leg_start, leg_end=leg_end, final=final, returning=returning, round_trip=round_trip,
            doubling=doubling,
            common=len(span) == 1 and (self._opens_sentence(root) and (
                root.pos_ in ("VERB", "AUX", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ")
                or root.pos_ == "ADJ" and entity not in self.place_labels)  # not NOUN: "Jasper to Prince Rupert"
                or function_word),  # "Là-bas": no name, whatever the gazetteer holds
            function_word=function_word,
            cues=tuple(words + cues),
        )

    def _service_described(self, gov, path, kinds) -> bool:
        """A clause in the present that says what a train or service is, with the place in the noun it is said
        to be ("the Rossiya is the train from Moscow to Vladivostok", "le Transsibérien est le train 002 de
        Moscou à Vladivostok", "the Trans-Mongolian Express is in fact line 004 (from Moscow to Beijing)"); not
        "our train is the 004 to Beijing" (the traveller's own) nor "it's a two-hour journey to Folkestone"."""
        attr, cop = self.data.labels("copula_attribute"), self.data.labels("copula")
        copula = pred = None
        expletive = self.data.labels("expletive")
        if gov is not None and gov.head.i == gov.i and (
                gov.pos_ == "AUX" or any(c.dep_ in expletive for c in gov.children)):  # "there's", tagged VERB
            copula = pred = gov
            named = [c for c in gov.children if c.dep_ in attr or (
                c.dep_ in self.object and any(x.dep_ in expletive for x in gov.children))]  # « il y a la ligne »
        else:
            pred = next((n for n in path if any(c.dep_ in cop for c in n.children)), None)
            copula = next((c for c in pred.children if c.dep_ in cop), None) if pred is not None else None
            named = [pred] if pred is not None else []
        if copula is None or "Tense=Pres" not in str(copula.morph):
            return False
        subjects = [c for c in pred.children if c.dep_ in self.subject]
        if any(s.dep_ in expletive for s in subjects) and \
                any(kinds[n.i] & {"infrastructure", "vehicle"} for n in named):
            return True  # "There's the Far North Line from Inverness up to Thurso": lines listed, not travelled
        if not subjects or any(s.pos_ == "PRON" or any(kinds[t.i] & {"first_person"} for t in s.subtree)
                               for s in subjects):
            return False
        if any(kinds[n.i] & {"journey"} for n in named):
            return False  # "the ride is a journey to Folkestone": the journey itself
        return bool(named) or any(kinds[s.i] & {"vehicle"} for s in subjects)

    def _line_before(self, verb, kinds) -> bool:
        """A present participle right after a line's noun, however the parse hangs it (« la voie ferrée
        reliant Nairobi à Mombasa », "the new line linking Tangier to Casablanca")."""
        if "VerbForm=Part" not in str(verb.morph) or "Tense=Past" in str(verb.morph) or \
                any(c.dep_ in self.subject for c in verb.children):
            return False
        # back over what qualifies the noun: "ferrée", « à grande vitesse "Al Boraq" », "(LGV)"
        for k in range(verb.i - 1, max(0, verb.i - LINE_NOUN_REACH) - 1, -1):
            t = verb.doc[k]
            if t.is_sent_end and t.is_punct and t.text not in "\"»”)":
                return False  # (the parse may cut a sentence at a quoted name: not the bound)
            if "infrastructure" in kinds[k] and t.pos_ in ("NOUN", "PROPN"):
                return True
            if t.pos_ in ("VERB", "AUX") and "VerbForm=Part" not in str(t.morph) or t.pos_ in ("PRON", "SCONJ"):
                return False
        return False

    def _section_told(self, gov, span, kinds) -> bool:
        """Another place in the clause of `gov` with a "from", "to" or "between" of its own, not hyphened to
        the route name at `span`: the section of the named train's route that was travelled."""
        doc = span.doc
        dashes = self.data.cues["route_dash"].words if "route_dash" in self.data.cues else ()
        near = set(range(span.start, span.end))  # the name, and the other end of the route across a dash
        if span.start >= 2 and doc[span.start - 1].text in dashes:
            near.add(span.start - 2)
        if span.end + 1 < len(doc) and doc[span.end].text in dashes:
            near.add(span.end + 1)
        for t in gov.subtree:
            if t.i in near or not self._parsed.is_place(t):
                continue
            node = t.head  # in the clause of gov: no other verb between (a train's noun misread as one is none)
            while node.i != gov.i and not (node.pos_ in ("VERB", "AUX") and not kinds[node.i] & {"vehicle", "journey"}):
                node = node.head
            if node.i != gov.i:
                continue
            preps = [c for c in t.children if c.dep_ in self.case] + ([t.head] if t.dep_ in self.pobj else [])
            if any(k in ("prep_from", "prep_to", "prep_between") for c in preps for k in kinds[c.i]):
                return True
        return False

    @staticmethod
    def _in_clause(tok, gov) -> bool:
        """`tok` hangs on `gov` without another verb between them (not in a clause of its own)."""
        node = tok.head
        while node.i != gov.i:
            if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
                return False
            node = node.head
        return True

    @staticmethod
    def _opens_sentence(tok) -> bool:
        """First in its sentence, or after an opening quote or bracket: capitalised whatever it is."""
        return tok.i == tok.sent.start or (tok.doc[tok.i - 1].is_punct and tok.doc[tok.i - 1].text in "\"«“(")

    @staticmethod
    def _named_for_a_role(doc, span, kinds) -> bool:
        """A name in apposition to what a person is ("Laurent, chef de bord", "Anna, our guide", "our
        conductor, Chester"): a person's name, whatever the parse made of the commas."""
        k = span.end
        if k + 1 < len(doc) and doc[k].text == ",":
            k += 1
            while k < len(doc) - 1 and doc[k].pos_ in ("DET", "PRON") and not kinds[k] & {"person_role"}:
                k += 1  # "our", "la", "the"
            if kinds[k] & {"person_role"}:
                return True
        k = span.start - 1
        return k >= 1 and doc[k].text == "," and bool(kinds[k - 1] & {"person_role"})

    def _paired(self, root, inside, conjunct: bool) -> bool:
        """Is the place one of two or more joined ("between Vancouver and Toronto")?"""
        return conjunct or any(c.dep_ in self.conj and c.i not in inside for c in root.subtree)

    @staticmethod
    def _locating(noun, kinds) -> bool:
        """A word that places something relative to the place after it: "north (of)", "the bay (from)" under
        "across", "outskirts (of)"."""
        if kinds[noun.i] & {"locate"}:
            return True
        head = noun.head
        return bool(kinds[noun.i] & {"feature"}) and head.i != noun.i and bool(kinds[head.i] & {"locate", "prep_near"})

    def _who(self, s, kinds, inside, fallback="unknown") -> str:
        k = kinds[s.i]
        morph = str(s.morph)
        if s.i in inside:
            return "place"
        if any(c.dep_ in self.conj and ("first_person" in kinds[c.i] or "Person=1" in str(c.morph))
               for c in s.children):
            return "self"  # "my son and I"
        if "some" in k or any("some" in kinds[c.i] for c in s.children if c.i < s.i):
            return "others"  # "some passengers continued to Windsor", "some of our group went on to Banff"
        if "first_person" in k or "Person=1" in morph:
            return "self"
        if "second_person" in k or "Person=2" in morph:
            return "you"
        if "people" in k:
            return "others"
        if "passengers" in k:
            return "passengers"
        if ("vehicle_part" in k or any("vehicle_part" in kinds[c.i] for c in s.children if c.dep_ in self.conj)) \
                and any(c.dep_ in self.det and ("Definite=Def" in str(c.morph) or "Poss=Yes" in str(c.morph))
                        or c.dep_ in self.poss for c in s.children):
            return "vehicle"  # "the locomotives and ten carriages": the train; not « des wagons arrivant de Venise »
        if "vehicle" in k:
            if any("itself" in kinds[c.i] for c in s.children) or any(
                    "itself" in kinds[t.i] for t in s.doc[s.i + 1:s.i + 4]):
                return "others"  # "the train itself went on towards Delhi": without its travellers
            return "others" if "Number=Plur" in morph else "vehicle"
        if "infrastructure" in k:
            return "line"
        if "journey" in k and s.pos_ == "NOUN" and any(c.dep_ in self.poss and c.pos_ == "PROPN" for c in s.children):
            return "vehicle"  # "the Ghan's centenary journey departed Adelaide": a named train's or leader's trip
        if s.ent_type_ in self.people_labels:
            return "person"
        if s.pos_ == "PRON" and "PronType=Prs" in morph and "Person=3" in morph and "Number=Sing" in morph and (
                "Gender=Masc" in morph or "Gender=Fem" in morph):
            return "person"  # "he had left Pyongyang on Sunday": the one the story follows
        if self._parsed is not None and self._parsed.is_place(s) and not (s.is_upper and s.i - s.sent.start < 3):
            return "place"  # (not a dateline: "NEW DELHI, India — Prime Minister ... flagged off")
        # "Kim's train", "our train": the noun's owner
        for c in s.children:
            if (c.dep_ in self.poss or c.dep_ in self.det and "Poss=Yes" in str(c.morph)) and (
                    "first_person" in kinds[c.i] or "Person=1" in str(c.morph)):
                # (« notre périple »: a possessive determiner); "my grandfather worked in Calgary" is someone
                # else, "our train", "my trip" the narrator's
                return "self" if k & {"vehicle", "journey", "vehicle_part", "station"} or s.pos_ != "NOUN" \
                    else "others"
        return fallback

    @staticmethod
    def _what_the_stop_noun_says(noun, kinds, traveller) -> tuple[str, bool, str]:
        """(role, final, traveller) of a place a stop or destination noun names: "our last stop" is a stop of
        the narrator's, "destination: Budapest" the end."""
        role = "dest" if "destination_word" in kinds[noun.i] else "stop"
        if any("first_person" in kinds[c.i] or "Person=1" in str(c.morph) for c in noun.children):
            traveller = "self"  # "our last stop", « notre premier arrêt »
        return role, role == "dest", traveller

    def _named_as_stop(self, anchor, kinds):
        """The stop or destination noun a copula says the place is, as its subject ("the next stop was Kandy",
        « notre première étape fut Kandy »), or None. Not a station ("the station was Kandy Road")."""
        attr, cop = self.data.labels("copula_attribute"), self.data.labels("copula")
        if anchor.dep_ in attr and anchor.head.pos_ == "AUX":
            clause = anchor.head  # English: the copula heads the clause
        elif any(c.dep_ in cop for c in anchor.children):
            clause = anchor  # UD: the copula hangs under the name
        else:
            return None
        subject = next((c for c in clause.children if c.dep_ in self.subject and c.pos_ == "NOUN"), None)
        if subject is None or not kinds[subject.i] & {"stop", "destination_word"}:
            return None
        return subject

    def _past_perfect(self, verb, kinds) -> bool:
        """"had left", « avait quitté »: a past participle with a perfect auxiliary in the past."""
        return "VerbForm=Part" in str(verb.morph) and any(
            c.dep_ in self.aux and "perfect_aux" in kinds[c.i] and ("Tense=Past" in str(c.morph) or
                                                                  "Tense=Imp" in str(c.morph))
            for c in verb.children)

    def _stayed_there(self, doc, span, kinds):
        """The word standing for this place ("there", « y ») with a verb of staying, arriving or passing whose
        subject is the narrator, later in its sentence or in the next one, with no other place named between."""
        end = span.sent.end
        if end < len(doc):
            end = doc[end].sent.end  # through the next sentence
        for t in doc[span.end:end]:
            if self._parsed.is_place(t):
                return None  # another place named first: the word would stand for that one
            if "stayed_there" not in kinds[t.i]:
                continue
            verb = t.head
            if verb.pos_ in ("VERB", "AUX") and kinds[verb.i] & {"stop", "arrive", "pass"} and any(
                    c.dep_ in self.subject and ("first_person" in kinds[c.i] or "Person=1" in str(c.morph))
                    for c in verb.children) and not any(
                    c.dep_ in self.neg or "Polarity=Neg" in str(c.morph) or "negation" in kinds[c.i]
                    for c in verb.children):  # (not "we never stayed there")
                return t
        return None

    def _traveller(self, gov, kinds, inside) -> str:
        if gov.dep_ in self.relcl and kinds[gov.head.i] & {"people", "passengers"}:
            return "others"  # "travellers coming from Paris", "people arriving in Lhasa": particular people
        if gov.dep_ in self.relcl and "VerbForm=Part" in str(gov.morph) and kinds[gov.head.i] & {"vehicle"} and \
                gov.head.head.i != gov.head.i and \
                not (gov.head.dep_ in self.subject and gov.head.head.pos_ == "VERB"
                     and kinds[gov.head.head.i] & {"incident", *MOTION}) and \
                not any(c.dep_ in self.poss | {"det"} and ("first_person" in kinds[c.i] or "Person=1" in str(c.morph))
                        for c in gov.head.children):
            # « le convoi arrivant de Venise était en retard »: a train seen, not the one taken (but "The first
            # train in a decade pulled into Kayes", the sentence's only verb parsed as a participle, is the story,
            # and so is "a train travelling from Puri to Howrah derailed": the subject of what happened)
            return "others"
        node = gov
        for _ in range(4):
            subj = next((c for c in node.children if c.dep_ in self.subject), None)
            if subj is not None:
                relative = "PronType=Rel" in str(subj.morph) or (subj.pos_ == "PRON" and "Person=" not in str(subj.morph))
                if relative and node.dep_ in self.relcl and not kinds[subj.i] & {"people", "passengers"}:
                    return self._who(node.head, kinds, inside)  # (« l'autre poursuivra » is the other half)
                return self._who(subj, kinds, inside)
            if node.dep_ in self.relcl:  # "the trains originating in Beijing"
                return self._who(node.head, kinds, inside)
            if node.head.i == node.i:
                break
            node = node.head
        return "unknown"

    def _mode(self, gov, path, kinds, inside) -> str | None:
        """How the place was reached, from the nearest words that say it: the nouns it hangs on, then the
        verb and what hangs on it ("took the bus down to Lhasa"), then the verbs above and their objects ("board a coach to cross the Channel to Calais"). Another clause joined by "and" is another
        leg; names ("Keppel Road") do not count."""
        if gov is None:
            return None

        def nouns(tok):
            out = []
            for c in tok.children:
                if c.i in inside or c.dep_ in self.conj:
                    continue
                if c.pos_ == "NOUN":
                    out.append(c)  # "made the last stretch by car": the noun and what qualifies it
                    out.extend(g for g in c.children if g.pos_ == "NOUN" and g.i not in inside)
                if c.pos_ == "ADP":
                    out.extend(g for g in c.children if g.pos_ == "NOUN" and g.i not in inside)
            return out

        levels = [list(path), [gov, *nouns(gov)]]  # what the place hangs on first: "puis le bus jusqu'à Lhassa"
        node = gov
        for _ in range(2):
            if node.head.i == node.i or node.head.pos_ not in ("VERB", "AUX") or node.dep_ in self.conj:
                break
            node = node.head
            levels.append([node, *nouns(node)])
        for level in levels:
            found = [mode for t in level if t.pos_ in ("NOUN", "VERB") for kind, mode in MODES if kind in kinds[t.i]]
            if found:
                return next((m for m in found if m != "rail"), "rail")
        return None


_readers: dict[str, Reader] = {}


def reader(code: str) -> Reader:
    """The Reader of a language, made once per process."""
    if code not in _readers:
        _readers[code] = Reader(code)
    return _readers[code]


__all__ = ["Reading", "Reader", "Parsed", "reader"]
