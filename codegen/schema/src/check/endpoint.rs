//! An endpoint file: its name, its request (inherited by `extends`,
//! trimmed by `remove`), its response, and what references the fields.

use super::{Cx, EndpointCx, suggest};
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

impl EndpointCx<'_> {
    pub(super) fn object_rules(
        &mut self,
        rules: &[syntax::ObjectRuleSyntax],
        fields: &[Field],
        path: &str,
        inherited: &[String],
    ) -> Vec<Rule> {
        rules.iter().filter_map(|r| self.object_rule(r, fields, path, inherited)).collect()
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
                    let obj_rules = self.object_rules(&f.rules, &inner, &format!("{rule_path}."), &sources);
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

    pub(super) fn rule<P>(
        &mut self,
        syn: &RuleSyntax<P>,
        kind: RuleKind,
        alt: impl Fn(&P) -> RuleKind,
        id: String,
        inherited: &[String],
    ) -> Rule {
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
pub(super) fn format_named(s: &str) -> Option<Format> {
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
