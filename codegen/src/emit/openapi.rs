//! IR -> OpenAPI 3.1 documents (and, through [`super::openapi30`], their
//! 3.0.3 variants) and JSON Schema 2020-12 request schemas.
//!
//! Every rule's keywords come from [`erpspec_rules::RuleKind::json_schema`],
//! so this file only arranges them. What JSON Schema cannot say is kept
//! as data the reader can still see:
//! - contested and site rules are not asserted (a server or client may
//!   legitimately differ); they appear as `x-erpspec-rules` with their
//!   strength, note and sources, and in `description`;
//! - case-insensitive names and numbers carried in strings (ManEx) are a
//!   property of the dialect, stated as `x-erpspec-dialect` on the document.
//!
//! So a request with the declared spelling and JSON types is valid against
//! the emitted schema exactly when the validators find no documented-rule
//! violation — `generated/tests/agree.rs` checks that on random requests.

use super::pretty_writer::PrettyWriter;
use erpspec_model::answers::{self, Situation};
use erpspec_model::ir::{
    Api, Endpoint, ErrorEntry, Field, ParamLocation, Payload, PresentationLocation, Rule, Template, TokenCarrier, Type, Vendor,
};
use erpspec_rules::{RuleKind, ScalarType, Strength};
use serde_json::{Map, Value, json};

/// Where the OpenAPI documents go.
pub const OPENAPI_DIR: &str = "generated/openapi";
/// Where the per-endpoint request and response JSON Schemas go.
pub const JSON_SCHEMA_DIR: &str = "generated/json-schema";

/// `(path relative to the workspace root, contents)` for every document.
pub fn files(api: &Api) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in &api.vendors {
        out.extend(vendor_files(v));
        for ep in &v.endpoints {
            out.extend(endpoint_files(v, ep));
        }
    }
    out
}

/// A vendor's OpenAPI 3.1 document and its 3.0.3 variant.
pub fn vendor_files(v: &Vendor) -> [(String, String); 2] {
    let (v31, v30) = streamed_documents(v).unwrap_or_else(|| {
        let doc = openapi(v);
        (pretty(&doc), pretty(&super::openapi30::from_31(&doc)))
    });
    [
        (format!("{OPENAPI_DIR}/{}.openapi-3.0.3.json", v.name), v30),
        (format!("{OPENAPI_DIR}/{}.openapi.json", v.name), v31),
    ]
}

/// The text of [`openapi`] and of its 3.0.3 variant, written one path item
/// and one schema at a time: the whole document as JSON values (a clone of
/// it for 3.0.3 too) was most of the process's peak memory at 1,000
/// endpoints. `None` when two endpoints share a path (the document's map
/// keeps the first one's place and the last one's item; the caller builds
/// it whole then).
fn streamed_documents(v: &Vendor) -> Option<(String, String)> {
    let mut paths = std::collections::HashSet::new();
    if !v
        .endpoints
        .iter()
        .all(|ep| paths.insert(v.transport.path.replace("{route}", &ep.route)))
    {
        return None;
    }
    let (security_schemes, security) = security(v);
    let mut docs = [PrettyWriter::new(), PrettyWriter::new()];
    let mut head = head(v);
    for (i, d) in docs.iter_mut().enumerate() {
        if i == 1 {
            head["openapi"] = json!("3.0.3");
        }
        d.open();
        head.iter().for_each(|(k, val)| d.entry(k, val));
        d.open_entry("paths");
    }
    for ep in &v.endpoints {
        let (path, mut item) = path_item(v, ep, &security);
        docs[0].entry(&path, &item);
        super::openapi30::path_item(&mut item);
        docs[1].entry(&path, &item);
    }
    for d in &mut docs {
        d.close();
        d.open_entry("components");
        d.open_entry("schemas");
    }
    for ep in &v.endpoints {
        let (name, mut schema) = component_schema(ep);
        docs[0].entry(&name, &schema);
        super::openapi30::rewrite(&mut schema);
        docs[1].entry(&name, &schema);
    }
    let schemes = (!security_schemes.is_empty()).then(|| Value::Object(security_schemes));
    let [v31, v30] = docs.map(|mut d| {
        d.close();
        if let Some(s) = &schemes {
            d.entry("securitySchemes", s);
        }
        d.close();
        d.close();
        d.finish()
    });
    Some((v31, v30))
}

/// An endpoint's request JSON Schema and one response JSON Schema per status.
pub fn endpoint_files(v: &Vendor, ep: &Endpoint) -> Vec<(String, String)> {
    let mut out = vec![(
        format!("{JSON_SCHEMA_DIR}/{}/{}.request.json", v.name, ep.id),
        pretty(&request_schema(v, ep)),
    )];
    for (status, response) in responses(v, ep) {
        out.push((
            format!("{JSON_SCHEMA_DIR}/{}/{}.response-{status}.json", v.name, ep.id),
            pretty(&response_document(v, ep, &status, &response)),
        ));
    }
    out
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values always serialise");
    s.push('\n');
    s
}

/// The JSON Schema 2020-12 document for one endpoint's request.
pub fn request_schema(v: &Vendor, ep: &Endpoint) -> Value {
    let mut schema = object_schema(&ep.request, &ep.rules);
    let m = schema.as_object_mut().expect("object schema");
    let mut head = Map::new();
    head.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    head.insert(
        "$comment".into(),
        format!(
            "Generated by `cargo xtask codegen` from schemas/{}/{}.yaml. Do not edit by hand.",
            v.name, ep.id
        )
        .into(),
    );
    head.insert(
        "$id".into(),
        format!("https://erpspec.invalid/{}/{}.request.json", v.name, ep.id).into(),
    );
    head.insert("title".into(), format!("{} — {} request", v.title, ep.title).into());
    head.insert("x-erpspec-dialect".into(), dialect(v));
    head.append(m);
    Value::Object(head)
}

/// The JSON Schema 2020-12 document for the bodies an endpoint answers
/// with under one HTTP status (`default`: a status the docs leave open).
fn response_document(v: &Vendor, ep: &Endpoint, status: &str, response: &Value) -> Value {
    let mut schema = response["content"]["application/json"]["schema"].clone();
    let mut doc = Map::new();
    doc.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    doc.insert(
        "$comment".into(),
        format!("Generated by `cargo xtask codegen` from schemas/{}/. Do not edit by hand.", v.name).into(),
    );
    doc.insert(
        "$id".into(),
        format!("https://erpspec.invalid/{}/{}.response-{status}.json", v.name, ep.id).into(),
    );
    let when = if status == "default" {
        "any other HTTP status".to_string()
    } else {
        format!("HTTP {status}")
    };
    doc.insert("title".into(), format!("{} — {} answer, {when}", v.title, ep.title).into());
    doc.insert("description".into(), response["description"].clone());
    if let Some(m) = schema.as_object_mut() {
        doc.append(m);
    }
    Value::Object(doc)
}

/// What the dialect adds to plain JSON Schema validation: how names match,
/// whether strings carry numbers, and that `null` reads as an absent member.
fn dialect(v: &Vendor) -> Value {
    json!({
        "names": v.transport.names,
        "strings_carry_scalars": v.transport.strings_carry_scalars,
        "null_is_absent": true,
    })
}

fn object_schema(fields: &[Field], rules: &[Rule]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut contested_required = Vec::new();
    for f in fields {
        properties.insert(f.name.clone(), field_schema(f));
        match f.rules.iter().find(|r| matches!(r.kind, RuleKind::Required)) {
            // A requirement only one reading of the docs makes is described, not asserted.
            Some(r) if r.strength != Strength::Documented => contested_required.push(r.clone()),
            _ if f.required => required.push(Value::String(f.name.clone())),
            _ => {}
        }
    }
    let mut m = Map::new();
    m.insert("type".into(), "object".into());
    m.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        m.insert("required".into(), Value::Array(required));
    }
    let (asserted, mut described) = split(rules);
    for r in asserted {
        m.append(&mut r.kind.json_schema());
    }
    described.extend(contested_required.iter().map(describe_rule));
    if !described.is_empty() {
        m.insert("x-erpspec-rules".into(), Value::Array(described));
    }
    Value::Object(m)
}

/// Documented rules become keywords; contested and site rules are
/// described only.
fn split(rules: &[Rule]) -> (Vec<&Rule>, Vec<Value>) {
    let mut asserted = Vec::new();
    let mut described = Vec::new();
    for r in rules {
        if matches!(r.kind, RuleKind::Required) {
            continue;
        }
        if r.strength == Strength::Documented {
            asserted.push(r);
        } else {
            described.push(describe_rule(r));
        }
    }
    (asserted, described)
}

/// A rule JSON Schema does not assert, as an `x-erpspec-rules` entry.
fn describe_rule(r: &Rule) -> Value {
    let mut d = json!({ "id": r.id, "strength": r.strength, "rule": r.kind.describe(), "sources": r.sources });
    if let Some(n) = &r.note {
        d["note"] = n.clone().into();
    }
    if !r.alternatives.is_empty() {
        d["alternatives"] = r.alternatives.iter().map(|a| Value::String(a.describe())).collect();
    }
    d
}

fn field_schema(f: &Field) -> Value {
    let mut s = type_schema(&f.ty);
    let m = s.as_object_mut().expect("type schemas are objects");
    let (asserted, described) = split(&f.rules);
    for r in asserted {
        m.append(&mut r.kind.json_schema());
    }
    let mut text: Vec<String> = f.description.iter().cloned().collect();
    for r in f.rules.iter().filter(|r| r.strength != Strength::Documented) {
        text.push(format!("{} rule: {} {}.", r.strength, f.name, r.kind.describe()));
    }
    if let Some(o) = &f.other_types {
        let types: Vec<&str> = o.types.iter().map(|t| t.json_schema_type()).collect();
        text.push(format!(
            "contested type: another reading gives {} {}: {}",
            f.name,
            types.join(" or "),
            o.note
        ));
    }
    if !text.is_empty() {
        m.insert("description".into(), text.join(" ").into());
    }
    if !described.is_empty() {
        m.insert("x-erpspec-rules".into(), Value::Array(described));
    }
    if f.nullable {
        let t = m.remove("type").unwrap_or(Value::Null);
        m.insert("type".into(), json!([t, "null"]));
    }
    s
}

fn type_schema(t: &Type) -> Value {
    match t {
        // Integers are 64-bit signed (erpspec_rules::ScalarType::Integer).
        Type::Scalar {
            scalar: ScalarType::Integer,
        } => json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
        Type::Scalar { scalar } => json!({ "type": scalar.json_schema_type() }),
        Type::Array { items } => json!({ "type": "array", "items": type_schema(items) }),
        Type::Object { fields, rules } => object_schema(fields, rules),
    }
}

fn response_schema(v: &Vendor, ep: &Endpoint) -> Value {
    let record = object_schema(&ep.response.fields, &[]);
    match &ep.response.payload {
        Payload::Record => with_payload_members(v, record),
        Payload::Records => json!({ "type": "array", "items": record }),
        Payload::EmptyObject => json!({ "type": "object", "maxProperties": 0 }),
        Payload::Null => json!({ "type": "null" }),
        // The docs do not describe the body: any JSON value.
        Payload::Unspecified => json!({}),
        Payload::Wrapped { member } if ep.wraps_list() => {
            let mut properties = Map::new();
            for (name, _) in &ep.response.beside {
                properties.insert(name.clone(), json!({ "type": "integer" }));
            }
            properties.insert(member.clone(), json!({ "type": "array", "items": record }));
            json!({ "type": "object", "properties": properties, "required": [member] })
        }
        Payload::Wrapped { member } => json!({ "type": "object", "properties": { member.clone(): record }, "required": [member] }),
    }
}

/// A record payload with the members the success envelope's samples show
/// beside its fields (`$id`): described, not required, any value of their type.
fn with_payload_members(v: &Vendor, mut record: Value) -> Value {
    let members = &v.envelopes.success.payload_members;
    if let Some(Value::Object(props)) = record.get_mut("properties") {
        let mut all = Map::new();
        for (name, shown) in members {
            let ty = match shown {
                Value::String(_) => json!({ "type": "string" }),
                Value::Number(_) => json!({ "type": "number" }),
                Value::Bool(_) => json!({ "type": "boolean" }),
                _ => json!({}),
            };
            let mut schema = ty;
            schema["description"] = json!(format!(
                "Shown in the docs' samples (as {shown}); not required, and its value is not fixed."
            ));
            all.insert(name.clone(), schema);
        }
        all.append(props);
        *props = all;
    }
    record
}

/// Replaces template slots: `{{payload}}` by `payload`, `{{message}}` and
/// `{{any}}` by their schemas, vars and `{{code}}` by constants. Where the
/// vendor's envelopes may write their scalars as text (`quoted`), a
/// constant is the value or its text.
fn template_schema(t: &Template, payload: &Value, message: &Value, vars: &Map<String, Value>, quoted: bool) -> Value {
    let constant = |v: &Value| match v {
        Value::Bool(_) | Value::Number(_) | Value::Null if quoted => json!({ "anyOf": [{ "const": v }, { "const": v.to_string() }] }),
        _ => json!({ "const": v }),
    };
    match t {
        Template::Slot(slot) => match slot.as_str() {
            "payload" => payload.clone(),
            "message" => message.clone(),
            "any" => json!({}),
            other => match vars.get(other) {
                Some(v) => constant(v),
                None => json!({}),
            },
        },
        Template::Object(m) => {
            let props: Map<String, Value> = m
                .iter()
                .map(|(k, v)| (k.clone(), template_schema(v, payload, message, vars, quoted)))
                .collect();
            let required: Vec<Value> = m.iter().map(|(k, _)| Value::String(k.clone())).collect();
            json!({ "type": "object", "properties": props, "required": required })
        }
        other => constant(&other.to_value()),
    }
}

fn error_schema(v: &Vendor, e: &ErrorEntry) -> Value {
    let message = match &e.message {
        erpspec_model::ir::MessageRule::Exact(m) => json!({ "const": m }),
        erpspec_model::ir::MessageRule::Prefix(p) => json!({ "type": "string", "pattern": format!("^{}", regex_escape(p)) }),
        erpspec_model::ir::MessageRule::Any => json!({ "type": "string" }),
    };
    let vars: Map<String, Value> = answers::fixed_error_slots(v, e).into_iter().collect();
    template_schema(
        answers::error_template(v, e),
        &Value::Null,
        &message,
        &vars,
        v.envelopes.scalars_as_text.is_some(),
    )
}

/// An operation's responses by HTTP status (`default` where the docs give
/// none): the success envelope, and every entry the shared model answers
/// the endpoint with.
fn responses(v: &Vendor, ep: &Endpoint) -> Map<String, Value> {
    let message = match &ep.response.message {
        Some(m) => json!({ "const": m }),
        None => json!({ "type": "string" }),
    };
    let success = template_schema(
        &v.envelopes.success.body,
        &response_schema(v, ep),
        &message,
        &v.envelopes.success.vars.clone().into_iter().collect(),
        v.envelopes.scalars_as_text.is_some(),
    );
    let mut responses = Map::new();
    let ok_status = answers::served(v, Some(ep), &Situation::Success).status.to_string();
    let mut by_status: std::collections::BTreeMap<String, Vec<&ErrorEntry>> = Default::default();
    for id in &answers::answerable_entries(v, ep) {
        if let Some(e) = v.error(id) {
            let status = answers::documented_status(v, e)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "default".into());
            by_status.entry(status).or_default().push(e);
        }
    }
    // A refusal whose HTTP status the docs leave open may come with
    // the success status (ManEx `Code: 403`, RPM `Result.Error`, both
    // under HTTP 200): that status's answer is either envelope.
    let open_status: Vec<Value> = by_status.get("default").into_iter().flatten().map(|e| error_schema(v, e)).collect();
    let (ok_schema, ok_description) = if open_status.is_empty() {
        (success, "Success.".to_string())
    } else {
        let mut any = vec![success];
        any.extend(open_status);
        (
            json!({ "anyOf": any }),
            "Success, or a refusal: the docs do not give refusals an HTTP status of their own, and the envelope carries the outcome."
                .to_string(),
        )
    };
    let mut ok = json!({ "description": ok_description, "content": { "application/json": { "schema": ok_schema } } });
    if let Some(header) = token_header(v, ep) {
        ok["headers"] = json!({ header: {
            "description": "The token the other calls present.",
            "required": true,
            "schema": { "type": "string", "minLength": 1 },
        } });
    }
    responses.insert(ok_status, ok);
    for (status, entries) in by_status {
        let schemas: Vec<Value> = entries.iter().map(|e| error_schema(v, e)).collect();
        let text: Vec<String> = entries
            .iter()
            .map(|e| format!("{}: {}", e.id, e.message.example("(any text)")))
            .collect();
        let schema = if schemas.len() == 1 {
            schemas[0].clone()
        } else {
            json!({ "anyOf": schemas })
        };
        let mut resp = json!({ "description": text.join("; "), "content": { "application/json": { "schema": schema } } });
        if status == "default" {
            resp["description"] = format!("HTTP status not documented. {}", text.join("; ")).into();
        }
        responses.insert(status, resp);
    }
    responses
}

/// The header a login endpoint's answer carries its token in, if it does.
fn token_header<'v>(v: &'v Vendor, ep: &Endpoint) -> Option<&'v str> {
    match &v.auth.token {
        Some(t) if t.endpoint == ep.id => match &t.carried_in {
            TokenCarrier::Header(h) => Some(h),
            TokenCarrier::Field(_) => None,
        },
        _ => None,
    }
}

/// An example's key in an `examples` map: its caption, as a slug.
fn example_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('-') {
            key.push('-');
        }
    }
    key.trim_matches('-').to_string()
}

/// The docs' JSON request examples that satisfy every rule in plain JSON
/// (declared spelling, JSON types: what the emitted schema asserts), as
/// OpenAPI examples a peer tool may send and expect a success. Every
/// example, with its verdict, is in `x-erpspec-request-examples`.
fn request_examples(ep: &Endpoint) -> Map<String, Value> {
    let mut out = Map::new();
    let plain = |e: &&erpspec_model::ir::Example| e.breaks.is_empty() && e.query.is_none() && plain_json(&ep.request, &e.request);
    for ex in ep.examples.iter().filter(plain) {
        let mut example = json!({ "summary": ex.name, "value": ex.request });
        if let Some(n) = &ex.note {
            example["description"] = n.clone().into();
        }
        out.insert(example_key(&ex.name), example);
    }
    out
}

/// Is a request plain JSON for these fields: every member spelled as
/// declared, every value of its declared JSON type, no nulls? (The dialect
/// may accept more: names in any case, numbers carried in strings.)
fn plain_json(fields: &[Field], value: &Value) -> bool {
    let Value::Object(members) = value else { return false };
    members
        .iter()
        .all(|(name, v)| fields.iter().find(|f| &f.name == name).is_some_and(|f| plain_value(&f.ty, v)))
}

fn plain_value(t: &Type, v: &Value) -> bool {
    match (t, v) {
        (Type::Scalar { scalar }, _) => match scalar {
            ScalarType::String => v.is_string(),
            ScalarType::Integer => v.is_i64(),
            ScalarType::Number => v.is_number(),
            ScalarType::Boolean => v.is_boolean(),
        },
        (Type::Array { items }, Value::Array(a)) => a.iter().all(|x| plain_value(items, x)),
        (Type::Object { fields, .. }, _) => plain_json(fields, v),
        _ => false,
    }
}

/// The docs' sample answers the recognisers accept, as examples of the
/// response for their status (the success status where the docs give a
/// refusal none). Samples that differ are in `x-erpspec-response-examples`.
fn add_response_examples(v: &Vendor, ep: &Endpoint, responses: &mut Map<String, Value>) {
    let ok_status = answers::served(v, Some(ep), &Situation::Success).status.to_string();
    for ex in ep.response_examples.iter().filter(|e| e.differs.is_none()) {
        let status = ex.status.map(|s| s.to_string()).unwrap_or_else(|| ok_status.clone());
        let Some(media) = responses
            .get_mut(&status)
            .and_then(|r| r.get_mut("content"))
            .and_then(|c| c.get_mut("application/json"))
        else {
            continue;
        };
        let mut example = json!({ "summary": ex.name, "value": ex.body });
        if let Some(n) = &ex.note {
            example["description"] = n.clone().into();
        }
        let examples = media
            .as_object_mut()
            .expect("media objects")
            .entry("examples")
            .or_insert_with(|| json!({}));
        examples[example_key(&ex.name)] = example;
    }
}

/// What OpenAPI cannot say about an operation, as `x-erpspec-*` members
/// (documented in README.md): the documents it comes from, the vendor's
/// program, quirks of its answers, the contradictions between its sources,
/// and every doc example with what the rules say of it.
fn extensions(v: &Vendor, ep: &Endpoint) -> Map<String, Value> {
    let mut m = Map::new();
    let sources: Vec<Value> = v.sources_of(ep).iter().map(|s| source_value(s)).collect();
    m.insert("x-erpspec-sources".into(), Value::Array(sources));
    if let Some(p) = &ep.program {
        m.insert("x-erpspec-program".into(), p.clone().into());
    }
    if !ep.quirks.is_empty() {
        let quirks = ep
            .quirks
            .iter()
            .map(|q| json!({ "id": q.id, "description": q.description, "sources": q.sources }))
            .collect();
        m.insert("x-erpspec-quirks".into(), Value::Array(quirks));
    }
    let contradictions: Vec<Value> = v
        .contradictions_of(ep)
        .iter()
        .map(|c| json!({ "summary": c.summary, "sources": c.sources }))
        .collect();
    if !contradictions.is_empty() {
        m.insert("x-erpspec-contradictions".into(), Value::Array(contradictions));
    }
    if !ep.examples.is_empty() {
        let examples = ep
            .examples
            .iter()
            .map(|e| {
                let mut x = json!({ "name": e.name, "request": e.request, "satisfies_rules": e.breaks.is_empty(), "sources": e.sources });
                if let Some(q) = &e.query {
                    x["query"] = q.clone().into();
                }
                if !e.breaks.is_empty() {
                    x["breaks"] = json!(e.breaks);
                }
                if let Some(n) = &e.note {
                    x["note"] = n.clone().into();
                }
                x
            })
            .collect();
        m.insert("x-erpspec-request-examples".into(), Value::Array(examples));
    }
    if !ep.response_examples.is_empty() {
        let examples = ep
            .response_examples
            .iter()
            .map(|e| {
                let mut x = json!({ "name": e.name, "answer": e.answer.as_deref().unwrap_or("success"), "body": e.body, "recognised": e.differs.is_none(), "sources": e.sources });
                if let Some(s) = e.status {
                    x["status"] = s.into();
                }
                for (key, text) in [("note", &e.note), ("differs", &e.differs), ("mismatch", &e.mismatch)] {
                    if let Some(t) = text {
                        x[key] = t.clone().into();
                    }
                }
                x
            })
            .collect();
        m.insert("x-erpspec-response-examples".into(), Value::Array(examples));
    }
    m
}

fn source_value(s: &erpspec_model::ir::Source) -> Value {
    let mut x = json!({ "id": s.id, "title": s.title });
    if let Some(u) = &s.url {
        x["url"] = u.clone().into();
    }
    if let Some(seed) = &s.seed {
        x["seed"] = format!("../shared/seeds/{seed}").into();
    }
    x
}

fn regex_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// The OpenAPI 3.1 document of one vendor.
pub fn openapi(v: &Vendor) -> Value {
    let (security_schemes, security) = security(v);
    let mut paths = Map::new();
    for ep in &v.endpoints {
        let (path, item) = path_item(v, ep, &security);
        paths.insert(path, item);
    }
    let schemas: Map<String, Value> = v.endpoints.iter().map(component_schema).collect();
    let mut doc = head(v);
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), components(schemas, security_schemes));
    Value::Object(doc)
}

/// The members of a vendor's document before `paths`.
fn head(v: &Vendor) -> Map<String, Value> {
    let head = json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} API", v.title),
            "version": "erpspec",
            "description": format!("Generated by `cargo xtask codegen` from schemas/{}/. Do not edit by hand.", v.name),
            // The licence of this document (erpspec's), not of the vendor's API.
            "license": { "name": "MIT OR Apache-2.0", "url": "https://spdx.org/licenses/MIT.html" },
        },
        // The vendors give no base URL: each installation has its own root.
        "servers": [{
            "url": "{root}",
            "description": "The installation's root URL (site-specific: the docs give none).",
            "variables": { "root": { "default": "http://127.0.0.1:8080", "description": "The erpspec reference server's default address." } },
        }],
        "x-erpspec-dialect": dialect(v),
    });
    match head {
        Value::Object(m) => m,
        _ => unreachable!("an object literal"),
    }
}

fn components(schemas: Map<String, Value>, security_schemes: Map<String, Value>) -> Value {
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    if !security_schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(security_schemes));
    }
    Value::Object(components)
}

/// The security schemes of a vendor's header and query credentials, and the
/// requirement an authenticated operation states.
fn security(v: &Vendor) -> (Map<String, Value>, Vec<Value>) {
    let mut security_schemes = Map::new();
    let mut security = Vec::new();
    for p in &v.auth.presentations {
        let location = match p.location {
            PresentationLocation::Header => "header",
            PresentationLocation::Query => "query",
            // Path and body credentials are parameters and fields below.
            PresentationLocation::Path | PresentationLocation::Body => continue,
        };
        security_schemes.insert(p.name.clone(), json!({ "type": "apiKey", "in": location, "name": p.name }));
        security.push(json!({ p.name.clone(): [] }));
    }
    (security_schemes, security)
}

/// An endpoint's request schema under `components/schemas`.
fn component_schema(ep: &Endpoint) -> (String, Value) {
    let mut s = object_schema(&ep.request, &ep.rules);
    s["title"] = format!("{} request", ep.title).into();
    (format!("{}-request", ep.id), s)
}

/// An endpoint's path and path item: one operation per method.
fn path_item(v: &Vendor, ep: &Endpoint, security: &[Value]) -> (String, Value) {
    let path = v.transport.path.replace("{route}", &ep.route);
    let mut item = Map::new();
    let path_params: Vec<Value> = v
        .auth
        .presentations
        .iter()
        .filter(|p| p.location == PresentationLocation::Path)
        .map(|p| json!({ "name": p.name, "in": "path", "required": true, "schema": { "type": "string" }, "description": format!("The {} credential.", p.value) }))
        .collect();
    // The same for every method: made once, cloned into each.
    let mut ep_responses = responses(v, ep);
    add_response_examples(v, ep, &mut ep_responses);
    let ep_extensions = extensions(v, ep);
    for method in &v.transport.methods {
        let mut op = Map::new();
        op.insert("operationId".into(), format!("{}-{}", ep.id, method.to_lowercase()).into());
        op.insert("summary".into(), ep.title.clone().into());
        if let Some(s) = &ep.summary {
            op.insert("description".into(), s.clone().into());
        }
        let mut params = path_params.clone();
        let body_allowed = method != "GET" && v.transport.parameters.contains(&ParamLocation::Body);
        if body_allowed {
            let mut media = json!({ "schema": { "$ref": format!("#/components/schemas/{}-request", ep.id) } });
            let examples = request_examples(ep);
            if !examples.is_empty() {
                media["examples"] = Value::Object(examples);
            }
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/json": media } }),
            );
        } else if v.transport.parameters.contains(&ParamLocation::Query) {
            for f in &ep.request {
                params.push(json!({ "name": f.name, "in": "query", "required": f.required, "schema": field_schema(f) }));
            }
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        op.insert("responses".into(), Value::Object(ep_responses.clone()));
        op.append(&mut ep_extensions.clone());
        // Credentials OpenAPI has no scheme for (a token in the body, a
        // key in the path) are the documented fields and parameters
        // themselves: no security requirement beyond them.
        let required = if ep.authenticated { security.to_vec() } else { Vec::new() };
        op.insert("security".into(), Value::Array(required));
        item.insert(method.to_lowercase(), Value::Object(op));
    }
    (path, Value::Object(item))
}
