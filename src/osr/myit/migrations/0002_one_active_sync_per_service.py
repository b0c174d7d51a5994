from django.db import migrations, models
from django.db.models import Max


def keep_newest_active_run(apps, schema_editor):
    """Before the rule holds, a service may have several runs waiting: keep its newest."""
    SyncRun = apps.get_model("myit", "SyncRun")
    active = SyncRun.objects.filter(status__in=["queued", "running"])
    newest = active.values("service_id").annotate(newest=Max("pk")).values_list("newest", flat=True)
    active.exclude(pk__in=list(newest)).update(
        status="failed", message="Superseded by a later sync of the service"
    )


class Migration(migrations.Migration):
    dependencies = [("myit", "0001_myit_records_syncs_snapshots")]

    operations = [
        migrations.RunPython(keep_newest_active_run, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="syncrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(status__in=["queued", "running"]),
                fields=("service",),
                name="myit_one_active_sync_per_service",
            ),
        ),
    ]
