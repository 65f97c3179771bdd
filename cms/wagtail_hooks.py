from wagtail import hooks

from cms.site.pages import serve_published

hooks.register("on_serve_page", serve_published)
