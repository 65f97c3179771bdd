from django import template
from django.urls import reverse

from media.archives import archived_asset
from media.models import ShortLink

register = template.Library()


@register.simple_tag(takes_context=True)
def asset_url(context, asset):
    """Where a page links an asset. In an edition's page (``edition`` in the context) that
    edition's reviewed, archived copy, so a file replaced since shows only in the next
    edition; otherwise (drafts, or no archive yet) the asset's access-checked URL."""
    edition = context.get("edition")
    if edition is not None and (
        context.get("archiving") or archived_asset(asset.textbook, edition.version, asset.pk)
    ):
        code = ShortLink.for_asset(asset).code
        return reverse("media:edition_link", args=[code, edition.version])
    return asset.get_absolute_url()
