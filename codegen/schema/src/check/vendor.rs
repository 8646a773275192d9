//! api.yaml: the vendor's dialect (sources, error catalogue, transport,
//! envelopes, contradictions, implied inferences) and, once its endpoints
//! are built, what holds across them.

use super::{Cx, EndpointCx, auth, quirks, resources, suggest};
use crate::diag::{Pos, SourceFile, one_of_list};
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::*;
use erpspec_rules::NameMatching;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The order of the calls is the order of the diagnostics.
pub(super) fn vendor(
    cx: &mut Cx,
    dir: &str,
    api: &syntax::ApiFile,
    endpoint_files: &[(Arc<SourceFile>, syntax::EndpointFile)],
    unparsed: &[String],
) -> Vendor {
    named_by_dir(cx, &api.vendor, dir);
    let sources = sources(cx, &api.sources);
    let errors = error_catalogue(cx, &api.errors);
    let transport = transport(cx, &api.transport);
    let auth = auth::auth(cx, &api.auth, &transport.path);
    let envelopes = envelopes(cx, &api.envelopes);
    let resources = resources::resources(cx, &api.resources);
    success_slots_filled(cx, &api.envelopes.success);
    error_slots_filled(cx, api);
    let contradictions = api
        .contradictions
        .iter()
        .map(|c| Contradiction {
            summary: c.summary.clone(),
            sources: cx.source_refs(&c.sources),
        })
        .collect();
    let quirks = quirks::dialect_quirks(cx, &api.quirks);
    let mut vendor = Vendor {
        name: dir.to_string(),
        title: api.title.clone(),
        sources,
        transport,
        auth,
        envelopes,
        errors,
        resources,
        endpoints: Vec::new(),
        contradictions,
        implied: implied(&api.implied),
        quirks,
    };
    vendor.endpoints = endpoints_in_dependency_order(cx, endpoint_files, unparsed, &vendor);
    quirks::dialect_quirks_onto_records(&mut vendor);
    quirks::unpadded_fields_answered(cx, &api.quirks, &vendor);
    auth::token_endpoint_resolves(cx, &api.auth, &vendor);
    vendor
}

/// The vendor's name is its directory's name.
fn named_by_dir(cx: &mut Cx, vendor: &S<String>, dir: &str) {
    if vendor.value != dir {
        cx.error(
            vendor,
            format!("vendor `{}` is declared in directory `{dir}`", vendor.value),
            format!("write `vendor: {dir}` (the vendor's name is its directory's name)"),
        );
    }
}

fn sources(cx: &mut Cx, sources: &Ordered<syntax::SourceSyntax>) -> BTreeMap<String, Source> {
    let mut out = BTreeMap::new();
    for (id, s) in cx.dup_checked(sources, "source") {
        if let Some(seed) = &s.seed {
            seed_file_named(cx, seed);
        }
        if s.seed.is_none() && s.url.is_none() {
            cx.error(id, format!("source `{}` names no document", id.value), "add `seed:` or `url:`");
        }
        out.insert(
            id.value.clone(),
            Source {
                id: id.value.clone(),
                title: s.title.clone(),
                seed: s.seed.as_ref().map(|x| x.value.clone()),
                url: s.url.clone(),
            },
        );
    }
    out
}

/// A `seed:` is a file name of ../shared/seeds/, and one of its files where
/// the directory is at hand.
fn seed_file_named(cx: &mut Cx, seed: &S<String>) {
    if !seed.value.ends_with(".txt") || seed.value.contains('/') {
        cx.error(
            seed,
            format!("`{}` is not a seed file name", seed.value),
            "write the file name as listed in ../shared/seeds/README.md, e.g. `003_ce6f3b901637b304.txt`",
        );
        return;
    }
    if let Some(files) = &cx.declared.seeds
        && !files.contains(&seed.value)
    {
        let help = suggest(&seed.value, files.iter().map(String::as_str), || {
            format!("name a file of ../shared/seeds/ (see its README.md): {}", one_of_list(files))
        });
        cx.error(seed, format!("`{}` is not a file in ../shared/seeds/", seed.value), help);
    }
}

fn error_catalogue(cx: &mut Cx, errors: &Ordered<syntax::ErrorSyntax>) -> Vec<ErrorEntry> {
    let mut out = Vec::new();
    for (id, e) in cx.dup_checked(errors, "error") {
        let message = message_rule(cx, &e.message);
        out.push(ErrorEntry {
            id: id.value.clone(),
            status: e.status,
            message,
            code: e.code.clone(),
            vars: e.vars.clone(),
            body: e.body.as_ref().map(Template::parse),
            sources: cx.source_refs(&e.sources),
        });
    }
    out
}

fn message_rule(cx: &mut Cx, message: &S<syntax::MessageSyntax>) -> MessageRule {
    match &message.value {
        syntax::MessageSyntax::Exact(m) => MessageRule::Exact(m.clone()),
        syntax::MessageSyntax::Other(f) => match (&f.prefix, f.any) {
            (Some(p), None) => MessageRule::Prefix(p.clone()),
            (None, Some(true)) => MessageRule::Any,
            _ => {
                cx.error(
                    message,
                    "a message is exact text, `{ prefix: ... }` or `{ any: true }`",
                    "write `message: \"Exact text.\"`, `message: { prefix: \"Text: \" }` or `message: { any: true }`",
                );
                MessageRule::Any
            }
        },
    }
}

fn transport(cx: &mut Cx, t: &syntax::TransportSyntax) -> Transport {
    let parameters = parameter_locations(cx, &t.parameters);
    if !t.path.value.contains("{route}") {
        cx.error(
            &t.path,
            "transport path has no `{route}`",
            "write the path with `{route}` where the endpoint's route goes, e.g. `/api/{route}`",
        );
    }
    Transport {
        path: t.path.value.clone(),
        path_case_insensitive: t.path_case_insensitive,
        methods_documented: t.methods_documented,
        methods: t.methods.iter().map(|m| m.value.to_ascii_uppercase()).collect(),
        parameters,
        names: match t.names {
            syntax::NamesSyntax::Exact => NameMatching::Exact,
            syntax::NamesSyntax::CaseInsensitive => NameMatching::CaseInsensitive,
        },
        strings_carry_scalars: t.strings_carry_scalars,
        on_wrong_method: cx.error_refs(&t.on_wrong_method),
        on_invalid_json: cx.error_refs(&t.on_invalid_json),
        on_unknown_route: cx.error_refs(&t.on_unknown_route),
        on_rule_violation: cx.error_refs(&t.on_rule_violation),
        sources: cx.source_refs(&t.sources),
    }
}

/// Endpoint parameters travel in the body or the query; the other
/// locations are for credentials.
fn parameter_locations(cx: &mut Cx, locations: &[S<syntax::LocationSyntax>]) -> Vec<ParamLocation> {
    let mut out = Vec::new();
    for l in locations {
        match l.value {
            syntax::LocationSyntax::Body => out.push(ParamLocation::Body),
            syntax::LocationSyntax::Query => out.push(ParamLocation::Query),
            other => cx.error(
                l,
                format!("parameters cannot travel in `{}`", format!("{other:?}").to_lowercase()),
                "endpoint parameters travel in `body` or `query`; credentials use `auth.present`",
            ),
        }
    }
    out
}

fn envelopes(cx: &mut Cx, e: &syntax::EnvelopesSyntax) -> Envelopes {
    let envelopes = Envelopes {
        success: envelope(&e.success),
        error: envelope(&e.error),
        scalars_as_text: e.scalars_as_text.as_ref().map(|n| Noted {
            note: n.value.note.trim().to_string(),
            sources: cx.source_refs(&n.value.sources),
        }),
        sources: cx.source_refs(&e.sources),
    };
    if let Some(m) = &e.error.payload_members {
        cx.error(
            m,
            "`payload_members` is given for the error envelope",
            "error answers carry no payload; put `payload_members` under `envelopes.success`",
        );
    }
    if !envelopes.success.body.has_slot("payload") {
        cx.error_on_file(
            "the success envelope has no `{{payload}}` slot",
            "put \"{{payload}}\" where the response payload goes",
        );
    }
    envelopes
}

fn envelope(e: &syntax::EnvelopeSyntax) -> Envelope {
    Envelope {
        status: e.status,
        body: Template::parse(&e.body),
        vars: e.vars.clone(),
        payload_members: e.payload_members.as_ref().map(|m| m.value.clone()).unwrap_or_default(),
    }
}

fn success_slots_filled(cx: &mut Cx, success: &syntax::EnvelopeSyntax) {
    for slot in unfilled_slots(&Template::parse(&success.body), &success.vars) {
        cx.error_on_file(
            format!("the success envelope's slot `{{{{{slot}}}}}` is never filled"),
            format!("add `{slot}: <value>` under `envelopes.success.vars`"),
        );
    }
}

/// An entry's body is its own or the error envelope's, filled by the
/// envelope's vars and then its own.
fn error_slots_filled(cx: &mut Cx, api: &syntax::ApiFile) {
    for (id, e) in &api.errors.0 {
        let body = e.body.as_ref().unwrap_or(&api.envelopes.error.body);
        let mut vars = api.envelopes.error.vars.clone();
        vars.extend(e.vars.clone());
        for slot in unfilled_slots(&Template::parse(body), &vars) {
            cx.error(
                id,
                format!("error `{}` leaves the slot `{{{{{slot}}}}}` of its body unfilled", id.value),
                format!("add `vars: {{ {slot}: <value> }}` to the entry (or to `envelopes.error.vars`)"),
            );
        }
    }
}

/// Named slots of a template (`{{is_valid_user}}`) that `vars` does not fill;
/// `payload`, `message`, `code` and `any` are filled by every answer.
fn unfilled_slots(t: &Template, vars: &BTreeMap<String, serde_json::Value>) -> Vec<String> {
    t.slots()
        .into_iter()
        .filter(|slot| !erpspec_model::template::BUILTIN_SLOTS.contains(slot) && !vars.contains_key(*slot))
        .map(str::to_string)
        .collect()
}

fn implied(i: &syntax::ImpliedSyntax) -> BTreeMap<Inference, String> {
    [
        (Inference::WrongType, &i.wrong_type),
        (Inference::EnumCase, &i.enum_case),
        (Inference::ClientKey, &i.client_key),
        (Inference::MissingReference, &i.missing_reference),
    ]
    .into_iter()
    .filter_map(|(k, note)| note.as_ref().map(|n| (k, n.trim().to_string())))
    .collect()
}

/// An endpoint that `extends` another is built after it; one whose base
/// did not parse is not built (the base's own errors are reported).
fn endpoints_in_dependency_order(
    cx: &mut Cx,
    endpoint_files: &[(Arc<SourceFile>, syntax::EndpointFile)],
    unparsed: &[String],
    vendor: &Vendor,
) -> Vec<Endpoint> {
    let mut built: BTreeMap<String, Endpoint> = BTreeMap::new();
    let mut pending: Vec<&(Arc<SourceFile>, syntax::EndpointFile)> = endpoint_files.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for item in pending {
            let (file, e) = item;
            let bases = [&e.extends, &e.response.extends];
            if bases.into_iter().flatten().any(|b| unparsed.contains(&b.value)) {
                continue;
            }
            // A base no file declares is ready: building the endpoint reports it.
            let ready = |b: &Option<S<String>>| match b {
                Some(b) => built.contains_key(&b.value) || !endpoint_files.iter().any(|(_, e)| e.endpoint.value == b.value),
                None => true,
            };
            if !bases.into_iter().all(ready) {
                rest.push(item);
                continue;
            }
            let mut ecx = EndpointCx::new(cx, file, &vendor.name, &e.endpoint.value);
            if let Some(ep) = ecx.endpoint(e, &built, vendor) {
                built.insert(ep.id.clone(), ep);
            }
        }
        if rest.len() == before {
            extends_cycles(cx, &rest);
            break;
        }
        pending = rest;
    }
    built.into_values().collect()
}

/// The endpoints left waiting on each other's `extends`.
fn extends_cycles(cx: &mut Cx, waiting: &[&(Arc<SourceFile>, syntax::EndpointFile)]) {
    for (file, e) in waiting {
        let b = e
            .extends
            .as_ref()
            .or(e.response.extends.as_ref())
            .expect("only extending endpoints wait");
        cx.diags.error_help(
            Pos::of(file, b),
            format!("`extends: {}` forms a cycle", b.value),
            "an endpoint may extend one that does not extend it back",
        );
    }
}
