"""axe-core (vendored under vendor/axe-core/) run in a Playwright page.

The script is evaluated through the DevTools protocol rather than added as a
`<script>` tag: the app's Content Security Policy (`script-src 'self'`)
blocks an inline script tag, which would both keep axe out and report a CSP
violation that is the test's own doing. An evaluated script is not subject
to the page's CSP, so the page keeps its real policy and the CSP check of
the same load stays meaningful.
"""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# WCAG 2.2 AA, as axe tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")

_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html.slice(0, 160),
      summary: (node.failureSummary || "").split("\\n").slice(0, 3).join(" "),
    })),
  }));
}"""


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """The WCAG 2.2 AA violations axe finds in `page` of the given impacts."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A trailing expression so that evaluate returns something serialisable.
        page.evaluate(AXE_SOURCE + "\n;true")
    return [violation for violation in page.evaluate(_RUN, WCAG_TAGS) if violation["impact"] in impacts]


def describe(violations: list[dict]) -> list[str]:
    """One line per (rule, element), short enough to read in a failure."""
    return [
        f"{violation['impact']} {violation['id']} at {node['target']}: {node['summary'] or violation['help']}"
        for violation in violations
        for node in violation["nodes"][:5]
    ]
