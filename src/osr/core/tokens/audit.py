"""Issuing and revoking an API token is in the audit trail.

An entry names the token by its name and prefix, who holds it and who revoked it;
never its secret, nor the hash the secret is checked against. Its last use is left
out too: it would add an entry for every minute the token is in use.
"""

from ..audit import register
from ..models import ApiToken

register(
    ApiToken,
    include_fields=[
        "user",
        "name",
        "prefix",
        "read_only",
        "expires_on",
        "revoked_at",
        "revoked_by",
    ],
)
