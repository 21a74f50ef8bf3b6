"""Huey tasks: thin, take ids, reload, call one function; safe to run twice."""

from huey.contrib.djhuey import db_task

from . import emails


@db_task(retries=3, retry_delay=30)
def send_booking_email(booking_id: int, history_id: int) -> bool:
    """Tell the requester about the booking state recorded in history row `history_id`."""
    return emails.booking_state_send_once(booking_id=booking_id, history_id=history_id)


@db_task(retries=3, retry_delay=30)
def send_series_email(series_id: int) -> bool:
    return emails.series_summary_send_once(series_id=series_id)
