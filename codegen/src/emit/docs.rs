//! IR -> documentation pages: one Markdown page per endpoint (and per
//! vendor, and an index) under `generated/docs/`, and the same pages as a
//! static HTML site under `generated/site/`.
//!
//! A page is laid out as the vendors lay out theirs (URL, method, program,
//! required fields, example request, full request, success response,
//! failure responses with exact messages), then adds what their pages lack:
//! every rule with its strength and sources, the contradictions between the
//! sources it cites, and every doc example and sample answer with what the
//! rules say of it. The page *model* is built here once, as JSON; the
//! Markdown and HTML templates (`codegen/templates/`, minijinja) only lay it
//! out, so both formats always say the same thing.

use erpspec_model::answers::{answerable_entries, documented_status};
use erpspec_model::ir::{Api, Endpoint, Field, MessageRule, PresentationLocation, Rule, Source, Type, Vendor, walk_fields};
use erpspec_rules::{RuleKind, Strength};
use minijinja::{Environment, context};
use serde_json::{Value, json};

/// Where the Markdown pages go.
pub const DOCS_DIR: &str = "generated/docs";
/// Where the HTML site goes.
pub const SITE_DIR: &str = "generated/site";

const TEMPLATES: &[(&str, &str)] = &[
    ("macros.md", include_str!("../../templates/macros.md.jinja")),
    ("endpoint.md", include_str!("../../templates/endpoint.md.jinja")),
    ("vendor.md", include_str!("../../templates/vendor.md.jinja")),
    ("index.md", include_str!("../../templates/index.md.jinja")),
    ("base.html", include_str!("../../templates/base.html.jinja")),
    ("endpoint.html", include_str!("../../templates/endpoint.html.jinja")),
    ("vendor.html", include_str!("../../templates/vendor.html.jinja")),
    ("index.html", include_str!("../../templates/index.html.jinja")),
];

const STYLE: &str = include_str!("../../templates/style.css");

/// `(path relative to the workspace root, contents)` for every page.
pub fn files(api: &Api) -> Result<Vec<(String, String)>, super::EmitError> {
    let pages = Pages::of(api);
    let mut out = pages.index()?;
    for (i, v) in api.vendors.iter().enumerate() {
        out.extend(pages.vendor(i)?);
        for j in 0..v.endpoints.len() {
            out.extend(pages.endpoint(i, j)?);
        }
    }
    Ok(out)
}

/// The templates and every vendor's page model, made once: each page can
/// then be rendered on its own (and on any thread). The models are
/// template values already, so a page shares its vendor's model instead of
/// converting it again (a vendor model lists every endpoint: converting it
/// for each endpoint page made the pages quadratic in endpoints).
pub struct Pages<'a> {
    api: &'a Api,
    env: Environment<'static>,
    vendors: Vec<minijinja::Value>,
}

impl<'a> Pages<'a> {
    pub fn of(api: &'a Api) -> Self {
        let vendors = api
            .vendors
            .iter()
            .map(|v| minijinja::Value::from_serialize(vendor_model(v)))
            .collect();
        Pages {
            api,
            env: environment(),
            vendors,
        }
    }

    fn render(&self, template: &str, path: String, ctx: minijinja::Value) -> Result<(String, String), super::EmitError> {
        let text = self
            .env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| super::EmitError {
                file: path.clone(),
                message: format!("{e:#}"),
            })?;
        Ok((path, finish(text)))
    }

    /// The index pages (Markdown and HTML) and the site's style sheet.
    pub fn index(&self) -> Result<Vec<(String, String)>, super::EmitError> {
        let vendors = &self.vendors;
        Ok(vec![
            self.render("index.md", format!("{DOCS_DIR}/index.md"), context! { vendors })?,
            self.render("index.html", format!("{SITE_DIR}/index.html"), context! { vendors, root => "" })?,
            (format!("{SITE_DIR}/style.css"), STYLE.to_string()),
        ])
    }

    /// The `i`th vendor's pages.
    pub fn vendor(&self, i: usize) -> Result<[(String, String); 2], super::EmitError> {
        let (v, vendor) = (&self.api.vendors[i], &self.vendors[i]);
        Ok([
            self.render("vendor.md", format!("{DOCS_DIR}/{}/index.md", v.name), context! { vendor })?,
            self.render(
                "vendor.html",
                format!("{SITE_DIR}/{}/index.html", v.name),
                context! { vendor, root => "../" },
            )?,
        ])
    }

    /// The pages of the `j`th endpoint of the `i`th vendor.
    pub fn endpoint(&self, i: usize, j: usize) -> Result<[(String, String); 2], super::EmitError> {
        let (v, vendor) = (&self.api.vendors[i], &self.vendors[i]);
        let ep = &v.endpoints[j];
        let page = minijinja::Value::from_serialize(endpoint_model(v, ep));
        Ok([
            self.render(
                "endpoint.md",
                format!("{DOCS_DIR}/{}/{}.md", v.name, ep.id),
                context! { vendor, ep => &page },
            )?,
            self.render(
                "endpoint.html",
                format!("{SITE_DIR}/{}/{}.html", v.name, ep.id),
                context! { vendor, ep => &page, root => "../" },
            )?,
        ])
    }
}

/// One trailing newline, no trailing spaces, at most one blank line in a
/// row: templates stay readable without making the pages ragged.
fn finish(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let trimmed = out.trim_matches('\n');
    format!("{trimmed}\n")
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // HTML templates escape by their name; Markdown ones do not.
    env.set_auto_escape_callback(|name| match name.ends_with(".html") {
        true => minijinja::AutoEscape::Html,
        false => minijinja::AutoEscape::None,
    });
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("cell", |s: String| s.replace('|', "\\|").replace('\n', " "));
    // Markdown's `code` spans in text shared by both formats, as HTML.
    env.add_filter("inline", |s: String| {
        let escaped = s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        let mut html = String::new();
        for (i, part) in escaped.split('`').enumerate() {
            match i % 2 {
                1 => html.push_str(&format!("<code>{part}</code>")),
                _ => html.push_str(part),
            }
        }
        minijinja::Value::from_safe_string(html)
    });
    env.add_filter("json", |v: minijinja::Value| {
        let json: Value = serde_json::to_value(&v).unwrap_or(Value::Null);
        json.to_string()
    });
    env.add_filter("pretty", |v: minijinja::Value| {
        let json: Value = serde_json::to_value(&v).unwrap_or(Value::Null);
        serde_json::to_string_pretty(&json).unwrap_or_default()
    });
    for (name, text) in TEMPLATES {
        env.add_template(name, text).expect("the built-in templates parse");
    }
    env
}

fn vendor_model(v: &Vendor) -> Value {
    let endpoints: Vec<Value> = v
        .endpoints
        .iter()
        .map(|ep| {
            json!({
                "id": ep.id, "title": ep.title, "summary": ep.summary, "url": url(v, ep),
                "rules": ep.all_rules().len(),
                "contested": ep.all_rules().iter().filter(|(_, r)| r.strength == Strength::Contested).count(),
            })
        })
        .collect();
    let sources: Vec<Value> = v.sources.values().map(source_model).collect();
    let contradictions: Vec<Value> = v
        .contradictions
        .iter()
        .map(|c| json!({ "summary": c.summary, "sources": c.sources }))
        .collect();
    json!({
        "name": v.name,
        "title": v.title,
        "path": v.transport.path,
        "methods": v.transport.methods.join(", "),
        "methods_documented": v.transport.methods_documented,
        "parameters": parameters(v),
        "names": match v.transport.names { erpspec_rules::NameMatching::Exact => "exactly as declared", erpspec_rules::NameMatching::CaseInsensitive => "in any letter case (ASCII)" },
        "strings_carry_scalars": v.transport.strings_carry_scalars,
        "credentials": credentials(v),
        "success": v.envelopes.success.body.to_value(),
        "success_status": v.envelopes.success.status,
        "error": v.envelopes.error.body.to_value(),
        "error_status": v.envelopes.error.status,
        "errors": v.errors.iter().map(|e| entry_model(v, e)).collect::<Vec<_>>(),
        "endpoints": endpoints,
        "sources": sources,
        "contradictions": contradictions,
        "implied": erpspec_model::ir::Inference::ALL.iter().map(|i| json!({ "name": i.name(), "note": v.implied_note(*i) })).collect::<Vec<_>>(),
    })
}

fn url(v: &Vendor, ep: &Endpoint) -> String {
    v.transport.path.replace("{route}", &ep.route)
}

fn parameters(v: &Vendor) -> String {
    let parts: Vec<&str> = v.transport.parameters.iter().map(|p| p.describe()).collect();
    parts.join(" or ")
}

fn credentials(v: &Vendor) -> Vec<String> {
    let mut out: Vec<String> = v
        .auth
        .presentations
        .iter()
        .map(|p| {
            let place = match p.location {
                PresentationLocation::Header => format!("the `{}` header", p.name),
                PresentationLocation::Query => format!("the `{}` query parameter", p.name),
                PresentationLocation::Path => format!("the `{{{}}}` segment of the URL", p.name),
                PresentationLocation::Body => format!("the body member `{}`", p.name),
            };
            let what = match &v.auth.token {
                Some(t) if p.value == "token" => format!("the token from `{}` ({})", t.endpoint, t.carried_in.describe()),
                _ if p.value == "token" => "the token issued at login".to_string(),
                _ => format!("the {} credential", p.value),
            };
            let deprecated = if p.deprecated { " (deprecated, still accepted)" } else { "" };
            format!("{what} in {place}{deprecated}")
        })
        .collect();
    if !v.auth.on_expired.is_empty() {
        let ids: Vec<String> = v.auth.on_expired.iter().map(|id| format!("`{id}`")).collect();
        out.push(format!(
            "tokens expire (the docs give no lifetime): an expired one gets {}",
            ids.join(" or ")
        ));
    }
    out
}

fn source_model(s: &Source) -> Value {
    json!({ "id": s.id, "title": s.title, "url": s.url, "seed": s.seed })
}

fn message_text(m: &MessageRule) -> String {
    match m {
        MessageRule::Exact(t) => format!("exactly \"{t}\""),
        MessageRule::Prefix(p) => format!("starts with \"{p}\""),
        MessageRule::Any => "any text (the docs give none)".into(),
    }
}

fn entry_model(v: &Vendor, e: &erpspec_model::ir::ErrorEntry) -> Value {
    json!({
        "id": e.id,
        "status": documented_status(v, e).map(|s| s.to_string()).unwrap_or_else(|| "not documented".into()),
        "message": message_text(&e.message),
        "code": e.code,
        "body": erpspec_model::answers::error_template(v, e).to_value(),
        "sources": e.sources,
    })
}

fn type_name(t: &Type) -> String {
    match t {
        Type::Scalar { scalar } => scalar.json_schema_type().to_string(),
        Type::Array { items } => format!("array of {}", type_name(items)),
        Type::Object { .. } => "object".into(),
    }
}

fn rule_text(r: &Rule) -> String {
    let mut text = r.kind.describe();
    if !r.alternatives.is_empty() {
        let alts: Vec<String> = r.alternatives.iter().map(RuleKind::describe).collect();
        text = format!("{text} (or, by another reading: {})", alts.join("; "));
    }
    text
}

fn field_rows(fields: &[Field]) -> Vec<Value> {
    let mut rows = Vec::new();
    walk_fields(fields, &mut |node| {
        if node.item && !matches!(node.ty, Type::Object { .. }) {
            return;
        }
        let name = node
            .path
            .iter()
            .map(|p| if *p == "*" { "[]" } else { p })
            .collect::<Vec<_>>()
            .join(".")
            .replace(".[]", "[]");
        let rules: Vec<String> = if node.item {
            Vec::new()
        } else {
            node.field
                .rules
                .iter()
                .filter(|r| !matches!(r.kind, RuleKind::Required))
                .map(|r| match r.strength {
                    Strength::Documented => rule_text(r),
                    s => format!("{} ({s})", rule_text(r)),
                })
                .collect()
        };
        let required = node.field.rules.iter().find(|r| matches!(r.kind, RuleKind::Required));
        rows.push(json!({
            "name": name,
            // A contested type reads "boolean or integer (contested: why)".
            "type": match &node.field.other_types {
                Some(o) if !node.item => format!(
                    "{} or {} (contested: {})",
                    type_name(node.ty),
                    o.types.iter().map(|t| t.json_schema_type()).collect::<Vec<_>>().join(" or "),
                    o.note
                ),
                _ => type_name(node.ty),
            },
            "required": match required { Some(r) if r.strength != Strength::Documented => format!("{} ({})", if node.field.required { "yes" } else { "no" }, r.strength), _ if node.field.required => "yes".into(), _ => "no".into() },
            "is_required": node.field.required && !node.item,
            "description": node.field.description.clone().unwrap_or_default(),
            "rules": rules,
            "refers_to": node.field.refers_to.as_ref().map(|r| format!("{}.{}", r.resource, r.field)),
        }));
    });
    rows
}

/// The page model of one endpoint; the templates lay it out.
fn endpoint_model(v: &Vendor, ep: &Endpoint) -> Value {
    let fields = field_rows(&ep.request);
    let required: Vec<&Value> = fields.iter().filter(|f| f["is_required"] == true).collect();
    let contradictions: Vec<Value> = v
        .contradictions_of(ep)
        .iter()
        .map(|c| json!({ "summary": c.summary, "sources": c.sources }))
        .collect();
    let quirks: Vec<Value> = ep
        .quirks
        .iter()
        .map(|q| json!({ "id": q.id, "description": q.description, "sources": q.sources }))
        .collect();
    json!({
        "id": ep.id,
        "title": ep.title,
        "summary": ep.summary,
        "url": url(v, ep),
        "program": ep.program,
        "operation": format!("{:?}", ep.operation.kind).to_lowercase(),
        "resource": ep.operation.resource,
        "authenticated": ep.authenticated,
        "required": required,
        "fields": fields,
        "example": first_example(ep),
        "success": {
            "status": v.envelopes.success.status.map(|s| s.to_string()).unwrap_or_else(|| "200 (the docs give none; the envelope carries the outcome)".into()),
            "message": ep.response.message,
            "payload": payload_text(ep),
            "fields": field_rows(&ep.response.fields),
        },
        "entries": entry_rows(v, ep),
        "rules": rule_rows(ep),
        "contradictions": contradictions,
        "examples": example_rows(ep),
        "samples": sample_rows(ep),
        "quirks": quirks,
        "sources": page_sources(v, ep).into_iter().map(source_model).collect::<Vec<_>>(),
    })
}

/// Every rule of the request, with where it applies and how it is known.
fn rule_rows(ep: &Endpoint) -> Vec<Value> {
    let rules: Vec<Value> = ep
        .all_rules()
        .iter()
        .map(|(pointer, r)| {
            json!({
                "id": r.id, "at": if pointer.is_empty() { "the request".to_string() } else { format!("`{pointer}`") },
                "strength": r.strength.to_string(), "text": rule_text(r), "note": r.note,
                "message": r.message, "answer": r.on_violation, "sources": r.sources,
            })
        })
        .collect();
    rules
}

/// The catalogue entries the endpoint can answer with.
fn entry_rows(v: &Vendor, ep: &Endpoint) -> Vec<Value> {
    let entries: Vec<Value> = answerable_entries(v, ep)
        .iter()
        .filter_map(|id| v.error(id))
        .map(|e| {
            let mut m = entry_model(v, e);
            m["listed"] = json!(ep.errors.contains(&e.id));
            m
        })
        .collect();
    entries
}

/// The docs' request examples, each with the rules it breaks.
fn example_rows(ep: &Endpoint) -> Vec<Value> {
    let examples: Vec<Value> = ep
        .examples
        .iter()
        .map(|e| json!({ "name": e.name, "request": e.request, "query": e.query, "breaks": e.breaks, "ok": e.breaks.is_empty(), "note": e.note, "sources": e.sources }))
        .collect();
    examples
}

/// The docs' sample answers, each with how it differs from the schemas.
fn sample_rows(ep: &Endpoint) -> Vec<Value> {
    let samples: Vec<Value> = ep
        .response_examples
        .iter()
        .map(|e| json!({
            "name": e.name, "answer": e.answer.clone().unwrap_or_else(|| "success".into()), "status": e.status,
            "body": e.body, "ok": e.differs.is_none(), "note": e.note, "differs": e.differs, "mismatch": e.mismatch, "sources": e.sources,
        }))
        .collect();
    samples
}

/// The request shown at the top: the first example that breaks nothing
/// (else the first), unless it is empty.
fn first_example(ep: &Endpoint) -> Option<Value> {
    let mut first_example = ep
        .examples
        .iter()
        .find(|e| e.breaks.is_empty())
        .or(ep.examples.first())
        .map(|e| e.request.clone());
    if let Some(Value::Object(m)) = &mut first_example
        && m.is_empty()
    {
        first_example = None;
    }
    first_example
}

/// Every source the page cites: the endpoint's own, then those its
/// contradictions add.
fn page_sources<'v>(v: &'v Vendor, ep: &Endpoint) -> Vec<&'v Source> {
    let mut sources = v.sources_of(ep);
    for c in v.contradictions_of(ep) {
        for id in &c.sources {
            if let Some(s) = v.sources.get(id)
                && !sources.iter().any(|have| have.id == s.id)
            {
                sources.push(s);
            }
        }
    }
    sources
}

fn payload_text(ep: &Endpoint) -> String {
    use erpspec_model::ir::Payload;
    match &ep.response.payload {
        Payload::Record => "the record after the operation".into(),
        Payload::Records => "a list of the matching records".into(),
        Payload::EmptyObject => "an empty object `{}`".into(),
        Payload::Null => "`null`".into(),
        Payload::Unspecified => "not described by the docs (any body)".into(),
        Payload::Wrapped { member } if ep.wraps_list() => format!("an object with the list of records under `{member}`"),
        Payload::Wrapped { member } => format!("an object with the record under `{member}`"),
    }
}
