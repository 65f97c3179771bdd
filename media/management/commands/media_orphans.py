from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from media import hooks, storage
from media.models import MediaAsset
from media.references import referenced_asset_ids


class Command(BaseCommand):
    help = (
        "列出没有任何资源引用的存储对象，以及没有任何页面（已发布内容或最新修订）引用的资源；"
        "--delete 删除它们。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除列出的对象和资源")
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=24,
            help="上传不足该时长的资源不算孤立（作者可能正要把它放进活页），默认 24",
        )

    def handle(self, *args, delete=False, grace_hours=24, **options):
        archived = hooks.gather(hooks.KEYS_IN_USE)
        cutoff = timezone.now() - timedelta(hours=grace_hours)
        unused_assets = (
            MediaAsset.objects.exclude(pk__in=referenced_asset_ids())
            .exclude(file__in=archived)
            .filter(created_at__lt=cutoff)
            .order_by("pk")
        )
        for asset in unused_assets:
            self.stdout.write(f"未被引用的资源 #{asset.pk} {asset.title}（{asset.file.name}）")
            if delete:
                asset.delete()
        kept = (
            set(MediaAsset.objects.values_list("file", flat=True))
            | set(MediaAsset.objects.exclude(poster="").values_list("poster", flat=True))
            | archived
        )
        for key in storage.list_keys("assets/"):
            if key not in kept:
                self.stdout.write(f"无资源引用的存储对象 {key}")
                if delete:
                    storage.delete(key)
