from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def asset_url(context, asset):
    """Where a page links an asset: where the page's edition keeps it (``asset_link``, a
    function the layer that renders editions puts in the context), else the asset's
    access-checked URL (drafts, previews, editions without an archived copy)."""
    link = context.get("asset_link")
    return (link and link(asset)) or asset.get_absolute_url()
