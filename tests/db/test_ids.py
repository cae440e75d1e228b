"""id_of: a saved row's id, and a clear error for a row that has none yet."""

import pytest
from sqlmodel import Session

from app.models import Organisation, OrgKind, id_of


def test_a_saved_row_has_its_id(session: Session) -> None:
    org = Organisation(name="Saved", kind=OrgKind.PROVIDER)
    session.add(org)
    session.flush()
    assert id_of(org) == org.id


def test_an_unsaved_row_is_refused_not_read_as_zero() -> None:
    with pytest.raises(ValueError, match="Organisation has no id yet"):
        id_of(Organisation(name="Unsaved", kind=OrgKind.PROVIDER))
