"""What a notification says, in plain words: pure, from the event's action and data."""

from typing import Any

TITLE_MAX = 80


def _quoted(title: str | None) -> str:
    if not title:
        return "an item of evidence"
    short = title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"
    return f"“{short}”"


def describe(
    action: str, *, data: dict[str, Any], actor: str | None, apprentice: str, title: str | None
) -> str:
    """One sentence per event; the apprentice's name says whose, for employers and tutors."""
    who = actor or "Someone"
    item = _quoted(title)
    match action:
        case "evidence.submitted":
            return f"{apprentice} sent {item} for review."
        case "evidence.accepted":
            return f"{who} accepted {item} from {apprentice}."
        case "evidence.referred":
            feedback = str(data.get("feedback") or "").strip()
            said = f" Feedback: {feedback}" if feedback else ""
            return f"{who} referred {item} from {apprentice} back for changes.{said}"
        case "ksb.signed_off":
            return f"{who} signed off {data.get('code') or 'a KSB'} for {apprentice}."
        case "iqa.sampled":
            return _sampled(data, iqa=actor, item=item, apprentice=apprentice)
    # Never the raw action name: an action added to the rules before its words still reads.
    return f"{who} updated {apprentice}'s apprenticeship."


def _sampled(data: dict[str, Any], *, iqa: str | None, item: str, apprentice: str) -> str:
    """Told to the tutor whose decision an IQA sampled (only disagreements, by the policy)."""
    who = f"the IQA ({iqa})" if iqa else "the IQA"
    agreed = "agreed" if data.get("verdict") == "agree" else "disagreed"
    comment = str(data.get("comment") or "").strip()
    said = f" Comment: {comment}" if comment else ""
    return f"Quality check: {who} {agreed} with your decision on {item} from {apprentice}.{said}"
