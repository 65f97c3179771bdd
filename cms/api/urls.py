"""/api/v1/: included in cms/urls.py before Wagtail's page serving."""

from django.urls import path, re_path

from cms.api import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi, name="openapi"),
    path("textbooks/", views.textbook_list, name="textbooks"),
    path("textbooks/<slug:slug>/", views.textbook_detail, name="textbook"),
    path("textbooks/<slug:slug>/editions/<str:version>/", views.edition_detail, name="edition"),
    path(
        "textbooks/<slug:slug>/editions/<str:version>/leaves/<str:leaf_slug>/",
        views.leaf_detail,
        name="leaf",
    ),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    # Anything else under /api/v1/ is a JSON 404, not a page from the site tree.
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
