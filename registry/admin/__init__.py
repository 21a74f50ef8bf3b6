"""The back office (/staff/): one module per area, each registering its ModelAdmins."""

from . import certificates, people, registrations  # noqa: F401
