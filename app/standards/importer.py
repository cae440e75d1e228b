"""Import standard files: each new standard version is written with its KSBs and duties.

Two file formats are read (app/standards/formats.py), both UTF-8 JSON holding one standard
object or a list of them:

The project's own seed format (``seed/standards/*.json``)::

    {
      "format": "ksb-portfolio/standard@1",      # required, names this format and its version
      "reference": "ST0949",                     # required text, at most 20 characters
      "title": "Applications support lead",      # required text
      "level": 4,                                # required whole number
      "version": "2.0",                          # required text (a number is turned into text)
      "status": "In development",                # optional text
      "typical_duration_months": 24,             # optional whole number
      "ksbs": [{"code": "K1", "text": "..."}],   # required; code is K, S or B and a number
      "duties": [{"code": "D1", "text": "...", "ksbs": ["K3", "S2"], "is_core": true}]
    }

A KSB's kind comes from its code's letter, its position from its order among the KSBs of that
kind; a duty's position is its order in ``duties``, its ``ksbs`` must name codes of ``ksbs``
and ``is_core`` is optional (default true). Texts are kept exactly as written, less
surrounding whitespace.

The national standards catalogue's JSON (Skills England, formerly IfATE): ``referenceNumber``,
``title``, ``level``, ``version`` (text or number), ``status``, ``typicalDuration`` (months),
``knowledges[{knowledgeId, detail}]``, ``skills[{skillId, detail}]``,
``behaviours[{behaviourId, detail}]``, ``duties[{dutyID, dutyDetail, isThisACoreDuty,
mappedKnowledge, mappedSkills, mappedBehaviour, mappedOptions}]`` and ``options[{optionId}]``.
A KSB's code is its 1-based place in its list (the third skill is S3), a duty's is D and its
place; the GUIDs are kept as ``external_id`` and mappings are resolved through them.

Everything is checked before anything is written: a bad file raises ``StandardFileError``
naming the file, the standard and the JSON path. A standard version already imported with the
same content is left alone; with different content it is refused, since a published version is
never changed in place.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from app.models import id_of
from app.models.standards import Duty, DutyKsb, Ksb, Standard
from app.standards.formats import StandardData, StandardFileError, Where, parse_json

__all__ = ["ImportResult", "StandardFileError", "content_hash", "import_standards", "load_file"]


@dataclass(frozen=True)
class ImportResult:
    reference: str
    version: str
    standard_id: int
    created: bool


def load_file(path: Path) -> list[StandardData]:
    """Read and check a standard file; any problem is a StandardFileError naming the file."""
    try:
        # utf-8-sig: files saved by spreadsheet tools on Windows often start with a BOM.
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise Where(str(path)).error(f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise Where(str(path)).error(f"not UTF-8 text (byte {exc.start})") from exc
    return parse_json(text, source=str(path))


def content_hash(standard: StandardData) -> str:
    """sha256 of a canonical JSON of the parsed content: equal content, equal hash."""
    canonical = json.dumps(
        asdict(standard), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_standards(session: Session, *, standards: Sequence[StandardData]) -> list[ImportResult]:
    """Write the standard versions not in the database yet; refuse all if any would change."""
    _refuse_repeats(standards)
    hashes = [content_hash(standard) for standard in standards]
    existing = _existing_versions(session, standards=standards)
    for standard, digest in zip(standards, hashes, strict=True):
        _refuse_change(standard, digest, existing.get((standard.reference, standard.version)))
    results = [
        _import_one(session, standard=standard, digest=digest, existing=existing)
        for standard, digest in zip(standards, hashes, strict=True)
    ]
    session.flush()
    return results


def _refuse_repeats(standards: Sequence[StandardData]) -> None:
    seen: set[tuple[str, str]] = set()
    for standard in standards:
        key = (standard.reference, standard.version)
        if key in seen:
            raise StandardFileError(
                f"standard {standard.reference} version {standard.version} is given twice"
            )
        seen.add(key)


def _existing_versions(
    session: Session, *, standards: Sequence[StandardData]
) -> dict[tuple[str, str], tuple[int, str]]:
    """(reference, version) -> (id, content hash) of the given standards already imported."""
    references = {standard.reference for standard in standards}
    statement = select(Standard.reference, Standard.version, Standard.id, Standard.content_hash)
    rows = session.exec(statement.where(col(Standard.reference).in_(references)))
    return {(ref, version): (id_, digest) for ref, version, id_, digest in rows if id_ is not None}


def _refuse_change(standard: StandardData, digest: str, existing: tuple[int, str] | None) -> None:
    if existing is None or existing[1] == digest:
        return
    raise StandardFileError(
        f"standard {standard.reference} version {standard.version} is already imported with "
        "different content: a published version is never changed in place, so give the "
        "changed standard a new version number"
    )


def _import_one(
    session: Session,
    *,
    standard: StandardData,
    digest: str,
    existing: dict[tuple[str, str], tuple[int, str]],
) -> ImportResult:
    found = existing.get((standard.reference, standard.version))
    if found is not None:
        return ImportResult(standard.reference, standard.version, found[0], created=False)
    standard_id = _insert_standard(session, standard=standard, digest=digest)
    return ImportResult(standard.reference, standard.version, standard_id, created=True)


def _insert_standard(session: Session, *, standard: StandardData, digest: str) -> int:
    row = Standard(
        reference=standard.reference,
        version=standard.version,
        title=standard.title,
        level=standard.level,
        status=standard.status,
        typical_duration_months=standard.typical_duration_months,
        content_hash=digest,
    )
    session.add(row)
    session.flush()  # the KSB and duty rows need its id
    _insert_ksbs_and_duties(session, standard_id=id_of(row), standard=standard)
    return id_of(row)


def _insert_ksbs_and_duties(session: Session, *, standard_id: int, standard: StandardData) -> None:
    ksbs = {
        ksb.code: Ksb(standard_id=standard_id, **asdict(ksb))  # KsbData has Ksb's columns
        for ksb in standard.ksbs
    }
    duties = {
        duty.code: Duty(
            standard_id=standard_id,
            code=duty.code,
            text=duty.text,
            position=duty.position,
            is_core=duty.is_core,
            external_id=duty.external_id,
        )
        for duty in standard.duties
    }
    # One flush inserts each table's rows in a batch and fetches their ids for the links.
    session.add_all([*ksbs.values(), *duties.values()])
    session.flush()
    ksb_ids = {code: row.id for code, row in ksbs.items() if row.id is not None}
    duty_ids = {code: row.id for code, row in duties.items() if row.id is not None}
    session.add_all(
        DutyKsb(duty_id=duty_ids[duty.code], ksb_id=ksb_ids[code])
        for duty in standard.duties
        for code in duty.ksb_codes
    )
