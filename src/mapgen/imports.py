"""Third-party packages loaded only as far as a command uses them.

A cold `mapgen build` is mostly imports, and some of them are code mapgen never runs: folium imports
requests at the top of a module (it fetches GeoJSON given as a URL; mapgen's pages are offline) and
pyproj's package __init__ sets up CRS and transformations (mapgen measures with its geodesic alone),
branca makes its 200-odd built-in colour maps when imported (folium uses them for choropleths).
`deferred` puts such a module in `sys.modules` with its code not yet run; the first use of any of its
names runs it, in the same module object, so code that imports it later gets the whole module as usual
and nothing else changes. `deferring` imports a module with a few top-level assignments made
on first use of their names instead (PEP 562), the rest of the module as it is.

And code that would be compiled again in every process is kept compiled in the user's cache folder, as
Python keeps .pyc files (`CompiledCode`): folium's Jinja templates (render.py) and the methods `dataclass`
writes for mapgen's classes (`cache_dataclass_code`, about 25 ms of a cold build's imports).
"""
from __future__ import annotations

import builtins
import importlib.machinery
import importlib.util
import os
import sys
import types
from contextlib import contextmanager
from pathlib import Path


def deferred(name: str, *, forward: tuple[str, ...] = (), submodules_alone: bool = False) -> types.ModuleType | None:
    """Module or package `name` in `sys.modules`, its code run when a name it defines is first asked for
    (PEP 562): in the same module object, so that everything that imports it later gets the whole module.

    `forward` names functions that importers take with `from name import f` before any use: each is bound at
    once to a function that completes the module and calls the real one. With `submodules_alone`, a
    package's submodule (`from pyproj.geod import Geod`) can be imported before its __init__ has run;
    otherwise importing a submodule runs the __init__ first, as usual. Returns the module already imported
    if there is one, and None (nothing done) for one that cannot be deferred (not found, no loader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    package = spec.submodule_search_locations is not None
    if package and not submodules_alone:
        del module.__path__  # the import system asks for it before a submodule: that runs the __init__

    def complete(attribute: str):
        if attribute == "__path__" and not package:  # asked by `from name import f`: a module has none
            raise AttributeError(f"module {name!r} has no attribute '__path__'")
        if module.__dict__.pop("__getattr__", None) is not None:
            if package:
                module.__path__ = spec.submodule_search_locations
            spec.loader.exec_module(module)  # its code, in the module already in sys.modules
        return getattr(module, attribute)

    for attribute in forward:
        setattr(module, attribute, _forwarder(complete, attribute))
    module.__getattr__ = complete
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)  # as the import system does: `import urllib.request`
    return module


def _forwarder(complete, attribute: str):
    def forward(*args, **kwargs):
        return complete(attribute)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = attribute
    return forward


def forget_deferred(name: str) -> None:
    """Take `name` out of `sys.modules` if it is still deferred (its code not run), so that the next import
    of it starts afresh: after a failed import of one of its submodules."""
    module = sys.modules.get(name)
    hook = module.__dict__.get("__getattr__") if module is not None else None
    if getattr(hook, "__qualname__", "").startswith(f"{deferred.__name__}."):
        del sys.modules[name]


# Added to a module `deferring` loads; `_mapgen_deferred` maps each deferred name to the expression its
# assignment had, evaluated in the module on first use.
_DEFERRED_GETATTR = """
def __getattr__(name):
    try:
        expression = _mapgen_deferred[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = globals()[name] = eval(expression)
    return value
"""


@contextmanager
def deferring(name: str, assignments: tuple[str, ...]):
    """While in this block, an import of module `name` (a source file) leaves out its top-level lines
    `assignments` (each exactly `target = expression`, as written in the file) and makes each target on
    first use, by the same expression in the module's namespace. A module where a line is not found exactly
    once, or that has its own `__getattr__`, is imported as it is. The code is compiled once and kept in
    the user's cache folder (keyed by the file's digest), as Python keeps .pyc files."""
    finder = _DeferringFinder(name, assignments)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


class _DeferringFinder:
    def __init__(self, name: str, assignments: tuple[str, ...]):
        self.name, self.assignments = name, assignments

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader:
            spec.loader = _DeferringLoader(fullname, spec.origin, self.assignments)
        return spec


class _DeferringLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, assignments: tuple[str, ...]):
        super().__init__(fullname, path)
        self.assignments = assignments

    def get_code(self, fullname):
        from .data import cached_marshal

        return cached_marshal(Path(self.path), "code", self._compile, salt=repr((self.assignments, _DEFERRED_GETATTR)))

    def _compile(self, path: Path):
        source = importlib.util.decode_source(path.read_bytes())
        lines = [f"\n{line}\n" for line in self.assignments]
        if all(source.count(line) == 1 for line in lines) and "__getattr__" not in source:
            deferred = {}
            for line in lines:
                target, expression = (part.strip() for part in line.split("=", 1))
                deferred[target] = expression
                source = source.replace(line, "\n\n")  # the same line numbers in tracebacks
            source += f"\n_mapgen_deferred = {deferred!r}\n{_DEFERRED_GETATTR}"
        return compile(source, self.path, "exec", dont_inherit=True)


class CompiledCode:
    """Compiled code kept between processes in the user's cache folder: one marshal file per use and Python
    version, read once, written back (whole, renamed into place) at exit when something was added. The same
    code as compiling again, only sooner; best effort: no cache, no harm (tests/test_caches.py)."""

    def __init__(self, name: str):
        import atexit
        import marshal

        from .data import cache_dir

        self.store = cache_dir() / f"{name}-{sys.implementation.cache_tag}.marshal"
        try:
            code = marshal.loads(self.store.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            code = {}
        self.code = code if isinstance(code, dict) else {}
        self.added = False
        atexit.register(self.save)

    def get(self, key: str, make):
        """The code kept under `key`, else `make()`'s, kept."""
        try:
            return self.code[key]
        except KeyError:
            code = self.code[key] = make()
            self.added = True
            return code

    def save(self) -> None:
        if not self.added:
            return
        import marshal

        tmp = self.store.with_name(f"{self.store.name}.{os.getpid()}.tmp")
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps(self.code))
            os.replace(tmp, self.store)
        except (OSError, ValueError):
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass


def cache_dataclass_code() -> None:
    """Keep the methods `dataclasses` writes for mapgen's own classes (`__init__`, `__eq__`, `__repr__`, ...,
    as source it compiles, about 1 ms a class) compiled between processes. Other modules' dataclasses are
    compiled as usual. Call before importing mapgen's modules; once is enough."""
    import dataclasses

    if "exec" in vars(dataclasses):  # already done (or dataclasses has its own exec: leave it alone)
        return
    store = CompiledCode("dataclasses")

    def exec_(source, globals=None, locals=None, /):
        if isinstance(source, str) and isinstance(globals, dict) and str(globals.get("__name__")).startswith("mapgen."):
            # as exec would compile it: no __future__ flags of this module (dont_inherit)
            source = store.get(source, lambda: compile(source, "<string>", "exec", dont_inherit=True))
        return builtins.exec(source, globals, locals)

    dataclasses.exec = exec_
