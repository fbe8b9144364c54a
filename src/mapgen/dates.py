"""When each stop happened: an explicit `date` in story.toml, else a weekday the article gives
("dimanche", "Tuesday") resolved against the calendar dates the article names.

News copy dates events relative to its own publication: "Kim left on Sunday" in a piece whose latest
explicit date is Tuesday 12 September 2023 means Sunday 10 September. So a weekday resolves to that day
in the week ending on the anchor, the latest explicit date in the article (or the story's `date`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .story import Story, Stop

WEEKDAYS = {
    **{w: i for i, w in enumerate(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])},
    **{w: i for i, w in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])},
}
MONTHS = {
    **{m: i + 1 for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                        "septembre", "octobre", "novembre", "décembre"])},
    **{m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"])},
    "fevrier": 2, "aout": 8, "decembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class StopDate:
    date: str | None  # YYYY-MM-DD (or the story's YYYY-MM), None if unknown
    how: str  # how it was derived, shown to readers


def explicit_dates(text: str) -> list[dt.date]:
    """Calendar dates written out in the text, in order of appearance."""
    found = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), _date(m.group(3), MONTHS[m.group(2).lower()], m.group(1))))
    for m in _MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), _date(m.group(3), MONTHS[m.group(1).lower()], m.group(2))))
    for m in _ISO.finditer(text):
        found.append((m.start(), _date(m.group(1), m.group(2), m.group(3))))
    return [d for _, d in sorted(found) if d is not None]


def _date(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def anchor(story: Story) -> tuple[dt.date | None, str]:
    dates = explicit_dates(story.article.text)
    if dates:
        d = max(dates)
        return d, f"{d.isoformat()}, the latest date the article names"
    if story.date and len(story.date) == 10:
        return dt.date.fromisoformat(story.date), f"{story.date}, the story's date"
    return None, ""


def stop_dates(story: Story) -> dict[int, StopDate]:
    """Date of every stop, keyed by stop order."""
    ref, ref_how = anchor(story)
    out = {}
    latest = None  # stops are in travel order: a derived date before an earlier stop's is not an arrival
    for stop in story.stops:
        when = _stop_date(story, stop, ref, ref_how)
        if when.date and not stop.date and latest and when.date < latest:
            word = when.how.split("”")[0].lstrip("“")
            when = StopDate(None, f"“{word}” near the quote gives {when.date}, before the previous stop's "
                                  f"{latest}, so it does not date this stop")
        if when.date:
            latest = max(latest or when.date, when.date)
        out[stop.order] = when
    return out


def _stop_date(story: Story, stop: Stop, ref: dt.date | None, ref_how: str) -> StopDate:
    if stop.date:
        return StopDate(stop.date, "given in story.toml")
    if ref is None:
        return StopDate(None, "the article gives no date to anchor on")
    text = story.article.text
    m = stop.match
    # A weekday inside the quote wins; else the one nearest the quote in its sentence.
    words = [(abs(w.start() - m.start) if not (m.start <= w.start() < m.end) else -1, w.group(1))
             for w in _WEEKDAY.finditer(text, m.sentence_start, m.sentence_end)]
    if not words:
        return StopDate(None, "no weekday or date in the quoted sentence")
    _, word = min(words)
    back = (ref.weekday() - WEEKDAYS[word.lower()]) % 7
    day = ref - dt.timedelta(days=back)
    where = "quote" if any(d < 0 for d, _ in words) and min(words)[0] < 0 else "quoted sentence"
    return StopDate(day.isoformat(), f"“{word}” in the {where}: the {day:%A} on or before {ref_how}")
