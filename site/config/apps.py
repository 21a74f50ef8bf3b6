from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root: health checks and commands that span every app."""

    name = "config"
    verbose_name = "Site"
