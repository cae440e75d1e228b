"""Marks for a test that concerns one database only (the database_url fixture runs both)."""

import pytest

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
