from django import template
from django.urls import reverse

from media.models import ShortLink

register = template.Library()


@register.simple_tag(takes_context=True)
def asset_url(context, asset):
    """Where a page links an asset: its stable, access-checked URL; in an old edition's page
    (``edition`` in the context), that edition's copy of it."""
    edition = context.get("edition")
    if edition is not None:
        code = ShortLink.for_asset(asset).code
        return reverse("media:edition_link", args=[code, edition.version])
    return asset.get_absolute_url()
