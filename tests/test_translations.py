"""Every interface string can be translated, and every interface language has it: the
translation files hold no empty or fuzzy entry, and every email template, its subject
included, is written for translation. Read from the files; no database needed."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# What supporters write themselves goes out as they wrote it.
USER_WRITTEN = {"letter.txt", "letter.html", "letter_subject.txt"}


def _entries(path):
    """(msgid, translated, fuzzy) of each live entry of a .po file."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        text = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', text.split("msgstr")[0]))
        strings = [
            "".join(re.findall(r'"(.*)"', part))
            for part in re.split(r"^msgstr(?:\[\d+\])? ", text, flags=re.M)[1:]
        ]
        if msgid:
            yield msgid, all(strings), fuzzy


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_interface_string_is_translated(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    missing = [msgid for msgid, translated, fuzzy in _entries(po) if not translated or fuzzy]
    assert not missing


@pytest.mark.parametrize(
    "template",
    sorted(p for p in ROOT.glob("*/templates/*/email/*") if p.name not in USER_WRITTEN),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_email_is_written_for_translation(template):
    text = template.read_text(encoding="utf-8")
    assert "{% load i18n %}" in text
    # Words outside the translation tags would go out in English whatever the language.
    outside = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "", text, flags=re.S)
    outside = re.sub(r"{%\s*translate .*?%}", "", outside)
    outside = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", "", outside, flags=re.S)
    assert not re.search(r"[A-Za-z]{3,}", outside), outside
