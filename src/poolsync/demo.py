"""``poolsync demo``: the whole product against an embedded local Cognito.

Starts moto's server behind poolsync's stand-in on a free loopback port, then runs the
real commands a user would: validate, apply the examples, a console user's change,
the drift that plan shows, the apply that fixes it, the clean plan after, and a smoke
test that signs a throwaway user up and in. Nothing
touches AWS; nothing is left running.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poolsync.errors import PoolsyncError

if TYPE_CHECKING:
    from poolsync.standin.server import LocalCognito

Echo = Callable[[str], None]
CREDENTIALS = ("demo", "demo")  # the local endpoint accepts any key
DEMO_SECRETS = {"GOOGLE_CLIENT_SECRET": "demo-google-client-secret"}


def find_examples() -> Path:
    """The example pools ship inside the wheel; in a source checkout they are in
    ``examples/pools``. PoolsyncError when neither is there (a broken install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "examples", here.parents[1] / "examples" / "pools"):
        if any(candidate.glob("*.yaml")):
            return candidate
    raise PoolsyncError("the demo's example pools are not installed (neither "
                        f"{here / 'examples'} nor a source checkout's examples/pools): "
                        "reinstall poolsync")


def run_demo(echo: Echo) -> int:
    from poolsync.aws import AwsSession
    from poolsync.cli import run

    serve = local_cognito()
    examples = find_examples()
    shown = display(examples)
    # The examples read their provider secrets from the environment, as real configs do.
    for name, value in DEMO_SECRETS.items():
        os.environ.setdefault(name, value)
    failures: list[str] = []
    with serve() as local:
        session = AwsSession(endpoint_url=local.endpoint_url, credentials=CREDENTIALS)

        def step(title: str, explain: str, args: Sequence[str], expect: int) -> None:
            echo(f"\n━━ {title}")
            echo(f"   {explain}")
            echo(f"   $ poolsync {' '.join(args)}\n")
            code = run(list(args), session_factory=lambda profile: session)
            echo(f"   (exit code {code})")
            if code != expect:
                failures.append(f"{title}: exit {code}, expected {expect}")

        echo("poolsync demo: user pools as code, against a local Cognito (moto behind "
             "poolsync's stand-in) at " + local.endpoint_url + ". No AWS account is used.")
        step("1. Validate", "Offline checks: schema (from botocore's model) and Cognito's "
             "rules. No AWS call.", ["validate", shown], 0)
        step("2. Apply", "Read the live pools, plan, create what is missing (MFA off "
             "first, then SetUserPoolMfaConfig), read back and plan again to prove it "
             "converged.", ["apply", shown, "--yes"], 0)
        client = local.client()
        change = console_change(client)
        echo(f"\n━━ 3. Someone changes a pool in the console\n   {change}")
        step("4. Drift", "plan shows what changed out of band (exit 2: changes pending). "
             "The trigger is not listed: the file does not manage LambdaConfig.",
             ["plan", shown, "--detailed-exitcode"], 2)
        step("5. Fix", "apply restores the file's settings with one full UpdateUserPool, "
             "and the threat protection actions with one SetRiskConfiguration; settings "
             "the file does not mention are carried over untouched.",
             ["apply", shown, "--yes"], 0)
        step("6. Clean", "Nothing left to change (exit 0).",
             ["plan", shown, "--detailed-exitcode"], 0)
        kept = trigger_of(client)
        echo(f"\n━━ 7. Nothing lost\n   The console user's PreSignUp trigger is still "
             f"there: {kept}")
        if kept != TRIGGER:
            failures.append("the unmanaged trigger did not survive")
        step("8. Smoke", "A throwaway user signs up through the storefront's web client, "
             "signs in with SRP, its tokens are checked against the pool's JWKS, and it is "
             "deleted. The hosted UI and the OpenID discovery document are AWS's to serve: "
             "skipped here.", ["smoke", shown, "--pool", SMOKED], 0)
    if failures:
        echo("\nThe demo did not go as expected:\n  " + "\n  ".join(failures))
        return 1
    echo(closing_hint(shown))
    return 0


def closing_hint(examples: str) -> str:
    """What to do next, valid wherever poolsync is installed: ``examples`` is where the
    example pools are on this install (inside the package when installed from a wheel,
    which has no examples/pools/)."""
    return ("\nDone. The local Cognito is stopped. Next: write your own pools in YAML, "
            f"starting from the examples in {shlex.quote(examples)} (`poolsync schema` "
            "prints the format's JSON Schema), and run `poolsync plan` against AWS.")


def local_cognito() -> type[LocalCognito]:
    """The stand-in's LocalCognito class. PoolsyncError when the demo extra (moto's
    server, which the stand-in runs) is not installed: the product itself does not
    need it, so ``pip install poolsync`` leaves it out."""
    try:
        from poolsync.standin import LocalCognito
    except ImportError as exc:
        missing = exc.name or "a module"
        raise PoolsyncError(
            f"poolsync demo needs the demo extra, which is not installed ({missing} "
            "cannot be imported): pip install 'poolsync[demo]' (in a clone: "
            "pip install -e '.[demo]')") from exc
    return LocalCognito


TRIGGER = "arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up"
# The example pool the demo smoke-tests: the one with an app client users sign in with.
SMOKED = "storefront-demo"


def display(path: Path) -> str:
    """The examples path as the user would type it (relative when below the cwd)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _pool_id(client: Any, name: str) -> str:
    pools = client.list_user_pools(MaxResults=60)["UserPools"]
    return str(next(p["Id"] for p in pools if p["Name"] == name))


def trigger_of(client: Any) -> str | None:
    live = client.describe_user_pool(UserPoolId=_pool_id(client, "customers-demo"))["UserPool"]
    trigger: str | None = live.get("LambdaConfig", {}).get("PreSignUp")
    return trigger


def console_change(client: Any) -> str:
    """What the console does on "Edit password policy": read the pool, change one field,
    and send the whole configuration back with UpdateUserPool."""
    pool_id = _pool_id(client, "customers-demo")
    live = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    members = client.meta.service_model.operation_model("UpdateUserPool").input_shape.members
    request = {k: v for k, v in live.items() if k in members and k != "MfaConfiguration"}
    request["AdminCreateUserConfig"].pop("UnusedAccountValidityDays", None)
    request["Policies"]["PasswordPolicy"]["MinimumLength"] = 8
    request["UserPoolTags"] = {**request.get("UserPoolTags", {}), "owner": "console-user"}
    request["LambdaConfig"] = {**request.get("LambdaConfig", {}), "PreSignUp": TRIGGER}
    client.update_user_pool(UserPoolId=pool_id, **request)
    # Threat protection: the console's "Edit" sends the whole configuration back too.
    storefront = _pool_id(client, "storefront-demo")
    risk = client.describe_risk_configuration(UserPoolId=storefront)["RiskConfiguration"]
    compromised = risk["CompromisedCredentialsRiskConfiguration"]
    compromised["Actions"] = {"EventAction": "NO_ACTION"}
    client.set_risk_configuration(
        UserPoolId=storefront, CompromisedCredentialsRiskConfiguration=compromised,
        **{k: v for k, v in risk.items() if k in ("AccountTakeoverRiskConfiguration",
                                                  "RiskExceptionConfiguration")})
    return ("customers-demo: the password minimum length goes from 12 down to 8, a tag "
            "owner=console-user is added, and a PreSignUp Lambda trigger is attached; "
            "storefront-demo: threat protection stops blocking sign-ins with compromised "
            "credentials (NO_ACTION).")
