"""The `portfolio` command line: serve, db, standards, demo, users, tokens, files, backup and
restore."""

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.engine import Engine

from app import demo, migrate
from app.db import make_engine, open_session
from app.errors import DomainError
from app.settings import Settings

cli = typer.Typer(
    help="KSB Portfolio: evidence portfolios for apprenticeships.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
standards_cli = typer.Typer(help="Apprenticeship standards.", no_args_is_help=True)
demo_cli = typer.Typer(help="Demo data.", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_cli = typer.Typer(help="Personal access tokens for the JSON API.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(standards_cli, name="standards")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(users_cli, name="users")
cli.add_typer(tokens_cli, name="tokens")
files_cli = typer.Typer(help="Evidence files in the storage folder.", no_args_is_help=True)
cli.add_typer(files_cli, name="files")
console = Console()


def _settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]Error:[/red] {message}", highlight=False)
    return typer.Exit(code=1)


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    demo_data: Annotated[
        bool, typer.Option("--demo", help="Seed demo data into an empty database.")
    ] = False,
) -> None:
    """Apply migrations, load the shipped standards, and serve the app."""
    settings = _settings()
    engine = _engine(settings)
    migrate.upgrade(engine)
    with open_session(engine) as session:
        demo.import_seed_standards(session)
        session.commit()
    if demo_data and not demo.has_users(engine):
        _seed_with_progress(engine, settings, demo.DEFAULT_APPRENTICES)
    engine.dispose()
    console.print(f"KSB Portfolio on http://{host}:{port}", highlight=False)
    uvicorn.run(
        "app.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    engine = _engine(_settings())
    migrate.upgrade(engine, revision)
    console.print(f"Database at {migrate.current(engine)}")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes everything)."""
    engine = _engine(_settings())
    migrate.downgrade(engine, revision)
    console.print(f"Database at {migrate.current(engine) or 'base'}")


@db_cli.command("check")
def db_check() -> None:
    """Exit non-zero when the models and the migrated database differ."""
    engine = _engine(_settings())
    if migrate.current(engine) not in migrate.heads():
        raise _fail(f"database is at {migrate.current(engine)}, not at head {migrate.heads()}")
    differences = migrate.model_differences(engine)
    if differences:
        for difference in differences:
            console.print(f"  {difference}", highlight=False)
        raise _fail("the models and the migrations differ: write a migration")
    console.print("Models and migrations agree.")


@standards_cli.command("import")
def standards_import(files: list[Path]) -> None:
    """Import standards from project or national catalogue JSON files."""
    from app.standards.importer import StandardFileError, import_standards, load_file

    engine = _engine(_settings())
    try:
        loaded = [standard for path in files for standard in load_file(path)]
        with open_session(engine) as session:
            results = import_standards(session, standards=loaded)
            session.commit()
    except StandardFileError as exc:
        raise _fail(str(exc)) from exc
    for result in results:
        verb = "imported" if result.created else "already loaded"
        console.print(f"{result.reference} v{result.version}: {verb}", highlight=False)


@standards_cli.command("list")
def standards_list() -> None:
    """List the loaded standards."""
    from app.standards.queries import list_standards

    engine = _engine(_settings())
    with open_session(engine, read_only=True) as session:
        rows = list_standards(session)
    table = Table("Reference", "Version", "Title", "Level", "KSBs", "Duties")
    for row in rows:
        table.add_row(
            row.reference,
            row.version,
            row.title,
            str(row.level),
            str(row.ksb_count),
            str(row.duty_count),
        )
    console.print(table)


@demo_cli.command("seed")
def demo_seed(apprentices: int = demo.DEFAULT_APPRENTICES) -> None:
    """Seed demo data (accounts as in the README) into an empty database."""
    settings = _settings()
    engine = _engine(settings)
    migrate.upgrade(engine)
    try:
        _seed_with_progress(engine, settings, apprentices)
    except DomainError as exc:
        raise _fail(exc.detail) from exc


def _seed_with_progress(engine: Engine, settings: Settings, apprentices: int) -> None:
    with Progress(console=console) as progress:
        task = progress.add_task("Seeding demo apprentices", total=apprentices)
        demo.seed_demo(
            engine,
            settings=settings,
            apprentices=apprentices,
            progress=lambda n: progress.advance(task, n),
        )
    console.print(f"Seeded {apprentices} demo apprentices. Password: see README (Demo accounts).")


@users_cli.command("create")
def users_create(
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option()],
    org: Annotated[str, typer.Option(help="Organisation name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create a user; the password is asked for without echo."""
    from app.auth.accounts import create_user

    engine = _engine(_settings())
    try:
        with open_session(engine) as session:
            user = create_user(
                session, email=email, name=name, role=role, org_name=org, password=password
            )
            session.commit()
    except DomainError as exc:
        raise _fail(exc.detail) from exc
    console.print(f"Created {user.role} {user.email} (id {user.id}).", highlight=False)


@tokens_cli.command("create")
def tokens_create(
    email: Annotated[str, typer.Option(help="The user the token acts as")],
    name: Annotated[str, typer.Option(help="What will use it")] = "Command line",
) -> None:
    """Create a token for a user and print it once, alone on stdout (it is stored hashed)."""
    from app.auth.api_tokens import create_token_for

    engine = _engine(_settings())
    try:
        with open_session(engine) as session:
            new = create_token_for(session, email=email, name=name)
            session.commit()
    except DomainError as exc:
        raise _fail(exc.detail) from exc
    Console(stderr=True).print(
        f"Token {new.row.id} for {email.strip().lower()}. Copy it now: it is not shown again.",
        highlight=False,
    )
    typer.echo(new.raw)


@tokens_cli.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Option("--id", help="The token's id")]) -> None:
    """Revoke a token by its id, whoever owns it."""
    from app.auth.api_tokens import revoke_token_by_id

    engine = _engine(_settings())
    try:
        with open_session(engine) as session:
            revoke_token_by_id(session, token_id=token_id)
            session.commit()
    except DomainError as exc:
        raise _fail(exc.detail) from exc
    console.print(f"Token {token_id} revoked.")


@files_cli.command("sweep")
def files_sweep(
    older_than_minutes: Annotated[
        float | None,
        typer.Option(min=0, help="Idle time before a file no row references is removed"),
    ] = None,
) -> None:
    """Move committed uploads into place; remove idle files that no row references."""
    from app.evidence import reconcile
    from app.evidence.storage import LocalStorage

    settings = _settings()
    grace = settings.files_grace_seconds if older_than_minutes is None else older_than_minutes * 60
    swept = reconcile.sweep(
        _engine(settings), LocalStorage(settings.files_dir), grace_seconds=grace
    )
    console.print(
        f"Moved {swept.promoted} committed upload(s) into place. Removed "
        f"{swept.unfinished_removed} unfinished upload file(s), {swept.orphans_removed} file(s) "
        f"no row references, and {swept.deleted_removed} deleted file(s).",
        highlight=False,
    )


@files_cli.command("check")
def files_check() -> None:
    """Exit non-zero when a file row has no file in place, or a file in place has no row."""
    from app.evidence import reconcile
    from app.evidence.storage import LocalStorage

    settings = _settings()
    report = reconcile.check(_engine(settings), LocalStorage(settings.files_dir))
    rows = [
        f"file {missing.file_id}: {missing.key}"
        + (" (complete under .part: the sweep moves it into place)" if missing.waiting else "")
        for missing in report.rows_without_files
    ]
    _print_names("Rows without files", rows)
    _print_names("Files without rows", report.files_without_rows)
    _print_names("Unfinished uploads (.part, no row)", report.unfinished)
    _print_names("Deleted files waiting for the sweep", report.deleted)
    if not report.agree:
        raise _fail("files and rows disagree")
    console.print("Files and rows agree.")


def _print_names(heading: str, names: list[str]) -> None:
    console.print(f"{heading}: {len(names)}", highlight=False)
    for name in names:
        console.print(f"  {name}", highlight=False)


@cli.command("backup")
def backup_command(
    dest: Annotated[Path, typer.Argument(help="A new or empty folder for the backup")],
) -> None:
    """Copy the database and the evidence files it references into DEST, with a manifest."""
    from app.backup import BackupError, backup

    try:
        written = backup(_settings(), dest)
    except BackupError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"Backed up the database and {written.files} file(s) to {dest}.", highlight=False)
    if written.missing:
        for key in written.missing:
            console.print(f"  {key}", highlight=False)
        raise _fail(
            f"{len(written.missing)} file(s) the database references were missing from storage "
            "or did not match their checksum (listed above; see `portfolio files check`)."
        )


@cli.command("restore")
def restore_command(
    src: Annotated[Path, typer.Argument(help="A folder written by `portfolio backup`")],
) -> None:
    """Restore a backup into an empty data folder and an empty database, checking checksums."""
    from app.backup import BackupError, restore

    try:
        restored = restore(_settings(), src)
    except BackupError as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"Restored the database and {restored.files} file(s) from {src}.", highlight=False
    )
    if restored.missing:
        console.print(
            f"[yellow]Warning:[/yellow] {len(restored.missing)} file(s) the database references "
            "could not be backed up: `portfolio files check` lists their rows.",
            highlight=False,
        )


def main() -> None:
    cli()
