"""Deferred imports (imports.py): a module loaded only when used is the whole module once used."""
import json
import subprocess
import sys
import textwrap

import pytest

from mapgen import imports


def _run(code: str, tmp_path) -> dict:
    env_code = f"import os; os.environ['MAPGEN_CACHE'] = {str(tmp_path / 'cache')!r}\n" + textwrap.dedent(code)
    out = subprocess.run([sys.executable, "-c", env_code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_folium_without_requests_http_or_colour_maps_until_used(tmp_path):
    """After mapgen imports folium, requests, urllib.request (with http.client and ssl) and branca's built-in
    colour maps are not loaded; each is there, whole, on first use, as in a process that imported them first."""
    probe = """
        import json, sys
        {first}
        from mapgen.render import _import_folium
        folium = _import_folium()
        loaded = sorted(m for m in ("urllib3", "http.client", "ssl", "requests.api") if m in sys.modules)
        import branca.colormap as cm, requests, requests.adapters, urllib.request
        from urllib.request import Request, urlopen
        viridis = cm.linear.viridis
        print(json.dumps({{"loaded": loaded, "maps": [len(cm.linear._colormaps), len(cm.step._colormaps)],
                          "viridis": [viridis.rgba_hex_str(x) for x in (0, 0.3, 1)],
                          "blues": cm.step.Blues_03.colors, "get": callable(requests.get),
                          "session": requests.Session.__module__, "version": requests.__version__,
                          "data_url": urlopen("data:,offline").read().decode(),
                          "request": Request("https://example.org/").host,
                          "same_cm": folium.LinearColormap is cm.LinearColormap,
                          "tables": "linear" in vars(cm) and "step" in vars(cm)}}))
    """
    deferred = _run(probe.format(first=""), tmp_path)
    plain = _run(probe.format(first="import requests, urllib.request, branca.colormap"), tmp_path)
    assert deferred["loaded"] == [] and plain["loaded"] != []
    del deferred["loaded"], plain["loaded"]
    assert deferred == plain
    assert deferred["tables"] and deferred["maps"][0] > 10 and deferred["data_url"] == "offline"


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package `pkg_mg` in tmp_path whose module `tables` makes a table at import, counting the calls."""
    root = tmp_path / "src" / "pkg_mg"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("calls = []\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setenv("MAPGEN_CACHE", str(tmp_path / "cache"))

    def write(body: str):
        for name in [m for m in sys.modules if m.startswith("pkg_mg")]:
            monkeypatch.delitem(sys.modules, name)
        (root / "tables.py").write_text(body)

    yield write
    for name in [m for m in sys.modules if m.startswith("pkg_mg")]:
        del sys.modules[name]


TABLES = """
from pkg_mg import calls


def make(n):
    calls.append(n)
    return list(range(n))


table = make(3)
other = make(2)
"""


def test_deferring_makes_the_named_assignments_on_first_use(package):
    package(TABLES)
    with imports.deferring("pkg_mg.tables", ("table = make(3)",)):
        from pkg_mg import calls, tables
    assert calls == [2] and "table" not in vars(tables)
    assert tables.table == [0, 1, 2] and calls == [2, 3]
    assert tables.table is tables.table and calls == [2, 3]  # made once, then an ordinary global
    with pytest.raises(AttributeError):
        tables.missing
    import pkg_mg.tables

    assert pkg_mg.tables is tables


@pytest.mark.parametrize("body", [TABLES.replace("table = make(3)", "table = make(3)  # twice\ntable = make(3)"),
                                  TABLES + "\n\ndef __getattr__(name):\n    raise AttributeError(name)\n"])
def test_deferring_leaves_a_module_it_cannot_rewrite_as_it_is(package, body):
    """A line not found exactly once, or a module with its own __getattr__: imported unchanged."""
    package(body)
    with imports.deferring("pkg_mg.tables", ("table = make(3)",)):
        from pkg_mg import calls, tables
    assert "table" in vars(tables) and 3 in calls


def test_deferred_package_runs_its_init_on_first_use_or_submodule(package):
    package(TABLES)
    stub = imports.deferred("pkg_mg")
    assert "calls" not in vars(stub)
    import pkg_mg.tables  # a submodule: the package's __init__ first, as usual

    assert sys.modules["pkg_mg"] is stub and stub.calls == [3, 2]
    assert imports.deferred("pkg_mg") is stub  # already imported: left alone


def test_forget_deferred_only_forgets_a_package_not_yet_run(package):
    package(TABLES)
    imports.deferred("pkg_mg")
    imports.forget_deferred("pkg_mg")
    assert "pkg_mg" not in sys.modules
    import pkg_mg

    imports.forget_deferred("pkg_mg")
    assert sys.modules["pkg_mg"] is pkg_mg


def test_dataclass_methods_kept_compiled_are_the_same(tmp_path):
    """mapgen's dataclasses behave the same with their methods compiled afresh, kept, or compiled as usual
    (and other modules' dataclasses are not kept)."""
    probe = """
        import dataclasses, json, sys
        {first}
        from mapgen import imports
        imports.cache_dataclass_code()
        from mapgen.rail import Snap
        from mapgen.labels import LabelStyle
        a, b = Snap(3, 4, 1.5, 130.0, 42.0), Snap(3, 4, 1.5, 130.0, 42.0)
        try:
            a.km = 2.0
            frozen = False
        except dataclasses.FrozenInstanceError:
            frozen = True
        style = LabelStyle("c", 12, "bold")
        Other = dataclasses.make_dataclass("Other", ["zebra_crossing"])  # not mapgen's: compiled as usual
        print(json.dumps({{"repr": repr(a), "eq": a == b, "hash": hash(a) == hash(b), "frozen": frozen,
                          "style": repr(style), "fields": [f.name for f in dataclasses.fields(style)]}}))
    """
    import marshal

    first = _run(probe.format(first=""), tmp_path)
    store = next((tmp_path / "cache").glob("dataclasses-*.marshal"))
    stamp = store.stat().st_mtime_ns
    kept = marshal.loads(store.read_bytes())
    assert any("edge" in source and "vertex" in source for source in kept)  # Snap's __init__
    assert not any("zebra_crossing" in source for source in kept)
    second = _run(probe.format(first=""), tmp_path)
    assert store.stat().st_mtime_ns == stamp  # all found: nothing written
    plain = _run(probe.format(first="dataclasses.exec = exec"), tmp_path)
    assert first == second == plain and first["frozen"] and first["eq"] and first["hash"]
