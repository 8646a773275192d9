//! Subjects while planning: a record of each resource that exists on the
//! server when the checks run, for requests to name. A record a fixture
//! names is known before any request; a record setup will make is not, so
//! a request naming it carries a placeholder value (valid where the record's
//! value is) and its step a [`Fill`] from [`Source::Subject`], which the
//! executor resolves from the record setup made.

use super::*;
use erpspec_model::ir::{AssignedHow, Field, OperationKind};
use erpspec_rules::{Format, RuleKind, ScalarType};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// One reference to a subject record's value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SubjectRef {
    resource: String,
    record_path: Vec<String>,
    /// What the member holds without the record (JSON text; `None`: left out).
    otherwise: Option<String>,
}

/// The subjects a plan names: fixture records, the resources setup makes a
/// record of, and every placeholder handed out.
#[derive(Debug, Default)]
pub(crate) struct SubjectRefs {
    /// Records named by fixtures, by resource.
    fixtures: BTreeMap<String, Value>,
    /// Resources setup makes a record of: those with a create, and the
    /// children such a create makes from its lists.
    made: BTreeSet<String>,
    /// Placeholder (as JSON text) -> the reference it stands for.
    by_value: BTreeMap<String, SubjectRef>,
    by_ref: BTreeMap<SubjectRef, Value>,
}

impl SubjectRefs {
    pub(crate) fn new(t: &Target) -> SubjectRefs {
        let v = &t.vendor;
        let creates = |r: &str| {
            v.endpoints
                .iter()
                .any(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(r))
        };
        let mut out = SubjectRefs::default();
        for r in &v.resources {
            if !creates(&r.name)
                && let [k] = r.key.as_slice()
                && let Some(value) = t.fixtures.get(k)
            {
                out.fixtures.insert(r.name.clone(), json!({ k.clone(): value }));
            }
            if creates(&r.name) {
                out.made.insert(r.name.clone());
                out.made.extend(r.includes.iter().map(|i| i.resource.clone()));
            }
        }
        out
    }
}

impl Planner<'_> {
    /// The subject record's value for a record path, for the request field
    /// `f`: a fixture's value, or a placeholder for the value of the record
    /// setup makes (`otherwise`: what the request holds there without it).
    /// `None` where no record of the resource exists.
    pub(crate) fn subject_value(&mut self, f: &Field, resource: &str, path: &[String], otherwise: Option<&Value>) -> Option<Value> {
        if let Some(rec) = self.subjects.fixtures.get(resource) {
            return crate::values::record_value(self.v(), resource, rec, path);
        }
        if !self.subjects.made.contains(resource) {
            return None;
        }
        let key = SubjectRef {
            resource: resource.to_string(),
            record_path: path.to_vec(),
            otherwise: otherwise.map(Value::to_string),
        };
        if let Some(value) = self.subjects.by_ref.get(&key) {
            return Some(value.clone());
        }
        let value = self.placeholder(f, resource, path, self.subjects.by_ref.len() + 1);
        self.subjects.by_value.insert(value.to_string(), key.clone());
        self.subjects.by_ref.insert(key, value.clone());
        Some(value)
    }

    /// The `n`th placeholder: of the form the record's value takes (digits
    /// of a padded sequence's or the field's width, an integer, text), so
    /// the validators read the request as they read it with the real value,
    /// and unlike any value the run sends otherwise.
    fn placeholder(&self, f: &Field, resource: &str, path: &[String], n: usize) -> Value {
        let field = path.join(".");
        let assigned = self
            .v()
            .resource(resource)
            .and_then(|r| r.assigned.iter().find(|a| a.field == field))
            .map(|a| a.how.clone());
        let width = f.rules.iter().find_map(|r| match &r.kind {
            RuleKind::Format {
                format: Format::Digits { count },
            } => Some(*count as usize),
            _ => None,
        });
        let digits = |w: usize| json!(format!("5{n:0>width$}", width = w.saturating_sub(1)));
        match (assigned, width, f.ty.scalar()) {
            (Some(AssignedHow::PaddedSequence { width }), _, _) => digits(width as usize),
            (_, Some(w), _) => digits(w),
            (_, _, Some(ScalarType::Integer | ScalarType::Number)) | (Some(AssignedHow::IntegerSequence), _, _) => {
                json!(1_800_000_000 + n as i64)
            }
            _ => json!(format!("ERPSPECSUBJECT{n:02}")),
        }
    }

    /// Gives each step a [`Source::Subject`] fill for every placeholder in
    /// its body or its assertions, before its other fills (a member an
    /// earlier step's record fills is that record's, not the subject's).
    pub(crate) fn attach_subject_fills(&self, step: &mut Step) {
        let mut fills = Vec::new();
        if let Call::Json { body, .. } | Call::Query { params: body, .. } = &step.call {
            let mut leaves = Vec::new();
            stateful::flatten(body, &mut Vec::new(), &mut leaves);
            for (path, value) in leaves {
                let taken = step.fills.iter().any(|f| f.body_path() == Some(path.as_slice()));
                if let Some(r) = self.subjects.by_value.get(&value.to_string())
                    && !taken
                {
                    fills.push(subject_fill(r, Slot::Body { into: path }));
                }
            }
        }
        let asserts = match &step.expect {
            Expect::Success { asserts } | Expect::Readings { asserts, .. } => asserts.as_slice(),
            Expect::Refusal { .. } => &[],
        };
        for (i, a) in asserts.iter().enumerate() {
            if let Some(r) = self.subjects.by_value.get(&a.value.to_string()) {
                fills.push(subject_fill(r, Slot::Assert { into_assert: i }));
            }
        }
        fills.append(&mut step.fills);
        step.fills = fills;
    }
}

fn subject_fill(r: &SubjectRef, into: Slot) -> Fill {
    Fill {
        from: Source::Subject {
            subject: r.resource.clone(),
            otherwise: r.otherwise.as_deref().and_then(|t| serde_json::from_str(t).ok()),
        },
        record_path: r.record_path.clone(),
        into,
    }
}
