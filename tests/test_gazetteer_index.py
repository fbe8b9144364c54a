"""The cached gazetteer index: built from the prepared files into an empty folder, verified when opened and
rebuilt when damaged (through every command that opens it), and the prepared files in step with the code."""
import gzip
import json
import random
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from mapgen import gazetteer as gz
from mapgen.cli import cli
from mapgen.data import geo_dir, geo_file
from mapgen.gazetteer import Gazetteer, build_index, check_index, distance_km

ROOT = geo_dir().parent


# --- building from a small input ---------------------------------------------------------------------------

def write_small_input(folder):
    """A prepared image with three places, an overlay row, two stations, and the prepared.json that goes with
    them: the same files tools/prepare_gazetteer.py writes, in miniature."""
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / "image.sqlite")
    db.executescript(gz.TABLES)
    places = [("geonames:2988507", "Paris", 48.85341, 2.3488, "FR", "city", 2138551, "GeoNames", "PPLC", 2988507, "11"),
              ("geonames:2996944", "Lyon", 45.74846, 4.84671, "FR", "city", 522969, "GeoNames", "PPLA", 2996944, "84"),
              ("country:FR", "France", 46.6, 2.4, "FR", "country", 67000000, "Natural Earth", "PCLI", 3017382, "")]
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", places)
    db.execute("CREATE UNIQUE INDEX places_id ON places (id)")
    names = sorted({(k, r, f) for r, names in ((1, ["Paris", "Lutetia"]), (2, ["Lyon", "Lione"]), (3, ["France"]))
                    for k, f in gz.name_rows(names).items()})
    db.executemany("INSERT INTO names VALUES (?,?,?)", names)
    db.executemany("INSERT INTO loose VALUES (?,?)", sorted({(gz.loose_key(k), r) for k, r, _ in names if len(k) >= 4}))
    db.commit()
    db.close()
    with open(folder / "image.sqlite", "rb") as src, gzip.open(folder / gz.PREPARED, "wb") as z:
        shutil.copyfileobj(src, z)
    (folder / "image.sqlite").unlink()
    (folder / "overlay.csv").write_text(
        "id,name,alternatenames,lat,lon,country,kind,population,same_as,source\n"
        "fr-demonym,français,française|French,,,,demonym,,country:FR,ours\n"
        "fourviere,Fourvière,,45.7623,4.8225,FR,landmark,0,,ours\n", encoding="utf-8")
    (folder / gz.REGIONS).write_text(
        "id,name,alternatenames,lat,lon,country,kind,population,same_as,members,source\n"
        "lyonnais,Lyonnais,,45.8,4.6,FR,region,400000,,,ours\n"
        "lugdunum,Lugdunum,,,,FR,region,,geonames:2996944,,ours\n", encoding="utf-8")
    (folder / gz.STATE_POINTS).write_text("adm1_code,name,admin1,lat,lon,source\n", encoding="utf-8")
    (folder / gz.ADMIN1_NAMES).write_text("id,name,alternatenames,lat,lon,country,kind,population,same_as,source\n",
                                          encoding="utf-8")
    stations = [("trainline:4916", "Paris", "48.85341", "2.3488", "FR", "11", "geonames:2988507", "", "tl", "Paris"),
                ("trainline:4676", "Lyon Part-Dieu", "45.760559", "4.859355", "FR", "84", "geonames:2996944", "1",
                 "trainline-eu/stations (id 4676), ODbL", "Lyon Part-Dieu|Lione Part-Dieu")]
    lines = ["\t".join(("id", "name", "lat", "lon", "country", "admin1", "city", "main", "source", "names"))]
    (folder / gz.STATIONS).write_bytes(gzip.compress(("\n".join(lines + ["\t".join(s) for s in stations]) + "\n")
                                                     .encode()))
    small = [("small:fr-1", "Mont-Louis", "42.51", "2.12", "FR", "PPL", "Mont-Louis", "IGN, Licence Ouverte"),
             ("small:fr-2", "Lyon", "45.0", "4.0", "FR", "PPL", "Lyon|Lyon-Village", "ours")]
    lines = ["\t".join(("id", "name", "lat", "lon", "country", "feature", "names", "source"))]
    (folder / gz.SMALL_PLACES).write_bytes(gzip.compress(("\n".join(lines + ["\t".join(s) for s in small]) + "\n")
                                                         .encode()))
    (folder / "prepared.json").write_text(json.dumps({
        "key_rules": gz.key_rules_fingerprint(), "sha256": {gz.PREPARED: gz.file_sha256(folder / gz.PREPARED)}}))


def test_index_builds_from_small_input_into_empty_folder(tmp_path):
    src = tmp_path / "src"
    write_small_input(src)
    out = tmp_path / "empty" / "cache" / "index.sqlite"
    build_index(out, "f00d", folder=src)
    assert sorted(p.name for p in out.parent.iterdir()) == ["index.sqlite"]  # no temporary left
    assert check_index(out, "f00d") is None and check_index(out, "beef").startswith("from other inputs")
    g = Gazetteer(out)
    assert [p.id for p in g.lookup("paris")] == ["geonames:2988507"]  # the station "Paris" does not take the name
    assert [p.kind for p in g.lookup("lyon part dieu")] == ["station"]
    assert [p.id for p in g.lookup("lyonnais")] == ["region:lyonnais"]  # geo/gazetteer/regions.csv
    assert [p.id for p in g.lookup("lugdunum")] == ["geonames:2996944"]  # a name for a place of the image
    assert [p.id for p in g.lookup("lione part dieu")] == ["trainline:4676"]
    assert g.town_of("trainline:4676").name == "Lyon"
    assert [(p.id, f) for p, f in g.lookup_flags("french")] == [("country:FR", gz.ADJECTIVE)]
    assert [p.name for p in g.lookup("fourviere")] == ["Fourvière"]
    assert [p.name for p in g.lookup_loose("lione")] == ["Lyon"]
    assert g.geocode("Lyon Part-Dieu").place.lat == pytest.approx(45.760559)
    # small places: a town of population 0 under the names nothing else has
    assert [(p.id, p.kind, p.population) for p in g.lookup("mont louis")] == [("small:fr-1", "city", 0)]
    assert [p.id for p in g.lookup("lyon")] == ["geonames:2996944"] and g.lookup("lyon village")[0].id == "small:fr-2"


def test_index_build_refuses_an_image_that_is_not_the_prepared_one(tmp_path):
    src = tmp_path / "src"
    write_small_input(src)
    (src / "prepared.json").write_text(json.dumps({"sha256": {gz.PREPARED: "0" * 64}}))
    with pytest.raises(gz.DataError, match="does not match the checksum"):
        build_index(tmp_path / "out" / "index.sqlite", folder=src)
    assert list((tmp_path / "out").iterdir()) == []


# --- the prepared files are what the code and the sources make -----------------------------------------------

def test_prepared_keys_are_made_by_the_current_key_rules():
    prepared = json.loads(geo_file("gazetteer", "prepared.json").read_text())
    assert prepared["key_rules"] == gz.key_rules_fingerprint(), (
        "name_key/loose_key/name_rows changed since geo/gazetteer/ was prepared: run tools/prepare_gazetteer.py")


def test_prepared_files_are_made_from_the_current_sources():
    prepared = json.loads(geo_file("gazetteer", "prepared.json").read_text())
    stale = [p for p, sha in prepared["inputs"].items() if gz.file_sha256(ROOT / p) != sha]
    assert not stale, f"{stale} changed since geo/gazetteer/ was prepared: run tools/prepare_gazetteer.py"
    assert gz.file_sha256(geo_file("gazetteer", gz.PREPARED)) == prepared["sha256"][gz.PREPARED]


# --- a damaged index is rebuilt, whatever command finds it -------------------------------------------------

@pytest.fixture(scope="module")
def good_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "index.sqlite"
    build_index(path, gz.index_fingerprint())
    return path


def damage(path, how, good):
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":  # a killed copy, a full disk
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif how == "garbage":
        path.write_bytes(random.Random(7).randbytes(300_000))
    elif how == "old schema":  # a whole SQLite file of another layout
        db = sqlite3.connect(path)
        db.executescript("CREATE TABLE places (id TEXT, name TEXT); CREATE TABLE names (key TEXT, place INTEGER);")
        db.close()
    elif how == "half-written":  # a build killed before its rename: a temporary, no index
        (path.parent / ".gazetteer-x1y2.tmp").write_bytes(good.read_bytes()[:4096])


def command(name, seed_dir, tmp_path):
    return {
        "geocode": ["geocode", "Khasan"],
        "route": ["route", "Moscou", "Vladivostok"],
        "extract": ["extract", str(seed_dir / "article.txt")],
        "new": ["new", "kim", "--article", str(seed_dir / "article.txt"), "--stories", str(tmp_path / "stories")],
        "build": ["build", str(seed_dir), "--out", str(tmp_path / "maps")],
    }[name]


@pytest.mark.parametrize("how, name", [
    ("empty", "geocode"), ("truncated", "geocode"), ("garbage", "geocode"), ("old schema", "geocode"),
    ("half-written", "geocode"), ("truncated", "route"), ("garbage", "extract"), ("old schema", "new"),
    ("empty", "build"),
])
def test_damaged_index_is_rebuilt(how, name, good_index, seed_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("MAPGEN_CACHE", str(cache))
    path = cache / f"gazetteer-{gz.index_fingerprint()}.sqlite"
    damage(path, how, good_index)
    gz._open_default.cache_clear()
    try:
        r = CliRunner().invoke(cli, command(name, seed_dir, tmp_path))
    finally:
        gz._open_default.cache_clear()  # later tests open the default index again
    assert r.exit_code == 0, r.output
    assert r.exception is None and "Traceback" not in r.output
    if how != "half-written":
        assert f"Warning: the gazetteer index {path} is " in r.stderr and "building it again" in r.stderr
    assert check_index(path, gz.index_fingerprint()) is None
    # the new index and its lock, no temporary or damaged copy beside them (other data the command caches,
    # such as the rail network when this test is the first in its process to load it, may be there too)
    left = {p.name for p in cache.iterdir() if p.name.lstrip(".").startswith("gazetteer")}
    assert left == {"gazetteer.lock", path.name}


def test_unwritable_cache_is_one_error_line(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MAPGEN_CACHE", str(blocker / "cache"))
    gz._open_default.cache_clear()
    try:
        r = CliRunner().invoke(cli, ["geocode", "Khasan"])
    finally:
        gz._open_default.cache_clear()
    assert r.exit_code == 1 and r.exception.__class__ is SystemExit
    assert r.output.strip().splitlines()[-1].startswith(f"Error: {blocker / 'cache'}: cannot write the gazetteer index")


# --- stations -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.open()


@pytest.mark.parametrize("name, lat, lon", [
    ("Wien Hauptbahnhof", 48.1849, 16.3759), ("Vienna Hauptbahnhof", 48.1849, 16.3759),
    ("Milano Centrale", 45.4871, 9.2048), ("Lyon Part-Dieu", 45.7606, 4.8594), ("Zürich HB", 47.3782, 8.5392),
])
def test_station_names_resolve_to_the_station(gaz, name, lat, lon):
    p = gaz.geocode(name).place
    assert p.kind == "station" and distance_km(p.lat, p.lon, lat, lon) < 0.3
    assert "trainline-eu/stations" in p.source and "ODbL" in p.source


@pytest.mark.parametrize("name, town", [("Paris", "Paris"), ("Lyon", "Lyon"), ("Brig", "Brig"), ("Milan", "Milan"),
                                        ("Vienna", "Vienna")])
def test_a_town_name_finds_the_town_and_no_station(gaz, name, town):
    g = gaz.geocode(name, strict=False)
    assert g.place.name == town and g.place.kind == "city"
    assert not any(c.place.kind == "station" for c in g.candidates)


def test_a_station_knows_its_town(gaz):
    assert gaz.town_of(gaz.geocode("Lyon Part-Dieu").place.id).id == "geonames:2996944"
    assert gaz.town_of(gaz.geocode("Lyon").place.id) is None


def test_a_map_with_a_station_stop_credits_the_station_table(make_story, tmp_path):
    d = make_story('title = "T"\nlanguage = "it"\n[source]\nname = "N"\ncitation = "C"\n'
                   '[[stops]]\nplace = "Milano Centrale"\nquote = "da Milano Centrale"\n'
                   '[[stops]]\nplace = "Genova"\nquote = "a Genova"\n',
                   "Il treno parte da Milano Centrale e arriva a Genova.")
    r = CliRunner().invoke(cli, ["build", str(d), "--out", str(tmp_path / "maps")])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "maps" / "test-story.html").read_text(encoding="utf-8")
    geo = json.loads((tmp_path / "maps" / "test-story.geojson").read_text(encoding="utf-8"))
    assert r'stations: \u003ca href=\"https://github.com/trainline-eu/stations\"' in html  # in the map's JSON
    assert geo["attribution"].endswith("stations: trainline-eu/stations (ODbL)")


def test_a_map_without_a_station_stop_does_not(seed_build):
    assert "trainline-eu" not in (seed_build / "kim-2023-russia.html").read_text(encoding="utf-8")


def test_index_build_refuses_a_state_point_for_no_region_of_the_image(tmp_path):
    src = tmp_path / "src"
    write_small_input(src)
    (src / gz.STATE_POINTS).write_text("adm1_code,name,admin1,lat,lon,source\n"
                                       "USA-3525,Oregon,OR,43.9,-120.6,ours\n", encoding="utf-8")
    with pytest.raises(gz.DataError, match="no region 'USA-3525'"):
        build_index(tmp_path / "out" / "index.sqlite", "f00d", folder=src)
