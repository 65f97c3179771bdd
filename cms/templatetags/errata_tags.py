"""Errata on public leaves, for the fragments cms/includes/errata_fixed.html and
erratum_form.html. Both read ``edition`` and the leaf (``leaf``, else ``page``) from the
context, so a leaf template includes them as they are.
"""

from django import template
from django.urls import reverse

from workflow.services.errata import fixed_errata_for

register = template.Library()


def _leaf(context):
    return context.get("leaf") or context.get("page")


@register.simple_tag(takes_context=True)
def fixed_errata(context):
    """Errata of the leaf corrected after ``edition`` (every correction, on the current one)."""
    leaf, edition = _leaf(context), context.get("edition")
    if leaf is None or edition is None or not leaf.pk:
        return []
    return list(fixed_errata_for(leaf.pk, edition))


@register.simple_tag(takes_context=True)
def erratum_report_url(context):
    edition = context["edition"]
    return reverse(
        "editions:erratum", args=[edition.textbook.slug, edition.version, _leaf(context).slug]
    )
