"""A declaration's title in each language; its body quoted as tabled, marked with the
language it is in."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


def page(client, declaration, language):
    with translation.override(language):
        response = client.get(reverse("declarations:detail", args=[declaration.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_body_carries_the_language_it_was_tabled_in(client):
    declaration = DeclarationFactory(body="Nous appelons à la libération.", body_language="fr")
    html = page(client, declaration, "ru")
    assert '<div lang="fr"><p>Nous appelons à la libération.</p></div>' in html


def test_the_title_is_shown_in_the_page_language_or_marked_with_its_own(client):
    declaration = DeclarationFactory(title_en="Free them", title_ru="Освободите их")
    assert "<h1>Освободите их</h1>" in page(client, declaration, "ru")
    # No Kazakh title: the Russian one, marked as Russian.
    assert '<h1><span lang="ru">Освободите их</span></h1>' in page(client, declaration, "kk")


def test_the_admin_has_the_titles_side_by_side_and_the_body_language(admin_client):
    declaration = DeclarationFactory()
    url = reverse("admin:declarations_declaration_change", args=[declaration.pk])
    html = admin_client.get(url).content.decode()
    assert "field-title_en field-title_ru field-title_kk" in html
    assert 'name="body_language"' in html
