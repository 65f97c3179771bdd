"""Read-only JSON views of published content. Described in openapi.py (/api/v1/openapi.json).

Textbooks are listed only with a current edition; editions are looked up by version; a leaf
is found in its edition's manifest and read from the revision pinned there, its resources as
the edition pins them. Errors are JSON:
{"error": {"status", "message", "details"?}}.
"""

import datetime
from functools import wraps

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wagtail.rich_text import expand_db_html

from cms.api.blocks import stream
from cms.api.openapi import build_spec
from cms.input import MAX_PAGE, integer
from textbooks.i18n import enumeration
from textbooks.models import Textbook, Tier
from workflow.models import ChangeCategory, Edition
from workflow.services import planning
from workflow.services.assets import edition_assets
from workflow.services.errata import fixed_errata_for, leaf_in_edition
from workflow.services.lifecycle import is_recently_updated, recently_updated_since
from workflow.services.rules import display_name

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
FORMS = {"loose_leaf": "is_loose_leaf", "workbook": "is_workbook", "mixed_media": "is_mixed_media"}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
LIST_PARAMETERS = ("page", "page_size", "tier", "form", "course", "major", "recently_updated")


class ApiError(Exception):
    def __init__(self, status, message, details=None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(status, message, details=None):
    error = {"status": status, "message": message}
    if details:
        error["details"] = details
    return _json({"error": error}, status=status)


def api_view(view):
    """GET/HEAD only; ApiError and Http404 become JSON errors. Other errors are JSON too,
    through cms/errors.py. Exempt from CSRF: nothing here changes state, and a POST must get
    the API's 405, not the site's CSRF page."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, _("只读接口，只支持 GET 请求。"))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return _json(view(request, *args, **kwargs))
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.details)
        except Http404:
            return error_response(404, _("未找到该资源。"))

    return wrapper


def _absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


def _current_editions():
    return Edition.objects.filter(textbook=OuterRef("pk"), is_current=True)


def published_textbooks():
    """Textbooks with a current edition, with what a summary needs loaded."""
    return (
        Textbook.objects.with_co_developed()
        .filter(Exists(_current_editions()))
        .select_related("lifecycle__successor", "page", "publisher")
        .prefetch_related(
            "courses",
            "majors",
            Prefetch("editions", queryset=Edition.objects.current(), to_attr="current_editions"),
        )
    )


def _published_textbook(slug):
    textbook = published_textbooks().filter(slug=slug).first()
    if textbook is None:
        raise ApiError(404, _("没有已发布的教材“%(slug)s”。") % {"slug": slug})
    return textbook


def _edition(textbook, version):
    try:
        return (
            Edition.objects.filter(textbook=textbook)
            .select_related("successor")
            .get_by_version(version)
        )
    except Edition.DoesNotExist as exc:
        raise ApiError(
            404,
            _("教材“%(title)s”没有第 %(version)s 版。")
            % {"title": textbook.title, "version": version},
        ) from exc


def edition_data(request, textbook, edition):
    categories = dict(ChangeCategory.choices)
    return {
        "version": edition.version,
        "published_at": edition.published_at.isoformat(),
        "is_current": edition.is_current,
        "change_summary": edition.change_summary,
        "change_categories": [
            {"code": code, "label": str(categories[code])}
            for code in edition.change_categories
            if code in categories
        ],
        "successor": edition.successor.version if edition.successor_id else None,
        "url": _absolute(request, "api:edition", textbook.slug, edition.version),
        "web_url": _absolute(request, "editions:detail", textbook.slug, edition.version),
    }


def _web_url(request, textbook):
    page = getattr(textbook, "page", None)
    if page is None or not page.live:
        return None
    return request.build_absolute_uri(page.get_url(request=request))


def textbook_data(request, textbook):
    edition = textbook.current_editions[0]
    recently_updated = is_recently_updated(edition)
    badges = []
    if textbook.tier == Tier.NATIONAL:
        badges.append({"code": "national_planned", "label": _("国家规划教材")})
    if textbook.co_developed:
        badges.append({"code": "co_developed", "label": _("校企双元合作开发")})
    if recently_updated:
        badges.append({"code": "recently_updated", "label": _("近期修订")})
    lifecycle = getattr(textbook, "lifecycle", None)
    return {
        "slug": textbook.slug,
        "title": textbook.title,
        "isbn": textbook.isbn,
        "tier": {"code": textbook.tier, "label": textbook.get_tier_display()},
        "forms": [{"code": code, "label": str(label)} for code, label in textbook.forms],
        "courses": [
            {"id": c.pk, "name": c.name, "course_type": c.course_type}
            for c in textbook.courses.all()
        ],
        "majors": [
            {"code": m.code, "name": m.name, "category": m.category, "level": m.level}
            for m in textbook.majors.all()
        ],
        "co_developed": textbook.co_developed,
        "recently_updated": recently_updated,
        "status": (
            {"code": lifecycle.state, "label": lifecycle.get_state_display()} if lifecycle else None
        ),
        "successor": _successor(request, lifecycle),
        "badges": badges,
        "current_edition": edition_data(request, textbook, edition),
        "url": _absolute(request, "api:textbook", textbook.slug),
        "web_url": _web_url(request, textbook),
    }


def _successor(request, lifecycle):
    """The textbook that replaced a retired one (a query only for those that have one)."""
    successor = lifecycle.successor if lifecycle else None
    if successor is None:
        return None
    published = successor.editions.filter(is_current=True).exists()
    return {
        "slug": successor.slug,
        "title": successor.title,
        "url": _absolute(request, "api:textbook", successor.slug) if published else None,
    }


def _filtered(params, errors):
    textbooks = published_textbooks()
    tier = params.get("tier")
    if tier:
        if tier in Tier.values:
            textbooks = textbooks.filter(tier=tier)
        else:
            errors["tier"] = _("可选值：%(values)s。") % {"values": enumeration(Tier.values)}
    form = params.get("form")
    if form:
        if form in FORMS:
            textbooks = textbooks.filter(**{FORMS[form]: True})
        else:
            errors["form"] = _("可选值：%(values)s。") % {"values": enumeration(FORMS)}
    course = integer(params, "course", message=_("须为课程编号（整数）。"), errors=errors)
    if course is not None:
        textbooks = textbooks.filter(courses=course)
    major = params.get("major")
    if major:
        textbooks = textbooks.filter(majors__code=major)
    recent = params.get("recently_updated")
    if recent:
        if recent.lower() in BOOLEANS:
            since = recently_updated_since()
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
            recently = Exists(_current_editions().filter(published_at__gte=start))
            flag = BOOLEANS[recent.lower()]
            textbooks = textbooks.filter(recently) if flag else textbooks.exclude(recently)
        else:
            errors["recently_updated"] = _("须为 true 或 false。")
    return textbooks


def _page_link(request, number):
    params = request.GET.copy()
    params["page"] = number
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@api_view
def index(request):
    return {
        "textbooks": _absolute(request, "api:textbooks"),
        "plans": _absolute(request, "api:plans"),
        "openapi": _absolute(request, "api:openapi"),
    }


@api_view
def textbook_list(request):
    params = request.GET
    errors = {
        name: _("不支持的参数。可用参数：%(names)s。") % {"names": enumeration(LIST_PARAMETERS)}
        for name in params
        if name not in LIST_PARAMETERS
    }
    number = integer(params, "page", default=1, maximum=MAX_PAGE, errors=errors)
    size = integer(
        params, "page_size", default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE, errors=errors
    )
    textbooks = _filtered(params, errors)
    if errors:
        raise ApiError(400, _("请求参数有误。"), errors)
    paginator = Paginator(textbooks.order_by("title", "pk"), size)
    if number > paginator.num_pages:
        raise ApiError(
            404,
            _("页码超出范围：共 %(pages)d 页。") % {"pages": paginator.num_pages},
        )
    page = paginator.page(number)
    return {
        "count": paginator.count,
        "page": number,
        "page_size": size,
        "num_pages": paginator.num_pages,
        "next": _page_link(request, number + 1) if page.has_next() else None,
        "previous": _page_link(request, number - 1) if page.has_previous() else None,
        "results": [textbook_data(request, textbook) for textbook in page],
    }


@api_view
def textbook_detail(request, slug):
    textbook = _published_textbook(slug)
    edition = textbook.current_editions[0]
    content = edition.textbook_revision.content
    editions = textbook.editions.select_related("successor").order_by("-major", "-minor")
    return {
        **textbook_data(request, textbook),
        "publisher": textbook.publisher.name if textbook.publisher_id else None,
        "preface": expand_db_html(content.get("preface") or ""),
        "overview": expand_db_html(content.get("overview") or ""),
        "editions": [edition_data(request, textbook, e) for e in editions],
    }


@api_view
def edition_detail(request, slug, version):
    textbook = _published_textbook(slug)
    edition = _edition(textbook, version)
    leaves = []
    for row in edition.leaves.select_related("revision"):
        content = row.revision.content
        leaves.append(
            {
                "position": row.position,
                "slug": content["slug"],
                "title": content["title"],
                "number": content.get("number", ""),
                "summary": content.get("summary", ""),
                "url": _absolute(request, "api:leaf", slug, edition.version, content["slug"]),
                "web_url": _absolute(
                    request, "editions:leaf", slug, edition.version, content["slug"]
                ),
            }
        )
    return {
        "textbook": {
            "slug": textbook.slug,
            "title": textbook.title,
            "url": _absolute(request, "api:textbook", slug),
        },
        **edition_data(request, textbook, edition),
        "title": edition.textbook_revision.content.get("title", textbook.title),
        "leaves": leaves,
    }


@api_view
def leaf_detail(request, slug, version, leaf_slug):
    textbook = _published_textbook(slug)
    edition = _edition(textbook, version)
    row = leaf_in_edition(edition, leaf_slug)
    if row is None:
        raise ApiError(
            404,
            _("第 %(version)s 版中没有活页“%(leaf)s”。") % {"version": version, "leaf": leaf_slug},
        )
    leaf = row.revision.as_object()
    return {
        "textbook": {
            "slug": textbook.slug,
            "title": textbook.title,
            "url": _absolute(request, "api:textbook", slug),
        },
        "edition": edition_data(request, textbook, edition),
        "position": row.position,
        "slug": leaf.slug,
        "title": leaf.title,
        "number": leaf.number,
        "summary": leaf.summary,
        "body": stream(leaf.body, edition_assets(edition)),
        "corrections": [
            {
                "quoted_text": erratum.quoted_text,
                "correction": erratum.correction,
                "fixed_in": erratum.fixed_in.version,
            }
            for erratum in fixed_errata_for(row.page_id, edition)
        ],
        "web_url": _absolute(request, "editions:leaf", slug, edition.version, leaf.slug),
    }


def plan_data(request, batch):
    return {
        "id": batch.pk,
        "title": batch.title,
        "tier": {"code": batch.tier, "label": batch.get_tier_display()},
        "province": (
            {"code": batch.province, "label": batch.get_province_display()}
            if batch.province
            else None
        ),
        "year": batch.year,
        "published_at": batch.published_at.isoformat(),
        "url": _absolute(request, "api:plan", batch.pk),
        "web_url": _absolute(request, "notices:detail", batch.pk),
    }


@api_view
def plan_list(request):
    """The published lists of planned textbooks (规划教材书目), newest first."""
    if request.GET:
        raise ApiError(
            400, _("请求参数有误。"), {name: _("不支持的参数。") for name in request.GET}
        )
    return {"results": [plan_data(request, batch) for batch in planning.published_lists()]}


@api_view
def plan_detail(request, pk):
    batch = planning.published_lists().filter(pk=pk).first()
    if batch is None:
        raise ApiError(404, _("没有已公布的规划批次 %(id)s。") % {"id": pk})
    published = set(published_textbooks().values_list("pk", flat=True))
    return {
        **plan_data(request, batch),
        "textbooks": [
            {
                "rank": position,
                "title": entry.textbook.title,
                "isbn": entry.textbook.isbn,
                "editor_in_chief": display_name(entry.textbook.editor_in_chief),
                "publisher": entry.textbook.publisher.name if entry.textbook.publisher_id else None,
                "url": (
                    _absolute(request, "api:textbook", entry.textbook.slug)
                    if entry.textbook_id in published
                    else None
                ),
            }
            for position, entry in enumerate(planning.public_entries(batch), start=1)
        ],
    }


@api_view
def openapi(request):
    return build_spec(request.build_absolute_uri(reverse("api:index")))


@api_view
def not_found(request, rest=""):
    raise ApiError(404, _("没有这个接口。接口说明见 %(url)s。") % {"url": reverse("api:openapi")})
