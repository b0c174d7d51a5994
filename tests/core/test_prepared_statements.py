"""On PostgreSQL a statement a connection runs again is prepared and planned once;
``OSR_DB_PREPARED=0`` (behind a pooler in transaction mode) sends every statement whole."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from osr.catalogue.models import Service

from ..factories import ServiceFactory

SHOW_OPTIONS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def prepared_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_and_answers_the_same():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    ServiceFactory(slug="portal", name="Portal")
    before = prepared_statements()
    answers = [list(Service.objects.filter(slug="portal").values_list("name")) for _ in range(3)]
    assert answers == [[("Portal",)]] * 3
    assert prepared_statements() > before


def options_with(env: dict[str, str], tmp_path) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OSR_", "DJANGO_"))}
    clean |= {
        "OSR_DEBUG": "1",
        "OSR_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "osr.settings",
    }
    clean |= {"DATABASE_URL": "postgres://osr@db.internal:5432/osr"} | env
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_OPTIONS], env=clean, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


@pytest.mark.slow
def test_statements_are_prepared_on_postgresql_unless_turned_off(tmp_path):
    assert options_with({}, tmp_path) == {"server_side_binding": True, "prepare_threshold": 2}
    assert options_with({"OSR_DB_PREPARED": "0"}, tmp_path) == {}
