"""``poolsync check``: the security posture of the pools, from the files (offline) or
live (``--live``), against rules with stable ids (docs/check.md).

Modules, bottom up:

- ``model``: severities, rules, profiles, findings, suppressions, the report (values).
- ``views``: one pool as the rules read it (``PoolView``), built from the file (every
  unwritten member at Cognito's default), from a live pool, or as a plan would leave
  the live pool; the only module here that imports the kinds' canonical shapes.
- ``rules``: each rule a small named function with its id, origin (Security Hub
  controls, Prowler checks, AWS guidance, or poolsync's own policy), severity,
  rationale and fix; the profiles (``baseline``, ``strict``).
- ``suppress``: a pool's ``check:`` section (rules disabled with a reason and an
  expiry date); imported by validate's rules, so it imports no rule.
- ``run``: the rules over every pool, suppressions applied: one ``Report``.
- ``live``: the configuration ``--live`` reads: the files as validate reads them, only
  a pool's region and id resolved from the environment (the rules read no other value).
- ``formats``: text, JSON, SARIF 2.1.0 and GitHub annotations of a report.
- ``weakens``: the plan's labels for changes that make a rule fail that passes live.

Decisions (docs/check.md says why):

- Offline, an unwritten member is Cognito's default (a new pool's value): on an
  existing pool it keeps its live value, which ``--live`` reads.
- A finding is located at the key that decides it, else at the nearest key the file
  writes above it (the pool's line at worst).
- ``--fail-on`` defaults to ``high``: exit 1 when a high or critical finding remains.
  Config and usage errors exit 1 too (README, "Exit codes": 2 means changes); the
  machine formats then print a document saying the files could not be checked.
- An expired suppression suppresses nothing and is a finding itself (high).
- ``--live``: a pool of the files that does not exist fails the check (exit 1 whatever
  ``--fail-on`` says): it could not be checked, and a nightly job must not pass then.
- Severities are poolsync's: AWS Security Hub rates every Cognito control medium;
  poolsync rates MFA OFF and deletion protection high (one phished password, one
  call losing every user) and a secret written in the file critical.
"""
