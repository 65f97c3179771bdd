"""Settings shared by every environment. Environment-specific files override, never copy."""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "cms",
    "textbooks",
    "workflow",
    "media",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.table_block",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "textbooks.users.apps.UsersConfig",  # wagtail.users, with role labels
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.site.retired.RetiredTextbookMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.FrameworkBadInputMiddleware",
]

ROOT_URLCONF = "cms.urls"
# login_required (assets, the QR sheet, admin screens) sends visitors to Wagtail's login page,
# the only one the project has, which returns them to ?next= afterwards.
LOGIN_URL = "wagtailadmin_login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# The embedded default is SQLite; DATABASE_URL (PostgreSQL in production and CI) overrides it.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# SQLite, the embedded default, behind a threaded server: each transaction takes the write lock
# as it begins and waits up to 20 s for it. With SQLite's default (deferred) two transactions
# that read, then write, fail at once with "database is locked": the load test saw a 500 on a
# selection approval and a reviewer's opinion refused as a conflict.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
# PostgreSQL: no JIT compilation. It starts above a planner cost that whole-catalogue statements
# reach (100,000 textbooks) and then compiles for longer than they run: the sweep's status sync
# spent 376 ms compiling a 220 ms statement (EXPLAIN ANALYZE, benchmarks/README.md).
POSTGRES_OPTIONS = {"options": "-c jit=off"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = POSTGRES_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English available (admin users pick theirs in their account settings;
# the public site follows the browser through LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The account page names each time zone in the reader's language with the browser's Intl, which
# rejects the system's "localtime" entry and then leaves every name raw (Africa/Abidjan …).
WAGTAIL_USER_TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"

# Not BASE_DIR / "media": that is the media app's package.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
MEDIA_URL = "/uploads/"

# Files nobody may reach by URL (review documents): outside MEDIA_ROOT, served only through
# views that check the viewer. On S3: private objects (under "private/", or in their own
# bucket), handed out as presigned URLs.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# S3-compatible object storage when a bucket is configured (any environment); credentials
# come from the standard AWS environment variables (or the instance role), never from here.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "cn-north-1")
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE", "auto")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            # A bucket of its own keeps them away from a CDN that reads the public one.
            "bucket_name": os.environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME")
            or AWS_STORAGE_BUCKET_NAME,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Lifetime of presigned links to private media (seconds); public media go through the CDN
# base URL when one is set (e.g. https://cdn.example.org/textbooks), else presigned links too.
AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300"))
MEDIA_CDN_BASE_URL = os.environ.get("MEDIA_CDN_BASE_URL", "")

# Per-kind limits for mixed-media assets. Types are detected from the bytes, never the name;
# "html5-package" is a zip archive with index.html at its root.
MEDIA_ASSET_RULES = {
    "video": {"max_size": 2 * 1024**3, "content_types": ["video/mp4", "video/webm"]},
    "audio": {
        "max_size": 200 * 1024**2,
        "content_types": ["audio/mpeg", "audio/mp4", "audio/ogg", "audio/x-wav"],
    },
    "image": {
        "max_size": 20 * 1024**2,
        "content_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
    },
    "model3d": {
        "max_size": 500 * 1024**2,
        "content_types": ["model/gltf-binary", "model/gltf+json"],
    },
    "simulation": {"max_size": 500 * 1024**2, "content_types": ["html5-package"]},
    "document": {"max_size": 100 * 1024**2, "content_types": ["application/pdf"]},
}

# Where the client's address is (the erratum rate limit counts reports per address). Empty:
# REMOTE_ADDR, right when nothing stands in front of Django. Behind reverse proxies that each
# append the address they were reached from (nginx: $proxy_add_x_forwarded_for), name the
# header ("HTTP_X_FORWARDED_FOR") and how many of them there are: the client is that many hops
# from the right; what the client itself put further left is ignored.
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

# Review documents (使用跟踪报告, 修订内容对照表): types detected from the bytes, as for assets.
REVIEW_DOCUMENT_RULES = {
    "max_size": 50 * 1024**2,
    "content_types": [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
}

WAGTAIL_SITE_NAME = _("职业教育教材全生命周期管理")
WAGTAILADMIN_USER_LOGIN_FORM = "textbooks.users.forms.LoginForm"
# No Gravatar: the admin runs where it cannot be reached; Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public site's address, printed (as text and QR codes) in edition PDFs; empty means
# WAGTAILADMIN_BASE_URL. Paper cannot be corrected: set it before printing.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Elasticsearch serves the public catalogue search when set; the database backend otherwise.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

# Review (workflow/): Wagtail's own page-by-page moderation is off, every change goes
# through a ReviewCase; subject-expert reviewers required per tier.
WAGTAIL_WORKFLOW_ENABLED = False
WORKFLOW_SUBJECT_REVIEWERS = {"national": 3, "provincial": 2, "school": 1}

# Revision cycles (workflow/lifecycle): an annual minor and a three-year major revision.
LIFECYCLE_MINOR_PERIOD_MONTHS = 12
LIFECYCLE_MAJOR_PERIOD_MONTHS = 36
LIFECYCLE_NOTICE_DAYS = 60  # revision_due this many days before a due date
LIFECYCLE_GRACE_DAYS = 90  # suspended this many days after it
LIFECYCLE_RETIREMENT_AFTER_MONTHS = 36  # no published revision this long: propose retirement
# Sampling checks (workflow/sampling): a failed textbook has this long to publish a corrective
# edition before the daily sweep proposes its retirement.
SAMPLING_RECTIFICATION_DAYS = 90

# Planning (workflow/planning): the public notice (公示) lasts this many days; anyone may object
# this many times an hour from one address.
PLANNING_NOTICE_DAYS = 7
PLANNING_OBJECTIONS_PER_HOUR = 5

# Selection (workflow/selection): a plan is approved when more than this share of the school's
# committee members approve it, and announced at the school this many days before filing.
SELECTION_QUORUM = 0.5
SELECTION_NOTICE_DAYS = 3
# The action plan's target for school–enterprise co-developed national planned textbooks.
COMPLIANCE_CO_DEVELOPED_TARGET = 10_000

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "textbooks@example.org")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "textbooks": {"level": "INFO"},
        "workflow": {"level": "INFO"},
        "media": {"level": "INFO"},
    },
}
