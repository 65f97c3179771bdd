"""Planning screens under /admin/planning/: batches, entries, experts' scores, objections'
answers and schools' filings. Thin: who may, a form, one service call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from textbooks import scope
from textbooks.models import Course, Institution, InstitutionKind, Textbook
from workflow.forms import (
    AnswerForm,
    ApplyForm,
    BatchForm,
    CancelForm,
    CheckForm,
    ExpertForm,
    FilingAnswerForm,
    FilingForm,
    ScoreForm,
)
from workflow.models import (
    AuditLogEntry,
    BatchState,
    Objection,
    PlanAssignment,
    PlanBatch,
    PlanEntry,
    SchoolFiling,
)
from workflow.services import WorkflowError, planning
from workflow.views import screens


def visible_batches(user):
    """Administrators see every batch; others the batches open for applications and those
    they applied to or score in."""
    if scope.is_administrator(user):
        return PlanBatch.objects.all()
    return PlanBatch.objects.filter(
        Q(state=BatchState.OPEN)
        | Q(entries__applied_by=user)
        | Q(entries__assignments__expert=user)
    ).distinct()


def _batch_for(request, pk):
    batch = get_object_or_404(visible_batches(request.user), pk=pk)
    if batch.state == BatchState.DRAFT and not planning.can_run(request.user, batch):
        raise PermissionDenied
    return batch


def _run(request, operation, success):
    """One service call; its refusal becomes the screen's error message."""
    try:
        result = operation()
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def _screen(heading, *trail, icon="list-ol"):
    """Heading, breadcrumbs (``trail`` then this screen) and icon of a planning screen."""
    return {
        "heading": heading,
        "breadcrumbs": screens.breadcrumbs(*trail, (heading, None)),
        "header_icon": icon,
    }


def batch_list(request):
    return TemplateResponse(
        request,
        "workflow/planning/batch_list.html",
        {
            "batches": visible_batches(request.user)[:200],
            "my_scores": PlanAssignment.objects.filter(
                expert=request.user,
                score__isnull=True,
                entry__batch__state=BatchState.EXPERT_REVIEW,
            ).select_related("entry__textbook", "entry__batch"),
            "can_create": scope.is_administrator(request.user),
            **_screen(screens.batches()[0]),
        },
    )


def batch_create(request):
    if not scope.is_administrator(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None, provinces=scope.province_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            batch = planning.create_batch(user=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建批次“%(title)s”。") % {"title": batch.title})
            return redirect("planning:batch", batch.pk)
    return TemplateResponse(
        request,
        "workflow/planning/batch_form.html",
        {"form": form, **_screen(_("新建规划批次"), screens.batches())},
        status=400 if form.errors else 200,
    )


def _applicable_textbooks(user, batch):
    """What ``user`` may apply with: textbooks he or she is editor-in-chief of, and for the
    batch's administrators (or a province's recommending to a national batch) theirs."""
    mine = Q(editor_in_chief=user)
    if planning.can_run(user, batch):
        mine |= Q(province=batch.province) if batch.province else Q(pk__isnull=False)
    elif batch.tier == "national" and not user.is_superuser:
        provinces = scope.administered_provinces(user)
        if provinces:
            mine |= Q(province__in=provinces)
    return Textbook.objects.filter(mine).exclude(plan_entries__batch=batch).order_by("title")


def batch_detail(request, pk):
    batch = _batch_for(request, pk)
    runs = planning.can_run(request.user, batch)
    entries = batch.entries.select_related("textbook", "applied_by")
    if not runs:
        entries = entries.filter(
            Q(applied_by=request.user) | Q(textbook__editor_in_chief=request.user)
        )
    move = planning.next_move(batch) if runs else None
    return TemplateResponse(
        request,
        "workflow/planning/batch_detail.html",
        {
            "batch": batch,
            "runs": runs,
            "entries": entries,
            "move": move,
            "move_label": planning.ACTION_LABELS.get(move),
            "apply_form": (
                ApplyForm(textbooks=_applicable_textbooks(request.user, batch))
                if batch.state == BatchState.OPEN
                else None
            ),
            "objections": Objection.objects.filter(entry__batch=batch).select_related(
                "entry__textbook"
            )
            if runs
            else [],
            "answer_form": AnswerForm(),
            "history": AuditLogEntry.objects.for_object(batch).select_related("actor"),
            "notice_over": planning.notice_is_over(batch),
            **_screen(batch.title, screens.batches()),
        },
    )


@require_POST
def batch_move(request, pk, move):
    batch = _batch_for(request, pk)
    operation = planning.MOVES.get(move)
    if operation is None:
        raise PermissionDenied
    _run(
        request,
        lambda: operation(batch, user=request.user),
        _("已%(action)s。") % {"action": planning.ACTION_LABELS[move]},
    )
    return redirect("planning:batch", batch.pk)


@require_POST
def batch_check_all(request, pk):
    batch = _batch_for(request, pk)
    try:
        if not planning.can_run(request.user, batch):
            raise PermissionDenied
        eligible, ineligible = planning.check_all(batch, user=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("形式审查完成：%(ok)d 条通过，%(no)d 条未通过。")
            % {"ok": eligible, "no": ineligible},
        )
    return redirect("planning:batch", batch.pk)


def batch_cancel(request, pk):
    batch = _batch_for(request, pk)
    if not planning.can_run(request.user, batch):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            planning.cancel_batch(batch, user=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("批次已取消。"))
            return redirect("planning:batch", batch.pk)
    return TemplateResponse(
        request,
        "workflow/planning/batch_cancel.html",
        {
            "batch": batch,
            "form": form,
            **_screen(_("取消批次"), screens.batches(), screens.batch(batch), icon="warning"),
        },
    )


@require_POST
def batch_apply(request, pk):
    batch = _batch_for(request, pk)
    form = ApplyForm(request.POST, textbooks=_applicable_textbooks(request.user, batch))
    if not form.is_valid():
        messages.error(request, _("请从列表中选择要申报的教材。"))
    else:
        _run(
            request,
            lambda: planning.apply(
                batch,
                form.cleaned_data["textbook"],
                user=request.user,
                statement=form.cleaned_data["statement"],
            ),
            _("已申报“%(title)s”。") % {"title": form.cleaned_data["textbook"].title},
        )
    return redirect("planning:batch", batch.pk)


def entry_detail(request, pk):
    entry = get_object_or_404(PlanEntry.objects.select_related("batch", "textbook"), pk=pk)
    runs = planning.can_run(request.user, entry.batch)
    if not (
        runs or entry.applied_by_id == request.user.pk or entry.textbook.is_written_by(request.user)
    ):
        raise PermissionDenied
    check_form = CheckForm(prefix="check")
    expert_form = ExpertForm(prefix="expert", textbook=entry.textbook)
    if request.method == "POST":
        if not runs:
            raise PermissionDenied
        if "check-decision" in request.POST:
            check_form = CheckForm(request.POST, prefix="check")
            if check_form.is_valid():
                data = check_form.cleaned_data
                done = _run(
                    request,
                    lambda: planning.check_entry(
                        entry,
                        user=request.user,
                        note=data["note"],
                        reject=data["decision"] == "reject",
                    ),
                    _("形式审查已完成。"),
                )
                if done is not None:
                    return redirect("planning:entry", entry.pk)
        else:
            expert_form = ExpertForm(request.POST, prefix="expert", textbook=entry.textbook)
            if expert_form.is_valid():
                data = expert_form.cleaned_data
                try:
                    planning.assign_expert(
                        entry, user=request.user, expert=data["reviewer"], due_date=data["due_date"]
                    )
                except WorkflowError as exc:
                    expert_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("已分配评审专家。"))
                    return redirect("planning:entry", entry.pk)
    return TemplateResponse(
        request,
        "workflow/planning/entry_detail.html",
        {
            "entry": entry,
            "runs": runs,
            "check_form": check_form,
            "expert_form": expert_form,
            "assignments": entry.assignments.select_related("expert", "score"),
            "objections": entry.objections.all() if runs else [],
            "history": AuditLogEntry.objects.for_object(entry).select_related("actor"),
            **_screen(entry.textbook.title, screens.batches(), screens.batch(entry.batch)),
        },
    )


def score(request, pk):
    assignment = get_object_or_404(
        PlanAssignment.objects.select_related("entry__textbook", "entry__batch"), pk=pk
    )
    if assignment.expert_id != request.user.pk:
        raise PermissionDenied
    form = ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        recommend, comment = data.pop("recommend"), data.pop("comment")
        try:
            planning.record_score(
                assignment, user=request.user, scores=data, recommend=recommend, comment=comment
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评分已提交。"))
            return redirect("planning:batches")
    return TemplateResponse(
        request,
        "workflow/planning/score.html",
        {
            "assignment": assignment,
            "form": form,
            "scored": hasattr(assignment, "score"),
            **_screen(
                _("评审：%(title)s") % {"title": assignment.entry.textbook.title},
                screens.batches(),
                screens.batch(assignment.entry.batch),
            ),
        },
    )


@require_POST
def answer_objection(request, pk):
    objection = get_object_or_404(Objection.objects.select_related("entry__batch"), pk=pk)
    if not planning.can_run(request.user, objection.entry.batch):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择答复结论并填写答复意见。"))
    else:
        _run(
            request,
            lambda: planning.answer_objection(
                objection,
                user=request.user,
                uphold=form.cleaned_data["decision"] == "uphold",
                answer=form.cleaned_data["answer"],
            ),
            _("已答复异议。"),
        )
    return redirect("planning:batch", objection.entry.batch_id)


# ---- school-based filings -------------------------------------------------------------------


def _my_schools(user):
    schools = Institution.objects.filter(kind=InstitutionKind.SCHOOL)
    return schools if user.is_superuser else schools.filter(members=user)


def filing_list(request):
    filings = SchoolFiling.objects.filter(
        scope.administered_q(request.user, "school__") | Q(school__in=_my_schools(request.user))
    ).select_related("school", "course", "textbook")
    return TemplateResponse(
        request,
        "workflow/planning/filing_list.html",
        {
            "filings": filings[:200],
            "can_file": _my_schools(request.user).exists(),
            **_screen(screens.filings()[0], icon="clipboard-list"),
        },
    )


def _candidates(data, schools):
    """The planned textbooks for the course the form names (the screen shows them before the
    school says why it needs its own)."""
    course_id = data.get("course", "")
    course = Course.objects.filter(pk=course_id).first() if course_id.isdigit() else None
    if course is None:
        return []
    school_id = data.get("school", "")
    school = schools.filter(pk=school_id).first() if school_id.isdigit() else None
    school = school or schools.first()
    return planning.planned_candidates(course, school.province)


def filing_create(request):
    schools = _my_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    form = FilingForm(request.POST or None, schools=schools, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            filing = planning.file_school_textbook(user=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("已提交备案，等待省级教材管理员确认。"))
            return redirect("planning:filing", filing.pk)
    return TemplateResponse(
        request,
        "workflow/planning/filing_form.html",
        {
            "form": form,
            "candidates": _candidates(data, schools),
            **_screen(_("备案校本教材"), screens.filings(), icon="clipboard-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


def filing_detail(request, pk):
    filing = get_object_or_404(
        SchoolFiling.objects.select_related("school", "course", "textbook"), pk=pk
    )
    answers = planning.can_answer_filing(request.user, filing)
    # The national administrators oversee every province's filings; answering is the
    # province's.
    if not (
        answers
        or scope.administers_province(request.user, filing.school.province)
        or _my_schools(request.user).filter(pk=filing.school_id).exists()
    ):
        raise PermissionDenied
    form = FilingAnswerForm(request.POST or None)
    if request.method == "POST":
        if not answers:
            raise PermissionDenied
        if form.is_valid():
            try:
                planning.answer_filing(
                    filing,
                    user=request.user,
                    acknowledge=form.cleaned_data["decision"] == "acknowledge",
                    answer=form.cleaned_data["answer"],
                )
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("备案已处理。"))
                return redirect("planning:filing", filing.pk)
    return TemplateResponse(
        request,
        "workflow/planning/filing_detail.html",
        {
            "filing": filing,
            "answers": answers,
            "form": form,
            "candidates": planning.planned_candidates(filing.course, filing.school.province),
            "history": AuditLogEntry.objects.for_object(filing).select_related("actor"),
            **_screen(
                _("校本教材备案：%(title)s") % {"title": filing.textbook.title},
                screens.filings(),
                icon="clipboard-list",
            ),
        },
    )
