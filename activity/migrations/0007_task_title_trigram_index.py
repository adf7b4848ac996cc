"""A trigram index on task titles for the navbar search (PostgreSQL only; no-op on SQLite).

See accounts' 0010_search_trigram_indexes: the index is on the expression
Django's `icontains` compares, `UPPER(title::text)`.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS task_title_trgm ON activity_task "
        'USING gin ((UPPER("title"::text)) gin_trgm_ops)'
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS task_title_prefix ON activity_task "
        '((UPPER("title"::text)) text_pattern_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS task_title_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS task_title_prefix")


class Migration(migrations.Migration):
    dependencies = [("activity", "0006_unescape_workflow_task_texts")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
