"""The rate limit of the public forms (errata reports, objections to a public notice): counted
per client address, as a keyed hash of it, in Django's cache."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from workflow.services.errors import WorkflowError

WINDOW_SECONDS = 3600


class RateLimited(WorkflowError):
    """Too many submissions from one address this hour."""


def address_hash(address):
    """A keyed hash of a client address: enough to rate-limit, useless to identify anyone."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def within_limit(bucket, ip_hash, per_hour):
    """Count one submission to ``bucket`` from this address; whether it is within the hourly
    allowance.

    add() and incr() are each atomic in the cache, so submissions arriving at the same moment
    get distinct counts: no two of them can both read "four so far" (a read-then-write could).
    """
    key = f"{bucket}:{ip_hash}"
    cache.add(key, 0, WINDOW_SECONDS)  # the hour starts with the first submission
    try:
        count = cache.incr(key)
    except ValueError:  # the hour ended between add() and incr(): this one starts the next
        cache.add(key, 0, WINDOW_SECONDS)
        count = cache.incr(key)
    return count <= per_hour
