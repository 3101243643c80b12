"""The body map macro: 19 focusable regions named by slug (16 muscle groups and the shoulders'
three heads), paired shapes, statuses, the table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from gravl.recovery.model import MuscleReport, Status
from gravl.recovery.service import Snapshot
from gravl.vocabulary import HEAD_SLUGS, MUSCLE_GROUPS, MUSCLE_SLUGS, SHOULDERS, TRACKED_NAMES
from gravl.web.recovery import MuscleRecovery, from_snapshot, fully_recovered
from gravl.web.templating import local_time, templates, weight
from tests.web.helpers import sign_up

# The shoulders are drawn as the deltoid's heads, each a region of its own (a push day's presses
# and lateral raises tire the front and side heads, not the rear ones): 16 groups and 3 heads are
# focusable. The shoulders stay findable: a group named for them (id "shoulders", its most tired
# head's score) holds the heads on each view, and its row in the table heads the heads' rows.
REGIONS = (MUSCLE_SLUGS - {SHOULDERS}) | set(HEAD_SLUGS)
PAIRED = REGIONS - {"abdominals", "neck"}
READY_AT = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
SHOULDERS_AT = 14  # index of shoulders in fully_recovered()


class _Regions(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.focusable: dict[str, dict[str, str | None]] = {}
        self.sides: dict[str, list[str]] = {}
        # Every drawn shape's status class by muscle, in both views (echoes included).
        self.statuses: dict[str, set[str]] = {}
        # The named groups around regions (shoulders on each view) and the regions they hold.
        self.groups: list[tuple[dict[str, str | None], list[str]]] = []
        self.table_rows: list[str] = []
        self.sub_rows: dict[str, str] = {}  # a head's table row: its group
        self._open: list[str | None] = []  # the <g> elements we are inside: their data-muscle

    @property
    def _muscle(self) -> str | None:
        return self._open[-1] if self._open else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "g":
            muscle = a.get("data-muscle")
            self._open.append(muscle)
            if a.get("data-group"):
                self.groups.append((a, []))
            if muscle:
                status = next(c for c in str(a["class"]).split() if c.startswith("status-"))
                self.statuses.setdefault(muscle, set()).add(status.removeprefix("status-"))
            if muscle and a.get("tabindex") == "0":
                self.focusable[muscle] = a
                if len(self._open) > 1 and self.groups:
                    self.groups[-1][1].append(muscle)
        if tag == "path" and self._muscle and a.get("data-side"):
            self.sides.setdefault(self._muscle, []).append(str(a["data-side"]))
        if tag == "tr" and a.get("data-muscle"):
            self.table_rows.append(str(a["data-muscle"]))
            if a.get("data-group"):
                self.sub_rows[str(a["data-muscle"])] = str(a["data-group"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "g":
            self._open.pop()


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


def _sore_side_delts() -> list[MuscleRecovery]:
    """A day after lateral raises: the side delts fatigued, the front and rear ones ready."""
    rows = fully_recovered()
    assert rows[SHOULDERS_AT].muscle_group == SHOULDERS
    side = MuscleRecovery("side_delts", "Side delts", 24.4, "fatigued", READY_AT)
    front = MuscleRecovery("front_delts", "Front delts", 95.0, "ready", None)
    rear = MuscleRecovery("rear_delts", "Rear delts", 100.0, "ready", None)
    rows[SHOULDERS_AT] = MuscleRecovery(
        SHOULDERS, "Shoulders", 24.4, "fatigued", READY_AT, (front, side, rear)
    )
    return rows


def test_every_group_but_shoulders_and_every_head_is_one_focusable_labelled_region() -> None:
    parser = _Regions()
    parser.feed(_render(fully_recovered()))
    assert set(parser.focusable) == REGIONS
    assert len(parser.focusable) == 16 + 3
    for slug, attrs in parser.focusable.items():
        assert attrs["id"] == slug
        assert attrs["role"] == "img"
        assert attrs["aria-label"] and attrs["aria-label"].startswith(
            TRACKED_NAMES[slug] + ": 100% recovered, ready"
        )


def test_the_heads_are_grouped_as_the_shoulders_on_each_view() -> None:
    """Front: the front head and the side head (the outer cap); back: the rear head, the side
    head repeated without a tab stop. Each view's group is named for the shoulders."""
    parser = _Regions()
    parser.feed(_render(fully_recovered()))
    assert [(g["data-group"], g.get("id"), heads) for g, heads in parser.groups] == [
        (SHOULDERS, SHOULDERS, ["front_delts", "side_delts"]),
        (SHOULDERS, None, ["rear_delts"]),
    ]
    for group, _ in parser.groups:
        assert group["role"] == "group"
        assert group["aria-label"] == "Shoulders: 100% recovered, ready, ready now"
    # The side head shows on both views: two shapes on each.
    assert sorted(parser.sides["side_delts"]) == ["left", "left", "right", "right"]
    assert SHOULDERS not in parser.statuses  # no shape is the whole deltoid any more


def test_each_head_is_drawn_in_its_own_status() -> None:
    html = _render(_sore_side_delts(), timezone="Europe/Paris")
    parser = _Regions()
    parser.feed(html)
    assert parser.statuses["side_delts"] == {"fatigued"}  # on the front and its echo on the back
    assert parser.statuses["front_delts"] == {"ready"}
    assert parser.statuses["rear_delts"] == {"ready"}
    assert '<g class="muscle status-fatigued" data-muscle="side_delts" id="side_delts"' in html
    assert '<g class="muscle status-fatigued" data-muscle="side_delts" aria-hidden="true">' in html
    assert '<g class="muscle status-ready" data-muscle="front_delts" id="front_delts"' in html
    assert '<g class="muscle status-ready" data-muscle="rear_delts" id="rear_delts"' in html
    # Named for screen readers and tooltips like every region; 13:00 UTC is 14:00 in Paris.
    side = "Side delts: 24% recovered, fatigued, ready Fri 27 Nov, 14:00"
    assert f'aria-label="{side}"' in html
    assert f"<title>{side}</title>" in html
    assert 'data-name="Side delts" data-score="24" data-status="fatigued"' in html
    assert 'aria-label="Front delts: 95% recovered, ready, ready now"' in html
    assert 'aria-label="Rear delts: 100% recovered, ready, ready now"' in html
    # The group around them is the shoulders as the API reports them: their most tired head.
    for group, _ in parser.groups:
        assert group["aria-label"] == "Shoulders: 24% recovered, fatigued, ready Fri 27 Nov, 14:00"


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
    # Each group in order, the shoulders followed by their heads: front, side, rear.
    groups = [m.muscle_group for m in rows]
    at = groups.index(SHOULDERS) + 1
    assert parser.table_rows == [*groups[:at], *HEAD_SLUGS, *groups[at:]]
    assert parser.sub_rows == dict.fromkeys(HEAD_SLUGS, SHOULDERS)
    assert "<caption>Recovery by muscle group</caption>" in html
    assert '<time datetime="2026-11-27T13:00:00+00:00">Fri 27 Nov, 14:00</time>' in html
    assert html.count(">now</td>") == 15 + 3


def test_the_table_lists_each_head_under_the_shoulders_with_its_own_status() -> None:
    html = _render(_sore_side_delts())
    rows = re.findall(
        r'<tr data-muscle="(\w+)"[^>]*>\s*<th scope="row">([^<]+)</th>'
        r'\s*<td class="num">([\d.]+)%</td>\s*<td><span class="status-pill status-(\w+)"',
        html,
    )
    shoulders = [r for r in rows if r[0] == SHOULDERS or r[0] in HEAD_SLUGS]
    assert shoulders == [
        ("shoulders", "Shoulders", "24.4", "fatigued"),
        ("front_delts", "Front delts", "95.0", "ready"),
        ("side_delts", "Side delts", "24.4", "fatigued"),
        ("rear_delts", "Rear delts", "100.0", "ready"),
    ]
    assert html.count('class="bodymap-subrow"') == 3


def _report(muscle: str, score: float, status: Status, *heads: MuscleReport) -> MuscleReport:
    ready_at = READY_AT if status != "ready" else None
    return MuscleReport(muscle, score, status, None, 0.0, ready_at, heads)


def test_rows_from_a_snapshot_carry_the_heads_rounded_as_the_api_shows_them() -> None:
    heads = (
        _report("front_delts", 95.04, "ready"),
        _report("rear_delts", 100.0, "ready"),
        _report("side_delts", 24.44, "fatigued"),
    )
    reports = [
        _report(m.slug, 24.44, "fatigued", *heads)
        if m.slug == SHOULDERS
        else _report(m.slug, 100.0, "ready")
        for m in MUSCLE_GROUPS
    ]
    rows = from_snapshot(Snapshot(READY_AT, reports, [], []))
    assert [r.muscle_group for r in rows] == [m.slug for m in MUSCLE_GROUPS]
    shoulders = rows[SHOULDERS_AT]
    assert shoulders.muscle_group == SHOULDERS
    assert (shoulders.recovery_score, shoulders.status) == (24.4, "fatigued")
    # Front, side, rear (the snapshot lists the tracked muscles by slug), named, rounded.
    assert [
        (h.muscle_group, h.name, h.recovery_score, h.status, h.ready_at) for h in shoulders.heads
    ] == [
        ("front_delts", "Front delts", 95.0, "ready", None),
        ("side_delts", "Side delts", 24.4, "fatigued", READY_AT),
        ("rear_delts", "Rear delts", 100.0, "ready", None),
    ]
    assert all(not r.heads for r in rows if r.muscle_group != SHOULDERS)


def test_today_shows_the_body_map_fully_recovered_without_history(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    parser = _Regions()
    parser.feed(client.get("/today").text)
    assert set(parser.focusable) == REGIONS
    assert len(parser.table_rows) == 17 + 3
    assert {status for statuses in parser.statuses.values() for status in statuses} == {"ready"}


def test_weights_show_in_the_lifters_units() -> None:
    assert weight(100, "kg") == "100 kg"
    assert weight(100, "lb") == "220.5 lb"
    assert weight(45.359237, "lb") == "100 lb"
    assert weight(None) == "–"


def test_local_time_uses_the_lifters_timezone() -> None:
    assert local_time(READY_AT, "America/New_York") == "Fri 27 Nov, 08:00"
    assert local_time("2026-11-27T13:00:00+00:00", "UTC") == "Fri 27 Nov, 13:00"
