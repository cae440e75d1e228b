"""The framework's ceiling: a bare FastAPI endpoint rendering a small Jinja2 template."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
ITEMS = [f"Item {n}" for n in range(10)]


@app.get("/", name="ceiling")
def ceiling(request: Request) -> Response:
    # A plain `def`, like the app's pages: FastAPI runs it in the same thread pool.
    return templates.TemplateResponse(request, "ceiling.html", {"title": "Ceiling", "items": ITEMS})
