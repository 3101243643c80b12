"""A session for a lifter without a program (issue 18), over plain data: no database.

Built from the muscles that are ready, their weekly floors and ceilings of hard sets, the
lifter's exercises (those they know first) and the session length. In short: a muscle under
the recovery threshold is not trained as a main mover, no muscle is taken past its weekly
ceiling, the muscles furthest below their floor come first (major muscles before minor ones),
and sets are added one at a time until the estimated length is within 10% of the one asked.
docs/generated-sessions.md has the rules in full, with a worked example.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from gravl.auth.preferences import Preferences
from gravl.recommendations.ranking import DEFAULT_RANKING, displayed
from gravl.recommendations.volume import MAJOR_MUSCLES, Goal, weekly_range
from gravl.recovery.model import DEFAULT_CONSTANTS
from gravl.training.targets import estimated_minutes
from gravl.vocabulary import TRACKED_NAMES, group_of, tracked_of

DEFAULT_MINUTES = 60  # the session length when the lifter has not set one
LENGTH_TOLERANCE = 0.10  # issue 18: a generated session fits its length within ± 10%
MIN_SETS, DEFAULT_SETS, MAX_SETS = 2, 3, 4  # working sets of one exercise (issue 18)
# A muscle is trained about every other day (its recovery takes 36-72 h, gravl.vocabulary),
# so what is missing of its floor with `days_left` days to go is spread over
# ceil(days_left / 2) sessions: the sets it gets today.
DAYS_BETWEEN_SESSIONS = 2
# The lifting the catalog describes. Olympic lifts and strongman events need coaching or kit
# few gyms have: they are chosen only once the lifter has logged them.
LIFTING = frozenset({"strength", "powerlifting"})
SKILLED_LIFTING = frozenset({"olympic_weightlifting", "strongman"})
PRIMARY = DEFAULT_CONSTANTS.primary_role_weight  # as the weekly hard sets count them
SECONDARY = DEFAULT_CONSTANTS.secondary_role_weight


@dataclass(frozen=True)
class Prescription:
    reps: int
    rest_seconds: int


# (compound, isolation) per goal: issue 18's ranges (strength 4-6 reps and 150-180 s,
# hypertrophy 8-12 and 60-90 s, general 6-10 and 90-120 s), inside the ACSM position stand
# on progression models (Med Sci Sports Exerc 2009, 41:687). Isolation work rests less.
PRESCRIPTIONS: Mapping[Goal, tuple[Prescription, Prescription]] = {
    "strength": (Prescription(5, 180), Prescription(6, 150)),
    "hypertrophy": (Prescription(10, 90), Prescription(12, 60)),
    "general": (Prescription(8, 120), Prescription(10, 90)),
}


@dataclass(frozen=True)
class Option:
    """An exercise the lifter could do, muscles as the recovery model tracks them."""

    exercise_id: int
    name: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    equipment: str | None
    mechanic: str | None  # "compound" | "isolation" | None
    category: str  # the catalog's: only lifting is a candidate
    times_done: int = 0  # logs of it: exercises the lifter knows come first
    last_done_days: float | None = None  # for the reason ("last 3 days ago")


@dataclass(frozen=True)
class MuscleNeed:
    muscle: str  # a tracked muscle, or a group of them (shoulders, counted as a group)
    recovery_score: float  # 0-100, now
    # Hard sets (primary 1, secondary ½) that will still be in the 7-day window when today
    # ends: since the start of the day 6 days ago. (A plain "last 7 days" would count last
    # week's session on this weekday, which leaves the window while today's is done.)
    hard_sets: float
    floor: float  # the weekly range (gravl.recommendations.volume.weekly_range)
    ceiling: float


@dataclass(frozen=True)
class GeneratedExercise:
    exercise_id: int
    sets: int
    reps: int
    rest_seconds: int
    muscles: tuple[str, ...]  # the primary muscles it is there for
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    exercises: tuple[GeneratedExercise, ...]
    minutes: int  # working sets and rests (training.targets.estimated_minutes); no warm-ups
    reasons: tuple[str, ...]


@dataclass
class _Pick:
    option: Option
    sets: int
    purpose: str  # the muscle it was chosen for
    filler: bool  # chosen with the muscle at its floor already: spare time


def generate(
    options: Sequence[Option],
    needs: Mapping[str, MuscleNeed],
    *,
    minutes: int,
    goal: Goal,
    experience: str,
    days_left: int = 7,
    threshold: float = DEFAULT_RANKING.recovery_threshold,
    preferences: Preferences | None = None,
    on: date | None = None,
) -> Generated:
    """Build a session of about ``minutes`` of working sets and rests (warm-ups not counted)
    from ``options`` for the muscles in ``needs``.

    A muscle missing from ``needs`` is rested and untrained, with the weekly range of
    ``goal`` and ``experience``. Shoulders are held to their own (major) range as a group when
    ``needs`` has them; without them, the group is taken as recovered as its most tired head
    and as trained as its most trained one (the least its count can be). ``days_left`` (1-7)
    is how many days the lifter's week has left to meet its floors, today included.
    ``preferences``, when given, leave out what they rule out, their rested muscles as of
    ``on`` (every one listed, without a date).
    """
    if minutes < 1:
        raise ValueError("minutes must be at least 1")
    if not 1 <= days_left <= 7:
        raise ValueError("days_left must be between 1 and 7")
    if len({o.exercise_id for o in options}) != len(options):
        raise ValueError("an exercise appears twice among the options")
    if any(key != need.muscle for key, need in needs.items()):
        raise ValueError("needs must be keyed by their muscle")
    full = _all_needs(options, needs, goal, experience)
    usable = [
        o
        for o in sorted(options, key=lambda o: o.exercise_id)
        if _is_lifting(o) and _allowed(o, preferences, on)
    ]
    builder = _Builder(usable, full, goal, minutes, days_left, threshold)
    builder.build()
    return builder.result(threshold)


def _all_needs(
    options: Sequence[Option], given: Mapping[str, MuscleNeed], goal: Goal, experience: str
) -> dict[str, MuscleNeed]:
    """``given``, with every other muscle the options load (rested and untrained) and the
    groups of the tracked muscles (shoulders from its heads)."""
    needs = dict(given)
    for muscle in sorted({m for o in options for m in (*o.primary, *o.secondary)}):
        if muscle not in needs:
            weekly = weekly_range(muscle, goal, experience)
            needs[muscle] = MuscleNeed(muscle, 100.0, 0.0, weekly.minimum, weekly.maximum)
    for group in sorted({group_of(m) for m in needs} - set(needs)):
        parts = [needs[m] for m in tracked_of(group) if m in needs]
        weekly = weekly_range(group, goal, experience)
        needs[group] = MuscleNeed(
            group,
            min(p.recovery_score for p in parts),
            max(p.hard_sets for p in parts),
            weekly.minimum,
            weekly.maximum,
        )
    return needs


def _is_lifting(option: Option) -> bool:
    known_skill = option.category in SKILLED_LIFTING and option.times_done > 0
    return bool(option.primary) and (option.category in LIFTING or known_skill)


def _allowed(option: Option, preferences: Preferences | None, on: date | None) -> bool:
    if preferences is None:
        return True
    if not preferences.has(option.equipment) or option.exercise_id in (
        preferences.excluded_exercises
    ):
        return False
    # A rested muscle (an injury) is left alone in any role: the generator can choose freely,
    # unlike a whole workout, which is ruled out only by its main muscles.
    rested = (
        set(preferences.rested_muscles(on))
        if on is not None
        else {r.muscle_group for r in preferences.excluded_muscles}
    )
    return not any(group_of(m) in rested for m in (*option.primary, *option.secondary))


def _ready(option: Option, needs: Mapping[str, MuscleNeed], threshold: float) -> bool:
    """Whether every primary mover is at the threshold or over it, as displayed."""
    return all(displayed(needs[m].recovery_score) >= threshold for m in option.primary)


def _loads(option: Option, muscles: Sequence[str]) -> dict[str, float]:
    """What one set of ``option`` adds to each muscle's weekly count; a group counts a set
    once, in the strongest role any of its parts has (as ``volume.hard_sets`` counts it)."""
    loads: dict[str, float] = {}
    for muscle in muscles:
        parts = {muscle, *tracked_of(muscle)}
        if parts & set(option.primary):
            loads[muscle] = PRIMARY
        elif parts & set(option.secondary):
            loads[muscle] = SECONDARY
    return loads


class _Builder:
    """One session in the making: the picks, and what they add to each muscle."""

    def __init__(
        self,
        usable: list[Option],
        needs: dict[str, MuscleNeed],
        goal: Goal,
        minutes: int,
        days_left: int,
        threshold: float,
    ) -> None:
        self.needs = needs
        self.muscles = sorted(needs)
        self.goal = goal
        self.target = minutes
        self.upper = math.floor(minutes * (1 + LENGTH_TOLERANCE) + 1e-9)
        self.lower = math.ceil(minutes * (1 - LENGTH_TOLERANCE) - 1e-9)
        self.sessions_left = math.ceil(days_left / DAYS_BETWEEN_SESSIONS)
        self.loads = {o.exercise_id: _loads(o, self.muscles) for o in usable}
        self.helped = {
            i: tuple(m for m, w in loads.items() if w == PRIMARY) for i, loads in self.loads.items()
        }
        # What a muscle's own exercises will need of the others, whichever are chosen: the
        # least each set for it loads each other muscle (all chest exercises load the front
        # delts, say), over the usable ones, ready today or not.
        self.side_loads: dict[str, dict[str, float]] = {}
        for muscle in self.muscles:
            ways = [self.loads[o.exercise_id] for o in usable if self.primary(o, muscle)]
            if ways:
                least = {m: min(w.get(m, 0.0) for w in ways) for m in self.muscles}
                self.side_loads[muscle] = {m: w for m, w in least.items() if w and m != muscle}
        # Today's candidates: compound before isolation, then what the lifter knows best, then
        # catalogue order.
        self.pool = sorted(
            (o for o in usable if _ready(o, needs, threshold)),
            key=lambda o: (o.mechanic != "compound", -o.times_done, o.exercise_id),
        )
        self.picks: list[_Pick] = []
        self.added: dict[str, float] = {}
        # Worked out again after each set added: what the muscles want of each other's room
        # (`wants`) and the (sets, rest) of the plan.
        self.wanted: dict[bool, dict[str, dict[str, float]]] = {}
        self.plan: list[tuple[int, int]] | None = None

    # --- state -------------------------------------------------------------------------

    def load(self, muscle: str) -> float:
        return self.needs[muscle].hard_sets + self.added.get(muscle, 0.0)

    def behind(self, muscle: str) -> float:
        """How far below its floor the muscle is, as a share of the floor (0 at or over)."""
        floor = self.needs[muscle].floor
        return max(0.0, floor - self.load(muscle)) / floor if floor > 0 else 0.0

    def trained(self, muscle: str) -> bool:
        return any(self.primary(p.option, muscle) for p in self.picks)

    def primary(self, option: Option, muscle: str) -> bool:
        return self.loads[option.exercise_id].get(muscle) == PRIMARY

    def wanting(self, muscle: str, *, major: bool) -> float:
        """What a muscle still lacks of its floor, or, unless this is for the floor of a
        ``major`` muscle, a major muscle of the middle of its range."""
        need = self.needs[muscle]
        middle = not major and muscle in MAJOR_MUSCLES
        enough = (need.floor + need.ceiling) / 2 if middle else need.floor
        return enough - self.load(muscle)

    def wants(self, muscle: str, *, major: bool) -> dict[str, float]:
        """What the muscles still lacking something (`wanting`, at least `MIN_SETS` sets;
        major muscles only for the floor of a ``major`` one) want of ``muscle``'s room: itself
        all it lacks, the others the least each of their sets loads it (every chest exercise
        loads the front delts, say)."""
        if major not in self.wanted:
            lacking = {
                m: max(w, MIN_SETS)
                for m in self.muscles
                if (not major or m in MAJOR_MUSCLES) and (w := self.wanting(m, major=major)) > 0
            }
            self.wanted[major] = {
                m: {
                    other: lack * (1.0 if other == m else self.side_loads[other].get(m, 0.0))
                    for other, lack in lacking.items()
                    if other == m or self.side_loads.get(other, {}).get(m, 0.0) > 0
                }
                for m in self.muscles
            }
        return self.wanted[major][muscle]

    def free(self, option: Option, muscle: str, *, major: bool) -> float:
        """The room ``muscle`` has for sets of ``option``: up to its ceiling, less what the
        muscles ``option`` does not train want of it (`wants`). When they and the muscles
        ``option`` trains want more than there is, each gets its share."""
        room = self.needs[muscle].ceiling - self.load(muscle)
        helped = self.helped[option.exercise_id]
        wants = self.wants(muscle, major=major)
        others = sum(want for other, want in wants.items() if other not in helped)
        if others <= 0 or room <= 0:
            return room
        weight = self.loads[option.exercise_id][muscle]
        own = sum(
            max(w, MIN_SETS) * weight for h in helped if (w := self.wanting(h, major=major)) > 0
        )
        return room - others * min(1.0, room / (others + own))

    def room(self, option: Option, *, major: bool = False) -> int:
        """The most sets of ``option`` (at most MAX_SETS) under every muscle's ceiling, with
        what other muscles want of it left alone (`free`)."""
        most = MAX_SETS
        for muscle, weight in self.loads[option.exercise_id].items():
            room = self.free(option, muscle, major=major)
            most = min(most, math.floor(room / weight + 1e-9))
        return most

    def rest(self, option: Option) -> Prescription:
        compound, isolation = PRESCRIPTIONS[self.goal]
        return compound if option.mechanic == "compound" else isolation

    def minutes(self, option: Option | None = None, sets: int = 0) -> int:
        """The estimated length, with ``sets`` more of ``option`` when given."""
        if self.plan is None:
            self.plan = [(p.sets, self.rest(p.option).rest_seconds) for p in self.picks]
        plan = self.plan if option is None else [*self.plan, (sets, self.rest(option).rest_seconds)]
        return estimated_minutes(plan) if plan else 0

    def add(self, option: Option, sets: int) -> None:
        """Count ``sets`` more of ``option`` (already in the picks) in the muscles' loads."""
        self.wanted, self.plan = {}, None
        for muscle, weight in self.loads[option.exercise_id].items():
            self.added[muscle] = self.added.get(muscle, 0.0) + sets * weight

    # --- moves, most wanted first --------------------------------------------------------

    def build(self) -> None:
        """Add exercises and sets, one move at a time, until the session is long enough."""
        while self.minutes() < self.target and self.move():
            pass

    def move(self) -> bool:
        """Make the most wanted move there is; False when none fits."""
        behind = self.behind_first()
        for major in (True, False):
            group = [m for m in behind if (m in MAJOR_MUSCLES) == major]
            due = [m for m in group if self.due(m)]
            if (
                any(self.new_exercise(m) for m in group)
                or any(self.one_more_set(m) for m in due)
                or any(self.new_exercise(m, again=True) for m in due)
            ):
                return True
        return (
            any(self.one_more_set(m) for m in behind)
            or any(self.new_exercise(m, again=True) for m in behind)
            or self.fill()
        )

    def behind_first(self) -> list[str]:
        """The muscles below their floor: major ones first, then the furthest below it, the
        most recovered."""
        behind = (m for m in self.muscles if self.behind(m) > 0)
        return sorted(
            behind,
            key=lambda m: (
                m not in MAJOR_MUSCLES,
                -self.behind(m),
                -self.needs[m].recovery_score,
                m,
            ),
        )

    def cost(self, option: Option) -> float:
        """What one more set of ``option`` costs the week: for each muscle it loads, its share
        of the set over the room the muscle has left for it (`free`). Cheap where there is
        room, dear as a muscle nears its ceiling: spare time goes where it crowds the rest of
        the week least."""
        return sum(
            weight / self.free(option, muscle, major=False)
            for muscle, weight in self.loads[option.exercise_id].items()
        )

    def isolation_last(self, option: Option) -> bool:
        """Whether spare time goes to ``option`` only after the compound lifts: for strength,
        which is specific to the lifts trained (ACSM 2009), and its sessions have few sets."""
        return self.goal == "strength" and option.mechanic != "compound"

    def fill(self) -> bool:
        """Spend spare time on the cheapest move (`cost`): one more set, or a new exercise
        with primary movers not yet trained today (one with them only when nothing else
        fits)."""
        taken = {p.option.exercise_id for p in self.picks}
        movers = {m for p in self.picks for m in p.option.primary}
        best: tuple[tuple[bool, bool, float, int, int], _Pick | Option, int] | None = None
        for index, pick in enumerate(self.picks):
            if self.can_add_set(pick):
                key = (False, self.isolation_last(pick.option), self.cost(pick.option), 0, index)
                if best is None or key < best[0]:
                    best = (key, pick, 1)
        for index, option in enumerate(self.pool):
            if option.exercise_id in taken:
                continue
            sets = self.fitting_sets(option, DEFAULT_SETS)
            if sets >= MIN_SETS:
                shared = bool(movers & set(option.primary))
                key = (shared, self.isolation_last(option), self.cost(option), 1, index)
                if best is None or key < best[0]:
                    best = (key, option, sets)
        if best is None:
            return False
        _, chosen, sets = best
        if isinstance(chosen, _Pick):
            chosen.sets += 1
            self.add(chosen.option, 1)
        else:
            purpose = min(chosen.primary, key=lambda m: (self.load(m) / self.needs[m].ceiling, m))
            self.picks.append(_Pick(chosen, sets, purpose, filler=True))
            self.add(chosen, sets)
        return True

    def due(self, muscle: str) -> bool:
        """Whether today's share of what the muscle's floor lacks is still to come: what is
        missing, spread over the sessions the week has left."""
        need = self.needs[muscle]
        share = (need.floor - need.hard_sets) / self.sessions_left
        return self.added.get(muscle, 0.0) < share

    def new_exercise(self, muscle: str, *, again: bool = False) -> bool:
        """Add an exercise for ``muscle`` if it has none yet and one can be had that shares no
        primary mover with those planned (``again``: a second one, whatever it shares)."""
        if self.trained(muscle) != again:
            return False
        taken = {p.option.exercise_id for p in self.picks}
        movers = {m for p in self.picks for m in p.option.primary}
        for option in self.pool:
            if (
                option.exercise_id in taken
                or not self.primary(option, muscle)
                or (not again and movers & set(option.primary))
            ):
                continue
            major = muscle in MAJOR_MUSCLES
            sets = self.fitting_sets(option, self.wanted_sets(muscle), major=major)
            if sets >= MIN_SETS:
                self.picks.append(_Pick(option, sets, muscle, filler=self.behind(muscle) == 0))
                self.add(option, sets)
                return True
        return False

    def wanted_sets(self, muscle: str) -> int:
        """A new exercise's sets: the middle of the range, fewer when that is all the floor
        lacks, more when today's share of it is larger (up to `MAX_SETS`)."""
        need = self.needs[muscle]
        missing = need.floor - self.load(muscle)
        if missing <= 0:
            return DEFAULT_SETS
        share = (need.floor - need.hard_sets) / self.sessions_left - self.added.get(muscle, 0.0)
        want = max(min(DEFAULT_SETS, math.ceil(missing)), math.ceil(share))
        return min(max(want, MIN_SETS), MAX_SETS)

    def fitting_sets(self, option: Option, wanted: int, *, major: bool = False) -> int:
        """``wanted`` sets of a new exercise, fewer if the ceilings or the length say so (under
        `MIN_SETS`: it does not fit)."""
        sets = min(wanted, self.room(option, major=major))
        while sets >= MIN_SETS and not self.fits(self.minutes(option, sets)):
            sets -= 1
        return sets

    def fits(self, minutes: int) -> bool:
        """Whether a session of ``minutes`` may replace the one so far: within the tolerance
        and, once the session is long enough, nearer the length asked."""
        now = self.minutes()
        return minutes <= self.upper and (
            now < self.lower or abs(minutes - self.target) < abs(now - self.target)
        )

    def can_add_set(self, pick: _Pick, *, major: bool = False) -> bool:
        return (
            pick.sets < MAX_SETS
            and self.room(pick.option, major=major) >= 1
            and self.fits(self.minutes(pick.option, 1))
        )

    def one_more_set(self, muscle: str) -> bool:
        """Add a set to the first exercise for ``muscle`` that can take one."""
        for pick in self.picks:
            if self.primary(pick.option, muscle) and self.can_add_set(
                pick, major=muscle in MAJOR_MUSCLES
            ):
                pick.sets += 1
                self.add(pick.option, 1)
                return True
        return False

    # --- the answer ----------------------------------------------------------------------

    def result(self, threshold: float) -> Generated:
        # Compound lifts first, while the lifter is fresh; otherwise in the order chosen.
        picks = [
            p
            for _, p in sorted(
                enumerate(self.picks),
                key=lambda item: (item[1].option.mechanic != "compound", item[0]),
            )
        ]
        exercises = tuple(
            GeneratedExercise(
                exercise_id=p.option.exercise_id,
                sets=p.sets,
                reps=self.rest(p.option).reps,
                rest_seconds=self.rest(p.option).rest_seconds,
                muscles=p.option.primary,
                reasons=self.exercise_reasons(p),
            )
            for p in picks
        )
        return Generated(exercises, self.minutes(), self.session_reasons(threshold))

    def exercise_reasons(self, pick: _Pick) -> tuple[str, ...]:
        reasons = []
        loads = self.loads[pick.option.exercise_id]
        movers = sorted(
            (m for m, w in loads.items() if w == PRIMARY), key=lambda m: m != pick.purpose
        )
        for muscle in movers:
            need = self.needs[muscle]
            reasons.append(
                f"{_name(muscle).capitalize()}: {_count(need.hard_sets)} of "
                f"{_count(need.floor)}–{_count(need.ceiling)} hard sets in the last 7 days, "
                f"{displayed(need.recovery_score):g}% recovered; "
                f"{_count(self.load(muscle))} after today"
            )
        if pick.filler:
            reasons.append(f"Fills the session: {_name(pick.purpose)} has room below its maximum")
        reasons.append(_familiarity(pick.option))
        return tuple(reasons)

    def session_reasons(self, threshold: float) -> tuple[str, ...]:
        total = sum(p.sets for p in self.picks)
        count = len(self.picks)
        if not self.pool:
            reasons = ["Rest today: none of your exercises trains a muscle that is ready"]
        elif not self.picks:
            reasons = ["Rest today: what your exercises train is recovering or near its maximum"]
        else:
            reasons = [
                f"{self.minutes()} min of working sets and rests: {count} exercise"
                f"{'s' if count != 1 else ''}, {total} set{'s' if total != 1 else ''}"
            ]
        tired = sorted(
            (
                m
                for m in self.muscles
                if displayed(self.needs[m].recovery_score) < threshold and tracked_of(m) == (m,)
            ),
            key=lambda m: (self.needs[m].recovery_score, m),
        )
        if tired:
            verb = "is" if len(tired) == 1 else "are"
            reasons.append(
                f"{_join(tired).capitalize()} {verb} still recovering (under {threshold:g}%): "
                "not trained as a main mover today"
            )
        full = [m for m in self.muscles if self.needs[m].hard_sets >= self.needs[m].ceiling]
        if full:
            reasons.append(
                f"{_join(full).capitalize()} reached the weekly maximum: no sets for "
                f"{'it' if len(full) == 1 else 'them'} today"
            )
        if self.picks and self.minutes() < self.lower:
            reasons.append(
                f"Shorter than your {self.target} min: what else your exercises train is "
                "recovering, at its weekly maximum or kept for muscles below their minimum"
            )
        reasons.extend(self.left_out(tired))
        return tuple(reasons)

    def left_out(self, tired: Sequence[str]) -> list[str]:
        """Why major muscles below their floor (and ready) have no exercise today."""
        left = [
            m
            for m in self.muscles
            if m in MAJOR_MUSCLES and self.behind(m) > 0 and not self.trained(m) and m not in tired
        ]
        ways = {m: [o for o in self.pool if self.primary(o, m)] for m in left}
        unknown = [m for m in left if not ways[m]]
        crowded = [
            m for m in left if ways[m] and all(self.room(o, major=True) < MIN_SETS for o in ways[m])
        ]
        later = [m for m in left if m not in unknown and m not in crowded]
        reasons = []
        if later:
            reasons.append(f"Next time: {_join(later)}, still below the weekly minimum")
        if crowded:
            reasons.append(
                f"{_join(crowded).capitalize()}: below the weekly minimum, but every exercise "
                f"for {'it' if len(crowded) == 1 else 'them'} also works a muscle near its "
                "weekly maximum"
            )
        if unknown:
            reasons.append(f"None of your exercises trains {_join(unknown)}")
        return reasons


def _familiarity(option: Option) -> str:
    done = option.times_done
    if not done:
        return "New to you"
    said = f"You have logged it {done} time{'s' if done != 1 else ''}"
    if option.last_done_days is None:
        return said
    days = round(option.last_done_days)
    return said + (
        ", last " + ("today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago")
    )


def _name(muscle: str) -> str:
    return TRACKED_NAMES.get(muscle, muscle.replace("_", " ")).lower()


def _join(muscles: Sequence[str]) -> str:
    names = [_name(m) for m in muscles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"
