"""The back office's admin layer (django-unfold): its branding, and a sidebar arranged by the work staff do.

The sidebar never lists apps or tables. Its groups follow the day: Today, Events, People, Approvals, Reports,
Settings. Each link shows only to those its screen would let in: a model's link asks that model's own admin
(`has_view_or_change_permission`, as the admin's index does), a staff page asks what its view asks.

Imported by the settings, so nothing here touches models or URLs until a request asks.
"""

from django.templatetags.static import static
from django.urls import reverse_lazy


def _model_admin(label: str):
    from django.apps import apps
    from django.contrib import admin

    return admin.site._registry.get(apps.get_model(label))


def may_open(label: str):
    """A permission callback: whether the model's admin would show its list to this person."""

    def allowed(request) -> bool:
        model_admin = _model_admin(label)
        return model_admin is not None and model_admin.has_view_or_change_permission(request)

    allowed.__name__ = f"may_open_{label.replace('.', '_')}"
    return allowed


def may_add(label: str):
    def allowed(request) -> bool:
        model_admin = _model_admin(label)
        return model_admin is not None and model_admin.has_add_permission(request)

    allowed.__name__ = f"may_add_{label.replace('.', '_')}"
    return allowed


def runs_events(request) -> bool:
    """Organizers of an active organization and staff admins: "My events" has something to show them."""
    from registry.selectors.scope import manages_any_organization

    return manages_any_organization(request.user)


def inbox_count(request) -> str:
    """How many decisions wait for this person (shown beside "Inbox"); empty when none."""
    from .home import inbox_count as counted

    count = counted(request)
    return str(count) if count else ""


def _link(title: str, icon: str, link, permission=None, **extra) -> dict:
    item = {"title": title, "icon": icon, "link": link, **extra}
    if permission is not None:
        item["permission"] = permission
    return item


def _changelist(label: str) -> str:
    app, model = label.split(".")
    return reverse_lazy(f"admin:{app}_{model}_changelist")


NAVIGATION = [
    {
        "title": "Today",
        "items": [_link("Home", "today", reverse_lazy("admin:index"))],
    },
    {
        "title": "Events",
        "items": [
            _link("My events", "event", reverse_lazy("staff_my_events"), runs_events),
            _link(
                "Events and check-in",
                "how_to_reg",
                _changelist("registry.eventrecord"),
                may_open("registry.eventrecord"),
            ),
            _link("Registrations", "group", _changelist("registry.registration"), may_open("registry.registration")),
            _link("Attendance", "fact_check", _changelist("registry.attendance"), may_open("registry.attendance")),
            _link(
                "Certificates",
                "workspace_premium",
                _changelist("registry.certificate"),
                may_open("registry.certificate"),
            ),
            _link(
                "Certificate batches",
                "hourglass_top",
                _changelist("registry.certificatebatch"),
                may_open("registry.certificatebatch"),
            ),
            _link("Messages sent", "mail", _changelist("registry.message"), may_open("registry.message")),
        ],
    },
    {
        "title": "People",
        "items": [
            _link("People", "person", _changelist("registry.user"), may_open("registry.user")),
            _link(
                "Organizations",
                "corporate_fare",
                _changelist("registry.organization"),
                may_open("registry.organization"),
            ),
            _link("Memberships", "badge", _changelist("registry.membership"), may_open("registry.membership")),
            _link(
                "Requests to organize",
                "person_add",
                _changelist("registry.organizerrequest"),
                may_open("registry.organizerrequest"),
            ),
            _link(
                "Mentors",
                "supervisor_account",
                _changelist("registry.mentorprofile"),
                may_open("registry.mentorprofile"),
            ),
            _link("Students", "school", _changelist("registry.studentprofile"), may_open("registry.studentprofile")),
        ],
    },
    {
        "title": "Approvals",
        "items": [
            _link("Inbox", "inbox", reverse_lazy("approvals_inbox"), badge="config.backoffice.inbox_count"),
            _link("Credits", "stars", _changelist("registry.creditentry"), may_open("registry.creditentry")),
            _link(
                "Hall bookings", "meeting_room", _changelist("approvals.hallbooking"), may_open("approvals.hallbooking")
            ),
            _link(
                "Recurring bookings",
                "event_repeat",
                _changelist("approvals.bookingseries"),
                may_open("approvals.bookingseries"),
            ),
        ],
    },
    {
        "title": "Reports",
        "items": [
            _link("Reports", "monitoring", reverse_lazy("staff_reports")),
            _link(
                "Hall use",
                "bar_chart",
                reverse_lazy("admin:approvals_hallbooking_utilization"),
                may_open("approvals.hallbooking"),
            ),
        ],
    },
    {
        "title": "Settings",
        "items": [
            _link("Halls", "location_city", _changelist("registry.venue"), may_open("registry.venue")),
            _link("Hall facilities", "chair", _changelist("registry.facility"), may_open("registry.facility")),
            _link(
                "Credit categories",
                "category",
                _changelist("registry.creditcategory"),
                may_open("registry.creditcategory"),
            ),
            _link(
                "Certificate templates",
                "design_services",
                _changelist("registry.certificatetemplate"),
                may_open("registry.certificatetemplate"),
            ),
            _link("Sign-in lockouts", "lock_person", _changelist("axes.accessattempt"), may_open("axes.accessattempt")),
            _link("Sign-in log", "login", _changelist("axes.accesslog"), may_open("axes.accesslog")),
            _link("Roles", "admin_panel_settings", _changelist("auth.group"), may_open("auth.group")),
            _link("Content editor (Wagtail)", "edit_document", "/admin/"),
        ],
    },
]

UNFOLD = {
    "SITE_TITLE": "Convene back office",
    "SITE_HEADER": "Convene back office",
    "SITE_SUBHEADER": "Events, people and approvals",
    "SITE_URL": "/",
    "SITE_SYMBOL": "event_available",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "THEME": "light",
    "DASHBOARD_CALLBACK": "config.backoffice.home",
    "STYLES": [lambda request: static("registry/unfold.css")],
    "SIDEBAR": {
        "show_search": False,
        "command_search": False,
        "show_all_applications": False,
        "navigation": NAVIGATION,
    },
    "ACCOUNT": {
        "navigation": [
            {"title": "Notifications", "link": reverse_lazy("notifications")},
            {"title": "Content editor (Wagtail)", "link": "/admin/"},
            {"title": "Change password", "link": reverse_lazy("admin:password_change")},
        ]
    },
    "COLORS": {
        # A blue whose 600-800 shades carry white text at WCAG AA (the buttons and links unfold draws with them).
        "primary": {
            "50": "oklch(97% .014 254.604)",
            "100": "oklch(93.2% .032 255.585)",
            "200": "oklch(88.2% .059 254.128)",
            "300": "oklch(80.9% .105 251.813)",
            "400": "oklch(70.7% .165 254.624)",
            "500": "oklch(62.3% .214 259.815)",
            "600": "oklch(54.6% .245 262.881)",
            "700": "oklch(48.8% .243 264.376)",
            "800": "oklch(42.4% .199 265.638)",
            "900": "oklch(37.9% .146 265.522)",
            "950": "oklch(28.2% .091 267.935)",
        },
    },
}


def home(request, context: dict) -> dict:
    """The admin's index, shaped by the person's role (config.home)."""
    from .home import home_context

    return home_context(request, context)
