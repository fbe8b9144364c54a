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


def test_compiled_templates_give_the_same_page(seed_dir, tmp_path):
    """A build with an empty template cache, one that fills it and one that reads it: the same bytes."""
    env = dict(os.environ, MAPGEN_CACHE=str(tmp_path / "cache"))
    pages = []
    for run in range(2):
        out = tmp_path / f"maps{run}"
        subprocess.run([sys.executable, "-m", "mapgen.cli", "build", str(seed_dir), "--out", str(out)],
                       env=env, check=True, capture_output=True)
        pages.append((out / "kim-2023-russia.html").read_bytes())
        cached = list((tmp_path / "cache").glob("jinja-*.marshal"))
        assert len(cached) == 1 and cached[0].stat().st_size > 10_000
    assert pages[0] == pages[1]
    (tmp_path / "cache" / cached[0].name).write_bytes(b"\x00damaged")  # ignored, the page unchanged
    out = tmp_path / "maps2"
    subprocess.run([sys.executable, "-m", "mapgen.cli", "build", str(seed_dir), "--out", str(out)],
                   env=env, check=True, capture_output=True)
    assert (out / "kim-2023-russia.html").read_bytes() == pages[0]


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
        for a, b, countries in legs:
            allowed = net.allowed_edges(countries)
            ref = rail_path(a, b, plain, plain.allowed_edges(countries))
            got = rail_path(a, b, net, allowed)
            assert got[0] == ref[0] and got[1] == ref[1] and got[2].coords == ref[2].coords
            assert got[2].km == ref[2].km and len(got[2].coords) > 10
