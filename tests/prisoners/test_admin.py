import pytest
from django.urls import reverse

from prisoners.models import Prisoner
from tests.factories import AlternativeNameFactory, ArticleFactory, CaseFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


def test_changelist_searches_every_spelling(staff_client):
    prisoner = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    AlternativeNameFactory(prisoner=prisoner, name="Marat Zhylanbaev")
    PrisonerFactory(given_name="Other", family_name="Person")
    response = staff_client.get(reverse("admin:prisoners_prisoner_changelist"), {"q": "Zhylanbaev"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [prisoner]


def test_changelist_filters_and_budget(staff_client, django_assert_max_num_queries):
    PrisonerFactory.create_batch(30)
    with django_assert_max_num_queries(20):
        response = staff_client.get(
            reverse("admin:prisoners_prisoner_changelist"), {"status__exact": "convicted"}
        )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_change_form_has_inlines_and_autocomplete(staff_client):
    prisoner = PrisonerFactory()
    response = staff_client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for inline in ("alternative_names", "sources", "events"):
        assert f'id="{inline}-group"' in html
    assert "admin-autocomplete" in html


def test_autocomplete_finds_articles_and_cases(staff_client):
    ArticleFactory(number="405", title="participation in an extremist organisation")
    CaseFactory(title="Group of Seven")
    url = reverse("admin:autocomplete")
    response = staff_client.get(
        url,
        {
            "app_label": "prisoners",
            "model_name": "prisoner",
            "field_name": "charges",
            "term": "extremist",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [
        "405 (participation in an extremist organisation)"
    ]
    response = staff_client.get(
        url,
        {"app_label": "prisoners", "model_name": "prisoner", "field_name": "case", "term": "seven"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Group of Seven"]


def test_publish_and_withdraw_actions(staff_client):
    drafts = PrisonerFactory.create_batch(2, publication=Prisoner.Publication.DRAFT)
    url = reverse("admin:prisoners_prisoner_changelist")
    staff_client.post(url, {"action": "publish", "_selected_action": [p.pk for p in drafts]})
    assert Prisoner.objects.published().count() == 2
    staff_client.post(url, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert Prisoner.objects.published().count() == 1


def test_event_source_must_belong_to_the_same_prisoner(staff_client):
    from tests.factories import SourceFactory

    prisoner, other = PrisonerFactory(), PrisonerFactory()
    foreign = SourceFactory(prisoner=other)
    url = reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])
    response = staff_client.get(url)
    assert str(foreign.pk) not in [
        str(choice[0].value)
        for choice in response.context["inline_admin_formsets"][2]
        .formset.empty_form.fields["source"]
        .choices
        if choice[0]
    ]


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("admin:prisoners_prisoner_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_deleting_a_prisoner_removes_events_and_sources(staff_client):
    from prisoners.models import Source, TimelineEvent
    from tests.factories import TimelineEventFactory

    event = TimelineEventFactory()
    url = reverse("admin:prisoners_prisoner_delete", args=[event.prisoner.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Prisoner.objects.exists()
    assert not TimelineEvent.objects.exists() and not Source.objects.exists()


def test_a_source_still_cited_by_an_event_cannot_be_deleted_alone(db):
    from django.db.models import RestrictedError

    from tests.factories import TimelineEventFactory

    event = TimelineEventFactory()
    with pytest.raises(RestrictedError):
        event.source.delete()
