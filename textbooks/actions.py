"""Business operations on the catalogue, in the shape of Wagtail's own actions (wagtail/actions/)."""

from wagtail.actions.create import CreateAction

from textbooks.models import CatalogueIndexPage, TextbookPage


class CreateTextbookAction(CreateAction):
    """Create a Textbook together with its one TextbookPage, in one transaction.

    The page starts as a draft: a textbook reaches teachers only through a reviewed,
    published edition. CreateAction._create is atomic, so a failure creating the page
    leaves no Textbook behind.
    """

    def __init__(self, instance, user=None, *, m2m=None, **kwargs):
        super().__init__(instance, user=user, **kwargs)
        self.m2m = m2m or {}

    def _save_instance(self):
        super()._save_instance()
        for field, values in self.m2m.items():
            getattr(self.instance, field).set(values)
        catalogue = CatalogueIndexPage.objects.get()
        page = TextbookPage(
            title=self.instance.title,
            slug=self.instance.slug,
            textbook=self.instance,
            live=False,
            owner=self.user,
        )
        catalogue.add_child(instance=page)
        page.save_revision(user=self.user, log_action=True)
