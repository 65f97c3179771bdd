from django.core.management.base import BaseCommand, CommandError

from workflow.archives import archive_prefixes, verify_archive
from workflow.models import EditionArchive


class Command(BaseCommand):
    help = "重新计算每个版次归档的校验和，报告不一致、缺失或未完成的归档。"

    def handle(self, *args, **options):
        prefixes = set(archive_prefixes())
        recorded = set(
            EditionArchive.objects.filter(completed_at__isnull=False).values_list(
                "prefix", flat=True
            )
        )
        problems = [f"{prefix}：记录为已完成，但存储中不存在。" for prefix in recorded - prefixes]
        for prefix in sorted(prefixes):
            found = verify_archive(prefix)
            problems.extend(found)
            if not found:
                self.stdout.write(f"{prefix}：校验通过")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} 个问题")
        self.stdout.write(self.style.SUCCESS(f"全部 {len(prefixes)} 个归档校验通过"))
