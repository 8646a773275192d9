//! Checks of a read's documented lookups beyond the one the base request
//! uses: each other way of naming the record finds it (ManEx Get's
//! `CustNumOrName` by name), and where several lookups are given the first
//! present wins (RPM Customer: "CustomerID ... if present, Customer is
//! ignored").

use super::*;
use build::{Built, identity_from};
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Lookup, OperationKind};
use serde_json::json;

impl Planner<'_> {
    pub(crate) fn lookup_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let op = &ep.operation;
        if op.kind != OperationKind::Read {
            return Vec::new();
        }
        let Some(creator) = op.resource.as_deref().and_then(|r| self.creator(r)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, lookup) in op.lookup.iter().enumerate() {
            for (j, matched) in lookup.matches.iter().enumerate() {
                // The base request's own way is every other check's.
                if (i, j) != (0, 0) {
                    out.extend(self.lookup_by(ep, creator, lookup, matched));
                }
            }
        }
        out.extend(self.lookup_precedence(ep, creator));
        out
    }

    /// A create's request with the member storing the record field
    /// `matched` set to text fresh to the run (other records may share the
    /// example's), and that text; `None` where no text member stores it, or
    /// the fresh text breaks a rule.
    fn created_with_fresh(&mut self, creator: &Endpoint, matched: &str) -> Option<(Built, Value)> {
        let mut built = self.base(creator);
        let member: Vec<String> = creator.operation.record_member.iter().cloned().collect();
        let record = match member.first() {
            Some(m) => built.body.get_mut(m)?,
            None => &mut built.body,
        };
        let key = record
            .as_object()?
            .iter()
            .find(|(k, v)| v.is_string() && self.record_name(creator, k) == matched)
            .map(|(k, _)| k.clone())?;
        let fresh = json!(self.uniq.text());
        record[&key] = fresh.clone();
        self.readings_reports(creator, &built.body).is_clean().then_some((built, fresh))
    }

    /// A record made by the run is found by `lookup` naming its `matched`.
    fn lookup_by(&mut self, ep: &Endpoint, creator: &'_ Endpoint, lookup: &Lookup, matched: &str) -> Option<Check> {
        let v = self.v();
        let (created, value) = self.created_with_fresh(creator, matched)?;
        let asserts = stateful::read_back_asserts(self, creator, ep, &created.body, None);
        let read = self.step(
            ep,
            json!({ lookup.field.clone(): value }),
            Presenting::Valid,
            Expect::Success { asserts },
        );
        let check = Check::of(
            v,
            ep,
            &format!("stateful.lookup.{}.{matched}", lookup.field),
            Family::Stateful,
            CheckId::endpoint(v, ep, EndpointPart::Lookup),
            format!("a record is found by {} naming its {matched}", lookup.field),
            vec![self.step(creator, created.body, Presenting::Valid, success()), read],
        );
        Some(check)
    }

    /// Two records; a read naming the first by the first lookup and the
    /// second by a later one finds the first.
    fn lookup_precedence(&mut self, ep: &Endpoint, creator: &'_ Endpoint) -> Option<Check> {
        let v = self.v();
        let [first, later, ..] = ep.operation.lookup.as_slice() else {
            return None;
        };
        let (a, _) = self.created_with_fresh(creator, later.matches.first()?)?;
        let (b, later_value) = self.created_with_fresh(creator, later.matches.first()?)?;
        let asserts = stateful::read_back_asserts(self, creator, ep, &a.body, None);
        let base = self.base(ep);
        let mut read = self.step(
            ep,
            json!({ later.field.clone(): later_value }),
            Presenting::Valid,
            Expect::Success { asserts },
        );
        read.fills = identity_from(&base.identity, 0)
            .into_iter()
            .filter(|f| f.body_path().and_then(|p| p.first()) == Some(&first.field))
            .collect();
        if read.fills.is_empty() {
            return None;
        }
        let check = Check::of(
            v,
            ep,
            "stateful.lookup.precedence",
            Family::Stateful,
            CheckId::endpoint(v, ep, EndpointPart::Lookup),
            format!("{} wins over {} when both are given", first.field, later.field),
            vec![
                self.step(creator, a.body, Presenting::Valid, success()),
                self.step(creator, b.body, Presenting::Valid, success()),
                read,
            ],
        );
        Some(check)
    }
}
