"""Shared fixtures: the seed story, a build of it in a temporary folder, and story-folder factories."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "geo" / "stories" / "kim-2023-russia"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seed story built once into a temporary folder."""
    from mapgen.build import build_story

    out = tmp_path_factory.mktemp("maps")
    build_story(SEED, out)
    return out


@pytest.fixture(scope="session")
def seed_geojson(seed_build) -> dict:
    return json.loads((seed_build / "kim-2023-russia.geojson").read_text(encoding="utf-8"))


@pytest.fixture
def story_copy(tmp_path) -> Path:
    """A writable copy of the seed story folder, to break in tests."""
    dst = tmp_path / "stories" / "kim-2023-russia"
    shutil.copytree(SEED, dst)
    return dst


@pytest.fixture
def make_story(tmp_path):
    """Write a story folder from TOML text and article text; returns its path."""

    def make(toml: str, article: str = "Kim left Pyongyang. He reached Khasan.", slug: str = "test-story"):
        d = tmp_path / "stories" / slug
        d.mkdir(parents=True, exist_ok=True)
        (d / "story.toml").write_text(toml, encoding="utf-8")
        (d / "article.txt").write_text(article, encoding="utf-8")
        return d

    return make
