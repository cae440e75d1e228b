"""Standard files: parse the project's seed format and the national catalogue's JSON alike."""

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from app.models.standards import KIND_PREFIX, KsbKind
from app.standards.fields import (
    StandardFileError,
    Where,
    as_object,
    json_type,
    optional,
    optional_text,
    required,
    required_text,
    unique,
)

__all__ = ["DutyData", "KsbData", "StandardData", "StandardFileError", "parse_json"]

PROJECT_FORMAT = "ksb-portfolio/standard@1"
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in KIND_PREFIX.items()}
_KSB_CODE = re.compile(r"([KSB])[1-9][0-9]*")
# The longest values the columns hold (app/models/standards.py): checked while parsing so that
# an over-long value is reported with its place in the file, not as a database error.
MAX_REFERENCE, MAX_VERSION, MAX_TITLE, MAX_STATUS, MAX_CODE, MAX_ID = 20, 20, 300, 50, 10, 64
# The catalogue's three KSB lists: (list key, id key, key of a duty's mapping, kind).
_CATALOGUE_KINDS = (
    ("knowledges", "knowledgeId", "mappedKnowledge", KsbKind.KNOWLEDGE),
    ("skills", "skillId", "mappedSkills", KsbKind.SKILL),
    ("behaviours", "behaviourId", "mappedBehaviour", KsbKind.BEHAVIOUR),
)


@dataclass(frozen=True)
class KsbData:
    code: str
    kind: KsbKind
    text: str
    position: int  # 1-based, within its kind
    external_id: str | None = None


@dataclass(frozen=True)
class DutyData:
    code: str
    text: str
    position: int
    ksb_codes: tuple[str, ...]
    is_core: bool = True
    external_id: str | None = None


@dataclass(frozen=True)
class StandardData:
    """One standard version, whichever file format it came from."""

    reference: str
    version: str
    title: str
    level: int
    status: str
    typical_duration_months: int | None
    ksbs: tuple[KsbData, ...]
    duties: tuple[DutyData, ...]


def parse_json(content: str, *, source: str) -> list[StandardData]:
    """Parse a file's text: one standard object or a list of them, in either format."""
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise Where(source).error(problem) from exc
    return parse_document(document, source=source)


def parse_document(document: Any, *, source: str) -> list[StandardData]:
    where = Where(source)
    if isinstance(document, dict):
        return [_parse_standard(document, where)]
    if not isinstance(document, list) or not document:
        raise where.error("expected a standard (a JSON object) or a non-empty list of them")
    standards = [_parse_standard(item, where.index(i)) for i, item in enumerate(document)]
    unique([f"{s.reference} version {s.version}" for s in standards], where, "", "standard")
    return standards


def _parse_standard(item: Any, where: Where) -> StandardData:
    # Detected by key: only the project's files say "format", only the catalogue's say
    # "referenceNumber".
    document = as_object(item, where)
    if "format" in document:
        return _parse_project(document, where)
    if "referenceNumber" in document:
        return _parse_catalogue(document, where)
    raise where.error(
        "not a standard: expected a 'format' field (project seed file) "
        "or a 'referenceNumber' field (national catalogue)"
    )


def _parse_project(document: dict[str, Any], where: Where) -> StandardData:
    found = required(document, "format", where, str)
    if found != PROJECT_FORMAT:
        raise where.key("format").error(f"unknown format {found!r}, expected {PROJECT_FORMAT!r}")
    reference = required_text(document, "reference", where, max_len=MAX_REFERENCE)
    where = replace(where, reference=reference)
    header = _header(document, where, duration_key="typical_duration_months")
    items = required(document, "ksbs", where, list)
    ksbs = _project_ksbs(items, where.key("ksbs"))
    known = {ksb.code: ksb.code for ksb in ksbs}
    duty_items = required(document, "duties", where, list)
    at = where.key("duties")
    duties = [_project_duty(item, at.index(i), i + 1, known) for i, item in enumerate(duty_items)]
    unique([duty.code for duty in duties], at, "code", "duty code")
    return StandardData(reference=reference, **header, ksbs=ksbs, duties=tuple(duties))


def _project_ksbs(items: list[Any], where: Where) -> tuple[KsbData, ...]:
    ksbs: list[KsbData] = []
    for i, item in enumerate(items):
        at = where.index(i)
        entry = as_object(item, at)
        code = required_text(entry, "code", at, max_len=MAX_CODE)
        match = _KSB_CODE.fullmatch(code)
        if match is None:
            problem = f"{code!r} is not a KSB code: expected K, S or B and a number, like K1"
            raise at.key("code").error(problem)
        kind = _KIND_OF_PREFIX[match[1]]
        position = 1 + sum(ksb.kind is kind for ksb in ksbs)
        ksbs.append(KsbData(code, kind, required_text(entry, "text", at), position))
    unique([ksb.code for ksb in ksbs], where, "code", "KSB code")
    return tuple(ksbs)


def _project_duty(item: Any, where: Where, position: int, known: dict[str, str]) -> DutyData:
    entry = as_object(item, where)
    code = required_text(entry, "code", where, max_len=MAX_CODE)
    mapped = _resolve(
        required(entry, "ksbs", where, list), where.key("ksbs"), known, "KSB code", guids=False
    )
    is_core = optional(entry, "is_core", where, bool)
    return DutyData(
        code, required_text(entry, "text", where), position, mapped, is_core is not False
    )


def _parse_catalogue(document: dict[str, Any], where: Where) -> StandardData:
    reference = required_text(document, "referenceNumber", where, max_len=MAX_REFERENCE)
    where = replace(where, reference=reference)
    header = _header(document, where, duration_key="typicalDuration")
    ksbs: list[KsbData] = []
    known: dict[KsbKind, dict[str, str]] = {}
    for list_key, id_key, _, kind in _CATALOGUE_KINDS:
        of_kind = _catalogue_ksbs(document, where, list_key, id_key, kind)
        known[kind] = {ksb.external_id or "": ksb.code for ksb in of_kind}
        ksbs.extend(of_kind)
    options = _catalogue_options(document, where)
    items = required(document, "duties", where, list)
    at = where.key("duties")
    duties = [
        _catalogue_duty(item, at.index(i), i + 1, known, options) for i, item in enumerate(items)
    ]
    unique([duty.external_id for duty in duties], at, "dutyID", "id")
    return StandardData(reference=reference, **header, ksbs=tuple(ksbs), duties=tuple(duties))


def _catalogue_ksbs(
    document: dict[str, Any], where: Where, list_key: str, id_key: str, kind: KsbKind
) -> list[KsbData]:
    # The catalogue has no codes: a KSB's code is its 1-based place in its list (third skill: S3).
    items = required(document, list_key, where, list)
    at = where.key(list_key)
    ksbs = []
    for i, item in enumerate(items):
        entry = as_object(item, at.index(i))
        code = f"{KIND_PREFIX[kind]}{i + 1}"
        guid = _guid(entry, id_key, at.index(i))
        ksbs.append(KsbData(code, kind, required_text(entry, "detail", at.index(i)), i + 1, guid))
    unique([ksb.external_id for ksb in ksbs], at, id_key, "id")
    return ksbs


def _catalogue_options(document: dict[str, Any], where: Where) -> dict[str, str]:
    items = optional(document, "options", where, list) or []
    at = where.key("options")
    ids = [
        _guid(as_object(item, at.index(i)), "optionId", at.index(i)) for i, item in enumerate(items)
    ]
    unique(ids, at, "optionId", "id")
    return {guid: guid for guid in ids}


def _catalogue_duty(
    item: Any,
    where: Where,
    position: int,
    known: dict[KsbKind, dict[str, str]],
    options: dict[str, str],
) -> DutyData:
    entry = as_object(item, where)
    codes: list[str] = []
    for _, _, mapped_key, kind in _CATALOGUE_KINDS:
        # The catalogue writes null for a duty mapped to none of a kind.
        refs = optional(entry, mapped_key, where, list) or []
        codes.extend(_resolve(refs, where.key(mapped_key), known[kind], f"{kind.value} id"))
    refs = optional(entry, "mappedOptions", where, list) or []
    _resolve(refs, where.key("mappedOptions"), options, "option id")
    text = required_text(entry, "dutyDetail", where)
    guid = _guid(entry, "dutyID", where)
    return DutyData(f"D{position}", text, position, tuple(codes), _core_flag(entry, where), guid)


def _core_flag(entry: dict[str, Any], where: Where) -> bool:
    # The catalogue writes 1 or 0; true and false are accepted too. Missing means core.
    value = entry.get("isThisACoreDuty", 1)
    if value not in (0, 1):  # True == 1 and False == 0, so booleans pass
        raise where.key("isThisACoreDuty").error(f"expected 1 or 0, found {json_type(value)}")
    return bool(value)


def _header(document: dict[str, Any], where: Where, *, duration_key: str) -> dict[str, Any]:
    level = required(document, "level", where, int)
    duration = optional(document, duration_key, where, int)
    return {
        "version": _version(document, where),
        "title": required_text(document, "title", where, max_len=MAX_TITLE),
        "level": level,
        "status": optional_text(document, "status", where, max_len=MAX_STATUS),
        "typical_duration_months": duration,
    }


def _version(document: dict[str, Any], where: Where) -> str:
    # The catalogue writes the version as text ("1.0") or as a number (1.0, even 1): keep text.
    value = document.get("version")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value}.0"
    if isinstance(value, float):
        return repr(value)
    return required_text(document, "version", where, max_len=MAX_VERSION)


def _resolve(
    refs: list[Any], where: Where, known: dict[str, str], what: str, *, guids: bool = True
) -> tuple[str, ...]:
    """The codes a duty's mapping names, each checked against the standard's own list."""
    codes: list[str] = []
    for i, ref in enumerate(refs):
        if not isinstance(ref, str):
            raise where.index(i).error(f"expected text, found {json_type(ref)}")
        key = ref.strip().lower() if guids else ref.strip()
        if key not in known:
            raise where.index(i).error(f"unknown {what} {ref!r}: not defined in this standard")
        codes.append(known[key])
    unique(codes, where, "", "mapping to")
    return tuple(codes)


def _guid(entry: dict[str, Any], key: str, where: Where) -> str:
    # GUIDs are case-insensitive; lower case lets a mapping match whatever case it was written in.
    return required_text(entry, key, where, max_len=MAX_ID).lower()
