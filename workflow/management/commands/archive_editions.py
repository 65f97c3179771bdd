from django.core.management.base import BaseCommand

from media.storage import MediaStorageError
from workflow.archives import ArchiveExists, source_for_edition, write_archive
from workflow.models import Edition, EditionArchive
from workflow.printing import PrintUnavailable


class Command(BaseCommand):
    help = "为尚无完整归档的已发布版次写入归档（可重复运行；已完成的归档不会被覆盖）。"

    def handle(self, *args, **options):
        done = set(
            EditionArchive.objects.filter(completed_at__isnull=False).values_list(
                "textbook_id", "version"
            )
        )
        failed = 0
        for edition in Edition.objects.select_related("textbook").order_by("published_at"):
            if (edition.textbook_id, edition.version) in done:
                continue
            try:
                record = write_archive(source_for_edition(edition))
            except (ArchiveExists, MediaStorageError, PrintUnavailable) as error:
                failed += 1
                self.stderr.write(f"{edition}：归档未写入：{error}")
            else:
                self.stdout.write(f"{edition}：已归档，校验和 {record.checksum}")
        if failed:
            self.stderr.write(f"{failed} 个版次未归档。")
