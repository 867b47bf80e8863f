"""Hosted-UI domains as real Cognito creates, updates and reports them.

moto 5.2.1 lets two pools claim one prefix, drops ``ManagedLoginVersion``, reports a
random UUID as the account, ``null`` S3 bucket and version, no ``CustomDomainConfig``,
puts a custom domain's FQDN in the pool's ``Domain``, and accepts a prefix with a
reserved word and a certificate outside us-east-1 (probed against moto 5.2.1;
real-responses/SOURCES.md). An unknown domain already answers
``{"DomainDescription": {}}`` as AWS does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.models import (
    CognitoIdpUserPool,
    CognitoIdpUserPoolDomain,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from poolsync.standin.patching import Patch

# The CloudFront distribution every prefix domain is served from (real-responses
# describe_user_pool_domain.prefix-domain.cli-v2-transcript-2025-08, also in a 2017
# transcript: SOURCES.md). A custom domain gets its own; moto's hash is kept for those.
SHARED_PREFIX_DISTRIBUTION: Final = "d3oia8etllorh5.cloudfront.net"

# ``S3Bucket`` is ``aws-cognito-prod-<airport code>-assets``: pdx for us-west-2 (2019 CLI
# example), iad for us-east-1 (2025 transcript). Other codes are GUESSES; an unlisted
# region falls back to its own name. Nothing reads the bucket; only its shape matters.
_REGION_AIRPORT_CODES: Final[Mapping[str, str]] = {
    "us-east-1": "iad",
    "us-west-2": "pdx",
    "eu-west-1": "dub",
    "eu-central-1": "fra",
}
# ``Version`` is a timestamp string such as "20250817223209" (both real fixtures).
_VERSION_FORMAT: Final = "%Y%m%d%H%M%S"

# Words a prefix domain cannot contain, anywhere in it (aws-solutions/research-service-
# workbench-on-aws PR #342 names all three; "aws-content-..." and "newcognito" were refused).
RESERVED_PREFIX_WORDS: Final = ("aws", "amazon", "cognito")
# The only Region whose ACM certificates CloudFront, and so a custom domain, can use
# (botocore CreateUserPoolDomain/UpdateUserPoolDomain docs).
CERTIFICATE_REGION: Final = "us-east-1"
# CloudFront's InvalidViewerCertificate text, which Cognito answers as an
# InvalidParameterException (aws-amplify/amplify-hosting #2278, a CloudFormation
# AWS::Cognito::UserPoolDomain create). AWS appends CloudFront's "(Service: AmazonCloudFront;
# ... Request ID: ...)" to it; the stand-in leaves that out.
CERTIFICATE_REFUSAL: Final = (
    "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, "
    "or doesn't include a valid certificate chain.")

_moto_create_domain_response: Final = CognitoIdpResponse.create_user_pool_domain
_moto_update_domain_response: Final = CognitoIdpResponse.update_user_pool_domain
_moto_domain_to_json: Final = CognitoIdpUserPoolDomain.to_json
_moto_user_pool_to_json: Final = CognitoIdpUserPool.to_json


def is_custom_domain(name: str) -> bool:
    """A prefix matches ``^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$`` (botocore
    ``DomainType``), so it has no dot; a custom domain is a fully qualified name."""
    return "." in name


def domains_of(backend: Any, user_pool_id: str) -> Iterator[Any]:
    return (d for d in backend.user_pool_domains.values() if d.user_pool_id == user_pool_id)


# --- CreateUserPoolDomain -----------------------------------------------------------


def check_domain_available(backend: Any, user_pool_id: str, name: str) -> None:
    """A domain name belongs to one pool ("Domain already associated with another user
    pool.", aws-samples/aws-cdk-examples #402; serverless/serverless #10135), and a pool
    has at most one prefix and one custom domain ("User pool already has a domain
    configured.", aws/aws-cdk #10062; that a prefix and a custom domain can coexist is
    inferred from botocore WebAuthnConfigurationType.RelyingPartyId: "a custom domain,
    whether or not it also has a prefix domain").
    moto 5.2.1 lets a second pool take over the name."""
    for domain in domains_of(backend, user_pool_id):
        if is_custom_domain(domain.domain) == is_custom_domain(name):
            raise InvalidParameterException("User pool already has a domain configured.")
    if name in backend.user_pool_domains:
        raise InvalidParameterException("Domain already associated with another user pool.")


def check_prefix_has_no_reserved_word(name: str) -> None:
    """A prefix domain containing aws, amazon or cognito is refused: "Domain cannot
    contain reserved word: cognito" (aws-amplify/amplify-cli #3854, prefix "newcognito"),
    "... reserved word: aws" (aws-solutions/content-analysis-on-aws #8, CloudTrail
    CreateUserPoolDomain for "aws-content-analysis-dataplane-..."). Which word is named
    when a prefix holds several is a GUESS (the first of the list). Custom domains are not
    checked: no source shows them refused."""
    if is_custom_domain(name):
        return
    for word in RESERVED_PREFIX_WORDS:
        if word in name:
            raise InvalidParameterException(f"Domain cannot contain reserved word: {word}")


def check_certificate_region(name: str, config: Mapping[str, Any] | None) -> None:
    """A custom domain's certificate must be an ACM certificate in US East (N. Virginia):
    "you must provide an SSL certificate in the US East (N. Virginia) Amazon Web Services
    Region" (botocore CreateUserPoolDomain doc); "The certificate must be an ACM ARN in
    us-east-1" (botocore UpdateUserPoolDomainRequest.CustomDomainConfig). The refusal is
    measured for CreateUserPoolDomain (amplify-hosting #2278); that UpdateUserPoolDomain
    answers the same, and that an ARN of another service does, is UNVERIFIED. The
    stand-in has no ACM, so a missing or unissued certificate in us-east-1 is accepted."""
    arn = (config or {}).get("CertificateArn")
    if not is_custom_domain(name) or not isinstance(arn, str):
        return
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "acm" or parts[3] != CERTIFICATE_REGION:
        raise InvalidParameterException(CERTIFICATE_REFUSAL)


def create_domain(backend: Any, request: Mapping[str, Any]) -> Any:
    user_pool_id = request["UserPoolId"]
    name = request["Domain"]
    backend.describe_user_pool(user_pool_id)
    check_prefix_has_no_reserved_word(name)
    check_certificate_region(name, request.get("CustomDomainConfig"))
    check_domain_available(backend, user_pool_id, name)
    domain = backend.create_user_pool_domain(user_pool_id, name, request.get("CustomDomainConfig"))
    domain.standin_account_id = backend.account_id
    domain.standin_region = backend.region_name
    domain.standin_managed_login_version = request.get("ManagedLoginVersion")
    domain.standin_version = utcnow().strftime(_VERSION_FORMAT)
    return domain


def _create_user_pool_domain_response(response: Any) -> ActionResult:
    """Replaces moto's handler, which drops ``ManagedLoginVersion``."""
    return ActionResult(domain_json(create_domain(response.backend, response.parameters), False))


# --- UpdateUserPoolDomain -----------------------------------------------------------


def update_domain(backend: Any, request: Mapping[str, Any]) -> Any:
    """UpdateUserPoolDomain changes the certificate of a custom domain and the
    ``ManagedLoginVersion`` (botocore UpdateUserPoolDomain doc). A member it is not
    sent is kept (a GUESS: botocore does not say; moto 5.2.1 clears the certificate)."""
    domain = backend.user_pool_domains.get(request.get("Domain"))
    if domain is None or domain.user_pool_id != request.get("UserPoolId"):
        raise ResourceNotFoundError(request.get("Domain"))
    check_custom_domain_keeps_its_certificate(domain, request)
    check_certificate_region(domain.domain, request.get("CustomDomainConfig"))
    if request.get("CustomDomainConfig") is not None:
        domain.custom_domain_config = request["CustomDomainConfig"]
    if request.get("ManagedLoginVersion") is not None:
        domain.standin_managed_login_version = request["ManagedLoginVersion"]
    domain.standin_version = utcnow().strftime(_VERSION_FORMAT)
    return domain


def check_custom_domain_keeps_its_certificate(domain: Any, request: Mapping[str, Any]) -> None:
    """An update of a custom domain that does not send its certificate is refused:
    "InvalidParameterException: Cannot convert custom domain to prefix domain."
    (hashicorp/terraform-provider-aws #43248, measured with Terraform and the AWS CLI
    when changing only ManagedLoginVersion; fixed by PR #43252, which sends the ARN)."""
    config = request.get("CustomDomainConfig") or {}
    if is_custom_domain(domain.domain) and not config.get("CertificateArn"):
        raise InvalidParameterException("Cannot convert custom domain to prefix domain.")


def _update_user_pool_domain_response(response: Any) -> ActionResult:
    """Replaces moto's handler: ``ManagedLoginVersion`` is returned when set
    (real-responses update_user_pool_domain.aws-cli-example-2025)."""
    return ActionResult(domain_json(update_domain(response.backend, response.parameters), False))


# --- Response shapes ----------------------------------------------------------------


def domain_json(domain: Any, extended: bool = True) -> dict[str, Any]:
    """DescribeUserPoolDomain's ``DomainDescription`` (extended) and the create/update
    response, as in real-responses describe_user_pool_domain.* and
    update_user_pool_domain.*: the 12-digit account, ``S3Bucket``, ``Version``,
    ``Status: ACTIVE`` (AWS passes through CREATING first; the stand-in is done at
    once), ``CustomDomainConfig`` only for a custom domain (the 2025 prefix transcript
    has none), ``ManagedLoginVersion`` only when set (its default is UNVERIFIED)."""
    moto_shape: dict[str, Any] = _moto_domain_to_json(domain, extended)
    distribution = SHARED_PREFIX_DISTRIBUTION
    if is_custom_domain(domain.domain):
        distribution = moto_shape.get("CloudFrontDistribution") or moto_shape["CloudFrontDomain"]
    managed_login_version = getattr(domain, "standin_managed_login_version", None)
    if not extended:
        return written_domain_json(domain, distribution, managed_login_version)
    region = getattr(domain, "standin_region", None)
    shape: dict[str, Any] = {
        "UserPoolId": domain.user_pool_id,
        "AWSAccountId": getattr(domain, "standin_account_id", moto_shape["AWSAccountId"]),
        "Domain": domain.domain,
        "S3Bucket": f"aws-cognito-prod-{_REGION_AIRPORT_CODES.get(region or '', region)}-assets",
        "CloudFrontDistribution": distribution,
        "Version": getattr(domain, "standin_version", None),
        "Status": "ACTIVE",
    }
    if domain.custom_domain_config:
        shape["CustomDomainConfig"] = dict(domain.custom_domain_config)
    if managed_login_version is not None:
        shape["ManagedLoginVersion"] = managed_login_version
    return shape


def written_domain_json(
    domain: Any, distribution: str, managed_login_version: int | None
) -> dict[str, Any]:
    """CreateUserPoolDomain and UpdateUserPoolDomain answer ``CloudFrontDomain`` for a
    custom domain only: "If you set an Amazon Cognito prefix domain, this parameter
    returns null" / "this operation returns a blank response" (botocore 1.43.11, both outputs;
    the 2024 create-user-pool-domain CLI example shows no output for a prefix domain).
    ``ManagedLoginVersion`` when it was written (update_user_pool_domain 2025 example)."""
    written: dict[str, Any] = {}
    if is_custom_domain(domain.domain):
        written["CloudFrontDomain"] = distribution
    if managed_login_version is not None:
        written["ManagedLoginVersion"] = managed_login_version
    return written


def user_pool_json(pool: Any, extended: bool = False) -> dict[str, Any]:
    """DescribeUserPool names a prefix domain in ``Domain`` and a custom one in
    ``CustomDomain`` (botocore ``UserPoolType``; real-responses describe_user_pool 2024 has
    both). moto 5.2.1 puts whichever domain it finds first in ``Domain``."""
    shape: dict[str, Any] = _moto_user_pool_to_json(pool, extended)
    shape.pop("Domain", None)
    for domain in domains_of(pool.backend, pool.id):
        shape["CustomDomain" if is_custom_domain(domain.domain) else "Domain"] = domain.domain
    return shape


PATCHES: Final = (
    Patch(
        CognitoIdpResponse,
        "create_user_pool_domain",
        _moto_create_domain_response,
        _create_user_pool_domain_response,
    ),
    Patch(
        CognitoIdpResponse,
        "update_user_pool_domain",
        _moto_update_domain_response,
        _update_user_pool_domain_response,
    ),
    Patch(CognitoIdpUserPoolDomain, "to_json", _moto_domain_to_json, domain_json),
    Patch(CognitoIdpUserPool, "to_json", _moto_user_pool_to_json, user_pool_json),
)
