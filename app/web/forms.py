"""Reading posted forms: many values per name, never trusted as typed (PostedForm)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData


@dataclass(frozen=True)
class Posted:
    data: FormData

    def get(self, name: str) -> str:
        value = self.data.get(name)
        return value if isinstance(value, str) else ""

    def getlist(self, name: str) -> list[str]:
        return [v for v in self.data.getlist(name) if isinstance(v, str)]

    def fields(self) -> dict[str, str]:
        return {name: self.get(name) for name in self.data}

    def number(self, name: str) -> int:
        """A positive id or version; 0 for anything else (refused later as not found or stale)."""
        raw = self.get(name).strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else 0


async def posted_form(request: Request) -> Posted:
    """The form body (already parsed and cached by the CSRF check), for a sync route to read."""
    return Posted(await request.form())


PostedForm = Annotated[Posted, Depends(posted_form)]
