# The model that holds a member's invitation, pledge or signature is a Signatory, with a
# status, as PACE speaks of signatories; petition signatures keep the name Signature.

import django.db.models.deletion
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(apps, schema_editor):
    """RenameModel renames the content type; the permissions' codenames follow here, so
    that staff keep what they were granted."""
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.filter(
            content_type__app_label="declarations", codename=f"{action}_signature"
        ).update(codename=f"{action}_signatory", name=f"Can {action} signatory")


def rename_permissions_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.filter(
            content_type__app_label="declarations", codename=f"{action}_signatory"
        ).update(codename=f"{action}_signature", name=f"Can {action} invitation or signature")


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("declarations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="signature", name="signature_keeps_its_delegation"),
        migrations.RenameModel(old_name="Signature", new_name="Signatory"),
        migrations.RenameField(model_name="signatory", old_name="state", new_name="status"),
        migrations.AlterField(
            model_name="signatory",
            name="status",
            field=models.CharField(choices=[("invited", "Invited"), ("pledged", "Pledged"), ("signed", "Signed"), ("declined", "Declined")], default="invited", max_length=10, verbose_name="status"),
        ),
        migrations.AlterField(
            model_name="signatory",
            name="declaration",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="signatories", to="declarations.declaration"),
        ),
        migrations.AlterField(
            model_name="signatory",
            name="parliamentarian",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="signatories", to="declarations.parliamentarian"),
        ),
        migrations.AddConstraint(
            model_name="signatory",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status", "signed"), _negated=True), ("delegation_at_signing__isnull", False), _connector="OR"), name="signatory_keeps_its_delegation"),
        ),
        migrations.RunPython(rename_permissions, rename_permissions_back),
    ]
