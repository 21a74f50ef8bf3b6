"""Every staff view, enumerated from the back office's admin registry, Wagtail's admin URLconf and the staff URLs
outside both, each with the URL that opens it on one of organization A's records."""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from wagtail.models import Site


@dataclass(frozen=True)
class View:
    name: str  # the URL name the policy table is keyed on
    url: str | None  # None: the view needs arguments nothing in the world supplies (checked for coverage only)
    model: str = ""  # "app.model" for ModelAdmin views


def _route_params(pattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    return [f"group{n}" for n in range(pattern.pattern.regex.groups)]


def _arguments(params: list[str], obj, world) -> list | None:
    history = getattr(obj, "history", None)
    version = history.order_by("-history_id").values_list("history_id", flat=True).first() if history else None
    values = {
        "object_id": getattr(obj, "pk", None),
        "pk": getattr(obj, "pk", None),
        "id": getattr(obj, "pk", None),
        "page_id": world.objects["page"].pk,
        "venue_id": world.objects["registry.venue"].pk,
        "group0": getattr(obj, "pk", None),
        "group1": version,
    }
    arguments = [values.get(name) for name in params]
    return None if None in arguments else arguments


def back_office_views(world) -> list[View]:
    views = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        obj = world.objects.get(label)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            params = _route_params(pattern)
            arguments = _arguments(params, obj, world) if params else []
            url = reverse(f"admin:{pattern.name}", args=arguments) if arguments is not None else None
            views.append(View(f"admin:{pattern.name}", url, label))
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLPattern) and pattern.name and not _route_params(pattern):
            views.append(View(f"admin:{pattern.name}", reverse(f"admin:{pattern.name}")))
    views.append(View("admin:app_list", reverse("admin:app_list", args=["registry"])))
    views.append(View("admin:view_on_site", None))
    return views


CONTROL_ROOM = (
    "staff_event_control_room",
    "staff_event_participants",
    "staff_event_participants_csv",
    "staff_event_attendance",
    "staff_event_certificates",
    "staff_event_messages",
    "staff_event_check_in_by_name",
    "staff_event_attendance_commit",
    "staff_event_certificates_issue",
    "staff_event_certificate_reissue",
)


def staff_views_outside_admins(world) -> list[View]:
    booking = world.objects["approvals.hallbooking"]
    event = world.objects["page"]
    return [
        *(View(name, reverse(name, args=[event.pk])) for name in CONTROL_ROOM),
        View("approvals_inbox", reverse("approvals_inbox")),
        View("staff_reports", reverse("staff_reports")),
        View("staff_report_csv", reverse("staff_report_csv", args=["check-in"])),
        View("staff_my_events", reverse("staff_my_events")),
        View("approvals:list", reverse("approvals:list")),
        View("approvals:new", reverse("approvals:new")),
        View("approvals:availability", reverse("approvals:availability")),
        View("approvals:cancel", reverse("approvals:cancel", args=[booking.pk])),
    ]


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _wagtail_arguments(route: str, world) -> str | None:
    """The address of a Wagtail admin view on A's event page, or None when it takes other arguments."""
    page = world.objects["page"]
    filled = route.replace("^", "").replace("$", "")
    if route.startswith("admin/settings/"):
        filled = filled.replace("<int:pk>", str(Site.objects.get(is_default_site=True).pk))
    for parameter, value in (
        ("<int:page_id>", page.pk),
        ("<int:parent_page_id>", page.get_parent().pk),
        ("<slug:app_name>", "cms"),
        ("<slug:model_name>", "sitesettings"),
    ):
        filled = filled.replace(parameter, str(value))
    if "<" in filled or "(" in filled or "\\" in filled:
        return None
    return "/" + filled


def wagtail_views(world) -> list[View]:
    """Wagtail's admin views, keyed by their route (many share a name across viewsets)."""
    views = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("admin/") or route in ("admin/login/", "admin/failwhale/"):
            continue  # both are replaced by the project's own views (the shared login; a 404)
        views.append(View(f"wagtail:{route}", _wagtail_arguments(route, world)))
    return views


def all_views(world) -> list[View]:
    """Signing out comes last: Wagtail's sign-out page ends the session even when it refuses a GET."""
    views = back_office_views(world) + staff_views_outside_admins(world) + wagtail_views(world)
    return sorted(views, key=lambda view: "logout" in view.name)


def outcome(response) -> str:
    """What a person sees first, in the policy table's words."""
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith("/accounts/2fa/"):
            return "second factor"
        if "/login/" in location:
            return "sign in"
        if location in ("/staff/", "/admin/"):
            return "sent home"
        return "redirect"
    return {200: "ok", 403: "forbidden", 404: "not found", 405: "not allowed"}.get(status, str(status))
