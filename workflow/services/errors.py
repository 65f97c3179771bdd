class WorkflowError(Exception):
    """An operation was refused; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ReviewConflict(WorkflowError):
    """Someone else moved the case since the caller read it."""
