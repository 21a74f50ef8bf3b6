class DomainError(Exception):
    """A rule was broken; the message is safe to show to the person who asked."""


class NotAllowed(DomainError):
    """The acting person may not do this: their role, their organizations or the object's owner say no.

    The API answers 403, admin screens show the message; nothing was written.
    """
