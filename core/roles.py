"""Staff roles, each a group with the least privilege its work needs.

The roles are data: migrate creates them (core migration 0001) and brings them in line with
this table on every later migrate, so that a new model or permission reaches the right
people without a manual step. Staff can make further groups of their own; these four are
kept as written here.

A rule is "app_label.model.action" (action: view, add, change, delete or *), or
"app_label.codename" for a custom permission, or "*" for everything.
"""

EDITOR = "Editor"
CAMPAIGNER = "Campaigner"
DATA_PROTECTION_OFFICER = "Data protection officer"
ADMINISTRATOR = "Administrator"

ROLES = {
    # Prisoners' profiles and what they are made of.
    EDITOR: [
        "prisoners.*.*",
        "auditlog.logentry.view",
    ],
    # Campaigns, their actions and declarations; counts of supporters, never who they are.
    CAMPAIGNER: [
        "campaigns.campaign.*",
        "campaigns.petition.*",
        "campaigns.papersignaturebatch.*",
        "campaigns.letteraction.*",
        "campaigns.official.*",
        "campaigns.campaignupdate.*",
        "campaigns.send_campaignupdate",
        "campaigns.solidaritymessage.view",
        "campaigns.solidaritymessage.change",
        "declarations.*.*",
        "prisoners.prisoner.view",
        "prisoners.case.view",
        "prisoners.article.view",
        "auditlog.logentry.view",
    ],
    # Supporters' personal data: who they are, what they consented to, what they wrote,
    # held signatures, exports of personal data and erasure.
    DATA_PROTECTION_OFFICER: [
        "supporters.view_personal_data",
        "supporters.supporter.*",
        "supporters.blockeddomain.*",
        "campaigns.consent.view",
        "campaigns.signature.view",
        "campaigns.signature.change",
        "campaigns.letter.view",
        "campaigns.letter.change",
        "campaigns.solidaritymessage.view",
        "campaigns.campaign.view",
        "campaigns.petition.view",
        "campaigns.papersignaturebatch.view",
        "outbox.outgoingemail.view",
        "outbox.outgoingemail.change",
        "auditlog.logentry.view",
        "axes.accessattempt.view",
        "axes.accessattempt.delete",
    ],
    ADMINISTRATOR: ["*"],
}

# Roles whose members must sign in with a second factor.
TWO_FACTOR_REQUIRED = {ADMINISTRATOR, DATA_PROTECTION_OFFICER}

ACTIONS = ("view", "add", "change", "delete")


def _matches(rule, permission):
    """Whether one rule grants one permission (given as its app label, model and codename)."""
    app_label, model, codename = permission
    if rule == "*":
        return True
    parts = rule.split(".")
    if len(parts) == 2:
        return parts[0] == app_label and parts[1] == codename
    rule_app, rule_model, rule_action = parts
    if rule_app != app_label or rule_model not in ("*", model):
        return False
    if rule_action == "*":
        return codename in {f"{action}_{model}" for action in ACTIONS}
    return codename == f"{rule_action}_{model}"


def permissions_for(role, permissions):
    """The permissions, from (pk, app_label, model, codename) rows, that a role grants."""
    return [
        pk for pk, *permission in permissions if any(_matches(r, permission) for r in ROLES[role])
    ]


def sync_roles(apps=None):
    """Create the four groups and set their permissions to exactly what the table grants.
    `apps` is a migration's app registry, or None for the running project."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rows = list(
        Permission.objects.values_list(
            "pk", "content_type__app_label", "content_type__model", "codename"
        )
    )
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role, rows))
