"""diff: field-level changes between canonical documents, as FieldChange values."""

from __future__ import annotations

from typing import Any

import pytest

from poolsync.diff import changed_paths, creation_changes, field_changes
from poolsync.model import MISSING, FieldChange

TEMPLATE = {"DefaultEmailOption": "CONFIRM_WITH_CODE", "EmailSubject": "Your verification code"}


def test_equal_documents_have_no_change() -> None:
    doc = {"Policies": {"PasswordPolicy": {"MinimumLength": 8}}, "AliasAttributes": ["email"]}
    assert changed_paths(doc, doc) == []
    assert field_changes(doc, doc, doc) == ()


def test_changed_leaf_is_reported_at_its_path() -> None:
    before = {"Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireSymbols": True}}}
    after = {"Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": True}}}
    assert changed_paths(before, after) == [("Policies", "PasswordPolicy", "MinimumLength")]


def test_scalar_list_change_is_reported_whole() -> None:
    before = {"AutoVerifiedAttributes": ["email"]}
    after = {"AutoVerifiedAttributes": ["email", "phone_number"]}
    assert field_changes(before, after, after) == (
        FieldChange(("AutoVerifiedAttributes",), ["email"], ["email", "phone_number"]),
    )


def test_change_inside_a_list_of_mappings_is_reported_for_the_whole_list() -> None:
    before = {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Name": "verified_email", "Priority": 1},
        {"Name": "verified_phone_number", "Priority": 2},
    ]}}
    after = {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Name": "verified_email", "Priority": 1},
    ]}}
    (change,) = field_changes(before, after, after)
    assert change.path == ("AccountRecoverySetting", "RecoveryMechanisms")
    assert change.before == before["AccountRecoverySetting"]["RecoveryMechanisms"]
    assert change.after == after["AccountRecoverySetting"]["RecoveryMechanisms"]


def test_root_level_member_added() -> None:
    after = {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True}}
    assert field_changes({}, after, after) == (
        FieldChange(("DeviceConfiguration",), MISSING, after["DeviceConfiguration"]),
    )


def test_root_level_member_removed() -> None:
    before = {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True}}
    assert field_changes(before, {}, {}) == (
        FieldChange(("DeviceConfiguration",), before["DeviceConfiguration"], MISSING,
                    to_default=True),
    )


def test_type_change_is_a_change() -> None:
    assert changed_paths({"MinimumLength": 8}, {"MinimumLength": "8"}) == [("MinimumLength",)]


def test_paths_come_sorted() -> None:
    before = {"b": 1, "a": {"y": 1, "x": 1}, "c": [1]}
    after = {"b": 2, "a": {"y": 2, "x": 2}, "c": [2]}
    assert changed_paths(before, after) == [("a", "x"), ("a", "y"), ("b",), ("c",)]


def test_to_default_when_the_file_no_longer_writes_the_field() -> None:
    """The user deleted EmailSubject; expected holds the default."""
    before = {"VerificationMessageTemplate": {**TEMPLATE, "EmailSubject": "Verify now"}}
    after = {"VerificationMessageTemplate": TEMPLATE}
    written = {"VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"}}
    assert field_changes(before, after, written) == (
        FieldChange(("VerificationMessageTemplate", "EmailSubject"), "Verify now",
                    "Your verification code", to_default=True),
    )


def test_not_to_default_when_the_file_writes_the_value() -> None:
    before = {"VerificationMessageTemplate": {**TEMPLATE, "EmailSubject": "Verify now"}}
    after = {"VerificationMessageTemplate": TEMPLATE}
    (change,) = field_changes(before, after, after)
    assert change.to_default is False


SECRET = "a1b2c3d4-external-id"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"SmsConfiguration": {"ExternalId": "old"}}, {"SmsConfiguration": {"ExternalId": SECRET}}),
        ({"SmsConfiguration": {"ExternalId": SECRET}}, {"SmsConfiguration": {"ExternalId": "new"}}),
        ({}, {"SmsConfiguration": {"ExternalId": SECRET, "SnsCallerArn": "arn:role"}}),
    ],
    ids=["secret-after", "secret-before", "secret-inside-a-block"],
)
def test_a_secret_on_either_side_marks_the_change_sensitive(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    (change,) = field_changes(before, after, after, secrets={SECRET})
    assert change.sensitive is True
    assert change.to_dict()["before"] is None
    assert change.to_dict()["after"] is None


def test_a_change_without_a_secret_is_not_sensitive() -> None:
    before = {"SmsConfiguration": {"ExternalId": SECRET, "SnsRegion": "eu-west-1"}}
    after = {"SmsConfiguration": {"ExternalId": SECRET, "SnsRegion": "us-east-1"}}
    (change,) = field_changes(before, after, after, secrets={SECRET})
    assert change.path == ("SmsConfiguration", "SnsRegion")
    assert change.sensitive is False


def test_an_empty_secret_marks_nothing() -> None:
    (change,) = field_changes({"a": "x"}, {"a": "y"}, {"a": "y"}, secrets={""})
    assert change.sensitive is False


def test_a_multi_line_secret_marks_the_change_sensitive() -> None:
    secret = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMG\n-----END PRIVATE KEY-----"
    (change,) = field_changes({"key": "old"}, {"key": secret}, {"key": secret}, secrets={secret})
    assert change.sensitive is True


def test_creation_changes_one_line_per_leaf() -> None:
    after = {
        "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        "AutoVerifiedAttributes": ["email"],
        "LambdaConfig": {},
        "DeletionProtection": "ACTIVE",
    }
    assert creation_changes(after) == (
        FieldChange(("Policies", "PasswordPolicy", "MinimumLength"), MISSING, 12),
        FieldChange(("Policies", "PasswordPolicy", "RequireSymbols"), MISSING, False),
        FieldChange(("AutoVerifiedAttributes",), MISSING, ["email"]),
        FieldChange(("LambdaConfig",), MISSING, {}),
        FieldChange(("DeletionProtection",), MISSING, "ACTIVE"),
    )


def test_creation_changes_one_line_per_schema_attribute() -> None:
    tenant = {"AttributeDataType": "String", "Mutable": True,
              "StringAttributeConstraints": {"MaxLength": "2048"}}
    email = {"AttributeDataType": "String", "Required": True}
    assert creation_changes({"Schema": {"tenant": tenant, "email": email}}) == (
        FieldChange(("Schema", "tenant"), MISSING, tenant),
        FieldChange(("Schema", "email"), MISSING, email),
    )


def test_creation_changes_mark_secrets_sensitive() -> None:
    after = {"SmsConfiguration": {"ExternalId": SECRET, "SnsRegion": "eu-west-1"}}
    changes = creation_changes(after, secrets={SECRET})
    assert [(c.path[-1], c.sensitive) for c in changes] == [
        ("ExternalId", True), ("SnsRegion", False)]
