"""Fresh planner statistics after a bulk load.

PostgreSQL plans from table statistics that autovacuum refreshes a while
after rows change. Straight after a bulk load (the demo seed, an import, a
rebuild of the search entries) it may still believe the tables are empty,
and plan nested loops that take minutes over a few hundred companies (a CI
run hung this way on the directory's facet counts). Whatever loads rows in
bulk calls :func:`refresh_statistics` at the end. Other databases plan
without such statistics here, so it does nothing on them.
"""

from __future__ import annotations

from django.db import connections, router


def refresh_statistics(*models) -> None:
    """``ANALYZE`` the tables of ``models`` (and their many-to-many tables) on PostgreSQL.

    Inside a transaction the statistics include its own uncommitted rows.
    """
    by_alias: dict[str, list[str]] = {}
    for model in models:
        tables = by_alias.setdefault(router.db_for_write(model), [])
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            tables.append(field.remote_field.through._meta.db_table)
        for parent in model._meta.get_parent_list():
            tables.append(parent._meta.db_table)
    for alias, tables in by_alias.items():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        names = ", ".join(connection.ops.quote_name(t) for t in dict.fromkeys(tables))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {names}")
