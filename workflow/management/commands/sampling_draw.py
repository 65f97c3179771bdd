from django.core.management.base import BaseCommand, CommandError

from workflow.models import SamplingCampaign
from workflow.services import sampling
from workflow.services.errors import WorkflowError


class Command(BaseCommand):
    help = (
        "Draw a sampling campaign's textbooks (stratified by province × tier × major category, "
        "seeded, never twice in a cycle) and print per province: textbooks in use, drawn "
        "nationally, drawn provincially, coverage; and the sample's checksum. With --dry-run "
        "nothing is written: with a drawn campaign's own seed it shows the same sample again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="campaign id")
        parser.add_argument("--seed", type=int, help="random seed (default: recorded, or new)")
        parser.add_argument("--dry-run", action="store_true", help="compute and print only")

    def handle(self, *args, campaign, seed=None, dry_run=False, **options):
        found = SamplingCampaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"找不到抽查 {campaign}（campaign {campaign} not found）")
        try:
            result = sampling.draw(found, seed=seed, dry_run=dry_run)
        except WorkflowError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.campaign} · seed {result.seed}"
            + ("（试运行，未做任何更改 dry run）" if dry_run else "")
        )
        header = (
            "省份 province",
            "在用 in use",
            "国家 national",
            "省级 provincial",
            "覆盖 coverage",
        )
        self.stdout.write("  ".join(header))
        for row in result.provinces:
            self.stdout.write(
                f"{row.label} {row.in_use} {row.national} {row.provincial} {row.coverage:.1%}"
            )
        self.stdout.write(f"抽取 drawn: {len(result.sample)}")
        self.stdout.write(f"校验和 checksum: {result.checksum}")
