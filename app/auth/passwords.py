"""Password hashing (Argon2id through pwdlib) and the password rules."""

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# OWASP's minimum for Argon2id: 19 MiB memory, 2 iterations, 1 lane.
HASHER = PasswordHash((Argon2Hasher(memory_cost=19 * 1024, time_cost=2, parallelism=1),))
MIN_LENGTH = 8
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(valid, new hash when the stored one uses weaker parameters than today's)."""
    return HASHER.verify_and_update(password, password_hash)


def password_problem(password: str) -> str | None:
    """The reason a new password is refused, in words, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    return None
