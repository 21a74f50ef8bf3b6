"""The back office (/staff/): one module per area, each registering its ModelAdmins."""

from . import people, registrations  # noqa: F401
