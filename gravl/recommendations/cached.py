"""Recommendations for the hot route: the lifter's inputs from the worker's cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from fastapi import Request

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.lifter_cache import LifterCaches, Slot, read
from gravl.recommendations import ranking, service
from gravl.recommendations.service import PlanInputs
from gravl.recovery import cached as recovery_cached
from gravl.recovery import service as recovery
from gravl.training.schedule import local_today

PLAN_INPUTS = Slot[PlanInputs]("plan-inputs")
# Rendered answers by ``limit``: kept while the data version holds, at most ``MAX_AGE_S``.
ANSWERS = Slot[dict[int, bytes]]("smart-workout-answers")
Render = Callable[[recovery.Snapshot, ranking.Ranking], bytes]


async def answer(request: Request, lifter: Lifter, limit: int, render: Render) -> bytes:
    """The rendered recommendation for ``limit``, recomputed when the data or the minute moved.

    Recovery moves by a fraction of a point a minute, and the reasons speak in hours and days,
    so an answer a minute old says what a new one would; a write makes a new one at once.
    """
    cache = cast(LifterCaches, request.app.state.lifter_caches).of(ANSWERS)
    answers = cache.get(lifter)
    if answers is None:
        answers = {}
        cache.put(lifter, answers)
    body = answers.get(limit)
    if body is None:
        body = answers[limit] = render(*await recommend(request, lifter, limit))
    return body


async def recommend(
    request: Request, lifter: Lifter, limit: int
) -> tuple[recovery.Snapshot, ranking.Ranking]:
    """What ``service.recommend`` answers, from inputs cached for the lifter's data version."""
    caches: LifterCaches = request.app.state.lifter_caches
    cache = caches.of(PLAN_INPUTS)
    inputs = cache.get(lifter)
    now = utcnow()
    if inputs is None or inputs.on != local_today(lifter, now):  # new data, or a new day
        loaded = await recovery_cached.inputs(request, lifter)
        if local_today(lifter, loaded.loaded_at) != local_today(lifter, now):
            loaded = await read(
                request, lifter, lambda session, user: recovery.load_inputs(session, user.id, now)
            )
        inputs = await read(
            request,
            lifter,
            lambda session, user: service.load_plan_inputs(session, user, loaded),
        )
        cache.put(lifter, inputs)
        now = max(now, inputs.recovery.loaded_at)
    snap = recovery.snapshot_of(inputs.recovery, lifter.experience, now)
    if snap is None:  # a log ahead of the clock: the database path rebuilds it
        return await read(
            request,
            lifter,
            lambda session, user: service.recommend(session=session, user=user, limit=limit),
        )
    return snap, service.recommend_from(snap, inputs, lifter.experience, limit)
