"""Indexes on Viewflow's task table for the inbox: by post queue and by owner."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial"), ("viewflow", "__latest__")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS task_queue_idx ON viewflow_task "
            "(owner_permission, owner_permission_obj_pk, status)",
            "DROP INDEX IF EXISTS task_queue_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS task_owner_status_idx ON viewflow_task (owner_id, status)",
            "DROP INDEX IF EXISTS task_owner_status_idx",
        ),
    ]
