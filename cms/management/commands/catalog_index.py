from django.core.management.base import BaseCommand, CommandError

from cms.search import service
from cms.search.backends.database import IndexBusy


class Command(BaseCommand):
    help = (
        "Rebuild the catalogue search index (database, and Elasticsearch when configured), "
        "choose the broad words whose facet counts the database index keeps, or write again "
        "to Elasticsearch what failed to reach it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["rebuild", "terms", "retry"],
            help="rebuild: re-index everything; terms: choose the broad words anew (daily); "
            "retry: re-index in Elasticsearch the textbooks whose write failed (cron)",
        )
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=60,
            help="terms: give up after waiting this many seconds for index writes in flight",
        )

    def handle(self, action, batch_size, lock_timeout, **options):
        if action == "retry":
            written, waiting = service.retry_backlog()
            self.stdout.write(f"Re-indexed in Elasticsearch: {written}; still waiting: {waiting}.")
            if waiting:
                raise CommandError(
                    "Elasticsearch is still unreachable; search answers from the database "
                    "until the waiting textbooks are written. Run this again later."
                )
            return
        if action == "terms":
            try:
                kept, new, dropped = service.refresh_terms(lock_timeout=lock_timeout)
            except IndexBusy as busy:
                raise CommandError(
                    f"Index writes held the catalogue for more than {busy.seconds:g} s, so "
                    "the broad words were not chosen again; nothing changed. Run it again "
                    "later, or with a longer --lock-timeout."
                ) from busy
            self.stdout.write(
                self.style.SUCCESS(
                    f"Facet counts kept for {kept} broad words ({new} new, {dropped} dropped)."
                )
            )
            return
        names = ", ".join(backend.name for backend in service.backends())
        self.stdout.write(f"Rebuilding the catalogue index ({names})")
        interactive = self.stdout.isatty()

        def progress(done, total):
            if interactive:
                width = 30
                filled = width * done // max(total, 1)
                bar = "#" * filled + "-" * (width - filled)
                self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(f"{done}/{total} textbooks processed")

        indexed = service.rebuild(progress=progress, batch_size=batch_size)
        if interactive:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} published textbooks."))
