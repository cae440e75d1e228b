"""Domain errors that carry their HTTP status; only the web layer turns them into responses."""

from collections.abc import Mapping

NOT_SAVED = "Please correct the details marked below. Nothing has been saved yet."


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(DomainError):
    status_code = 400


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Unavailable(DomainError):
    """Not now: the worker is at capacity, or the database cannot answer. Try again soon."""

    status_code = 503

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class FieldErrors(DomainError):
    """What was sent is refused: field name -> message, each shown beside its own field (422).

    Every domain raises this one type, so the pages show each message beside its field and the
    API answers one `{"loc": ["body", field], "msg": ...}` entry per field.
    """

    status_code = 422

    def __init__(self, fields: Mapping[str, str], *, summary: str = NOT_SAVED) -> None:
        super().__init__(summary)
        self.fields = dict(fields)

    @classmethod
    def one(cls, field: str, message: str) -> "FieldErrors":
        """A single problem: the summary says it too, since it is all there is to fix."""
        return cls({field: message}, summary=message)
