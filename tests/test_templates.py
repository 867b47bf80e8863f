"""Pool templates (docs/environments.md, "Pool templates"): a pool body written once under
``templates:`` and named by pools with ``template: NAME``.

Merged before any check; every problem points where its value was written.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path as FsPath

import pytest

from poolsync import schema
from poolsync.cli import run
from poolsync.config import load_config
from poolsync.errors import ConfigError
from poolsync.model import Config, Location, PoolConfig

FIXTURES = FsPath(__file__).parent / "fixtures" / "templates"
BASE = os.path.relpath(FIXTURES / "base")
PROD = os.path.relpath(FIXTURES / "prod")
ENVIRON = {"GOOGLE_CLIENT_SECRET": "s3cret-google"}


def write(directory: FsPath, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def problems(paths: list[str], environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(paths, environ=environ)
    return [p.render() for p in raised.value.problems]


def only_pool(config: Config) -> PoolConfig:
    [pool] = config.pools
    return pool


TEMPLATE = textwrap.dedent("""
    version: 1
    templates:
      shop:
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 12, RequireSymbols: true}
          UserPoolTags: {team: shop}
        mfa:
          MfaConfiguration: OPTIONAL
          SoftwareTokenMfaConfiguration: {Enabled: true}
""").lstrip("\n")


def pool_file(body: str, template: str = "shop") -> str:
    """A file with one pool ``app`` using ``template``; ``body`` is indented under it."""
    text = f"version: 1\nregion: eu-west-1\npools:\n  app:\n    template: {template}\n"
    return text + textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")


# --- merging --------------------------------------------------------------------------


def test_a_pool_with_a_template_is_the_pool_written_out() -> None:
    merged = only_pool(load_config([BASE, PROD], environ=ENVIRON))
    written = only_pool(load_config([os.path.relpath(FIXTURES / "written-out")], environ=ENVIRON))
    for field in ("name", "region", "settings", "mfa", "identity_providers", "clients",
                  "domain", "groups", "resource_servers", "prune", "secrets"):
        assert getattr(merged, field) == getattr(written, field), field
    assert merged.location == Location(os.path.join(PROD, "shop.yaml"), 4, 3)


def test_mappings_merge_recursively_and_the_pool_wins() -> None:
    pool = only_pool(load_config([BASE, PROD]))
    assert pool.settings["Policies"] == {"PasswordPolicy": {"MinimumLength": 16,
                                                            "RequireSymbols": True}}
    assert pool.identity_providers is not None
    assert pool.identity_providers["Google"]["ProviderDetails"] == {
        "client_secret": "${env:GOOGLE_CLIENT_SECRET}",
        "authorize_scopes": "openid email profile",
        "client_id": "2222222222-prod.apps.googleusercontent.com",
    }


def test_lists_are_replaced_whole() -> None:
    pool = only_pool(load_config([BASE, PROD]))
    # The template's tenant_id attribute is gone: Schema is the pool's list, not a union.
    assert [a["Name"] for a in pool.settings["Schema"]] == ["email"]
    assert pool.clients is not None
    assert pool.clients["web"]["CallbackURLs"] == ["https://shop.example.com/callback"]
    assert pool.clients["web"]["AllowedOAuthScopes"] == ["openid", "email", "profile"]


def test_null_in_the_pool_removes_the_templates_key(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    pools = write(tmp_path, "pools.yaml", pool_file("""
        mfa: null
        settings:
          Policies: {PasswordPolicy: {RequireSymbols: null}}
    """))
    pool = only_pool(load_config([base, pools]))
    assert pool.mfa is None  # MFA not managed in this environment
    assert pool.settings == {"Policies": {"PasswordPolicy": {"MinimumLength": 12}},
                             "UserPoolTags": {"team": "shop"}}


def test_null_where_the_template_has_nothing_is_checked_as_written(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    pools = write(tmp_path, "pools.yaml", pool_file("domain: null\n"))
    assert problems([base, pools]) == [
        f"{pools}:6:5: pools.app.domain: expected a mapping, got null",
    ]


def test_pools_sharing_a_template_share_no_objects(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    pools = write(tmp_path, "pools.yaml", """
        version: 1
        region: eu-west-1
        pools:
          a: {template: shop}
          b: {template: shop}
    """)
    a, b = load_config([base, pools]).pools
    assert a.settings == b.settings
    assert a.settings["Policies"] is not b.settings["Policies"]


def test_the_same_pool_merges_the_same_in_any_file_order(tmp_path: FsPath) -> None:
    # The pool's file sorts before the template's: templates are gathered first.
    base = write(tmp_path, "z-base.yaml", TEMPLATE)
    pools = write(tmp_path, "a-pools.yaml", pool_file("settings: {DeletionProtection: ACTIVE}\n"))
    pool = only_pool(load_config([str(tmp_path)]))
    assert pool.settings["UserPoolTags"] == {"team": "shop"}
    assert pool.settings["DeletionProtection"] == "ACTIVE"
    assert only_pool(load_config([pools, base])).settings == pool.settings


def test_a_file_with_only_templates_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_config([BASE]).pools == ()
    assert run(["validate", BASE]) == 0
    assert capsys.readouterr().out == "0 pool(s) in 1 file(s): valid.\n"


def test_a_file_with_only_templates_still_needs_a_version(tmp_path: FsPath) -> None:
    path = write(tmp_path, "base.yaml", TEMPLATE.replace("version: 1\n", ""))
    assert problems([path]) == [f'{path}:1:1: missing required key "version"']


def test_an_unused_template_is_not_an_error(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE + "  unused:\n    settings: {}\n")
    pools = write(tmp_path, "pools.yaml", pool_file(""))
    assert only_pool(load_config([base, pools])).name == "app"


# --- where problems point ------------------------------------------------------------


def test_a_bad_value_from_the_template_points_at_the_template(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE.replace("MinimumLength: 12", "MinimumLength: 4"))
    pools = write(tmp_path, "pools.yaml", pool_file("settings: {DeletionProtection: ACTIVE}\n"))
    # Reported once, for the pool that uses it (the key path is the merged pool's); not
    # a second time for the template itself.
    assert problems([base, pools]) == [
        f"{base}:6:26: pools.app.settings.Policies.PasswordPolicy.MinimumLength:"
        " must be at least 6 (got 4) (from template shop)",
    ]


def test_a_bad_value_from_the_pool_points_at_the_pool(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    pools = write(tmp_path, "pools.yaml", pool_file("""
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 100}
    """))
    assert problems([base, pools]) == [
        f"{pools}:8:26: pools.app.settings.Policies.PasswordPolicy.MinimumLength:"
        " must be at most 99 (got 100)",
    ]


def test_a_template_value_the_pool_replaces_is_not_reported_for_the_pool(
    tmp_path: FsPath,
) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE.replace("MinimumLength: 12", "MinimumLength: 4"))
    pools = write(tmp_path, "pools.yaml", pool_file("""
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 12}
    """))
    # The template is still checked on its own, as templates are even where unused.
    assert problems([base, pools]) == [
        f"{base}:6:26: templates.shop.settings.Policies.PasswordPolicy.MinimumLength:"
        " must be at least 6 (got 4)",
    ]


def test_each_pool_using_a_bad_template_value_is_named(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE.replace("{team: shop}", "shop"))
    pools = write(tmp_path, "pools.yaml", """
        version: 1
        region: eu-west-1
        pools:
          a: {template: shop}
          b: {template: shop}
    """)
    assert problems([base, pools]) == [
        f"{base}:7:7: pools.a.settings.UserPoolTags: expected a mapping, got a string"
        " (from template shop)",
        f"{base}:7:7: pools.b.settings.UserPoolTags: expected a mapping, got a string"
        " (from template shop)",
    ]


def test_an_unknown_key_in_a_template_is_reported_where_no_pool_uses_it(
    tmp_path: FsPath,
) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE.replace("UserPoolTags:", "UserPoolTag:"))
    assert problems([base]) == [
        f'{base}:7:7: templates.shop.settings.UserPoolTag: unknown key "UserPoolTag"'
        ' (did you mean "UserPoolTags"?)',
    ]


def test_a_template_may_leave_required_members_to_its_pools(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", """
        version: 1
        templates:
          shop:
            identity_providers:
              Google:
                ProviderDetails: {authorize_scopes: openid}
            domain: {ManagedLoginVersion: 2}
    """)
    pools = write(tmp_path, "pools.yaml", pool_file("""
        identity_providers:
          Google: {ProviderType: Google}
        domain: {Domain: shop-auth}
    """))
    assert run(["validate", base]) == 0
    assert only_pool(load_config([base, pools])).domain == {
        "ManagedLoginVersion": 2, "Domain": "shop-auth"}


def test_a_required_member_neither_writes_is_reported_on_the_merged_pool(
    tmp_path: FsPath,
) -> None:
    base = write(tmp_path, "base.yaml", """
        version: 1
        templates:
          shop:
            identity_providers:
              Google:
                ProviderDetails: {authorize_scopes: openid}
    """)
    pools = write(tmp_path, "pools.yaml", pool_file("settings: {DeletionProtection: ACTIVE}\n"))
    assert problems([base, pools]) == [
        f'{base}:5:7: pools.app.identity_providers.Google: missing required key'
        ' "ProviderType" (from template shop)',
    ]


# --- Cognito's rules run on the merged pool --------------------------------------------


def test_rules_see_the_merged_pool(tmp_path: FsPath) -> None:
    # The SMS factor and the client's OAuth flow are the template's; SmsConfiguration
    # and the callback URL are the pool's. Either half alone breaks a rule.
    base = write(tmp_path, "base.yaml", """
        version: 1
        templates:
          shop:
            mfa:
              MfaConfiguration: ON
              SmsMfaConfiguration: {SmsAuthenticationMessage: "Your code is {####}"}
            clients:
              web:
                AllowedOAuthFlows: [code]
                AllowedOAuthScopes: [openid]
                AllowedOAuthFlowsUserPoolClient: true
    """)
    pools = write(tmp_path, "pools.yaml", pool_file("""
        settings:
          SmsConfiguration:
            SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
        clients:
          web:
            CallbackURLs: [https://shop.example.com/callback]
    """))
    assert run(["validate", base]) == 0
    assert only_pool(load_config([base, pools])).mfa == {
        "MfaConfiguration": "ON",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Your code is {####}"},
    }


def test_a_rule_broken_by_the_merge_points_where_the_value_was_written(
    tmp_path: FsPath,
) -> None:
    base = write(tmp_path, "base.yaml", """
        version: 1
        templates:
          shop:
            mfa:
              MfaConfiguration: OPTIONAL
              EmailMfaConfiguration: {Subject: Your code}
            settings:
              EmailConfiguration: {EmailSendingAccount: COGNITO_DEFAULT}
    """)
    # The pool turns MFA on for good: the factor it needs is still the template's.
    pools = write(tmp_path, "pools.yaml", pool_file("""
        mfa:
          MfaConfiguration: ON
          SoftwareTokenMfaConfiguration: {Enabled: false}
        settings:
          AliasAttributes: [email]
          UsernameAttributes: [email]
    """))
    assert problems([base, pools]) == [
        f"{base}:6:7: pools.app.mfa.EmailMfaConfiguration: email MFA needs"
        " settings.EmailConfiguration.EmailSendingAccount: DEVELOPER (Amazon SES); Cognito"
        " refuses it with COGNITO_DEFAULT (here: COGNITO_DEFAULT) (from template shop)",
        f"{pools}:10:7: pools.app.settings.AliasAttributes: AliasAttributes and"
        " UsernameAttributes are mutually exclusive: write only one",
    ]


# --- which template ------------------------------------------------------------------


def test_an_unknown_template_is_named_with_the_closest_one(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    # Its identity provider lacks ProviderType (the template might have had it): the
    # pool cannot be merged, so only what is wrong whatever the template is reported.
    pools = write(tmp_path, "pools.yaml", pool_file("""
        identity_providers:
          Google: {ProviderDetails: {client_id: x}}
        settings: {DeletionProtection: MAYBE}
    """, template="shopp"))
    assert problems([base, pools]) == [
        f'{pools}:5:5: pools.app.template: template "shopp" is not defined'
        ' (did you mean "shop"?)',
        f'{pools}:8:16: pools.app.settings.DeletionProtection: must be one of: ACTIVE,'
        ' INACTIVE (got "MAYBE")',
    ]


def test_a_template_from_a_file_outside_the_run_is_explained(tmp_path: FsPath) -> None:
    pools = write(tmp_path, "pools.yaml", pool_file(""))
    assert problems([pools]) == [
        f'{pools}:5:5: pools.app.template: template "shop" is not defined (no file of this'
        " run defines templates: pass the file or directory that does)",
    ]


def test_a_template_name_cannot_come_from_the_environment(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE)
    pools = write(tmp_path, "pools.yaml", pool_file("", template="${env:TEMPLATE}"))
    assert problems([base, pools], {"TEMPLATE": "shop"}) == [
        f"{pools}:5:5: pools.app.template: a template name cannot come from ${{env:...}}:"
        " write the name",
    ]


def test_a_template_defined_twice_names_both_places(tmp_path: FsPath) -> None:
    first = write(tmp_path, "a.yaml", TEMPLATE)
    second = write(tmp_path, "b.yaml", TEMPLATE)
    assert problems([str(tmp_path)]) == [
        f'{second}:3:3: templates.shop: template "shop" is defined twice: first at {first}:3:3',
    ]


def test_template_names_are_plain_words(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", "version: 1\ntemplates:\n  'shop pool': {}\n")
    [problem] = problems([base])
    assert problem.startswith(f'{base}:3:3: templates.shop pool: invalid key "shop pool":'
                              " does not match the pattern")


def test_keys_that_belong_to_one_pool_are_refused_in_a_template(tmp_path: FsPath) -> None:
    base = write(tmp_path, "base.yaml", TEMPLATE + "    id: eu-west-1_AbCdEfGhI\n")
    pools = write(tmp_path, "pools.yaml", pool_file(""))
    assert problems([base, pools]) == [
        f"{base}:11:5: templates.shop.id: a template cannot pin id: an id belongs to one"
        " pool; write it in the pool",
    ]


# --- ${env:...} inside templates -----------------------------------------------------


ENV_TEMPLATE = """
    version: 1
    templates:
      shop:
        settings:
          UserPoolTags: {cost-center: "${env:COST_CENTER}"}
        mfa:
          MfaConfiguration: ${env:MFA_MODE}
          SoftwareTokenMfaConfiguration: {Enabled: true}
      other:
        settings:
          UserPoolTags: {owner: "${env:OTHER_OWNER}"}
"""


@pytest.fixture
def env_files(tmp_path: FsPath) -> tuple[str, str]:
    base = write(tmp_path, "base.yaml", ENV_TEMPLATE)
    pools = write(tmp_path, "pools.yaml", """
        version: 1
        region: eu-west-1
        pools:
          a: {template: shop}
          b: {settings: {UserPoolTags: {team: b}}}
    """)
    return base, pools


def test_references_in_a_template_resolve_per_run(env_files: tuple[str, str]) -> None:
    environ = {"COST_CENTER": "cc-77", "MFA_MODE": "OPTIONAL"}
    a, b = load_config(list(env_files), environ=environ).pools
    assert a.settings == {"UserPoolTags": {"cost-center": "cc-77"}}
    assert a.mfa == {"MfaConfiguration": "OPTIONAL",
                     "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    # Secrets of every pool that uses the template, and of no other pool.
    assert a.secrets == {"cc-77", "OPTIONAL"}
    assert b.secrets == frozenset()


def test_validate_needs_no_variables_for_templates(env_files: tuple[str, str]) -> None:
    [a, _] = load_config(list(env_files)).pools
    assert a.mfa is not None and a.mfa["MfaConfiguration"] == "${env:MFA_MODE}"


def test_a_missing_variable_is_named_where_the_template_uses_it(
    env_files: tuple[str, str],
) -> None:
    base, pools = env_files
    # OTHER_OWNER is not set either: no pool of this run uses the template "other".
    assert problems([base, pools], {"MFA_MODE": "OPTIONAL"}) == [
        f"{base}:5:22: templates.shop.settings.UserPoolTags.cost-center:"
        " environment variable COST_CENTER is not set",
    ]


def test_a_bad_substituted_value_from_a_template_is_hidden_and_located(
    env_files: tuple[str, str],
) -> None:
    base, pools = env_files
    assert problems([base, pools], {"COST_CENTER": "cc", "MFA_MODE": "sometimes"}) == [
        f"{base}:7:7: pools.a.mfa.MfaConfiguration: must be one of: OFF, ON, OPTIONAL"
        " (the value comes from ${env:MFA_MODE}) (from template shop)",
    ]


# --- speed ---------------------------------------------------------------------------


def test_two_hundred_pools_with_a_template_validate(tmp_path: FsPath) -> None:
    """Speed is measured in bench/ (tests do not time things)."""
    write(tmp_path, "base.yaml", (FIXTURES / "base" / "shop.yaml").read_text())
    pools = "".join(
        f"  shop-{i}:\n    template: shop\n    domain: {{Domain: shop-{i}}}\n"
        f"    settings: {{UserPoolTags: {{environment: e{i}}}}}\n"
        f"    identity_providers: {{Google: {{ProviderDetails: {{client_id: c{i}}}}}}}\n"
        for i in range(200)
    )
    write(tmp_path, "pools.yaml", "version: 1\nregion: eu-west-1\npools:\n" + pools)
    assert len(load_config([str(tmp_path)]).pools) == 200


# --- the schema ----------------------------------------------------------------------


def test_the_schema_describes_templates() -> None:
    schema_value = schema.load_schema()
    defs = schema_value["$defs"]
    pool, template = defs["poolsync.Pool"]["properties"], defs["poolsync.Template"]["properties"]
    assert set(template) == set(pool) - {"id", "region", "template"}
    assert all(template[key] == pool[key] for key in template)
    assert defs["poolsync.Template"]["additionalProperties"] is False
    templates = schema_value["properties"]["templates"]
    assert templates["additionalProperties"] == {"$ref": "#/$defs/poolsync.Template"}
    assert pool["template"]["$ref"] == templates["propertyNames"]["$ref"]
    assert "templates" not in schema_value["required"]
