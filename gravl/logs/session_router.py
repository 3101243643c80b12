"""``PUT /api/sessions/{id}/exercises/{i}/sets/{n}``: log a session set by set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from gravl.auth.lifter import WritingLifter
from gravl.corridor import CorridorRoute, SessionDep
from gravl.ids import IdPath
from gravl.logs import session_sets
from gravl.logs.schemas import MAX_SETS, SetIn
from gravl.sessions import service as sessions
from gravl.sessions.router import session_out
from gravl.sessions.schemas import SessionOut

router = APIRouter(prefix="/api/sessions", tags=["sessions"], route_class=CorridorRoute)


@router.put("/{session_id}/exercises/{index}/sets/{position}", response_model=SessionOut)
async def put_set(
    session_id: IdPath,
    index: Annotated[int, Path(ge=0, le=99)],
    position: Annotated[int, Path(ge=1, le=MAX_SETS)],
    data: SetIn,
    session: SessionDep,
    user: WritingLifter,
) -> SessionOut:
    """Log set ``position`` (from 1) of the session's ``index``-th exercise (from 0), or
    correct it: the same call again replaces that set, so retries never add one. Answers with
    the session, the sets left re-targeted from this set's RPE."""
    training = await sessions.get(session=session, user=user, session_id=session_id)
    await session_sets.put_set(
        session=session, user=user, training=training, index=index, position=position, data=data
    )
    return session_out(await sessions.view(session=session, user=user, row=training))
