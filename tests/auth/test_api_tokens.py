"""Personal access tokens: created and revoked on a page or the CLI, shown once, stored hashed."""

import json
import re
import time
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.auth.tokens import digest
from app.cli import cli
from app.models import ApiToken, Event, User, utcnow
from app.settings import Settings
from tests.factories import bearer, make_api_token, make_provider, make_user
from tests.locks import lock_held
from tests.web_client import PASSWORD, post, sign_in

runner = CliRunner()
TOKEN = re.compile(r"kp_[A-Za-z0-9_-]{40,}")


class _Page(HTMLParser):
    """The new token (in #new-token), the table's rows of cells, and any alert text."""

    def __init__(self) -> None:
        super().__init__()
        self.new_token: str | None = None
        self.rows: list[list[str]] = []
        self.alerts: list[str] = []
        self._into: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id") == "new-token":
            self._into, self.new_token = "token", ""
        elif found.get("role") == "alert":
            self._into = "alert"
            self.alerts.append("")
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self._into = "cell"
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "p", "td"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into == "token":
            self.new_token = (self.new_token or "") + data.strip()
        elif self._into == "alert":
            self.alerts[-1] += data
        elif self._into == "cell":
            self.rows[-1][-1] += data.strip()


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture
def user(session: Session) -> User:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    return user


@pytest.fixture
def signed_in(client: TestClient, user: User) -> TestClient:
    sign_in(client, user.email)
    return client


def create_on_page(client: TestClient, name: str, **extra: str) -> Response:
    return post(client, "/account/tokens", {"name": name, **extra}, token_from="/account/tokens")


def revoke_on_page(client: TestClient, token_id: int | None) -> Response:
    return post(client, f"/account/tokens/{token_id}/revoke", {}, token_from="/account/tokens")


def new_token(client: TestClient, name: str = "Spreadsheet") -> str:
    raw = parse(create_on_page(client, name).text).new_token
    assert raw
    return raw


def fresh(session: Session) -> None:
    """End the test's read transaction: a SQLite reader keeps seeing its first snapshot."""
    session.commit()
    session.expire_all()


def the_token(session: Session) -> ApiToken:
    fresh(session)
    return session.exec(select(ApiToken)).one()


def events(session: Session, action: str) -> list[Event]:
    fresh(session)
    return list(session.exec(select(Event).where(Event.action == action)).all())


def me(client: TestClient, raw: str) -> int:
    return client.get("/api/v1/me", headers=bearer(raw)).status_code


def test_new_token_is_shown_once(signed_in: TestClient) -> None:
    response = create_on_page(signed_in, "Spreadsheet")
    assert response.status_code == 201
    raw = parse(response.text).new_token
    assert raw and TOKEN.fullmatch(raw)
    assert raw not in signed_in.get("/account/tokens").text


def test_token_is_stored_only_as_its_hash(signed_in: TestClient, session: Session) -> None:
    raw = new_token(signed_in)
    row = the_token(session)
    assert row.token_hash == digest(raw)
    assert raw not in row.model_dump_json()


def test_creation_is_audited_without_the_token(signed_in: TestClient, session: Session) -> None:
    raw = new_token(signed_in)
    [event] = events(session, "auth.token_created")
    assert event.target_id == the_token(session).id
    assert event.data["name"] == "Spreadsheet"
    assert raw not in json.dumps(event.data) and raw[3:] not in json.dumps(event.data)


def test_new_token_works_for_the_api(signed_in: TestClient, user: User) -> None:
    raw = new_token(signed_in)
    signed_in.cookies.clear()  # the token alone
    response = signed_in.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_list_shows_name_created_and_last_used(signed_in: TestClient) -> None:
    raw = new_token(signed_in)
    [row] = [cells for cells in parse(signed_in.get("/account/tokens").text).rows if cells]
    assert row[0] == "Spreadsheet" and "UTC" in row[1] and row[2] == "Never"
    me(signed_in, raw)
    [row] = [cells for cells in parse(signed_in.get("/account/tokens").text).rows if cells]
    assert "UTC" in row[2]


def test_token_needs_a_name(signed_in: TestClient, session: Session) -> None:
    response = create_on_page(signed_in, "   ")
    assert response.status_code == 422
    page = parse(response.text)
    assert page.alerts and page.new_token is None
    assert session.exec(select(ApiToken)).first() is None


def test_a_long_name_is_refused_and_kept_in_the_form(signed_in: TestClient) -> None:
    response = create_on_page(signed_in, "x" * 101)
    assert response.status_code == 422
    assert 'value="' + "x" * 101 + '"' in response.text


def test_extra_fields_cannot_make_a_token_for_someone_else(
    signed_in: TestClient, session: Session, user: User
) -> None:
    other = make_user(session, make_provider(session), "admin")
    session.commit()
    create_on_page(signed_in, "Mine", user_id=str(other.id), revoked_at="")
    row = the_token(session)
    assert row.user_id == user.id and row.revoked_at is None


def test_revoked_token_is_refused(signed_in: TestClient, session: Session) -> None:
    raw = new_token(signed_in)
    token_id = the_token(session).id
    response = revoke_on_page(signed_in, token_id)
    assert response.status_code == 303
    assert me(signed_in, raw) == 401
    assert [e.target_id for e in events(session, "auth.token_revoked")] == [token_id]


def test_revoked_token_leaves_the_list(signed_in: TestClient, session: Session) -> None:
    new_token(signed_in, "Old script")
    revoke_on_page(signed_in, the_token(session).id)
    assert "Old script" not in signed_in.get("/account/tokens").text


def test_someone_elses_token_cannot_be_revoked(signed_in: TestClient, session: Session) -> None:
    other = make_user(session, make_provider(session), "admin")
    raw = make_api_token(session, other)
    session.commit()
    token_id = the_token(session).id
    response = revoke_on_page(signed_in, token_id)
    assert response.status_code == 404
    assert me(signed_in, raw) == 200


def test_disabled_users_token_is_refused(client: TestClient, session: Session, user: User) -> None:
    raw = make_api_token(session, user)
    session.commit()
    assert me(client, raw) == 200
    session.execute(update(User).values(is_active=False))
    session.commit()
    assert me(client, raw) == 401


def set_last_used(session: Session, moment: datetime) -> None:
    session.execute(update(ApiToken).values(last_used_at=moment))
    session.commit()


def last_used(session: Session) -> datetime | None:
    fresh(session)
    return session.exec(select(ApiToken.last_used_at)).one()


def test_use_is_recorded(client: TestClient, session: Session, user: User) -> None:
    raw = make_api_token(session, user)
    session.commit()
    me(client, raw)
    assert last_used(session) is not None


def test_use_is_written_at_most_once_a_minute(
    client: TestClient, session: Session, user: User
) -> None:
    raw = make_api_token(session, user)
    session.commit()
    recent = utcnow() - timedelta(seconds=30)
    set_last_used(session, recent)
    before = last_used(session)
    me(client, raw)
    assert last_used(session) == before
    set_last_used(session, recent - timedelta(minutes=2))
    me(client, raw)
    moved = last_used(session)
    assert moved is not None and before is not None and moved > before


def test_use_is_not_waited_for_while_a_write_holds_the_lock(
    client: TestClient, session: Session, user: User, engine: Engine
) -> None:
    """Only bookkeeping: a read does not wait on another write for it; a later request does it."""
    raw = make_api_token(session, user)
    session.commit()
    with lock_held(engine, "api_token"):
        started = time.monotonic()
        assert me(client, raw) == 200
        assert time.monotonic() - started < 1
    assert last_used(session) is None
    me(client, raw)
    assert last_used(session) is not None


def test_tokens_do_not_open_the_pages(client: TestClient, session: Session, user: User) -> None:
    raw = make_api_token(session, user)
    session.commit()
    response = client.get("/account/tokens", headers=bearer(raw), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login")


def test_tokens_page_needs_signing_in(client: TestClient) -> None:
    response = client.get("/account/tokens", follow_redirects=False)
    assert response.headers["Location"].startswith("/login")


# The command line
@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_ENV", "dev")
    return settings


def test_cli_creates_a_working_token(env: Settings, client: TestClient, user: User) -> None:
    result = runner.invoke(cli, ["tokens", "create", "--email", user.email, "--name", "CI job"])
    assert result.exit_code == 0, result.output
    raw = TOKEN.search(result.stdout)
    assert raw is not None
    assert me(client, raw.group()) == 200


def test_cli_token_is_audited(env: Settings, session: Session, user: User) -> None:
    runner.invoke(cli, ["tokens", "create", "--email", user.email.upper()])
    [event] = events(session, "auth.token_created")
    assert event.actor_id == user.id and event.client_addr == "cli"


def test_cli_refuses_an_unknown_email(env: Settings, engine: Engine) -> None:
    result = runner.invoke(cli, ["tokens", "create", "--email", "nobody@example.org"])
    assert result.exit_code == 1
    assert "nobody@example.org" in result.output
    assert TOKEN.search(result.output) is None


def test_cli_refuses_a_disabled_user(env: Settings, session: Session, user: User) -> None:
    session.execute(update(User).values(is_active=False))
    session.commit()
    result = runner.invoke(cli, ["tokens", "create", "--email", user.email])
    assert result.exit_code == 1
    assert session.exec(select(col(ApiToken.id))).first() is None


def test_cli_revokes_a_token(
    env: Settings, client: TestClient, session: Session, user: User
) -> None:
    raw = make_api_token(session, user)
    session.commit()
    result = runner.invoke(cli, ["tokens", "revoke", "--id", str(the_token(session).id)])
    assert result.exit_code == 0, result.output
    assert me(client, raw) == 401
    assert len(events(session, "auth.token_revoked")) == 1


def test_cli_revoke_names_an_unknown_token(env: Settings, engine: Engine) -> None:
    result = runner.invoke(cli, ["tokens", "revoke", "--id", "999"])
    assert result.exit_code == 1
