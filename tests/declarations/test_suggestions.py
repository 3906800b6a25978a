"""Whom to invite next: the ranking, its reasons, its queries, and the admin's table."""

import pytest
from django.urls import reverse

from declarations.models import Declaration, Signatory
from declarations.services.suggestions import invitation_suggestions
from outbox.models import OutgoingEmail
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    DeclarationFactory,
    DelegationFactory,
    ParliamentarianFactory,
    PoliticalGroupFactory,
    PrisonerFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db


def signed(member, declaration):
    return SignatoryFactory(
        declaration=declaration,
        parliamentarian=member,
        status=Signatory.Status.SIGNED,
        delegation_at_signing=member.delegation,
        group_at_signing=member.group,
    )


@pytest.fixture
def world():
    """A collecting declaration on one prisoner, signed by a German socialist and pledged by
    another: it lacks three delegations and one group. Earlier declarations: on the same
    prisoner, on another prisoner of the same case, on a prisoner of another case, and on
    no prisoner at all."""
    assembly = AssemblyFactory()
    country = {
        name: DelegationFactory(assembly=assembly, name=name)
        for name in ("Germany", "France", "Austria", "Spain")
    }
    group = {
        code: PoliticalGroupFactory(assembly=assembly, code=code) for code in ("SOC", "UEL", "NR")
    }
    case = CaseFactory()
    prisoner, same_case, other = (
        PrisonerFactory(case=case),
        PrisonerFactory(case=case),
        PrisonerFactory(),
    )
    declaration = DeclarationFactory(assembly=assembly, status=Declaration.Status.COLLECTING)
    declaration.prisoners.add(prisoner)
    earlier = {
        "prisoner": DeclarationFactory(assembly=assembly, status="published"),
        "case": DeclarationFactory(assembly=assembly, status="published"),
        "country": DeclarationFactory(assembly=assembly, status="published"),
        "none": DeclarationFactory(assembly=assembly, status="published"),
    }
    earlier["prisoner"].prisoners.add(prisoner)
    earlier["case"].prisoners.add(same_case)
    earlier["country"].prisoners.add(other)

    def member(surname, where, code, *, signed_on=(), **extra):
        person = ParliamentarianFactory(
            surname=surname, delegation=country[where], group=group[code], **extra
        )
        for key in signed_on:
            signed(person, earlier[key])
        return person

    signed(member("SIGNER", "Germany", "SOC"), declaration)
    SignatoryFactory(
        declaration=declaration,
        parliamentarian=member("PLEDGER", "Germany", "SOC"),
        status=Signatory.Status.PLEDGED,
    )
    SignatoryFactory(declaration=declaration, parliamentarian=member("INVITED", "Spain", "UEL"))
    SignatoryFactory(
        declaration=declaration,
        parliamentarian=member("DECLINER", "Spain", "UEL"),
        status=Signatory.Status.DECLINED,
    )
    member("RETIRED", "Spain", "UEL", active=False)
    member("CHAMPION", "Germany", "SOC", signed_on=["prisoner", "case", "country", "none"])
    member("LOYAL", "Germany", "SOC", signed_on=["prisoner"])
    member("MAGNITSKY", "Germany", "SOC", signed_on=["none"])
    member("FRENCH", "France", "SOC", signed_on=["country"])
    member("BOTH", "France", "UEL")
    member("ALONE", "Austria", "NR")
    member("ALSO", "Austria", "NR")
    return declaration


def test_members_who_fill_a_gap_come_first_then_the_likeliest_signers(world):
    ranked = invitation_suggestions(declaration=world)
    assert [s.member.surname for s in ranked] == [
        "BOTH",  # a new delegation and a new group
        "FRENCH",  # a new delegation, and a signature on Kazakhstan
        "ALONE",  # a new delegation only (non-attached add no group); ties by name
        "ALSO",
        "CHAMPION",  # same prisoner, same case, same country
        "LOYAL",  # same prisoner
        "MAGNITSKY",  # signed only on something else
    ]


def test_each_suggestion_says_why(world):
    why = {s.member.surname: s.why for s in invitation_suggestions(declaration=world)}
    assert why["CHAMPION"] == (
        "signed 1 earlier declaration on these prisoners; signed 1 earlier declaration on "
        "other prisoners of the same case; signed 1 earlier declaration on other political "
        "prisoners in Kazakhstan"
    )
    assert why["FRENCH"] == (
        "signed 1 earlier declaration on other political prisoners in Kazakhstan; adds a "
        "missing national delegation (France)"
    )
    assert why["BOTH"] == (
        "adds a missing national delegation (France); adds a missing political group (UEL)"
    )
    assert why["MAGNITSKY"] == "no earlier signature on Kazakhstan"


def test_weights_same_prisoner_over_same_case_over_same_country(world):
    assembly = world.assembly
    germany = DelegationFactory(assembly=assembly, name="Germany")
    soc = PoliticalGroupFactory(assembly=assembly, code="SOC")
    on_case = DeclarationFactory(assembly=assembly, status="published")
    on_case.prisoners.add(PrisonerFactory(case=world.prisoners.get().case))
    two_on_case = ParliamentarianFactory(surname="AAA", delegation=germany, group=soc)
    signed(two_on_case, on_case)
    loyal = [s for s in invitation_suggestions(declaration=world) if s.member.surname == "LOYAL"]
    ranked = [s.member.surname for s in invitation_suggestions(declaration=world)]
    # One on the prisoner (3) beats one on the case (2), whatever the names.
    assert ranked.index("LOYAL") < ranked.index("AAA")
    assert loyal[0].score == 3


def test_a_met_delegation_or_group_is_no_longer_a_reason(world):
    assembly = world.assembly
    assembly.min_delegations = 1
    assembly.min_groups = 1
    assembly.save()
    world.refresh_from_db()
    ranked = invitation_suggestions(declaration=world)
    assert [s.member.surname for s in ranked][:2] == ["CHAMPION", "LOYAL"]
    assert not any(s.adds_delegation or s.adds_group for s in ranked)


def test_the_limit_and_the_statuses(world):
    assert len(invitation_suggestions(declaration=world, limit=3)) == 3
    world.status = Declaration.Status.TABLED
    world.save()
    assert invitation_suggestions(declaration=world) == []


def test_a_fixed_number_of_queries_whatever_the_members(world, django_assert_num_queries):
    assembly = world.assembly
    earlier = DeclarationFactory(assembly=assembly, status="published")
    earlier.prisoners.add(world.prisoners.get())
    for n in range(40):
        member = ParliamentarianFactory(
            surname=f"MANY{n:02}",
            delegation=DelegationFactory(assembly=assembly, name=f"Country {n}"),
            group=PoliticalGroupFactory(assembly=assembly, code=f"G{n}"),
        )
        signed(member, earlier)
    world = Declaration.objects.select_related("assembly").get(pk=world.pk)
    with django_assert_num_queries(3):
        ranked = invitation_suggestions(declaration=world, limit=50)
        reasons = [s.why for s in ranked]
    assert len(reasons) == 47


# The admin


def test_the_change_page_shows_the_table_and_invites_the_ticked(admin_client, world):
    url = reverse("admin:declarations_declaration_change", args=[world.pk])
    html = admin_client.get(url).content.decode()
    assert "Whom to invite next" in html
    assert "adds a missing national delegation (France); adds a missing political group" in html
    assert 'form="invite-suggested" value="Invite selected"' in html
    assert "RETIRED" not in html.split("Whom to invite next")[1].split("</fieldset>")[0]

    ranked = invitation_suggestions(declaration=world)
    chosen = [s.member for s in ranked[:2]]
    response = admin_client.post(
        reverse("admin:declarations_declaration_invite_suggested", args=[world.pk]),
        {"member": [m.pk for m in chosen]},
        follow=True,
    )
    assert "2 invited; 0 were invited before." in response.content.decode()
    invited = world.signatories.filter(status=Signatory.Status.INVITED)
    assert {s.parliamentarian for s in invited} >= set(chosen)
    assert OutgoingEmail.objects.filter(to__in=[m.email for m in chosen]).count() == 2


def test_a_draft_shows_whom_to_invite_but_waits_to_be_opened(admin_client, world):
    world.status = Declaration.Status.DRAFT
    world.save()
    html = admin_client.get(
        reverse("admin:declarations_declaration_change", args=[world.pk])
    ).content.decode()
    assert "Whom to invite next" in html and "BOTH" in html
    assert "Invitations can be sent once the declaration is open for signatures" in html
    assert 'name="member"' not in html
    response = admin_client.post(
        reverse("admin:declarations_declaration_invite_suggested", args=[world.pk]),
        {"member": [world.signatories.first().parliamentarian_id]},
        follow=True,
    )
    assert "is not collecting signatures" in response.content.decode()


def test_inviting_nobody_or_junk_says_so(admin_client, world):
    url = reverse("admin:declarations_declaration_invite_suggested", args=[world.pk])
    response = admin_client.post(url, {"member": ["x", "-1"]}, follow=True)
    assert "Tick the members to invite." in response.content.decode()
    assert admin_client.get(url).status_code == 405


def test_the_change_page_query_budget(admin_client, world, django_assert_max_num_queries):
    assembly = world.assembly
    earlier = DeclarationFactory(assembly=assembly, status="published")
    earlier.prisoners.add(world.prisoners.get())
    for n in range(30):
        member = ParliamentarianFactory(
            surname=f"MANY{n:02}",
            delegation=DelegationFactory(assembly=assembly, name=f"Country {n}"),
            group=PoliticalGroupFactory(assembly=assembly, code=f"G{n}"),
        )
        signed(member, earlier)
    url = reverse("admin:declarations_declaration_change", args=[world.pk])
    admin_client.get(url)  # sessions, permissions and content types, once
    with django_assert_max_num_queries(30):
        html = admin_client.get(url).content.decode()
    assert html.count('name="member"') == 20


def test_the_change_page_reads_its_signatories_once_however_many(admin_client, world):
    """Each signatory row shows its member from the row itself, rather than the
    autocomplete widget looking every one up again."""
    from tests.budgets import page_queries

    url = reverse("admin:declarations_declaration_change", args=[world.pk])

    def with_signatories(n):
        for _ in range(n):
            SignatoryFactory(declaration=world)
        admin_client.get(url)  # sessions, permissions and content types, once
        return page_queries(admin_client, url)

    few = with_signatories(2)
    many = with_signatories(25)
    assert many == few, (few, many)
    html = admin_client.get(url).content.decode()
    for signatory in world.signatories.select_related("parliamentarian"):
        member = signatory.parliamentarian
        assert f'<option value="{member.pk}" selected>{member}</option>' in html
