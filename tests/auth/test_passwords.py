"""The common-password list shipped with the app, and the rule that refuses its entries."""

from pathlib import Path

import pytest

from app.auth import passwords
from app.auth.passwords import COMMON_PASSWORDS, common_passwords, password_problem

WELL_KNOWN = ["password", "12345678", "iloveyou", "sunshine", "qwertyuiop", "password1"]


def test_the_list_ships_inside_the_app() -> None:
    assert COMMON_PASSWORDS.is_file()
    assert COMMON_PASSWORDS.parent == Path(passwords.__file__).parent / "data"


def test_the_list_has_at_least_3000_entries() -> None:
    assert len(common_passwords()) >= 3000


@pytest.mark.parametrize("password", WELL_KNOWN)
def test_well_known_passwords_are_on_the_list(password: str) -> None:
    assert password in common_passwords()


@pytest.mark.parametrize("password", WELL_KNOWN)
def test_well_known_passwords_are_refused(password: str) -> None:
    problem = password_problem(password)
    assert problem is not None and "common" in problem


def test_an_uncommon_passphrase_is_accepted() -> None:
    assert password_problem("violet kettle under the stairs") is None
