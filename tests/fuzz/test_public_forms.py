"""The public forms and emailed links, fed arbitrary input: only 2xx, 3xx or 4xx answers,
and nothing typed comes back unescaped."""

import itertools
from urllib.parse import quote, urlencode

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from campaigns.models import (
    Letter,
    LetterAction,
    Official,
    Signature,
    SolidarityMessage,
)
from campaigns.services import signature_confirm
from campaigns.services import signing as signing_services
from campaigns.services.privacy import PRIVACY_SALT
from declarations.services import pledge_token
from supporters.models import Supporter
from supporters.services import unsubscribe_url
from tests.factories import PetitionFactory, PrisonerFactory, SignatoryFactory

from .strategies import (
    ATTRIBUTE_BREAKOUT,
    CHARACTERS,
    PAYLOADS,
    SCRIPT,
    TEXT,
    UNCLOSED_TAG,
    assert_echoed_escaped,
    assert_rows_fit_their_columns,
    assert_safe,
    fresh_ip,
    fuzz_settings,
)

pytestmark = pytest.mark.django_db

UNLIMITED = [(10**9, 60)]
FIELDS = ("name", "email", "country", "comment", "body", "text", "show_name", "mailing", "website")
# The fields each form shows again, as typed, when it is refused.
ECHOED = {
    "campaigns/petition.html": ("name", "email", "comment", "country"),
    "campaigns/letter.html": ("name", "email", "body", "country"),
    "campaigns/message.html": ("name", "text", "country"),
    "campaigns/privacy.html": ("email",),
}
VALID = {
    "name": "Aigul Example",
    "email": "aigul@example.org",
    "country": "DE",
    "comment": "Free them",
    "body": "Dear Minister, release them.",
    "text": "Stay strong.",
    "show_name": "on",
    "mailing": "",
    "website": "",
}

EMAILS = st.one_of(
    st.emails(),
    TEXT,
    st.builds(
        lambda local, domain: f"{local}@{domain}",
        st.text(CHARACTERS, min_size=1, max_size=70),
        st.one_of(st.sampled_from(["example.org", "bücher.de", "mailinator.com"]), TEXT),
    ),
)
FIELD_VALUE = {"email": EMAILS, "country": st.one_of(st.sampled_from(["KZ", "de", "XX"]), TEXT)}
ABSENT = object()


@st.composite
def submissions(draw):
    """A valid submission with a few fields left out, replaced or sent several times, so
    that arbitrary values also reach the code behind a valid form."""
    data = dict(VALID)
    for field in draw(st.sets(st.sampled_from(FIELDS), max_size=4)):
        value = FIELD_VALUE.get(field, TEXT)
        data[field] = draw(
            st.one_of(st.just(ABSENT), value, st.lists(value, min_size=2, max_size=3))
        )
    return {field: value for field, value in data.items() if value is not ABSENT}


SUBMISSION = submissions()
ENCODING = st.sampled_from(["multipart", "urlencoded"])


@pytest.fixture
def generous_limits(settings):
    settings.SIGNING_ADDRESS_LIMITS = UNLIMITED
    settings.SIGNING_NETWORK_LIMITS = UNLIMITED
    settings.LETTER_IP_LIMITS = UNLIMITED
    settings.MESSAGE_IP_LIMITS = UNLIMITED
    settings.PRIVACY_LIMITS = UNLIMITED


def post(client, url, data, encoding, **extra):
    extra.setdefault("REMOTE_ADDR", fresh_ip())
    if encoding == "urlencoded":
        return client.post(
            url,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
            **extra,
        )
    return client.post(url, data, **extra)


def check_form_answer(response, data):
    assert_safe(response)
    echoing = [t.name for t in response.templates if t.name in ECHOED]
    if response.status_code in (400, 429) and echoing:
        for field in ECHOED[echoing[0]]:
            value = data.get(field)
            if isinstance(value, list):
                value = value[-1]  # a form reads the last of repeated values
            if isinstance(value, str):
                assert_echoed_escaped(response, value)


def each_payload_in(field):
    """Explicit examples, so that the payloads reach every field whatever is drawn."""

    def decorate(test):
        for payload in PAYLOADS:
            test = example(data={**VALID, field: payload}, encoding="multipart")(test)
        return test

    return decorate


@pytest.fixture
def letter_action():
    action = LetterAction.objects.create(
        campaign=PetitionFactory().campaign,
        slug="write",
        title="Write to them",
        subject="Free them",
        suggested_letter="Dear Sir, please release them.",
    )
    action.recipients.set(
        [
            Official.objects.create(name="Minister", position="Minister", email="m@gov.example"),
            Official.objects.create(name="Governor", position="Governor", postal_address="Astana"),
        ]
    )
    return action


@pytest.fixture
def petition():
    return PetitionFactory(slug="free-them")


@fuzz_settings(max_examples=120)
@given(data=SUBMISSION, encoding=ENCODING)
@each_payload_in("country")
@each_payload_in("name")
def test_petition_form(client, generous_limits, petition, data, encoding):
    response = post(client, f"/petitions/{petition.slug}/", data, encoding)
    check_form_answer(response, data)
    assert_rows_fit_their_columns(Supporter, Signature)


@fuzz_settings(max_examples=80)
@given(data=SUBMISSION, encoding=ENCODING)
@each_payload_in("body")
@each_payload_in("name")
def test_letter_form(client, generous_limits, letter_action, data, encoding):
    response = post(client, letter_action.get_absolute_url(), data, encoding)
    check_form_answer(response, data)
    if response.status_code == 200 and "campaigns/letter_sent.html" in [
        t.name for t in response.templates
    ]:
        assert_echoed_escaped(response, data.get("body", ""))
    assert_rows_fit_their_columns(Supporter, Letter)


@pytest.fixture
def prisoner():
    return PrisonerFactory(slug="aigul", letters_accepted=True)


@fuzz_settings(max_examples=80)
@given(data=SUBMISSION, encoding=ENCODING)
@each_payload_in("text")
def test_solidarity_message_form(client, generous_limits, prisoner, data, encoding):
    response = post(client, "/messages/aigul/", data, encoding)
    check_form_answer(response, data)
    assert_rows_fit_their_columns(SolidarityMessage)


@fuzz_settings(max_examples=60)
@given(data=SUBMISSION, encoding=ENCODING)
@each_payload_in("email")
def test_privacy_form(client, generous_limits, data, encoding):
    response = post(client, "/privacy/", data, encoding)
    check_form_answer(response, data)


@fuzz_settings(max_examples=30)
@given(
    data=SUBMISSION,
    origin=st.sampled_from(["https://evil.example", "http://testserver.evil.example", "null "]),
)
def test_cross_site_posts_are_refused_and_save_nothing(
    client, generous_limits, petition, data, origin
):
    response = client.post(
        f"/petitions/{petition.slug}/",
        {**VALID, **data},
        HTTP_ORIGIN=origin,
        REMOTE_ADDR=fresh_ip(),
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()


# Emailed links ------------------------------------------------------------------------------


@pytest.fixture
def tokens(petition):
    """One genuine token of each kind, to be mangled."""
    supporter = Supporter.objects.create(
        email="aigul@example.org", email_key="aigul@example.org", name="Aigul"
    )
    signature = Signature.objects.create(petition=petition, supporter=supporter)
    return {
        "confirm": signing_services.confirm_token(signature),
        "unsubscribe": unsubscribe_url(supporter).rstrip("/").rsplit("/", 1)[1],
        "pledge": pledge_token(SignatoryFactory()),
        "privacy": signing.TimestampSigner(salt=PRIVACY_SALT).sign_object({"u": supporter.pk}),
    }


LINKS = {
    "confirm": "/confirm/{}/",
    "unsubscribe": "/unsubscribe/{}/",
    "pledge": "/pledge/{}/",
    "privacy": "/privacy/{}/",
}


@st.composite
def mangled(draw, token):
    """A real token with text added, removed or replaced somewhere."""
    at = draw(st.integers(min_value=0, max_value=len(token)))
    cut = draw(st.integers(min_value=0, max_value=8))
    return token[:at] + draw(TEXT) + token[at + cut :]


def genuine_links(test):
    """Explicit examples with the real tokens, so that the pages behind them are reached."""
    for kind in LINKS:
        for method in ("get", "post"):
            test = example(data=None, kind=kind, method=method, prefix="")(test)
    return test


@fuzz_settings(max_examples=150)
@given(
    data=st.data(),
    kind=st.sampled_from(sorted(LINKS)),
    method=st.sampled_from(["get", "post"]),
    prefix=st.sampled_from(["", "/ru"]),
)
@genuine_links
def test_emailed_links_with_arbitrary_tokens(client, tokens, data, kind, method, prefix):
    if data is None:
        token, query, body = tokens[kind], {"download": ""}, {"answer": SCRIPT, "erase": "no"}
    else:
        token = data.draw(st.one_of(TEXT, mangled(tokens[kind])), label="token")
        query = data.draw(st.dictionaries(st.sampled_from(["download", "x"]), TEXT, max_size=2))
        body = data.draw(st.dictionaries(st.sampled_from(["answer", "erase"]), TEXT, max_size=2))
    url = prefix + LINKS[kind].format(quote(token, safe="")) + "?" + urlencode(query)
    if method == "post":
        response = client.post(url, body, REMOTE_ADDR=fresh_ip())
    else:
        response = client.get(url, REMOTE_ADDR=fresh_ip())
    assert_safe(response)
    if data is None:
        assert response.status_code == 200


# What supporters wrote, shown later -----------------------------------------------------------

_emails = itertools.count(1)


@fuzz_settings(max_examples=40)
@given(name=TEXT, comment=TEXT, text=TEXT)
@example(name=SCRIPT, comment=ATTRIBUTE_BREAKOUT, text=UNCLOSED_TAG)
@example(name=UNCLOSED_TAG, comment=SCRIPT, text=ATTRIBUTE_BREAKOUT)
def test_what_supporters_wrote_is_shown_escaped_wherever_it_appears(
    admin_client, generous_limits, petition, prisoner, name, comment, text
):
    """Signed, confirmed and approved, a submission reaches the public pages, the admin and
    the printed batch of messages."""
    email = f"supporter{next(_emails)}@example.org"
    form = {**VALID, "email": email, "name": name, "comment": comment, "text": text}
    admin_client.post(petition.get_absolute_url(), form, REMOTE_ADDR=fresh_ip())
    admin_client.post(f"/messages/{prisoner.slug}/", form, REMOTE_ADDR=fresh_ip())
    for signature in Signature.objects.filter(status=Signature.Status.PENDING):
        signature_confirm(signature=signature)
    for message in SolidarityMessage.objects.filter(status=SolidarityMessage.Status.PENDING):
        message.approve()
    pages = [
        petition.get_absolute_url(),
        petition.campaign.get_absolute_url(),
        reverse("admin:campaigns_signature_changelist"),
        reverse("admin:supporters_supporter_changelist"),
        reverse("admin:campaigns_solidaritymessage_changelist"),
    ]
    supporter = Supporter.objects.filter(email=email).first()
    if supporter is not None:
        token = signing.TimestampSigner(salt=PRIVACY_SALT).sign_object({"u": supporter.pk})
        pages += [
            f"/privacy/{token}/",
            reverse("admin:supporters_supporter_change", args=[supporter.pk]),
        ]
    for page in pages:
        assert_safe(admin_client.get(page))
    printed = admin_client.post(
        reverse("admin:campaigns_solidaritymessage_changelist"),
        {
            "action": "print_batch",
            "_selected_action": list(SolidarityMessage.objects.values_list("pk", flat=True)),
        },
    )
    assert_safe(printed)
