//! The classified changes as text (for a terminal), JSON (for scripts) and
//! JUnit (for CI: a breaking change not allowed is a failed test case).

use crate::{Change, Impact};
use std::fmt::Write;

/// What a report needs beside the changes.
pub struct Header<'a> {
    pub old: &'a str,
    pub new: &'a str,
    /// Ids whose breaking changes are accepted (`--allow`).
    pub allow: &'a [String],
}

impl Header<'_> {
    fn allowed(&self, c: &Change) -> bool {
        self.allow.contains(&c.id)
    }
}

const ORDER: [Impact; 4] = [
    Impact::BreaksClientsAndServers,
    Impact::BreaksClients,
    Impact::BreaksServers,
    Impact::Compatible,
];

fn count(changes: &[Change], impact: Impact) -> usize {
    changes.iter().filter(|c| c.impact == impact).count()
}

pub fn text(h: &Header, changes: &[Change]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {}: {} change(s): {} break clients and servers, {} break clients, {} break servers, {} compatible",
        h.old,
        h.new,
        changes.len(),
        count(changes, Impact::BreaksClientsAndServers),
        count(changes, Impact::BreaksClients),
        count(changes, Impact::BreaksServers),
        count(changes, Impact::Compatible),
    );
    for impact in ORDER {
        let group: Vec<&Change> = changes.iter().filter(|c| c.impact == impact).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}:", impact.label());
        for c in group {
            let allowed = if impact.breaking() && h.allowed(c) { " (allowed)" } else { "" };
            let member = if c.member.is_empty() {
                String::new()
            } else {
                format!(" [{}]", c.member)
            };
            let _ = writeln!(out, "  {}{member}: {}{allowed}\n      {}", c.id, c.kind, c.reason);
        }
    }
    out
}

pub fn json(h: &Header, changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|c| c.impact.breaking() && !h.allowed(c)).count();
    let doc = serde_json::json!({
        "old": h.old,
        "new": h.new,
        "breaking_not_allowed": breaking,
        "counts": ORDER.iter().map(|i| (serde_json::to_value(i).unwrap_or_default().as_str().unwrap_or("").to_string(), count(changes, *i).into())).collect::<serde_json::Map<String, serde_json::Value>>(),
        "changes": changes.iter().map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["allowed"] = (c.impact.breaking() && h.allowed(c)).into();
            v
        }).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub fn junit(h: &Header, changes: &[Change]) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let title = format!("erpspec diff {} -> {}", h.old, h.new);
    let mut suite = TestSuite::new(title.clone());
    for c in changes {
        let status = match (c.impact.breaking(), h.allowed(c)) {
            (false, _) => TestCaseStatus::success(),
            (true, true) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(format!("allowed: {}", c.reason));
                s
            }
            (true, false) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(c.reason.clone());
                s.set_type(c.kind);
                s.set_description(format!(
                    "old: {}\nnew: {}",
                    crate::classify::show(c.old.as_ref()),
                    crate::classify::show(c.new.as_ref())
                ));
                s
            }
        };
        let name = match c.member.is_empty() {
            true => format!("{} {}", c.id, c.kind),
            false => format!("{} [{}] {}", c.id, c.member, c.kind),
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(c.impact.label());
        suite.add_test_case(case);
    }
    let mut report = Report::new(title);
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}
