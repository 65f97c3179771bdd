"""What every benchmark starts from: the PostgreSQL database named by DATABASE_URL (created if
missing, migrated) holding the catalogue of ``manage.py generate_catalogue`` (cms/generate.py),
generated on the first run and reused by every later one with the same size."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

SEED = 2026
LEAVES = 20


def ensure_database(url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def prepare(textbooks, leaves=LEAVES, seed=SEED):
    """The benchmark database with its catalogue; returns cms.generate.Summary."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (PostgreSQL) for the benchmark database.")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from cms.generate import generate_catalogue

    call_command("migrate", verbosity=0)
    print(f"catalogue: {textbooks:,} textbooks × {leaves} leaves, seed {seed} …", flush=True)
    try:
        summary = generate_catalogue(textbooks, leaves, seed)
    except ValueError as error:
        sys.exit(str(error))
    print(
        "  reused the catalogue already in the database"
        if summary.reused
        else f"  generated in {summary.seconds:.1f} s",
        flush=True,
    )
    return summary


def generated_on():
    """The day the catalogue was generated: its lifecycles are as that day's sweep found them."""
    from django.utils import timezone

    from cms.generate import generated

    created = generated().order_by("pk").values_list("created_at", flat=True).first()
    return timezone.localdate(created)


def reference_ms():
    """Milliseconds for a fixed piece of work in PostgreSQL (best of five): how loaded the
    machine is (about 40 ms on an idle machine; 135–230 ms measured here when idle)."""
    from django.db import connection

    best = None
    with connection.cursor() as cursor:
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
            elapsed = (time.perf_counter() - started) * 1000
            best = elapsed if best is None else min(best, elapsed)
    return best


def machine_load():
    return os.getloadavg()
