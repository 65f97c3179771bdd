from functools import wraps

from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _

CASE_CONFLICT = _("该审核案已被他人处理，请刷新页面后再操作。")
ERRATUM_CONFLICT = _("该勘误已被他人处理，请刷新页面后再操作。")
# Not "nothing was saved": a connection lost while COMMIT was on its way may have saved it all.
CONNECTION_LOST = _("与数据库的连接中断，本次操作没有完成。请刷新页面查看当前状态后再试。")

# PostgreSQL: lock_not_available (lock_timeout) and deadlock_detected.
BUSY_SQLSTATES = {"55P03", "40P01"}
# PostgreSQL: admin_shutdown (pg_terminate_backend, a restart), crash_shutdown,
# cannot_connect_now; and the whole class 08, connection exceptions.
DISCONNECTED_SQLSTATES = {"57P01", "57P02", "57P03"}


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


def is_disconnected(exc):
    """The connection to the database went away (server restarted, backend terminated,
    network): the transaction went with it, whatever it had done so far."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    if sqlstate in DISCONNECTED_SQLSTATES or sqlstate.startswith("08"):
        return True
    # A connection lost without a word from the server ("server closed the connection
    # unexpectedly"): Django has dropped it, or the driver marks it closed.
    return connection.connection is None or getattr(connection.connection, "closed", False)


def conflict_when_busy(message=CASE_CONFLICT):
    """Decorate a state-changing service: when the database is busy with a simultaneous
    operation on the same rows (two publishes at once), the caller gets ReviewConflict with
    ``message``, the same answer as for losing the race on the row lock, and nothing changed:
    the service's transaction, inside this wrapper, has rolled back. When the connection to
    the database is lost on the way, the caller gets WorkflowError saying so, not a 500."""

    def decorate(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except OperationalError as exc:
                if is_busy(exc):
                    raise ReviewConflict(str(message)) from exc
                if is_disconnected(exc):
                    raise WorkflowError(str(CONNECTION_LOST)) from exc
                raise

        wrapper.conflict_message = message
        return wrapper

    return decorate
