"""Digital resources bound to mixed-media textbooks, and their short links.

Asset bytes live in Django's default storage (filesystem, or S3 when configured) under a
content-addressed key (``assets/<sha256[:2]>/<sha256>.<ext>``): the same bytes uploaded twice
are stored once. Each upload still gets its own MediaAsset row, because an asset belongs to
one textbook and is reviewed with it; two textbooks (or two titles) sharing a video share the
stored object, never the row. Uploads go through media.services, which validates the bytes
before anything is stored.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from media import hooks
from textbooks.i18n import enumeration


class MediaKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    IMAGE = "image", _("图片")
    MODEL3D = "model3d", _("三维模型")
    SIMULATION = "simulation", _("仿真")
    DOCUMENT = "document", _("文档")


class MediaAssetQuerySet(models.QuerySet):
    def delete(self):
        refuse_deleting_kept(list(self))
        return super().delete()


class MediaAsset(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=MediaKind.choices)
    # The name is the content-addressed storage key, set by media.services (never upload_to).
    file = models.FileField(_("文件"), max_length=255)
    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("所属教材"),
        on_delete=models.PROTECT,
        related_name="media_assets",
        null=True,
        blank=True,
    )
    sha256 = models.CharField(
        _("SHA-256 校验和"), max_length=64, db_index=True, default="", editable=False
    )
    size = models.BigIntegerField(_("大小（字节）"), default=0, editable=False)
    content_type = models.CharField(
        _("内容类型"),
        max_length=100,
        default="",
        editable=False,
        help_text=_("根据文件内容识别，而非文件名"),
    )
    transcript = models.TextField(
        _("字幕/文字稿"),
        blank=True,
        help_text=_(
            "视频字幕（WebVTT，以 WEBVTT 开头，播放器显示为字幕）或音频文字稿，供无障碍访问和检索"
        ),
    )
    # A content-addressed key like ``file`` (media.services.store_poster), never upload_to.
    poster = models.FileField(
        _("封面图"),
        max_length=255,
        blank=True,
        help_text=_("视频播放前显示的图片（JPEG、PNG 或 WebP）"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = MediaAssetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数字资源")
        verbose_name_plural = _("数字资源")

    def __str__(self):
        return _("%(title)s（%(kind)s）") % {"title": self.title, "kind": self.get_kind_display()}

    def get_absolute_url(self):
        """The stable, access-checked address of this asset (drafts and previews link here)."""
        return reverse("media:asset", args=[self.pk])

    @property
    def poster_key(self):
        """The storage key of the poster, as a pinned copy names it ("" without one)."""
        return self.poster.name or ""

    def shown(self):
        """The asset as a draft or a preview shows it: as it is now."""
        return ShownAsset.at(
            self.get_absolute_url(),
            title=self.title,
            kind=self.kind,
            poster=bool(self.poster_key),
            transcript=self.transcript,
        )

    def delete(self, *args, **kwargs):
        refuse_deleting_kept([self])
        return super().delete(*args, **kwargs)


def is_webvtt(text):
    """Whether ``text`` (an asset's transcript) is WebVTT captions a player can show."""
    return text.lstrip("\ufeff").startswith("WEBVTT")


#: The parts of an asset served below its address (``<url>poster/`` …), beside its bytes.
POSTER, CAPTIONS, PACKAGE = "poster/", "captions.vtt", "package/"
#: The page of an HTML5 simulation package that a player opens.
PACKAGE_ENTRY = "index.html"


@dataclass(frozen=True)
class ShownAsset:
    """An asset as a page shows it: a title, a kind, where its bytes are read, and where its
    poster and captions are, if it has them. A published edition shows the copy it pins (its
    reviewed title and bytes), never the asset as it is now; the layer that renders editions
    builds these from its pins."""

    title: str
    kind: str
    url: str
    poster_url: str = ""
    captions_url: str = ""

    @classmethod
    def at(cls, url, *, title, kind, poster, transcript):
        """The asset served at ``url`` (ending in /), its parts below it."""
        return cls(
            title=title,
            kind=kind,
            url=url,
            poster_url=url + POSTER if poster else "",
            captions_url=url + CAPTIONS if is_webvtt(transcript) else "",
        )

    @property
    def kind_label(self):
        return dict(MediaKind.choices).get(self.kind, self.kind)

    @property
    def package_url(self):
        """Where a simulation package's entry page is served (sandboxed, see
        media.views.serve_package_member)."""
        return self.url + PACKAGE + PACKAGE_ENTRY


class AssetInUse(ProtectedError):
    """Deleting an asset that a published edition or a case under review keeps: refused
    before anything is deleted (a pre_delete receiver would fail the caller's transaction)."""


def deletion_refusal(assets):
    """Why ``assets`` may not be deleted (a message naming what keeps them), or None."""
    kept = hooks.keepers(asset.pk for asset in assets)
    if not kept:
        return None
    return gettext("以下数字资源仍被版次或审核案使用，不能删除：%(assets)s。") % {
        "assets": enumeration(
            gettext("“%(title)s”（%(keepers)s）")
            % {"title": asset.title, "keepers": enumeration(kept[asset.pk])}
            for asset in assets
            if asset.pk in kept
        )
    }


def refuse_deleting_kept(assets):
    # Readers of an edition, and reviewers of a case, would lose what they are shown.
    message = deletion_refusal(assets)
    if message:
        raise AssetInUse(message, assets)


def new_short_code():
    return secrets.token_urlsafe(6)  # 8 URL-safe characters


class ShortLink(models.Model):
    """A stable short code (/r/<code>) for one media asset or one leaf; printed as a QR code.

    The code never changes once issued, so printed QR codes keep working; it resolves to the
    current published location, or, with a version, to that edition's archived copy.
    """

    code = models.CharField(_("短码"), max_length=16, unique=True, default=new_short_code)
    asset = models.OneToOneField(
        MediaAsset,
        verbose_name=_("数字资源"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="short_link",
    )
    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("活页"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短链接")
        verbose_name_plural = _("短链接")
        constraints = [
            models.CheckConstraint(
                condition=(Q(asset__isnull=False) & Q(page__isnull=True))
                | (Q(asset__isnull=True) & Q(page__isnull=False)),
                name="shortlink_exactly_one_target",
            )
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("media:short_link", args=[self.code])

    @classmethod
    def for_asset(cls, asset):
        return cls._get_or_issue(asset=asset)

    @classmethod
    def for_page(cls, page):
        return cls._get_or_issue(page_id=page.pk)

    @classmethod
    def _get_or_issue(cls, **target):
        link = cls.objects.filter(**target).first()
        if link is not None:
            return link
        try:
            with transaction.atomic():
                return cls.objects.create(**target)
        except IntegrityError:  # issued concurrently
            return cls.objects.get(**target)
