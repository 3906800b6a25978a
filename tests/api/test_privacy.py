"""The API never gives out what the public pages do not show: nothing unpublished (draft
profiles, their cases, charges and regions; draft and withdrawn declarations; draft
campaigns and their petitions), and nothing about supporters (emails, names, comments,
consents, letters, messages, network fingerprints, held signatures), members' contact
details or staff notes. Every secret in the world fixture contains "leak"."""

import pytest

from tests.api.conftest import MARK, api, walk

pytestmark = pytest.mark.django_db

# Keys that would mean a personal or staff-only field had been added to a resource.
FORBIDDEN_KEYS = {
    "email",
    "supporter",
    "supporters",
    "signers",
    "comment",
    "consent",
    "consents",
    "ip_hash",
    "held",
    "hold_reason",
    "notes",
    "office_contact",
    "publication",
    "name_key",
    "messages",
    "recipients",
}


def public_paths(world):
    """Every endpoint, as list and as detail, with the published objects' addresses."""
    declaration = world["declaration"].pk
    return [
        "/api/v1/",
        "/api/v1/prisoners/",
        "/api/v1/prisoners/?page_size=200",
        f"/api/v1/prisoners/{world['published'].slug}/",
        f"/api/v1/prisoners/{world['no_letters'].slug}/",
        "/api/v1/cases/",
        f"/api/v1/cases/{world['case'].slug}/",
        "/api/v1/articles/",
        f"/api/v1/articles/{world['article'].number}/",
        "/api/v1/declarations/",
        f"/api/v1/declarations/{declaration}/",
        "/api/v1/campaigns/",
        f"/api/v1/campaigns/{world['campaign'].slug}/",
        "/api/v1/petitions/",
        f"/api/v1/petitions/{world['petition'].slug}/",
        f"/api/v1/petitions/{world['petition'].slug}/count.json",
    ]


def unpublished_paths(world):
    return [
        f"/api/v1/prisoners/{world['draft'].slug}/",
        f"/api/v1/cases/{world['draft_case'].slug}/",
        f"/api/v1/articles/{world['draft_article'].number}/",
        f"/api/v1/declarations/{world['draft_declaration'].pk}/",
        f"/api/v1/declarations/{world['withdrawn_declaration'].pk}/",
        f"/api/v1/campaigns/{world['draft_campaign'].slug}/",
        f"/api/v1/petitions/{world['draft_petition'].slug}/",
        f"/api/v1/petitions/{world['draft_petition'].slug}/count.json",
    ]


def assert_nothing_private(world, path, response):
    assert MARK.encode() not in response.content.lower(), path
    hidden_declarations = {world["draft_declaration"].pk, world["withdrawn_declaration"].pk}
    for key, value in walk(response.json()):
        assert key not in FORBIDDEN_KEYS, (path, key)
        if key == "signatures":
            assert isinstance(value, int), path  # a count, never who signed
        if key == "id":
            assert value not in hidden_declarations, path
        if isinstance(value, str) and "/declarations/" in value:
            assert not any(f"/declarations/{pk}/" in value for pk in hidden_declarations), path
        if isinstance(value, str) and "/parliamentarians/" in value:
            # Only the member who signed a public declaration has a public page.
            assert value.endswith(f"/parliamentarians/{world['member'].pk}/"), path


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_endpoint_gives_out_anything_unpublished_or_personal(client, world, lang):
    for path in public_paths(world):
        response = client.get(path, {"lang": lang})
        assert response.status_code == 200, path
        assert_nothing_private(world, path, response)


def test_every_address_of_an_unpublished_object_is_not_found(client, world):
    for path in unpublished_paths(world):
        response = client.get(path)
        assert response.status_code == 404, path
        assert MARK.encode() not in response.content.lower(), path


def test_staff_signed_in_see_the_same_as_everyone(admin_client, world):
    """No session authentication: the API has no staff view of drafts."""
    for path in unpublished_paths(world):
        assert admin_client.get(path).status_code == 404, path
    response = admin_client.get("/api/v1/prisoners/", {"page_size": 200})
    assert_nothing_private(world, "/api/v1/prisoners/", response)


def test_the_filters_reveal_no_draft(client, world):
    """A draft's name, case, charge or region finds nothing, and answers as a value that
    does not exist at all does: the answer cannot tell that a draft exists."""
    assert api(client, "/api/v1/prisoners/", q="Draftprisoner")["count"] == 0
    for name, draft_value, unknown in [
        ("case", world["draft_case"].slug, "no-such-case"),
        ("article", world["draft_article"].number, "000"),
        ("region", "LEAK region", "Nowhere"),
    ]:
        draft = client.get("/api/v1/prisoners/", {name: draft_value})
        missing = client.get("/api/v1/prisoners/", {name: unknown})
        assert draft.status_code == missing.status_code == 400, name
        assert set(draft.json()) == set(missing.json()) == {name}
    for resource in ("declarations", "campaigns"):
        found = api(client, f"/api/v1/{resource}/", prisoner=world["draft"].slug)
        assert found["count"] == 0, resource
        found = api(client, f"/api/v1/{resource}/", prisoner=world["published"].slug)
        assert found["count"] == 1, resource
    assert client.get("/api/v1/declarations/", {"status": "draft"}).status_code == 400
    assert client.get("/api/v1/campaigns/", {"status": "draft"}).status_code == 400


def test_the_letters_address_only_while_letters_are_accepted(client, world):
    accepting = api(client, f"/api/v1/prisoners/{world['published'].slug}/")
    assert accepting["letters"] == {"accepted": True, "address": world["published"].letters_address}
    refusing = api(client, f"/api/v1/prisoners/{world['no_letters'].slug}/")
    assert refusing["letters"] == {"accepted": False, "address": None}


def test_only_published_profiles_count_and_only_confirmed_signatures(client, world):
    assert api(client, "/api/v1/prisoners/")["count"] == 2
    [article] = api(client, "/api/v1/articles/")["results"]
    assert article["prisoner_count"] == 2  # the draft is charged under it too
    [declaration] = api(client, "/api/v1/declarations/")["results"]
    assert declaration["signature_count"] == 1  # not the invited, pledged or declined
    detail = api(client, f"/api/v1/declarations/{world['declaration'].pk}/")
    assert [s["name"] for s in detail["signatories"]] == ["Anna KOWALSKA"]
    assert [p["slug"] for p in detail["prisoners"]] == [world["published"].slug]
    campaign = api(client, f"/api/v1/campaigns/{world['campaign'].slug}/")
    assert [p["slug"] for p in campaign["prisoners"]] == [world["published"].slug]
    assert campaign["declaration"] is None  # its declaration is a draft
    # One confirmed signature counts; the held, the pending and the draft petition's do not.
    assert [p["count"] for p in campaign["petitions"]] == [1]
    count = api(client, f"/api/v1/petitions/{world['petition'].slug}/count.json")
    assert count["count"] == 1
