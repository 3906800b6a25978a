"""Two bugs from the design review: the header's current section, and VAR_DIR in .env."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import CampaignFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def current(client, url):
    import re

    html = client.get(url).content.decode()
    header = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    return dict(
        (label, state) for state, label in re.findall(r'aria-current="(\w+)">([^<]+)</a>', header)
    )


def test_the_header_marks_one_section_and_the_page_only_on_its_own_list(client):
    prisoner = PrisonerFactory()
    petition = PetitionFactory(campaign=CampaignFactory())
    assert current(client, "/campaigns/") == {"Campaigns": "page"}
    assert current(client, petition.campaign.get_absolute_url()) == {"Campaigns": "true"}
    assert current(client, petition.get_absolute_url()) == {"Campaigns": "true"}
    assert current(client, "/prisoners/") == {"Prisoners": "page"}
    assert current(client, prisoner.get_absolute_url()) == {"Prisoners": "true"}
    assert current(client, "/cases/") == {"Cases": "page"}
    assert current(client, prisoner.case.get_absolute_url()) == {"Cases": "true"}
    assert current(client, "/declarations/") == {"Declarations": "page"}
    assert current(client, "/privacy/") == {}


def test_var_dir_set_in_dot_env_is_used(tmp_path):
    """Settings read VAR_DIR after .env, so a VAR_DIR written there counts. The settings
    run from a copy of the project, whose .env the test writes."""
    import shutil

    project = tmp_path / "project"
    for package in ("config", "core"):
        shutil.copytree(ROOT / package, project / package)
    var_dir = tmp_path / "var-from-dot-env"
    (project / ".env").write_text(f"DEBUG=1\nVAR_DIR={var_dir}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("VAR_DIR", "DEBUG", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.VAR_DIR)"],
        cwd=project,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == str(var_dir), result.stderr
