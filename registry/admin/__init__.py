"""The back office (/staff/): one module per area, each registering its ModelAdmins."""

from . import attendance, certificates, credits, people, registrations, reports  # noqa: F401
