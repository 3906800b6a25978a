# The outbox and the supporters got apps of their own. Their tables are renamed here, with
# their data; the apps take over the models in their first migrations, and 0005 hands the
# foreign keys over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0003_petition_milestones"),
    ]

    operations = [
        migrations.AlterModelTable(name="outgoingemail", table="outbox_outgoingemail"),
        migrations.RenameIndex(
            model_name="outgoingemail",
            new_name="outbox_due_idx",
            old_name="campaigns_o_status_d69f8c_idx",
        ),
        migrations.AlterModelTable(name="supporter", table="supporters_supporter"),
        migrations.AlterModelTable(name="blockeddomain", table="supporters_blockeddomain"),
    ]
