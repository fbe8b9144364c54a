"""The language layer: how an article is read, with one folder of data per language.

`lang/<code>/` holds what mapgen knows of a language, as data: `language.toml` (the spaCy model, its
dependency labels by meaning, the words that tell the language apart) and `cues.toml` (travel verbs,
departures and arrivals, modes, actors, hedges, negation, counterfactual and other-trip markers,
prepositions; lemmas, word forms and spaCy Matcher token patterns). The code here and in `reader.py` holds
no word of any language: adding German means adding `lang/de/` with those two files (and its model).

spaCy and the models are imported only when an article is read (`mapgen new`, `mapgen extract`), never by
`mapgen build`. Each model is checked against the sha256 of its files pinned in `language.toml` before it
is loaded, and loaded with only the components mapgen reads.
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
import functools
from pathlib import Path

from ..errors import MapgenError

LANG_DIR = Path(__file__).resolve().parent
DEFAULT = "en"
# spaCy refuses texts over 1,000,000 characters; articles are parsed in blocks of whole sentences up to this
BLOCK_CHARS = 50_000


class LanguageError(MapgenError):
    """A language's data or model is missing or not the one mapgen was checked with."""


@dataclass(frozen=True)
class Cue:
    """One kind of cue in one language: lemmas, word forms and multi-token Matcher patterns."""

    lemmas: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    patterns: tuple[tuple[dict, ...], ...] = ()


@dataclass(frozen=True)
class LanguageData:
    code: str
    name: str
    detect: frozenset[str]
    model: dict
    entities: dict[str, tuple[str, ...]]
    syntax: dict[str, frozenset[str]]
    cues: dict[str, Cue]
    suffixes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # e.g. conditional verb endings

    def labels(self, what: str) -> frozenset[str]:
        return self.syntax.get(what, frozenset())


def codes() -> list[str]:
    """The languages mapgen can read (a folder with a language.toml)."""
    return sorted(p.name for p in LANG_DIR.iterdir() if (p / "language.toml").is_file())


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LanguageError(f"cannot read language data: {exc}", where=str(path)) from None


def _cue(table: dict, where: str, kind: str) -> Cue:
    unknown = set(table) - {"lemmas", "words", "patterns", "note"}
    if unknown:
        raise LanguageError(f"unknown key {sorted(unknown)[0]!r} (allowed: lemmas, words, patterns, note)",
                            where=where, field=kind)
    patterns = []
    for p in table.get("patterns", []):
        if not isinstance(p, list) or not p or not all(isinstance(t, dict) for t in p):
            raise LanguageError("a pattern is a list of token tables, e.g. [{LOWER = \"instead\"}, {LOWER = \"of\"}]",
                                where=where, field=f"{kind}.patterns")
        patterns.append(tuple(p))
    fold = str.casefold
    return Cue(frozenset(map(fold, table.get("lemmas", []))), frozenset(map(fold, table.get("words", []))),
               tuple(patterns))


@lru_cache(maxsize=None)
def load(code: str) -> LanguageData:
    """The data of one language (`lang/<code>/`)."""
    folder = LANG_DIR / code
    if not (folder / "language.toml").is_file():
        raise LanguageError(f"no language data for {code!r} (known: {', '.join(codes())})")
    lang = _read_toml(folder / "language.toml")
    cues_doc = _read_toml(folder / "cues.toml") if (folder / "cues.toml").is_file() else {}
    where = str(folder / "cues.toml")
    cues = {kind: _cue(table, where, kind) for kind, table in cues_doc.items() if kind != "suffixes"}
    suffixes = {k: tuple(v) for k, v in cues_doc.get("suffixes", {}).items()}
    return LanguageData(
        code=lang["code"], name=lang["name"], detect=frozenset(lang.get("detect", [])), model=lang["model"],
        entities={k: tuple(v) for k, v in lang.get("entities", {}).items()},
        syntax={k: frozenset(v) for k, v in lang.get("syntax", {}).items()},
        cues=cues, suffixes=suffixes,
    )


def detect(text: str) -> str:
    """The language of a text: the one whose function words (`detect` in language.toml) it uses most."""
    import re

    words = re.findall(r"[^\W\d_]+", text[:200_000].casefold())
    best, best_n = DEFAULT, 0
    for code in codes():
        marks = load(code).detect
        n = sum(w in marks for w in words)
        if n > best_n:
            best, best_n = code, n
    return best


@lru_cache(maxsize=1)
def route_marks() -> tuple[str, ...]:
    """Arrows written between two places of a leg ("Tomsk -> Iurga"), in any language's data."""
    return tuple(sorted({w for code in codes() for w in load(code).cues.get("route_mark", Cue()).words}))


def _model_dir(data: LanguageData) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(data.model["package"])
    if spec is None or not spec.origin:
        raise LanguageError(
            f"the {data.name} model {data.model['package']} {data.model['version']} is not installed; "
            f"reinstall mapgen (it is a dependency) or `pip install {data.model['package'].replace('_', '-')}"
            f"=={data.model['version']}`")
    return Path(spec.origin).parent / data.model["folder"]


def model_digest(folder: Path) -> str:
    """sha256 over a model folder's files: relative path, NUL, bytes, in sorted order."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if "__pycache__" in rel:
                continue
            h.update(rel.encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=None)
def pipeline(code: str):
    """The spaCy pipeline of a language, checked against its pinned hash and loaded once per process."""
    data = load(code)
    folder = _model_dir(data)
    if not folder.is_dir():
        raise LanguageError(f"the {data.name} model folder {folder} is missing")
    digest = model_digest(folder)
    if digest != data.model["sha256"]:
        raise LanguageError(
            f"the installed {data.name} model {data.model['package']} is not the one mapgen was checked with "
            f"(sha256 {digest[:12]}..., expected {data.model['sha256'][:12]}...); reinstall "
            f"{data.model['package'].replace('_', '-')}=={data.model['version']}",
            where=str(folder))
    import spacy

    exclude = list(data.model.get("exclude", []))
    token_match = data.model.get("token_match")
    if token_match is None:
        return spacy.load(folder, exclude=exclude)
    # Load everything but the tokenizer as trained, then the tokenizer's own settings with a smaller
    # token_match (see language.toml): the language class is registered under a private name so spaCy does
    # not import (and compile) its built-in tokenizer exceptions.
    import srsly
    from spacy.language import BaseDefaults, Language
    from spacy.util import registry

    private = f"mapgen_{code}"
    if private not in registry.languages:
        cls = type(f"Mapgen{code.title()}", (Language,), {"lang": private, "Defaults": type(
            f"Mapgen{code.title()}Defaults", (BaseDefaults,), {})})
        registry.languages.register(private, func=cls)
    nlp = spacy.load(folder, exclude=exclude + ["tokenizer"], config={"nlp": {"lang": private}})
    settings = srsly.msgpack_loads((folder / "tokenizer").read_bytes())
    settings["token_match"] = token_match
    nlp.tokenizer.from_bytes(srsly.msgpack_dumps(settings))
    return nlp


@functools.cache
def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop-word list of a language (function words: "là", "bas", "down", "there"); the French
    pipeline's private language class above does not carry it, so it is read from spaCy's own module: run
    alone, since importing it through its package compiles the French tokenizer exceptions (seconds)."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / code / "stop_words.py" if spec and spec.origin else None
    if path is None or not path.is_file():
        return frozenset()
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(f"_mapgen_stop_words_{code}", path))
    module.__spec__.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def function_words(code: str, text: str) -> bool:
    """A word, or words joined by hyphens, all in the language's stop-word list ("Là-bas", "Still")."""
    words = [w for w in text.casefold().split("-") if w]
    return bool(words) and all(w in stop_words(code) for w in words)


__all__ = ["LanguageData", "Cue", "LanguageError", "codes", "load", "detect", "pipeline", "model_digest", "stop_words", "function_words"]
