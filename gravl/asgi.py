"""ASGI entry point for uvicorn workers: ``gravl.asgi:app``."""

from gravl.app import create_app

app = create_app()
