"""sitemap.xml: Wagtail's pages plus the public speaker and partner pages."""

from django.contrib.sitemaps import Sitemap

from .models import Partner, Speaker


class SnippetSitemap(Sitemap):
    model: type[Speaker] | type[Partner]

    def items(self):
        return self.model.objects.filter(live=True).order_by("pk")

    def lastmod(self, obj):
        return obj.last_published_at


class SpeakerSitemap(SnippetSitemap):
    model = Speaker


class PartnerSitemap(SnippetSitemap):
    model = Partner
