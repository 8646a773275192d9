//! Steps 1 and 2: which endpoint a path names, and the answer to a path no
//! route takes.

use super::{Engine, Request, Response};
use crate::faults::Fault;
use crate::util;
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, MessageRule, Vendor};
use std::collections::BTreeMap;

/// A route: the transport path with one endpoint's route filled in.
pub(super) struct Route {
    endpoint: usize,
    segments: Vec<Segment>,
}

enum Segment {
    Literal(String),
    /// A `{NAME}` segment: a credential presented in the path.
    Variable(String),
}

impl Route {
    /// Every endpoint's route, in the IR's order.
    pub(super) fn all(v: &Vendor) -> Vec<Route> {
        let mut routes = Vec::new();
        for (i, ep) in v.endpoints.iter().enumerate() {
            let path = v.transport.path.replace("{route}", &ep.route);
            let segments = path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(
                    |s| match erpspec_model::template::slot(s).or_else(|| s.strip_prefix('{').and_then(|r| r.strip_suffix('}'))) {
                        Some(name) => Segment::Variable(name.to_string()),
                        None => Segment::Literal(s.to_string()),
                    },
                )
                .collect();
            routes.push(Route { endpoint: i, segments });
        }
        routes
    }
}

impl Engine {
    pub(super) fn route(&self, req: &Request) -> Option<(usize, BTreeMap<String, String>)> {
        let segs: Vec<String> = req
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(util::percent_decode)
            .collect::<Option<_>>()?;
        let ci = self.v.transport.path_case_insensitive;
        let lit_eq = |a: &str, b: &str| if ci { a.eq_ignore_ascii_case(b) } else { a == b };
        // A full match first; then the same route with path credentials
        // left out (which is a request without credentials, not an unknown route).
        for skip_variables in [false, true] {
            for r in &self.routes {
                let pattern: Vec<&Segment> = r
                    .segments
                    .iter()
                    .filter(|s| !(skip_variables && matches!(s, Segment::Variable(_))))
                    .collect();
                if pattern.len() != segs.len() {
                    continue;
                }
                let mut vars = BTreeMap::new();
                let ok = pattern.iter().zip(&segs).all(|(p, s)| match p {
                    Segment::Literal(l) => lit_eq(l, s),
                    Segment::Variable(name) => {
                        vars.insert(name.clone(), s.clone());
                        true
                    }
                });
                if ok {
                    return Some((r.endpoint, vars));
                }
            }
        }
        None
    }

    /// Step 2: the refusal of a method the transport does not take.
    pub(super) fn wrong_method(&self, req: &Request, ep: &Endpoint) -> Option<Response> {
        let t = &self.v.transport;
        if self.faults.has(&Fault::AcceptAnyMethod) || t.methods.iter().any(|m| m.eq_ignore_ascii_case(&req.method)) {
            return None;
        }
        // The vendor's own answer; where it documents none, the answer to a
        // request no route takes (ASP.NET binds no action), else the
        // endpoint's refusal.
        let served = self.served(Some(ep), Situation::WrongMethod);
        let detail = match served.entry {
            Some(e) if !t.on_wrong_method.contains(&e.id) && matches!(e.message, MessageRule::Prefix(_)) => uri_detail(req),
            _ => format!("Request method must be {}.", t.methods.join(" or ")),
        };
        Some(self.error(served, &detail, req))
    }

    pub(super) fn unknown_route(&self, req: &Request) -> Response {
        let served = self.served(None, Situation::UnknownRoute);
        let detail = match served.entry {
            // A documented prefix ("No HTTP resource was found that matches
            // the request URI") is followed by the URI, as the docs show.
            Some(e) if matches!(e.message, MessageRule::Prefix(_)) => uri_detail(req),
            _ => format!("No API call matches {} '{}'.", req.method, req.uri()),
        };
        self.error(served, &detail, req)
    }
}

/// The URI as the ASP.NET "No HTTP resource" message quotes it.
fn uri_detail(req: &Request) -> String {
    format!("'{}'.", req.uri())
}
