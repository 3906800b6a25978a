"""Godparents: a member of parliament sponsors a prisoner, invited through a personal link,
and may hand the role over to another member. Profiles and members' pages show only roles
taken up, of published prisoners."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.roles import CAMPAIGNER, EDITOR
from declarations.models import Godparenthood
from declarations.services.godparents import (
    godparent_answer,
    godparent_hand_over,
    godparent_invite,
    godparent_token,
    godparenthood_from_token,
)
from outbox import tasks as outbox_tasks
from prisoners.models import Prisoner
from tests.budgets import page_queries
from tests.factories import GodparenthoodFactory, ParliamentarianFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


def at(year, month=1):
    return timezone.make_aware(datetime.datetime(year, month, 15, 12))


def godparent(prisoner=None, *, since=2024, until=None, **kwargs):
    """A member who took the role up in `since` (and left it in `until`)."""
    fields = {"status": Godparenthood.Status.ACCEPTED, "accepted_at": at(since)}
    if until:
        fields.update(status=Godparenthood.Status.ENDED, ended_at=at(until))
    fields.update(kwargs)
    if prisoner is not None:
        fields["prisoner"] = prisoner
    return GodparenthoodFactory(**fields)


def link(godparenthood):
    return reverse("declarations:godparent", args=[godparent_token(godparenthood)])


def flat(response):
    return " ".join(response.content.decode().split())


# Inviting -----------------------------------------------------------------------------


def test_an_invitation_emails_a_personal_link_once():
    prisoner = PrisonerFactory(given_name="Duman", family_name="Mukhametkarim")
    member = ParliamentarianFactory(given_names="Anna", surname="LINDQVIST")
    invitation, created = godparent_invite(prisoner=prisoner, parliamentarian=member)
    assert created and invitation.status == Godparenthood.Status.INVITED
    again, created_again = godparent_invite(prisoner=prisoner, parliamentarian=member)
    assert again == invitation and not created_again
    assert outbox_tasks.send_due_emails() == 1
    [email] = mail.outbox
    assert email.to == [member.email]
    assert email.subject == "Will you be the godparent of Duman Mukhametkarim?"
    assert "Dear Anna LINDQVIST," in email.body
    # The emailed link opens this invitation (its token carries the second it was made).
    [emailed] = [word for word in email.body.split() if "/godparent/" in word]
    assert godparenthood_from_token(emailed.rstrip("/").rsplit("/", 1)[1]) == invitation
    assert "/prisoners/" in email.body
    assert email.alternatives  # an HTML part beside the text
    invitation.refresh_from_db()
    assert invitation.invitation_sent_at is not None


def test_a_member_without_an_address_is_invited_without_an_email():
    _invitation, created = godparent_invite(
        prisoner=PrisonerFactory(), parliamentarian=ParliamentarianFactory(email="")
    )
    assert created
    assert outbox_tasks.send_due_emails() == 0


def test_an_unpublished_profile_gets_no_godparents():
    draft = PrisonerFactory(publication=Prisoner.Publication.DRAFT, family_name="Hidden")
    with pytest.raises(ValidationError, match="not published"):
        godparent_invite(prisoner=draft, parliamentarian=ParliamentarianFactory())
    assert not Godparenthood.objects.exists()


def test_several_godparents_per_prisoner_but_one_role_per_member():
    prisoner = PrisonerFactory()
    first = godparent(prisoner)
    godparent(prisoner)  # a second member may sponsor the same prisoner
    with pytest.raises(IntegrityError):
        GodparenthoodFactory(prisoner=prisoner, parliamentarian=first.parliamentarian)


def test_a_member_who_declined_can_be_invited_again():
    declined = GodparenthoodFactory()
    declined.decline()
    again, created = godparent_invite(
        prisoner=declined.prisoner, parliamentarian=declined.parliamentarian
    )
    assert created and again.pk != declined.pk


# The personal link --------------------------------------------------------------------


def test_the_link_asks_on_get_and_answers_on_post(client, settings):
    settings.DECLARATION_STAFF_EMAILS = ["staff@ngo.example.org"]
    prisoner = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    invitation, _ = godparent_invite(prisoner=prisoner, parliamentarian=ParliamentarianFactory())
    page = client.get(link(invitation))
    assert page.status_code == 200
    assert "Will you be the godparent of Marat Zhylanbayev?" in flat(page)
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    invitation.refresh_from_db()
    assert invitation.status == Godparenthood.Status.INVITED  # a GET changes nothing

    answered = client.post(link(invitation), {"answer": "accept"})
    assert "you are now the godparent of Marat Zhylanbayev" in flat(answered)
    invitation.refresh_from_db()
    assert invitation.status == Godparenthood.Status.ACCEPTED and invitation.accepted_at
    entries = LogEntry.objects.get_for_object(invitation).filter(action=LogEntry.Action.UPDATE)
    assert [e.changes["status"] for e in entries if "status" in e.changes] == [
        ["invited", "accepted"]
    ]  # the audit trail has the member's answer

    outbox_tasks.send_due_emails()
    notices = [m for m in mail.outbox if m.to == ["staff@ngo.example.org"]]
    assert [m.subject for m in notices] == [
        f"New godparent: {invitation.parliamentarian.display_name} for Marat Zhylanbayev"
    ]

    used = client.get(link(invitation))
    assert used.status_code == 410
    assert "This invitation has been answered or withdrawn" in flat(used)


def test_a_member_can_decline(client):
    invitation = GodparenthoodFactory()
    response = client.post(link(invitation), {"answer": "decline"})
    assert "Your answer is recorded" in flat(response)
    invitation.refresh_from_db()
    assert invitation.status == Godparenthood.Status.DECLINED and invitation.ended_at


def test_a_missing_answer_gets_a_message(client):
    invitation = GodparenthoodFactory()
    response = client.post(link(invitation), {"answer": "perhaps"})
    assert response.status_code == 200
    assert "Choose to accept or to decline." in flat(response)
    invitation.refresh_from_db()
    assert invitation.status == Godparenthood.Status.INVITED


def test_tampered_expired_and_withdrawn_links_get_the_friendly_page(client, settings):
    invitation = GodparenthoodFactory()
    token = godparent_token(invitation)
    tampered = client.get(reverse("declarations:godparent", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400
    assert "This link is incomplete or has been changed" in flat(tampered)
    other = client.get(reverse("declarations:godparent", args=["not-a-token"]))
    assert other.status_code == 400

    invitation.end()  # withdrawn by staff
    assert client.post(link(invitation), {"answer": "accept"}).status_code == 410
    invitation.refresh_from_db()
    assert invitation.status == Godparenthood.Status.ENDED

    settings.DECLARATION_LINK_MAX_AGE = -1
    expired = client.get(link(GodparenthoodFactory()))
    assert expired.status_code == 410 and "has expired" in flat(expired)


def test_a_link_for_a_profile_taken_off_the_site_is_not_found(client):
    invitation = GodparenthoodFactory()
    Prisoner.objects.filter(pk=invitation.prisoner_id).update(publication="draft")
    assert client.get(link(invitation)).status_code == 404


# Handing over -------------------------------------------------------------------------


def test_handing_over_invites_the_successor_who_must_accept(client):
    prisoner = PrisonerFactory()
    first = godparent(prisoner, since=2023, parliamentarian__surname="FIRSTMEMBER")
    successor = ParliamentarianFactory(surname="SECONDMEMBER")
    invitation = godparent_hand_over(godparenthood=first, successor=successor)
    first.refresh_from_db()
    assert first.status == Godparenthood.Status.HANDED_OVER and first.ended_at
    assert first.handed_over_to == invitation
    assert invitation.status == Godparenthood.Status.INVITED

    outbox_tasks.send_due_emails()
    [email] = mail.outbox
    assert email.to == [successor.email]
    assert "is handing over their role as godparent" in " ".join(email.body.split())

    # Until the successor accepts, the profile shows the first member as a former godparent.
    html = flat(client.get(prisoner.get_absolute_url()))
    assert "Former godparents" in html and "FIRSTMEMBER" in html
    assert "SECONDMEMBER" not in html

    page = client.get(link(invitation))
    assert "is handing this role over to you" in flat(page)
    client.post(link(invitation), {"answer": "accept"})
    year = timezone.now().year
    html = flat(client.get(prisoner.get_absolute_url()))
    assert "SECONDMEMBER" in html
    assert f"Godparent since {year}; before: " in html
    assert f"FIRSTMEMBER (2023–{year})" in html
    assert "Former godparents" not in html  # named with their successor instead


@pytest.mark.parametrize("case", ["not_current", "same_member", "already_godparent"])
def test_a_hand_over_that_makes_no_sense_is_refused(case):
    current = godparent()
    successor = ParliamentarianFactory()
    if case == "not_current":
        current = GodparenthoodFactory()
    elif case == "same_member":
        successor = current.parliamentarian
    else:
        godparent(current.prisoner, parliamentarian=successor)
    with pytest.raises(ValidationError):
        godparent_hand_over(godparenthood=current, successor=successor)
    assert Godparenthood.objects.get(pk=current.pk).status == current.status
    assert not mail.outbox and outbox_tasks.send_due_emails() == 0


def test_two_godparents_handing_over_to_one_member_get_a_message():
    prisoner = PrisonerFactory()
    one, two = godparent(prisoner), godparent(prisoner)
    successor = ParliamentarianFactory()
    godparent_hand_over(godparenthood=one, successor=successor)
    with pytest.raises(ValidationError, match="already handing the role over"):
        godparent_hand_over(godparenthood=two, successor=successor)
    two.refresh_from_db()
    assert two.status == Godparenthood.Status.ACCEPTED


def test_an_answer_is_given_once():
    invitation = GodparenthoodFactory()
    godparent_answer(godparenthood=invitation, answer="decline")
    with pytest.raises(ValidationError, match="already been answered"):
        godparent_answer(godparenthood=invitation, answer="accept")


# Public pages -------------------------------------------------------------------------


def test_the_profile_shows_current_godparents_and_never_invitations(client):
    prisoner = PrisonerFactory()
    current = godparent(
        prisoner,
        since=2024,
        parliamentarian__surname="CURRENTMEMBER",
        parliamentarian__delegation__name="Ireland",
        parliamentarian__group__code="SOC",
    )
    godparent(prisoner, since=2021, until=2022, parliamentarian__surname="FORMERMEMBER")
    GodparenthoodFactory(prisoner=prisoner, parliamentarian__surname="INVITEDMEMBER")
    declined = GodparenthoodFactory(prisoner=prisoner, parliamentarian__surname="REFUSEDMEMBER")
    declined.decline()
    html = flat(client.get(prisoner.get_absolute_url()))
    assert "Godparents in parliament" in html
    member = current.parliamentarian
    assert (
        f'<a href="{member.get_absolute_url()}">{member.display_name}</a> '
        f'(Ireland, <abbr title="Group SOC">SOC</abbr>). Godparent since 2024.'
    ) in html
    assert "Former godparents" in html and "FORMERMEMBER" in html and "2021–2022" in html
    assert "INVITEDMEMBER" not in html and "REFUSEDMEMBER" not in html
    assert member.email not in html


def test_a_profile_without_godparents_has_no_such_section(client):
    prisoner = PrisonerFactory()
    GodparenthoodFactory(prisoner=prisoner)  # only invited
    assert "Godparents in parliament" not in flat(client.get(prisoner.get_absolute_url()))


def test_the_members_page_lists_whom_they_are_godparent_of(client):
    member = ParliamentarianFactory(email="private@parliament.example.org")
    now = godparent(since=2024, parliamentarian=member, prisoner__given_name="Current")
    before = godparent(since=2020, until=2022, parliamentarian=member)
    hidden = godparent(since=2024, parliamentarian=member)
    Prisoner.objects.filter(pk=hidden.prisoner_id).update(publication="draft")
    GodparenthoodFactory(parliamentarian=member)  # invited: not public
    response = client.get(member.get_absolute_url())
    assert response.status_code == 200  # a godparent has a page without any signature
    html = flat(response)
    assert "Godparent of political prisoners" in html
    assert f'<a href="{now.prisoner.get_absolute_url()}">' in html
    assert "godparent since 2024" in html
    assert "Formerly godparent of" in html and "2020–2022" in html
    assert before.prisoner.get_absolute_url() in html
    assert hidden.prisoner.get_absolute_url() not in html
    assert "private@" not in html
    assert "Signed 0 declarations" not in html


def test_a_member_only_invited_has_no_public_page(client):
    invitation = GodparenthoodFactory()
    assert client.get(invitation.parliamentarian.get_absolute_url()).status_code == 404


def _godparents(prisoner, count):
    for n in range(count):
        first = godparent(prisoner, since=2020)
        if n % 2:
            godparent_hand_over(godparenthood=first, successor=ParliamentarianFactory())
            godparent_answer(godparenthood=first.handed_over_to, answer="accept")


def test_profile_budget_does_not_grow_with_godparents(client):
    few, many = PrisonerFactory(), PrisonerFactory()
    _godparents(few, 2)
    _godparents(many, 30)
    counts = [page_queries(client, p.get_absolute_url()) for p in (few, many)]
    assert counts[0] == counts[1] <= 8
    assert flat(client.get(many.get_absolute_url())).count("before: ") == 15


def test_members_page_budget_does_not_grow_with_prisoners(client):
    few, many = ParliamentarianFactory(), ParliamentarianFactory()
    for member, count in ((few, 2), (many, 30)):
        for n in range(count):
            godparent(parliamentarian=member, since=2020, until=2022 if n % 2 else None)
    counts = [page_queries(client, m.get_absolute_url()) for m in (few, many)]
    assert counts[0] == counts[1] <= 3


# Staff --------------------------------------------------------------------------------


def test_staff_invite_members_from_the_parliamentarians_list(role_client):
    prisoner = PrisonerFactory(family_name="Yensebek")
    members = [ParliamentarianFactory(), ParliamentarianFactory(email="")]
    client = role_client(CAMPAIGNER)
    url = reverse("admin:declarations_parliamentarian_changelist")
    ids = [m.pk for m in members]
    form = client.post(url, {"action": "invite_godparent", "_selected_action": ids})
    assert "Send the invitations" in form.content.decode()
    assert "admin/js/autocomplete.js" in form.content.decode()
    done = client.post(
        url,
        {"action": "invite_godparent", "_selected_action": ids, "prisoner": prisoner.pk},
        follow=True,
    )
    assert "2 invited as godparents of" in flat(done) and "1 have no email address" in flat(done)
    assert prisoner.godparenthoods.filter(status="invited").count() == 2
    assert {g.invited_by.username for g in prisoner.godparenthoods.all()} == {"campaigner"}
    assert outbox_tasks.send_due_emails() == 1


def test_staff_cannot_invite_for_a_draft_profile(role_client):
    draft = PrisonerFactory(publication=Prisoner.Publication.DRAFT)
    member = ParliamentarianFactory()
    page = role_client(CAMPAIGNER).post(
        reverse("admin:declarations_parliamentarian_changelist"),
        {"action": "invite_godparent", "_selected_action": [member.pk], "prisoner": draft.pk},
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not Godparenthood.objects.exists()


def test_staff_hand_over_and_the_trail_records_it(role_client):
    current = godparent()
    successor = ParliamentarianFactory()
    client = role_client(CAMPAIGNER)
    url = reverse("admin:declarations_godparenthood_changelist")
    page = client.post(url, {"action": "hand_over", "_selected_action": [current.pk]})
    assert "Hand over and invite" in page.content.decode()
    done = client.post(
        url,
        {"action": "hand_over", "_selected_action": [current.pk], "successor": successor.pk},
        follow=True,
    )
    assert "is invited to take over as godparent" in flat(done)
    current.refresh_from_db()
    assert current.status == Godparenthood.Status.HANDED_OVER
    entry = LogEntry.objects.get_for_object(current).get(additional_data__admin_action="hand_over")
    assert entry.actor.username == "campaigner"
    assert entry.changes["status"] == ["accepted", "handed_over"]

    listed = client.get(url, {"status__exact": "invited"})
    assert list(listed.context["cl"].result_list) == [current.handed_over_to]
    change = client.get(
        reverse("admin:declarations_godparenthood_change", args=[current.handed_over_to.pk])
    )
    # The change page shows the successor's personal link (a token made that second).
    assert link(current.handed_over_to).rsplit(":", 2)[0] in change.content.decode()


def test_staff_record_an_answer_and_end_a_role(role_client):
    invitation, role = GodparenthoodFactory(), godparent()
    client = role_client(CAMPAIGNER)
    url = reverse("admin:declarations_godparenthood_changelist")
    client.post(url, {"action": "record_accepted", "_selected_action": [invitation.pk]})
    client.post(url, {"action": "end", "_selected_action": [role.pk]})
    invitation.refresh_from_db()
    role.refresh_from_db()
    assert invitation.status == "accepted" and role.status == "ended"
    assert LogEntry.objects.get_for_object(role).filter(action=LogEntry.Action.UPDATE).exists()


def test_the_godparent_list_within_its_budget(admin_client, django_assert_max_num_queries):
    for _ in range(30):
        godparent()
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:declarations_godparenthood_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_editors_do_not_manage_godparents(role_client):
    client = role_client(EDITOR)
    response = client.get(reverse("admin:declarations_godparenthood_changelist"))
    assert response.status_code == 403
