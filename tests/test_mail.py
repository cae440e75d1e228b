"""The outbox: each message an .eml file that only the app's own user can read."""

from email import message_from_bytes, policy
from pathlib import Path

from app.mail import Outbox


def test_a_message_is_written_as_an_eml_file(tmp_path: Path) -> None:
    path = Outbox(tmp_path / "outbox").send(to="jo@example.org", subject="Hello", body="Hi Jo")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert path.suffix == ".eml" and path.parent == tmp_path / "outbox"
    assert (message["To"], message["Subject"]) == ("jo@example.org", "Hello")


def test_messages_are_private_to_the_app(tmp_path: Path) -> None:
    path = Outbox(tmp_path).send(to="jo@example.org", subject="Link", body="secret link")
    assert path.stat().st_mode & 0o077 == 0


def test_each_message_gets_its_own_file(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    for _ in range(3):
        outbox.send(to="jo@example.org", subject="Link", body="x")
    assert len(outbox.messages()) == 3
