"""kinds/group.py: a group's canonical shape, the groups Cognito makes, the export."""

from __future__ import annotations

from poolsync.kinds.group import GROUPS, canonical_group, export_groups, is_federation_group

POOL_ID = "eu-west-1_AbC"
LISTED = {"GroupName": "admins", "UserPoolId": POOL_ID, "Description": "Admins",
          "Precedence": 1, "CreationDate": "2026-01-01", "LastModifiedDate": "2026-01-02"}


def test_a_listed_group_compares_by_what_the_file_writes() -> None:
    assert canonical_group(LISTED) == {"Description": "Admins", "Precedence": 1}


def test_only_a_group_named_after_a_provider_of_the_pool_is_cognitos_own() -> None:
    assert is_federation_group(f"{POOL_ID}_Google", POOL_ID, {"Google"})
    assert not is_federation_group(f"{POOL_ID}_Google", POOL_ID, {"Facebook"})
    assert is_federation_group(f"{POOL_ID}_Google", POOL_ID, None)  # providers not read
    assert not is_federation_group("admins", POOL_ID, None)
    assert GROUPS.kept_unlisted(f"{POOL_ID}_Google", POOL_ID, {"Google"})


def test_export_leaves_out_the_groups_cognito_makes() -> None:
    found = {"admins": LISTED, f"{POOL_ID}_Google": {"GroupName": f"{POOL_ID}_Google"}}
    assert export_groups(found, POOL_ID, ["Google"]) == {
        "admins": {"Description": "Admins", "Precedence": 1}}
    assert export_groups(None, POOL_ID, None) == {}


def test_an_update_sends_only_what_the_file_writes() -> None:
    written = {"Description": "New"}
    assert GROUPS.update("admins", written, LISTED, canonical_group(LISTED), written) == {
        "GroupName": "admins", "Description": "New"}
    assert GROUPS.key("admins", LISTED) == {"GroupName": "admins"}
