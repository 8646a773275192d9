//! Step 6 for a query: the records matching the request's criteria.

use super::operate::Op;
use super::{Engine, Request, Response, Step};
use crate::faults::Fault;
use crate::qbe;
use crate::store::Tx;
use crate::util::{self, record_of};
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Beside, Criteria, Endpoint, Payload, Resource};
use serde_json::{Map, Value};

/// What one criterion asks of a record's value.
enum Test {
    Equals(Value),
    Qbe(qbe::Criterion),
}

impl Engine {
    /// The records matching the request's criteria: each criterion equals the
    /// record's value, or, with `criteria: qbe`, matches it under Query By
    /// Example notation (see [`crate::qbe`]). A value the record lacks reads
    /// as `""`.
    pub(super) fn query(&self, op: &Op<'_, '_>) -> Step<Response> {
        let Op {
            tx,
            req,
            ep,
            resource: r,
            member,
            normalized,
            ..
        } = *op;
        let tests = self.criteria(req, ep, member, normalized)?;
        // The criteria the index answers narrow the records read; each
        // record read is still tested against every criterion.
        let clauses: Vec<_> = tests
            .iter()
            .filter_map(|(k, test)| match test {
                Test::Equals(want) => self.index.criterion_equals(&r.name, k, want),
                Test::Qbe(c) => self.index.criterion_qbe(&r.name, k, c),
            })
            .collect();
        let empty = Value::String(String::new());
        let mut out = Vec::new();
        for row in tx.select(&self.v.name, &r.name, &clauses)? {
            let rec = record_of(&row.doc, member);
            let hit = tests.iter().all(|(k, test)| {
                let have = rec.get(k).filter(|v| !v.is_null()).unwrap_or(&empty);
                match test {
                    Test::Equals(want) => have == want,
                    Test::Qbe(c) => c.matches(&util::text(have)),
                }
            });
            if hit {
                let mut record = self.record_view(tx, ep, r, member, &row.doc)?;
                self.leave_out_unless_included(ep, normalized, &mut record);
                out.push(record);
            }
        }
        if out.is_empty() && ep.operation.on_empty.is_some() {
            let served = self.served(Some(ep), Situation::Empty);
            return self.refused(served, &format!("No {} record matches.", r.name), req);
        }
        let payload = self.list_payload(tx, ep, r, out)?;
        Ok(self.success(ep, payload))
    }

    /// The request's criteria, each with its test; a QBE criterion that
    /// does not parse refuses the request.
    fn criteria(&self, req: &Request, ep: &Endpoint, member: Option<&str>, normalized: &Map<String, Value>) -> Step<Vec<(String, Test)>> {
        let doc = self.build_doc(ep, member, normalized);
        let criteria = record_of(&doc, member).as_object().cloned().unwrap_or_default();
        let mut tests = Vec::new();
        for (k, want) in criteria {
            let test = match (ep.operation.criteria, want) {
                (Criteria::Equality, want) => Test::Equals(want),
                (Criteria::Qbe, Value::String(s)) => match qbe::Criterion::parse(&s) {
                    Ok(c) => Test::Qbe(c),
                    Err(why) => {
                        let served = self.served(Some(ep), Situation::RuleBroken(None));
                        return self.refused(served, &format!("{k}: {why}."), req);
                    }
                },
                (Criteria::Qbe, other) => Test::Qbe(qbe::Criterion::Eq(util::text(&other))),
            };
            tests.push((k, test));
        }
        Ok(tests)
    }

    /// The records found, as the payload lists them: bare, or wrapped with
    /// the members beside the list (`response.beside`).
    fn list_payload(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, out: Vec<Value>) -> Step<Value> {
        let Payload::Wrapped { member: list } = &ep.response.payload else {
            return Ok(Value::Array(out));
        };
        let mut wrapped = Map::new();
        for (name, beside) in &ep.response.beside {
            if self.faults.has(&Fault::BesideMissing(ep.id.clone(), name.clone())) {
                continue;
            }
            let value = match beside {
                Beside::Count => Value::from(out.len()),
                Beside::LastModified => {
                    let at = tx.meta(&self.v.name, &format!("modified:{}", r.name))?;
                    Value::from(at.and_then(|t| t.parse::<i64>().ok()).unwrap_or(0))
                }
            };
            wrapped.insert(name.clone(), value);
        }
        wrapped.insert(list.clone(), Value::Array(out));
        Ok(Value::Object(wrapped))
    }
}
