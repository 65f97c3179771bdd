from django.urls import path

from media import views

app_name = "media"

urlpatterns = [
    path("media-assets/<int:pk>/", views.asset, name="asset"),
    path("media-assets/qr-sheet/<int:textbook_id>/", views.qr_sheet, name="qr_sheet"),
    path("r/<str:code>/", views.short_link, name="short_link"),
    path("r/<str:code>/qr.<str:fmt>", views.qr_image, name="qr_image"),
    path("r/<str:code>/<str:version>/", views.short_link, name="edition_link"),
    path("r/<str:code>/<str:version>/qr.<str:fmt>", views.qr_image, name="edition_qr_image"),
]
