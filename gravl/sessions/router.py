"""Today's session with targets, and training sessions (docs/api.md, "Sessions")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.corridor import CachesDep, CorridorRoute, SessionDep
from gravl.ids import IdPath
from gravl.sessions import service
from gravl.sessions.schemas import (
    DoneSetOut,
    ExerciseRef,
    NextSessionOut,
    PlannedExerciseOut,
    ReplaceIn,
    SessionExerciseOut,
    SessionIn,
    SessionOut,
    SessionPatch,
    SessionSummaryOut,
    TargetSetOut,
    TodayOut,
    WarmupSetOut,
)
from gravl.training.schemas import WorkoutRef
from gravl.training.targets import AnyWorkout, WorkoutKey
from gravl.validation import Day, Instant

router = APIRouter(prefix="/api/sessions", tags=["sessions"], route_class=CorridorRoute)


def _ref(workout: AnyWorkout | None) -> WorkoutRef | None:
    if workout is None:
        return None
    return WorkoutRef(id=workout.id, name=workout.name, kind=workout.kind)


def _planned(entry: dict[str, Any]) -> PlannedExerciseOut:
    return PlannedExerciseOut(
        exercise=ExerciseRef(id=entry["exercise_id"], name=entry["name"]),
        equipment=entry["equipment"],
        rule=entry["rule"],
        group=entry.get("group"),
        warmup_sets=[WarmupSetOut(**w) for w in entry["warmup_sets"]],
        sets=[TargetSetOut(**s) for s in entry["sets"]],
        reasons=entry["reasons"],
    )


def today_out(planned: service.Today) -> TodayOut:
    following = (
        NextSessionOut(date=planned.next[1], workout=_ref(planned.next[0]))
        if planned.next is not None
        else None
    )
    return TodayOut(
        date=planned.on,
        state=planned.state,
        message=planned.message,
        workout=_ref(planned.workout),
        exercises=[_planned(e) for e in service.plan_document(planned.exercises)],
        next=following,
        next_date=following.date if following is not None else None,
        estimated_minutes=planned.minutes,
        reasons=list(planned.reasons),
        plate_unit=planned.plate_unit,
        session_id=planned.session_id,
    )


def session_out(seen: service.SessionView) -> SessionOut:
    row = seen.row
    exercises = []
    for entry in row.plan:
        done = seen.logged.get(entry["exercise_id"], [])
        planned = _planned(entry)
        exercises.append(
            SessionExerciseOut(
                **planned.model_dump(),
                done_sets=[
                    DoneSetOut(
                        log_id=d.log_id,
                        set_type=d.set.set_type,
                        reps=d.set.reps,
                        weight_kg=d.set.weight_kg,
                        rpe=d.set.rpe,
                        duration_s=d.set.duration_s,
                    )
                    for d in done
                ],
                remaining_sets=[
                    TargetSetOut(**s)
                    for s in service.adapted(entry, [d.set for d in done], seen.kit)
                ],
                replaced_exercise_id=entry.get("replaced"),
            )
        )
    return SessionOut(
        id=row.id,
        date=row.date,
        title=row.title,
        workout=_ref(seen.workout),
        started_at=row.started_at,
        ended_at=row.ended_at,
        notes=row.notes,
        plate_unit=seen.kit.unit,
        exercises=exercises,
    )


@router.get("/today", response_model=TodayOut)
async def today(
    session: SessionDep,
    caches: CachesDep,
    user: CurrentLifter,
    on: Annotated[Day | None, Query(alias="date", description="plan this date instead")] = None,
    at: Annotated[
        Instant | None, Query(description="the session as planned at that instant")
    ] = None,
) -> TodayOut:
    """The session to do today (or on ``date``, or at ``at``): each exercise with its warm-up
    ramp and working sets, every target with the reasons and numbers behind it. A rest day
    names the next session and its date; a lifter without a program gets a session built from
    the muscles that are ready."""
    planned = await service.today(session=session, user=user, caches=caches, on=on, at=at)
    return today_out(planned)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
async def start_session(
    response: Response,
    session: SessionDep,
    caches: CachesDep,
    user: WritingLifter,
    data: SessionIn | None = None,
) -> SessionOut:
    """Start the day's session: its targets are kept as planned. Starting again the same day
    returns the session already started (200), so a retry never makes a second one."""
    data = data or SessionIn()
    key: WorkoutKey | None = (
        ("custom", data.custom_workout_id)
        if data.custom_workout_id is not None
        else ("workout", data.workout_id)
        if data.workout_id is not None
        else None
    )
    row, made = await service.start(
        session=session, user=user, caches=caches, on=data.date, workout=key
    )
    if not made:
        response.status_code = status.HTTP_200_OK
    return session_out(await service.view(session=session, user=user, row=row))


@router.get("", response_model=list[SessionSummaryOut])
async def list_sessions(
    session: SessionDep,
    user: CurrentLifter,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[SessionSummaryOut]:
    """Your sessions, newest first."""
    rows = await service.list_sessions(session=session, user=user, limit=limit, offset=offset)
    counts = await service.logged_counts(session=session, user=user, ids=[r.id for r in rows])
    return [
        SessionSummaryOut(
            id=r.id,
            date=r.date,
            title=r.title,
            started_at=r.started_at,
            ended_at=r.ended_at,
            exercises=len(r.plan),
            logged_sets=counts.get(r.id, 0),
        )
        for r in rows
    ]


@router.get("/{session_id}", response_model=SessionOut)
async def get_session(session_id: IdPath, session: SessionDep, user: CurrentLifter) -> SessionOut:
    """One session: its plan, the sets logged in it, and the sets still to do with their
    targets adapted to how the last set went."""
    row = await service.get(session=session, user=user, session_id=session_id)
    return session_out(await service.view(session=session, user=user, row=row))


@router.patch("/{session_id}", response_model=SessionOut)
async def update_session(
    session_id: IdPath, data: SessionPatch, session: SessionDep, user: WritingLifter
) -> SessionOut:
    """Rename a session, write its notes, or finish it (``finished: true``)."""
    row = await service.update(
        session=session,
        user=user,
        session_id=session_id,
        fields={f: getattr(data, f) for f in data.model_fields_set},
    )
    return session_out(await service.view(session=session, user=user, row=row))


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_session(session_id: IdPath, session: SessionDep, user: WritingLifter) -> Response:
    """Remove a session; the sets logged in it stay in your history."""
    await service.delete(session=session, user=user, session_id=session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{session_id}/exercises/{index}/replace", response_model=SessionOut)
async def replace_exercise(
    session_id: IdPath,
    index: Annotated[int, Path(ge=0, le=99)],
    data: ReplaceIn,
    session: SessionDep,
    caches: CachesDep,
    user: WritingLifter,
) -> SessionOut:
    """Replace the ``index``-th exercise (from 0) with one of its alternatives
    (``/api/exercises/{id}/alternatives``), keeping the rest of the session."""
    row = await service.replace_exercise(
        session=session,
        user=user,
        caches=caches,
        session_id=session_id,
        index=index,
        exercise_id=data.exercise_id,
    )
    return session_out(await service.view(session=session, user=user, row=row))
