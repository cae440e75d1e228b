"""The ASGI entry point for uvicorn workers: settings from the environment."""

from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings


def create() -> FastAPI:
    return create_app(Settings())
