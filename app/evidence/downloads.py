"""Serving evidence files: authorised like their item, streamed, never run in the app's origin."""

import re
from urllib.parse import quote

from starlette.responses import StreamingResponse

from app.errors import NotFound
from app.evidence.deps import Storage, VisibleFile
from app.evidence.storage import LocalStorage
from app.models import EvidenceFile
from app.web.responses import page_router

router = page_router()
# Anything a quoted header value could choke on, and anything beyond printable ASCII.
_UNSAFE_ASCII = re.compile(r'[^\x20-\x7e]|["\\;]')


def content_disposition(name: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback name, and the real name as RFC 5987 UTF-8 (filename*)."""
    fallback = _UNSAFE_ASCII.sub("_", name).strip() or "download"
    encoded = quote(name, safe="")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def file_response(
    storage: LocalStorage, file: EvidenceFile, *, inline: bool = False
) -> StreamingResponse:
    """The stored bytes with the stored type. `sandbox` keeps a file opened directly from
    running script or reaching the app as the signed-in user; nosniff stops type guessing."""
    if not storage.exists(file.storage_key):
        raise NotFound("This file is missing from storage. Please tell your training provider.")
    headers = {
        "Content-Disposition": content_disposition(file.original_name, inline=inline),
        "Content-Length": str(file.size_bytes),
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(
        storage.read_chunks(file.storage_key), media_type=file.content_type, headers=headers
    )


@router.get("/files/{file_id}", name="file_download")
def download(found: VisibleFile, storage: Storage) -> StreamingResponse:
    return file_response(storage, found.file)


@router.get("/files/{file_id}/preview", name="file_preview")
def preview(found: VisibleFile, storage: Storage) -> StreamingResponse:
    """Pictures only, shown inline on the item's page; anything else is only downloaded."""
    if not found.file.content_type.startswith("image/"):
        raise NotFound("Only pictures can be previewed.")
    return file_response(storage, found.file, inline=True)
