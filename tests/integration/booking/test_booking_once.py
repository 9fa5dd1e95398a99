"""One booking per request, whatever LINE, SQS, Lambda or DynamoDB repeat (RELIABILITY rows 6, 11, 13, 19–23)."""

import copy
from datetime import datetime

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ConnectionClosedError
from pynamodb.exceptions import TransactWriteError

from civic.booking import ledger, rules
from civic.tables import bookings
from civic.tables import transactions as civic_transactions
from civic.thai import BANGKOK

from .conftest import (AGENCY, bookings_of, make_service, postback_event, postbacks, seats_left, slot_of, tomorrow, user,
                       words)


def _confirm_data(chat, citizen) -> str:
    """The data of the "confirm" button on the review card for tomorrow 10:00."""
    review = chat.tap(citizen, f"1/bk/time?s=id-card&d={tomorrow():%Y%m%d}&t=1000")
    return next(d for d in postbacks(review) if d.startswith("1/bk/ok?"))


def test_a_double_tapped_confirm_makes_one_booking_and_both_answers_agree(booking_env):
    """GIVEN a review card WHEN the citizen taps "confirm" twice (two webhook events) THEN one booking, one seat
    taken, and both answers are the same confirmation with the same reference (row 22)."""
    make_service()
    citizen = user()
    data = _confirm_data(booking_env, citizen)

    first = booking_env.tap(citizen, data)
    second = booking_env.tap(citizen, data)

    (booking,) = bookings_of(citizen)
    assert seats_left(booking.slot_id)["general"] == 1
    assert first == second and booking.ref in words(first)


def test_a_redelivered_record_makes_one_booking_and_puts_the_same_answer(booking_env):
    """GIVEN a confirm event already handled WHEN SQS delivers the same record again THEN still one booking, and
    no second answer reaches the outbox (the idempotency record replays the outcome) (rows 6, 13)."""
    make_service()
    citizen = user()
    confirm = postback_event(citizen, _confirm_data(booking_env, citizen))
    booking_env.drain()

    assert booking_env.deliver(confirm) == {"batchItemFailures": []}
    first = booking_env.drain()
    redelivered = copy.deepcopy(confirm)
    redelivered["deliveryContext"]["isRedelivery"] = True
    assert booking_env.deliver(redelivered) == {"batchItemFailures": []}

    assert len(bookings_of(citizen)) == 1 and seats_left(bookings_of(citizen)[0].slot_id)["general"] == 1
    assert [o.purpose for o in first] == ["booking-confirmed"] and booking_env.drain() == []


def test_a_worker_that_died_after_the_write_replays_the_committed_booking(booking_env, monkeypatch):
    """GIVEN a confirm whose transaction committed but whose answer never left (the outbox send failed) WHEN the
    record is retried THEN no second booking, and the answer is the confirmation of the committed one (rows 11, 13)."""
    from civic import outbox

    make_service()
    citizen = user()
    confirm = postback_event(citizen, _confirm_data(booking_env, citizen))
    booking_env.drain()
    real_send = outbox.send
    calls = []

    def send_fails_once(items):
        calls.append(items)
        if len(calls) == 1:
            raise ConnectionClosedError(endpoint_url="https://sqs")
        real_send(items)

    monkeypatch.setattr(outbox, "send", send_fails_once)
    with pytest.raises(BatchProcessingError):  # the whole batch failed: Lambda fails, SQS delivers again
        booking_env.deliver(confirm)
    assert len(bookings_of(citizen)) == 1

    assert booking_env.deliver(confirm) == {"batchItemFailures": []}
    (booking,) = bookings_of(citizen)
    (answer,) = booking_env.drain()
    assert answer.purpose == "booking-confirmed" and booking.ref in words(answer.messages)
    assert seats_left(booking.slot_id)["general"] == 1


def _cancelled_with(code: str) -> TransactWriteError:
    from pynamodb.exceptions import CancellationReason, VerboseClientError

    cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": code}},
                               "TransactWriteItems",
                               cancellation_reasons=[CancellationReason(code=code), None, None])
    return TransactWriteError("Failed to write transaction items", cause)


@pytest.mark.parametrize("code", ["TransactionConflict", "ThrottlingError"])
def test_conflicts_and_throttling_on_the_hot_slot_are_retried_to_one_booking(booking_env, monkeypatch, code):
    """GIVEN DynamoDB cancelling the seat transaction three times (a conflict on the hot slot, or throttling)
    WHEN the citizen confirms THEN the ledger retries with back-off and books exactly once (rows 19, 20)."""
    from pynamodb import transactions

    make_service()
    citizen = user()
    data = _confirm_data(booking_env, citizen)
    real_commit = transactions.TransactWrite._commit
    refusals = []

    def flaky_commit(self):
        if len(refusals) < 3:
            refusals.append(code)
            raise _cancelled_with(code)
        return real_commit(self)

    monkeypatch.setattr(transactions.TransactWrite, "_commit", flaky_commit)
    monkeypatch.setattr(civic_transactions, "BACKOFF_BASE_S", 0.001)
    (card,) = booking_env.tap(citizen, data)

    (booking,) = bookings_of(citizen)
    assert len(refusals) == 3 and seats_left(booking.slot_id)["general"] == 1
    assert booking.ref in words(card)


def test_endless_conflicts_end_in_a_clear_busy_answer_with_a_retry_button(booking_env, monkeypatch):
    """GIVEN a hot slot whose transactions always conflict WHEN a citizen confirms THEN after bounded retries no
    booking, no seat taken, and an answer saying it is busy with a "try again" button that repeats the same
    request (never silence) (row 20)."""
    from pynamodb import transactions

    make_service()
    citizen = user()
    data = _confirm_data(booking_env, citizen)
    monkeypatch.setattr(transactions.TransactWrite, "_commit",
                        lambda self: (_ for _ in ()).throw(_cancelled_with("TransactionConflict")))
    monkeypatch.setattr(civic_transactions, "BACKOFF_BASE_S", 0.0001)
    (answer,) = booking_env.tap(citizen, data)

    assert bookings_of(citizen) == [] and seats_left(slot_of("id-card", tomorrow(), "1000"))["general"] == 2
    assert "ลองอีกครั้ง" in words(answer) and postbacks(answer) == [data]


def test_an_sdk_retry_after_a_lost_acknowledgement_makes_no_second_booking(booking_env, monkeypatch):
    """GIVEN a seat transaction that DynamoDB committed but whose acknowledgement was lost, so the caller retries
    WHEN the retry runs THEN the booking's conditional put finds the committed one: one booking, one seat (row 23)."""
    from pynamodb import transactions

    service = make_service()
    citizen = user()
    real_commit = transactions.TransactWrite._commit
    lost = []

    def commit_then_lose_the_answer(self):
        real_commit(self)
        if not lost:
            lost.append(True)
            raise _cancelled_with("TransactionConflict")  # what the caller sees: not done, try again

    monkeypatch.setattr(transactions.TransactWrite, "_commit", commit_then_lose_the_answer)
    slot = slot_of("id-card", tomorrow(), "1000")
    ref = rules.booking_ref(citizen, slot, "abcd1234")
    outcome = ledger.book(citizen, service, slot, None, ref, datetime.now(BANGKOK))

    assert outcome.kind == "replayed" and outcome.booking.ref == ref
    assert len(bookings_of(citizen)) == 1 and seats_left(slot)["general"] == 1
    assert bookings.active_count(AGENCY, "id-card", citizen) == 1
