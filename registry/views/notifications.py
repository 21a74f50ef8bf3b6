"""A person's notices: the bell's page, opening one (which marks it read) and marking them all read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Message
from ..services import messages as service


def _notices(user):
    return Message.objects.filter(recipient=user, channel=Message.Channel.IN_APP)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(_notices(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "registry/notifications.html", {"page_obj": page, "notices": page.object_list})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and take the person where they act on it (this site only)."""
    notice = get_object_or_404(_notices(request.user), pk=pk)
    service.message_mark_read(message=notice, actor=request.user)
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if notice.url and safe else "notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    service.messages_mark_all_read(actor=request.user)
    return redirect("notifications")
