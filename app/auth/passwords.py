"""Password hashing (Argon2id through pwdlib) and the rules a new password must pass."""

import gzip
from functools import cache
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# OWASP's minimum for Argon2id: 19 MiB memory, 2 iterations, 1 lane.
HASHER = PasswordHash((Argon2Hasher(memory_cost=19 * 1024, time_cost=2, parallelism=1),))
MIN_LENGTH = 8
MAX_LENGTH = 256  # far above the 64 that must be accepted; bounds the hashing work
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# Verified against when the email is unknown, so that both answers take the same time.
_DUMMY_HASH = HASHER.hash("not-a-real-password-just-for-timing")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(valid, new hash when the stored one uses weaker parameters than today's)."""
    if password_hash is None:
        HASHER.verify(password, _DUMMY_HASH)
        return False, None
    return HASHER.verify_and_update(password, password_hash)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, *, org_name: str = "") -> str | None:
    """The reason a new password is refused, in words, or None when it is acceptable.

    No composition rules and no case folding: length and known-bad lists only (ASVS 6.2).
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "That password is one of the most common passwords. Choose another."
    squeezed = "".join(org_name.lower().split())
    if squeezed and squeezed in "".join(password.lower().split()):
        return "Do not use your organisation's name in your password."
    return None
