"""The back office (/staff/): one module per area, each registering its ModelAdmins."""

from . import attendance, certificates, credits, messages, organizer_requests, people, registrations, reports  # noqa: F401
