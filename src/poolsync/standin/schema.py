"""Schema attributes as real Cognito reports and limits them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpUserPoolAttribute
from moto.core.exceptions import JsonRESTError

from poolsync.standin.patching import Patch

# moto's STANDARD_SCHEMA holds the 20 standard attributes in the order and with the
# shapes AWS reports them (terraform-provider-aws internal/service/cognitoidp/user_pool.go
# userPoolSchemaAttributeMatchesStandardAttribute; compared against
# real-responses/describe_user_pool.aws-cli-example-2024.json in the tests).
STANDARD_SCHEMA: Final[Mapping[str, Mapping[str, Any]]] = (
    CognitoIdpUserPoolAttribute.STANDARD_SCHEMA
)

# Per pool, not adjustable (Cognito quotas page,
# https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
MAX_CUSTOM_ATTRIBUTES: Final = 50
MAX_ATTRIBUTE_NAME_LENGTH: Final = 20  # botocore 1.43.11 CustomAttributeNameType max

# AWS reports this for a custom String attribute declared without constraints
# (real-responses describe_user_pool.aws-cli-example-2024.json: custom:accesstoken).
DEFAULT_CUSTOM_STRING_CONSTRAINTS: Final[Mapping[str, str]] = {"MaxLength": "2048"}

# "When adding a Cognito Identity Provider, the API will automatically add an
# "identities" attribute": a mutable String with empty constraints
# (terraform-provider-aws internal/service/cognitoidp/user_pool.go,
# flattenSchemaAttributeTypes; real-responses describe_user_pool 2024 has it right
# after the standard attributes). moto 5.2.1 never adds it.
IDENTITIES_ATTRIBUTE: Final = "identities"

_CONSTRAINT_KEYS: Final = {
    "String": "StringAttributeConstraints",
    "Number": "NumberAttributeConstraints",
}

_moto_attribute_to_json: Final = CognitoIdpUserPoolAttribute.to_json


def is_custom(attribute_name: str) -> bool:
    return attribute_name.startswith(("custom:", "dev:"))


# How a Schema entry is named (moto 5.2.1 already does this; the stand-in keeps it):
# - CreateUserPool: a bare name that is a standard attribute configures that attribute,
#   with its standard type and constraints when the entry leaves them out (botocore
#   CreateUserPool.Schema: "add custom attributes and modify the properties of default
#   attributes"); any other name creates ``custom:<name>`` (botocore
#   SchemaAttributeType.Name).
# - AddCustomAttributes always creates custom attributes, a standard name included:
#   ``sub`` becomes ``custom:sub`` beside the standard ``sub`` (botocore
#   AddCustomAttributes:
#   "Custom attributes ... have a custom: or dev: prefix"; CustomAttributes: "For an
#   attribute like custom:myAttribute, enter myAttribute").
# - DeveloperOnlyAttribute: botocore SchemaAttributeType.Name says ``dev:<name>``, but every
#   recorded response reports ``dev:custom:<name>`` (real-responses
#   create_user_pool.aws-api-model-example-2023 "dev:custom:mydev",
#   describe_user_pool.aws-cli-example-2024 "dev:custom:222"): the recordings win.


def complete_schema(pool: Any) -> None:
    """Give a new pool all 20 standard attributes, declared ones overriding defaults.

    moto 5.2.1 keeps only the declared entries once ``Schema`` is passed; AWS always
    reports every standard attribute, then the custom ones (real-responses/SOURCES.md;
    terraform-provider-aws user_pool.go, flattenSchemaAttributeTypes).
    """
    declared: dict[str, Any] = pool.schema_attributes
    standard = {name: declared.get(name) or _standard_attribute(name) for name in STANDARD_SCHEMA}
    custom = {name: attr for name, attr in declared.items() if name not in STANDARD_SCHEMA}
    pool.schema_attributes = {**standard, **custom}


def _standard_attribute(name: str) -> Any:
    return CognitoIdpUserPoolAttribute(name, False, dict(STANDARD_SCHEMA[name]))


def add_identities_attribute(pool: Any) -> None:
    """The first identity provider adds ``identities`` after the standard attributes
    (see IDENTITIES_ATTRIBUTE). It is no custom attribute: it counts against no quota."""
    if IDENTITIES_ATTRIBUTE in pool.schema_attributes:
        return
    attribute = CognitoIdpUserPoolAttribute(
        IDENTITIES_ATTRIBUTE, True, {"AttributeDataType": "String", "Mutable": True}
    )
    attribute.name = IDENTITIES_ATTRIBUTE
    attribute.custom = False
    attribute.string_constraints = {}
    attributes: dict[str, Any] = pool.schema_attributes
    standard = {name: attr for name, attr in attributes.items() if name in STANDARD_SCHEMA}
    rest = {name: attr for name, attr in attributes.items() if name not in STANDARD_SCHEMA}
    pool.schema_attributes = {**standard, IDENTITIES_ATTRIBUTE: attribute, **rest}


def attribute_json(attribute: Any) -> dict[str, Any]:
    """One ``SchemaAttributes`` entry in AWS's shape (replaces moto's ``to_json``).

    moto returns ``StringAttributeConstraints: {}`` for custom String attributes
    without constraints (AWS: ``{"MaxLength": "2048"}``) and for custom Number ones
    (AWS sends no String constraints for a Number), and drops the defaults of a
    declared standard attribute when ``AttributeDataType`` was left out. Constraint
    values are strings on the wire (botocore StringAttributeConstraintsType and
    NumberAttributeConstraintsType: every member a string).
    """
    shape = {
        key: value
        for key, value in _moto_attribute_to_json(attribute).items()
        if key not in ("StringAttributeConstraints", "NumberAttributeConstraints")
    }
    constraints_key = _CONSTRAINT_KEYS.get(attribute.data_type)
    if constraints_key is not None:
        constraints = _constraints_of(attribute, constraints_key)
        if constraints is not None:
            shape[constraints_key] = constraints
    return shape


def _constraints_of(attribute: Any, constraints_key: str) -> dict[str, str] | None:
    stored = (
        attribute.string_constraints
        if constraints_key == "StringAttributeConstraints"
        else attribute.number_constraints
    )
    if stored:
        return {key: str(value) for key, value in stored.items()}
    if attribute.name == IDENTITIES_ATTRIBUTE:
        return {}
    if attribute.custom:
        # Only a String attribute gets a server-side default; what AWS returns for a
        # custom Number without constraints is UNVERIFIED, so nothing is invented.
        if constraints_key == "StringAttributeConstraints":
            return dict(DEFAULT_CUSTOM_STRING_CONSTRAINTS)
        return None
    default = STANDARD_SCHEMA.get(attribute.name, {}).get(constraints_key)
    return dict(default) if default is not None else None


def check_create_schema(schema: Sequence[Mapping[str, Any]]) -> None:
    """CreateUserPool ``Schema``: name lengths and the custom-attribute quota."""
    for index, entry in enumerate(schema, start=1):
        check_attribute_name(str(entry.get("Name", "")), f"schema.{index}.member.name")
    new_custom = sum(1 for entry in schema if entry.get("Name") not in STANDARD_SCHEMA)
    check_custom_attribute_quota(existing=0, added=new_custom)


def check_added_attributes(pool: Any, attributes: Sequence[Mapping[str, Any]]) -> None:
    """AddCustomAttributes: name lengths and the custom-attribute quota."""
    for index, entry in enumerate(attributes, start=1):
        check_attribute_name(str(entry.get("Name", "")), f"customAttributes.{index}.member.name")
    existing = sum(1 for name in pool.schema_attributes if is_custom(name))
    check_custom_attribute_quota(existing=existing, added=len(attributes))


def check_attribute_name(name: str, where: str) -> None:
    """Names are 1-20 characters (botocore ``CustomAttributeNameType``; Cognito quotas
    page). AWS enforces it on every ``Schema`` entry: aws/aws-cdk
    PR #14699 quotes "Value 'phone_number_verified' at 'schema.1.member.name' failed to
    satisfy constraint: Member must have length less than or equal to 20". moto 5.2.1
    accepts any length (as probed)."""
    if len(name) > MAX_ATTRIBUTE_NAME_LENGTH:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{name}' at '{where}' failed to satisfy "
            f"constraint: Member must have length less than or equal to "
            f"{MAX_ATTRIBUTE_NAME_LENGTH}"
        )
    if not name:
        raise InvalidParameterException(
            f"1 validation error detected: Value '' at '{where}' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )


def check_custom_attribute_quota(existing: int, added: int) -> None:
    """At most 50 custom attributes per pool, not adjustable (Cognito quotas page,
    MAX_CUSTOM_ATTRIBUTES); moto 5.2.1 accepted 51. The exact AWS message is UNVERIFIED."""
    if existing + added > MAX_CUSTOM_ATTRIBUTES:
        raise JsonRESTError(
            "LimitExceededException",
            f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes; "
            f"it has {existing} and {added} were requested.",
        )


PATCHES: Final = (
    Patch(CognitoIdpUserPoolAttribute, "to_json", _moto_attribute_to_json, attribute_json),
)
