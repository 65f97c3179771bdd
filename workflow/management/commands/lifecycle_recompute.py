from django.core.management.base import BaseCommand

from workflow.services.lifecycle import recompute_due_dates


class Command(BaseCommand):
    help = (
        "Recompute every textbook's revision and retirement due dates from its last published "
        "revisions with the LIFECYCLE_* periods now configured. Run it once after changing "
        "those settings; the next lifecycle_sweep moves the states."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change; change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        changed = recompute_due_dates(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"到期日重算 due dates {verb}: {changed}")
        if changed and not dry_run:
            self.stdout.write("run lifecycle_sweep to move the states by the new dates")
