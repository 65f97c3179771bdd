"""Published editions on the public site; included in cms/urls.py before Wagtail's page
serving."""

from django.urls import path

from cms.site import editions, errata

app_name = "editions"

urlpatterns = [
    path(
        "textbooks/<slug:slug>/editions/<str:old>/compare/<str:new>/",
        editions.edition_compare,
        name="compare",
    ),
    path("textbooks/<slug:slug>/editions/", editions.edition_list, name="list"),
    path(
        "textbooks/<slug:slug>/editions/<str:old>/replace/<str:new>.pdf",
        editions.replacement_pack,
        name="replacement_pack",
    ),
    path("textbooks/<slug:slug>/editions/<str:version>/", editions.edition_detail, name="detail"),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/print.pdf",
        editions.edition_print,
        name="print",
    ),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/<slug:leaf_slug>/",
        editions.edition_leaf,
        name="leaf",
    ),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/<slug:leaf_slug>/errata/",
        errata.report,
        name="erratum",
    ),
]
