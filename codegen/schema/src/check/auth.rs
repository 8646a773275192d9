//! `auth:` of api.yaml: the credentials, how a request presents them, and
//! the token issuer, whose login endpoint is checked once it is built.

use super::{Cx, suggest};
use crate::diag::one_of_list;
use crate::syntax::{self, S};
use erpspec_model::ir::*;
use std::collections::BTreeMap;

/// The order of the calls is the order of the diagnostics.
pub(super) fn auth(cx: &mut Cx, a: &syntax::AuthSyntax, transport_path: &str) -> Auth {
    let presentations = a.present.iter().map(|pr| presentation(cx, a, pr, transport_path)).collect();
    let token = a.token.as_ref().map(|t| TokenIssue {
        endpoint: t.endpoint.value.clone(),
        credential_fields: t.credential_fields.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect(),
        carried_in: token_carrier(cx, t),
        principal: t.principal.as_ref().map(|p| p.value.clone()),
    });
    if a.token.is_none()
        && let Some(expired) = &a.on_expired
    {
        cx.error(
            expired,
            "`on_expired` answers an expired token, but this vendor issues no tokens (no `auth.token`)",
            "declare the login endpoint under `auth.token`, or remove `on_expired` (an expired credential is `on_rejected`)",
        );
    }
    let declared: Vec<String> = a.credentials.iter().map(|c| c.value.clone()).collect();
    let mut example_values = BTreeMap::new();
    for (name, value) in &a.example_values.0 {
        credential_named(cx, name, &declared);
        example_values.insert(name.value.clone(), value.value.clone());
    }
    let mut lengths = BTreeMap::new();
    for (name, n) in &a.lengths.0 {
        credential_named(cx, name, &declared);
        credential_length(cx, name, n);
        lengths.insert(name.value.clone(), n.value);
    }
    Auth {
        credentials: declared,
        example_values,
        lengths,
        token,
        presentations,
        on_missing: cx.error_refs(&a.on_missing),
        on_malformed: cx.error_refs(&a.on_malformed),
        on_expired: cx.error_refs(&a.on_expired),
        on_rejected: cx.error_refs(&a.on_rejected),
        sources: cx.source_refs(&a.sources),
    }
}

/// The login answer carries the token in exactly one place: a member of
/// its payload or a header.
fn token_carrier(cx: &mut Cx, t: &syntax::TokenSyntax) -> TokenCarrier {
    match (&t.response_field, &t.response_header) {
        (Some(f), None) => TokenCarrier::Field(f.value.clone()),
        (None, Some(h)) => {
            if !h
                .value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                || h.value.is_empty()
            {
                cx.error(
                    h,
                    format!("`{}` is not an HTTP header name", h.value),
                    "write the header's name as the docs print it, e.g. `response_header: AuthToken`",
                );
            }
            TokenCarrier::Header(h.value.clone())
        }
        (Some(f), Some(_)) => {
            cx.error(
                f,
                "the token is carried by both `response_field` and `response_header`",
                "keep the one the docs name: a member of the login's answer (`response_field`) or a header (`response_header`)",
            );
            TokenCarrier::Field(f.value.clone())
        }
        (None, None) => {
            cx.error(
                &t.endpoint,
                "`auth.token` does not say where the login answer carries the token",
                "add `response_field: AUTH_TOKEN` (a member of the answer) or `response_header: AuthToken` (a header)",
            );
            TokenCarrier::Field(String::new())
        }
    }
}

/// A presented value is the token (which needs an issuer) or a declared
/// credential; a path variable must be in the transport path.
fn presentation(cx: &mut Cx, a: &syntax::AuthSyntax, pr: &syntax::PresentSyntax, transport_path: &str) -> Presentation {
    let location = match pr.location.value {
        syntax::LocationSyntax::Body => PresentationLocation::Body,
        syntax::LocationSyntax::Query => PresentationLocation::Query,
        syntax::LocationSyntax::Path => PresentationLocation::Path,
        syntax::LocationSyntax::Header => PresentationLocation::Header,
    };
    let is_token = pr.value.value == "token";
    if !is_token && !a.credentials.iter().any(|c| c.value == pr.value.value) {
        let credentials: Vec<String> = a.credentials.iter().map(|c| c.value.clone()).collect();
        cx.error(
            &pr.value,
            format!("`{}` is neither `token` nor a declared credential", pr.value.value),
            format!("present `token` or one of {}", one_of_list(&credentials)),
        );
    }
    if is_token && a.token.is_none() {
        cx.error(
            &pr.value,
            "`token` is presented but no `token:` issuer is declared",
            "add `auth.token` naming the login endpoint",
        );
    }
    if location == PresentationLocation::Path && !transport_path.contains(&format!("{{{}}}", pr.name.value)) {
        cx.error(
            &pr.name,
            format!(
                "path variable `{{{}}}` is not in the transport path `{transport_path}`",
                pr.name.value
            ),
            "add it to `transport.path` or present the credential elsewhere",
        );
    }
    Presentation {
        location,
        name: pr.name.value.clone(),
        value: pr.value.value.clone(),
        deprecated: pr.deprecated,
    }
}

/// A key naming a credential must name a declared one.
fn credential_named(cx: &mut Cx, name: &S<String>, declared: &[String]) {
    if !declared.contains(&name.value) {
        let help = suggest(&name.value, declared.iter().map(String::as_str), || {
            format!("name one of {}", one_of_list(declared))
        });
        cx.error(name, format!("`{}` is not a declared credential", name.value), help);
    }
}

fn credential_length(cx: &mut Cx, name: &S<String>, n: &S<u32>) {
    if n.value == 0 {
        cx.error(
            n,
            format!("credential `{}` has length 0", name.value),
            "write the documented length in characters (ManEx: `API_KEY: 10`), or remove the entry",
        );
    }
}

/// The token issuer names a built endpoint, and that endpoint's request and
/// response carry what `auth.token` says they do.
pub(super) fn token_endpoint_resolves(cx: &mut Cx, a: &syntax::AuthSyntax, vendor: &Vendor) {
    let Some(ts) = &a.token else { return };
    match vendor.endpoint(&ts.endpoint.value) {
        None => {
            let known: Vec<&str> = vendor.endpoints.iter().map(|e| e.id.as_str()).collect();
            let help = suggest(&ts.endpoint.value, known, || "add the login endpoint's schema file".to_string());
            cx.error(
                &ts.endpoint,
                format!("token endpoint `{}` has no schema file", ts.endpoint.value),
                help,
            );
        }
        Some(login) => login_carries_the_token(cx, ts, login, &vendor.auth.credentials),
    }
}

fn login_carries_the_token(cx: &mut Cx, ts: &syntax::TokenSyntax, login: &Endpoint, credentials: &[String]) {
    for (cred, field) in &ts.credential_fields {
        if !credentials.contains(cred) {
            cx.error(
                field,
                format!("`credential_fields` names `{cred}`, which is not a declared credential"),
                format!("use one of {}", one_of_list(credentials)),
            );
        }
        if login.field(&field.value).is_none() {
            cx.error(
                field,
                format!("`{}` is not a request field of `{}`", field.value, login.id),
                "name the login request's field that carries this credential",
            );
        }
    }
    if let Some(p) = &ts.principal
        && !ts.credential_fields.contains_key(&p.value)
    {
        cx.error(
            p,
            format!("`principal` names `{}`, which no `credential_fields` entry carries", p.value),
            "name the credential that identifies the user, e.g. `principal: USER_NAME`",
        );
    }
    if let Some(field) = &ts.response_field
        && !login.response.fields.iter().any(|f| f.name == field.value)
    {
        cx.error(
            field,
            format!("`{}` is not a response field of `{}`", field.value, login.id),
            "name the login response's field that carries the token, or write `response_header:` if a header carries it",
        );
    }
}
