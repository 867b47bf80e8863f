"""render: plans as text, compared exactly with golden files in tests/golden/.

To regenerate the golden files after an intended change of the output, run
``POOLSYNC_UPDATE_GOLDEN=1 pytest tests/test_render.py`` and review the diff of
tests/golden/ before committing it.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest

from poolsync.config import load_config
from poolsync.markdown import render_markdown
from poolsync.masking import mask_plan
from poolsync.model import (
    MISSING,
    Action,
    FieldChange,
    ObjectPlan,
    Plan,
    PoolPlan,
)
from poolsync.plan import plan_config
from poolsync.render import format_change, render_text, sources, summary_line

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("POOLSYNC_UPDATE_GOLDEN") == "1"
ESCAPE = re.compile("\x1b\\[")
SECRET = "ext-id-from-env-7f3a"
USERNAME_RULE = (
    "UsernameAttributes (the sign-in attributes) is fixed when a pool is created: "
    "UpdateUserPool does not accept it"
)
TENANT = {"AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
          "Required": False, "StringAttributeConstraints": {"MaxLength": "2048"}}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- plans

CREATE = PoolPlan("shop", "eu-west-1", None, (
    ObjectPlan("shop", "pool", Action.CREATE, "no pool named 'shop' in eu-west-1", (
        FieldChange(("AutoVerifiedAttributes",), MISSING, ["email"]),
        FieldChange(("Policies", "PasswordPolicy", "MinimumLength"), MISSING, 12),
        FieldChange(("Policies", "PasswordPolicy", "RequireSymbols"), MISSING, False),
        FieldChange(("Schema", "tenant"), MISSING, TENANT),
    )),
    ObjectPlan("shop/mfa", "mfa", Action.CREATE,
               "the pool is created with MFA off; SetUserPoolMfaConfig then sets MFA (a pool "
               "created with MFA on needs SMS: aws/aws-cdk #11478)", (
                   FieldChange(("MfaConfiguration",), MISSING, "OPTIONAL"),
                   FieldChange(("SoftwareTokenMfaConfiguration", "Enabled"), MISSING, True),
               )),
))

UPDATE = PoolPlan("customers", "us-west-2", "us-west-2_EXAMPLE", (
    ObjectPlan("customers", "pool", Action.UPDATE,
               "in place with UpdateUserPool, AddCustomAttributes", (
                   FieldChange(("Policies", "PasswordPolicy", "MinimumLength"), 8, 12),
                   FieldChange(("Policies", "PasswordPolicy", "TemporaryPasswordValidityDays"),
                               1, 7, to_default=True),
                   FieldChange(("Schema", "tenant"), MISSING, TENANT),
                   FieldChange(("SmsConfiguration", "ExternalId"), "a1b2c3d4", MISSING,
                               to_default=True),
                   FieldChange(("UserPoolTags",), {"team": "a"}, {"team": "a", "env": "prod"}),
               )),
    ObjectPlan("customers/mfa", "mfa", Action.NOOP),
), estimated_users=166)

REPLACE = PoolPlan("customers", "us-west-2", "us-west-2_EXAMPLE", (
    ObjectPlan("customers", "pool", Action.REPLACE, USERNAME_RULE, (
        FieldChange(("UsernameAttributes",), [], ["email"], forces_replacement=USERNAME_RULE),
        FieldChange(("DeletionProtection",), "ACTIVE", "INACTIVE"),
    ), notes=(
        "Blast radius: the pool is deleted and created again. Its 166 user(s) and their "
        "passwords are lost (passwords cannot be exported).",
        "The pool id (us-west-2_EXAMPLE) changes, so does the token issuer URL "
        "(https://cognito-idp.us-west-2.amazonaws.com/us-west-2_EXAMPLE), and every app "
        "client id.",
        "The hosted UI domain myCustomDomain is deleted first and not recreated.",
    )),
), estimated_users=166)

NOOP = PoolPlan("internal", "eu-west-1", "eu-west-1_Internal1", (
    ObjectPlan("internal", "pool", Action.NOOP),
    ObjectPlan("internal/mfa", "mfa", Action.NOOP),
))

SENSITIVE = PoolPlan("partners", "eu-west-1", "eu-west-1_AbCdEf123", (
    ObjectPlan("partners", "pool", Action.UPDATE, "in place with UpdateUserPool", (
        FieldChange(("SmsConfiguration", "ExternalId"), "old-external-id", SECRET,
                    sensitive=True),
        FieldChange(("SmsConfiguration", "SnsRegion"), "eu-west-1", "eu-central-1"),
    )),
))

PLANS = {
    "create": Plan((CREATE,)),
    "update": Plan((UPDATE,)),
    "replace": Plan((REPLACE,)),
    "noop": Plan((NOOP,)),
    "sensitive": Plan((SENSITIVE,)),
    "several-pools": Plan((CREATE, UPDATE, NOOP)),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_render_text_matches_golden(name: str) -> None:
    check_golden(f"{name}.txt", render_text(PLANS[name]))


def test_golden_update_shows_the_default_it_returns_to() -> None:
    text = render_text(PLANS["update"])
    assert "PasswordPolicy.TemporaryPasswordValidityDays: 1 → default (7)" in text
    assert 'SmsConfiguration.ExternalId: "a1b2c3d4" → default (not set)' in text


def test_golden_replace_shows_the_rule_and_every_note() -> None:
    text = render_text(PLANS["replace"])
    assert 'UsernameAttributes: [] → ["email"]  (forces replacement)' in text
    assert all(f"    ! {note}" in text for note in REPLACE.objects[0].notes)


def test_a_sensitive_value_never_appears() -> None:
    text = render_text(PLANS["sensitive"])
    assert "SmsConfiguration.ExternalId: (sensitive, changed)" in text
    assert SECRET not in text
    assert "old-external-id" not in text


# --------------------------------------------------------------------------- colour


@pytest.mark.parametrize("name", sorted(PLANS))
def test_no_colour_has_no_escape_codes(name: str) -> None:
    assert not ESCAPE.search(render_text(PLANS[name], color=False))


def test_colour_paints_each_changing_object_header() -> None:
    text = render_text(Plan((CREATE, UPDATE, REPLACE)), color=True)
    assert "  \x1b[32m+ shop: create (no pool named 'shop' in eu-west-1)\x1b[0m\n" in text
    assert "  \x1b[33m~ customers: update (in place with UpdateUserPool, " in text
    assert f"  \x1b[31;1m-/+ customers: replace ({USERNAME_RULE})\x1b[0m\n" in text
    # Only the paint differs from the plain rendering.
    plain = render_text(Plan((CREATE, UPDATE, REPLACE)))
    assert re.sub("\x1b\\[[0-9;]*m", "", text) == plain


def test_colour_leaves_no_op_plain() -> None:
    assert render_text(PLANS["noop"], color=True) == render_text(PLANS["noop"])


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (FieldChange(("DeletionProtection",), "ACTIVE", "INACTIVE"),
         'DeletionProtection: "ACTIVE" → "INACTIVE"'),
        (FieldChange(("LambdaConfig", "PreSignUp"), MISSING, "arn:x"),
         'LambdaConfig.PreSignUp: (not set) → "arn:x"'),
        (FieldChange(("LambdaConfig", "PreSignUp"), "arn:x", MISSING, to_default=True),
         'LambdaConfig.PreSignUp: "arn:x" → default (not set)'),
        (FieldChange(("Policies", "PasswordPolicy", "RequireSymbols"), False, True,
                     to_default=True),
         "Policies.PasswordPolicy.RequireSymbols: false → default (true)"),
        (FieldChange(("AliasAttributes",), ["email"], [], forces_replacement="fixed"),
         'AliasAttributes: ["email"] → []  (forces replacement)'),
        (FieldChange(("SmsConfiguration",), {"ExternalId": SECRET}, MISSING, sensitive=True),
         "SmsConfiguration: (sensitive, changed)"),
        (FieldChange(("UserPoolTags",), {}, {"team": "identity"}),
         'UserPoolTags: {} → {"team": "identity"}'),
    ],
)
def test_format_change(change: FieldChange, line: str) -> None:
    assert format_change(change) == line


def test_format_change_shows_non_ascii_text_as_written() -> None:
    change = FieldChange(("VerificationMessageTemplate", "EmailSubject"),
                         "Your verification code", "Vérifiez votre adresse")
    assert format_change(change) == (
        'VerificationMessageTemplate.EmailSubject: "Your verification code" → '
        '"Vérifiez votre adresse"'
    )


def test_summary_line_counts_actions() -> None:
    plan = Plan((CREATE, UPDATE, REPLACE))
    assert summary_line(plan) == "Plan: 2 to create, 1 to update, 1 to replace, 0 to delete."


def test_summary_line_counts_what_cannot_be_applied() -> None:
    blocked = PoolPlan("p", "eu-west-1", "eu-west-1_x", (
        ObjectPlan("p", "pool", Action.CANNOT_APPLY, "no API removes a custom attribute"),))
    assert summary_line(Plan((blocked,))) == (
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete. 1 cannot be applied."
    )


def test_summary_line_without_changes() -> None:
    assert summary_line(Plan((NOOP,))) == "No changes. The live pools match the configuration."
    assert summary_line(Plan(())) == "No changes. The live pools match the configuration."


# --------------------------------------------------------------------------- masking
#
# Values from ${env:...} are masked where they are (poolsync.masking), and the renderings
# show what the file writes instead. Plans of new pools, made offline.


def _masked_plan(tmp_path: Path, text: str, environ: dict[str, str]) -> str:
    path = tmp_path / "pools.yaml"
    path.write_text(textwrap.dedent(text))
    config = load_config([str(path)], environ=environ)
    plan = mask_plan(plan_config(config, {}), config)
    return render_text(plan) + render_markdown(plan, "prod", "pools.yaml")


def test_a_value_from_the_environment_shows_as_written(tmp_path: Path) -> None:
    text = _masked_plan(tmp_path, """
        version: 1
        pools:
          app:
            region: ${env:REGION}
            clients:
              web:
                CallbackURLs: ["https://app.example.com/cb?k=${env:K}", "https://b.example.com/cb"]
                AllowedOAuthFlows: [code]
                AllowedOAuthScopes: [openid]
                AllowedOAuthFlowsUserPoolClient: true
        """, {"K": SECRET, "REGION": "eu-west-1"})
    assert ('CallbackURLs: (not set) → ["https://app.example.com/cb?k=${env:K}", '
            '"https://b.example.com/cb"]') in text
    assert "app (${env:REGION}, new)" in text
    assert "no pool named 'app' in ${env:REGION}" in text
    assert SECRET not in text and "eu-west-1" not in text


@pytest.mark.parametrize(("member", "path"), [
    # A legacy alias is planned at its current twin: masked there all the same.
    ("EmailVerificationMessage: 'Code {####} ${env:E}'",
     "VerificationMessageTemplate.EmailMessage"),
    # A schema attribute is planned by its name, which may itself come from the file.
    ("Schema: [{Name: 'x${env:E}', AttributeDataType: String}]", "Schema.custom:x${env:E}"),
    ("UserPoolTags: {stage: '${env:E}', team: example}", "UserPoolTags.stage"),
])
def test_a_short_value_is_masked_by_where_it_is(tmp_path: Path, member: str, path: str
                                                ) -> None:
    """A one-letter value cannot be searched for ("e" is in every word): only where it
    was written tells where it is; the rest of the plan stays readable."""
    text = _masked_plan(tmp_path, f"""
        version: 1
        pools:
          app:
            region: eu-west-1
            settings:
              {member}
              DeletionProtection: ACTIVE
        """, {"E": "e"})
    lines = [line.strip() for line in text.splitlines()
             if line.strip().lstrip("+! ").startswith(path)]
    assert len(lines) == 2  # the text plan's line, and the comment's
    assert all("${env:E}" in line for line in lines)
    assert 'DeletionProtection: (not set) → "ACTIVE"' in text
    assert all(line.strip().lstrip("+! ").startswith(path)
               for line in text.splitlines() if "(sensitive" in line)


def test_a_value_from_a_template_is_masked_in_the_pool(tmp_path: Path) -> None:
    text = _masked_plan(tmp_path, """
        version: 1
        templates:
          base:
            groups:
              staff: {Description: "${env:D}"}
        pools:
          app: {template: base, region: eu-west-1}
        """, {"D": "dev"})
    assert "Description: (sensitive, changed) (from ${env:D})" in text
    assert '"dev"' not in text


def test_a_secret_by_kind_shows_nothing_even_as_written(tmp_path: Path) -> None:
    text = _masked_plan(tmp_path, """
        version: 1
        pools:
          app:
            region: eu-west-1
            identity_providers:
              Google:
                ProviderType: Google
                ProviderDetails:
                  client_id: x
                  client_secret: "prefix-${env:S}"
                  authorize_scopes: openid
        """, {"S": SECRET})
    assert "ProviderDetails.client_secret: (sensitive, changed)\n" in text
    assert "prefix-" not in text and SECRET not in text


def test_a_masked_change_renders_what_it_may_show() -> None:
    template = "https://a.example.com/cb?k=${env:K}"
    change = FieldChange(("CallbackURLs",), ["https://a.example.com/cb?k=old"],
                         [f"https://a.example.com/cb?k={SECRET}"], sensitive=True,
                         shown=(["(sensitive)"], [template]))
    assert format_change(change) == f'CallbackURLs: ["(sensitive)"] → ["{template}"]'
    whole = FieldChange(("Domain",), "old", SECRET, sensitive=True,
                        shown=("(sensitive)", "${env:D}"))
    assert format_change(whole) == "Domain: (sensitive, changed) (from ${env:D})"
    assert sources(whole) == " (from ${env:D})"
    secret = FieldChange(("ClientSecret",), MISSING, SECRET, sensitive=True)
    assert format_change(secret) == "ClientSecret: (sensitive, changed)"


def test_a_plan_shows_what_changes_and_counts_the_rest_as_terraform_does(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """Without -v, objects with nothing to do are counted, not listed, and a pool with
    nothing to do is one line; -v lists every object; unmanaged objects always show."""
    from tests.conftest import cli

    text = """
        version: 1
        region: eu-west-1
        pools:
          quiet:
            clients: {web: {}, api: {}}
          busy:
            settings: {DeletionProtection: ACTIVE}
            clients: {web: {}}
            groups: {admins: {}}
        """
    path = write(text)
    assert cli(session, "apply", path, "--yes") == 0
    write(text.replace("DeletionProtection: ACTIVE", "DeletionProtection: INACTIVE")
              .replace("        groups: {admins: {}}\n", "        groups: {}\n"))
    capsys.readouterr()
    assert cli(session, "plan", path) == 0
    out = capsys.readouterr().out
    assert re.search(r"^= quiet \(eu-west-1, eu-west-1_\w+\): no changes \(3 objects\)$",
                     out, re.M)
    assert "  ~ busy: update" in out
    assert "  ? busy/groups/admins: unmanaged" in out
    assert "  (1 object unchanged, not shown: -v shows them)" in out
    assert "no-op" not in out
    assert cli(session, "plan", path, "-v") == 0
    verbose = capsys.readouterr().out
    assert "  = quiet/clients/web: no-op" in verbose and "  = busy/clients/web: no-op" in verbose
    assert "not shown" not in verbose
