"""django-simple-history's `HistoricalRecords`, with its manager class built once per model.

Upstream's `Model.history` descriptor builds a new manager class on every access
(`from_queryset`, which walks the queryset class with `inspect.getmembers`), and
saving any tracked model reads it. That was a twentieth of a check-in scan's time.
"""

from functools import cache

from simple_history.manager import HistoryManager as BaseHistoryManager
from simple_history.models import HistoricalRecords as BaseHistoricalRecords


class HistoryManager(BaseHistoryManager):
    @classmethod
    def from_queryset(cls, queryset_class, class_name=None):
        return _manager_class(cls, queryset_class, class_name)


@cache
def _manager_class(manager_class: type, queryset_class: type, class_name: str | None) -> type:
    return super(HistoryManager, manager_class).from_queryset(queryset_class, class_name)


class HistoricalRecords(BaseHistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
