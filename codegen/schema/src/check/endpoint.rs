//! An endpoint file: its request, operation, response, quirks and examples.

use super::{Cx, EndpointCx};
use crate::diag::{Pos, SourceFile, did_you_mean, one_of_list};
use crate::syntax::{self, Ordered, RuleSyntax, S};
use erpspec_model::ir::*;
use erpspec_rules::{Case, CodedValue, Format, LengthUnit, RuleKind, ScalarType, Strength};
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
    pub(super) fn endpoint(&mut self, e: &syntax::EndpointFile, built: &BTreeMap<String, Endpoint>, vendor: &Vendor) -> Option<Endpoint> {
        let stem = self
            .file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".yaml")
            .trim_end_matches(".yml")
            .to_string();
        if e.endpoint.value != stem {
            let pos = self.pos(&e.endpoint);
            self.diags.error_help(
                pos,
                format!("endpoint `{}` is declared in file `{stem}.yaml`", e.endpoint.value),
                format!("write `endpoint: {stem}` (an endpoint's id is its file name)"),
            );
        }
        let ep_sources = self.sources_or(&e.sources, &[]);
        if ep_sources.is_empty() {
            let pos = self.pos(&e.endpoint);
            self.diags.error_help(
                pos,
                "endpoint cites no source",
                "add `sources: [<id>]` naming the vendor page it comes from",
            );
        }

        let mut request: Vec<Field> = Vec::new();
        if let Some(base) = &e.extends {
            match built.get(&base.value) {
                Some(b) => {
                    request = b
                        .request
                        .iter()
                        .cloned()
                        .map(|f| {
                            rebase_rule_ids(
                                f,
                                &format!("{}.{}.", self.vendor, b.id),
                                &format!("{}.{}.", self.vendor, e.endpoint.value),
                            )
                        })
                        .collect();
                }
                None => {
                    let known: Vec<&str> = built.keys().map(String::as_str).collect();
                    let help = match did_you_mean(&base.value, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name an endpoint of the same vendor".to_string(),
                    };
                    let pos = self.pos(base);
                    self.diags
                        .error_help(pos, format!("`extends` names unknown endpoint `{}`", base.value), help);
                    return None;
                }
            }
        }
        for r in &e.remove {
            let before = request.len();
            request.retain(|f| f.name != r.value && f.run.as_ref().is_none_or(|run| run.pattern != r.value));
            if request.len() == before {
                let pos = self.pos(r);
                self.diags.error_help(
                    pos,
                    format!("`remove` names `{}`, which the base endpoint does not have", r.value),
                    "list only fields of the endpoint named by `extends`",
                );
            }
        }
        let own = self.fields(&e.request, "", &ep_sources);
        for f in own {
            match request.iter_mut().find(|g| g.name == f.name) {
                Some(slot) => *slot = f,
                None => request.push(f),
            }
        }

        let mut rules = Vec::new();
        for r in &e.rules {
            if let Some(rule) = self.object_rule(r, &request, "", &ep_sources) {
                rules.push(rule);
            }
        }

        let op = &e.operation;
        let kind = match op.kind.value {
            syntax::OperationKindSyntax::Login => OperationKind::Login,
            syntax::OperationKindSyntax::Create => OperationKind::Create,
            syntax::OperationKindSyntax::Update => OperationKind::Update,
            syntax::OperationKindSyntax::Read => OperationKind::Read,
            syntax::OperationKindSyntax::Query => OperationKind::Query,
            syntax::OperationKindSyntax::Delete => OperationKind::Delete,
        };
        if let Some(r) = &op.resource
            && vendor.resource(&r.value).is_none()
        {
            let known: Vec<&str> = vendor.resources.iter().map(|r| r.name.as_str()).collect();
            self.missing_resource(r, &known);
        }
        if let Some(m) = &op.record_member {
            match request.iter().find(|f| f.name == m.value) {
                Some(f) if matches!(f.ty, Type::Object { .. }) => {}
                Some(_) => {
                    let pos = self.pos(m);
                    self.diags.error_help(
                        pos,
                        format!("`record_member` `{}` is not an object field", m.value),
                        "name the request member whose object is the record",
                    );
                }
                None => self.request_field_exists(m, &request),
            }
        }
        if op.resource.is_none() && kind != OperationKind::Login {
            let pos = self.pos(&op.kind);
            self.diags.error_help(
                pos,
                "the operation names no resource",
                "add `resource: <name>` (declared under `resources:` in api.yaml)",
            );
        }
        for k in &op.key {
            self.request_field_exists(k, &request);
        }
        let mut lookup = Vec::new();
        // With a record member (RPM `Customer`), a lookup may name a field of
        // the record: `CustomerID` reads `Customer.CustomerID` when the request
        // has no top-level `CustomerID`.
        let record_fields: Vec<Field> = op
            .record_member
            .as_ref()
            .and_then(|m| request.iter().find(|f| f.name == m.value))
            .and_then(|f| match &f.ty {
                Type::Object { fields, .. } => Some(fields.clone()),
                _ => None,
            })
            .unwrap_or_default();
        for (field, matches) in &op.lookup.0 {
            if !record_fields.iter().any(|f| f.name == field.value) {
                self.request_field_exists(field, &request);
            }
            lookup.push(Lookup {
                field: field.value.clone(),
                matches: matches.iter().map(|m| m.value.clone()).collect(),
            });
        }
        let mut stores = BTreeMap::new();
        for (from, to) in &op.stores.0 {
            self.request_field_exists(from, &request);
            stores.insert(from.value.clone(), to.value.clone());
        }
        let criteria = match op.criteria.as_ref().map(|c| c.value) {
            None | Some(syntax::CriteriaSyntax::Equality) => Criteria::Equality,
            Some(syntax::CriteriaSyntax::Qbe) => Criteria::Qbe,
        };
        if let Some(c) = &op.criteria
            && kind != OperationKind::Query
        {
            let pos = self.pos(c);
            self.diags.error_help(
                pos,
                "`criteria` applies to `kind: query` only",
                "remove it: only a query reads its request as criteria",
            );
        }
        let creates = self.child_lists(op, kind, &record_fields, &request, &ep_sources);
        let clears_omitted = self.clears_omitted(op, kind, &record_fields, &request, &ep_sources);
        let merge_items = self.merge_items(op, kind, &record_fields, &request);
        if let Some(e) = &op.on_empty
            && kind != OperationKind::Query
        {
            let pos = self.pos(e);
            self.diags.error_help(
                pos,
                "`on_empty` applies to `kind: query` only",
                "remove it: only a query can find nothing",
            );
        }
        let operation = Operation {
            kind,
            resource: op.resource.as_ref().map(|r| r.value.clone()),
            criteria,
            key: op.key.iter().map(|k| k.value.clone()).collect(),
            lookup,
            stores,
            record_member: op.record_member.as_ref().map(|m| m.value.clone()),
            on_not_found: self.error_ref(&op.on_not_found),
            on_duplicate: self.error_ref(&op.on_duplicate),
            on_empty: self.error_ref(&op.on_empty),
            creates,
            clears_omitted,
            merge_items,
            sources: self.sources_or(&op.sources, &ep_sources),
        };

        let resp = &e.response;
        let payload = match resp.payload.value {
            syntax::PayloadSyntax::Record => Payload::Record,
            syntax::PayloadSyntax::Records => Payload::Records,
            syntax::PayloadSyntax::EmptyObject => Payload::EmptyObject,
            syntax::PayloadSyntax::Null => Payload::Null,
            syntax::PayloadSyntax::Wrapped => match &resp.member {
                Some(m) => Payload::Wrapped { member: m.clone() },
                None => {
                    let pos = self.pos(&resp.payload);
                    self.diags.error_help(
                        pos,
                        "`payload: wrapped` needs the member's name",
                        "add `member: Contact` (the key holding the record)",
                    );
                    Payload::Record
                }
            },
        };
        if resp.member.is_some() && resp.payload.value != syntax::PayloadSyntax::Wrapped {
            let pos = self.pos(&resp.payload);
            self.diags.error_help(
                pos,
                "`member` is given but the payload is not `wrapped`",
                "write `payload: wrapped`, or remove `member`",
            );
        }
        let resp_sources = self.sources_or(&resp.sources, &ep_sources);
        let mut resp_fields: Vec<Field> = Vec::new();
        if let Some(base) = &resp.extends {
            match built.get(&base.value) {
                Some(b) => resp_fields = b.response.fields.clone(),
                None => {
                    let pos = self.pos(base);
                    self.diags.error_help(
                        pos,
                        format!("`extends` names unknown endpoint `{}`", base.value),
                        "name an endpoint of the same vendor that is built before this one",
                    );
                }
            }
        }
        if resp.echo_request {
            let credential_fields = vendor.auth.body_credential_fields();
            let echoed: Vec<Field> = request
                .iter()
                .filter(|f| !credential_fields.contains(&f.name) && !resp_fields.iter().any(|g| g.name == f.name))
                .map(|f| Field {
                    required: false,
                    rules: Vec::new(),
                    refers_to: None,
                    ..f.clone()
                })
                .collect();
            resp_fields.extend(echoed);
        }
        for f in self.fields(&resp.fields, "response.", &resp_sources) {
            match resp_fields.iter_mut().find(|g| g.name == f.name) {
                Some(slot) => *slot = f,
                None => resp_fields.push(f),
            }
        }
        let (beside, include_if) = self.response_extras(resp, &payload, &resp_fields, &request);
        let response = Response {
            payload,
            message: resp.message.clone(),
            fields: resp_fields,
            beside,
            include_if,
            sources: resp_sources,
        };

        let mut errors = Vec::new();
        for er in &e.errors {
            if let Some(id) = self.error_ref(&Some(er.clone())) {
                errors.push(id);
            }
        }
        let mut quirks = Vec::new();
        for (id, q) in &e.quirks.0 {
            if q.pads_strings != Some(true)
                && let Some(u) = q.unpadded.first()
            {
                let pos = self.pos(u);
                self.diags.error_help(
                    pos,
                    "`unpadded` without `pads_strings: true`",
                    "`unpadded` lists exceptions to padding; add `pads_strings: true` or remove it",
                );
            }
            for u in &q.unpadded {
                if !response.fields.iter().any(|f| f.name == u.value) {
                    let pos = self.pos(u);
                    self.diags.error_help(
                        pos,
                        format!("`{}` is not a response field", u.value),
                        "list fields of this endpoint's response",
                    );
                }
            }
            let kind = match (&q.reads_back_as, q.pads_strings, &q.dates_read_back_as) {
                (Some(r), None, None) => QuirkKind::ReadsBackAs {
                    path: r.path.clone(),
                    written: r.written.clone(),
                    read: r.read.clone(),
                },
                (None, Some(true), None) => QuirkKind::PadsStrings {
                    unpadded: q.unpadded.iter().map(|u| u.value.clone()).collect(),
                },
                (None, None, Some(d)) => match self.dates_read_back_as(d) {
                    Some(kind) => kind,
                    None => continue,
                },
                _ => {
                    let pos = self.pos(id);
                    self.diags.error_help(
                        pos,
                        "a quirk is exactly one of `reads_back_as`, `pads_strings: true` or `dates_read_back_as`",
                        "keep one of the keys",
                    );
                    continue;
                }
            };
            let srcs = self.sources_or(&q.sources, &ep_sources);
            quirks.push(Quirk {
                id: id.value.clone(),
                kind,
                description: q.description.clone(),
                sources: srcs,
            });
        }

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
            sources: ep_sources.clone(),
        };

        // Examples: each must break exactly the rules it says it breaks.
        for ex in &e.examples {
            let srcs = self.sources_or(&ex.sources, &ep_sources);
            let all_ids: BTreeSet<String> = ep.all_rules().into_iter().map(|(_, r)| r.id.clone()).collect();
            for b in &ex.breaks {
                if !all_ids.contains(&b.value) {
                    let help = match did_you_mean(&b.value, all_ids.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name a rule id of this endpoint (see its IR snapshot)".to_string(),
                    };
                    let pos = self.pos(b);
                    self.diags.error_help(pos, format!("unknown rule id `{}`", b.value), help);
                }
            }
            let found: BTreeSet<String> = erpspec_model::validate::validate_request(vendor, &ep, &ex.request.value)
                .violations
                .into_iter()
                .map(|v| v.rule)
                .collect();
            let declared: BTreeSet<String> = ex.breaks.iter().map(|b| b.value.clone()).collect();
            if found != declared {
                let unexpected: Vec<&String> = found.difference(&declared).collect();
                let unbroken: Vec<&String> = declared.difference(&found).collect();
                let mut msg = format!("example `{}` does not break exactly the rules it lists", ex.name);
                if !unexpected.is_empty() {
                    msg.push_str(&format!("; it also breaks {}", one_of_list(&unexpected)));
                }
                if !unbroken.is_empty() {
                    msg.push_str(&format!("; it does not break {}", one_of_list(&unbroken)));
                }
                let pos = self.pos(&ex.request);
                self.diags.error_help(
                    pos,
                    msg,
                    "fix the example to match the docs, or list the rules it breaks under `breaks:` with a `note:` saying why",
                );
            }
            ep.examples.push(Example {
                name: ex.name.clone(),
                request: ex.request.value.clone(),
                query: ex.query.clone(),
                breaks: ex.breaks.iter().map(|b| b.value.clone()).collect(),
                note: ex.note.clone(),
                sources: srcs,
            });
        }
        for ex in &e.response_examples {
            if let Some(checked) = self.response_example(ex, &ep, vendor, &ep_sources) {
                ep.response_examples.push(checked);
            }
        }
        Some(ep)
    }

    /// A sample answer: the success envelope with this endpoint's payload,
    /// or the named entry's refusal, recognised as the harness recognises
    /// answers; a sample the recognisers refuse must say why under `differs`.
    fn response_example(
        &mut self,
        ex: &syntax::ResponseExampleSyntax,
        ep: &Endpoint,
        vendor: &Vendor,
        ep_sources: &[String],
    ) -> Option<ResponseExample> {
        let sources = self.sources_or(&ex.sources, ep_sources);
        let body = &ex.body.value;
        let (answer, status, mismatch) = if ex.answer.value == "success" {
            let status = ex.status.or(vendor.envelopes.success.status);
            let found = erpspec_model::recognise::success_payload(vendor, ep, status.unwrap_or(200), body).err();
            (None, status, found)
        } else {
            let id = self.error_ref(&Some(ex.answer.clone()))?;
            let entry = vendor.error(&id)?;
            let status = ex.status.or(erpspec_model::answers::documented_status(vendor, entry));
            let found = match status {
                Some(s) => erpspec_model::recognise::refusal_mismatch(vendor, entry, s, body),
                None => erpspec_model::recognise::entry_body_mismatch(vendor, entry, body).map(|m| m.to_string()),
            };
            (Some(id), status, found)
        };
        match (&mismatch, &ex.differs) {
            (Some(found), None) => {
                let pos = self.pos(&ex.body);
                self.diags.error_help(
                    pos,
                    format!("sample answer `{}` is not what the schemas say: {found}", ex.name),
                    "fix the sample to match the docs, or write `differs:` saying why the docs' sample disagrees",
                );
            }
            (None, Some(_)) => {
                let pos = self.pos(&ex.body);
                self.diags.error_help(
                    pos,
                    format!("sample answer `{}` says it differs, but it is recognised as documented", ex.name),
                    "remove `differs:`",
                );
            }
            _ => {}
        }
        Some(ResponseExample {
            name: ex.name.clone(),
            answer,
            status,
            body: body.clone(),
            note: ex.note.clone(),
            differs: ex.differs.clone(),
            mismatch,
            sources,
        })
    }

    /// `dates_read_back_as`: JSON pointers, and a format that writes dates.
    fn dates_read_back_as(&mut self, d: &syntax::DatesReadBackSyntax) -> Option<QuirkKind> {
        for p in &d.paths {
            if !p.value.starts_with('/') {
                let pos = self.pos(p);
                self.diags.error_help(
                    pos,
                    format!("`{}` is not a JSON pointer", p.value),
                    format!("write the record field as a JSON pointer: `/{}`", p.value),
                );
            }
        }
        let format = format_named(&d.format.value).filter(|f| erpspec_rules::kinds::format::DATE_FORMATS.contains(f));
        if format.is_none() {
            let pos = self.pos(&d.format);
            self.diags.error_help(
                pos,
                format!("`{}` is not a date format", d.format.value),
                "write `us_date`, `iso_date`, `iso_date_time` or `iso_date_time_unseparated`",
            );
        }
        Some(QuirkKind::DatesReadBackAs {
            paths: d.paths.iter().map(|p| p.value.clone()).collect(),
            format: format?,
        })
    }

    /// `operation.creates`: each member must be a list of the record, and
    /// what is said of its items must name their fields.
    fn child_lists(
        &mut self,
        op: &syntax::OperationSyntax,
        kind: OperationKind,
        record_fields: &[Field],
        request: &[Field],
        inherited: &[String],
    ) -> Vec<ChildList> {
        let mut out = Vec::new();
        for (member, c) in &op.creates.0 {
            if kind != OperationKind::Create {
                // One diagnostic for the key, not one per list it names.
                let pos = self.pos(member);
                self.diags.error_help(
                    pos,
                    "`creates` applies to `kind: create` only",
                    "remove it, or make the operation a create",
                );
                return Vec::new();
            }
            let fields = if record_fields.is_empty() { request } else { record_fields };
            let items = match fields.iter().find(|f| f.name == member.value).map(|f| &f.ty) {
                Some(Type::Array { items }) => match items.as_ref() {
                    Type::Object { fields, .. } => fields.clone(),
                    _ => Vec::new(),
                },
                _ => {
                    let lists: Vec<&str> = fields
                        .iter()
                        .filter(|f| matches!(f.ty, Type::Array { .. }))
                        .map(|f| f.name.as_str())
                        .collect();
                    let help = match did_you_mean(&member.value, lists.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if lists.is_empty() => "the record has no list (`type: array`) field; remove this entry".to_string(),
                        None => format!("name a list (`type: array`) of the record: {}", one_of_list(&lists)),
                    };
                    let pos = self.pos(member);
                    self.diags.error_help(
                        pos,
                        format!("`creates` names `{}`, which is not a list of the record", member.value),
                        help,
                    );
                    continue;
                }
            };
            let item_field = |cx: &mut Self, name: &S<String>| {
                let first = name.value.split('.').next().unwrap_or_default();
                if !items.iter().any(|f| f.name == first) {
                    let pos = cx.pos(name);
                    let names: Vec<&str> = items.iter().map(|f| f.name.as_str()).collect();
                    let help = match did_you_mean(first, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if names.is_empty() => format!("the items of `{}` are not objects: they have no fields", member.value),
                        None => format!("name a field of the items of `{}`: {}", member.value, one_of_list(&names)),
                    };
                    cx.diags
                        .error_help(pos, format!("`{}` is not a field of the items", name.value), help);
                }
            };
            let primary = c.primary.as_ref().map(|p| {
                item_field(self, &p.flag);
                if p.several.value == syntax::PickSyntax::None {
                    let pos = self.pos(&p.several);
                    self.diags.error_help(
                        pos,
                        "`several: none` keeps no item primary",
                        "write `several: first` or `several: last`",
                    );
                }
                let pick = |k: syntax::PickSyntax| match k {
                    syntax::PickSyntax::First => Pick::First,
                    syntax::PickSyntax::Last => Pick::Last,
                    syntax::PickSyntax::None => Pick::None,
                };
                Primary {
                    flag: p.flag.value.clone(),
                    several: pick(p.several.value),
                    none: pick(p.none.value),
                }
            });
            if let Some(d) = &c.drop_taken {
                item_field(self, d);
            }
            if !c.primary_defaults.is_empty() && primary.is_none() {
                let pos = self.pos(member);
                self.diags.error_help(
                    pos,
                    "`primary_defaults` without `primary`",
                    "the defaults go to the primary item: add `primary: { flag, several, none }`, or remove `primary_defaults`",
                );
            }
            // The defaults' names carry no position of their own: point at the list.
            for name in c.primary_defaults.keys() {
                if !items.iter().any(|f| &f.name == name) {
                    let pos = self.pos(member);
                    let help = match did_you_mean(name, items.iter().map(|f| f.name.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("name fields of the items of `{}`", member.value),
                    };
                    self.diags.error_help(
                        pos,
                        format!(
                            "`primary_defaults` of `{}` names `{name}`, which is not a field of the items",
                            member.value
                        ),
                        help,
                    );
                }
            }
            out.push(ChildList {
                member: member.value.clone(),
                when_none: c.when_none.as_ref().map(|w| w.value.clone()).unwrap_or_default(),
                primary,
                primary_defaults: c.primary_defaults.clone().into_iter().collect(),
                drop_taken: c.drop_taken.as_ref().map(|d| d.value.clone()),
                sources: self.sources_or(&c.sources, inherited),
            });
        }
        out
    }

    /// `operation.merge_items`: a list of the record, and members of its items.
    fn merge_items(
        &mut self,
        op: &syntax::OperationSyntax,
        kind: OperationKind,
        record_fields: &[Field],
        request: &[Field],
    ) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        let fields = if record_fields.is_empty() { request } else { record_fields };
        for (list, by) in &op.merge_items.0 {
            if kind != OperationKind::Update {
                let pos = self.pos(list);
                self.diags.error_help(
                    pos,
                    "`merge_items` applies to `kind: update` only",
                    "remove it, or make the operation an update",
                );
                continue;
            }
            let items = match fields.iter().find(|f| f.name == list.value).map(|f| &f.ty) {
                Some(Type::Array { items }) => match items.as_ref() {
                    Type::Object { fields, .. } => fields.clone(),
                    _ => Vec::new(),
                },
                _ => {
                    let pos = self.pos(list);
                    self.diags.error_help(
                        pos,
                        format!("`merge_items` names `{}`, which is not a list of objects of the record", list.value),
                        "name an array field of the record whose items are objects",
                    );
                    continue;
                }
            };
            for b in by {
                if !items.iter().any(|f| f.name == b.value) {
                    let pos = self.pos(b);
                    let help = match did_you_mean(&b.value, items.iter().map(|f| f.name.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("name a member of the items of `{}`", list.value),
                    };
                    self.diags
                        .error_help(pos, format!("`{}` is not a member of the items", b.value), help);
                }
            }
            out.insert(list.value.clone(), by.iter().map(|b| b.value.clone()).collect());
        }
        out
    }

    /// `operation.clears_omitted`: fields of the record an update clears.
    fn clears_omitted(
        &mut self,
        op: &syntax::OperationSyntax,
        kind: OperationKind,
        record_fields: &[Field],
        request: &[Field],
        inherited: &[String],
    ) -> Option<ClearsOmitted> {
        let c = op.clears_omitted.as_ref()?;
        if kind != OperationKind::Update {
            let pos = self.pos(c);
            self.diags.error_help(
                pos,
                "`clears_omitted` applies to `kind: update` only",
                "remove it, or make the operation an update",
            );
            return None;
        }
        let fields = if record_fields.is_empty() { request } else { record_fields };
        // The fields of `value` and of every alternative reading.
        let alternatives = c.value.attrs().map(|a| a.alternatives.as_slice()).unwrap_or_default();
        for f in c.value.param().iter().chain(alternatives.iter().flat_map(|x| &x.value)) {
            if !fields.iter().any(|g| g.name == f.value) {
                let pos = self.pos(f);
                let help = match did_you_mean(&f.value, fields.iter().map(|g| g.name.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name fields of the request's record (of the `record_member` object where there is one)".to_string(),
                };
                self.diags
                    .error_help(pos, format!("`{}` is not a field of the record", f.value), help);
            }
        }
        let names = |v: &Vec<S<String>>| v.iter().map(|f| f.value.clone()).collect::<Vec<String>>();
        let rule = self.rule(&c.value, RuleKind::Required, |_| RuleKind::Required, String::new(), inherited);
        Some(ClearsOmitted {
            fields: names(c.value.param()),
            strength: rule.strength,
            alternatives: c
                .value
                .attrs()
                .map(|a| a.alternatives.iter().map(|x| names(&x.value)).collect())
                .unwrap_or_default(),
            note: rule.note,
            sources: rule.sources,
        })
    }

    /// `response.beside` (members beside a wrapped list) and
    /// `response.include_if` (members a boolean request field leaves out).
    fn response_extras(
        &mut self,
        resp: &syntax::ResponseSyntax,
        payload: &Payload,
        fields: &[Field],
        request: &[Field],
    ) -> (Vec<(String, Beside)>, BTreeMap<String, String>) {
        let mut beside = Vec::new();
        if let Some((name, _)) = resp.beside.0.first()
            && !matches!(payload, Payload::Wrapped { .. })
        {
            // One diagnostic for the key, not one per member.
            let pos = self.pos(name);
            self.diags.error_help(
                pos,
                "`beside` needs `payload: wrapped`",
                "write `payload: wrapped` and `member: <name>` (a query's list goes under `member`, these members beside it), or remove `beside`",
            );
        }
        for (name, b) in &resp.beside.0 {
            let value = match b.value {
                syntax::BesideSyntax::LastModified => Beside::LastModified,
                syntax::BesideSyntax::Count => Beside::Count,
            };
            beside.push((name.value.clone(), value));
        }
        let mut include_if = BTreeMap::new();
        for (member, flag) in &resp.include_if.0 {
            if !fields.iter().any(|f| f.name == member.value) {
                let pos = self.pos(member);
                let help = match did_you_mean(&member.value, fields.iter().map(|f| f.name.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a member of the response record".to_string(),
                };
                self.diags.error_help(
                    pos,
                    format!("`include_if` names `{}`, which is not a response field", member.value),
                    help,
                );
            }
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
                    let pos = self.pos(flag);
                    self.diags
                        .error_help(pos, format!("`{}` is not a boolean request field", flag.value), help);
                }
                None => self.request_field_exists(flag, request),
            }
            include_if.insert(member.value.clone(), flag.value.clone());
        }
        (beside, include_if)
    }

    fn request_field_exists(&mut self, k: &S<String>, request: &[Field]) {
        if !request.iter().any(|f| f.name == k.value) {
            let names: Vec<&str> = request.iter().map(|f| f.name.as_str()).collect();
            let help = match did_you_mean(&k.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name a field of this endpoint's request".to_string(),
            };
            let pos = self.pos(k);
            self.diags.error_help(pos, format!("`{}` is not a request field", k.value), help);
        }
    }

    /// Builds fields from an ordered mapping, expanding numbered runs and
    /// reporting duplicates (also duplicates created by a run).
    fn fields(&mut self, m: &Ordered<syntax::FieldSyntax>, path: &str, inherited: &[String]) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (key, f) in &m.0 {
            let names: Vec<(Option<u32>, String)> = match expand_run(&key.value) {
                None => vec![(None, key.value.clone())],
                Some(Ok(v)) => v.into_iter().map(|(i, n)| (Some(i), n)).collect(),
                Some(Err(msg)) => {
                    let pos = self.pos(key);
                    self.diags.error_help(pos, format!("bad field name `{}`", key.value), msg);
                    continue;
                }
            };
            for (index, name) in names {
                if let Some(line) = seen.get(&name) {
                    let pos = self.pos(key);
                    self.diags.error_help(
                        pos,
                        format!("duplicate field `{name}`"),
                        format!("`{name}` is already defined at line {line}; remove or rename one"),
                    );
                    continue;
                }
                seen.insert(name.clone(), key.referenced.line() as usize);
                let run = index.map(|i| Run {
                    pattern: key.value.clone(),
                    index: i,
                });
                if let Some(field) = self.field(&name, f, path, inherited, run) {
                    out.push(field);
                }
            }
        }
        out
    }

    fn field(&mut self, name: &str, f: &syntax::FieldSyntax, path: &str, inherited: &[String], run: Option<Run>) -> Option<Field> {
        let sources = self.sources_or(&f.sources, inherited);
        let rule_path = format!("{path}{name}");
        let id_prefix = format!("{}.{}.{rule_path}", self.vendor, self.endpoint);
        let id = |kind: &str| format!("{id_prefix}.{kind}");
        let ty_name = format!("{:?}", f.ty.value).to_lowercase();
        let scalar = scalar_type(f.ty.value);
        let mut rules = Vec::new();
        let mut required = false;

        if let Some(r) = &f.required {
            required = *r.value.param();
            if required {
                rules.push(self.rule(&r.value, RuleKind::Required, |_| RuleKind::Required, id("required"), &sources));
            }
        }
        // Each rule kind names the types it applies to; a mismatch is an error
        // that says which key to use instead.
        let wrong_type = |cx: &mut Self, key_pos: Pos, rule: &str, applies: &str, instead: &str| {
            cx.diags.error_help(
                key_pos,
                format!("`{rule}` does not apply to a field of type `{ty_name}`"),
                format!("`{rule}` applies to {applies}; {instead}"),
            );
        };
        let unit = match f.length_unit.as_ref().map(|u| u.value) {
            None | Some(syntax::UnitSyntax::CodePoints) => LengthUnit::CodePoints,
            Some(syntax::UnitSyntax::Bytes) => LengthUnit::Bytes,
            Some(syntax::UnitSyntax::Utf16Units) => LengthUnit::Utf16Units,
        };
        if let Some(r) = &f.max_length {
            if scalar == Some(ScalarType::String) {
                let mk = |max: &u64| RuleKind::MaxLength { max: *max, unit };
                rules.push(self.rule(&r.value, mk(r.value.param()), |p| mk(p), id("max_length"), &sources));
            } else {
                let pos = self.pos(r);
                wrong_type(
                    self,
                    pos,
                    "max_length",
                    "strings",
                    "for numbers use `minimum`, for arrays `max_items`",
                );
            }
        }
        if let Some(r) = &f.min_length {
            if scalar != Some(ScalarType::String) {
                let pos = self.pos(r);
                wrong_type(self, pos, "min_length", "strings", "for numbers use `minimum`");
            } else if *r.value.param() == 0 {
                let pos = self.pos(r);
                self.diags.error_help(
                    pos,
                    "`min_length: 0` holds for every string",
                    "write `min_length: 1` for a value that must not be empty, or remove it",
                );
            } else {
                let mk = |min: &u64| RuleKind::MinLength { min: *min, unit };
                rules.push(self.rule(&r.value, mk(r.value.param()), |p| mk(p), id("min_length"), &sources));
            }
        }
        if let Some(u) = &f.length_unit
            && f.max_length.is_none()
            && f.min_length.is_none()
        {
            let pos = self.pos(u);
            self.diags.error_help(
                pos,
                "`length_unit` without `max_length` or `min_length`",
                "add `max_length: N` or remove `length_unit`",
            );
        }
        if let Some(r) = &f.enumeration {
            if scalar == Some(ScalarType::String) {
                let case = match f.enum_case.as_ref().map(|c| c.value) {
                    None => Case::Unstated,
                    Some(syntax::CaseSyntax::Exact) => Case::Exact,
                    Some(syntax::CaseSyntax::Insensitive) => Case::Insensitive,
                };
                let mk = |vals: &Vec<S<String>>| RuleKind::Enum {
                    values: vals.iter().map(|v| v.value.clone()).collect(),
                    case,
                };
                if r.value.param().is_empty() {
                    let pos = self.pos(r);
                    self.diags.error_help(
                        pos,
                        format!("`enum` of `{name}` lists no values"),
                        "list the documented values, e.g. `enum: [OK, HOLD, REJECT]`",
                    );
                } else {
                    rules.push(self.rule(&r.value, mk(r.value.param()), mk, id("enum"), &sources));
                }
            } else {
                let pos = self.pos(r);
                wrong_type(self, pos, "enum", "strings", "for integer codes use `coded_enum: [Name=1, ...]`");
            }
        } else if let Some(c) = &f.enum_case {
            let pos = self.pos(c);
            self.diags
                .error_help(pos, "`enum_case` without `enum`", "add `enum: [...]` or remove `enum_case`");
        }
        if let Some(r) = &f.coded_enum {
            if scalar == Some(ScalarType::Integer) {
                let mut values = Vec::new();
                for v in r.value.param() {
                    match v.value.split_once('=').map(|(n, c)| (n.trim(), c.trim().parse::<i64>())) {
                        Some((n, Ok(code))) if !n.is_empty() => values.push(CodedValue { code, name: n.to_string() }),
                        _ => {
                            let pos = self.pos(v);
                            self.diags.error_help(
                                pos,
                                format!("`{}` is not `Name=code`", v.value),
                                "write each value as the vendor does, e.g. `Business=1`",
                            );
                        }
                    }
                }
                if r.value.param().is_empty() {
                    let pos = self.pos(r);
                    self.diags.error_help(
                        pos,
                        format!("`coded_enum` of `{name}` lists no values"),
                        "list them, e.g. `coded_enum: [Business=1, Home=2]`",
                    );
                } else {
                    let vals = values.clone();
                    rules.push(self.rule(
                        &r.value,
                        RuleKind::CodedEnum { values },
                        move |_| RuleKind::CodedEnum { values: vals.clone() },
                        id("coded_enum"),
                        &sources,
                    ));
                }
            } else {
                let pos = self.pos(r);
                wrong_type(self, pos, "coded_enum", "integers", "for text values use `enum`");
            }
        }
        if let Some(r) = &f.minimum {
            if matches!(scalar, Some(ScalarType::Integer | ScalarType::Number)) {
                let mk = |v: &f64| RuleKind::Minimum { value: *v };
                rules.push(self.rule(&r.value, mk(r.value.param()), mk, id("minimum"), &sources));
            } else {
                let pos = self.pos(r);
                wrong_type(
                    self,
                    pos,
                    "minimum",
                    "integers and numbers",
                    "change the field's type to `number` if the vendor sends numbers",
                );
            }
        }
        if let Some(r) = &f.format {
            if scalar == Some(ScalarType::String) {
                let parse = format_named;
                match parse(r.value.param()) {
                    Some(fmt) => {
                        let alt_ok = r
                            .value
                            .attrs()
                            .is_none_or(|a| a.alternatives.iter().all(|x| parse(&x.value).is_some()));
                        if !alt_ok {
                            let pos = self.pos(r);
                            self.diags.error_help(
                                pos,
                                "an alternative format is unknown",
                                "formats are `us_date`, `iso_date`, `iso_date_time`, `iso_date_time_unseparated` or `digits<N>`",
                            );
                        }
                        rules.push(self.rule(
                            &r.value,
                            RuleKind::Format { format: fmt },
                            |s| RuleKind::Format {
                                format: parse(s).unwrap_or(fmt),
                            },
                            id("format"),
                            &sources,
                        ));
                    }
                    None => {
                        let pos = self.pos(r);
                        let known = [
                            "us_date",
                            "iso_date",
                            "iso_date_time",
                            "iso_date_time_unseparated",
                            "not_blank",
                            "digits10",
                        ];
                        let help = match did_you_mean(r.value.param(), known) {
                            Some(s) => format!(
                                "did you mean `{s}`? (formats: `us_date` MM/DD/YYYY, `iso_date` YYYY-MM-DD, `iso_date_time` YYYY-MM-DDThh:mm:ss, `iso_date_time_unseparated` YYYY-MM-DDhh:mm:ss, `not_blank`, `digits<N>`)"
                            ),
                            None => "formats are `us_date` (MM/DD/YYYY), `iso_date` (YYYY-MM-DD), `iso_date_time` (YYYY-MM-DDThh:mm:ss), `iso_date_time_unseparated` (YYYY-MM-DDhh:mm:ss), `not_blank` (not only white space) and `digits<N>` (exactly N digits)".to_string(),
                        };
                        self.diags.error_help(pos, format!("unknown format `{}`", r.value.param()), help);
                    }
                }
            } else {
                let pos = self.pos(r);
                wrong_type(self, pos, "format", "strings", "remove it or change the field's type");
            }
        }
        if let Some(r) = &f.constant {
            if scalar == Some(ScalarType::Boolean) {
                let mk = |b: &bool| RuleKind::Const { value: *b };
                rules.push(self.rule(&r.value, mk(r.value.param()), mk, id("const"), &sources));
            } else {
                let pos = self.pos(r);
                wrong_type(self, pos, "const", "booleans", "for text use `enum: [VALUE]`");
            }
        }
        if let Some(r) = &f.max_items {
            if f.ty.value == syntax::TypeSyntax::Array {
                let mk = |m: &u64| RuleKind::MaxItems { max: *m };
                rules.push(self.rule(&r.value, mk(r.value.param()), mk, id("max_items"), &sources));
            } else {
                let pos = self.pos(r);
                wrong_type(self, pos, "max_items", "arrays", "for strings use `max_length`");
            }
        }

        let ty = match f.ty.value {
            syntax::TypeSyntax::Array => match &f.items {
                Some(items) => {
                    let inner = self.field(name, &items.value, path, &sources, None)?;
                    if inner.required || inner.rules.iter().any(|r| matches!(r.kind, RuleKind::Required)) {
                        let pos = self.pos(items);
                        self.diags.error_help(
                            pos,
                            "`required` has no meaning on array items",
                            "remove it; say how many items with `max_items`",
                        );
                    }
                    let items_pos = self.pos(items);
                    Type::Array {
                        items: Box::new(self.item_type(inner, items_pos)),
                    }
                }
                None => {
                    let pos = self.pos(&f.ty);
                    self.diags.error_help(
                        pos,
                        format!("array `{name}` does not say what its items are"),
                        "add `items: { type: ... }`",
                    );
                    return None;
                }
            },
            syntax::TypeSyntax::Object => match &f.fields {
                Some(fields) => {
                    let inner = self.fields(fields, &format!("{rule_path}."), &sources);
                    let mut obj_rules = Vec::new();
                    for r in &f.rules {
                        if let Some(rule) = self.object_rule(r, &inner, &format!("{rule_path}."), &sources) {
                            obj_rules.push(rule);
                        }
                    }
                    Type::Object {
                        fields: inner,
                        rules: obj_rules,
                    }
                }
                None => {
                    let pos = self.pos(&f.ty);
                    self.diags
                        .error_help(pos, format!("object `{name}` does not list its fields"), "add `fields: { ... }`");
                    return None;
                }
            },
            _ => Type::Scalar {
                scalar: scalar.expect("scalar types handled above"),
            },
        };
        if f.items.is_some() && f.ty.value != syntax::TypeSyntax::Array {
            let pos = self.pos(&f.ty);
            self.diags.error_help(
                pos,
                format!("`items` given for a field of type `{ty_name}`"),
                "`items` belongs to `type: array`",
            );
        }
        if !f.rules.is_empty() && f.ty.value != syntax::TypeSyntax::Object {
            let pos = self.pos(&f.ty);
            self.diags.error_help(
                pos,
                format!("`rules` given for a field of type `{ty_name}`"),
                "`rules` (`at_least_one_of`) belong to `type: object` or to the endpoint",
            );
        }
        if f.fields.is_some() && f.ty.value != syntax::TypeSyntax::Object {
            let pos = self.pos(&f.ty);
            self.diags.error_help(
                pos,
                format!("`fields` given for a field of type `{ty_name}`"),
                "`fields` belongs to `type: object`",
            );
        }

        let refers_to = f.refers_to.as_ref().map(|r| Reference {
            resource: r.resource.value.clone(),
            field: r.field.value.clone(),
            on_missing: self.error_ref(&r.on_missing),
        });
        if let Some(r) = &f.refers_to
            && let Some(ids) = self.declared.identifying.get(&r.resource.value)
            && !ids.contains(&r.field.value)
        {
            let ids = ids.clone();
            let pos = self.pos(&r.field);
            self.diags.error_help(
                pos,
                format!("`{}` does not identify a `{}`", r.field.value, r.resource.value),
                format!("refer to its key or a unique field: {}", one_of_list(&ids)),
            );
        }
        if let Some(r) = &f.refers_to
            && !self.declared.resources.contains(&r.resource.value)
        {
            let known: Vec<&str> = self.declared.resources.iter().map(String::as_str).collect();
            self.missing_resource(&r.resource, &known);
        }
        if let Some(from) = &f.from
            && !path.starts_with("response.")
        {
            let pos = self.pos(from);
            self.diags.error_help(
                pos,
                "`from` on a request field",
                "`from` names the record field a response field shows; for a request field use `operation.stores`",
            );
        }
        let other_types = f.other_types.as_ref().and_then(|o| self.other_types(o, scalar, &sources));
        Some(Field {
            from: f.from.as_ref().map(|x| x.value.clone()),
            other_types,
            name: name.to_string(),
            description: f.description.clone(),
            ty,
            required,
            nullable: f.nullable,
            rules,
            refers_to,
            run,
            sources,
        })
    }

    /// `other_types`: scalar types other than the field's own, on a scalar
    /// field.
    fn other_types(&mut self, o: &S<syntax::OtherTypesSyntax>, own: Option<ScalarType>, inherited: &[String]) -> Option<OtherTypes> {
        let pos = self.pos(o);
        let Some(own) = own else {
            self.diags.error_help(
                pos,
                "`other_types` on a field that is not a scalar",
                "only a scalar field's type can be read another way",
            );
            return None;
        };
        let mut types = Vec::new();
        for t in &o.value.types {
            match scalar_type(t.value) {
                Some(s) if s != own && !types.contains(&s) => types.push(s),
                _ => {
                    let pos = self.pos(t);
                    self.diags.error_help(
                        pos,
                        format!("`other_types` lists `{}`", format!("{:?}", t.value).to_lowercase()),
                        "list scalar types (string, integer, number, boolean) other than the field's own, once each",
                    );
                }
            }
        }
        if o.value.types.is_empty() {
            self.diags.error_help(
                pos,
                "`other_types` lists no types",
                "list the type the other reading gives, e.g. `types: [integer]`",
            );
        }
        Some(OtherTypes {
            types,
            note: o.value.note.trim().to_string(),
            sources: self.sources_or(&o.value.sources, inherited),
        })
    }

    /// Item fields are built like fields; their rules move onto the item type.
    /// Item fields are built like fields; an object item's rules move onto
    /// its type. A scalar item has nowhere to keep rules, so they are refused
    /// rather than dropped.
    fn item_type(&mut self, inner: Field, items_pos: Pos) -> Type {
        match inner.ty {
            Type::Object { fields, mut rules } => {
                rules.extend(inner.rules);
                Type::Object { fields, rules }
            }
            other => {
                if let Some(r) = inner.rules.first() {
                    self.diags.error_help(
                        items_pos,
                        format!("`{}` on the items of a list of scalars is not supported", r.kind.name()),
                        "make the items objects with a named field carrying the rule, or state the limit in `description`",
                    );
                }
                other
            }
        }
    }

    fn rule<P>(&mut self, syn: &RuleSyntax<P>, kind: RuleKind, alt: impl Fn(&P) -> RuleKind, id: String, inherited: &[String]) -> Rule {
        let Some(a) = syn.attrs() else {
            return Rule {
                id,
                kind,
                strength: Strength::Documented,
                alternatives: Vec::new(),
                note: None,
                message: None,
                on_violation: None,
                truncates: false,
                sources: inherited.to_vec(),
            };
        };
        let strength = match a.strength.as_ref().map(|s| s.value) {
            None | Some(syntax::StrengthSyntax::Documented) => Strength::Documented,
            Some(syntax::StrengthSyntax::Contested) => Strength::Contested,
            Some(syntax::StrengthSyntax::Site) => Strength::Site,
            Some(syntax::StrengthSyntax::Implied) => Strength::Implied,
        };
        if let Some(s) = &a.strength
            && strength != Strength::Documented
            && a.note.is_none()
        {
            let pos = self.pos(s);
            self.diags.error_help(
                pos,
                format!("a {strength} rule must say why"),
                "add `note:` quoting the sources that disagree (contested), why the values are per site (site), or what the inference rests on (implied)",
            );
        }
        if !a.alternatives.is_empty() && strength != Strength::Contested {
            let pos = self.pos(&a.alternatives[0]);
            self.diags.error_help(
                pos,
                "`alternatives` on a rule that is not contested",
                "alternatives are the other documented readings of a `strength: contested` rule",
            );
        }
        let truncates = a.truncates.as_ref().is_some_and(|t| t.value);
        if let Some(t) = &a.truncates
            && t.value
            && !(matches!(kind, RuleKind::MaxLength { .. }) && strength == Strength::Contested)
        {
            let pos = self.pos(t);
            self.diags.error_help(
                pos,
                "`truncates` on a rule that is not a contested `max_length`",
                "`truncates: true` says a contested limit's other reading cuts a longer value to the limit; remove it here",
            );
        }
        Rule {
            id,
            kind,
            strength,
            truncates,
            alternatives: a.alternatives.iter().map(|x| alt(&x.value)).collect(),
            note: a.note.clone(),
            message: a.message.clone(),
            on_violation: self.error_ref(&a.on_violation),
            sources: self.sources_or(&a.sources, inherited),
        }
    }

    fn object_rule(&mut self, r: &syntax::ObjectRuleSyntax, fields: &[Field], path: &str, inherited: &[String]) -> Option<Rule> {
        let rule_pos = self.pos(&r.at_least_one_of);
        let names: Vec<String> = match (&r.at_least_one_of.value.fields, &r.at_least_one_of.value.all_except) {
            (Some(list), None) => {
                for n in list {
                    self.request_field_exists(n, fields);
                }
                list.iter().map(|n| n.value.clone()).collect()
            }
            (None, Some(except)) => {
                for n in except {
                    self.request_field_exists(n, fields);
                }
                fields
                    .iter()
                    .filter(|f| !except.iter().any(|x| x.value == f.name))
                    .map(|f| f.name.clone())
                    .collect()
            }
            _ => {
                self.diags.error_help(
                    rule_pos,
                    "`at_least_one_of` needs exactly one of `fields` or `all_except`",
                    "write `at_least_one_of: { fields: [A, B] }` or `{ all_except: [KEY] }`",
                );
                return None;
            }
        };
        let sources = self.sources_or(&r.sources, inherited);
        let id = format!("{}.{}.{path}at_least_one_of", self.vendor, self.endpoint);
        if !self.object_rule_ids.insert(id.clone()) {
            self.diags.error_help(
                rule_pos,
                "a second `at_least_one_of` on the same object",
                "merge the two into one rule: an object has one `at_least_one_of`, so its rule id stays unique",
            );
            return None;
        }
        Some(Rule {
            id,
            kind: RuleKind::AtLeastOneOf { fields: names },
            strength: Strength::Documented,
            alternatives: Vec::new(),
            note: None,
            message: r.message.clone(),
            on_violation: self.error_ref(&r.on_violation),
            truncates: false,
            sources,
        })
    }
}

/// A format by its name in the schema language (`us_date`, `digits10`).
fn format_named(s: &str) -> Option<Format> {
    match s {
        "us_date" => Some(Format::UsDate),
        "iso_date" => Some(Format::IsoDate),
        "iso_date_time" => Some(Format::IsoDateTime),
        "iso_date_time_unseparated" => Some(Format::IsoDateTimeUnseparated),
        "not_blank" => Some(Format::NotBlank),
        _ => s
            .strip_prefix("digits")
            .and_then(|n| n.parse().ok())
            .map(|count| Format::Digits { count }),
    }
}

/// Expands a numbered run key `PREFIX{a..b}SUFFIX`; `None` for plain names.
pub fn expand_run(key: &str) -> Option<Result<Vec<(u32, String)>, String>> {
    let open = key.find('{')?;
    let close = key[open..].find('}')? + open;
    let inner = &key[open + 1..close];
    let Some((a, b)) = inner.split_once("..") else {
        return Some(Err(format!("`{{{inner}}}` is not a numbered run; write `{{1..16}}`")));
    };
    let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) else {
        return Some(Err(format!("`{{{inner}}}` is not a numbered run; write `{{1..16}}`")));
    };
    if a > b || b - a > 999 {
        return Some(Err(format!(
            "the run `{{{a}..{b}}}` is empty or too long; write `{{first..last}}` with first <= last"
        )));
    }
    let (pre, post) = (&key[..open], &key[close + 1..]);
    Some(Ok((a..=b).map(|i| (i, format!("{pre}{i}{post}"))).collect()))
}

/// An endpoint file's context: the file's, and the names its rule ids start with.

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

/// The scalar type a `type:` names; `None` for arrays and objects.
fn scalar_type(t: syntax::TypeSyntax) -> Option<ScalarType> {
    match t {
        syntax::TypeSyntax::String => Some(ScalarType::String),
        syntax::TypeSyntax::Integer => Some(ScalarType::Integer),
        syntax::TypeSyntax::Number => Some(ScalarType::Number),
        syntax::TypeSyntax::Boolean => Some(ScalarType::Boolean),
        _ => None,
    }
}
