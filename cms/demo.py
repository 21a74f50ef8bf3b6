"""Demo page tree for the public site (pages are built in code, not loaded from JSON)."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def seed() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial "Welcome" page holds the slug our home page wants.
        Page.objects.child_of(root).filter(slug="home").delete()
        home = root.add_child(
            instance=HomePage(
                title="Convene",
                slug="home",
                intro="<p>Events, workshops and certificates for our campus community.</p>",
            )
        )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = "localhost", 80, home, "Convene"
    site.save()
    return home
