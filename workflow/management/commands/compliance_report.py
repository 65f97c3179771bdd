import json

from django.core.management.base import BaseCommand, CommandError

from textbooks.models import PROVINCES
from workflow.services.compliance import figures


class Command(BaseCommand):
    help = (
        "The compliance figures of the dashboard (co-developed planned textbooks against the "
        "target, latest-updated share, selections filed, sampling coverage, revisions due), "
        "nationwide or for one province."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", help="province code, e.g. JS (default: every one)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, province=None, format="text", **options):
        if province is not None and province not in dict(PROVINCES):
            raise CommandError(
                f"unknown province {province!r}; one of {', '.join(dict(PROVINCES))}"
            )
        result = figures([province] if province else None)
        data = result.as_json()
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
            return
        labels = dict(PROVINCES)
        out = self.stdout.write
        out(f"term {data['term']['year']} {data['term']['season']}")
        out(
            f"co-developed national planned textbooks: {data['co_developed_planned']}"
            f" / target {data['co_developed_target']}"
        )
        out(f"selections filed: {data['selections_filed']} / {data['selections_expected']}")
        out(f"revisions due: {data['revisions_due']}, overdue: {data['revisions_overdue']}")
        out(
            "planning batches: "
            + ", ".join(f"{k} {v}" for k, v in data["planning_batches"].items())
        )
        out("province  lines  latest  share  filed/expected  sampling  due  overdue")
        for code in data["provinces"]:
            lines = data["professional_lines"][code]
            share = data["latest_updated_share"][code]
            sel = data["selections_by_province"][code]
            sampling = data["sampling_coverage"].get(code)
            rev = data["revisions_by_province"][code]
            out(
                f"{code} {labels[code]}  {lines['lines']}  {lines['latest']}  "
                f"{'—' if share is None else f'{share:.0%}'}  {sel['filed']}/{sel['expected']}  "
                f"{'—' if sampling is None else f'{sampling:.0%}'}  {rev['due']}  {rev['overdue']}"
            )
