"""Role x action over EVERY protected route, against the viewer's own tenant and another one.

The table below says, per route name, which of provider A's viewers may use it on A's objects
(the path parameters are filled with A's apprenticeship, evidence, file, ... by name: see
tests/access_world.py FILLERS). Every request carries a valid session, CSRF token and Origin, but
no body, so an allowed state-changing route may well answer 409 or 422: what matters is that it
got past the access rules.

- own tenant, allowed role: anything but 401, 403, 404 and 5xx;
- own tenant, other roles: 403 or 404;
- another tenant (B's five roles) on a route naming A's objects: 404 (nothing of A exists for
  them), except 403 where a role gate runs before any lookup (`gate=`: the admin pages): that
  403 is the same whether the object exists or not, so it reveals nothing;
- another tenant on a route naming no tenant objects (lists, own account, standards): whatever
  their role gets at home, and never a word of tenant A's data;
- never 5xx.

A new route without a line here, or with a path parameter FILLERS does not know, fails
test_every_protected_route_is_in_the_table / test_every_path_parameter_can_be_filled.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.auth.public_routes import RouteInfo, protected_routes
from app.evidence.storage import LocalStorage
from app.main import create_app
from app.settings import Settings
from tests.access_world import (
    OTHER_TUTOR,
    OWN_VIEWERS,
    ROLES,
    AccessWorld,
    Browser,
    fill,
    is_tenant_scoped,
    make_access_world,
    signed_in,
    unknown_params,
    use,
)
from tests.web_client import ORIGIN


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]  # A's viewers who get past the access rules on A's objects
    gate: frozenset[str] | None = None  # roles let past a role check made before any lookup


def rule(*allowed: str, gate: Iterable[str] | None = None) -> Rule:
    return Rule(frozenset(allowed), frozenset(gate) if gate is not None else None)


EVERYONE = OWN_VIEWERS
# Who sees A's apprenticeship: not the provider's other tutor.
SEES_IT = ("admin", "tutor", "iqa", "employer", "apprentice")
ADMIN = rule("admin", gate=["admin"])
NOBODY = rule()

# One line per route name. Add new routes here (the guard tests say which are missing).
EXPECTED: dict[str, Rule] = {
    # Own account: everyone, on themselves only (the session and token in the path are someone
    # else's, so ending or revoking them is not found for everybody).
    "logout": rule(*EVERYONE),
    "account_sessions": rule(*EVERYONE),
    "account_session_end": NOBODY,
    "account_tokens": rule(*EVERYONE),
    "account_token_create": rule(*EVERYONE),
    "account_token_revoke": NOBODY,
    # Role homes.
    # IQA and admins see their provider's caseload read-only (app/review/caseload_pages.py).
    "caseload_home": rule("tutor", OTHER_TUTOR, "admin", "iqa"),
    "employer_home": rule("employer"),
    "provider_home": rule("admin", "iqa"),
    # Dashboards (app/dashboards/): the employer's cohort and the provider overview.
    "employer_heatmap": rule("employer"),
    "employer_export": rule("employer"),
    "employer_apprentice": rule("employer", gate=["employer"]),
    "api_employer_dashboard": rule("employer"),
    "api_employer_heatmap": rule("employer"),
    "api_provider_dashboard": rule("admin", "iqa"),
    "portfolio_home": rule("apprentice"),
    # Administration: admins only, role-gated before the object is looked up.
    "admin_home": ADMIN,
    "admin_employers": ADMIN,
    "admin_employer_new": ADMIN,
    "admin_employer_new_submit": ADMIN,
    "admin_employer": ADMIN,
    "admin_employer_submit": ADMIN,
    "admin_users": ADMIN,
    "admin_user_invite": ADMIN,
    "admin_user_invite_submit": ADMIN,
    "admin_user": ADMIN,
    "admin_user_role": ADMIN,
    "admin_user_disable": ADMIN,
    "admin_user_enable": ADMIN,
    "admin_apprenticeships": ADMIN,
    "admin_apprenticeship_new": ADMIN,
    "admin_apprenticeship_new_submit": ADMIN,
    "admin_apprenticeship": ADMIN,
    "admin_apprenticeship_submit": ADMIN,
    # Reading a portfolio: whoever sees the apprenticeship.
    "portfolio_overview": rule(*SEES_IT),
    "evidence_list": rule(*SEES_IT),
    "evidence_item": rule(*SEES_IT),
    "ksb_page": rule(*SEES_IT),
    "file_download": rule(*SEES_IT),
    "file_preview": rule(*SEES_IT),
    # Writing evidence: the apprentice alone (409 on the submitted item counts as let through).
    "evidence_new": rule("apprentice"),
    "evidence_create": rule("apprentice"),
    "evidence_edit": rule("apprentice"),
    "evidence_update": rule("apprentice"),
    "evidence_submit": rule("apprentice"),
    "evidence_delete_confirm": rule("apprentice"),
    "evidence_delete": rule("apprentice"),
    # The JSON API.
    "api_me": rule(*EVERYONE),
    "api_standards": rule(*EVERYONE),
    "api_standard": rule(*EVERYONE),
    "api_apprenticeships": rule(*EVERYONE),
    "api_apprenticeship": rule(*SEES_IT),
    "api_coverage": rule(*SEES_IT),
    "api_evidence_list": rule(*SEES_IT),
    "api_evidence": rule(*SEES_IT),
    "api_file_download": rule(*SEES_IT),
    "api_evidence_create": rule("apprentice"),
    "api_evidence_update": rule("apprentice"),
    "api_evidence_delete": rule("apprentice"),
    "api_evidence_submit": rule("apprentice"),
    "api_evidence_claims": rule("apprentice"),
    "api_evidence_files": rule("apprentice"),
    # Review (app/review/): the apprentice's own tutor decides and signs off; IQA and admins
    # read the provider's queue, items and grids without the controls.
    "review_queue": rule("tutor", OTHER_TUTOR, "admin", "iqa"),
    "review_queue_decide": rule("tutor", OTHER_TUTOR),  # the other tutor: 422, nothing of A
    "evidence_review": rule("tutor"),
    "evidence_decide": rule("tutor"),
    "signoff_grid": rule("tutor", "admin", "iqa"),
    "signoff_create": rule("tutor"),
    "signoff_revoke": rule("tutor"),
    "api_caseload": rule("tutor", OTHER_TUTOR, "admin", "iqa"),
    "api_review_queue": rule("tutor", OTHER_TUTOR, "admin", "iqa"),
    "api_evidence_decision": rule("tutor"),
    "api_signoffs": rule("tutor", "admin", "iqa"),
    "api_signoff_create": rule("tutor"),
    "api_signoff_revoke": rule("tutor"),
    # Gateway readiness: whoever sees the apprenticeship reads it; its own tutor changes it.
    "gateway_page": rule(*SEES_IT),
    "gateway_tick": rule("tutor"),
    "gateway_untick": rule("tutor"),
    "gateway_move": rule("tutor"),
    "api_gateway": rule(*SEES_IT),
    "api_gateway_tick": rule("tutor"),
    "api_gateway_untick": rule("tutor"),
    "api_gateway_move": rule("tutor"),
    # Quality assurance: IQA staff only (404 for every other role), their provider's decisions.
    "iqa_decisions": rule("iqa"),
    "iqa_decision": rule("iqa"),
    "iqa_sample": rule("iqa"),
    "iqa_sampling": rule("iqa"),
    "api_iqa_decisions": rule("iqa"),
    "api_iqa_decision": rule("iqa"),
    "api_iqa_sample": rule("iqa"),
    "api_iqa_sampling": rule("iqa"),
    # Notifications: everyone has a list (empty for IQA and admins), of their own scope.
    "notifications": rule(*EVERYONE),
    "notifications_read": rule(*EVERYONE),
    "api_notifications": rule(*EVERYONE),
    "api_notifications_read": rule(*EVERYONE),
}

# JSON bodies valid in shape, so that validation (422) cannot answer before the access rules do.
BODIES: dict[str, object] = {
    "api_evidence_create": {"title": "Matrix", "occurred_on": "2026-02-02", "kind": "document"},
    "api_evidence_update": {"version": 1, "title": "Matrix"},
    "api_evidence_claims": {"version": 1, "claims": [{"ksb_code": "K1"}]},
    "api_evidence_submit": {"version": 1},
    "api_evidence_decision": {"outcome": "accept", "version": 1},
    "api_signoff_create": {"ksb_code": "K1", "override_reason": "Seen at work"},
}
DENIED = (403, 404)
SAFE = ("GET", "HEAD", "OPTIONS")


# Guards: no route slips through untested.


@pytest.fixture
def bare_app(tmp_path: Path) -> FastAPI:
    """The app's routes only: no database is touched."""
    return create_app(Settings(database_url="sqlite://", data_dir=tmp_path / "data"))


def test_every_protected_route_is_in_the_table(bare_app: FastAPI) -> None:
    missing = sorted(
        f'    "{route.name}": rule(...),  # {sorted(route.methods)} {route.path}'
        for route in protected_routes(bare_app)
        if route.name not in EXPECTED
    )
    assert not missing, (
        "Routes without a line in EXPECTED (tests/auth/test_access_matrix.py); add, with the "
        "roles of provider A allowed on A's objects:\n" + "\n".join(missing)
    )


def test_every_path_parameter_can_be_filled(bare_app: FastAPI) -> None:
    unknown = sorted(
        f"{name} in {route.path} ({route.name})"
        for route in protected_routes(bare_app)
        for name in unknown_params(route.path)
    )
    assert not unknown, (
        "Path parameters the access test cannot fill; add each to FILLERS in "
        "tests/access_world.py (and to SHARED_PARAMS if it names no tenant's data):\n"
        + "\n".join(unknown)
    )


def test_the_table_names_only_existing_routes(bare_app: FastAPI) -> None:
    names = {route.name for route in protected_routes(bare_app)}
    assert sorted(set(EXPECTED) - names) == []


# The matrix


@dataclass(frozen=True)
class Call:
    route: RouteInfo
    method: str
    url: str

    @property
    def where(self) -> str:
        return f"{self.method} {self.url} ({self.route.name})"


def calls(app: FastAPI, world: AccessWorld) -> list[Call]:
    """Reads first, then writes, logout last: a write never changes what a later read sees
    for the viewers (its targets are A's spare person, token and session), and the order is
    the same on every run."""
    found = [
        Call(route, method, fill(route.path, world))
        for route in protected_routes(app)
        if route.name in EXPECTED and not unknown_params(route.path)
        for method in sorted(route.methods)
    ]

    def order(call: Call) -> tuple[int, str, str]:
        phase = 2 if call.route.name == "logout" else int(call.method not in SAFE)
        return (phase, call.route.path, call.method)

    return sorted(found, key=order)


def send(client: TestClient, browser: Browser, call: Call) -> Response:
    use(client, browser)
    headers = {"Origin": ORIGIN, "X-CSRF-Token": browser.csrf}
    body = BODIES.get(call.route.name)
    return client.request(call.method, call.url, headers=headers, json=body, follow_redirects=False)


@pytest.fixture
def world(session: Session, settings: Settings) -> AccessWorld:
    return make_access_world(session, LocalStorage(settings.files_dir))


def browsers(client: TestClient, people: dict[str, object], keys: Iterable[str]) -> list[Browser]:
    return [signed_in(client, key, people[key]) for key in keys]  # type: ignore[arg-type]


def judge_own(call: Call, key: str, status: int) -> str | None:
    allowed = key in EXPECTED[call.route.name].allowed
    if status >= 500:
        return f"{call.where} as A's {key}: {status} (server error)"
    if allowed and status in (401, *DENIED):
        return f"{call.where} as A's {key}: {status}, but the table allows {key}"
    if not allowed and status not in DENIED:
        return f"{call.where} as A's {key}: {status}, but the table refuses {key} (403/404)"
    return None


def test_own_tenant_roles_get_what_the_table_says(
    client: TestClient, app: FastAPI, world: AccessWorld
) -> None:
    people = browsers(client, world.own.people, OWN_VIEWERS)
    problems = [
        problem
        for call in calls(app, world)
        for browser in people
        if (problem := judge_own(call, browser.key, send(client, browser, call).status_code))
    ]
    assert not problems, "\n".join(problems)


def expected_elsewhere(call: Call, key: str) -> tuple[int, ...] | None:
    """What B's role `key` must get; None: the same as at home, judged by the table."""
    rule_ = EXPECTED[call.route.name]
    if not is_tenant_scoped(call.route.path):
        return None
    if rule_.gate is not None and key not in rule_.gate:
        return (403,)
    return (404,)


def judge_other(call: Call, key: str, response: Response, markers: tuple[str, ...]) -> str | None:
    status, where = response.status_code, f"{call.where} as B's {key}"
    leaked = [marker for marker in markers if marker in response.text]
    if leaked:
        return f"{where}: {status} shows tenant A's data {leaked}"
    expected = expected_elsewhere(call, key)
    if expected is None:
        return judge_own(call, key, status) and f"{where}: {status} (as at home: see the table)"
    if status not in expected:
        return f"{where}: {status}, expected {expected} (another tenant's object)"
    return None


def test_another_tenant_gets_nothing(client: TestClient, app: FastAPI, world: AccessWorld) -> None:
    others = browsers(client, world.other.people, ROLES)
    problems = [
        problem
        for call in calls(app, world)
        for browser in others
        if (
            problem := judge_other(
                call, browser.key, send(client, browser, call), world.own.markers
            )
        )
    ]
    assert not problems, "\n".join(problems)
