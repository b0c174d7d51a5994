"""OSR's own deployment checks, run by ``osr check --deploy`` beside Django's
(registered in ``CoreConfig.ready``).

Each is a configuration that works but leaves production open: OSR answering
to any host name, its metrics readable by anyone, or a password form beside
Entra ID that would let a guessed password in without Entra's protections.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def check_deployment(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A wildcard host, open metrics, local sign-in beside Entra ID without saying so."""
    found: list[checks.CheckMessage] = []
    wildcards = [host for host in settings.ALLOWED_HOSTS if "*" in host]
    if wildcards:
        found.append(
            checks.Error(
                f"OSR_ALLOWED_HOSTS has a wildcard ({', '.join(wildcards)}): OSR would answer "
                "to any host name, and build links from whatever a request claims",
                hint="List the host names OSR is served at, "
                "e.g. OSR_ALLOWED_HOSTS=osr.defra.gov.uk",
                id="osr.E010",
            )
        )
    if not settings.OSR_METRICS_TOKEN:
        found.append(
            checks.Error(
                "OSR_METRICS_TOKEN is not set: anyone who reaches OSR can read /metrics",
                hint="Set OSR_METRICS_TOKEN (or OSR_METRICS_TOKEN_FILE) and give it to the "
                "scraper as a bearer token",
                id="osr.E011",
            )
        )
    if (
        settings.OSR_LOCAL_SIGN_IN
        and settings.OSR_OIDC_ENABLED
        and not settings.OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA
    ):
        found.append(
            checks.Error(
                "OSR_LOCAL_SIGN_IN is on beside Entra ID: passwords sign in without Entra's "
                "multi-factor authentication and conditional access",
                hint="Set OSR_LOCAL_SIGN_IN=0, or OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA=1 to keep "
                "a break-glass local account on purpose",
                id="osr.E012",
            )
        )
    return found
