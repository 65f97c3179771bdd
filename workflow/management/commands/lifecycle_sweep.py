import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from workflow.services.lifecycle import sweep

STEP_LABELS = {
    "suspend": "暂停使用 suspend",
    "mark_overdue": "逾期 overdue",
    "give_notice": "提醒 notice",
    "propose_retirement": "退出建议 retirement",
    "lapse_rectifications": "整改逾期 rectification",
    "notify": "通知 notify",
}


class Command(BaseCommand):
    help = (
        "Daily revision-cycle sweep: in_use → revision_due → revision_overdue → suspended, "
        "retirement proposals after three years without revision, e-mail to authors. "
        "Idempotent; run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would change; change nothing"
        )
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, dry_run=False, date=None, **options):
        as_of = None
        if date:
            try:
                as_of = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}") from exc
        progress = self.progress_bar(len(STEP_LABELS)) if sys.stdout.isatty() else None
        result = sweep(as_of, dry_run=dry_run, progress=progress)
        if progress:
            self.stdout.write("")
        title = f"生命周期巡检 {result.as_of.isoformat()}" + (
            "（试运行，未做任何更改 dry run）" if dry_run else ""
        )
        self.stdout.write(title)
        rows = list(result.rows())
        width = max(len(label) for label, _ in rows) + 2
        self.stdout.write("-" * (width + 10))
        for label, count in rows:
            self.stdout.write(f"{label:<{width}}{count:>8}")
        self.stdout.write("-" * (width + 10))

    def progress_bar(self, total):
        done = 0

        def advance(step):
            nonlocal done
            done += 1
            bar = "#" * (done * 20 // total)
            self.stdout.write(
                f"\r[{bar:<20}] {done}/{total} {STEP_LABELS.get(step, step):<24}", ending=""
            )
            self.stdout.flush()

        return advance
