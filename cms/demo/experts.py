"""Which demo experts sit on a review track, a planning entry or a sampling check."""

from itertools import islice

from workflow.models import TrackKind
from workflow.services.rules import recusal_reason, reviewer_qualification_error


def experts(users, textbook, track_kind=TrackKind.SUBJECT, case=None, *, count):
    """The first ``count`` demo users qualified for ``track_kind`` who need not recuse
    themselves for ``textbook`` (and ``case``). Checked one by one, cheapest test first, up to
    the ``count``-th: recusal takes several queries, and loading the demo asks this often."""
    qualified = (
        user
        for user in users.values()
        if not user.is_superuser
        and reviewer_qualification_error(user, track_kind) is None
        and recusal_reason(user, textbook, case) is None
    )
    return list(islice(qualified, count))
