"""Teachers report an error on a leaf of a published edition (no account needed)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.site import breadcrumbs
from cms.site.editions import get_edition, leaf_url
from workflow.forms import ErratumForm
from workflow.services import errata


def client_address(request):
    """The reporter's address. Without a configured proxy header, REMOTE_ADDR. Behind
    TRUSTED_PROXY_COUNT proxies that each append the address they were reached from to
    TRUSTED_PROXY_HEADER: the hop the outermost of them saw, counted from the right; entries
    further left are whatever the client sent, and are ignored."""
    header = settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    if header and not header.startswith("HTTP_"):
        header = f"HTTP_{header}"  # X-Forwarded-For as request.META names it
    hops = [hop.strip() for hop in request.META.get(header, "").split(",")] if header else []
    hops = [hop for hop in hops if hop]
    if not hops:
        return request.META.get("REMOTE_ADDR", "")
    return hops[max(len(hops) - settings.TRUSTED_PROXY_COUNT, 0)]


def report(request, slug, version, leaf_slug):
    """GET: the form; POST: validate, rate-limit, save, then back here with a thank-you (or
    with "already received" when the same report comes again)."""
    edition = get_edition(slug, version)
    row = errata.leaf_in_edition(edition, leaf_slug)
    if row is None:
        raise Http404
    form = ErratumForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                errata.report(
                    edition,
                    leaf_slug,
                    address=client_address(request),
                    **form.cleaned_data,
                )
            except errata.AlreadyReceived as exc:  # a double click or a resent form
                messages.info(request, exc.message)
                return redirect(request.path)
            except errata.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except errata.ReviewConflict as exc:  # the database was busy: send it again
                form.add_error(None, exc.message)
                status = 503
            else:
                messages.success(
                    request, _("感谢您的勘误报告！编写团队核实后将在下一次修订中更正。")
                )
                return redirect(request.path)
    leaf = row.revision.as_object()
    url = leaf_url(edition, leaf.slug)
    return TemplateResponse(
        request,
        "cms/editions/erratum_report.html",
        {
            "edition": edition,
            "leaf": leaf,
            "leaf_url": url,
            "form": form,
            "breadcrumbs": breadcrumbs.here(breadcrumbs.leaf(edition, leaf, url), _("报告错误")),
        },
        status=status,
    )
