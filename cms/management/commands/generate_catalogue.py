import datetime

from django.core.management.base import BaseCommand, CommandError

from cms.generate import generate_catalogue


class Command(BaseCommand):
    help = (
        "Generate a seeded national catalogue for benchmarks (textbooks with their pages, "
        "leaves, editions, lifecycles, search index, selections and planning); reuses the one "
        "the database already holds for the same arguments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--textbooks", type=int, default=100_000)
        parser.add_argument("--leaves", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="as of this day (default: today)"
        )

    def handle(self, *args, textbooks, leaves, seed, today, **options):
        try:
            summary = generate_catalogue(textbooks, leaves, seed, today=today)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if summary.reused:
            self.stdout.write(
                f"reused the catalogue already generated: {textbooks:,} textbooks × {leaves} leaves"
            )
        else:
            self.stdout.write(
                f"generated {textbooks:,} textbooks × {leaves} leaves (seed {seed}) "
                f"in {summary.seconds:.1f} s"
            )
        self.stdout.write(f"lifecycle states: {summary.states}")
