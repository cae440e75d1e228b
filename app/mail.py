"""Outgoing mail: this offline app writes each message as an .eml file into the outbox folder."""

import logging
import os
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from app.audit import clean
from app.models import utcnow

log = logging.getLogger("portfolio.mail")
SENDER = "KSB Portfolio <no-reply@ksb-portfolio.invalid>"


@dataclass(frozen=True)
class Outbox:
    """A folder that an operator (or a mail relay) picks messages up from."""

    folder: Path

    def send(self, *, to: str, subject: str, body: str) -> Path:
        message = EmailMessage()
        message["From"] = SENDER
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        path = self._new_path()
        # Messages hold sign-in links: readable by the app's own user only, never overwritten.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(message.as_bytes())
        # The file name and recipient only: the body holds a secret link.
        log.info("mail to %s written to %s", clean(to), path)
        return path

    def _new_path(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        return self.folder / f"{stamp}-{secrets.token_hex(6)}.eml"

    def messages(self) -> list[Path]:
        """The messages written so far, oldest first."""
        return sorted(self.folder.glob("*.eml")) if self.folder.exists() else []


def outbox_in(data_dir: Path) -> Outbox:
    return Outbox(data_dir / "outbox")
