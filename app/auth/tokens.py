"""Random secrets handed to users (session ids, links, API tokens): only their hashes are kept."""

import hashlib
import secrets


def new_secret() -> str:
    # 256 random bits, URL-safe.
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 is enough here: the secrets are random, not guessable passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()
