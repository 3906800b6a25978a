# The staff roles, so that a production database has them after `migrate`. Permissions are
# created here first: Django creates them only after the last migration has run.

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from core.roles import sync_roles

    for app_config in global_apps.get_app_configs():
        had_models = app_config.models_module
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = had_models
    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from core.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "__latest__"),
        ("axes", "__latest__"),
        ("campaigns", "0007_one_consent_per_choice"),
        ("declarations", "0001_initial"),
        ("outbox", "0002_dropped_status_and_full_template_paths"),
        ("prisoners", "0004_hearing_events"),
        ("supporters", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
    ]
