"""Concurrent duplicates: fifty identical signature POSTs at once, through a real gunicorn
with several processes and threads, and two staff recording the signature that completes
a declaration's threshold at the same moment, each on a connection of their own."""

import threading
import time

import pytest
from auditlog.models import LogEntry
from django.db import connection

from campaigns.models import Signature as PetitionSignature
from declarations import services as declarations
from declarations.models import Declaration, Signatory
from outbox.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import (
    DeclarationFactory,
    DelegationFactory,
    ParliamentarianFactory,
    PetitionFactory,
    PoliticalGroupFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 50
STAFF = ["staff-one@ngo.example.org", "staff-two@ngo.example.org"]


def at_once(functions, timeout=120):
    """Run each function in its own thread (each with its own database connection), all
    released together. Returns (results, errors)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(n, function):
        try:
            barrier.wait(timeout=30)
            results[n] = function()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, f)) for n, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return results, errors


def test_fifty_identical_signature_posts_make_one_signature_and_one_email(stack, figures):
    petition = PetitionFactory()
    path = petition.get_absolute_url()
    web = stack.gunicorn(workers=3, threads=8)
    form = {"name": "Same Person", "email": "same.person@example.org", "country": "FR"}
    started = time.monotonic()
    results, errors = at_once([lambda: web.request("POST", path, form)] * SUBMISSIONS)
    took = time.monotonic() - started
    assert not errors, errors[:3]
    statuses = sorted({status for status, _ in results})
    confirmations = OutgoingEmail.objects.filter(key__startswith="signature-")
    figures(
        posts=SUBMISSIONS,
        http_statuses=statuses,
        slowest_post_seconds=round(max(seconds for _, seconds in results), 3),
        all_posts_seconds=round(took, 2),
        signatures=PetitionSignature.objects.count(),
        supporters=Supporter.objects.count(),
        confirmation_emails=confirmations.count(),
    )
    assert statuses == [302]
    assert PetitionSignature.objects.count() == 1
    assert Supporter.objects.count() == 1
    assert confirmations.count() == 1


def record_nineteen(declaration):
    countries = ["Austria", "France", "Germany", "Ireland", "Sweden"]
    for n in range(19):
        member = ParliamentarianFactory(
            delegation=DelegationFactory(assembly=declaration.assembly, name=countries[n % 5]),
            group=PoliticalGroupFactory(assembly=declaration.assembly, code=("SOC", "UEL")[n % 2]),
        )
        signature = SignatoryFactory(declaration=declaration, parliamentarian=member)
        declarations.signature_record(signature=signature)


def invited(declaration, country="Spain"):
    member = ParliamentarianFactory(
        delegation=DelegationFactory(assembly=declaration.assembly, name=country),
        group=PoliticalGroupFactory(assembly=declaration.assembly, code="SOC"),
    )
    return SignatoryFactory(declaration=declaration, parliamentarian=member)


def record(pk):
    """What one staff member's request does: load the row, record it."""
    return lambda: declarations.signature_record(signature=Signatory.objects.get(pk=pk))


def audited_changes(instance, field):
    return [
        entry
        for entry in LogEntry.objects.get_for_object(instance)
        if entry.action == LogEntry.Action.UPDATE and field in (entry.changes_dict or {})
    ]


ROUNDS = 3


def test_two_staff_completing_a_threshold_at_once_make_one_move_and_one_notice(settings, figures):
    """Each round: 19 signatures recorded, then two staff record at once either the same
    20th signature, or two different ones (the 20th and 21st)."""
    settings.DECLARATION_STAFF_EMAILS = STAFF
    numbers = {"rounds": 0, "signed_audit_entries": [], "moves": [], "notices": []}
    for round_number in range(ROUNDS):
        for same in (True, False):
            declaration = DeclarationFactory()
            record_nineteen(declaration)
            first = invited(declaration)
            second = first if same else invited(declaration, "Italy")
            _, errors = at_once([record(first.pk), record(second.pk)])
            assert not errors, errors

            declaration.refresh_from_db()
            assert declaration.status == Declaration.Status.THRESHOLD_MET
            signed = declaration.signatories.filter(status=Signatory.Status.SIGNED)
            assert signed.count() == (20 if same else 21)
            first.refresh_from_db()
            assert first.status == Signatory.Status.SIGNED
            signed_entries = len(audited_changes(first, "status"))
            moves = len(audited_changes(declaration, "status"))
            notices = list(
                OutgoingEmail.objects.filter(
                    key__startswith=f"declaration-{declaration.pk}-threshold-met-"
                ).values_list("to", flat=True)
            )
            numbers["rounds"] += 1
            numbers["signed_audit_entries"].append(signed_entries)
            numbers["moves"].append(moves)
            numbers["notices"].append(len(notices))
            label = f"round {round_number}, {'same' if same else 'two different'} signature(s)"
            assert signed_entries == 1, f"{label}: the signature was recorded twice"
            assert moves == 1, f"{label}: the declaration moved {moves} times"
            assert sorted(notices) == sorted(STAFF), f"{label}: notices {notices}"
    figures(**numbers)
