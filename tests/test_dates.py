"""Stop dates (mapgen.dates): the calendar dates an article writes, and the anchor weekdays are read against."""
import datetime as dt

import pytest

from mapgen.dates import anchor, explicit_dates, stop_dates
from mapgen.story import load_story

EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"]
FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
      "novembre", "décembre"]


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_every_written_form(month):
    en, fr = EN[month - 1], FR[month - 1]
    text = (f"On 3 {en} 2024 they left; {en} 4, 2024 they arrived; on 5 {fr} 2024 they rested; "
            f"le 1er {fr} 2025 ils sont rentrés; the log says 2026-{month:02d}-06.")
    assert explicit_dates(text) == [dt.date(2024, month, 3), dt.date(2024, month, 4), dt.date(2024, month, 5),
                                    dt.date(2025, month, 1), dt.date(2026, month, 6)]


def test_months_written_without_accents():
    assert explicit_dates("le 2 fevrier 2024, le 3 aout 2024, le 4 decembre 2024") == [
        dt.date(2024, 2, 2), dt.date(2024, 8, 3), dt.date(2024, 12, 4)]


def test_impossible_dates_are_not_dates():
    assert explicit_dates("le 31 février 2024, February 30, 2024, 2024-13-01, puis le 3 mars 2024") == [
        dt.date(2024, 3, 3)]


def _story(make_story, article: str, date: str | None = None):
    head = f'date = "{date}"\n' if date else ""
    toml = ('title = "T"\nlanguage = "en"\n' + head + '[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang on Sunday"\n'
            '[[stops]]\nplace = "Khasan"\nquote = "reached Khasan on Tuesday"\n')
    return load_story(make_story(toml, article))


def test_without_dates_in_the_article_the_story_date_anchors_the_weekdays(make_story):
    story = _story(make_story, "Kim left Pyongyang on Sunday. He reached Khasan on Tuesday.", date="2023-09-13")
    assert anchor(story) == (dt.date(2023, 9, 13), "2023-09-13, the story's date")
    assert [d.date for d in stop_dates(story).values()] == ["2023-09-10", "2023-09-12"]


def test_a_story_date_of_a_month_anchors_nothing(make_story):
    story = _story(make_story, "Kim left Pyongyang on Sunday. He reached Khasan on Tuesday.", date="2023-09")
    assert anchor(story) == (None, "")
    assert {d.date for d in stop_dates(story).values()} == {None}


def test_the_seed_stop_dates_say_how_they_were_found(seed_dir):
    dates = stop_dates(load_story(seed_dir))
    assert dates[1].date == "2023-09-10"
    assert dates[1].how.startswith("“dimanche” in the quote: the Sunday on or before 2023-09-12")
    assert dates[3].date is None  # "lundi" is Putin's arrival, before Kim reached Khasan
    assert dates[3].how.startswith("“lundi” near the quote gives 2023-09-11, before the previous stop's 2023-09-12")


def test_the_weekday_nearest_the_quote_dates_the_stop(make_story):
    toml = ('title = "T"\nlanguage = "en"\ndate = "2023-09-16"\n[source]\nname = "N"\ncitation = "C"\n'
            '[[stops]]\nplace = "Pyongyang"\nquote = "left Pyongyang"\n'
            '[[stops]]\nplace = "Khasan"\nquote = "reached Khasan"\n')
    article = "Kim left Pyongyang. On Friday the talks were set, and on Monday the train reached Khasan."
    when = stop_dates(load_story(make_story(toml, article)))[2]
    assert when.date == "2023-09-11"  # Monday, nearer the quote than Friday
    assert when.how.startswith("“Monday” in the quoted sentence: the Monday on or before 2023-09-16")
