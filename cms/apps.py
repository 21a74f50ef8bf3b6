from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Public site"

    def ready(self):
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, published, unpublished

        from registry import certificates, emails
        from registry.models import Role
        from registry.roles import grant

        from . import branding, cache, permissions, sections, sites

        grant(
            Role.ORGANIZER,
            *(
                f"cms.{action}_{model}"
                for model in permissions.SNIPPET_MODELS
                for action in permissions.ORGANIZER_SNIPPET_ACTIONS
            ),
        )
        post_migrate.connect(permissions.sync_after_migrate, sender=self)
        post_migrate.connect(sites.sync_after_migrate, sender=self, dispatch_uid="cms-site-follows-site-url")
        post_migrate.connect(sections.sync_after_migrate, sender=self, dispatch_uid="cms-organization-sections")
        sections.connect()
        for signal in (page_published, page_unpublished, published, unpublished):
            signal.connect(cache.purge_page_cache, dispatch_uid=f"cms-page-cache-{id(signal)}")
        post_delete.connect(cache.purge_page_cache, sender=Page, dispatch_uid="cms-page-cache-delete")
        emails.register_branding_provider(branding.email_branding)
        certificates.register_signatory_provider(branding.certificate_signatory)
