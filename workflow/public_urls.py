"""Public edition archive; included in cms/urls.py before Wagtail's page serving."""

from django.urls import path

from workflow.views import changes, errata, public

app_name = "editions"

urlpatterns = [
    path(
        "textbooks/<slug:slug>/editions/<str:old>/compare/<str:new>/",
        changes.edition_compare,
        name="compare",
    ),
    path("textbooks/<slug:slug>/editions/<str:version>/", public.edition_detail, name="detail"),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/<slug:leaf_slug>/",
        public.edition_leaf,
        name="leaf",
    ),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/<slug:leaf_slug>/errata/",
        errata.report,
        name="erratum",
    ),
]
