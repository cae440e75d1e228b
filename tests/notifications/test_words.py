"""Notification words: every action the rules tell of has its own sentence; none renders raw."""

import pytest

from app.auth.policy import IQA_SAMPLED, NOTIFIED_ACTIONS
from app.notifications.words import describe

TOLD = sorted({a for actions in NOTIFIED_ACTIONS.values() for a in actions} | {IQA_SAMPLED})


def words(action: str, **data: object) -> str:
    return describe(
        action, data=dict(data), actor="Ann Tutor", apprentice="Bo Apprentice", title="Site survey"
    )


def test_an_unknown_action_never_shows_its_name() -> None:
    text = words("widget.frobbed")
    assert "widget" not in text and "frobbed" not in text


def test_an_unknown_action_says_whose_apprenticeship() -> None:
    assert words("widget.frobbed") == "Ann Tutor updated Bo Apprentice's apprenticeship."


@pytest.mark.parametrize("action", TOLD)
def test_every_told_action_has_its_own_words(action: str) -> None:
    assert words(action) != words("widget.frobbed")
    assert action not in words(action)


def test_a_disagreement_without_an_iqa_name_still_reads() -> None:
    text = describe(
        "iqa.sampled",
        data={"verdict": "disagree", "comment": "Thin."},
        actor=None,
        apprentice="Bo Apprentice",
        title=None,
    )
    assert text == (
        "Quality check: the IQA disagreed with your decision on an item of evidence from "
        "Bo Apprentice. Comment: Thin."
    )
