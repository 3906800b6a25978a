import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from prisoners.models import Prisoner
from tests.factories import PrisonerFactory, prisoner_change_form

pytestmark = pytest.mark.django_db


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "FamilyPhone"  # camera maker
    exif[0x8825] = {2: (43.0, 15.0, 0.0), 1: "N"}  # GPS position
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_uploaded_photo_loses_its_metadata(staff_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    prisoner = PrisonerFactory()
    photo = SimpleUploadedFile("family.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert b"FamilyPhone" in photo.read()
    photo.seek(0)
    response = staff_client.post(
        reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]),
        prisoner_change_form(prisoner, photo=photo),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    prisoner = Prisoner.objects.get(pk=prisoner.pk)
    assert "family" not in prisoner.photo.name and prisoner.photo.name.endswith(".jpg")
    stored = prisoner.photo.read()
    assert b"FamilyPhone" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


def test_a_file_that_is_not_a_photo_is_refused(staff_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    prisoner = PrisonerFactory()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = staff_client.post(
        reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]),
        prisoner_change_form(prisoner, photo=fake),
    )
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
