from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConfigConfig(AppConfig):
    """The composition root: health checks and commands that span every app."""

    name = "config"
    verbose_name = "Site"
    default = True


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin as the back office, where people and their roles are managed through registry's services.

    Models other apps register that are not staff work here leave it (images, documents and tags are edited in
    Wagtail, and taggit's merge-tags screen checks no permission), and Wagtail's own users and groups screens,
    which write accounts and roles directly, are left to superusers. The admins other apps register (lockouts,
    devices, groups, email addresses, tokens) are put on unfold's ModelAdmin, keeping their own behaviour, so
    every screen of the back office wears the same layout. Runs after every other app is ready.
    """

    default = False

    def ready(self):
        super().ready()
        from django.contrib import admin
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from taggit.models import Tag
        from wagtail.documents.models import Document
        from wagtail.images.models import Image
        from wagtail.permissions import register_permission_policy

        from .wagtail_people import SuperusersOnly

        for model in (Image, Document, Tag):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
        for model in (get_user_model(), Group):
            register_permission_policy(model, SuperusersOnly(model))
        _on_unfold(admin.site)


def _on_unfold(site) -> None:
    """Re-register every admin not built on unfold's ModelAdmin as a subclass of both (its own methods first)."""
    from unfold.admin import ModelAdmin

    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if isinstance(model_admin, ModelAdmin):
            continue
        site.unregister(model)
        site.register(model, type(cls.__name__, (cls, ModelAdmin), {"__module__": cls.__module__}))
