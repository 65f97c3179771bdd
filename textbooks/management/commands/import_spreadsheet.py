"""Import a CSV or Excel (.xlsx) file of majors, courses, institutions, textbooks or batch
applications (textbooks.imports): every row validated first, all or nothing, idempotent.

    manage.py import_spreadsheet textbooks catalogue.xlsx --user admin
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from textbooks.imports import ImportFailed, importers, read, run


class ProgressBar:
    """A one-line bar on the terminal (stderr), redrawn at most every 1% of the rows."""

    WIDTH = 30

    def __init__(self, stream, label):
        self.stream, self.label, self.shown = stream, label, -1

    def __call__(self, done, total):
        percent = 100 * done // max(total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}% {done}/{total}{end}")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a CSV or .xlsx spreadsheet: validated first, all rows or none, idempotent."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="majors, courses, institutions, textbooks, applications")
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="the administrator importing")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, kind, path, user, no_progress=False, **options):
        available = importers()
        if kind not in available:
            raise CommandError(f"Unknown kind {kind!r}; one of: {', '.join(available)}")
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {user!r}") from exc
        importer = available[kind](actor)
        progress = None if no_progress else ProgressBar(sys.stderr, str(importer.label))
        try:
            with open(path, "rb") as fileobj:
                dataset = read(fileobj, path)
            result = run(importer, dataset, progress=progress)
        except (OSError, ImportFailed) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        if result.errors:
            for error in result.errors:
                self.stdout.write(f"{error.row}\t{error.column}\t{error.message}")
            raise CommandError(f"{len(result.errors)} errors; nothing was imported.")
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )
