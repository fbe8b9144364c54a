"""bench/journeys.py runs wherever the journeys corpus is (../shared/eval-data/journeys/, or $MAPGEN_JOURNEYS)
and prints its table, whatever the numbers: the corpus is not in the repository, so CI without it skips.

Which parts it scores is $MAPGEN_JOURNEYS_SPLIT (dev, test or all; default all): a developer tuning on the
dev part sets it to dev, so that running the suite does not score the held-out part each time."""
import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def bench():
    spec = importlib.util.spec_from_file_location("bench_journeys", ROOT / "bench" / "journeys.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_journeys_benchmark_runs_and_prints_its_table(capsys):
    import tomllib

    b = bench()
    data = b.find_data(None)
    if data is None:
        pytest.skip("journeys corpus not found (../shared/eval-data/journeys/ or $MAPGEN_JOURNEYS)")
    split = os.environ.get("MAPGEN_JOURNEYS_SPLIT", "all")
    parts = tomllib.loads(b.SPLIT.read_text(encoding="utf-8"))
    for part in (["dev", "test"] if split == "all" else [split]):
        r = b.evaluate(data, parts[part])
        t = r["total"]
        assert t["texts"] == len(r["texts"]) == 16
        assert 0 <= t["stop_recall"] <= 1 and 0 <= t["stop_precision"] <= 1
        json.dumps({k: b._public(v) for k, v in r["texts"].items()})  # the --json output
        with capsys.disabled():
            b.print_table(f"journeys, {part} part", r, details=False)


def test_journeys_benchmark_skips_cleanly_without_the_corpus(tmp_path, capsys):
    assert bench().main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipping" in capsys.readouterr().out
