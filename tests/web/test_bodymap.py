"""The body map macro: 17 focusable regions named by slug, paired shapes, statuses, the table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_SLUGS
from gravl.web.recovery import MuscleRecovery, fully_recovered
from gravl.web.templating import local_time, templates, weight
from tests.web.helpers import sign_up

PAIRED = MUSCLE_SLUGS - {"abdominals", "neck"}
READY_AT = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


class _Regions(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.focusable: dict[str, dict[str, str | None]] = {}
        self.sides: dict[str, list[str]] = {}
        self.table_rows: list[str] = []
        self._muscle: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "g" and a.get("data-muscle"):
            self._muscle = str(a["data-muscle"])
            if a.get("tabindex") == "0":
                self.focusable[self._muscle] = a
        if tag == "path" and self._muscle and a.get("data-side"):
            self.sides.setdefault(self._muscle, []).append(str(a["data-side"]))
        if tag == "tr" and a.get("data-muscle"):
            self.table_rows.append(str(a["data-muscle"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "g":
            self._muscle = None


def _render(muscles: list[MuscleRecovery], timezone: str = "UTC") -> str:
    template = templates.env.from_string(
        '{% from "macros/bodymap.html" import body_map %}{{ body_map(muscles, timezone) }}'
    )
    return template.render(muscles=muscles, timezone=timezone)


def _mixed() -> list[MuscleRecovery]:
    rows = fully_recovered()
    rows[5] = MuscleRecovery("chest", "Chest", 12.04, "fatigued", READY_AT)
    rows[13] = MuscleRecovery("quadriceps", "Quadriceps", 55.55, "recovering", READY_AT)
    return rows


def test_every_muscle_is_one_focusable_labelled_region_with_its_slug_as_id() -> None:
    parser = _Regions()
    parser.feed(_render(fully_recovered()))
    assert set(parser.focusable) == MUSCLE_SLUGS
    for slug, attrs in parser.focusable.items():
        assert attrs["id"] == slug
        assert attrs["role"] == "img"
        assert attrs["aria-label"] and attrs["aria-label"].startswith(
            {m.slug: m.name for m in MUSCLE_GROUPS}[slug] + ": 100% recovered, ready"
        )


def test_paired_muscles_have_a_left_and_a_right_shape() -> None:
    parser = _Regions()
    parser.feed(_render(fully_recovered()))
    for slug in PAIRED:
        assert {"left", "right"} <= set(parser.sides[slug]), slug
    assert set(parser.sides["abdominals"]) == {"centre"}


def test_regions_are_coloured_by_status_and_say_when_they_are_ready() -> None:
    html = _render(_mixed(), timezone="Europe/Paris")
    assert re.search(r'<g class="muscle status-fatigued" data-muscle="chest" id="chest"', html)
    assert 'class="muscle status-recovering" data-muscle="quadriceps" id="quadriceps"' in html
    # 13:00 UTC is 14:00 in Paris in November.
    assert 'aria-label="Chest: 12% recovered, fatigued, ready Fri 27 Nov, 14:00"' in html
    assert 'data-score="56"' in html  # 55.55 shows as 56%


def test_scores_show_as_the_api_shows_them_and_agree_with_the_status() -> None:
    """The status is judged on the score as displayed (to 0.1): 89.96 shows as 90.0 and is
    ready, so nothing on the page says 90% and recovering."""
    rows = fully_recovered()
    rows[5] = MuscleRecovery("chest", "Chest", 90.0, "ready", None)  # from 89.96
    html = _render(rows)
    assert 'aria-label="Chest: 90% recovered, ready' in html
    assert ">90.0%</td>" in html


def test_the_table_holds_the_same_data_in_the_same_order() -> None:
    rows = _mixed()
    html = _render(rows, timezone="Europe/Paris")
    parser = _Regions()
    parser.feed(html)
    assert parser.table_rows == [m.muscle_group for m in rows]
    assert "<caption>Recovery by muscle group</caption>" in html
    assert '<time datetime="2026-11-27T13:00:00+00:00">Fri 27 Nov, 14:00</time>' in html
    assert html.count(">now</td>") == 15


def test_today_shows_the_body_map_fully_recovered_without_history(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    parser = _Regions()
    parser.feed(client.get("/today").text)
    assert set(parser.focusable) == MUSCLE_SLUGS
    assert len(parser.table_rows) == 17


def test_weights_show_in_the_lifters_units() -> None:
    assert weight(100, "kg") == "100 kg"
    assert weight(100, "lb") == "220.5 lb"
    assert weight(45.359237, "lb") == "100 lb"
    assert weight(None) == "–"


def test_local_time_uses_the_lifters_timezone() -> None:
    assert local_time(READY_AT, "America/New_York") == "Fri 27 Nov, 08:00"
    assert local_time("2026-11-27T13:00:00+00:00", "UTC") == "Fri 27 Nov, 13:00"
