"""bench/journeys.py runs wherever the journeys corpora are (../shared/eval-data/journeys/ or $MAPGEN_JOURNEYS;
../journeys2/ or $MAPGEN_JOURNEYS2) and prints its table, whatever the numbers: the corpora are not in the
repository, so CI without them skips.

Which parts it scores is $MAPGEN_JOURNEYS_SPLIT (dev, the default: the tuned parts dev and dev2; all: every part,
held-out ones included, which only a deliberate scoring run should ask for): running the suite does not score
the held-out parts each time.

The scoring itself is checked on a corpus written here (sentences of our own)."""
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


@pytest.mark.parametrize("second", [False, True], ids=["journeys", "journeys2"])
def test_journeys_benchmark_runs_and_prints_its_table(capsys, second):
    b = bench()
    data = b.find_data(None, second=second)
    if data is None:
        pytest.skip("journeys corpus not found (../shared/eval-data/journeys/, ../journeys2/ or $MAPGEN_JOURNEYS[2])")
    if second and not (data / "split.toml").exists():
        pytest.skip("the second corpus has no split.toml yet")
    which = os.environ.get("MAPGEN_JOURNEYS_SPLIT", "dev")
    split = b.read_split(data)
    for part, slugs in split.items():
        if which != "all" and b.held_out(part):
            continue
        r = b.evaluate(data, slugs)
        t = r["total"]
        assert t["texts"] == len(r["texts"]) == len(slugs)
        assert 0 <= t["stop_recall"] <= 1 and 0 <= t["stop_precision"] <= 1
        assert t["fully_right_strict"] <= t["fully_right"] <= t["texts"]
        json.dumps({k: b._public(v) for k, v in r["texts"].items()})  # the --json output
        with capsys.disabled():
            b.print_table(f"journeys, {part} part", r, details=False)


def test_journeys_benchmark_skips_cleanly_without_the_corpus(tmp_path, capsys):
    assert bench().main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipping" in capsys.readouterr().out


TBILISI = {"name": "Tbilisi", "lat": 41.6941, "lon": 44.8337, "km": 30}
BATUMI = {"name": "Batumi", "lat": 41.6423, "lon": 41.6339, "km": 15}
TEXT = "We left Tbilisi on the night train, stopped at Gori, and arrived in Batumi at dawn. Kutaisi was asleep.\n"


def _stop(place, lat, lon):
    return {"place": place, "mode": "rail", "review": False, "review_notes": [], "lat": lat, "lon": lon,
            "gazetteer_name": place, "country": "GE"}


def _result(*stops):
    return {"stops": list(stops), "commented": [], "legs": [{"countries": ["GE"], "mode": "rail"}],
            "build_ok": True, "new_seconds": 0.1}


def test_fully_right_is_the_issue_definition_and_strict_also_wants_nothing_else():
    from mapgen.gazetteer import Gazetteer

    b = bench()
    g = Gazetteer.open()
    exp = {"stops": [TBILISI, BATUMI], "countries": ["GE"], "not_stops": ["Kutaisi"], "language": "en"}
    tb, ba = _stop("Tbilisi", 41.6941, 44.8337), _stop("Batumi", 41.6423, 41.6339)
    gori, kutaisi = _stop("Gori", 41.9842, 44.1158), _stop("Kutaisi", 42.2679, 42.6946)
    both = b.score_text(exp, _result(tb, ba), TEXT, g)
    assert both["fully_right"] and both["fully_right_strict"]
    # another place of the text, proposed: still fully right by the issue's definition, not strictly
    extra = b.score_text(exp, _result(tb, gori, ba), TEXT, g)
    assert extra["fully_right"] and not extra["fully_right_strict"]
    assert extra["causes"]["wrong: extra"] == 1
    twice = b.score_text(exp, _result(tb, ba, ba), TEXT, g)
    assert twice["fully_right"] and not twice["fully_right_strict"]
    # a not_stop, a stop out of order, a stop missing, a failed build or a country not allowed: not right
    assert not b.score_text(exp, _result(tb, kutaisi, ba), TEXT, g)["fully_right"]
    swapped = b.score_text(exp, _result(ba, tb), TEXT, g)
    assert swapped["order_errors"] == 1 and not swapped["fully_right"]
    assert not b.score_text(exp, _result(tb), TEXT, g)["fully_right"]
    assert not b.score_text(exp, {**_result(tb, ba), "build_ok": False}, TEXT, g)["fully_right"]
    outside = {**_result(tb, ba), "legs": [{"countries": ["GE", "AM"], "mode": "rail"}]}
    assert not b.score_text(exp, outside, TEXT, g)["fully_right"]


def test_a_place_the_answer_lists_twice_is_matched_twice_in_order():
    # Tbilisi -> Batumi -> Tbilisi: the answer lists Tbilisi twice; each proposal takes the next visit after
    # the last stop matched, so the order is right and the return counts
    from mapgen.gazetteer import Gazetteer

    b = bench()
    g = Gazetteer.open()
    text = TEXT + "Two days later we took the night train back to Tbilisi.\n"
    exp = {"stops": [TBILISI, BATUMI, TBILISI], "countries": ["GE"], "language": "en"}
    tb, ba = _stop("Tbilisi", 41.6941, 44.8337), _stop("Batumi", 41.6423, 41.6339)
    there_and_back = b.score_text(exp, _result(tb, ba, tb), text, g)
    assert there_and_back["fully_right_strict"] and there_and_back["order_errors"] == 0
    assert there_and_back["found"] == 3 and there_and_back["correct"] == 3
    # the return missing: one required stop missed, nothing out of order
    one_way = b.score_text(exp, _result(tb, ba), text, g)
    assert not one_way["fully_right"] and one_way["found"] == 2 and one_way["order_errors"] == 0
    # only the way back proposed (Batumi, then Tbilisi): matched as the return, no order error
    back = b.score_text(exp, _result(ba, tb), text, g)
    assert back["found"] == 2 and back["order_errors"] == 0
    # listed once but proposed twice: a stop proposed twice
    twice = b.score_text({**exp, "stops": [TBILISI, BATUMI]}, _result(tb, ba, tb), text, g)
    assert twice["causes"]["wrong: duplicate"] == 1 and twice["fully_right"] and not twice["fully_right_strict"]


def test_a_second_corpus_is_scored_by_its_own_split_and_its_held_out_part_stays_apart(tmp_path, capsys):
    b = bench()
    (tmp_path / "tbilisi-batumi.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "other.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "split.toml").write_text('rule = "made up"\ndev2 = ["tbilisi-batumi"]\ntest2 = ["other"]\n',
                                         encoding="utf-8")
    # the second corpus gives optional stops and not_stops as tables with their point
    entry = ('language = "en"\ncountries = ["GE"]\n'
             'not_stops = [{ name = "Kutaisi", lat = 42.2679, lon = 42.6946, reason = "asleep" }]\n'
             'stops = [{ name = "Tbilisi", lat = 41.6941, lon = 44.8337, km = 30 },'
             ' { name = "Batumi", lat = 41.6423, lon = 41.6339, km = 15 }]\n')
    (tmp_path / "expected.toml").write_text(f"[tbilisi-batumi]\n{entry}\n[other]\n{entry}", encoding="utf-8")
    assert b.read_split(tmp_path) == {"dev2": ["tbilisi-batumi"], "test2": ["other"]}
    assert b.held_out("test2") and not b.held_out("dev2")
    assert b.main(["--data", str(tmp_path), "--split", "dev2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["dev2"] and out["dev2"]["total"]["texts"] == 1
    assert out["dev2"]["texts"]["tbilisi-batumi"]["found"] == 2
    # a held-out part prints no stop by stop, even when asked
    assert b.main(["--data", str(tmp_path), "--split", "test2", "--details"]) == 0
    printed = capsys.readouterr().out
    assert "TEST2 part (held out" in printed and "'Tbilisi'" not in printed
    with pytest.raises(SystemExit):
        b.main(["--data", str(tmp_path), "--split", "test3"])
