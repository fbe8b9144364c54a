"""The `mapgen extract`, `new`, `geocode` and `route` commands (registered on the group in cli.py).

Thin, like cli.py: each opens the library, calls it, and turns a MapgenError into one `Error: ...` line.
Heavy modules (the gazetteer index, numpy, the rail network) are imported inside the commands.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from .errors import MapgenError


def _fail(exc: MapgenError) -> None:
    raise click.ClickException(str(exc))


@click.command()
@click.argument("articles", nargs=-1, required=True,
                type=click.Path(exists=True, allow_dash=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per mention (JSON Lines).")
@click.option("--spans", "spans_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Resolve exactly these spans, in the context of the whole article: a JSON list of [start, end] "
                   "character offsets (one article), or an object of such lists by file or id.")
@click.option("--all", "show_all", is_flag=True, help="Table: also list demonyms (\"russe\", \"American\").")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (the output keeps the order of the input).")
@click.option("--dask", "dask_address", metavar="ADDRESS", default=None,
              help="Run on a Dask cluster: its scheduler (tcp://host:8786), or 'local' for two local worker "
                   "processes. Needs mapgen[dask]; the output is the same as a local run, order included.")
@click.option("--no-model", "no_model", is_flag=True,
              help="Skip the language model (spaCy): dictionary lookup and resolution only, several times faster. "
                   "Same JSON fields; \"reading\" is then empty and places only spaCy's entities find are missed.")
def extract(articles: tuple[str, ...], as_json: bool, spans_file: Path | None, show_all: bool, jobs: int,
            dask_address: str | None, no_model: bool) -> None:
    """List every place the articles name, and where each one is.

    ARTICLES are files, folders (their .txt and .md files) or - for a JSON Lines stream of {"id": ...,
    "text": ...} on standard input; all are read in one process. Each mention comes with its character
    offsets into the text as given (decoded UTF-8, before any normalisation), its sentence, the place chosen
    (with a confidence from 0 to 1) and the other candidates; every JSON line carries the article's "file"
    or "id". Works on French and English text.

    With --spans, exactly the spans given are resolved (an annotated corpus's toponyms), one JSON object
    per span in the order given (a span the gazetteer cannot place at all has "place": null). In the
    stream, a line may carry its own "spans".

    \b
    Example:
        mapgen extract geo/stories/kim-2023-russia/article.txt
        mapgen extract article.txt --json | jq -r .place.name
        mapgen extract article.txt --json --spans spans.json      # spans.json: [[120, 128], [301, 310]]
        mapgen extract articles/ --json
        echo '{"id": 1, "text": "Talks in Minsk.", "spans": [[9, 14]]}' | mapgen extract - --json
        mapgen extract articles/ --json -j 2
        mapgen extract articles/ --json --no-model       # no spaCy parse: many more articles a second
        mapgen extract articles/ --json --dask tcp://scheduler:8786
    """
    from .corpus import items, run, run_dask

    many = len(articles) > 1 or articles[0] == "-" or Path(articles[0]).is_dir()
    try:
        stream = items(list(articles), spans_file)
        read = not no_model
        results = run_dask(stream, dask_address, read=read) if dask_address else run(stream, jobs, read=read)
        for item, rows in results:
            if as_json:
                for row in rows:
                    click.echo(json.dumps(row, ensure_ascii=False))
            else:
                _table(item, rows, show_all, many)
    except MapgenError as exc:
        _fail(exc)


def _table(item, rows: list[dict], show_all: bool, many: bool) -> None:
    rows = [r for r in rows if show_all or not r["adjective"]]
    countries: dict[str, int] = {}
    for r in rows:
        if r["place"] and r["place"]["country"]:
            countries[r["place"]["country"]] = countries.get(r["place"]["country"], 0) + 1
    head = f"{item.name}: " if many else ""
    click.echo(f"{head}{len(rows)} place mentions; countries named: "
               + ", ".join(f"{c} {n}" for c, n in sorted(countries.items(), key=lambda kv: -kv[1])[:8]))
    click.echo(f"{'offset':>7}  {'as written':<28} {'place':<28} {'kind':<9} {'cc':<2} {'conf':>4}  runner-up")
    for r in rows:
        p = r["place"] or {"name": "(not placed)", "kind": "", "country": None}
        runner = r["candidates"][1] if len(r["candidates"]) > 1 else None
        alt = f"{runner['name']} ({runner['country']})" if runner else ""
        click.echo(f"{r['start']:>7}  {_cut(r['text'], 28):<28} {_cut(p['name'], 28):<28} {p['kind']:<9} "
                   f"{p['country'] or '--':<2} {r['confidence']:>4.2f}  {_cut(alt, 30)}")


@click.command()
@click.argument("slug")
@click.option("--article", "article_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The article (UTF-8 text).")
@click.option("--stories", "stories_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of stories (default: the project's geo/stories/).")
@click.option("--force", is_flag=True, help="Overwrite an existing story.toml (never article.txt).")
def new(slug: str, article_path: Path, stories_dir: Path | None, force: bool) -> None:
    """Start a story from an article: propose its stops in travel order.

    Writes geo/stories/SLUG/story.toml in the project (the current folder becomes one if there is none
    here or above) and copies the article beside it as article.txt. Each stop has its
    quote; choices to check are marked `# REVIEW` in comments. Places that only act in the story
    ("Washington a renouvelé", "le Kremlin a déclaré") and countries are not made stops. An article.txt
    already in the folder is never overwritten, not even with --force (it may have been edited by hand,
    and the quotes of story.toml are checked against it): it must hold the same text as ARTICLE.

    \b
    Example:
        mapgen new kim-2023 --article article-fr.txt
        mapgen build geo/stories/kim-2023
    """
    from .journey import write_story
    from .project import current_or_new, init_project

    try:
        started = False
        if stories_dir is None:
            project, started = current_or_new()
            stories_dir = project.stories
        _keep_article(stories_dir, slug, article_path)
        folder, stops = write_story(slug, article_path, stories_dir, force=force)
        if started:
            init_project(project.root)
            click.echo(f"{project.root}: a new mapgen project (stories in geo/stories/, maps in maps/)", err=True)
    except MapgenError as exc:
        _fail(exc)
    for s in stops:
        flag = f"  # REVIEW: {'; '.join(s.review)}" if s.review else ""
        click.echo(f"  {s.resolved.place.name} ({s.resolved.place.kind}, {s.resolved.place.country}){flag}")
    click.echo(f"{folder / 'story.toml'}: {len(stops)} stops proposed; review it, then `mapgen build {folder}`")
    if not stops:
        click.echo("Warning: no stop found; add them by hand before building", err=True)
    elif len(stops) == 1:
        click.echo("Warning: one stop found: the map will show it alone; add the others by hand if the journey"
                   " had more", err=True)


def _keep_article(base: Path, slug: str, article_path: Path) -> None:
    """Refuse to go on when the story folder holds another article.txt than the one given."""
    from .errors import StoryError
    from .story import SLUG

    target = base / slug / "article.txt"
    if not SLUG.fullmatch(slug) or not os.path.lexists(target):
        return
    try:
        same = target.is_file() and target.read_bytes() == article_path.read_bytes()
    except OSError:
        same = False
    if not same:
        raise StoryError(f"already exists and is not {article_path}; it is never overwritten (--force replaces "
                         "story.toml only): remove it, or give it as --article", where=str(target))


@click.command()
@click.argument("names", nargs=-1)
@click.option("--country", default=None, help="ISO 3166 alpha-2 code: only places in that country.")
@click.option("--near", default=None, help="A place name: candidates close to it win.")
def geocode(names: tuple[str, ...], country: str | None, near: str | None) -> None:
    """Geocode place names, offline; answers one JSON object per line.

    Names are the arguments, or one per line on standard input. Each answer has name, lat, lon, country,
    source, id, confidence and candidates; a name not found gets an "error" and the exit code is 1.

    \b
    Example:
        mapgen geocode Pékin Oulan-Bator "cosmodrome de Vostochny"
        mapgen geocode Vostochny --near "Amur Oblast"
        printf 'Birobidjan\\nIekaterinbourg\\n' | mapgen geocode
    """
    from .errors import GeocodeError
    from .gazetteer import Gazetteer

    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise click.BadParameter(f"{country!r} is not an ISO 3166 alpha-2 code such as RU", param_hint="--country")
    todo = list(names) or [line.strip() for line in sys.stdin if line.strip()]
    if not todo:
        raise click.UsageError("give names as arguments or one per line on standard input")
    missing = 0
    try:
        gaz = Gazetteer.open()
    except MapgenError as exc:
        _fail(exc)
    for name in todo:
        bare, named_country = split_country(name)
        try:
            g = gaz.geocode(bare, country=named_country or (country and country.upper()), near=near, strict=False,
                            loose=True)
        except GeocodeError as exc:
            missing += 1
            click.echo(json.dumps({"name": name, "error": exc.msg}, ensure_ascii=False))
            continue
        except MapgenError as exc:
            _fail(exc)
        p = g.place
        click.echo(json.dumps({
            "name": name, "lat": p.lat, "lon": p.lon, "country": p.country or None, "source": p.source,
            "id": p.id, "place": p.name, "kind": p.kind, "confidence": g.confidence,
            "candidates": [{"id": c.place.id, "name": c.place.name, "country": c.place.country or None,
                            "kind": c.place.kind, "lat": c.place.lat, "lon": c.place.lon, "score": c.score}
                           for c in g.candidates[1:]],
        }, ensure_ascii=False))
    if missing:
        raise click.ClickException(f"{missing} of {len(todo)} names not found")


@click.command()
@click.argument("start")
@click.argument("end")
@click.option("--via", multiple=True, help="A place the route must pass through (repeatable, in order).")
@click.option("--json", "as_json", is_flag=True, help="Print the legs as JSON.")
def route(start: str, end: str, via: tuple[str, ...], as_json: bool) -> None:
    """Route by rail between two places, on the world network.

    Each leg stays within the countries of its two ends (so Moscow to Vladivostok stays in Russia);
    a --via place lets the route into its country. Prints km, the countries crossed and any curated
    connectors used.

    \b
    Example:
        mapgen route Moscou Vladivostok
        mapgen route Pékin Irkoutsk --via Oulan-Bator
        mapgen route Pyongyang Moscow --json
    """
    try:
        legs = _route_places([start, *via, end])
    except MapgenError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps({
            "km": round(sum(leg.km for leg in legs), 1),
            "legs": [{"from": leg.start.name, "to": leg.end.name, "km": round(leg.km, 1),
                      "countries": list(leg.countries), "connectors": list(leg.connectors),
                      "source_km": {kind: round(km, 1) for kind, km in leg.source_km},
                      "from_id": leg.start.geocode.place.id, "to_id": leg.end.geocode.place.id}
                     for leg in legs],
        }, ensure_ascii=False))
        return
    for leg in legs:
        conn = f"; connectors: {', '.join(leg.connectors)}" if leg.connectors else ""
        osm = dict(leg.source_km).get("osm_graph", 0.0)
        conn += f"; {osm:,.0f} km approximate (OpenStreetMap routing graph)" if osm >= 0.5 else ""
        click.echo(f"{leg.start.name} ({leg.start.country}) -> {leg.end.name} ({leg.end.country}): "
                   f"{leg.km:,.0f} km via {', '.join(leg.countries) or '-'}{conn}")
    if len(legs) > 1:
        countries = sorted({c for leg in legs for c in leg.countries})
        click.echo(f"total: {sum(leg.km for leg in legs):,.0f} km via {', '.join(countries)}")


OBVIOUS = 0.6  # a name read alone with this confidence has an obvious reading (Paris: Paris, FR)
_WITH_COUNTRY = re.compile(r"^(?P<name>.*\S)\s*\((?P<country>[A-Z]{2})\)$")  # "Paris (US)"


def split_country(text: str) -> tuple[str, str | None]:
    """'Paris (US)' -> ('Paris', 'US'): a country named the way route errors name readings."""
    m = _WITH_COUNTRY.match(text.strip())
    return (m.group("name"), m.group("country")) if m else (text, None)


def _route_places(names: list[str]):
    """Geocode each name (with the others as context) and route leg by leg under the border rule: a leg
    may use track only in the countries of its two ends, so a via stop is how a route enters a third one.

    The others' context may change a reading (Khasan next to Vladivostok is not Hassan, India), but it
    never replaces a name's obvious reading by a namesake just because the namesake has a rail path:
    "Paris" to "New York" is an error naming both Parises, not 640 km from Paris, Texas."""
    from .errors import RouteError
    from .gazetteer import WIDE_KINDS, Context, Gazetteer, describe

    gaz = Gazetteer.open()
    asked = [split_country(n) for n in names]
    alone = [gaz.geocode(n, country=cc, strict=False, loose=True) for n, cc in asked]
    chosen = []
    for i, (name, cc) in enumerate(asked):
        others = [g.place for j, g in enumerate(alone) if j != i and g.confidence >= OBVIOUS]
        ctx = Context(countries={p.country for p in others if p.country},
                      points=[(p.lat, p.lon) for p in others if p.kind not in WIDE_KINDS])
        chosen.append(gaz.geocode(name, country=cc, context=ctx, strict=False, loose=True))
    swapped = [i for i, (a, c) in enumerate(zip(alone, chosen))
               if a.place.id != c.place.id and a.confidence >= OBVIOUS]
    try:
        legs = _route_legs(names, chosen)
    except RouteError:
        if not swapped:
            raise
        return _route_legs(names, alone)  # the context broke a route the obvious readings make
    if not swapped:
        return legs
    try:
        _route_legs(names, alone)
    except RouteError as exc:
        i = swapped[0]
        other = chosen[i].place
        raise RouteError(f"{exc.msg}. {names[i]!r} is read as {describe(alone[i].place)}; it also names "
                         f"{describe(other)}, which has a rail path: write \"{asked[i][0]} ({other.country})\" "
                         "if that is the place you mean") from None
    return legs


def _route_legs(names: list[str], geocodes):
    """The rail legs between consecutive places; two consecutive names for one place are an error."""
    from .article import Match
    from .errors import RouteError
    from .geocode import Located
    from .rail import default_network
    from .route import route_leg
    from .story import Stop

    located = []
    for i, (name, g) in enumerate(zip(names, geocodes)):
        stop = Stop(order=i + 1, place=name, quote="", match=Match(0, 0, 0, 0))
        located.append(Located(stop, g.place.lat, g.place.lon, g.place.country or None, g.place.name,
                               g.place.source, g))
    for a, b in zip(located, located[1:]):
        if a.geocode.place.id == b.geocode.place.id:
            raise RouteError(f"{a.stop.place!r} and {b.stop.place!r} are the same place, {a.name} ({a.country}): "
                             "a route needs two different places")
    network = default_network()
    legs = []
    for a, b in zip(located, located[1:]):
        leg, why = route_leg(a, b, network)
        if leg is None:
            raise RouteError(f"no rail path from {a.name} to {b.name}: {why}")
        legs.append(leg)
    return legs


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
