"""The copies of digital resources that a case puts under review and an edition publishes.

An asset row is the author's working copy: its file and title may be replaced at any time.
What reviewers review, and what readers of an edition are shown, is the copy pinned here: the
content-addressed storage key of the bytes (which a replacement leaves in place), their
checksum, the title and kind as they were, and the poster (its content-addressed key) and
captions (the transcript) a player shows with it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from media.models import MediaKind, ShownAsset


class AssetCopy(models.Model):
    key = models.CharField(_("存储键"), max_length=255)
    sha256 = models.CharField(_("SHA-256 校验和"), max_length=64)
    size = models.BigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("内容类型"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=MediaKind.choices)
    poster_key = models.CharField(_("封面图存储键"), max_length=255, blank=True, default="")
    transcript = models.TextField(_("字幕/文字稿"), blank=True, default="")

    COPIED = ["key", "sha256", "size", "content_type", "title", "kind", "poster_key", "transcript"]

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def copied(self):
        """The pinned fields, to pin the same copy elsewhere."""
        return {name: getattr(self, name) for name in self.COPIED}

    @classmethod
    def of_asset(cls, asset, **fields):
        """A pin of ``asset`` as it is now."""
        return cls(
            asset=asset,
            key=asset.file.name,
            sha256=asset.sha256,
            size=asset.size,
            content_type=asset.content_type,
            title=asset.title,
            kind=asset.kind,
            poster_key=asset.poster_key,
            transcript=asset.transcript,
            **fields,
        )

    def shown(self, url):
        return ShownAsset.at(
            url,
            title=self.title,
            kind=self.kind,
            poster=bool(self.poster_key),
            transcript=self.transcript,
        )


class PinnedAsset(AssetCopy):
    """An asset as the case's change set shows it, pinned when the case was submitted."""

    case = models.ForeignKey(
        "workflow.ReviewCase", on_delete=models.CASCADE, related_name="pinned_assets"
    )
    # A case that closed unpublished does not keep its assets; open cases keep theirs through
    # the media_asset_keepers hook (workflow/wagtail_hooks.py).
    asset = models.ForeignKey(
        "media.MediaAsset",
        verbose_name=_("数字资源"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "asset"], name="one_pin_per_asset_per_case")
        ]
        verbose_name = _("送审资源")
        verbose_name_plural = _("送审资源")


class EditionAsset(AssetCopy):
    """An asset as a published edition shows it: the copy its case reviewed."""

    edition = models.ForeignKey("workflow.Edition", on_delete=models.CASCADE, related_name="assets")
    asset = models.ForeignKey(
        "media.MediaAsset",
        verbose_name=_("数字资源"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "asset"], name="one_copy_per_asset_per_edition"
            )
        ]
        verbose_name = _("版次资源")
        verbose_name_plural = _("版次资源")
