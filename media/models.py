"""Digital resources bound to mixed-media textbooks (stored through Django's default storage)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MediaKind(models.TextChoices):
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    IMAGE = "image", _("图片")
    MODEL3D = "model3d", _("三维模型")
    SIMULATION = "simulation", _("仿真")
    DOCUMENT = "document", _("文档")


class MediaAsset(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=MediaKind.choices)
    file = models.FileField(_("文件"), upload_to="media-assets/%Y/%m/")
    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("所属教材"),
        on_delete=models.PROTECT,
        related_name="media_assets",
        null=True,
        blank=True,
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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数字资源")
        verbose_name_plural = _("数字资源")

    def __str__(self):
        return f"{self.title}（{self.get_kind_display()}）"
