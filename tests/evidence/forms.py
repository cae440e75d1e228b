"""Posting the evidence form as a browser without JavaScript does: multipart, token in the URL."""

from collections.abc import Sequence

from fastapi.testclient import TestClient
from httpx import Response

from tests.web_client import ORIGIN, csrf_token

FileSpec = tuple[str, bytes, str]  # (name, content, declared type)


def evidence_fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": "Fixed the payroll login fault",
        "occurred_on": "2026-03-02",
        "kind": "document",
        "reflection": "I traced the fault to an expired certificate.",
        "claim": ["K1", "S1"],
        "justification-K1": "I explained the fault to the user.",
        "justification-S1": "I renewed the certificate myself.",
        "action": "draft",
    }
    return fields | changes


def post_form(
    client: TestClient,
    path: str,
    fields: dict[str, object],
    files: Sequence[FileSpec] = (),
    *,
    token_from: str,
    headers: dict[str, str] | None = None,
) -> Response:
    token = csrf_token(client, token_from)
    # With no file chosen a browser still sends the file box, empty: the body stays multipart.
    parts = [("files", spec) for spec in files] or [
        ("files", ("", b"", "application/octet-stream"))
    ]
    return client.post(
        f"{path}?csrf_token={token}",
        data=fields,  # type: ignore[arg-type]
        files=parts,
        headers={"Origin": ORIGIN, **(headers or {})},
        follow_redirects=False,
    )


def new_path(apprenticeship_id: int | None) -> str:
    return f"/portfolio/{apprenticeship_id}/evidence/new"
