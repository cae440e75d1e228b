"""Plain words for evidence states, kinds and events, as the pages show them."""

from app.models import ClaimState, EvidenceKind, EvidenceState

KINDS = {
    EvidenceKind.DOCUMENT: "Document",
    EvidenceKind.PHOTO: "Photo",
    EvidenceKind.VIDEO: "Video",
    EvidenceKind.AUDIO: "Audio recording",
    EvidenceKind.WITNESS_STATEMENT: "Witness statement",
    EvidenceKind.OBSERVATION_RECORD: "Observation record",
    EvidenceKind.REFLECTIVE_ACCOUNT: "Reflective account",
    EvidenceKind.PROJECT_WORK: "Project work",
    EvidenceKind.PROFESSIONAL_DISCUSSION: "Professional discussion notes",
}
STATES = {
    EvidenceState.DRAFT: "Draft",
    EvidenceState.SUBMITTED: "Waiting for review",
    EvidenceState.ACCEPTED: "Accepted",
    EvidenceState.REFERRED: "Referred back",
}
CLAIMS = {
    ClaimState.CLAIMED: "Claimed",
    ClaimState.CONFIRMED: "Confirmed",
    ClaimState.REJECTED: "Not accepted",
}
KSB_KINDS = {"knowledge": "Knowledge", "skill": "Skills", "behaviour": "Behaviours"}
EVENTS = {
    "evidence.created": "Created",
    "evidence.updated": "Edited",
    "evidence.submitted": "Submitted for review",
    "evidence.claims_changed": "Claims changed",
    "evidence.file_added": "File added",
    "evidence.file_removed": "File removed",
    "evidence.accepted": "Accepted",
    "evidence.referred": "Referred back",
}
# Handed to every evidence template as `labels`, so that the words live in one place.
LABELS = {
    "kinds": KINDS,
    "states": STATES,
    "claims": CLAIMS,
    "ksb_kinds": KSB_KINDS,
    "events": EVENTS,
}
