"""Admin screens, mounted under /admin/reviews/ by wagtail_hooks (Wagtail adds its
admin-access check to every one)."""

from django.urls import path

from workflow.views import admin, changes, compliance, errata, sampling
from workflow.views import selection as selection_views

app_name = "workflow"

urlpatterns = [
    path("", admin.case_list, name="cases"),
    path("<int:pk>/", admin.case_detail, name="case"),
    path("<int:pk>/assets/<int:asset_id>/", admin.case_asset, name="case_asset"),
    path("<int:pk>/documents/<str:name>/", admin.document, name="document"),
    path("<int:pk>/assign/", admin.assign, name="assign"),
    path("<int:pk>/decide/", admin.decide, name="decide"),
    path("<int:pk>/publish/", admin.publish, name="publish"),
    path("<int:pk>/withdraw/", admin.withdraw, name="withdraw"),
    path("<int:pk>/cancel/", admin.cancel, name="cancel"),
    path("textbooks/<int:textbook_id>/submit/", admin.submit_revision, name="submit"),
    path("assignments/<int:pk>/", admin.review, name="review"),
    path("assignments/<int:pk>/replace/", admin.replace, name="replace"),
    path("errata/", errata.errata_list, name="errata"),
    path("errata/<int:pk>/", errata.erratum_detail, name="erratum"),
    path(
        "textbooks/<int:textbook_id>/lifecycle/",
        changes.textbook_lifecycle,
        name="textbook_lifecycle",
    ),
    path("selections/", selection_views.plan_list, name="selections"),
    path("selections/<int:pk>/", selection_views.plan_detail, name="selection_plan"),
    path(
        "selections/<int:pk>/lines/<int:line_id>/delete/",
        selection_views.remove_line,
        name="selection_remove_line",
    ),
    path("selections/<int:pk>/review/", selection_views.review, name="selection_review"),
    path(
        "selections/<int:pk>/<str:action>/",
        selection_views.plan_action,
        name="selection_action",
    ),
    path("compliance/", compliance.dashboard, name="compliance"),
    path("compliance/export.xlsx", compliance.export_xlsx, name="compliance_xlsx"),
    path("sampling/", sampling.campaign_list, name="sampling"),
    path("sampling/report/", sampling.report, name="sampling_report"),
    path("sampling/<int:pk>/", sampling.campaign_detail, name="sampling_campaign"),
    path("sampling/<int:pk>/draw/", sampling.draw, name="sampling_draw"),
    path("sampling/<int:pk>/conclude/", sampling.conclude, name="sampling_conclude"),
    path("sampling/checks/<int:pk>/", sampling.check_detail, name="sampling_check"),
    path(
        "sampling/checks/<int:pk>/evidence/<int:evidence_id>/",
        sampling.evidence,
        name="sampling_evidence",
    ),
    path("retirements/", sampling.retirement_list, name="retirements"),
    path("retirements/<int:pk>/", sampling.retirement_detail, name="retirement"),
    path(
        "textbooks/<int:textbook_id>/retire/",
        sampling.propose_retirement,
        name="propose_retirement",
    ),
]
