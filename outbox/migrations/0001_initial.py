# Takes over campaigns.OutgoingEmail, whose table campaigns 0004 renamed: state only.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("campaigns", "0004_move_tables_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                        ("to", models.EmailField(max_length=254, verbose_name="to")),
                        ("reply_to", models.EmailField(blank=True, max_length=254, verbose_name="reply to")),
                        ("template", models.CharField(max_length=100, verbose_name="template")),
                        ("context", models.JSONField(default=dict, verbose_name="context")),
                        ("language", models.CharField(default="en", max_length=10, verbose_name="language")),
                        ("unsubscribe_url", models.URLField(blank=True, max_length=500, verbose_name="unsubscribe link")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")], db_index=True, default="queued", max_length=10, verbose_name="status")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                    ],
                    options={
                        "verbose_name": "outgoing email",
                        "verbose_name_plural": "outgoing emails",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
