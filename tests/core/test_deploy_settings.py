"""Production settings, as an operator sets them: each test starts OSR in a fresh process."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.slow

TENANT = "00000000-0000-4000-8000-00000000cafe"


def run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only OSR's settings from ``env``."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OSR_", "DATABASE_URL", "DJANGO_"))
    }
    clean.update({"OSR_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, *args], env=clean, capture_output=True, text=True, timeout=120
    )


def production(tmp_path, **more) -> dict[str, str]:
    """The configuration docs/production.md asks for, behind a TLS-terminating proxy."""
    secret_file = tmp_path / "oidc-secret"
    secret_file.write_text("client-secret-from-a-file\n")
    env = {
        "OSR_SECRET_KEY": secrets.token_urlsafe(64),
        "OSR_ALLOWED_HOSTS": "osr.defra.gov.uk",
        "OSR_CSRF_TRUSTED_ORIGINS": "https://osr.defra.gov.uk",
        "OSR_BEHIND_TLS_PROXY": "1",
        "OSR_SSL_REDIRECT": "1",
        "OSR_LOG_FORMAT": "json",
        "OSR_LOCAL_SIGN_IN": "0",
        "OSR_OIDC_TENANT_ID": TENANT,
        "OSR_OIDC_CLIENT_ID": "osr-client",
        "OSR_OIDC_CLIENT_SECRET_FILE": str(secret_file),
        "OSR_OIDC_GROUP_ROLES": "g-staff=viewer,g-managers=osr_manager,g-admins=admin",
        "OSR_OIDC_GROUP_DELIVERY_GROUPS": "g-farming=farming",
        "OSR_REDIS_URL": "redis://redis.internal:6379/0",
        "OSR_METRICS_TOKEN": secrets.token_urlsafe(32),
        "OSR_WEBHOOK_KEYS": Fernet.generate_key().decode(),
    }
    env.update(more)
    return env


CHECK_DEPLOY = ["-m", "osr.cli", "check", "--deploy", "--fail-level", "WARNING"]


def test_deployment_checks_pass_with_the_documented_production_settings(tmp_path):
    result = run(CHECK_DEPLOY, production(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_deployment_checks_pass_through_call_command_too(tmp_path):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    env = {**production(tmp_path), "DJANGO_SETTINGS_MODULE": "osr.settings"}
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


def test_deployment_checks_fail_without_https_redirect_and_hsts(tmp_path):
    env = production(tmp_path, OSR_SSL_REDIRECT="0", OSR_HSTS_SECONDS="0")
    result = run(CHECK_DEPLOY, env, tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_osr_refuses_to_start_without_a_secret_key(tmp_path):
    env = production(tmp_path)
    del env["OSR_SECRET_KEY"]
    result = run(["-m", "osr.cli", "check"], env, tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "osr: OSR_SECRET_KEY is not set. Set it (or OSR_SECRET_KEY_FILE), "
        "or set OSR_DEBUG=1 for development."
    ]


def test_osr_refuses_to_start_with_a_short_secret_key(tmp_path):
    env = production(tmp_path, OSR_SECRET_KEY="x" * 49)
    result = run(["-m", "osr.cli", "check"], env, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("osr: OSR_SECRET_KEY is 49 characters long; it needs at least 50")


def test_a_secret_key_of_fifty_characters_is_enough(tmp_path):
    result = run(
        ["-m", "osr.cli", "check"], production(tmp_path, OSR_SECRET_KEY="k" * 50), tmp_path
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hosts", ["*", "osr.defra.gov.uk,*"])
def test_deployment_checks_fail_on_a_wildcard_host(tmp_path, hosts):
    result = run(CHECK_DEPLOY, production(tmp_path, OSR_ALLOWED_HOSTS=hosts), tmp_path)
    assert result.returncode != 0
    assert "osr.E010" in result.stderr


def test_deployment_checks_fail_on_metrics_without_a_token(tmp_path):
    env = production(tmp_path)
    del env["OSR_METRICS_TOKEN"]
    result = run(CHECK_DEPLOY[:-2], env, tmp_path)  # errors fail even at the default level
    assert result.returncode != 0
    assert "osr.E011" in result.stderr and "/metrics" in result.stderr


def test_deployment_checks_fail_on_local_sign_in_beside_entra_id(tmp_path):
    result = run(CHECK_DEPLOY, production(tmp_path, OSR_LOCAL_SIGN_IN="1"), tmp_path)
    assert result.returncode != 0
    assert "osr.E012" in result.stderr and "OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA" in result.stderr


def test_local_sign_in_beside_entra_id_passes_when_meant(tmp_path):
    env = production(tmp_path, OSR_LOCAL_SIGN_IN="1", OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA="1")
    result = run(CHECK_DEPLOY, env, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


def test_osr_refuses_to_start_with_a_client_id_but_no_client_secret(tmp_path):
    env = production(tmp_path)
    del env["OSR_OIDC_CLIENT_SECRET_FILE"]
    result = run(["-m", "osr.cli", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "OSR_OIDC_CLIENT_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_a_group_mapped_to_an_unknown_role_fails_the_checks(tmp_path):
    env = production(tmp_path, OSR_OIDC_GROUP_ROLES="g-bosses=boss")
    result = run(["-m", "osr.cli", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "osr.E001" in result.stderr and "'boss'" in result.stderr


def test_a_malformed_group_mapping_refuses_to_start(tmp_path):
    env = production(tmp_path, OSR_OIDC_GROUP_ROLES="g-staff:viewer")
    result = run(["-m", "osr.cli", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "OSR_OIDC_GROUP_ROLES: 'g-staff:viewer' is not of the form key=value" in result.stderr


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
cache = caches["default"]
redis = type(cache).__name__ == "RedisCache"
print(json.dumps({
    "debug": settings.DEBUG,
    "discovery": settings.OSR_OIDC_DISCOVERY_URL,
    "oidc": settings.OSR_OIDC_ENABLED,
    "secret": settings.OIDC_RP_CLIENT_SECRET,
    "roles": settings.OSR_OIDC_GROUP_ROLES,
    "groups": settings.OSR_OIDC_GROUP_DELIVERY_GROUPS,
    "backends": settings.AUTHENTICATION_BACKENDS,
    "cache": type(cache).__name__,
    "redis_client": type(cache._cache.get_client()).__module__ if redis else "",
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
             settings.SECURE_HSTS_PRELOAD],
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "trusted_proxies": settings.OSR_TRUSTED_PROXIES,
}))
"""


def show_settings(env, tmp_path) -> dict:
    env = {**env, "DJANGO_SETTINGS_MODULE": "osr.settings"}
    result = run(["-c", SHOW_SETTINGS], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_environment_becomes_these_settings(tmp_path):
    shown = show_settings(production(tmp_path), tmp_path)
    assert shown["debug"] is False
    assert shown["discovery"] == (
        f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    )
    assert shown["oidc"] is True and shown["secret"] == "client-secret-from-a-file"
    assert shown["roles"] == [
        ["g-staff", "viewer"],
        ["g-managers", "osr_manager"],
        ["g-admins", "admin"],
    ]
    assert shown["groups"] == [["g-farming", "farming"]]
    # Local sign-in off: no password backend at all, so no password form anywhere signs in.
    assert shown["backends"] == [
        "rules.permissions.ObjectPermissionBackend",
        "osr.core.oidc.EntraIdBackend",
    ]
    assert shown["cache"] == "RedisCache" and shown["redis_client"].startswith("redis")
    assert shown["secure_cookies"] == [True, True]
    assert shown["hsts"] == [31536000, True, True]
    assert shown["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["trusted_proxies"] == 1


def test_development_defaults_sign_in_locally_and_cache_in_memory(tmp_path):
    shown = show_settings({"OSR_DEBUG": "1"}, tmp_path)
    assert shown["oidc"] is False
    assert shown["backends"] == [
        "rules.permissions.ObjectPermissionBackend",
        "osr.core.ratelimit.RateLimitedModelBackend",
    ]
    assert shown["cache"] == "LocMemCache"
    assert shown["secure_cookies"] == [False, False]


def test_an_authority_override_points_discovery_at_another_provider(tmp_path):
    env = production(tmp_path, OSR_OIDC_AUTHORITY="http://127.0.0.1:8999/tenant/v2.0/")
    del env["OSR_OIDC_TENANT_ID"]
    shown = show_settings(env, tmp_path)
    assert (
        shown["discovery"] == "http://127.0.0.1:8999/tenant/v2.0/.well-known/openid-configuration"
    )
    assert shown["oidc"] is True
