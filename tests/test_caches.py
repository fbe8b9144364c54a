"""The user-cache shortcuts of a cold build (file digests, compiled templates) change nothing but time."""
import json
import os
import subprocess
import sys
import time

from mapgen import build


def test_file_digests_follow_every_change(tmp_path, monkeypatch):
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    f = tmp_path / "data.bin"
    f.write_bytes(b"aaaa")
    old = time.time() - 60
    os.utime(f, (old, old))
    first = build._digests([f])[str(f)]
    store = tmp_path / "cache" / "file-digests.json"
    assert json.loads(store.read_text())[str(f)][2] == first  # remembered by size and mtime
    f.write_bytes(b"bbbb")  # same size, new mtime: read again
    os.utime(f, (old + 1, old + 1))
    second = build._digests([f])[str(f)]
    assert second != first and json.loads(store.read_text())[str(f)][2] == second
    # a file written just now is hashed but not remembered: a second write within the clock's resolution
    # would keep its stamp
    f.write_bytes(b"cccc")
    third = build._digests([f])[str(f)]
    assert third not in (first, second) and str(f) not in json.loads(store.read_text())
    store.write_text("{not json")  # a damaged cache is ignored and rewritten
    os.utime(f, (old, old))
    assert build._digests([f])[str(f)] == third
    assert str(f) in json.loads(store.read_text())


def test_environment_fingerprint_sees_a_data_file_change(tmp_path, monkeypatch):
    import shutil

    from mapgen.data import geo_dir

    geo = tmp_path / "geo"
    shutil.copytree(geo_dir(), geo, ignore=shutil.ignore_patterns("stories", "gazetteer"))
    monkeypatch.setenv("MAPGEN_GEO", str(geo))
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    old = time.time() - 60
    target = geo / "rail" / "connectors.toml"
    os.utime(target, (old, old))
    build.environment_fingerprint.cache_clear()
    before = build.environment_fingerprint()
    build.environment_fingerprint.cache_clear()
    assert build.environment_fingerprint() == before  # from the digest cache this time
    target.write_text(target.read_text() + "\n# edited\n")
    build.environment_fingerprint.cache_clear()
    try:
        assert build.environment_fingerprint() != before
    finally:
        build.environment_fingerprint.cache_clear()


def test_compiled_code_gives_the_same_maps(seed_dir, tmp_path):
    """A build with empty code caches (Jinja templates, mapgen's dataclass methods, branca's colour-map module
    with its tables deferred), one that fills them, one that reads them, one with them damaged, and one that
    loads everything the plain way (folium's whole import, dataclasses compiled as usual): the same bytes."""
    env = dict(os.environ, MAPGEN_CACHE=str(tmp_path / "cache"))
    kinds = ("jinja-*.marshal", "dataclasses-*.marshal", "code-colormap-*.marshal")

    def built(run: int, *command: str) -> dict:
        out = tmp_path / f"maps{run}"
        subprocess.run([*command, "build", str(seed_dir), "--out", str(out)], env=env, check=True,
                       capture_output=True)
        return {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".mapgen-manifest.json"}

    maps = [built(run, sys.executable, "-m", "mapgen.cli") for run in range(2)]
    cached = [next((tmp_path / "cache").glob(kind)) for kind in kinds]
    assert len(maps[0]) >= 3 and maps[0] == maps[1] and all(p.stat().st_size > 10_000 for p in cached)
    for path in cached:  # ignored, the maps unchanged
        path.write_bytes(b"\x00damaged")
    assert built(2, sys.executable, "-m", "mapgen.cli") == maps[0]
    plain = ("import sys, dataclasses, requests, urllib.request, branca.colormap\n"
             "dataclasses.exec = exec  # mapgen's dataclass cache then stays out\n"
             "assert len(branca.colormap.linear._colormaps) > 10\n"
             "from mapgen.cli import main\nsys.argv[0] = 'mapgen'\nmain()\n")
    assert built(3, sys.executable, "-c", plain) == maps[0]


def test_cached_rail_network_is_the_network(tmp_path, monkeypatch):
    """The embedded network read from the user cache (memory-mapped) is the one built from geo/: the same
    arrays, connectors and routes, with the cache empty, filled, or damaged (then rebuilt)."""
    import numpy as np

    from mapgen.rail import RailNetwork
    from mapgen.route import rail_path

    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    from mapgen import data

    plain = RailNetwork._load(data.geo_file("rail", "world_railways_graph.npz"),
                              data.geo_file("rail", "connectors.geojson"))
    first = RailNetwork.load()  # builds and writes the cache entry
    entries = list((tmp_path / "cache").glob("rail-*"))
    assert len(entries) == 1 and (entries[0] / "vert_xy.npy").stat().st_size > 1_000_000
    # a damaged entry is rebuilt from geo/ (damaged as a copy would be: mapgen never rewrites a cache file in
    # place, which would pull the pages from under a process that has it mapped)
    (entries[0] / "bad.npy").write_bytes(b"\x93NUMPY damaged")
    os.replace(entries[0] / "bad.npy", entries[0] / "edge_u.npy")
    second = RailNetwork.load()
    assert second.vert_xy.flags.writeable
    third = RailNetwork.load()  # read from the rewritten entry
    assert not third.vert_xy.flags.writeable  # mapped, not rebuilt

    class Stop:
        def __init__(self, lat, lon, country):
            self.lat, self.lon, self.country = lat, lon, country

    legs = [(Stop(55.7558, 37.6173, "RU"), Stop(43.1056, 131.8735, "RU"), {"RU"}),
            (Stop(42.2556, 130.2831, "KP"), Stop(42.4301, 130.6449, "RU"), {"KP", "RU"}),
            (Stop(48.857, 2.352, "FR"), Stop(52.520, 13.405, "DE"), {"FR", "DE", "BE", "NL", "LU", "CH"})]
    for net in (first, second, third):
        for name in ("node_xy", "edge_u", "edge_v", "edge_a", "edge_b", "edge_factor", "vert_xy", "vert_km"):
            assert np.array_equal(getattr(net, name), getattr(plain, name)), name
        assert net.csets == plain.csets and net.connectors == plain.connectors
        # what the cache entry adds: the search's adjacency lists and estimate vectors, the edges' boxes
        assert net._adjacency() == plain._adjacency() and np.array_equal(net.node_unit, plain.node_unit)
        assert net._weights(True) == plain._weights(True) and net._weights(False) == plain._weights(False)
        assert np.array_equal(net.edge_boxes(), plain.edge_boxes())
        for a, b, countries in legs:
            allowed = net.allowed_edges(countries)
            ref = rail_path(a, b, plain, plain.allowed_edges(countries))
            got = rail_path(a, b, net, allowed)
            assert got[0] == ref[0] and got[1] == ref[1] and got[2].coords == ref[2].coords
            assert got[2].km == ref[2].km and len(got[2].coords) > 10


class _Place:
    """What route_leg reads of a stop: its name, coordinates and country."""

    def __init__(self, name, lat, lon, country):
        self.name, self.lat, self.lon, self.country = name, lat, lon, country


def test_cached_legs_are_the_legs(tmp_path, monkeypatch):
    """A leg read back from the user cache is the leg routed, to the bit (coordinates, km, snaps, sources),
    whether the entry was just written, is read in a later call, or was damaged (then routed again)."""
    from mapgen import data, route
    from mapgen.rail import RailNetwork

    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    plain = RailNetwork._load(data.geo_file("rail", "world_railways_graph.npz"),
                              data.geo_file("rail", "connectors.geojson"))
    net = RailNetwork.load()
    legs = [(_Place("Moscow", 55.7558, 37.6173, "RU"), _Place("Vladivostok", 43.1056, 131.8735, "RU"), frozenset()),
            (_Place("Rajin", 42.2556, 130.2831, "KP"), _Place("Khasan", 42.4301, 130.6449, "RU"), frozenset()),
            (_Place("Munich", 48.137, 11.575, "DE"), _Place("Venice", 45.4408, 12.3155, "IT"), frozenset({"AT"})),
            (_Place("Paris", 48.857, 2.352, "FR"), _Place("Berlin", 52.520, 13.405, "DE"),
             frozenset({"BE", "NL", "LU", "CH"})),
            # off the track at the end, and partly on the OSM routing graph
            (_Place("Bangkok", 13.7563, 100.5018, "TH"), _Place("Vientiane", 17.9757, 102.6331, "LA"), frozenset())]
    ref = [route.route_leg(a, b, plain, transit=t)[0] for a, b, t in legs]
    assert plain.cache_key is None and not (tmp_path / "cache" / "legs").exists()  # a network of its own: not kept
    assert all(leg is not None and len(leg.coords) > 10 and leg.km > 20 for leg in ref)
    assert ref[-1].off_track and ref[-1].approximate and any(leg.connectors for leg in ref)
    first = [route.route_leg(a, b, net, transit=t)[0] for a, b, t in legs]
    entries = sorted((tmp_path / "cache" / "legs").glob("*.json"))
    assert len(entries) == len(legs)

    def no_routing(*args, **kwargs):
        raise AssertionError("routed again")

    monkeypatch.setattr(route, "_route_leg", no_routing)
    second = [route.route_leg(a, b, net, transit=t)[0] for a, b, t in legs]
    assert first == ref and second == ref
    assert [type(v) for v in second[0].coords[0]] == [float, float] and isinstance(second[0].coords, tuple)
    monkeypatch.undo()
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    entries[0].write_text("{not json")  # damaged: routed again (and rewritten)
    doc = json.loads(entries[1].read_text())
    doc["leg"]["km"] = "far"  # not what mapgen writes: routed again
    entries[1].write_text(json.dumps(doc))
    third = [route.route_leg(a, b, net, transit=t)[0] for a, b, t in legs]
    assert third == ref


def test_cached_label_layouts_are_the_layouts(tmp_path, monkeypatch):
    """Label layouts read from the user cache are those computed, whether just written, read by another label
    set with the same inputs, or damaged (then computed again); other inputs get other entries."""
    import numpy as np
    import shapely

    from mapgen import labels as lb

    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))

    def label_set(sea_name="Sea of Trials"):
        sea = shapely.Polygon([(131.0, 36.0), (139.0, 36.0), (139.0, 44.0), (131.0, 44.0)])
        items = [lb.Label("stop:1", "Khasan", "stop", must=True, anchor=(130.64, 42.43)),
                 lb.Label("stop:2", "Vladivostok", "stop", must=True, anchor=(131.87, 43.11)),
                 lb.Label(f"sea:{sea_name}", sea_name, "sea", area=sea),
                 lb.Label("town:1", "Ussuriysk", "town", anchor=(131.95, 43.8), min_zoom=4)]
        line = np.array([(130.64, 42.43), (131.2, 42.9), (131.87, 43.11)])
        return lb.LabelSet(items, [(130.64, 42.43), (131.87, 43.11)], [line], (130.64, 42.43, 131.87, 43.11))

    zooms = (5, 6, 7)
    computed = [label_set().at(z) for z in zooms]
    assert any(p.key.startswith("sea:") for lay in computed for p in lay.placed)
    entries = list((tmp_path / "cache" / "labels").glob("*.json"))
    assert len(entries) == 1
    real_layout = lb.layout
    monkeypatch.setattr(lb, "layout", lambda *a, **k: (_ for _ in ()).throw(AssertionError("laid out again")))
    assert [label_set().at(z) for z in zooms] == computed
    monkeypatch.setattr(lb, "layout", real_layout)
    entries[0].write_text('{"key": "' + entries[0].stem + '", "layouts": {"5": {"placed": [["x", "y"]]}}}')
    assert [label_set().at(z) for z in zooms] == computed  # zoom 5 damaged: laid out again
    other = [label_set("Other Sea").at(z) for z in zooms]  # other inputs: another entry
    assert len(list((tmp_path / "cache" / "labels").glob("*.json"))) == 2
    assert {p.key for lay in other for p in lay.placed} != {p.key for lay in computed for p in lay.placed}


def test_cached_data_files_are_the_files(tmp_path, monkeypatch):
    """The .npz arrays (LZMA in the package) and the JSON read through the user cache equal the files."""
    import numpy as np

    from mapgen import data

    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    npz = data.geo_file("countries", "ne_10m_admin_0_countries_basemap.npz")
    marine = data.geo_file("labels", "ne_10m_marine_labels.json")
    with np.load(npz) as z:
        ref = {k: z[k] for k in z.files}
    doc = json.loads(marine.read_text(encoding="utf-8"))
    for _ in range(2):  # written, then read
        got = data.cached_arrays(npz)
        assert sorted(got) == sorted(ref) and len(ref) > 10
        assert all(np.array_equal(got[k], ref[k]) and got[k].dtype == ref[k].dtype for k in ref)
        assert data.cached_json(marine) == doc
    folder = next((tmp_path / "cache").glob("npz-*"))
    (folder / "bad.npy").write_bytes(b"\x93NUMPY damaged")
    os.replace(folder / "bad.npy", folder / "l0_xy.npy")
    next((tmp_path / "cache").glob("json-*.marshal")).write_bytes(b"\x00damaged")
    got = data.cached_arrays(npz)
    assert all(np.array_equal(got[k], ref[k]) for k in ref) and data.cached_json(marine) == doc


def test_rebuild_from_the_caches_is_the_same_map_without_pyproj(seed_dir, tmp_path):
    """A seed build with the caches empty and one with them filled give the same files; the first loads only
    pyproj's geodesic module (not the package's CRS and transformation modules); the second reads its legs
    from the cache and so loads nothing of pyproj."""
    env = dict(os.environ, MAPGEN_CACHE=str(tmp_path / "cache"))
    outputs, imported = [], []
    for run in range(2):
        out = tmp_path / f"maps{run}"
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "mapgen.cli", "build", str(seed_dir),
                               "--out", str(out), "--svg"], env=env, check=True, capture_output=True, text=True)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir() if p.name != ".mapgen-manifest.json"})
        imported.append({line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                         if line.startswith("import time:")})
    assert len(outputs[0]) >= 4 and outputs[0] == outputs[1]
    assert "pyproj.geod" in imported[0] and not {"pyproj", "pyproj.crs", "pyproj.transformer"} & imported[0]
    assert not any(name.startswith("pyproj") for name in imported[1])
    assert len(list((tmp_path / "cache" / "legs").glob("*.json"))) == 3
    assert len(list((tmp_path / "cache" / "labels").glob("*.json"))) == 1
