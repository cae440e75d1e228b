"""Reading the app's outbox in tests: the messages written and the links in them."""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from app.mail import outbox_in
from app.settings import Settings

LINK = re.compile(r"https?://\S+")


def mails(settings: Settings) -> list[EmailMessage]:
    found = []
    for path in outbox_in(settings.data_dir).messages():
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def only_link(settings: Settings, to: str) -> str:
    """The path of the one link mailed to this address (the test client takes paths)."""
    links = [
        link
        for message in mails(settings)
        if message["To"] == to
        for link in LINK.findall(body(message))
    ]
    assert len(links) == 1, links
    return re.sub(r"^https?://[^/]+", "", links[0])
