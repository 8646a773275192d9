//! An endpoint file: its name, its request (inherited by `extends`,
//! trimmed by `remove`), its response, and what references the fields.

use super::{Cx, EndpointCx, suggest};
use crate::diag::{SourceFile, one_of_list};
use crate::syntax::{self, S};
use erpspec_model::ir::*;
use erpspec_rules::ScalarType;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

impl<'a> EndpointCx<'a> {
    pub(super) fn new(cx: &'a mut Cx<'_>, file: &Arc<SourceFile>, vendor: &str, endpoint: &str) -> EndpointCx<'a> {
        EndpointCx {
            cx: Cx {
                file: file.clone(),
                diags: &mut *cx.diags,
                declared: cx.declared,
            },
            vendor: vendor.to_string(),
            endpoint: endpoint.to_string(),
            object_rule_ids: BTreeSet::new(),
        }
    }
}

impl EndpointCx<'_> {
    /// `None` where it `extends` an unknown endpoint: the fields it would
    /// inherit are unknown. The order of the calls is the order of the
    /// diagnostics.
    pub(super) fn endpoint(&mut self, e: &syntax::EndpointFile, built: &BTreeMap<String, Endpoint>, vendor: &Vendor) -> Option<Endpoint> {
        self.named_by_file(&e.endpoint);
        let sources = self.sources_or(&e.sources, &[]);
        if sources.is_empty() {
            self.error(
                &e.endpoint,
                "endpoint cites no source",
                "add `sources: [<id>]` naming the vendor page it comes from",
            );
        }
        let request = self.request(e, built, &sources)?;
        let rules = self.object_rules(&e.rules, &request, "", &sources);
        let operation = self.operation(&e.operation, &request, vendor, &sources);
        let response = self.response(&e.response, built, vendor, &request, &sources);
        let errors = e.errors.iter().map(|er| self.error_id(er)).collect();
        let quirks = self.endpoint_quirks(&e.quirks, &response, &sources);
        let mut ep = Endpoint {
            id: e.endpoint.value.clone(),
            vendor: self.vendor.clone(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            route: e.route.clone().unwrap_or_else(|| e.endpoint.value.clone()),
            program: e.program.clone(),
            authenticated: e.authenticated,
            operation,
            request,
            rules,
            response,
            errors,
            on_rule_violation: self.error_refs(&e.on_rule_violation),
            quirks,
            examples: Vec::new(),
            response_examples: Vec::new(),
            sources,
        };
        ep.examples = self.examples(&e.examples, &ep, vendor);
        ep.response_examples = self.response_examples(&e.response_examples, &ep, vendor);
        Some(ep)
    }

    /// An endpoint's id is its file name.
    fn named_by_file(&mut self, endpoint: &S<String>) {
        let stem = self
            .file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .to_string();
        if endpoint.value != stem {
            self.error(
                endpoint,
                format!("endpoint `{}` is declared in file `{stem}.yaml`", endpoint.value),
                format!("write `endpoint: {stem}` (an endpoint's id is its file name)"),
            );
        }
    }

    /// The base's fields (where it `extends` one) less those it removes,
    /// then its own, each in the place of an inherited one of its name.
    fn request(&mut self, e: &syntax::EndpointFile, built: &BTreeMap<String, Endpoint>, inherited: &[String]) -> Option<Vec<Field>> {
        let mut request = match &e.extends {
            Some(base) => self.base_request(base, built, &e.endpoint.value)?,
            None => Vec::new(),
        };
        self.remove_fields(&e.remove, &mut request);
        let own = self.fields(&e.request, "", inherited);
        overlay(&mut request, own);
        Some(request)
    }

    fn base_request(&mut self, base: &S<String>, built: &BTreeMap<String, Endpoint>, endpoint: &str) -> Option<Vec<Field>> {
        let Some(b) = built.get(&base.value) else {
            let help = suggest(&base.value, built.keys().map(String::as_str), || {
                "name an endpoint of the same vendor".to_string()
            });
            self.error(base, format!("`extends` names unknown endpoint `{}`", base.value), help);
            return None;
        };
        let from = format!("{}.{}.", self.vendor, b.id);
        let to = format!("{}.{}.", self.vendor, endpoint);
        Some(b.request.iter().cloned().map(|f| rebase_rule_ids(f, &from, &to)).collect())
    }

    /// `remove` names fields of the base (a numbered run by its pattern).
    fn remove_fields(&mut self, remove: &[S<String>], request: &mut Vec<Field>) {
        for r in remove {
            let before = request.len();
            request.retain(|f| f.name != r.value && f.run.as_ref().is_none_or(|run| run.pattern != r.value));
            if request.len() == before {
                self.error(
                    r,
                    format!("`remove` names `{}`, which the base endpoint does not have", r.value),
                    "list only fields of the endpoint named by `extends`",
                );
            }
        }
    }

    /// The order of the calls is the order of the diagnostics.
    fn response(
        &mut self,
        resp: &syntax::ResponseSyntax,
        built: &BTreeMap<String, Endpoint>,
        vendor: &Vendor,
        request: &[Field],
        inherited: &[String],
    ) -> Response {
        let payload = self.payload(resp);
        let sources = self.sources_or(&resp.sources, inherited);
        let mut fields = self.base_response(resp.extends.as_ref(), built);
        if resp.echo_request {
            let echoed = echoed_request(request, &fields, vendor);
            fields.extend(echoed);
        }
        let own = self.fields(&resp.fields, "response.", &sources);
        overlay(&mut fields, own);
        let beside = self.beside(resp, &payload);
        let include_if = self.include_if(&resp.include_if, &fields, request);
        Response {
            payload,
            message: resp.message.clone(),
            fields,
            beside,
            include_if,
            sources,
        }
    }

    /// A wrapped payload names its member, and only a wrapped one does.
    fn payload(&mut self, resp: &syntax::ResponseSyntax) -> Payload {
        let payload = match resp.payload.value {
            syntax::PayloadSyntax::Record => Payload::Record,
            syntax::PayloadSyntax::Records => Payload::Records,
            syntax::PayloadSyntax::EmptyObject => Payload::EmptyObject,
            syntax::PayloadSyntax::Null => Payload::Null,
            syntax::PayloadSyntax::Unspecified => Payload::Unspecified,
            syntax::PayloadSyntax::Wrapped => match &resp.member {
                Some(m) => Payload::Wrapped { member: m.clone() },
                None => {
                    self.error(
                        &resp.payload,
                        "`payload: wrapped` needs the member's name",
                        "add `member: Contact` (the key holding the record)",
                    );
                    Payload::Record
                }
            },
        };
        if resp.member.is_some() && resp.payload.value != syntax::PayloadSyntax::Wrapped {
            self.error(
                &resp.payload,
                "`member` is given but the payload is not `wrapped`",
                "write `payload: wrapped`, or remove `member`",
            );
        }
        let describes_a_body = resp.echo_request || resp.extends.is_some() || !resp.fields.0.is_empty() || !resp.beside.0.is_empty();
        if payload == Payload::Unspecified && describes_a_body {
            self.error(
                &resp.payload,
                "`payload: unspecified` says the docs do not describe the body, but the response describes one",
                "remove `fields`, `extends`, `echo_request` and `beside`, or name the payload the docs show (`record`, `empty_object`, ...)",
            );
        }
        payload
    }

    fn base_response(&mut self, base: Option<&S<String>>, built: &BTreeMap<String, Endpoint>) -> Vec<Field> {
        let Some(base) = base else { return Vec::new() };
        match built.get(&base.value) {
            Some(b) => b.response.fields.clone(),
            None => {
                self.error(
                    base,
                    format!("`extends` names unknown endpoint `{}`", base.value),
                    "name an endpoint of the same vendor that is built before this one",
                );
                Vec::new()
            }
        }
    }

    /// `response.beside`: members beside a wrapped list.
    fn beside(&mut self, resp: &syntax::ResponseSyntax, payload: &Payload) -> Vec<(String, Beside)> {
        if let Some((name, _)) = resp.beside.0.first()
            && !matches!(payload, Payload::Wrapped { .. })
        {
            // One diagnostic for the key, not one per member.
            self.error(
                name,
                "`beside` needs `payload: wrapped`",
                "write `payload: wrapped` and `member: <name>` (a query's list goes under `member`, these members beside it), or remove `beside`",
            );
        }
        let beside = |b: syntax::BesideSyntax| match b {
            syntax::BesideSyntax::LastModified => Beside::LastModified,
            syntax::BesideSyntax::Count => Beside::Count,
        };
        resp.beside
            .0
            .iter()
            .map(|(name, b)| (name.value.clone(), beside(b.value)))
            .collect()
    }

    /// `response.include_if`: response members a boolean request field leaves out.
    fn include_if(&mut self, include_if: &syntax::Ordered<S<String>>, fields: &[Field], request: &[Field]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (member, flag) in &include_if.0 {
            if !fields.iter().any(|f| f.name == member.value) {
                let help = suggest(&member.value, fields.iter().map(|f| f.name.as_str()), || {
                    "name a member of the response record".to_string()
                });
                self.error(
                    member,
                    format!("`include_if` names `{}`, which is not a response field", member.value),
                    help,
                );
            }
            self.boolean_request_field(flag, request);
            out.insert(member.value.clone(), flag.value.clone());
        }
        out
    }

    fn boolean_request_field(&mut self, flag: &S<String>, request: &[Field]) {
        match request.iter().find(|f| f.name == flag.value) {
            Some(f) if f.ty.scalar() == Some(ScalarType::Boolean) => {}
            Some(_) => {
                let flags: Vec<&str> = request
                    .iter()
                    .filter(|f| f.ty.scalar() == Some(ScalarType::Boolean))
                    .map(|f| f.name.as_str())
                    .collect();
                let help = match flags.is_empty() {
                    true => "`include_if` names a request field of `type: boolean`; this request has none".to_string(),
                    false => format!("`include_if` names a request field of `type: boolean`: {}", one_of_list(&flags)),
                };
                self.error(flag, format!("`{}` is not a boolean request field", flag.value), help);
            }
            None => self.request_field_exists(flag, request),
        }
    }

    pub(super) fn request_field_exists(&mut self, k: &S<String>, request: &[Field]) {
        if !request.iter().any(|f| f.name == k.value) {
            let help = suggest(&k.value, request.iter().map(|f| f.name.as_str()), || {
                "name a field of this endpoint's request".to_string()
            });
            self.error(k, format!("`{}` is not a request field", k.value), help);
        }
    }
}

/// `own` fields take the place of inherited ones of the same name, or follow them.
fn overlay(fields: &mut Vec<Field>, own: Vec<Field>) {
    for f in own {
        match fields.iter_mut().find(|g| g.name == f.name) {
            Some(slot) => *slot = f,
            None => fields.push(f),
        }
    }
}

/// `echo_request`: the request's fields the response does not declare,
/// credentials left out, each optional and unchecked (the response only
/// shows what was sent).
fn echoed_request(request: &[Field], response: &[Field], vendor: &Vendor) -> Vec<Field> {
    let credential_fields = vendor.auth.body_credential_fields();
    request
        .iter()
        .filter(|f| !credential_fields.contains(&f.name) && !response.iter().any(|g| g.name == f.name))
        .map(|f| Field {
            required: false,
            rules: Vec::new(),
            refers_to: None,
            ..f.clone()
        })
        .collect()
}

/// Rule ids of a field copied by `extends` are renamed to the new endpoint.
fn rebase_rule_ids(mut f: Field, from: &str, to: &str) -> Field {
    fn rules(rs: &mut [Rule], from: &str, to: &str) {
        for r in rs {
            if let Some(rest) = r.id.strip_prefix(from) {
                r.id = format!("{to}{rest}");
            }
        }
    }
    fn ty(t: &mut Type, from: &str, to: &str) {
        match t {
            Type::Scalar { .. } => {}
            Type::Array { items } => ty(items, from, to),
            Type::Object { fields, rules: rs } => {
                rules(rs, from, to);
                for f in fields {
                    rules(&mut f.rules, from, to);
                    ty(&mut f.ty, from, to);
                }
            }
        }
    }
    rules(&mut f.rules, from, to);
    ty(&mut f.ty, from, to);
    f
}
