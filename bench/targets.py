"""The table of what `bench/run` measures: each page, who views it, and the SQL it is compared with.

A page that is not in the app shows as "not built yet" and is not judged.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import TextClause, func, select, text
from sqlmodel import Session, col
from starlette.routing import BaseRoute

from app.models import Apprenticeship, EvidenceItem, User, id_of
from app.progress.queries import apprenticeship_coverage, ksb_facts
from app.web.api import API_PREFIX
from bench.people import apprentice_email, manager_email, staff_email

UPLOAD_PATH = "/api/v1/evidence/{evidence_id}/files"
MIB = 1 << 20


@dataclass(frozen=True)
class Facts:
    """What the targets need from the generated data, looked up once (provider 1)."""

    emails: dict[str, str]  # viewer key -> e-mail
    ids: dict[str, int]  # path parameter name -> value
    cohorts: dict[str, int]  # apprenticeships each viewer sees


def _cohort_sizes(session: Session, ids: dict[str, int]) -> dict[str, int]:
    scopes = {
        "provider (admin)": col(Apprenticeship.provider_id) == ids["provider_id"],
        "caseload (tutor)": col(Apprenticeship.tutor_id) == ids["tutor_id"],
        "employer": col(Apprenticeship.employer_id) == ids["employer_id"],
        "heatmap employer": col(Apprenticeship.employer_id) == ids["big_employer_id"],
    }
    return {
        name: session.execute(select(func.count()).where(scope)).scalar_one()
        for name, scope in scopes.items()
    }


def look_up(session: Session) -> Facts:
    emails = {
        "apprentice": apprentice_email(1),
        "tutor": staff_email("tutor", 1, 1),
        "employer": manager_email(1, 2),
        "big_employer": manager_email(1, 1),
        "admin": staff_email("admin", 1),
    }
    users = {
        u.email: u
        for u in session.scalars(select(User).where(col(User.email).in_(emails.values())))
    }
    missing = sorted(set(emails.values()) - set(users))
    if missing:
        raise LookupError(f"no bench data here (missing {', '.join(missing)}): run bench.generate")
    mine = select(Apprenticeship).where(
        col(Apprenticeship.apprentice_id) == users[emails["apprentice"]].id
    )
    apprenticeship = session.scalars(mine).one()
    draft = select(col(EvidenceItem.id)).where(
        col(EvidenceItem.apprenticeship_id) == apprenticeship.id, col(EvidenceItem.state) == "draft"
    )
    ids = {
        "apprenticeship_id": id_of(apprenticeship),
        "provider_id": apprenticeship.provider_id,
        "tutor_id": id_of(users[emails["tutor"]]),
        "employer_id": users[emails["employer"]].organisation_id,
        "big_employer_id": users[emails["big_employer"]].organisation_id,
        "evidence_id": session.scalars(draft.limit(1)).first() or 0,
    }
    return Facts(emails, ids, _cohort_sizes(session, ids))


# --- the reference SQL: the same data, straight from the database ----------------------------

_COHORT = """
SELECT a.id, u.name, o.name, a.start_date, a.planned_end_date, a.status,
       s.ksb_total, s.claimed, s.evidenced, s.signed_off, s.items_awaiting_review,
       s.oldest_awaiting_since, s.items_referred, s.last_activity_at
FROM apprenticeship a
JOIN user_account u ON u.id = a.apprentice_id
JOIN organisation o ON o.id = a.employer_id
LEFT JOIN apprenticeship_summary s ON s.apprenticeship_id = a.id
WHERE {scope}
ORDER BY u.name, a.id
LIMIT 50
"""
CASELOAD = text(_COHORT.format(scope="a.tutor_id = :tutor_id AND a.provider_id = :provider_id"))
EMPLOYER_COHORT = text(_COHORT.format(scope="a.employer_id = :employer_id"))

# What a provider overview reads: the summaries kept beside every change, on covering indexes.
OVERVIEW = tuple(
    text(sql)
    for sql in (
        """SELECT CASE WHEN ksb_total > 0 THEN signed_off * 10 / ksb_total ELSE 0 END, count(*)
           FROM apprenticeship_summary WHERE provider_id = :provider_id GROUP BY 1""",
        """SELECT status, count(*) FROM apprenticeship_summary
           WHERE provider_id = :provider_id GROUP BY status""",
        """SELECT g.*, u.name FROM (
             SELECT tutor_id, count(*) AS n, sum(items_awaiting_review) AS awaiting,
                    min(oldest_awaiting_since) AS oldest
             FROM apprenticeship_summary WHERE provider_id = :provider_id GROUP BY tutor_id
           ) g LEFT JOIN user_account u ON u.id = g.tutor_id""",
        """SELECT count(*) FROM apprenticeship_summary
           WHERE provider_id = :provider_id AND status = 'active' AND behind_on <= :today""",
        """SELECT a.id, u.name, t.name, a.start_date, a.planned_end_date, s.signed_off,
                  s.ksb_total, s.behind_on, s.red_on
           FROM apprenticeship a JOIN apprenticeship_summary s ON s.apprenticeship_id = a.id
           JOIN user_account u ON u.id = a.apprentice_id
           LEFT JOIN user_account t ON t.id = a.tutor_id
           WHERE a.id IN (SELECT apprenticeship_id FROM apprenticeship_summary
                          WHERE provider_id = :provider_id AND status = 'active'
                          AND red_on <= :today ORDER BY red_on, apprenticeship_id LIMIT 50)""",
    )
)


def _overview(session: Session, facts: Facts) -> object:
    params = facts.ids | {"today": date.today()}
    return [session.execute(statement, params).all() for statement in OVERVIEW]


# The same figures computed from the raw rows: every claim and sign-off of the provider.
FULL_SCAN = text("""
SELECT a.id, a.status, a.tutor_id, a.start_date, a.planned_end_date,
  (SELECT count(*) FROM ksb_signoff so WHERE so.apprenticeship_id = a.id) AS signed_off,
  (SELECT count(DISTINCT c.ksb_id) FROM evidence_item e JOIN ksb_claim c ON c.evidence_id = e.id
    WHERE e.apprenticeship_id = a.id AND e.state <> 'draft' AND c.state = 'confirmed') AS evidenced,
  (SELECT count(*) FROM evidence_item e
    WHERE e.apprenticeship_id = a.id AND e.state = 'submitted') AS awaiting,
  (SELECT min(e.submitted_at) FROM evidence_item e
    WHERE e.apprenticeship_id = a.id AND e.state = 'submitted') AS oldest
FROM apprenticeship a WHERE a.provider_id = :provider_id
""")


def _run(*statements: TextClause) -> Callable[[Session, Facts], object]:
    def query(session: Session, facts: Facts) -> object:
        return [session.execute(s, facts.ids).all() for s in statements]

    return query


def _coverage(session: Session, facts: Facts) -> object:
    apprenticeship = session.get_one(Apprenticeship, facts.ids["apprenticeship_id"])
    return apprenticeship_coverage(session, apprenticeship=apprenticeship, today=date.today())


def _employer(session: Session, facts: Facts) -> object:
    """The cohort rows, plus the per-KSB facts its duty-coverage column is worked out from."""
    rows = session.execute(EMPLOYER_COHORT, facts.ids).all()
    return rows, ksb_facts(session, [row[0] for row in rows])


def _heatmap(session: Session, facts: Facts) -> object:
    cohort = select(col(Apprenticeship.id)).where(
        col(Apprenticeship.employer_id) == facts.ids["big_employer_id"]
    )
    return ksb_facts(
        session, list(session.scalars(cohort.order_by(col(Apprenticeship.id)).limit(500)))
    )


# --- finding the pages in the app ------------------------------------------------------------


def named(name: str) -> Callable[[FastAPI], APIRoute | None]:
    return lambda app: next((r for r in _routes(app) if r.name == name), None)


def html_route_matching(word: str) -> Callable[[FastAPI], APIRoute | None]:
    """For pages whose route name is not settled yet: the first GET page naming `word`."""

    def find(app: FastAPI) -> APIRoute | None:
        pages = (r for r in _routes(app) if "GET" in (r.methods or ()) and not _is_api(r))
        return next((r for r in pages if word in r.name or word in r.path), None)

    return find


def upload_route(app: FastAPI) -> APIRoute | None:
    posts = (r for r in _routes(app) if "POST" in (r.methods or ()))
    return next((r for r in posts if r.path.endswith(UPLOAD_PATH.removeprefix(API_PREFIX))), None)


def _is_api(route: APIRoute) -> bool:
    return route.name.startswith("api_") or route.path.startswith(API_PREFIX + "/")


def _walk(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        # Newer FastAPI keeps an included router whole (duck-typed: the class is private).
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def _routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in _walk(app.routes) if isinstance(r, APIRoute)]


def status_of(route: APIRoute | None) -> str:
    if route is None:
        return "not built yet"
    return "built"


def path_of(app: FastAPI, route: APIRoute, params: dict[str, int]) -> str:
    """The route's URL, its path parameters filled from the facts by name."""
    return str(app.url_path_for(route.name, **{k: params[k] for k in route.param_convertors}))


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    issue: int  # the issue that builds the real page
    find: Callable[[FastAPI], APIRoute | None]
    viewer: str  # key of Facts.emails
    sql: Callable[[Session, Facts], object]
    # The p50 bar: p50 <= factor x basis, basis one of "sql+render", "sql", "full-scan".
    p50_bar: tuple[str, float] | None = None
    full_scan: Callable[[Session, Facts], object] | None = None
    params: Callable[[Facts], dict[str, int]] = field(default=lambda facts: facts.ids)


@dataclass(frozen=True)
class Upload:
    name: str
    title: str
    size: int
    find: Callable[[FastAPI], APIRoute | None] = upload_route
    viewer: str = "apprentice"


def _heatmap_params(facts: Facts) -> dict[str, int]:
    return facts.ids | {"employer_id": facts.ids["big_employer_id"]}


PAGES: tuple[Page, ...] = (
    Page(
        "coverage",
        "One apprentice's coverage page",
        issue=4,
        find=named("portfolio_home"),
        viewer="apprentice",
        sql=_coverage,
        p50_bar=("sql+render", 3.0),
    ),
    Page(
        "cohort",
        "Caseload of 50 (tutor)",
        issue=5,
        find=named("caseload_home"),
        viewer="tutor",
        sql=_run(CASELOAD),
        p50_bar=("sql+render", 2.0),
    ),
    Page(
        "employer",
        "Employer dashboard (~50)",
        issue=6,
        find=named("employer_home"),
        viewer="employer",
        sql=_employer,
    ),
    Page(
        "heatmap",
        "KSB heatmap, 500 apprentices",
        issue=6,
        find=html_route_matching("heatmap"),
        viewer="big_employer",
        sql=_heatmap,
        p50_bar=("sql", 2.0),
        params=_heatmap_params,
    ),
    Page(
        "provider",
        "Provider overview",
        issue=6,
        find=named("provider_home"),
        viewer="admin",
        sql=_overview,
        p50_bar=("full-scan", 0.05),
        full_scan=_run(FULL_SCAN),
    ),
)
UPLOADS: tuple[Upload, ...] = (
    Upload("upload-100mb", "Evidence upload, 100 MiB", 100 * MIB),
    Upload("upload-1gb", "Evidence upload, 1 GiB", 1024 * MIB),
)
TARGET_NAMES = tuple(p.name for p in PAGES) + tuple(u.name for u in UPLOADS)
