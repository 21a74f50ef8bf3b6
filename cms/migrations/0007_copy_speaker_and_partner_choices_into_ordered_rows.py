"""Move events' and sessions' speakers and partners from their checkbox lists into ordered rows.

The live rows are copied, and so are the page's stored revisions (drafts waiting to be published, and older
versions someone may revert to), so no speaker is lost when a draft is published after this migration.
"""

from django.db import migrations


def _ordered_rows(ids, key, parent_key, parent_id):
    return [{"pk": None, key: pk, parent_key: parent_id, "sort_order": n} for n, pk in enumerate(ids or [])]


def forward_content(content: dict, speaker_order: dict, partner_order: dict) -> dict:
    """One stored revision of an event page, its lists turned into rows in the live rows' order (idempotent)."""
    page_id = content.get("pk")

    def speakers(ids):
        return sorted(ids or [], key=lambda pk: speaker_order.get(pk, ("", pk)))

    if "speakers" in content:
        rows = _ordered_rows(speakers(content.pop("speakers")), "speaker", "page", page_id)
        content.setdefault("event_speakers", rows)
    if "partners" in content:
        ids = sorted(content.pop("partners") or [], key=lambda pk: partner_order.get(pk, (0, "", pk)))
        content.setdefault("event_partners", _ordered_rows(ids, "partner", "page", page_id))
    for session in content.get("sessions") or []:
        if "speakers" in session:
            rows = _ordered_rows(speakers(session.pop("speakers")), "speaker", "session", session.get("pk"))
            session.setdefault("session_speakers", rows)
    return content


def backward_content(content: dict) -> dict:
    if "event_speakers" in content:
        content["speakers"] = [row["speaker"] for row in content.pop("event_speakers")]
    if "event_partners" in content:
        content["partners"] = [row["partner"] for row in content.pop("event_partners")]
    for session in content.get("sessions") or []:
        if "session_speakers" in session:
            session["speakers"] = [row["speaker"] for row in session.pop("session_speakers")]
    return content


def _event_revisions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    event_type = ContentType.objects.filter(app_label="cms", model="eventpage").first()
    if event_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type_id=event_type.pk)


def copy_forward(apps, schema_editor):
    EventPage = apps.get_model("cms", "EventPage")
    EventSession = apps.get_model("cms", "EventSession")
    EventSpeaker = apps.get_model("cms", "EventSpeaker")
    EventPartner = apps.get_model("cms", "EventPartner")
    SessionSpeaker = apps.get_model("cms", "SessionSpeaker")

    # The old lists had no order; the name (then id) gives a stable one.
    listed = EventPage.speakers.through.objects.order_by("eventpage_id", "speaker__name", "speaker_id")
    EventSpeaker.objects.bulk_create(
        EventSpeaker(page_id=row.eventpage_id, speaker_id=row.speaker_id, sort_order=n) for n, row in enumerate(listed)
    )
    partnered = EventPage.partners.through.objects.order_by(
        "eventpage_id", "partner__tier", "partner__name", "partner_id"
    )
    EventPartner.objects.bulk_create(
        EventPartner(page_id=row.eventpage_id, partner_id=row.partner_id, sort_order=n)
        for n, row in enumerate(partnered)
    )
    in_sessions = EventSession.speakers.through.objects.order_by("eventsession_id", "speaker__name", "speaker_id")
    SessionSpeaker.objects.bulk_create(
        SessionSpeaker(session_id=row.eventsession_id, speaker_id=row.speaker_id, sort_order=n)
        for n, row in enumerate(in_sessions)
    )
    Speaker, Partner = apps.get_model("cms", "Speaker"), apps.get_model("cms", "Partner")
    speaker_order = {pk: (name, pk) for pk, name in Speaker.objects.values_list("pk", "name")}
    partner_order = {pk: (tier, name, pk) for pk, tier, name in Partner.objects.values_list("pk", "tier", "name")}
    for revision in _event_revisions(apps).iterator():
        revision.content = forward_content(revision.content, speaker_order, partner_order)
        revision.save(update_fields=["content"])


def copy_backward(apps, schema_editor):
    EventPage = apps.get_model("cms", "EventPage")
    EventSession = apps.get_model("cms", "EventSession")
    EventSpeaker = apps.get_model("cms", "EventSpeaker")
    EventPartner = apps.get_model("cms", "EventPartner")
    SessionSpeaker = apps.get_model("cms", "SessionSpeaker")
    EventPage.speakers.through.objects.bulk_create(
        EventPage.speakers.through(eventpage_id=row.page_id, speaker_id=row.speaker_id)
        for row in EventSpeaker.objects.all()
    )
    EventPage.partners.through.objects.bulk_create(
        EventPage.partners.through(eventpage_id=row.page_id, partner_id=row.partner_id)
        for row in EventPartner.objects.all()
    )
    EventSession.speakers.through.objects.bulk_create(
        EventSession.speakers.through(eventsession_id=row.session_id, speaker_id=row.speaker_id)
        for row in SessionSpeaker.objects.all()
    )
    for revision in _event_revisions(apps).iterator():
        revision.content = backward_content(revision.content)
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_speakers_and_partners_in_order_and_kept_by_organizations"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
