# Apart from 0002, whose rows are written first: PostgreSQL alters no table with writes pending.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devtools", "0002_kept_webhook_secrets_and_event_keys"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="integration",
            name="salt",
        ),
        migrations.AddConstraint(
            model_name="changerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("event_key", ""), _negated=True),
                fields=("integration", "event_key"),
                name="one_change_per_event",
            ),
        ),
    ]
