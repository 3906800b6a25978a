"""Headers, deployment checks, and hostile uploads."""

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.models import Campaign
from prisoners.models import Prisoner
from tests.factories import CampaignFactory, PrisonerFactory, prisoner_change_form

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_public_site_and_the_admin_send_a_strict_policy(client, admin_client):
    PrisonerFactory()
    for page_client, url in (
        (client, "/prisoners/"),
        (client, "/privacy/"),
        (admin_client, reverse("admin:index")),
        (admin_client, reverse("admin:prisoners_prisoner_changelist")),
        (client, reverse("two_factor:login")),
    ):
        response = page_client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_hsts_for_a_year_with_subdomains(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/prisoners/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        "inline script",
    ),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"<style"), "style element"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"javascript:"), "javascript: URL"),
]


def inline_code(html):
    return [what for pattern, what in INLINE if pattern.search(html)]


def test_no_page_needs_inline_script_or_style(client, admin_client, demo_data):
    campaign = Campaign.objects.get()
    pages = [
        (client, "/prisoners/"),
        (client, "/prisoners/duman-mukhametkarim/"),
        (client, "/cases/"),
        (client, "/declarations/"),
        (client, campaign.get_absolute_url()),
        (client, campaign.petitions.get().get_absolute_url()),
        (client, "/privacy/"),
        (client, reverse("two_factor:login")),
        (admin_client, reverse("admin:index")),
        (admin_client, reverse("admin:prisoners_prisoner_changelist")),
        (
            admin_client,
            reverse("admin:prisoners_prisoner_change", args=[Prisoner.objects.first().pk]),
        ),
        (admin_client, reverse("admin:prisoners_prisoner_import")),
        (admin_client, reverse("admin:prisoners_prisoner_export")),
        (admin_client, reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk])),
        (admin_client, reverse("admin:campaigns_signature_held")),
        (admin_client, reverse("admin:campaigns_signature_trending")),
        (admin_client, reverse("admin:declarations_declaration_import_text")),
        (admin_client, reverse("admin:auditlog_logentry_changelist")),
        (admin_client, reverse("two_factor:profile")),
    ]
    found = {}
    for page_client, url in pages:
        response = page_client.get(url)
        assert response.status_code == 200, url
        problems = inline_code(response.content.decode())
        if problems:
            found[url] = problems
    assert found == {}


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k" * 30 + "Q3f!x9#Lz2@pV7wR4mT8yB1nC6dH0sJ5",
        "ALLOWED_HOSTS": "prisoners.example.org",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
    }
    for name in ("SECURE_SSL_REDIRECT", "STATIC_STORAGE", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)  # the production defaults, not the test suite's
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def png_claiming(width, height):
    """A tiny PNG file whose header claims a huge image: a decompression bomb."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_claiming(100_000, 100_000), "too large to open safely"),
        (png_claiming(6_000, 5_000), "up to 24 megapixels"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an image that can be read"),
    ],
)
def test_hostile_images_are_refused_with_a_message(
    admin_client, content, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    prisoner = PrisonerFactory()
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]),
        prisoner_change_form(prisoner, photo=upload),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("photo", []))
    assert message in errors or "Upload a valid image" in errors, errors
    prisoner.refresh_from_db()
    assert not prisoner.photo


def test_campaign_images_lose_their_metadata_too(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "FamilyPhone"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    campaign = CampaignFactory()
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "image"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["featured_prisoners"] = []
    for prefix in ("petitions", "letter_actions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["image"] = SimpleUploadedFile("family-name.jpg", buffer.getvalue(), "image/jpeg")
    response = admin_client.post(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert "family-name" not in campaign.image.name
    with Image.open(campaign.image.path) as saved:
        assert not saved.getexif()
