//! What a CI page shows: the Markdown report (`--report markdown=PATH`,
//! suited to GitHub's job summary) and, when `GITHUB_ACTIONS` is set, one
//! annotation per failure and warning.

use crate::report::{Tally, failure_text};
use crate::run::{Run, Verdict};
use crate::score::Scores;
use crate::target::Target;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The most annotations of each kind printed (GitHub shows a few per step).
const MOST_ANNOTATIONS: usize = 50;

/// A Markdown cell: no line breaks, pipes escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn markdown(t: &Target, run: &Run, scores: &Scores, seed: u64) -> String {
    let tally = Tally::of(&run.outcomes);
    let mut md = String::new();
    let verdict = if tally.failed == 0 { "passes" } else { "fails" };
    let _ = writeln!(md, "## {} at `{}` {verdict}\n", t.vendor.title, t.base.url(""));
    let _ = writeln!(
        md,
        "**Conformance score: {:.1}%** ({} of {} documented rules with every check passing). {} passed, {} failed, {} warned, {} expected failures, {} skipped; seed {seed}.\n",
        scores.vendor.percent(),
        scores.vendor.passing,
        scores.vendor.rules,
        tally.passed,
        tally.failed,
        tally.warned,
        tally.expected_failures,
        tally.skipped
    );
    let mut by_endpoint: BTreeMap<String, Tally> = BTreeMap::new();
    for o in &run.outcomes {
        by_endpoint
            .entry(o.check.endpoint.clone().unwrap_or_else(|| "(transport)".into()))
            .or_default()
            .add(o.verdict);
    }
    md.push_str("| endpoint | score | passed | failed | warned | skipped |\n| --- | --- | --- | --- | --- | --- |\n");
    for (ep, n) in &by_endpoint {
        let score = scores
            .endpoints
            .get(ep)
            .map(|s| format!("{:.0}% ({}/{})", s.percent(), s.passing, s.rules))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            md,
            "| `{ep}` | {score} | {} | {} | {} | {} |",
            n.passed, n.failed, n.warned, n.skipped
        );
    }
    let failures: Vec<_> = run.outcomes.iter().filter(|o| o.verdict == Verdict::Failed).collect();
    if !failures.is_empty() {
        let _ = writeln!(md, "\n### Failures\n");
        for o in failures {
            let _ = writeln!(
                md,
                "<details><summary><code>{}</code>: {}</summary>\n\n```text\n{}\n```\n</details>\n",
                o.check.id,
                cell(&t.redact(o.reason.as_deref().unwrap_or_default())),
                failure_text(t, o).replace("```", "'''")
            );
        }
    }
    let warned = run.outcomes.iter().filter(|o| o.verdict == Verdict::Warned).count();
    if warned > 0 {
        let _ = writeln!(
            md,
            "\n{warned} warnings (site values or the schemas' inferences, never failures): see the text or JSON report."
        );
    }
    if !scores.unexercised.is_empty() {
        let _ = writeln!(
            md,
            "\n<details><summary>{} documented rules no check exercised</summary>\n\n{}\n</details>",
            scores.unexercised.len(),
            scores.unexercised.iter().map(|r| format!("- `{r}`")).collect::<Vec<_>>().join("\n")
        );
    }
    md
}

/// GitHub's workflow commands for the failures and warnings, one line each.
pub fn github_annotations(t: &Target, run: &Run) -> String {
    let mut out = String::new();
    for (verdict, command) in [(Verdict::Failed, "error"), (Verdict::Warned, "warning")] {
        for o in run.outcomes.iter().filter(|o| o.verdict == verdict).take(MOST_ANNOTATIONS) {
            let reason = t.redact(o.reason.as_deref().unwrap_or_default());
            let _ = writeln!(
                out,
                "::{command} title={}::{} ({}): {}",
                escape_property(&o.check.id),
                escape_data(&o.check.what),
                o.check.rule,
                escape_data(&reason)
            );
        }
    }
    out
}

/// Workflow command data: `%`, CR and LF escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow command property: also `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
