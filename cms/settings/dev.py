from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the embedded demo, never production
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# runserver serves each request in a thread of its own, so a persistent connection would
# outlive its request and its thread: one left open per request, until PostgreSQL refuses
# new clients (the load test saw 95 after about a thousand requests). Production servers keep
# their threads and the base setting.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
