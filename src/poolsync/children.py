"""The pool's sub-resources (app clients, identity providers, the hosted-UI domain,
groups and resource servers) live one kind per module in ``poolsync.kinds``
(docs/design/resource-kinds.md). This module re-exports the names they had here, so
``from poolsync.children import X`` keeps working, and holds ``COLLECTIONS``, the named
collections in the order they are created. It goes once nothing imports it (step 11 of
the design).

Ownership inside an item follows the pool's settings (README, ownership): a member the file
writes is owned, a member it leaves out is carried over unchanged on every full-payload
update, and inside an owned member a field left out means Cognito's default.
"""

from __future__ import annotations

from poolsync.kinds.base import Kind
from poolsync.kinds.client import (
    CLIENT_DEFAULTS,
    CLIENT_READ_ONLY,
    CLIENTS,
    canonical_desired_client,
    canonical_live_client,
    client_note,
    client_payload,
    client_recreated,
    client_replacement_reason,
    client_update,
    drop_service_linked_analytics_role,
    effective_token_validity,
    format_duration,
    parse_duration,
    secret_generated,
)
from poolsync.kinds.domain import (
    DOMAIN_DEFAULTS,
    canonical_live_domain,
    custom_first,
    domain_replacement_reason,
    sign_in_url,
)
from poolsync.kinds.group import GROUPS
from poolsync.kinds.identity_provider import (
    PROVIDERS,
    SECRET_DETAILS,
    SERVER_DETAIL_KEYS,
    WRITE_ONLY_DETAILS,
    canonical_desired_provider,
    canonical_live_provider,
    fingerprint,
    fingerprint_matches,
    is_secret_path,
    private_key_location,
    provider_create_payload,
    provider_defaults,
    provider_recreated,
    provider_replacement_reason,
    provider_update,
    provider_update_payload,
    scopes_as_set,
    sent_secrets,
    written_secrets,
)
from poolsync.kinds.resource_server import (
    RESOURCE_SERVER_DEFAULTS,
    RESOURCE_SERVERS,
    canonical_resource_server,
    resource_server_payload,
    resource_server_update,
)

# Every name other modules and the tests import from here, the moved ones included
# (kinds/*.py): ``from poolsync.children import X`` keeps working.
__all__ = [
    "CLIENTS",
    "CLIENT_DEFAULTS",
    "CLIENT_READ_ONLY",
    "COLLECTIONS",
    "DOMAIN_DEFAULTS",
    "GROUPS",
    "PROVIDERS",
    "RESOURCE_SERVERS",
    "RESOURCE_SERVER_DEFAULTS",
    "SECRET_DETAILS",
    "SERVER_DETAIL_KEYS",
    "WRITE_ONLY_DETAILS",
    "canonical_desired_client",
    "canonical_desired_provider",
    "canonical_live_client",
    "canonical_live_domain",
    "canonical_live_provider",
    "canonical_resource_server",
    "client_note",
    "client_payload",
    "client_recreated",
    "client_replacement_reason",
    "client_update",
    "custom_first",
    "domain_replacement_reason",
    "drop_service_linked_analytics_role",
    "effective_token_validity",
    "fingerprint",
    "fingerprint_matches",
    "format_duration",
    "is_secret_path",
    "parse_duration",
    "private_key_location",
    "provider_create_payload",
    "provider_defaults",
    "provider_recreated",
    "provider_replacement_reason",
    "provider_update",
    "provider_update_payload",
    "resource_server_payload",
    "resource_server_update",
    "scopes_as_set",
    "secret_generated",
    "sent_secrets",
    "sign_in_url",
    "written_secrets",
]

# In the order they are created (deleted in reverse): providers and resource servers
# before the clients that name them, groups last.
COLLECTIONS: tuple[Kind, ...] = (PROVIDERS, RESOURCE_SERVERS, CLIENTS, GROUPS)
