"""Who a person is and what they may do, remembered between API requests.

Each API call by a back-office account read the person, their permissions and
the organizations they manage before doing any work: round trips that were
nearly half of a check-in scan's time. With ACCESS_CACHE_SECONDS set (it is when
the cache is shared, i.e. with Redis), they are kept in the cache as one entry
per person, and each event's organization beside them. Every write that changes
them drops the entry, at once and again when its transaction commits (so a
request reading the old rows meanwhile cannot keep them): the signals below for
saves, deletes and group or permission changes, and `forget` from the services
that write in bulk. A change made behind the ORM's back (raw SQL, a shell
`update()`) is seen within ACCESS_CACHE_SECONDS.
"""

import zlib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .models import EventRecord, Membership, Organization, User
from .selectors.scope import event_key, managed_organization_ids

_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields if field.attname != "password")
# In the key, so entries written before a deploy that changed the person's columns are never read after it.
_USER_FIELDS_TAG = format(zlib.crc32(" ".join(_USER_FIELDS).encode()), "x")


def enabled() -> bool:
    return settings.ACCESS_CACHE_SECONDS > 0


def _person_key(user_id: int | str) -> str:
    return f"access:person:{_USER_FIELDS_TAG}:{user_id}"


def cached_user(user_id: int | str | None) -> User | None:
    """The person as last remembered (their password hash left unread until asked for), or None."""
    if not enabled() or user_id is None:
        return None
    entry = cache.get(_person_key(user_id))
    if entry is None:
        return None
    database, values, permissions, organization_ids = entry
    user = User.from_db(database, _USER_FIELDS, values)
    user._perm_cache = permissions
    user._managed_organization_ids = organization_ids
    return user


def remember(user: User) -> None:
    """Keep the person, their permissions and the organizations they manage for their next requests."""
    if enabled():
        entry = (
            user._state.db,
            tuple(getattr(user, name) for name in _USER_FIELDS),
            frozenset(user.get_all_permissions()),
            managed_organization_ids(user),
        )
        cache.set(_person_key(user.pk), entry, settings.ACCESS_CACHE_SECONDS)


def _drop(keys: list[str]) -> None:
    if enabled() and keys:
        cache.delete_many(keys)
        if transaction.get_connection().in_atomic_block:  # outside one, on_commit would just repeat it now
            transaction.on_commit(lambda: cache.delete_many(keys))


def forget(user_ids: Iterable[int]) -> None:
    _drop([_person_key(user_id) for user_id in user_ids])


def _forget_user(sender, instance, **kwargs) -> None:
    forget([instance.pk])


def _forget_member(sender, instance, **kwargs) -> None:
    forget([instance.user_id])


def _forget_organization_members(sender, instance, **kwargs) -> None:
    """Deactivating an organization ends its organizers' scope over it."""
    forget(instance.memberships.values_list("user_id", flat=True))


def _forget_event(sender, instance, **kwargs) -> None:
    _drop([event_key(instance.page_id)])


def _forget_group(sender, instance, **kwargs) -> None:
    forget(instance.user_set.values_list("pk", flat=True))


def _forget_after_relation_change(sender, instance, action, model, pk_set, **kwargs) -> None:
    """Someone's groups or own permissions, or a group's permissions, changed, from either side."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if isinstance(instance, User):
        forget([instance.pk])
    elif model is User:  # group.user_set or permission.user_set
        forget(pk_set or instance.user_set.values_list("pk", flat=True))
    elif isinstance(instance, Group):  # group.permissions
        forget(instance.user_set.values_list("pk", flat=True))
    else:  # permission.group_set
        groups = pk_set or instance.group_set.values_list("pk", flat=True)
        forget(User.objects.filter(groups__in=list(groups)).values_list("pk", flat=True).distinct())


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_forget_user, sender=User, dispatch_uid=f"access.user.{signal is post_save}")
        signal.connect(_forget_member, sender=Membership, dispatch_uid=f"access.membership.{signal is post_save}")
        signal.connect(_forget_event, sender=EventRecord, dispatch_uid=f"access.event.{signal is post_save}")
    post_save.connect(_forget_organization_members, sender=Organization, dispatch_uid="access.organization")
    pre_delete.connect(_forget_group, sender=Group, dispatch_uid="access.group")
    for relation in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_forget_after_relation_change, sender=relation, dispatch_uid=f"access.{relation.__name__}")
