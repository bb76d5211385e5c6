"""PostgreSQL connections plan joins in groups of four (config/settings.py): an ORM read with select_related is
6-9 joins, and searching every join order of those took 8-10 ms per query to plan (bench/README.md)."""
import pytest
from django.db import connection


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_connections_limit_the_join_order_search():
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "4"

