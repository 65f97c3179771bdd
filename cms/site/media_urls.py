"""The media URL namespace: the public site serves assets and short links (it knows which
edition a reader asks for); media serves QR images and the QR sheet."""

from django.urls import path

from cms.site import media as site_media
from media import views

app_name = "media"

urlpatterns = [
    path("media-assets/<int:pk>/", site_media.asset, name="asset"),
    path("media-assets/qr-sheet/<int:textbook_id>/", views.qr_sheet, name="qr_sheet"),
    path("r/<str:code>/", site_media.short_link, name="short_link"),
    path("r/<str:code>/qr.<str:fmt>", views.qr_image, name="qr_image"),
    path("r/<str:code>/<str:version>/", site_media.short_link, name="edition_link"),
    path("r/<str:code>/<str:version>/qr.<str:fmt>", views.qr_image, name="edition_qr_image"),
]
