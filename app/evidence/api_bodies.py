"""What the evidence and review APIs send and document: an item as JSON (evidence_out), and the
OpenAPI bodies of an upload and a download."""

from typing import Any, TypeVar

from sqlmodel import Session

from app.evidence import queries
from app.evidence.schemas import ClaimOut, DecisionOut, EvidenceOut, FileOut
from app.evidence.validation import overclaim_warning
from app.models import EvidenceItem, EvidenceKind, EvidenceState
from app.models.base import id_of

T = TypeVar("T")
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "One or more files; the type is read from the content.",
                        }
                    },
                }
            }
        },
    }
}
FILE_BODY: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The file, with its stored content type.",
    }
}


def evidence_out(session: Session, item: EvidenceItem) -> EvidenceOut:
    item_id = id_of(item)
    claims = queries.item_claims(session, item_id=item_id)
    warning = overclaim_warning(len(claims))
    return EvidenceOut(
        id=item_id,
        apprenticeship_id=item.apprenticeship_id,
        title=item.title,
        occurred_on=item.occurred_on,
        # Table models skip validation: a fresh row may still hold its defaults as plain text.
        kind=EvidenceKind(item.kind),
        reflection=item.reflection,
        state=EvidenceState(item.state),
        version=item.version,
        created_at=item.created_at,
        updated_at=item.updated_at,
        submitted_at=item.submitted_at,
        claims=[ClaimOut.model_validate(claim) for claim in claims],
        files=[
            FileOut(
                id=id_of(f),
                name=f.original_name,
                content_type=f.content_type,
                size_bytes=f.size_bytes,
                sha256=f.sha256,
                created_at=f.created_at,
            )
            for f in queries.item_files(session, item_id=item_id)
        ],
        decisions=[
            DecisionOut.model_validate(row)
            for row in queries.item_decisions(session, item_id=item_id)
        ],
        warnings=[warning] if warning else [],
    )
