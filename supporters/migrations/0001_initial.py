# Takes over campaigns.Supporter and campaigns.BlockedDomain, whose tables campaigns 0004
# renamed: state only.

import django_countries.fields
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
                    name="BlockedDomain",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("domain", models.CharField(max_length=253, unique=True, verbose_name="domain")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="why")),
                    ],
                    options={
                        "verbose_name": "blocked email domain",
                        "verbose_name_plural": "blocked email domains",
                        "ordering": ["domain"],
                    },
                ),
                migrations.CreateModel(
                    name="Supporter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(max_length=254, verbose_name="email, as typed")),
                        ("email_key", models.CharField(help_text="Lower case; dots and +tags removed where the provider ignores them.", max_length=254, unique=True, verbose_name="email for matching")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("country", django_countries.fields.CountryField(blank=True, max_length=2, verbose_name="country")),
                        ("language", models.CharField(default="en", max_length=10, verbose_name="language")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="first action")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="email confirmed at")),
                        ("unsubscribed_at", models.DateTimeField(blank=True, null=True, verbose_name="unsubscribed at")),
                    ],
                    options={
                        "verbose_name": "supporter",
                        "verbose_name_plural": "supporters",
                        "ordering": ["-created_at"],
                        "permissions": [("view_personal_data", "Can see supporters' personal data")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
