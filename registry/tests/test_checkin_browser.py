"""Door staff check people in from a phone, in real headless Chromium: the camera reads the ticket's QR code.

Chromium's fake capture device plays a video file as the camera; the file shows the QR code from the
attendee's ticket, so the page's vendored jsQR reader has a real code to find in real frames.
"""

from pathlib import Path

import pytest
import qrcode
from PIL import Image

from registry import otp
from registry.models import Attendance
from registry.services import registrations as service
from registry.services.attendance import checkin_token
from registry.tests.factories import PASSWORD, StaffFactory, UserFactory, make_event_at_the_door

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def camera_video(text: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """A one-frame Y4M video (Chromium loops it) of `text` as a QR code on a white page, as a camera sees it."""
    code = qrcode.make(text, border=4).get_image().convert("L")
    side = min(width, height) - 40
    frame = Image.new("L", (width, height), 255)
    frame.paste(code.resize((side, side), Image.NEAREST), ((width - side) // 2, (height - side) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)  # no colour: U and V at their midpoint
    path.write_bytes(
        f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
        + b"FRAME\n"
        + frame.tobytes()
        + chroma
        + chroma
    )
    return path


@pytest.fixture
def ticket(transactional_db):
    event = make_event_at_the_door(title="Robotics open day")
    person = UserFactory()
    return service.registration_create(page=event, email=person.email, full_name="Ada Lovelace", user=person)


@pytest.fixture
def chromium_args(ticket, tmp_path):
    video = camera_video(checkin_token(ticket), tmp_path / "ticket.y4m")
    return [
        "--use-fake-ui-for-media-stream",  # grants the camera without a prompt
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


def sign_in_to_checkin(page, live_server, event_id: int) -> None:
    staff = StaffFactory(first_name="Door", last_name="Keeper")
    otp.backup_codes_regenerate(staff, codes=["door-code-1"])
    checkin_url = f"/staff/registry/eventrecord/{event_id}/checkin/"
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/?next={checkin_url}")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Verify it's you").wait_for()
    page.get_by_role("textbox").fill("door-code-1")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**{checkin_url}")


def test_the_camera_reads_a_ticket_and_admits_its_holder_once(live_server, browser_page, ticket):
    page = browser_page
    sign_in_to_checkin(page, live_server, ticket.page_id)
    answer = page.get_by_role("status")
    assert answer.inner_text() == "Ready. Scan a ticket or type a code."

    page.get_by_role("button", name="Scan with camera").click()

    page.get_by_text("Welcome, Ada Lovelace!").wait_for()
    assert page.locator("#progress").inner_text() == "1"
    page.get_by_text("Already checked in at").wait_for()  # the ticket stays in view: read again after 3 s
    assert "Door Keeper" in answer.inner_text()
    assert Attendance.objects.filter(registration=ticket).count() == 1


def test_a_typed_code_checks_in_and_a_made_up_one_is_refused(live_server, browser_page, ticket):
    page = browser_page
    sign_in_to_checkin(page, live_server, ticket.page_id)
    code = page.get_by_label("Registration code")

    code.fill("NOSUCHCODE")
    code.press("Enter")
    page.get_by_text("No registration has this code.").wait_for()
    code.fill(ticket.code.lower())
    page.get_by_role("button", name="Check in").click()

    page.get_by_text("Welcome, Ada Lovelace!").wait_for()
    assert Attendance.objects.get(registration=ticket).method == Attendance.Method.MANUAL


def test_a_refused_camera_says_so_and_typing_still_works(live_server, browser_page, ticket):
    page = browser_page
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'))"
    )
    sign_in_to_checkin(page, live_server, ticket.page_id)

    page.get_by_role("button", name="Scan with camera").click()

    page.get_by_text("The camera was not allowed.").wait_for()
    page.get_by_label("Registration code").fill(ticket.code)
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Welcome, Ada Lovelace!").wait_for()
