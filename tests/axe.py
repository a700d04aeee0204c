"""Check a Playwright page against WCAG 2.1 A and AA with axe-core (npm, tests/browser/).

    from axe import assert_accessible, axe_violations, install_axe
    install_axe(context)             # optional: axe in every page of the context, parsed once
    page.goto(url)
    assert_accessible(page)          # or: violations = axe_violations(page)

axe-core is pinned in tests/browser/package-lock.json; `.ci/run` installs it with
`npm ci --prefix tests/browser`.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (only) => {
  const results = await axe.run(document, {runOnly: only, resultTypes: ['violations']});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}));
}"""


@cache
def axe_source() -> str:
    """The axe-core script, or a failure that says how to install it."""
    if not AXE_JS.is_file():
        raise AssertionError(f"axe-core is missing ({AXE_JS}): run `npm ci --prefix tests/browser` "
                             "(.ci/run does this before pytest).")
    return AXE_JS.read_text(encoding="utf-8")


def install_axe(context) -> None:
    """Load axe-core into every page the context opens (quicker than injecting it page by page)."""
    axe_source()
    context.add_init_script(path=str(AXE_JS))


def axe_violations(page, tags: list[str] = WCAG_21_AA, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; each violation with its id, help and nodes.

    `rules` runs only those rules (ids such as "scrollable-region-focusable") instead of the tags.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # evaluated, not a <script>: the pages' CSP allows no inline script
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": tags}
    return page.evaluate(RUN_AXE, only)


def describe(violations: list[dict]) -> str:
    """One readable block per violation: rule, help, and the elements that break it."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            if node["summary"]:
                lines.extend("        " + line for line in node["summary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page, tags: list[str] = WCAG_21_AA, rules: list[str] | None = None) -> None:
    """Fail with every violation axe-core finds on the page, listed for the reader."""
    violations = axe_violations(page, tags, rules)
    assert not violations, f"{len(violations)} WCAG violations on {page.url}:\n{describe(violations)}"
