# The foreign keys to supporters now name supporters.Supporter, and campaigns lets go of
# the moved models. Nothing changes in the database but the content types, so that the
# permissions staff were given (and the admin's log) follow the models.

import django.db.models.deletion
from django.db import migrations, models

MOVED = {"supporter": "supporters", "blockeddomain": "supporters", "outgoingemail": "outbox"}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="campaigns", model=model).update(
                app_label=app_label
            )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        ContentType.objects.filter(app_label=app_label, model=model).update(
            app_label="campaigns"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0004_move_tables_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outbox", "0001_initial"),
        ("supporters", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="consent",
                    name="supporter",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="consents", to="supporters.supporter"),
                ),
                migrations.AlterField(
                    model_name="signature",
                    name="supporter",
                    field=models.ForeignKey(blank=True, help_text="Empty once the supporter's data was erased; the signature still counts.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="signatures", to="supporters.supporter"),
                ),
                migrations.AlterField(
                    model_name="letter",
                    name="supporter",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="letters", to="supporters.supporter"),
                ),
                migrations.AlterField(
                    model_name="solidaritymessage",
                    name="supporter",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="messages", to="supporters.supporter"),
                ),
                migrations.DeleteModel(name="OutgoingEmail"),
                migrations.DeleteModel(name="Supporter"),
                migrations.DeleteModel(name="BlockedDomain"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
