"""The policy: who may open which staff view, written by hand. The matrix test compares every view against it.

Answers, as a person meets them: "ok" (the page), "forbidden" (403), "not found" (404), "sent home" (the admin's
own "no such object" redirect to its front page), "sign in", "second factor", "redirect" (elsewhere), "not allowed"
(405: the view answers POST only).

Back-office models are described by what each kind of staff may do with organization A's record of that kind:
  NO      may not see such records at all
  SEE     sees A's record (read only)
  EDIT    sees and may change A's record
  OTHERS  sees such records, but not A's (they belong to another organization)
"""

NO, SEE, EDIT, OTHERS = "no", "see", "edit", "others"
STAFF_ROLES = ("mentor", "organizer_a", "organizer_b", "staff_admin")

# model: (mentor, organizer of A, organizer of B, staff admin), and who may add, delete, import.
MODELS = {
    "registry.attendance": dict(access=(NO, SEE, OTHERS, SEE), imports=("organizer_a", "organizer_b", "staff_admin")),
    "registry.certificatetemplate": dict(access=(NO, NO, NO, EDIT), adds=("staff_admin",)),
    "registry.certificate": dict(access=(NO, SEE, OTHERS, SEE)),
    "registry.certificatebatch": dict(
        access=(NO, SEE, OTHERS, SEE), adds=("organizer_a", "organizer_b", "staff_admin"), history="scoped log"
    ),
    "registry.creditcategory": dict(access=(NO, NO, NO, EDIT), adds=("staff_admin",), imports=("staff_admin",)),
    "registry.creditentry": dict(access=(SEE, NO, NO, SEE)),
    "auth.group": dict(access=(NO, NO, NO, NO), history="log"),
    "registry.user": dict(access=(SEE, SEE, OTHERS, EDIT), adds=("staff_admin",), imports=("staff_admin",)),
    "registry.organization": dict(access=(NO, SEE, OTHERS, EDIT), adds=("staff_admin",), imports=("staff_admin",)),
    "registry.membership": dict(access=(NO, SEE, OTHERS, EDIT), adds=("staff_admin",), deletes=("staff_admin",)),
    "registry.studentprofile": dict(access=(SEE, NO, NO, EDIT), adds=("staff_admin",), imports=("staff_admin",)),
    "registry.mentorprofile": dict(access=(NO, NO, NO, EDIT), adds=("staff_admin",)),
    "registry.facility": dict(access=(NO, NO, NO, EDIT), adds=("staff_admin",)),
    # Halls are the institution's: every organizer sees every hall to book it.
    "registry.venue": dict(access=(NO, SEE, SEE, EDIT), adds=("staff_admin",), imports=("staff_admin",)),
    "registry.eventrecord": dict(access=(NO, SEE, OTHERS, SEE), history="scoped log"),
    "registry.registration": dict(access=(NO, EDIT, OTHERS, EDIT)),
    "registry.message": dict(access=(NO, SEE, OTHERS, SEE), history="scoped log"),
    "registry.organizerrequest": dict(access=(NO, SEE, OTHERS, SEE)),
    "approvals.hallbooking": dict(access=(NO, SEE, OTHERS, SEE), imports=("staff_admin",)),
    "approvals.bookingseries": dict(access=(NO, SEE, OTHERS, SEE)),
    "axes.accessattempt": dict(access=(NO, NO, NO, SEE), deletes=("staff_admin",), history="log"),
    "axes.accesslog": dict(access=(NO, NO, NO, SEE), history="log"),
    "axes.accessfailurelog": dict(access=(NO, NO, NO, NO), history="log"),
    "otp_totp.totpdevice": dict(access=(NO, NO, NO, NO), history="log"),
    "otp_static.staticdevice": dict(access=(NO, NO, NO, NO), history="log"),
    "account.emailaddress": dict(access=(NO, NO, NO, NO), history="log"),
    "token_blacklist.outstandingtoken": dict(access=(NO, NO, NO, NO), history="log"),
    "token_blacklist.blacklistedtoken": dict(access=(NO, NO, NO, NO), history="log"),
}


def _staff(mentor: str, organizer_a: str, organizer_b: str, staff_admin: str) -> dict:
    """A back-office view: people without staff status are sent to sign in, staff first give the second factor."""
    return {
        "anonymous": "sign in",
        "attendee": "sign in",
        "mentor": mentor,
        "organizer_a": organizer_a,
        "organizer_b": organizer_b,
        "editor": "sign in",
        "staff_without_second_factor": "second factor",
        "staff_admin": staff_admin,
    }


def _by_access(levels, answers: dict) -> dict:
    return _staff(*(answers[level] for level in levels))


def model_view(model: str, kind: str) -> dict | None:
    """What each person meets on one generic admin view of a model, from the model's row above."""
    policy = MODELS.get(model)
    if policy is None:
        return None
    levels = policy["access"]

    def may(capability: str) -> tuple:
        return tuple(role for role in STAFF_ROLES if role in policy.get(capability, ()))

    if kind in ("changelist", "export"):
        return _by_access(levels, {NO: "forbidden", SEE: "ok", EDIT: "ok", OTHERS: "ok"})
    if kind in ("add", "import"):
        allowed = may("adds" if kind == "add" else "imports")
        return _staff(*("ok" if role in allowed else "forbidden" for role in STAFF_ROLES))
    if kind == "process_import":
        return _staff(*["not allowed"] * 4)
    if kind == "change":
        return _by_access(levels, {NO: "forbidden", SEE: "ok", EDIT: "ok", OTHERS: "sent home"})
    if kind == "delete":
        deleters = may("deletes")
        answers = []
        for role, level in zip(STAFF_ROLES, levels, strict=True):
            if role not in deleters:
                answers.append("forbidden")
            else:
                answers.append("ok" if level in (SEE, EDIT) else "sent home")
        return _staff(*answers)
    if kind in ("history", "simple_history"):
        if policy.get("history") in ("log", "scoped log"):  # Django's change log: "no such object" comes first
            hidden = "sent home" if policy["history"] == "scoped log" else "forbidden"
            return _by_access(levels, {NO: hidden, SEE: "ok", EDIT: "ok", OTHERS: "sent home"})
        return _by_access(levels, {NO: "forbidden", SEE: "ok", EDIT: "ok", OTHERS: "not found"})
    return None


# Views of one model beyond the generic ones, and the admin site's own.
CUSTOM = {
    "admin:registry_certificatetemplate_preview": _staff("forbidden", "forbidden", "forbidden", "ok"),
    "admin:registry_certificate_pdf": _staff("not found", "ok", "not found", "ok"),
    "admin:registry_certificatebatch_progress": _staff("not found", "ok", "not found", "ok"),
    "admin:registry_certificatebatch_progress_json": _staff("not found", "ok", "not found", "ok"),
    "admin:registry_certificatebatch_change": _staff("redirect", "redirect", "redirect", "redirect"),
    "admin:registry_certificatebatch_resume": _staff("not allowed", "not allowed", "not allowed", "not allowed"),
    "admin:auth_user_password_change": _staff("forbidden", "forbidden", "forbidden", "ok"),
    "admin:registry_checkin": _staff("forbidden", "ok", "not found", "ok"),
    "admin:registry_checkin_scan": _staff("not allowed", "not allowed", "not allowed", "not allowed"),
    "admin:approvals_hallbooking_calendar_index": _staff("forbidden", "redirect", "redirect", "redirect"),
    "admin:approvals_hallbooking_calendar": _staff("forbidden", "ok", "ok", "ok"),
    "admin:approvals_hallbooking_utilization": _staff("forbidden", "ok", "ok", "ok"),
    "admin:otp_totp_totpdevice_config": _staff("forbidden", "forbidden", "forbidden", "forbidden"),
    "admin:otp_totp_totpdevice_qrcode": _staff("forbidden", "forbidden", "forbidden", "forbidden"),
    "admin:index": _staff("ok", "ok", "ok", "ok"),
    "admin:app_list": _staff("ok", "ok", "ok", "ok"),
    "admin:password_change": _staff("ok", "ok", "ok", "ok"),
    "admin:password_change_done": _staff("ok", "ok", "ok", "ok"),
    "admin:jsi18n": _staff("ok", "ok", "ok", "ok"),
    "admin:autocomplete": _staff("forbidden", "forbidden", "forbidden", "forbidden"),
    # unfold's search box: with model search off (config.backoffice) it lists only the sidebar's own links,
    # each already filtered by the person's permissions.
    "admin:search": _staff("ok", "ok", "ok", "ok"),
    # Takes a content type and an object id; no back-office model has a public page to view.
    "admin:view_on_site": _staff("not found", "not found", "not found", "not found"),
    "admin:login": {
        **_staff("sent home", "sent home", "sent home", "sent home"),
        "attendee": "forbidden",
        "editor": "sent home",
    },
    "admin:logout": {
        **_staff("not allowed", "not allowed", "not allowed", "not allowed"),
        "anonymous": "sent home",
        "attendee": "sent home",
        "editor": "sent home",
    },
    # Staff pages outside the admins: the inbox, reports and "My events" are back-office pages, each showing only
    # the person's own organizations (a mentor's "My events" says they organize nothing); hall requests are
    # organizers'.
    "approvals_inbox": _staff("ok", "ok", "ok", "ok"),
    "staff_reports": _staff("ok", "ok", "ok", "ok"),
    "staff_report_csv": _staff("ok", "ok", "ok", "ok"),
    "staff_my_events": _staff("ok", "ok", "ok", "ok"),
    # An event's control room and its sections: A's event, for A's organizers and staff admins; nobody else finds it.
    # Its writes (check in by name, commit an attendance sheet, issue, send a certificate again) answer POST only.
    "staff_event_control_room": _staff("not found", "ok", "not found", "ok"),
    "staff_event_participants": _staff("not found", "ok", "not found", "ok"),
    "staff_event_participants_csv": _staff("not found", "ok", "not found", "ok"),
    "staff_event_attendance": _staff("not found", "ok", "not found", "ok"),
    "staff_event_certificates": _staff("not found", "ok", "not found", "ok"),
    "staff_event_messages": _staff("not found", "ok", "not found", "ok"),
    "staff_event_check_in_by_name": _staff(*["not allowed"] * 4),
    "staff_event_attendance_commit": _staff(*["not allowed"] * 4),
    "staff_event_certificates_issue": _staff(*["not allowed"] * 4),
    "staff_event_certificate_reissue": _staff(*["not allowed"] * 4),
    "approvals:list": {**_staff("forbidden", "ok", "ok", "ok"), "attendee": "forbidden", "editor": "forbidden"},
    "approvals:new": {**_staff("forbidden", "ok", "ok", "ok"), "attendee": "forbidden", "editor": "forbidden"},
    "approvals:availability": {
        **_staff("forbidden", "ok", "ok", "ok"),
        "attendee": "forbidden",
        "editor": "forbidden",
    },
    "approvals:cancel": {
        **_staff(*["not allowed"] * 4),
        "anonymous": "not allowed",
        "attendee": "not allowed",
        "editor": "not allowed",
    },
}


# --- Wagtail's admin (/admin/) ---------------------------------------------
# Wagtail decides within its admin by its own permissions; what is ours: nobody reaches it without access to the
# admin, staff first give the second factor, and organizers write their own organization's section only.


def _wagtail(organizers: str, editor: str, staff_admin: str | None = None) -> dict:
    return {
        "anonymous": "sign in",
        "attendee": "sign in",
        "mentor": "sign in",
        "organizer_a": organizers,
        "organizer_b": organizers,
        "editor": editor,
        "staff_without_second_factor": "second factor",
        "staff_admin": staff_admin or organizers,
    }


PUBLIC = {role: "ok" for role in ("anonymous", "attendee", "mentor", "organizer_a", "organizer_b", "editor")}
PUBLIC.update(staff_without_second_factor="second factor", staff_admin="ok")
ANY_ADMIN_USER = _wagtail("ok", "ok")  # dashboards, choosers and one's own account
EDITORS = _wagtail("sent home", "ok")  # content: pages, images, documents, speakers and partners, page reports
SUPERUSERS = _wagtail("sent home", "sent home")  # users, groups, sites, collections, redirects, workflows
NOTHING_THERE = _wagtail("not found", "not found")  # needs arguments this world does not give
POST_ONLY = _wagtail("not allowed", "not allowed")
# Speakers and partners: organizers list them and add their organizations' own (this world's speaker is
# site-wide, so its own screens stay the editors').
KEEPERS = {**EDITORS, "organizer_a": "ok", "organizer_b": "ok"}
# Cancelling an event: the organizers of its organization and staff admins (registry's `cancel_event` and scope).
RUNS_THE_EVENT = {**_wagtail("sent home", "sent home", "ok"), "organizer_a": "ok"}
# A's event lives in A's section (cms.sections): A's organizers write it through their organization's group, the
# site's moderators and staff admins everywhere; B's organizers are turned away.
WRITES_A = {**_wagtail("sent home", "ok"), "organizer_a": "ok"}

# Ordered: the first pattern matching a route (as written in Wagtail's URLconf) gives its answers.
WAGTAIL = [
    (r"admin/(sprite|jsi18n|password_reset)/", PUBLIC),
    (r"admin/(logout|pages/<int:page_id>/(lock|unlock))/$", POST_ONLY),
    (r"admin/(\^\.\*|block-preview)/", NOTHING_THERE),
    (r"admin/api/main/\^(pages|documents|images)/find/$", NOTHING_THERE),
    (r"admin/pages/<int:page_id>/convert_alias/$", NOTHING_THERE),
    (r"admin/events/<int:page_id>/cancel/$", RUNS_THE_EVENT),
    (r"admin/events/<int:page_id>/duplicate/$", WRITES_A),
    (r"admin/forms/submissions/<int:page_id>/(results/)?$", NOTHING_THERE),
    (r"admin/forms/submissions/<int:page_id>/delete/$", SUPERUSERS),
    (r"admin/pages/<int:page_id>/revisions/$", _wagtail("redirect", "redirect")),
    (
        r"admin/pages/<int:parent_page_id>/add_subpage/$",
        {**_wagtail("sent home", "redirect"), "organizer_a": "redirect"},
    ),
    (r"admin/pages/$", {**EDITORS, "organizer_a": "redirect"}),  # to their own section
    # Events are duplicated with new dates rather than copied; one people registered for is cancelled, not deleted.
    (r"admin/pages/<int:page_id>/copy/$", {**_wagtail("sent home", "redirect"), "organizer_a": "redirect"}),
    (r"admin/pages/<int:page_id>/delete/$", _wagtail("sent home", "redirect")),
    (
        r"admin/pages/(<int:parent_page_id>/(results/)?|search/(results/)?"
        r"|<int:page_id>/(usage|edit|edit/preview|view_draft|workflow_history|history|history/results)/)$",
        WRITES_A,
    ),
    (
        r"admin/(reports/(locked|workflow|workflow_tasks|aging-pages|page-types-usage)/(results/)?|forms/(results/)?)$",
        WRITES_A,
    ),
    (r"admin/tag-autocomplete/<slug:app_name>/", NOTHING_THERE),  # site settings have no tags
    (r"admin/(images|documents)/chooser/create/$", EDITORS),
    (r"admin/snippets/choose/cms/(speaker|partner)/create/$", KEEPERS),
    (r"admin/snippets/cms/(speaker|partner)/(results/|add/|preview/)?$", KEEPERS),
    (
        r"admin/($|account/|api/main/\^(pages|documents|images)/|choose-|dismissibles/|tag-autocomplete/|test404/"
        r"|(images|documents)/chooser/|snippets/choose/|embeds/chooser/|workflows/task_chooser/"
        r"|reports/site-history/|pages/workflow/confirm_cancellation/)",
        ANY_ADMIN_USER,
    ),
    (r"admin/(pages|images|documents|forms|reports|snippets/cms|bulk)/", EDITORS),
    (r"admin/editing-sessions/", ANY_ADMIN_USER),  # ping and release one's own editing session
    (r"admin/settings/", SUPERUSERS),  # the site's branding, signatory and legal details
    (r"admin/(collections|groups|redirects|sites|snippets/$|users|workflows)/?", SUPERUSERS),
]


def wagtail_view(name: str) -> dict | None:
    import re

    route = name.removeprefix("wagtail:")
    for pattern, answers in WAGTAIL:
        if re.match(pattern, route):
            return answers
    return None
