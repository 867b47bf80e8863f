"""The PR comment and the drift issue as GitHub renders them (issue 11, point 6).

Each kind of comment is made through the CLI against the stand-in (``plan -o
markdown``, ``drift -o markdown``), rendered with cmark-gfm (GitHub's own fork of cmark,
through the ``cmarkgfm`` binding, with GitHub's extensions), and read back as HTML: no
markup may leak as text (a ``</details>`` or a ``---`` shown as a paragraph), every
``<details>`` is an element with its ``<summary>``, and the footer offers an apply
command only when there is something that apply would do.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from poolsync.aws import AwsSession
from poolsync.drift import drift_report
from poolsync.markdown import GITHUB_LIMIT, render_drift_markdown, render_markdown
from poolsync.model import Plan, PoolConfig
from poolsync.plan import plan_pool
from tests.conftest import REGION
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli
from tests.test_planfile import sample_plan

# --- rendering and reading back -------------------------------------------------------


@dataclass
class Text:
    text: str
    ancestors: tuple[str, ...]


@dataclass
class Element:
    tag: str
    children: list[Element | Text] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c.text if isinstance(c, Text) else c.text() for c in self.children)

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def all(self, tag: str) -> list[Element]:
        found = []
        for child in self.elements():
            if child.tag == tag:
                found.append(child)
            found += child.all(tag)
        return found


_VOID = {"br", "hr", "img", "input", "meta", "link"}


class _Reader(HTMLParser):
    """The rendered HTML as a tree of elements and text with its ancestors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]
        self.texts: list[Text] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag)
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in _VOID, f"<{tag} /> is not a void element"
        self.stack[-1].children.append(Element(tag))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in _VOID
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        text = Text(data, tuple(e.tag for e in self.stack[1:]))
        self.stack[-1].children.append(text)
        self.texts.append(text)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@dataclass
class Rendered:
    markdown: str
    html: str
    root: Element
    texts: list[Text]
    comments: list[str]

    def shown(self) -> str:
        """What a reader sees, as one string (HTML comments are not shown)."""
        return self.root.text()

    def paragraphs(self) -> list[str]:
        return [p.text().strip() for p in self.root.all("p")]


def render(markdown: str) -> Rendered:
    """cmark-gfm as GitHub runs it on comments: GitHub's extensions (tables, strike-
    through, autolinks, the tag filter), raw HTML kept (GitHub then sanitizes it, and
    keeps details, summary and code)."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.stack == [reader.root], "unclosed elements"
    return Rendered(markdown, html, reader.root, reader.texts, reader.comments)


# Markup that must never reach a reader as text.
_LEAKS = re.compile(r"</?(details|summary|code)\b|<!--|-->|^\s*-{3,}\s*$|\|---\|",
                    re.MULTILINE)


def check_well_formed(page: Rendered) -> None:
    """Nothing leaks as text; every details has a summary first; blocks are where they
    belong (a table is a table, the hidden lines are comments)."""
    for text in page.texts:
        assert not _LEAKS.search(text.text), f"markup shown as text: {text.text!r}\n{page.html}"
    for paragraph in page.paragraphs():
        assert not paragraph.startswith("---"), page.html
    details = page.root.all("details")
    assert details == [d for d in page.root.elements() if d.tag == "details"], \
        "a <details> nested in another block: an HTML block swallowed the markdown after it"
    for element in details:
        first = element.elements()[0]
        assert first.tag == "summary" and first.text().strip(), page.html
        # The diff is a code block inside the details, never loose text.
        assert [e.tag for e in element.elements()[1:]] in (["pre"], ["p"]), page.html
    assert page.markdown.count("<details>") == len(details)
    # The hidden lines (marker, checksum) stay comments.
    hidden = page.markdown.count("<!--")
    assert len(page.comments) == hidden, page.html
    if "| Object |" in page.markdown or "| State |" in page.markdown:
        assert page.root.all("table"), page.html
    headings = page.root.all("h2")
    assert len(headings) == 1 and headings[0].text().startswith("poolsync "), page.html


def apply_commands(page: Rendered) -> list[str]:
    return [c.text() for c in page.root.all("code") if c.text().startswith("poolsync apply")]


# --- plans through the CLI ------------------------------------------------------------


def _pool(body: str, name: str = "app") -> str:
    return (f"version: 1\npools:\n  {name}:\n    region: {REGION}\n"
            + "".join(f"    {line}\n" for line in body.strip("\n").splitlines()))


BASE = _pool("""
settings:
  Policies: {PasswordPolicy: {MinimumLength: 10}}
groups:
  admins: {Description: Admins}
  support: {Description: Support}
""")


def _markdown(session: AwsSession, capsys: pytest.CaptureFixture[str], command: str,
              path: str, code: int, *extra: str) -> Rendered:
    capsys.readouterr()
    assert _cli(session, command, path, "--output", "markdown", "--marker", "prod",
                *(["--detailed-exitcode"] if command == "plan" else []), *extra) == code
    page = render(capsys.readouterr().out)
    check_well_formed(page)
    return page


def test_a_plan_with_changes_offers_the_exact_apply_command(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BASE)
    page = _markdown(session, capsys, "plan", path, 2)
    assert page.root.all("h2")[0].text() == "poolsync plan: prod: 3 changes"
    assert page.root.all("hr"), "the footer's rule renders as a rule"
    assert "Plan: 3 to create, 0 to update, 0 to replace, 0 to delete." in page.paragraphs()
    (command,) = apply_commands(page)
    assert re.fullmatch(rf"poolsync apply {re.escape(path)} --checksum sha256:[0-9a-f]{{64}} "
                        r"--yes", command)
    assert len(page.root.all("details")) == 3
    # The footer is outside every details: readable without opening one.
    for text in page.texts:
        if text.text.startswith(("Plan:", "Apply exactly")):
            assert "details" not in text.ancestors


def test_the_apply_command_repeats_the_options_that_chose_the_pools(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """--pool, --prune, --profile and --region make another plan: the command the
    comment offers carries them, or apply would refuse the checksum (or read elsewhere)."""
    path = write(BASE)
    page = _markdown(session, capsys, "plan", path, 2, "--prune", "--pool", "a*",
                     "--region", REGION)
    (command,) = apply_commands(page)
    assert re.fullmatch(rf"poolsync apply {re.escape(path)} --pool 'a\*' --prune --region "
                        rf"{REGION} --checksum sha256:[0-9a-f]{{64}} --yes", command)
    capsys.readouterr()
    assert _cli(session, *shlex.split(command)[1:]) == 0  # it applies, as printed


def test_a_plan_without_changes_says_so_once_and_offers_no_apply(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BASE)
    assert _cli(session, "apply", path, "--yes") == 0
    page = _markdown(session, capsys, "plan", path, 0)
    assert page.root.all("h2")[0].text() == "poolsync plan: prod: No changes"
    shown = page.shown()
    assert shown.lower().count("no changes") == 1, shown
    assert shown.count("match the configuration") == 1, shown
    assert "poolsync apply" not in shown and "Checksum" not in shown
    assert not page.root.all("hr") and not page.root.all("details")
    # Still pinned, invisibly: apply after the merge finds nothing to do.
    assert [c.strip().split(": ")[0] for c in page.comments] == ["poolsync plan",
                                                                 "poolsync checksum"]


def test_unmanaged_objects_alone_are_no_changes_and_offer_no_apply(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(BASE), "--yes") == 0
    path = write(BASE.replace("  support: {Description: Support}\n", ""), "fewer.yaml")
    page = _markdown(session, capsys, "plan", path, 2)
    assert page.root.all("h2")[0].text() == "poolsync plan: prod: No changes; 1 unmanaged object"
    shown = page.shown()
    assert shown.lower().count("no changes") == 1, shown
    assert "poolsync apply" not in shown
    (row,) = page.root.all("tbody")[0].all("tr")
    assert "app/groups/support" in row.text() and "unmanaged" in row.text()
    assert "app/groups/support is not in the configuration" in shown
    assert [d.all("summary")[0].text() for d in page.root.all("details")] == [
        "app/groups/support: unmanaged"]


def test_a_blocked_plan_offers_no_apply_command(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Managed login (ManagedLoginVersion 2) needs ESSENTIALS: lowering the tier to LITE
    cannot be applied (test_issue9_examples, C)."""
    assert _cli(session, "apply", write(_pool("""
settings: {UserPoolTier: ESSENTIALS, Policies: {PasswordPolicy: {MinimumLength: 10}}}
domain: {Domain: render-login, ManagedLoginVersion: 2}
""")), "--yes") == 0
    path = write(_pool("settings: {UserPoolTier: LITE, Policies: {PasswordPolicy: "
                       "{MinimumLength: 12}}}"), "lite.yaml")
    page = _markdown(session, capsys, "plan", path, 3)
    assert page.root.all("h2")[0].text() == "poolsync plan: prod: Blocked: a change cannot be applied"
    shown = page.shown()
    assert "poolsync apply" not in shown and "Checksum" not in shown
    assert "checksum" not in " ".join(page.comments)
    assert any(p.startswith("Nothing can be applied") for p in page.paragraphs())
    assert "app cannot be applied" in shown


def test_a_replacement_offers_the_apply_command_with_its_consent(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(BASE), "--yes") == 0
    path = write(BASE.replace("    settings:\n", "    settings:\n      UsernameAttributes: [email]\n"),
                 "email.yaml")
    # Not allowed: apply would refuse the plan (exit 3), so the comment offers only the
    # override, no checksum to apply it by.
    page = _markdown(session, capsys, "plan", path, 3)
    assert page.root.all("h2")[0].text() == "poolsync plan: prod: Replacement needed"
    (override,) = apply_commands(page)
    assert override == f"poolsync apply {path} --allow-replace app"
    assert "checksum" not in page.root.text().lower()
    # Allowed when planned: the pinned command carries the consent.
    page = _markdown(session, capsys, "plan", path, 2, "--allow-replace", "app")
    (pinned,) = apply_commands(page)
    assert re.fullmatch(rf"poolsync apply {re.escape(path)} --allow-replace app --checksum "
                        r"sha256:[0-9a-f]{64} --yes", pinned)
    assert "Allowed by --allow-replace app" in page.root.text()
    replaced = [d for d in page.root.all("details")
                if d.all("summary")[0].text() == "app: replace"]
    assert replaced and "(forces replacement)" in replaced[0].all("pre")[0].text()


# --- drift through the CLI ------------------------------------------------------------


def test_drift_with_changes_renders(session: AwsSession, write: Any,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BASE)
    assert _cli(session, "apply", path, "--yes") == 0
    cognito = _cognito(session)._boto()
    (pool,) = cognito.list_user_pools(MaxResults=60)["UserPools"]
    cognito.update_user_pool(UserPoolId=pool["Id"],
                             Policies={"PasswordPolicy": {"MinimumLength": 6}})
    cognito.create_group(UserPoolId=pool["Id"], GroupName="console")
    page = _markdown(session, capsys, "drift", path, 2)
    assert page.root.all("h2")[0].text() == "poolsync drift: prod: 2 object(s) drifted"
    (details,) = page.root.all("details")
    assert details.all("summary")[0].text() == "app: MODIFIED"
    assert "MinimumLength: expected 10, live 6" in details.all("pre")[0].text()
    items = [li.text() for li in page.root.all("li")]
    assert items[0].startswith("Revert (make the pools match the files): poolsync apply ")
    assert any(i.startswith("Accept (bring the live settings into the files): ") for i in items)
    assert page.paragraphs()[-1] == "1 modified, 0 missing, 1 unmanaged, 2 in sync."


def test_drift_in_sync_renders(session: AwsSession, write: Any,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BASE)
    assert _cli(session, "apply", path, "--yes") == 0
    page = _markdown(session, capsys, "drift", path, 0)
    assert page.root.all("h2")[0].text() == "poolsync drift: prod: in sync"
    assert page.paragraphs() == ["0 modified, 0 missing, 0 unmanaged, 3 in sync."]
    assert "poolsync apply" not in page.shown()


# --- every case of the sample plan, and a plan too large for its diffs ----------------


def test_the_sample_plan_renders() -> None:
    """Create, update, sensitive, unmanaged, replacement: the golden plan-gitops.md."""
    page = render(render_markdown(sample_plan(), "prod", "environments/prod"))
    check_well_formed(page)
    assert len(page.root.all("details")) == 7 and page.root.all("hr")
    report = drift_report(sample_plan(), "environments/prod")
    check_well_formed(render(render_drift_markdown(report, "prod")))


def test_a_comment_cut_to_fit_still_renders() -> None:
    pools = [plan_pool(PoolConfig(f"pool-{n:03d}", REGION, {
        "UserPoolTags": {f"k{i}": "v" * 60 for i in range(8)}}), None) for n in range(200)]
    text = render_markdown(Plan(tuple(pools)), "prod", "environments/prod")
    assert len(text) <= GITHUB_LIMIT and "Diff left out" in text
    page = render(text)
    check_well_formed(page)
    assert page.root.all("hr") and apply_commands(page)
