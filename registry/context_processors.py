"""What every page's header shows: the signed-in person's unread notices (one count query, none for visitors)."""

from .models import Message


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Message.objects.filter(recipient=user, channel=Message.Channel.IN_APP, read_at__isnull=True)
    return {"unread_notices": unread.count()}
