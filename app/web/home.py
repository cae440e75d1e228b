"""The placeholder home page until the role homes land."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.web.templating import render

router = APIRouter()


@router.get("/", name="home")
def home(request: Request) -> Response:
    return render(request, "web/home.html")
