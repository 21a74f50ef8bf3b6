"""Who acts when no person does: the scheduler's sweeps, the demo loader and management commands.

Every write service takes an `actor`. People are `User` rows; work that runs on a clock acts as `SYSTEM`,
which may do what those jobs need and is recorded in history as nobody (no person's row).
"""

from django.contrib.auth.models import AnonymousUser


class SystemActor(AnonymousUser):
    """A named actor for scheduled and administrative jobs: authenticated, allowed, and not a person."""

    is_active = True
    is_superuser = True
    is_system = True

    def __init__(self, name: str):
        self.name = name

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def has_perm(self, perm, obj=None) -> bool:
        return True

    def has_perms(self, perm_list, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return self.name


SYSTEM = SystemActor("Convene (scheduled job)")


def person(actor):
    """The actor as a `User` row for foreign keys and history (None for the system actor and anonymous visitors)."""
    return actor if getattr(actor, "pk", None) is not None and not getattr(actor, "is_system", False) else None
