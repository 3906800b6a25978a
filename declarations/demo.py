"""Demo content: the assemblies' rules and the published declarations in demo_data/.

An assembly's rules are data (demo_data/assemblies.json), as staff would enter them in the
admin for another assembly; nothing here knows PACE's codes.
"""

import json
from pathlib import Path

from .models import Assembly, PoliticalGroup

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
ASSEMBLIES_FILE = DEMO_DIR / "assemblies.json"
RULE_FIELDS = (
    "name",
    "min_signatures",
    "min_delegations",
    "min_groups",
    "non_attached_count_as_group",
    "non_attached_code",
    "word_limit",
    "signatures_withdrawable",
)


def assembly_demo(short_name):
    """The assembly of that short name with its rules and standing groups, created from
    the demo file when it is not in the database yet; an existing one is left as it is."""
    [entry] = [a for a in json.loads(ASSEMBLIES_FILE.read_text()) if a["short_name"] == short_name]
    assembly, _created = Assembly.objects.get_or_create(
        short_name=short_name, defaults={field: entry[field] for field in RULE_FIELDS}
    )
    for group in entry.get("groups", []):
        PoliticalGroup.objects.get_or_create(
            assembly=assembly,
            code=group["code"],
            defaults={"name": group["name"], "is_non_attached": group["is_non_attached"]},
        )
    return assembly


def assembly_pace():
    """PACE, whose declarations the demo imports."""
    return assembly_demo("PACE")


def declaration_demo_files():
    return sorted(DEMO_DIR.glob("*.txt"))
