"""Plan and apply end to end against the stand-in, inspecting the requests poolsync sends."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from poolsync import engine
from poolsync.aws import AwsSession, BotoCognito
from poolsync.errors import LiveStateError, SafetyRefusal
from poolsync.kinds.pool import is_stray_copy, removal_calls
from poolsync.kinds.settings import CREATED_BY_RUN, PROTECTION_OFF_BY_RUN, RUN_ID
from poolsync.model import POOL_ID, Action, ApiCall, FieldChange, Plan, PoolConfig
from poolsync.plan import LivePool, plan_pool
from tests.conftest import EXAMPLES, REGION

BASE = """
    version: 1
    pools:
      shop:
        region: eu-west-1
        settings:
          AutoVerifiedAttributes: [email]
          Policies:
            PasswordPolicy:
              MinimumLength: 12
              RequireSymbols: false
          Schema:
            - {Name: tenant, AttributeDataType: String, Mutable: false}
        mfa:
          MfaConfiguration: OPTIONAL
          SoftwareTokenMfaConfiguration: {Enabled: true}
    """
TRIGGER = "arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up"


def _apply(session: AwsSession, path: str) -> Plan:
    config = engine.load([path], {})
    planned = engine.plan(config, session)
    engine.check_apply(planned, session, ())
    engine.verify(config, session, engine.execute(planned, session))
    return planned


def _plan(session: AwsSession, path: str) -> Plan:
    return engine.plan(engine.load([path], {}), session)


def _client(session: AwsSession) -> Any:
    cognito = session.cognito(REGION)
    assert isinstance(cognito, BotoCognito)
    return cognito._boto()


def _requests(session: AwsSession, operation: str) -> list[dict[str, Any]]:
    cognito = session.cognito(REGION)
    assert isinstance(cognito, BotoCognito)
    return [dict(c.params) for c in cognito.calls if c.operation == operation]


def _pool_id(session: AwsSession) -> str:
    return str(_client(session).list_user_pools(MaxResults=10)["UserPools"][0]["Id"])


def _changes(plan: Plan) -> dict[str, FieldChange]:
    return {".".join(map(str, c.path)): c for o in plan.objects for c in o.changes}


def test_unmentioned_member_survives_an_update_of_another(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    pool_id = _pool_id(session)
    live = _client(session).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    # Out of band: a console user adds a trigger. The file does not mention LambdaConfig.
    _client(session).update_user_pool(
        UserPoolId=pool_id, LambdaConfig={"PreSignUp": TRIGGER},
        AutoVerifiedAttributes=live["AutoVerifiedAttributes"], Policies=live["Policies"],
    )
    changed = write(BASE.replace("MinimumLength: 12", "MinimumLength: 14"), "changed.yaml")
    planned = _apply(session, changed)
    assert [c.path for c in planned.objects[0].changes] == [
        ("Policies", "PasswordPolicy", "MinimumLength")
    ]
    request = _requests(session, "UpdateUserPool")[-1]
    assert request["LambdaConfig"] == {"PreSignUp": TRIGGER}
    assert request["AutoVerifiedAttributes"] == ["email"]
    after = _client(session).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert after["LambdaConfig"]["PreSignUp"] == TRIGGER
    assert after["Policies"]["PasswordPolicy"]["MinimumLength"] == 14


def test_update_user_pool_is_a_full_payload_never_a_patch(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    _apply(session, write(BASE.replace("MinimumLength: 12", "MinimumLength: 13"), "b.yaml"))
    request = _requests(session, "UpdateUserPool")[-1]
    for member in ("Policies", "AutoVerifiedAttributes", "AdminCreateUserConfig",
                   "VerificationMessageTemplate", "EmailConfiguration", "DeletionProtection",
                   "UserPoolTags"):
        assert member in request, member
    # Never sent: create-only members, the MFA mode (SetUserPoolMfaConfig owns it) and
    # the legacy twins of the verification template.
    for member in ("Schema", "UsernameAttributes", "UsernameConfiguration", "MfaConfiguration",
                   "EmailVerificationMessage", "SmsVerificationMessage"):
        assert member not in request, member


def test_deleting_a_line_plans_the_default(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    without = write(BASE.replace("              RequireSymbols: false\n", ""), "c.yaml")
    change = _changes(_plan(session, without))["Policies.PasswordPolicy.RequireSymbols"]
    assert (change.before, change.after, change.to_default) == (False, True, True)
    _apply(session, without)
    live = _client(session).describe_user_pool(UserPoolId=_pool_id(session))["UserPool"]
    assert live["Policies"]["PasswordPolicy"]["RequireSymbols"] is True


def test_new_custom_attribute_is_added_in_place(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    more = write(BASE.replace(
        "Mutable: false}", "Mutable: false}\n            - {Name: plan, AttributeDataType: String}"
    ), "d.yaml")
    planned = _plan(session, more)
    pool = planned.objects[0]
    assert pool.action is Action.UPDATE
    assert [c.operation for c in pool.calls] == ["AddCustomAttributes"]
    _apply(session, more)
    names = [a["Name"] for a in _client(session).describe_user_pool(
        UserPoolId=_pool_id(session))["UserPool"]["SchemaAttributes"]]
    assert "custom:plan" in names


def test_a_custom_attribute_left_out_of_the_file_is_unmanaged_not_a_replacement(session, write) -> None:  # type: ignore[no-untyped-def]
    """No API removes a custom attribute: never a reason to destroy the pool."""
    _apply(session, write(BASE))
    gone = write(BASE.replace(
        "          Schema:\n            - {Name: tenant, AttributeDataType: String, Mutable: false}\n",
        "          Schema:\n            - {Name: email, AttributeDataType: String}\n"), "e.yaml")
    planned = _plan(session, gone)
    assert planned.objects[0].action is Action.NOOP
    (attribute,) = [o for o in planned.objects if o.kind == "attribute"]
    assert (attribute.address, attribute.unmanaged) == ("shop/schema/custom:tenant", True)
    assert "no API removes a custom attribute" in attribute.reason


def test_mfa_is_created_off_then_set(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    assert _requests(session, "CreateUserPool")[0]["MfaConfiguration"] == "OFF"
    assert _requests(session, "SetUserPoolMfaConfig")[0] == {
        "UserPoolId": _pool_id(session),
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
    }


def test_mfa_change_goes_through_set_user_pool_mfa_config(session, write) -> None:  # type: ignore[no-untyped-def]
    _apply(session, write(BASE))
    planned = _plan(session, write(BASE.replace("OPTIONAL", '"ON"'), "f.yaml"))
    mfa = planned.objects[1]
    assert (mfa.address, mfa.action) == ("shop/mfa", Action.UPDATE)
    assert [c.operation for c in mfa.calls] == ["SetUserPoolMfaConfig"]
    assert _changes(planned)["MfaConfiguration"].after == "ON"


def test_two_pools_with_one_name_must_be_pinned(session, write) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        _client(session).create_user_pool(PoolName="shop")
    with pytest.raises(LiveStateError, match="pin the one to manage with 'id: <pool id>'"):
        _plan(session, write(BASE))


def test_pinned_id_is_used_instead_of_the_name(session, write) -> None:  # type: ignore[no-untyped-def]
    ids = [_client(session).create_user_pool(PoolName="shop")["UserPool"]["Id"] for _ in range(2)]
    pinned = write(BASE.replace("region: eu-west-1\n", f"region: eu-west-1\n        id: {ids[1]}\n", 1))
    planned = _plan(session, pinned)
    assert planned.pools[0].pool_id == ids[1]
    assert not _requests(session, "ListUserPools")


def test_one_list_user_pools_pass_per_region(session, write) -> None:  # type: ignore[no-untyped-def]
    two = write(BASE.rstrip(" ") + BASE.split("pools:\n", 1)[1].replace("shop:", "shop2:"))
    _plan(session, two)
    assert len(_requests(session, "ListUserPools")) == 1


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_also_converge_on_plain_moto(plain_moto, example) -> None:  # type: ignore[no-untyped-def]
    """poolsync must not depend on the stand-in's fidelity: on moto as shipped (which
    drops standard attributes and merges differently) the examples converge too. moto
    5.2.1 implements none of the kinds of docs/kinds.md and does not keep a domain's
    ManagedLoginVersion (the stand-in does both): those are left out here."""
    session = AwsSession(share=None)  # unpaced, as conftest's session: moto has no quotas
    loaded = engine.load([str(example)], os.environ)

    def as_moto_knows(pool: PoolConfig) -> PoolConfig:
        domain = {k: v for k, v in (pool.domain or {}).items() if k != "ManagedLoginVersion"}
        return dataclasses.replace(pool, parts={},
                                   domain=domain if pool.domain is not None else None)

    config = dataclasses.replace(loaded, pools=tuple(map(as_moto_knows, loaded.pools)))
    engine.verify(config, session, engine.execute(engine.plan(config, session), session))
    assert not engine.plan(config, session).has_changes


def test_a_tier_lowered_under_live_threat_protection_cannot_apply(session, write) -> None:  # type: ignore[no-untyped-def]
    """The file lowers the tier; threat protection, which the file does not manage, is on
    in the live pool and needs PLUS. Cognito would refuse the update: cannot apply, and
    apply refuses before any write."""
    plus = BASE.replace("AutoVerifiedAttributes: [email]",
                        "AutoVerifiedAttributes: [email]\n          UserPoolTier: PLUS")
    _apply(session, write(plus))
    pool_id = _pool_id(session)
    live = _client(session).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    _client(session).update_user_pool(
        UserPoolId=pool_id, UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
        AutoVerifiedAttributes=live["AutoVerifiedAttributes"], UserPoolTier="PLUS",
    )
    lowered = write(plus.replace("UserPoolTier: PLUS", "UserPoolTier: ESSENTIALS"), "g.yaml")
    planned = _plan(session, lowered)
    pool = planned.objects[0]
    assert pool.action is Action.CANNOT_APPLY
    assert "AdvancedSecurityMode ENFORCED (threat protection) needs UserPoolTier PLUS" in pool.reason
    assert pool.calls == ()
    with pytest.raises(SafetyRefusal, match="cannot be applied"):
        engine.check_apply(planned, session, ())


# --- safety rails in the pure core (issue 10, §2 and §3) ------------------------------
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_pools_by_age_puts_the_oldest_first_then_the_smaller_id() -> None:
    pools = [{"Id": "eu-west-1_c", "CreationDate": T0 + timedelta(milliseconds=1)},
             {"Id": "eu-west-1_b", "CreationDate": T0},
             {"Id": "eu-west-1_a", "CreationDate": T0},
             {"Id": "eu-west-1_0"}]  # no date: last
    assert [p["Id"] for p in engine.pools_by_age(pools)] == [
        "eu-west-1_a", "eu-west-1_b", "eu-west-1_c", "eu-west-1_0"]


def _described(**extra: Any) -> dict[str, Any]:
    return {"Id": "eu-west-1_stray", "Name": "app", "Arn": "arn:x", "CreationDate": T0,
            "EstimatedNumberOfUsers": 0, "UserPoolTags": {}, "LambdaConfig": {},
            "MfaConfiguration": "OFF", **extra}


def test_a_stray_copy_is_one_poolsync_created_with_no_users() -> None:
    assert is_stray_copy(_described(UserPoolTags={CREATED_BY_RUN: "r1"}))
    assert not is_stray_copy(_described(UserPoolTags={CREATED_BY_RUN: "r1"},
                                        EstimatedNumberOfUsers=1))
    assert not is_stray_copy(_described(UserPoolTags={"team": "x"}))


def test_removal_switches_protection_off_with_its_mark_then_the_domains_then_the_pool() -> None:
    calls = removal_calls(_described(DeletionProtection="ACTIVE", Domain="prefix",
                                     UserPoolTags={CREATED_BY_RUN: "r1", "team": "x"}))
    assert [c.operation for c in calls] == ["UpdateUserPool", "DeleteUserPoolDomain",
                                            "DeleteUserPool"]
    off = calls[0].params
    assert off["DeletionProtection"] == "INACTIVE"
    assert off["UserPoolTags"] == {"team": "x", CREATED_BY_RUN: "r1", PROTECTION_OFF_BY_RUN: RUN_ID}
    assert calls[1] == ApiCall("DeleteUserPoolDomain", {"UserPoolId": "eu-west-1_stray",
                                                        "Domain": "prefix"})
    assert removal_calls(_described()) == [ApiCall("DeleteUserPool",
                                                   {"UserPoolId": "eu-west-1_stray"})]


def test_a_new_pool_is_tagged_with_the_run_that_creates_it() -> None:
    (pool,) = plan_pool(PoolConfig("app", REGION, {"UserPoolTags": {"team": "x"}}), None).objects
    assert pool.calls[0].params["UserPoolTags"] == {"team": "x", CREATED_BY_RUN: RUN_ID}
    assert "poolsync" not in str(pool.changes)  # the plan shows the user's tags only


def _live(protection: str, tags: dict[str, str]) -> LivePool:
    return LivePool(_described(Id="eu-west-1_live", DeletionProtection=protection,
                               UserPoolTags=tags), {"MfaConfiguration": "OFF"})


@pytest.mark.parametrize(("written", "protection", "marked", "restored"), [
    ({}, "INACTIVE", True, True),  # poolsync switched it off: put back
    ({}, "INACTIVE", False, False),  # the user switched it off: not managed
    ({}, "ACTIVE", True, False),  # a stale mark: nothing to do
    ({"DeletionProtection": "INACTIVE"}, "INACTIVE", True, False),  # the file decides
])
def test_protection_poolsync_left_off_is_planned_back_on(
        written: dict[str, str], protection: str, marked: bool, restored: bool) -> None:
    tags = {CREATED_BY_RUN: "r1", **({PROTECTION_OFF_BY_RUN: "r2"} if marked else {})}
    planned = plan_pool(PoolConfig("app", REGION, written), _live(protection, tags))
    pool = planned.objects[0]
    changed = [c for c in pool.changes if c.path == ("DeletionProtection",)]
    assert bool(changed) is restored
    assert any("switched off by poolsync (run r2)" in n for n in pool.notes) is restored
    if restored:
        (update,) = pool.calls
        assert update.params["DeletionProtection"] == "ACTIVE"
        assert update.params["UserPoolTags"] == {CREATED_BY_RUN: "r1"}  # the mark goes


def test_a_plan_removes_the_strays_before_anything_else() -> None:
    stray = _described(UserPoolTags={CREATED_BY_RUN: "r9"})
    live = replace(_live("INACTIVE", {}), strays=(stray,))
    planned = plan_pool(PoolConfig("app", REGION, {}), live)
    first = planned.objects[0]
    assert (first.address, first.kind, first.action) == (
        "app/copies/eu-west-1_stray", "pool", Action.DELETE)
    assert "by poolsync run r9" in first.reason and "(eu-west-1_live) is the one managed" in (
        first.reason)
    assert first.calls == (ApiCall("DeleteUserPool", {"UserPoolId": "eu-west-1_stray"}),)
    assert planned.pool_id == "eu-west-1_live" and POOL_ID not in str(first.calls)


def test_name_checks_share_a_listing_that_began_after_their_create() -> None:
    """engine._SharedListing: a check reuses a listing that began after its moment and
    never one that began before (that one may miss a copy created meanwhile)."""
    import time

    from poolsync.engine import _SharedListing

    class Counting:
        calls = 0

        def list_user_pools(self) -> list[dict[str, str]]:
            self.calls += 1
            return [{"Name": "orders", "Id": f"eu-west-1_{self.calls}"}]

    cognito = Counting()
    listing = _SharedListing(cognito)  # type: ignore[arg-type]
    before = time.monotonic()
    first = listing.since(before)
    assert listing.since(before) == first and cognito.calls == 1  # began after: shared
    later = time.monotonic() + 1e-3  # strictly after the first listing began
    assert listing.since(later) != first and cognito.calls == 2  # began before: listed anew
