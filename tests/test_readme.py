"""What the README says mapgen does is what it does: its route figures and its error format."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapgen.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def route_table() -> list[tuple[str, str, str, str]]:
    """Rows of the README's table of routes "measured on the embedded network": (from, to, km, countries)."""
    section = README.split("Measured on the embedded network:", 1)[1].split("\n\n", 2)[1]
    rows = [line.split("|")[1:4] for line in section.splitlines() if "→" in line]
    return [(*(c.strip() for c in r[0].split("→")), r[1].strip(), r[2].strip()) for r in rows]


def route_examples() -> list[tuple[list[str], str]]:
    """`mapgen route ...  # 1,496 + 1,043 km via CN, MN, RU` lines: (arguments, what the comment says)."""
    return [(m.group(1).split(), m.group(2)) for m in re.finditer(r"mapgen route (.+?)\s+# (.+)", README)]


def test_the_readme_has_route_figures():
    assert len(route_table()) >= 5 and len(route_examples()) >= 2


@pytest.mark.parametrize("start, end, km, countries", route_table())
def test_route_table(start, end, km, countries):
    r = CliRunner().invoke(cli, ["route", start, end])
    assert r.exit_code == 0, r.output
    assert f": {km} km via {countries}" in r.output, r.output


@pytest.mark.parametrize("args, comment", route_examples())
def test_route_examples(args, comment):
    r = CliRunner().invoke(cli, ["route", *args])
    assert r.exit_code == 0, r.output
    legs = re.findall(r"\): ([\d,]+) km via ([A-Z, ]*[A-Z])", r.output)  # leg lines, not the total
    said = re.match(r"([\d,]+(?: \+ [\d,]+)*) km via ([A-Z, ]+[A-Z])", comment)
    assert said, comment
    assert said.group(1).split(" + ") == [km for km, _ in legs]
    assert said.group(2) == ", ".join(sorted({c for _, cs in legs for c in cs.split(", ")}))


def test_the_error_format_is_the_one_the_readme_gives(make_story, tmp_path):
    assert "`Error: <file>, field <name>: <what is wrong>`" in README
    d = make_story('title = "T"\nlanguage = "fr"\n[source]\nname = "N"\ncitation = "C"\n'
                   '[[stops]]\nplace = "Pyongyang"\n')
    r = CliRunner().invoke(cli, ["build", str(d), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1
    assert r.output.splitlines()[-1] == f"Error: {d / 'story.toml'}, field stops[0].quote: missing required field"
