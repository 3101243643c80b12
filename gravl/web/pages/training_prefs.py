"""Training preferences (issue 16): the goal, the equipment at hand, the usual session length,
muscles to rest and exercises to leave out, whether add-on sessions are welcome, and the bar and
plates the session targets are rounded to (issue 18, docs/plates-and-warmups.md).

The form edits the same document as ``PATCH /api/me {"preferences": ...}``
(gravl.auth.preferences); the recommendations and the day's alternatives read it, so saving
it claims the lifter for a write (their cached recommendations go stale).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import Response

from gravl.auth import service
from gravl.auth.lifter import Lifter
from gravl.auth.preferences import Goal, Plates, Preferences, default_plates, preferences_of
from gravl.auth.schemas import PreferencesPatch, ProfilePatch
from gravl.catalog.cache import builtin_exercises, exercise_names
from gravl.catalog.models import Exercise
from gravl.catalog.service import list_exercises, visible_exercises
from gravl.corridor import SessionDep
from gravl.recommendations.volume import weekly_range
from gravl.training.schedule import local_today
from gravl.vocabulary import MUSCLE_GROUPS
from gravl.web.forms import FormErrors, from_validation, optional_id
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = "/settings/training"
TITLE = "Training preferences"

# (goal, label, what it changes); the numbers come from gravl.recommendations.volume.
GOALS: tuple[tuple[Goal, str, str], ...] = (
    ("strength", "Strength", "Heavy work at lower volume"),
    ("hypertrophy", "Hypertrophy (muscle size)", "The most volume"),
    ("general", "General fitness", "A middle course"),
)
# Every equipment slug but the ones that need nothing to hand (NO_EQUIPMENT), in form order.
EQUIPMENT_LABELS = {
    "barbell": "Barbell",
    "dumbbell": "Dumbbells",
    "cable": "Cable machine",
    "machine": "Machines",
    "kettlebell": "Kettlebells",
    "bands": "Resistance bands",
    "medicine_ball": "Medicine ball",
    "exercise_ball": "Exercise ball",
    "foam_roll": "Foam roller",
    "ez_bar": "EZ bar",
}
# Muscles whose volume range is shown as "major" and "minor" in the goal descriptions.
_MAJOR_EXAMPLE, _MINOR_EXAMPLE = "chest", "biceps"
_MINUTES = "Enter a whole number of minutes from 10 to 240, or leave it empty for no limit."
_FRIENDLIER = {
    "session_minutes": _MINUTES,
    "excluded_exercises": "You can leave out at most 200 exercises.",
}
# How many matches a name search may list before it asks for the full name instead.
_SEARCH_SHOWN = 5
# Each field of the bar and plates (gravl.auth.preferences.Plates): its name in the form, and
# what it says when its value is refused.
_PLATE_FIELDS = {
    "unit": ("plates_unit", "Choose kg or lb."),
    "bar": ("bar", "Enter the bar’s weight: more than 0 and at most 100."),
    "ez_bar": ("ez_bar", "Enter the EZ bar’s weight: more than 0 and at most 100."),
    "plates": (
        "plate_sizes",
        "Enter 1 to 15 plate sizes separated by commas, such as 25, 20, 10, 5, 2.5: each more "
        "than 0 and at most 100, in steps of 0.025.",
    ),
    "dumbbell_step": ("dumbbell_step", "Enter the dumbbells’ step: more than 0, at most 100."),
    "machine_step": ("machine_step", "Enter the stacks’ step: more than 0, at most 100."),
}


@dataclass
class PlatesForm:
    """The bar and plates fields as text (their names in the form: _PLATE_FIELDS)."""

    unit: str = "kg"
    bar: str = ""
    ez_bar: str = ""
    plates: str = ""  # the sizes, separated by commas
    dumbbell_step: str = ""
    machine_step: str = ""

    @classmethod
    def of(cls, plates: Plates) -> PlatesForm:
        return cls(
            unit=plates.unit,
            bar=f"{plates.bar:g}",
            ez_bar=f"{plates.ez_bar:g}",
            plates=", ".join(f"{size:g}" for size in plates.plates),
            dumbbell_step=f"{plates.dumbbell_step:g}",
            machine_step=f"{plates.machine_step:g}",
        )


@dataclass
class PreferencesForm:
    """The form's fields as shown: from the stored preferences, or as a failed post sent them."""

    goal: str = "general"
    equipment_mode: str = "full"  # "full": a full gym; "listed": only the ticked equipment
    equipment: set[str] = field(default_factory=set)
    session_minutes: str = ""
    rested: dict[str, str] = field(default_factory=dict)  # muscle slug -> "until" ("" none)
    removed: set[int] = field(default_factory=set)  # excluded exercises ticked for removal
    add_exercise: str = ""
    accessory_sessions: bool = True
    plates: PlatesForm = field(default_factory=PlatesForm)

    @property
    def full_gym(self) -> bool:
        return self.equipment_mode != "listed"


@dataclass(frozen=True)
class ExcludedExercise:
    id: int
    name: str | None  # None: no longer there (a custom exercise deleted since)


def _stored_form(preferences: Preferences, user: Lifter) -> PreferencesForm:
    rested = preferences.rested_muscles(local_today(user))  # a rest that ended is shown as none
    return PreferencesForm(
        goal=preferences.goal,
        equipment_mode="full" if preferences.equipment is None else "listed",
        equipment=set(preferences.equipment or ()),
        session_minutes=str(preferences.session_minutes or ""),
        rested={m: until.isoformat() if until else "" for m, until in rested.items()},
        accessory_sessions=preferences.accessory_sessions,
        plates=PlatesForm.of(preferences.plates_or_default(user.units)),
    )


def _posted_form(form: FormData) -> PreferencesForm:
    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def texts(name: str) -> list[str]:
        return [v.strip() for v in form.getlist(name) if isinstance(v, str)]

    return PreferencesForm(
        goal=text("goal"),
        equipment_mode=text("equipment_mode"),
        equipment=set(texts("equipment")),
        session_minutes=text("session_minutes"),
        rested={slug: text(f"until_{slug}") for slug in texts("rest")},
        removed={i for i in map(optional_id, texts("remove_exercise")) if i is not None},
        add_exercise=text("add_exercise")[:120],
        accessory_sessions=bool(text("accessory_sessions")),
        plates=PlatesForm(**{name: text(posted) for name, (posted, _) in _PLATE_FIELDS.items()}),
    )


async def _excluded(session: AsyncSession, user: Lifter, ids: list[int]) -> list[ExcludedExercise]:
    """The excluded exercises with their names, as the lifter may see them (another lifter's
    custom exercise is never named)."""
    names = await exercise_names(session, ids)
    builtin = (await builtin_exercises(session)).names
    others = [i for i in names if i not in builtin]
    if others:
        query = visible_exercises(user, Exercise.id).where(Exercise.id.in_(others))
        visible = set(await session.scalars(query))
        names = {i: n for i, n in names.items() if i in builtin or i in visible}
    shown = [ExcludedExercise(i, names.get(i)) for i in dict.fromkeys(ids)]
    return sorted(shown, key=lambda e: (e.name is None, (e.name or "").casefold(), e.id))


async def _exercise_choices(session: AsyncSession, user: Lifter) -> list[str]:
    """The names the "leave out" field suggests: the built-ins and the lifter's own."""
    names = set((await builtin_exercises(session)).names.values())
    names.update(await session.scalars(select(Exercise.name).where(Exercise.owner_id == user.id)))
    return sorted(names, key=str.casefold)


async def _find_exercise(
    session: AsyncSession, user: Lifter, typed: str
) -> tuple[list[int], str | None]:
    """The exercises a typed name (or slug) means, or why it means none: an exact name wins,
    else a search that finds exactly one exercise."""
    exact = list(
        await session.scalars(
            visible_exercises(user, Exercise.id).where(
                or_(func.lower(Exercise.name) == typed.lower(), Exercise.slug == typed.lower())
            )
        )
    )
    if exact:
        return exact, None
    found, total = await list_exercises(session=session, user=user, q=typed, limit=_SEARCH_SHOWN)
    if total == 1:
        return [found[0].id], None
    if total == 0:
        return [], f"No exercise is called “{typed}”. Pick a name the field suggests."
    examples = ", ".join(e.name for e in found[:3])
    return [], f"“{typed}” matches {total} exercises (such as {examples}): type the full name."


def _goal_choices(experience: str) -> list[tuple[str, str, str]]:
    choices: list[tuple[str, str, str]] = []
    for goal, label, gist in GOALS:
        major = weekly_range(_MAJOR_EXAMPLE, goal, experience)
        minor = weekly_range(_MINOR_EXAMPLE, goal, experience)
        line = (
            f"{gist}: {major.minimum:g}–{major.maximum:g} hard sets a week for major muscles, "
            f"{minor.minimum:g}–{minor.maximum:g} for minor ones."
        )
        choices.append((goal, label, line))
    return choices


async def _page(
    request: Request,
    session: AsyncSession,
    user: Lifter,
    form: PreferencesForm,
    excluded_ids: list[int],
    errors: FormErrors | None,
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    today = local_today(user)
    return render(
        request,
        "pages/training.html",
        {
            "user": user,
            "active": "/settings",
            "title": TITLE,
            "form": form,
            "errors": errors,
            "saved": saved,
            "today": today.isoformat(),
            "goal_choices": _goal_choices(user.experience),
            "equipment_labels": EQUIPMENT_LABELS,
            "muscles": MUSCLE_GROUPS,
            "excluded": await _excluded(session, user, excluded_ids),
            "exercise_choices": await _exercise_choices(session, user),
        },
        status_code=status_code,
    )


@router.get(PAGE)
async def training_page(
    request: Request, session: SessionDep, user: WebLifter, saved: bool = False
) -> Response:
    """The training preferences form, filled in with what is stored."""
    account = await service.profile(session=session, lifter=user)
    preferences = preferences_of(account.preferences)
    form = _stored_form(preferences, user)
    return await _page(
        request, session, user, form, list(preferences.excluded_exercises), None, saved=saved
    )


def _parse_minutes(text: str, errors: FormErrors) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.fields["session_minutes"] = _MINUTES
        return None


def _parse_rests(rested: dict[str, str], today: date, errors: FormErrors) -> list[dict[str, Any]]:
    rests: list[dict[str, Any]] = []
    for slug, until_text in rested.items():
        until: date | None = None
        if until_text:
            try:
                until = date.fromisoformat(until_text)
            except ValueError:
                errors.fields[f"until_{slug}"] = "Enter a date like 2026-05-31, or leave it empty."
                continue
            if until < today:
                errors.fields[f"until_{slug}"] = "Pick today or a later date, or leave it empty."
                continue
        rests.append({"muscle_group": slug, "until": until})
    return rests


def _parse_plates(posted: PlatesForm, units: str, errors: FormErrors) -> dict[str, Any] | None:
    """The bar and plates as stored: None for the usual ones in the lifter's ``units`` (so they
    follow a change of units), else the document; None with ``errors`` set when refused."""
    sizes = [size for size in re.split(r"[\s,;]+", posted.plates) if size]
    document: dict[str, Any] = {**asdict(posted), "plates": sizes}
    try:
        plates = Plates.model_validate(document)
    except ValidationError as exc:
        messages = {name: message for name, (_, message) in _PLATE_FIELDS.items()}
        for name, message in from_validation(exc, messages).fields.items():
            errors.fields.setdefault(_PLATE_FIELDS[name][0], message)
        return None
    return None if plates == default_plates(units) else plates.model_dump(mode="json")


@router.post(PAGE, dependencies=[CsrfChecked])
async def save_training(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Save the training preferences: every field of the form replaces the stored one."""
    form = _posted_form(await request.form())
    account = await service.profile(session=session, lifter=user)
    stored = preferences_of(account.preferences)
    today = local_today(user)
    errors = FormErrors()

    if form.equipment_mode not in ("full", "listed"):
        errors.fields["equipment"] = "Choose “Full gym” or the equipment you have."
    elif form.full_gym and form.equipment:
        errors.fields["equipment"] = (
            "Choose “Only what I tick” to use the ticked equipment, or untick it for a full gym."
        )
    minutes = _parse_minutes(form.session_minutes, errors)
    rests = _parse_rests(form.rested, today, errors)
    plates = _parse_plates(form.plates, user.units, errors)

    excluded = [i for i in stored.excluded_exercises if i not in form.removed]
    if form.add_exercise:
        found, problem = await _find_exercise(session, user, form.add_exercise)
        if problem is not None:
            errors.fields["add_exercise"] = problem
        excluded.extend(i for i in found if i not in excluded)

    data: dict[str, Any] = {
        "goal": form.goal,
        "equipment": None if form.full_gym else sorted(form.equipment),
        "excluded_exercises": excluded,
        "accessory_sessions": form.accessory_sessions,
        "excluded_muscles": rests,
        "session_minutes": minutes,
        "plates": plates,
    }
    patch: PreferencesPatch | None = None
    try:
        patch = PreferencesPatch.model_validate(data)
    except ValidationError as exc:
        found_errors = from_validation(exc, _FRIENDLIER)
        for name, message in found_errors.fields.items():
            name = "add_exercise" if name == "excluded_exercises" else name
            errors.fields.setdefault(name, message)
    if errors or patch is None:
        errors.form = "Nothing was saved: see the fields marked below."
        return await _page(
            request, session, user, form, list(stored.excluded_exercises), errors, status_code=422
        )
    await service.update_profile(session=session, lifter=user, data=ProfilePatch(preferences=patch))
    return redirect(request, PAGE + "?saved=1")
