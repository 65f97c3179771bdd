"""Planning screens, mounted under /admin/planning/ by wagtail_hooks (Wagtail adds its
admin-access check to every one)."""

from django.urls import path

from workflow.views import planning

app_name = "planning"

urlpatterns = [
    path("", planning.batch_list, name="batches"),
    path("new/", planning.batch_create, name="batch_create"),
    path("<int:pk>/", planning.batch_detail, name="batch"),
    path("<int:pk>/move/<str:move>/", planning.batch_move, name="batch_move"),
    path("<int:pk>/check/", planning.batch_check_all, name="batch_check_all"),
    path("<int:pk>/cancel/", planning.batch_cancel, name="batch_cancel"),
    path("<int:pk>/apply/", planning.batch_apply, name="batch_apply"),
    path("entries/<int:pk>/", planning.entry_detail, name="entry"),
    path("scores/<int:pk>/", planning.score, name="score"),
    path("objections/<int:pk>/answer/", planning.answer_objection, name="answer_objection"),
    path("filings/", planning.filing_list, name="filings"),
    path("filings/new/", planning.filing_create, name="filing_create"),
    path("filings/<int:pk>/", planning.filing_detail, name="filing"),
]
