"""/notices/: the public notice of planning batches; included in cms/urls.py before Wagtail's
page serving."""

from django.urls import path

from cms.site import notices

app_name = "notices"

urlpatterns = [
    path("notices/", notices.notice_list, name="list"),
    path("notices/<int:pk>/", notices.notice_detail, name="detail"),
]
