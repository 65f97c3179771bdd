"""The media URL namespace: the public site serves assets and short links (it knows which
edition a reader asks for); media serves QR images and the QR sheet."""

from django.urls import path

from cms.site import media as site_media
from media import views
from media.models import CAPTIONS, PACKAGE, POSTER


def parts(prefix, view, name):
    """The parts a player reads beside an asset's bytes (media.models.ShownAsset)."""
    return [
        path(prefix + POSTER, view, {"part": POSTER}, name=f"{name}_poster"),
        path(prefix + CAPTIONS, view, {"part": CAPTIONS}, name=f"{name}_captions"),
        path(prefix + PACKAGE + "<path:member>", view, {"part": PACKAGE}, name=f"{name}_package"),
    ]


app_name = "media"

urlpatterns = [
    path("media-assets/<int:pk>/", site_media.asset, name="asset"),
    path("media-assets/qr-sheet/<int:textbook_id>/", views.qr_sheet, name="qr_sheet"),
    path("r/<str:code>/", site_media.short_link, name="short_link"),
    path("r/<str:code>/qr.<str:fmt>", views.qr_image, name="qr_image"),
    path("r/<str:code>/<str:version>/", site_media.short_link, name="edition_link"),
    path("r/<str:code>/<str:version>/qr.<str:fmt>", views.qr_image, name="edition_qr_image"),
    *parts("media-assets/<int:pk>/", site_media.asset_part, "asset"),
    *parts("r/<str:code>/<str:version>/", site_media.edition_part, "edition"),
]
