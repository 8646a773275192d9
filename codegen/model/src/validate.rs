//! The IR-driven validator: the conformance oracle's view of a request.
//!
//! It reads a request the way the vendor's dialect says (name matching,
//! strings carrying numbers) and checks every rule through
//! [`erpspec_rules`], exactly as the generated validators do; a property test
//! in `generated/` proves the two agree on random input.

use crate::ir::{Endpoint, Field, Rule, Type, Vendor, pointer_escape};
pub use erpspec_rules::WireReport;
use erpspec_rules::{RuleKind, Strength, Violation, coerce_scalar, lookup_field};
use serde_json::{Map, Value};

/// Validates a request body (or the query string's parameters as an object).
pub fn validate_request(vendor: &Vendor, ep: &Endpoint, body: &Value) -> WireReport {
    let mut cx = Cx {
        vendor,
        prefix: format!("{}.{}.", vendor.name, ep.id),
        report: WireReport::default(),
    };
    cx.report.normalized = cx.object(&ep.request, &ep.rules, body, "", "");
    cx.report
}

struct Cx<'a> {
    vendor: &'a Vendor,
    prefix: String,
    report: WireReport,
}

impl Cx<'_> {
    fn type_violation(&mut self, path: &str, rule_path: &str, expected: &str) {
        let id = if rule_path.is_empty() {
            format!("{}type", self.prefix)
        } else {
            format!("{}{rule_path}.type", self.prefix)
        };
        self.report.violations.push(Violation {
            path: path.to_string(),
            rule: id,
            message: format!(
                "{} must be {expected}",
                if rule_path.is_empty() { "the request" } else { rule_path }
            ),
            // As the generated reader's: another JSON type is an implied
            // refusal, except for the request itself.
            strength: if rule_path.is_empty() {
                Strength::Documented
            } else {
                Strength::Implied
            },
        });
    }

    fn broken(&mut self, path: &str, rule: &Rule, field: &str, value: Option<&Value>) {
        let strength = match value.and_then(erpspec_rules::Scalar::of) {
            Some(s) => erpspec_rules::breach_strength(rule.strength, std::iter::once(&rule.kind).chain(&rule.alternatives), &s),
            None => rule.strength,
        };
        self.report.violations.push(Violation {
            path: path.to_string(),
            rule: rule.id.clone(),
            message: rule.violation_message(field),
            strength,
        });
    }

    fn object(&mut self, fields: &[Field], rules: &[Rule], value: &Value, path: &str, rule_path: &str) -> Value {
        let Value::Object(map) = value else {
            self.type_violation(path, rule_path, "a JSON object");
            return Value::Null;
        };
        let names = self.vendor.transport.names;
        let mut out = Map::new();
        let mut present = Vec::new();
        for f in fields {
            let found = lookup_field(map, &f.name, names);
            let value = found.first().map(|(_, v)| *v).filter(|v| !v.is_null());
            let fpath = format!("{path}/{}", pointer_escape(&f.name));
            let frule = if rule_path.is_empty() {
                f.name.clone()
            } else {
                format!("{rule_path}.{}", f.name)
            };
            match value {
                None => {
                    present.push(false);
                    if f.required
                        && let Some(r) = f.rules.iter().find(|r| matches!(r.kind, RuleKind::Required))
                    {
                        self.broken(&fpath, r, &f.name, None);
                    }
                }
                Some(v) => {
                    present.push(true);
                    let nv = self.value(f, &f.ty, v, &fpath, &frule);
                    out.insert(f.name.clone(), nv);
                }
            }
        }
        for k in map.keys() {
            if !fields.iter().any(|f| names.matches(&f.name, k)) {
                self.report.unknown.push(format!("{path}/{}", pointer_escape(k)));
            }
        }
        for r in rules {
            if let RuleKind::AtLeastOneOf { fields: wanted } = &r.kind {
                let any = fields.iter().zip(&present).any(|(f, p)| *p && wanted.contains(&f.name));
                if !any {
                    self.broken(path, r, rule_path, None);
                }
            }
        }
        Value::Object(out)
    }

    fn value(&mut self, f: &Field, ty: &Type, v: &Value, path: &str, rule_path: &str) -> Value {
        match ty {
            Type::Scalar { scalar } => match coerce_scalar(*scalar, v, self.vendor.transport.strings_carry_scalars) {
                Ok(nv) => {
                    for r in &f.rules {
                        if !matches!(r.kind, RuleKind::Required) && !r.holds(&nv) {
                            self.broken(path, r, &f.name, Some(&nv));
                        }
                    }
                    nv
                }
                Err(e) => {
                    self.type_violation(path, rule_path, &format!("a JSON {}", e.expected.json_schema_type()));
                    v.clone()
                }
            },
            Type::Array { items } => {
                let Value::Array(list) = v else {
                    self.type_violation(path, rule_path, "a JSON array");
                    return v.clone();
                };
                for r in &f.rules {
                    if !matches!(r.kind, RuleKind::Required) && !r.holds(v) {
                        self.broken(path, r, &f.name, None);
                    }
                }
                let mut out = Vec::new();
                for (i, item) in list.iter().enumerate() {
                    let item_field = Field {
                        rules: Vec::new(),
                        ..f.clone()
                    };
                    out.push(self.value(&item_field, items, item, &format!("{path}/{i}"), rule_path));
                }
                Value::Array(out)
            }
            Type::Object { fields, rules } => self.object(fields, rules, v, path, rule_path),
        }
    }
}
