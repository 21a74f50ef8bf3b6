class DomainError(Exception):
    """A rule was broken; the message is safe to show to the person who asked."""
