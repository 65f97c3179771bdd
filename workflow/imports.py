"""Batch applications from a spreadsheet, through the catalogue's import mechanism
(textbooks.imports; registered in wagtail_hooks): one row per textbook applying to a batch,
entered by the batch's administrators. Rows are keyed by (batch, ISBN): an application already
made is left as it is."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from textbooks import scope
from textbooks.imports import Column, Importer, ImportFailed
from textbooks.models import Textbook
from textbooks.validators import normalize_isbn
from workflow.models import PlanBatch, PlanEntry
from workflow.services import WorkflowError, planning


class ApplicationImporter(Importer):
    name = "applications"
    label = gettext_lazy("规划申报")
    key = "isbn"
    columns = [
        Column("批次编号", "batch"),
        Column("ISBN", "isbn"),
        Column("申报说明", "statement", required=False),
    ]

    def permission_error(self):
        if not scope.is_administrator(self.user):
            return _("只有教材管理员可以导入规划申报。")
        return None

    def prepare(self):
        self.batches = PlanBatch.objects.in_bulk()
        self.textbooks = {}
        self.applied = set(PlanEntry.objects.values_list("batch_id", "textbook__isbn"))

    def clean(self, values, errors):
        batch = self.batches.get(int(values["batch"])) if values["batch"].isdigit() else None
        if batch is None:
            errors.append(("batch", _("没有编号为“%(id)s”的规划批次。") % {"id": values["batch"]}))
        isbn = normalize_isbn(values["isbn"])
        textbook = self.textbooks.get(isbn) or Textbook.objects.filter(isbn=isbn).first()
        if textbook is None:
            errors.append(("isbn", _("目录中没有 ISBN 为“%(isbn)s”的教材。") % {"isbn": isbn}))
        if errors:
            return None
        self.textbooks[isbn] = textbook
        key = (batch.pk, isbn)
        if key not in self.applied:
            problem = planning.application_problem(batch, textbook, self.user)
            if problem:
                errors.append(("isbn", problem))
                return None
        return {
            "_key": f"{batch.pk}:{isbn}",
            "batch": batch,
            "textbook": textbook,
            "statement": values.get("statement", ""),
            "known": key in self.applied,
        }

    def save(self, rows):
        created = 0
        for row in rows:
            if not row["known"]:
                try:
                    planning.apply(
                        row["batch"], row["textbook"], user=self.user, statement=row["statement"]
                    )
                except WorkflowError as exc:  # moved since validation: nothing is imported
                    raise ImportFailed(exc.message) from exc
                created += 1
        return created, 0, len(rows) - created
