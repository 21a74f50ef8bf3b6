"""Public views outside the page tree: speakers, partners, the `.ics` addresses of pages, and registration."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from wagtail import hooks
from wagtail.views import serve as wagtail_serve
from wagtail.views import serve_chain

from .models import EventPage
from .selectors import events_featuring, public_partners, public_speakers


def speaker_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/speaker_list.html", {"speakers": public_speakers()})


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(public_speakers(), slug=slug)
    return render(request, "cms/speaker_detail.html", {"speaker": speaker, "events": events_featuring(speaker)})


def partner_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/partner_list.html", {"partners": public_partners()})


def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(public_partners(), slug=slug)
    return render(request, "cms/partner_detail.html", {"partner": partner, "events": events_featuring(partner)})


def page_calendar(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page URLs allow no dots, so `/events/x/event.ics` comes here and goes on to the page's
    `event.ics/` route (and `/events/feed.ics` to the listing's `feed.ics/`), with Wagtail's usual
    privacy and publishing checks."""
    return wagtail_serve(request, f"{path}/")


def event_register(request: HttpRequest, page_id: int) -> HttpResponse:
    """The event page's registration form posts here, to the page's `register/` route.

    The page is fetched by id instead of by Wagtail's walk down the tree (the site,
    every ancestor, then the page's specific class), which was half the cost of a
    registration; Wagtail's serve hooks (view restrictions) still run as for the page.
    """
    page = get_object_or_404(EventPage.objects.live(), pk=page_id)
    route = (*page.resolve_subpage("/register/"),)
    serve = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        serve = hook(serve)
    for hook in hooks.get_hooks("before_serve_page"):
        if isinstance(result := hook(page, request, route, {}), HttpResponse):
            return result
    return serve(page, request, route, {})
