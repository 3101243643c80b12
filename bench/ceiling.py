"""The framework ceiling: a bare FastAPI app answering constant JSON, nothing of Gravl's.

``bench/run.py`` serves it exactly as ``gravl serve`` serves Gravl (the same uvicorn, worker
count, event loop, HTTP parser and options) and divides every Gravl figure by its throughput,
so a share says how much of what the framework can do Gravl keeps. It has no middleware, no
database and no logging: what Gravl's own ``/api/health`` loses against it is Gravl's tax.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/api/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
