from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry"

    def ready(self):
        from . import access, handlers, roles

        post_migrate.connect(roles.sync_after_migrate, sender=self)
        handlers.connect()
        access.connect()
