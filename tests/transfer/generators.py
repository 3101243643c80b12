"""Builders of realistic synthetic exports, each returning the file and the records it means.

Expected records are computed from the generated workouts, not by parsing, so a test that
compares `parse(file)` with `expected` checks the parser against an independent account.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from gravl.transfer.parsing import KG_PER_LB, ImportedSet

# "early": the 2016–2018 layout, whose weight and distance columns are headed by their unit.
StrongLayout = Literal["ios", "android", "legacy", "early"]


def _columns(header_line: str) -> list[str]:
    return next(csv.reader([header_line], delimiter=";" if ";" in header_line else ","))


# The headers as FORMATS.md documents them.
STRONG_HEADERS: dict[StrongLayout, list[str]] = {
    "ios": _columns(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE"
    ),
    "android": _columns(
        "Workout #;Date;Workout Name;Duration (sec);Exercise Name;Set Order;Weight (kg);Reps;"
        "RPE;Distance (meters);Seconds;Notes;Workout Notes"
    ),
    "legacy": _columns(
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        "Distance Unit;Seconds;Notes;Workout Notes"
    ),
}
HEVY_HEADER = _columns(
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe"
)
FITNOTES_HEADER = _columns(
    "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment"
)
FITNOTES_OLD_HEADER = _columns(
    "Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time"
)

# (name, kind): kind decides which columns a set fills.
EXERCISES = [
    ("Bench Press (Barbell)", "weighted"),
    ("Squat (Barbell)", "weighted"),
    ("Deadlift (Barbell)", "weighted"),
    ("Bicep Curl (Dumbbell)", "weighted"),
    ("Développé Couché, Incliné", "weighted"),
    ("Pull Up", "bodyweight"),
    ("Running", "cardio"),
    ("Plank", "timed"),
]
WORKOUT_NAMES = ["Push Day", "Pull Day", 'Legs, "heavy"', "Full Body\u00e9", "Evening Workout"]


@dataclass
class GeneratedExport:
    content: bytes
    expected: list[ImportedSet]
    sessions: int
    non_set_rows: int = 0
    header: list[str] = field(default_factory=list)


class _Writer:
    """CSV text with the 1-based physical line on which each row starts.

    `wrapped`: each physical line wrapped whole in quotes, inner quotes doubled. `unquoted`:
    rows joined by the delimiter as they are, quoting nothing (as FitNotes writes).
    """

    def __init__(
        self, delimiter: str, header: list[str], *, wrapped: bool = False, unquoted: bool = False
    ) -> None:
        self.buffer = io.StringIO()
        self._row = io.StringIO()
        self._csv = csv.writer(self._row, delimiter=delimiter, lineterminator="\r\n")
        self._delimiter = delimiter
        self._wrapped = wrapped
        self._unquoted = unquoted
        self.next_line = 1
        self.write(header)

    def write(self, row: list[str]) -> int:
        line = self.next_line
        if self._unquoted:
            assert not any(c in cell for cell in row for c in '"\r\n'), row
            text = self._delimiter.join(row) + "\r\n"
        else:
            self._row.seek(0)
            self._row.truncate()
            self._csv.writerow(row)
            text = self._row.getvalue()
        if self._wrapped:
            text = "".join(_wrap(physical) for physical in re.findall(r"[^\n]*\n|[^\n]+", text))
        self.buffer.write(text)
        self.next_line += text.count("\n")
        return line


def _wrap(physical_line: str) -> str:
    body = physical_line.rstrip("\r\n")
    return '"' + body.replace('"', '""') + '"' + physical_line[len(body) :]


def _utc(naive: datetime, timezone: str) -> datetime:
    return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _number(value: float, decimal_comma: bool) -> str:
    """Strong's number style: one decimal (`60.0`), `,` for the decimal in `;` files."""
    text = f"{float(value):.1f}"
    return text.replace(".", ",") if decimal_comma else text


def _lb_to_kg(pounds: float) -> float:
    return round(pounds * KG_PER_LB, 4)


@dataclass
class _Set:
    exercise: str
    kind: str
    set_type: str
    reps: int | None
    weight: float | None  # in the file's unit
    rpe: float | None
    seconds: int | None
    distance: float | None  # in the file's distance unit
    note: str | None


def _sets_of_session(rng: random.Random) -> Iterator[_Set]:
    exercises = rng.sample(EXERCISES, rng.randint(2, 4))
    if rng.random() < 0.2:  # an exercise coming back later in the same workout
        exercises.append(exercises[0])
    for name, kind in exercises:
        for position in range(rng.randint(1, 4)):
            set_type = "normal"
            if kind == "weighted":
                set_type = rng.choice(
                    ["warmup"] if position == 0 else ["normal"] * 6 + ["failure", "drop"]
                )
            weight = (
                rng.choice([20, 40, 60, 62.5, 80, 100, 102.5, 135]) if kind == "weighted" else None
            )
            reps = rng.randint(1, 15) if kind in ("weighted", "bodyweight") else None
            rpe = rng.choice([None, None, 7.0, 8.5, 10.0]) if kind == "weighted" else None
            seconds = rng.randint(30, 120) if kind == "timed" else None
            distance = rng.choice([2.5, 5.0, 10.0]) if kind == "cardio" else None
            if kind == "cardio":
                seconds = rng.randint(600, 3600)
            note = rng.choice([None, None, "felt strong", 'line one\nline "two"'])
            yield _Set(name, kind, set_type, reps, weight, rpe, seconds, distance, note)


def _session_starts(rng: random.Random, count: int) -> list[datetime]:
    start = datetime(2024, 10, 20, 7, 0)  # spans the October/March DST changes
    starts = []
    for _ in range(count):
        start += timedelta(
            days=rng.randint(1, 9), minutes=rng.randint(0, 600), seconds=rng.randint(0, 59)
        )
        starts.append(start)
    return starts


def _strong_date(moment: datetime, twelve_hour: bool, rng: random.Random) -> str:
    if not twelve_hour:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    hour = moment.hour % 12 or 12
    space = rng.choice(["\u202f", " "])
    meridiem = rng.choice(["pm", "PM"]) if moment.hour >= 12 else rng.choice(["am", "AM"])
    return f"{moment:%Y-%m-%d} {hour}:{moment:%M:%S}{space}{meridiem}"


def _strong_duration(seconds: int, rng: random.Random) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    return rng.choice(
        [f"{hours}h {minutes}m" if hours else f"{minutes}m", str(hours * 3600 + minutes * 60)]
    )


def _early_strong_header(rng: random.Random, unit: Literal["kg", "lb"]) -> list[str]:
    """A 2016–2018 Strong header: weight and distance headed by their unit, in any order."""
    weight = "kg" if unit == "kg" else rng.choice(["lbs", "lb"])
    distance = rng.choice(["km", "m"]) if unit == "kg" else rng.choice(["mi.", "mi", "miles"])
    rest = ["Exercise Name", "Set Order", weight, "Reps", distance, "Seconds", "Notes"]
    rest += ["Workout Name", "Workout Notes"]
    rng.shuffle(rest)
    return ["Date", *rest]


# Metres per distance unit as the old Strong headers and unit columns spell them.
_METRES = {
    "m": 1.0,
    "km": 1000.0,
    "km.": 1000.0,
    "mi": 1609.344,
    "mi.": 1609.344,
    "miles": 1609.344,
}


def strong_export(
    rng: random.Random,
    layout: StrongLayout,
    *,
    sessions: int = 6,
    unit: Literal["kg", "lb"] = "kg",
    timezone: str = "UTC",
    twelve_hour: bool = False,
    bom: bool = False,
    wrapped: bool = False,
) -> GeneratedExport:
    """A Strong export; `unit` is the app's unit (iOS files do not say, legacy rows do).

    `wrapped`: every physical line wrapped whole in quotes, as some 2016–2018 files are.
    """
    header = _early_strong_header(rng, unit) if layout == "early" else STRONG_HEADERS[layout]
    delimiter = ";" if layout in ("android", "legacy") else ","
    comma = delimiter == ";"
    writer = _Writer(delimiter, header, wrapped=wrapped)
    expected: list[ImportedSet] = []
    non_set_rows = 0
    # The early layouts' weight and distance columns: the ones not named by a word.
    early_weight = next((c for c in header if c in ("kg", "lbs", "lb")), "")
    early_distance = next((c for c in header if c in _METRES), "")
    for number, start in enumerate(_session_starts(rng, sessions), 1):
        workout = rng.choice(WORKOUT_NAMES)
        duration = rng.randint(20, 100) * 60
        duration_text = _strong_duration(duration, rng) if layout == "ios" else str(duration)
        workout_notes = rng.choice(["", "", "great session"])
        performed_at = _utc(start, timezone)
        session_key = f"{performed_at.isoformat()}|{workout}"
        indexes: dict[str, int] = {}
        set_numbers: dict[str, int] = {}
        for s in _sets_of_session(rng):
            row_unit = unit if layout != "legacy" else rng.choice(["kg", "lb"])
            weight = s.weight
            weight_kg: float | None = None
            if weight is not None:
                weight_kg = (
                    _lb_to_kg(weight) if (layout != "android" and row_unit == "lb") else weight
                )
            # Distances: iOS in km (kg users) or miles; Android in metres; legacy names it on
            # each row; the early layouts in their header.
            distance_unit = {
                "ios": "km" if unit == "kg" else "mi",
                "android": "m",
                "legacy": rng.choice(["km", "mi."]),
                "early": early_distance,
            }[layout]
            distance_text, distance_m = "0", None
            if s.distance is not None:
                value = s.distance * 1000 if distance_unit == "m" else s.distance
                distance_text = _number(value, comma)
                distance_m = round(value * _METRES[distance_unit], 3)
            if s.set_type == "normal":
                set_numbers[s.exercise] = set_numbers.get(s.exercise, 0) + 1
                order = str(set_numbers[s.exercise])
            else:
                order = {"warmup": "W", "failure": "F", "drop": "D"}[s.set_type]
            weight_text = (
                "" if weight is None and rng.random() < 0.5 else _number(weight or 0, comma)
            )
            reps_text = f"{s.reps}.0" if s.reps is not None else "0"
            rpe_text = "" if s.rpe is None else _number(s.rpe, comma)
            seconds_text = _number(s.seconds or 0, comma)
            pounds = rng.choice(["lbs", "lbs."])  # Strong's legacy rows write both
            values = {
                "Workout #": str(number),
                "Date": _strong_date(start, twelve_hour, rng),
                "Workout Name": workout,
                "Duration": duration_text,
                "Duration (sec)": duration_text,
                "Exercise Name": s.exercise,
                "Set Order": order,
                "Weight": weight_text,
                "Weight (kg)": weight_text,
                early_weight: weight_text,
                "Weight Unit": {"kg": "kg", "lb": pounds}[row_unit] if weight_text else "",
                "Reps": reps_text,
                "RPE": rpe_text,
                "Distance": distance_text,
                "Distance (meters)": distance_text,
                early_distance: distance_text,
                "Distance Unit": distance_unit if s.distance is not None else "",
                "Seconds": seconds_text,
                "Notes": s.note or "",
                "Workout Notes": workout_notes,
            }
            line = writer.write([values[column] for column in header])
            index = indexes.get(s.exercise, 0)
            indexes[s.exercise] = index + 1
            expected.append(
                ImportedSet(
                    line=line,
                    session_key=session_key,
                    workout_name=workout,
                    performed_at=performed_at,
                    exercise_name=s.exercise,
                    set_index=index,
                    set_type=s.set_type,  # type: ignore[arg-type]
                    reps=s.reps,
                    weight_kg=weight_kg,
                    rpe=s.rpe if "RPE" in header else None,
                    duration_s=s.seconds,
                    distance_m=distance_m,
                    notes=s.note,
                    session_duration_s=duration if layout in ("ios", "android") else None,
                    session_notes=workout_notes or None,
                )
            )
            if rng.random() < 0.3:  # Strong writes these between sets; they are not sets
                non_set_rows += 1
                kind = rng.choice(["Rest Timer", "Note"])
                # A Note row's text is the lifter's note on the exercise: the first set of the
                # exercise in this workout carries it (and so its log).
                note = rng.choice(["", "elbow ok", "slow eccentric"]) if kind == "Note" else ""
                rest = dict(
                    values,
                    **{"Set Order": kind, "Weight": "0", "Reps": "0", "Seconds": "90"},
                    Notes=note,
                )
                writer.write([rest[column] for column in header])
                if note:
                    first = next(
                        i
                        for i, e in enumerate(expected)
                        if e.session_key == session_key and e.exercise_name == s.exercise
                    )
                    texts = [*(expected[first].notes or "").split("\n"), note]
                    texts = [t for t in texts if t]
                    expected[first] = replace(
                        expected[first], notes="\n".join(dict.fromkeys(texts))
                    )
    content = writer.buffer.getvalue().encode()
    return GeneratedExport(
        (b"\xef\xbb\xbf" if bom else b"") + content, expected, sessions, non_set_rows, header
    )


def hevy_export(
    rng: random.Random, *, sessions: int = 6, imperial: bool = False, timezone: str = "UTC"
) -> GeneratedExport:
    header = list(HEVY_HEADER)
    if imperial:
        header[header.index("weight_kg")] = "weight_lbs"
        header[header.index("distance_km")] = "distance_miles"
    writer = _Writer(",", header)
    expected: list[ImportedSet] = []
    for start in _session_starts(rng, sessions):
        start = start.replace(second=0)
        end = start + timedelta(minutes=rng.randint(20, 90))
        title = rng.choice(WORKOUT_NAMES)
        description = rng.choice(["", "deload week"])
        performed_at = _utc(start, timezone)
        session_key = f"{performed_at.isoformat()}|{title}"
        indexes: dict[str, int] = {}
        for s in _sets_of_session(rng):
            weight_text, weight_kg = "", None
            if s.weight is not None:
                if imperial and rng.random() < 0.5:
                    # Hevy stores kg and prints lb conversions with two decimals.
                    weight_text, weight_kg = f"{s.weight / KG_PER_LB:.2f}", float(s.weight)
                elif imperial:
                    weight_text, weight_kg = str(s.weight), _lb_to_kg(s.weight)
                else:
                    weight_text, weight_kg = str(s.weight), float(s.weight)
            distance_m = None
            if s.distance is not None:
                distance_m = round(s.distance * (1609.344 if imperial else 1000.0), 3)
            index = indexes.get(s.exercise, 0)
            indexes[s.exercise] = index + 1
            set_type = {"drop": "dropset"}.get(s.set_type, s.set_type)
            line = writer.write(
                [
                    title,
                    _hevy_time(start, rng),
                    _hevy_time(end, rng),
                    description,
                    s.exercise,
                    "",
                    s.note or "",
                    str(index),
                    set_type,
                    weight_text,
                    "" if s.reps is None else str(s.reps),
                    "" if s.distance is None else str(s.distance),
                    "" if s.seconds is None else str(s.seconds),
                    "" if s.rpe is None else str(s.rpe),
                ]
            )
            expected.append(
                ImportedSet(
                    line=line,
                    session_key=session_key,
                    workout_name=title,
                    performed_at=performed_at,
                    exercise_name=s.exercise,
                    set_index=index,
                    set_type=s.set_type,  # type: ignore[arg-type]
                    reps=s.reps,
                    weight_kg=weight_kg,
                    rpe=s.rpe,
                    duration_s=s.seconds,
                    distance_m=distance_m,
                    notes=s.note,
                    session_duration_s=round((end - start).total_seconds()),
                    session_notes=description or None,
                )
            )
    return GeneratedExport(writer.buffer.getvalue().encode(), expected, sessions, 0, header)


def _hevy_time(moment: datetime, rng: random.Random) -> str:
    month = moment.strftime("%b") if moment.month != 9 or rng.random() < 0.5 else "Sept"
    return f"{moment.day} {month} {moment.year}, {moment:%H:%M}"


def fitnotes_export(
    rng: random.Random,
    *,
    days: int = 6,
    old_header: bool = False,
    timezone: str = "UTC",
    unquoted: bool = False,
) -> GeneratedExport:
    """A FitNotes export; `unquoted`: written as FitNotes writes names and comments holding a
    comma (`Développé Couché, Incliné`), unquoted, so those rows have more fields than the header.
    """
    header = FITNOTES_OLD_HEADER if old_header else FITNOTES_HEADER
    writer = _Writer(",", header, unquoted=unquoted)
    expected: list[ImportedSet] = []
    for start in _session_starts(rng, days):
        day: date = start.date()
        performed_at = _utc(datetime.combine(day, time(12)), timezone)
        indexes: dict[str, int] = {}
        for s in _sets_of_session(rng):
            if unquoted and s.note is not None:  # a comment FitNotes can write unquoted
                s.note = rng.choice(["felt strong", "easy, fast", "left knee, right hip, ok"])
            unit = "kgs" if old_header else rng.choice(["kgs", "lbs"])
            weight_text = "0.0"
            if s.weight is not None:
                # FitNotes stores kg; its lbs are conversions printed with two decimals.
                weight_text = f"{s.weight / KG_PER_LB:.2f}" if unit == "lbs" else f"{s.weight:.1f}"
            distance_unit = rng.choice(["m", "km", "mi"])
            distance_text, distance_m = "", None
            if s.distance is not None:
                distance_text = f"{s.distance:.1f}"
                distance_m = round(
                    s.distance * {"m": 1.0, "km": 1000.0, "mi": 1609.344}[distance_unit], 3
                )
            time_text = ""
            if s.seconds is not None:
                hours, rest = divmod(s.seconds, 3600)
                time_text = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
            values = {
                "Date": day.isoformat(),
                "Exercise": s.exercise,
                "Category": "Chest",
                "Weight": weight_text,
                "Weight (kgs)": weight_text,
                "Weight Unit": unit,
                "Reps": "0" if s.reps is None else str(s.reps),
                "Distance": distance_text,
                "Distance Unit": distance_unit if s.distance is not None else "",
                "Time": time_text,
                "Comment": "" if old_header else (s.note or ""),
            }
            line = writer.write([values[column] for column in header])
            index = indexes.get(s.exercise, 0)
            indexes[s.exercise] = index + 1
            expected.append(
                ImportedSet(
                    line=line,
                    session_key=performed_at.isoformat(),
                    workout_name=None,
                    performed_at=performed_at,
                    exercise_name=s.exercise,
                    set_index=index,
                    set_type="normal",
                    reps=s.reps,
                    weight_kg=None if s.weight is None else float(s.weight),
                    rpe=None,
                    duration_s=s.seconds,
                    distance_m=distance_m,
                    notes=None if old_header else s.note,
                )
            )
    return GeneratedExport(writer.buffer.getvalue().encode(), expected, days, 0, header)


FITBOD_HEADER = _columns(
    "Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,isWarmup,Note,"
    "multiplier"
)
FitbodTimes = Literal["utc", "local", "naive"]


def _fitbod_time(moment: datetime, times: FitbodTimes) -> str:
    """`moment` (aware) as Fitbod writes it: UTC `+0000` as real exports have it, the local
    time with its offset, or the local wall clock with none."""
    if times == "utc":
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} +0000"
    if times == "local":
        return f"{moment:%Y-%m-%d %H:%M:%S %z}"
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def fitbod_export(
    rng: random.Random,
    *,
    days: int = 6,
    timezone: str = "UTC",
    times: FitbodTimes = "utc",
    newest_first: bool = False,
    sets_column: bool = False,
) -> GeneratedExport:
    """A Fitbod export: a row per set at its own time, some days with a morning and an evening
    workout; `sets_column`: a `Sets` column, each row standing for that many identical sets.

    Expected sessions follow the rule in `gravl.transfer.fitbod`, computed here from the
    generated workouts: each workout is one session, keyed by its first set's instant.
    """
    header = list(FITBOD_HEADER)
    if sets_column:
        header.insert(header.index("Reps"), "Sets")
    zone = ZoneInfo(timezone)
    # Workouts as (start, rows); a row is (time, file cells, expected sets without line).
    workouts: list[list[tuple[datetime, dict[str, str], list[ImportedSet]]]] = []
    day = date(2024, 10, 20)  # spans the October/March DST changes
    for _ in range(days):
        day += timedelta(days=rng.randint(1, 9))
        hours = (
            [rng.randint(6, 9), rng.randint(16, 19)] if rng.random() < 0.3 else [rng.randint(6, 19)]
        )
        for hour in hours:
            start = datetime.combine(day, time(hour, rng.randint(0, 59)), zone)
            workouts.append(_fitbod_workout(rng, start, times, sets_column))
    rows = [row for workout in workouts for row in workout]
    if newest_first:
        rows.reverse()
    writer = _Writer(",", header)
    lines = {id(row): writer.write([row[1].get(column, "") for column in header]) for row in rows}
    expected = []
    for workout in reversed(workouts) if newest_first else workouts:
        key = workout[0][0].astimezone(UTC).isoformat()
        indexes: dict[str, int] = {}
        for row in workout:
            for imported in row[2]:
                index = indexes.get(imported.exercise_name, 0)
                indexes[imported.exercise_name] = index + 1
                expected.append(
                    replace(imported, line=lines[id(row)], session_key=key, set_index=index)
                )
    return GeneratedExport(writer.buffer.getvalue().encode(), expected, len(workouts), 0, header)


def _fitbod_workout(
    rng: random.Random, start: datetime, times: FitbodTimes, sets_column: bool
) -> list[tuple[datetime, dict[str, str], list[ImportedSet]]]:
    rows = []
    moment = start
    for s in _sets_of_session(rng):
        moment += timedelta(minutes=rng.randint(1, 4), seconds=rng.randint(0, 59))
        weight_text, weight_kg, notes = "0.0", None, s.note
        if s.weight is not None:
            weight_text, weight_kg = f"{s.weight:.1f}", float(s.weight)
        elif s.kind == "bodyweight" and rng.random() < 0.4:  # an assisted pull-up
            assistance = rng.choice([10, 15, 22.5])
            weight_text = f"-{assistance:.1f}"
            notes = "; ".join(n for n in (f"assisted: {assistance:g} kg", s.note) if n)
        count = rng.randint(1, 4) if sets_column else 1
        cells = {
            "Date": _fitbod_time(moment, times),
            "Exercise": s.exercise,
            "Sets": str(count),
            "Reps": str(s.reps or 0),
            "Weight(kg)": weight_text,
            "Duration(s)": str(s.seconds or 0),
            "Distance(m)": f"{s.distance * 1000:.1f}" if s.distance is not None else "0",
            "Incline": "0",
            "Resistance": "0",
            "isWarmup": "true" if s.set_type == "warmup" else "false",
            "Note": s.note or "",
            "multiplier": rng.choice(["1", "1.0", "2"]),
        }
        imported = ImportedSet(
            line=0,
            session_key="",
            workout_name=None,
            performed_at=moment.astimezone(UTC),
            exercise_name=s.exercise,
            set_index=0,
            set_type="warmup" if s.set_type == "warmup" else "normal",
            reps=s.reps,
            weight_kg=weight_kg,
            rpe=None,
            duration_s=s.seconds,
            distance_m=None if s.distance is None else round(s.distance * 1000, 3),
            notes=notes,
        )
        rows.append((moment, cells, [imported] * count))
    return rows


def write_large_strong_file(path: Path, sets: int) -> None:
    """A Strong iOS export of `sets` sets, written row by row (twenty sets a workout)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(STRONG_HEADERS["ios"])
        start = datetime(2015, 1, 1, 18, 0)
        for number in range(sets):
            session, position = divmod(number, 20)
            moment = start + timedelta(days=session)
            exercise = EXERCISES[position // 5][0]
            writer.writerow(
                [
                    f"{moment:%Y-%m-%d %H:%M:%S}",
                    "Push Day",
                    "1h 4m",
                    exercise,
                    position % 5 + 1,
                    "60.0",
                    "8.0",
                    "0",
                    "0.0",
                    "",
                    "",
                    "",
                ]
            )
