from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the embedded demo, never production
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
