from functools import wraps

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

CASE_CONFLICT = _("该审核案已被他人处理，请刷新页面后再操作。")
ERRATUM_CONFLICT = _("该勘误已被他人处理，请刷新页面后再操作。")

# PostgreSQL: lock_not_available (lock_timeout) and deadlock_detected.
BUSY_SQLSTATES = {"55P03", "40P01"}


class WorkflowError(Exception):
    """An operation was refused; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ReviewConflict(WorkflowError):
    """Someone else moved the case since the caller read it."""


def is_busy(exc):
    """The database could not give the transaction its locks: another one holds them.

    SQLite has no row locks: a second writer waits for the whole database and, after its
    timeout or at once when waiting would deadlock (two transactions that both read first),
    fails with "database is locked" ("database table is locked" with a shared cache)."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate in BUSY_SQLSTATES or "is locked" in str(exc)


def conflict_when_busy(message=CASE_CONFLICT):
    """Decorate a state-changing service: when the database is busy with a simultaneous
    operation on the same rows (two publishes at once), the caller gets ReviewConflict with
    ``message``, the same answer as for losing the race on the row lock, and nothing changed:
    the service's transaction, inside this wrapper, has rolled back."""

    def decorate(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except OperationalError as exc:
                if not is_busy(exc):
                    raise
                raise ReviewConflict(str(message)) from exc

        wrapper.conflict_message = message
        return wrapper

    return decorate
