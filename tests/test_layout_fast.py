"""The label layout's faster tests give the layouts of the plain ones (issue 13): the area test of all seven
points of every box, the free-cell count with np.clip, nine line markings, and every candidate set ordered
before testing. The plain versions are written out here as the reference."""
import math

import numpy as np
import pytest
import shapely

from mapgen import labels as lb
from mapgen.labels import CELL

STORIES = ["kim-2023-russia", "delegation-pyongyang-khabarovsk", "train-harbin-vostochny"]


def _in_area_plain(area0, cx, cy, w, h, s, land0=None):
    inside = np.ones(len(cx), dtype=bool)
    for fx, fy in ((0.5, 0.5), (0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0), (0.5, 1)):
        inside &= shapely.contains_xy(area0, (cx + fx * w) / s, (cy + fy * h) / s)
    if land0 is not None:
        for fx, fy in ((0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5)):
            inside &= ~shapely.contains_xy(land0, (cx + fx * w) / s, (cy + fy * h) / s)
    return inside


def _free_plain(self, x0, y0, x1, y1):
    cx0 = np.floor((np.asarray(x0) - self.x0) / CELL).astype(int)
    cy0 = np.floor((np.asarray(y0) - self.y0) / CELL).astype(int)
    cx1 = np.ceil((np.asarray(x1) - self.x0) / CELL).astype(int)
    cy1 = np.ceil((np.asarray(y1) - self.y0) / CELL).astype(int)
    on = (cx0 >= 0) & (cy0 >= 0) & (cx1 <= self.nx) & (cy1 <= self.ny)
    cx0, cx1 = np.clip(cx0, 0, self.nx), np.clip(cx1, 0, self.nx)
    cy0, cy1 = np.clip(cy0, 0, self.ny), np.clip(cy1, 0, self.ny)
    s = self.sat
    return on & (s[cy1, cx1] - s[cy0, cx1] - s[cy1, cx0] + s[cy0, cx0] == 0)


def _mark_line_plain(self, xs, ys, width):
    if len(xs) < 2:
        return
    seg = np.hypot(np.diff(xs), np.diff(ys))
    n = np.maximum(np.ceil(seg / (CELL / 2)).astype(int), 1)
    i = np.repeat(np.arange(len(seg)), n)
    t = (np.arange(len(i)) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
    px = np.append(xs[i] + (xs[i + 1] - xs[i]) * t, xs[-1])
    py = np.append(ys[i] + (ys[i + 1] - ys[i]) * t, ys[-1])
    r = max(width / 2, 1)
    for dx in (-r, 0, r):
        for dy in (-r, 0, r):
            self._mark_points(px + dx, py + dy)


def _scene_inputs(slug, monkeypatch, tmp_path):
    """(label set, zooms) of a story's scene, laid out by nothing (the layouts are made by the test)."""
    from pathlib import Path

    from mapgen import render
    from mapgen.dates import stop_dates
    from mapgen.gazetteer import Gazetteer
    from mapgen.geocode import geocode_story
    from mapgen.rail import default_network
    from mapgen.route import route_story
    from mapgen.story import load_story

    root = Path(__file__).resolve().parent.parent
    path = root / "geo" / "stories" / slug
    path = path if path.is_dir() else root / "tests" / "stories" / slug
    captured = {}
    monkeypatch.setattr(lb.LabelSet, "at", lambda self, z: captured.setdefault(z, self))
    story = load_story(path)
    stops = geocode_story(story, Gazetteer.open())
    route = route_story(story, stops, default_network())
    render.build_scene(story, stops, route, default_network(), stop_dates(story))
    monkeypatch.undo()
    return captured


@pytest.mark.parametrize("slug", STORIES)
def test_fast_layout_equals_the_plain_one(slug, monkeypatch, tmp_path):
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    scenes = _scene_inputs(slug, monkeypatch, tmp_path)
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))
    assert len(scenes) >= 2

    def lay_out():
        return [lb._layout_to_json(lb.layout(s.labels, s.stops, s.route, z, s.bounds, s.land0, s.views.get(z, ())))
                for z, s in sorted(scenes.items())]

    fast = lay_out()
    with monkeypatch.context() as m:
        m.setattr(lb, "_in_area", _in_area_plain)
        m.setattr(lb.Grid, "free", _free_plain)
        m.setattr(lb.Grid, "mark_line", _mark_line_plain)
        m.setattr(lb, "SMALL_SET", 0)  # every candidate set ordered by the best point, then tested in batches
        plain = lay_out()
    assert fast == plain
    placed = sum(len(lay["placed"]) for lay in fast)
    assert placed >= 10 and any(p[0].startswith(("sea:", "country:")) for lay in fast for p in lay["placed"])


def test_geodesic_alone_then_the_whole_pyproj():
    """rail.geod() loads pyproj's geodesic module only; `import pyproj` afterwards gives the whole package
    (CRS, transformations), and both measure the same lengths as a process that imported pyproj first."""
    import json
    import subprocess
    import sys

    probe = ("import json, sys\n{first}\n"
             "from mapgen import rail\n"
             "g = rail.geod()\n"
             "partial = sorted(m for m in sys.modules if m.startswith('pyproj'))\n"
             "a = [float(v) for v in g.inv([125.754, 130.645], [39.034, 42.430], [130.645, 131.874], [42.430, 43.106])[2]]\n"
             "import pyproj\n"
             "from pyproj import CRS, Transformer\n"
             "x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(10.0, 45.0)\n"
             "b = pyproj.Geod(ellps='WGS84').line_length([125.754, 130.645, 131.874], [39.034, 42.430, 43.106])\n"
             "print(json.dumps({{'partial': partial, 'a': a, 'b': b, 'xy': [x, y], 'crs': CRS('EPSG:4326').name,\n"
             "                   'same': pyproj.Geod is pyproj.geod.Geod, 'version': pyproj.__version__}}))\n")
    runs = [json.loads(subprocess.run([sys.executable, "-c", probe.format(first=first)], check=True,
                                      capture_output=True, text=True).stdout)
            for first in ("", "import pyproj")]
    lazy, whole = runs
    assert "pyproj.geod" in lazy["partial"] and "pyproj.crs" not in lazy["partial"]
    assert "pyproj.crs" in whole["partial"]
    assert lazy["same"] and whole["same"] and lazy["crs"] == "WGS 84" and lazy["version"] == whole["version"]
    assert lazy["a"] == whole["a"] and lazy["b"] == whole["b"] and lazy["xy"] == whole["xy"]
    assert math.isclose(lazy["b"], sum(lazy["a"])) and 650_000 < lazy["b"] < 700_000
