"""ASGI entry point for uvicorn workers: ``gravl.asgi:app``."""

import gc

from gravl.app import create_app

app = create_app()

# What is loaded by now (the libraries, the app, its schemas) lives as long as the worker. Frozen
# out of the cyclic collector's sight, it is no longer walked by every full collection under
# load, which were the exercise list's p99 (docs/PERFORMANCE.md). Only here, in the server's
# workers: a test process builds many apps and must be able to collect them.
gc.collect()
gc.freeze()
