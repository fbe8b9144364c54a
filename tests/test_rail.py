"""Stage 3: the rail network, snapping, the border rule and connectors."""
import numpy as np
import pytest

from mapgen.rail import RailNetwork, default_network


@pytest.fixture(scope="module")
def net():
    return default_network()


def route(net, a, b, countries):
    allowed = net.allowed_edges(set(countries))
    sa, sb = net.snap(*a, allowed), net.snap(*b, allowed)
    assert sa is not None and sb is not None
    return net.shortest_path(sa, sb, allowed)


RAJIN = (42.2556, 130.2831)
TUMANGANG = (42.4214, 130.6081)
KHASAN = (42.4301, 130.6449)
PYONGYANG = (39.0339, 125.7543)
VOSTOCHNY = (51.8844, 128.3334)


def test_rajin_tumangang_stays_out_of_china(net):
    p = route(net, RAJIN, TUMANGANG, {"KP"})
    assert p.countries == ("KP",)
    assert p.km < 100  # the direct line; through China it is about 870 km


def test_border_rule_keeps_out_of_china_where_china_is_shorter(net):
    """Pyongyang -> Vostochny: the shortest track runs through Manchuria; KP and RU alone is longer."""
    ruled = route(net, PYONGYANG, VOSTOCHNY, {"KP", "RU"})
    free = route(net, PYONGYANG, VOSTOCHNY, {"KP", "RU", "CN"})
    assert "CN" not in ruled.countries and "CN" in free.countries
    assert free.km < ruled.km - 300


def test_border_crossing_uses_the_curated_bridge(net):
    p = route(net, TUMANGANG, KHASAN, {"KP", "RU"})
    assert "tumangang-khasan-bridge" in p.connectors
    assert 3 < p.km < 15


def test_snap_prefers_the_stops_own_country(net):
    both = net.allowed_edges({"KP", "RU"})
    ru = net.snap(*KHASAN, both, country="RU")
    kp = net.snap(*TUMANGANG, both, country="KP")
    assert net.country_codes[net.vert_country[ru.vertex]] == "RU"
    assert net.country_codes[net.vert_country[kp.vertex]] == "KP"
    assert ru.km < 3 and kp.km < 3


def test_no_track_in_allowed_countries_means_no_snap(net):
    assert net.snap(*RAJIN, net.allowed_edges({"RU"})) is None  # Russian track is > 30 km away


def test_path_follows_edges_in_order(net):
    p = route(net, (43.1056, 131.8735), (48.4620, 135.0971), {"RU"})  # Vladivostok -> Khabarovsk
    coords = np.asarray(p.coords)
    steps = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1]))
    assert steps.max() < 0.2  # no jumps: consecutive vertices are close along the track
    assert 650 < p.km < 800
    assert p.countries == ("RU",)


def test_connectors_are_loaded_with_sources(net):
    ids = {c["id"] for c in net.connectors}
    assert {"tumangang-khasan-bridge", "ledyanaya-tsiolkovsky-vostochny"} <= ids
    assert all(c["source"] for c in net.connectors)
    bridge = next(c for c in net.connectors if c["id"] == "tumangang-khasan-bridge")
    assert 3.0 < bridge["km"] < 3.6


def test_border_station_reached_on_own_track(net):
    """Erenhot is the Chinese border station on the line to Mongolia: a China-only leg reaches it."""
    p = route(net, (39.9075, 116.3972), (43.6475, 111.9767), {"CN"})  # Beijing -> Erenhot
    assert p.countries == ("CN",)
    assert 700 < p.km < 900


def test_moscow_vladivostok_follows_the_trans_siberian(net):
    """Inside Russia, and on the main line (multi-track, NE scalerank 4) through Irkutsk, Ulan-Ude and
    Chita, not the Baikal-Amur line through Tynda that is 2% shorter in the generalised data."""
    from mapgen.gazetteer import distance_km

    p = route(net, (55.7558, 37.6173), (43.1056, 131.8735), {"RU"})
    assert p.countries == ("RU",)
    assert 8_300 < p.km < 9_300  # 9,289 km by the railway's own kilometrage; NE runs short
    pts = p.coords[::2]
    for lat, lon in [(52.29, 104.28), (51.83, 107.60), (52.03, 113.50)]:  # Irkutsk, Ulan-Ude, Chita
        assert min(distance_km(lat, lon, y, x) for x, y in pts) < 10
    assert min(distance_km(55.15, 124.72, y, x) for x, y in pts) > 100  # Tynda, on the BAM
    pure = net.shortest_path(*(net.snap(*c, net.allowed_edges({"RU"}), country="RU")
                               for c in [(55.7558, 37.6173), (43.1056, 131.8735)]),
                             net.allowed_edges({"RU"}), main_lines=False)
    assert pure.km < p.km  # the pure shortest path is the BAM: the preference is what chooses


def test_a_star_takes_the_path_of_a_reference_dijkstra(net):
    """The A* search (heapq, great-circle estimate) against scipy's Dijkstra on the same graph: between track
    nodes of random allowed edges, in several country sets, the path drawn passes through every node of
    Dijkstra's shortest path, in order."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from mapgen.rail import Snap

    rng = np.random.default_rng(5)
    checked = 0
    for countries in ({"RU"}, {"FR", "DE", "CH", "IT"}, {"CN", "MN", "RU", "KZ"}, {"IN"}, {"US", "CA"}):
        allowed = net.allowed_edges(countries)
        eids = np.nonzero(allowed)[0]
        n = len(net.node_xy)
        km = net.edge_km[eids]
        rows = np.concatenate([net.edge_u[eids], net.edge_v[eids]])
        cols = np.concatenate([net.edge_v[eids], net.edge_u[eids]])
        w = np.concatenate([km, km]) + 1e-9
        order = np.lexsort((w, cols, rows))  # of parallel edges the lightest (a sparse matrix would add them)
        rows, cols, w = rows[order], cols[order], w[order]
        first = np.ones(len(rows), bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        graph = csr_matrix((w[first], (rows[first], cols[first])), shape=(n, n))
        for e1, e2 in rng.choice(eids, size=(6, 2)):
            a, b = (Snap(int(e), int(net.edge_a[e]), 0.0, *(net.vert_xy[net.edge_a[e]] / 1e5)) for e in (e1, e2))
            u, v = int(net.edge_u[e1]), int(net.edge_u[e2])
            dist, pred = dijkstra(graph, indices=u, return_predecessors=True)
            p = net.shortest_path(a, b, allowed, main_lines=False)
            assert (p is None) == (not np.isfinite(dist[v]))
            if p is None:
                continue
            nodes = [v]
            while nodes[-1] != u:
                nodes.append(int(pred[nodes[-1]]))
            where = {xy: i for i, xy in enumerate(p.coords)}
            at = [where.get(tuple((net.node_xy[x] / 1e5).tolist())) for x in reversed(nodes)]
            assert None not in at and at == sorted(at), (countries, e1, e2)
            checked += len(nodes) > 2
    assert checked >= 15
