//! The built binary as a newcomer meets it: the routes it prints, the docs'
//! example credentials (`--docs-credentials`, loopback only), and the docs'
//! examples sent exactly as printed (the route from the printout, the body
//! from the docs, the docs' credentials).

mod common;
use common::{Answer, send};
use erpspec_model::answers::{Expected, Situation, error_template, expected};
use erpspec_model::ir::{Endpoint, Example, PresentationLocation, Vendor};
use erpspec_model::template::same_json;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};

fn vendors() -> Vec<Vendor> {
    reference::load_api().expect("schemas load").vendors
}

/// A running binary, killed when dropped (also when an assertion fails).
struct Proc {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn line(&mut self) -> String {
        let mut line = String::new();
        if self.stdout.read_line(&mut line).expect("read stdout") == 0 {
            let mut err = String::new();
            let _ = self.child.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("the server stopped: {err}");
        }
        line.trim_end().to_string()
    }

    fn first_stderr_line(&mut self) -> String {
        let mut line = String::new();
        BufReader::new(self.child.stderr.as_mut().expect("stderr"))
            .read_line(&mut line)
            .expect("read stderr");
        line.trim_end().to_string()
    }
}

fn launch(args: &[&str]) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reference"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the server");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    Proc { child, stdout }
}

/// What the server printed: its address, and each endpoint's printed line.
struct Startup {
    addr: SocketAddr,
    base_url: String,
    routes: BTreeMap<String, String>,
}

/// Reads the startup printout up to the last route line.
fn startup(p: &mut Proc, v: &Vendor) -> Startup {
    let first = p.line();
    let base_url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line {first:?}"))
        .to_string();
    let addr = base_url.strip_prefix("http://").expect("http").parse().expect("address");
    let header = format!("{} ({}): {} routes", v.title, v.name, v.endpoints.len());
    while p.line() != header {}
    let mut routes = BTreeMap::new();
    for _ in &v.endpoints {
        let line = p.line();
        let id = line
            .rsplit_once(": ")
            .and_then(|(l, _)| l.split_whitespace().last())
            .expect("an endpoint id");
        routes.insert(id.to_string(), line.clone());
    }
    Startup { addr, base_url, routes }
}

#[test]
fn the_startup_output_lists_every_endpoints_route() {
    for v in vendors() {
        let mut p = launch(&["--api", &v.name, "--listen", "127.0.0.1:0"]);
        let s = startup(&mut p, &v);
        let methods = v.transport.methods.join("|");
        for ep in &v.endpoints {
            let line = s
                .routes
                .get(&ep.id)
                .unwrap_or_else(|| panic!("{}: no route line for {}", v.name, ep.id));
            let url = format!("{}{}", s.base_url, v.transport.path.replace("{route}", &ep.route));
            assert!(
                line.starts_with(&format!("  {methods}  {url} ")),
                "{line:?} should show {methods} {url}"
            );
            assert!(line.ends_with(&format!("{}: {}", ep.id, ep.title)), "{line:?}");
        }
    }
}

#[test]
fn the_cli_refuses_docs_credentials_off_loopback() {
    for v in vendors() {
        let out = Command::new(env!("CARGO_BIN_EXE_reference"))
            .args(["--api", &v.name, "--listen", "0.0.0.0:0", "--docs-credentials"])
            .output()
            .expect("run the server");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}: started on 0.0.0.0 with the docs' credentials", v.name);
        assert!(
            out.stdout.is_empty(),
            "refused before listening: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            err.starts_with("error: refusing to listen on 0.0.0.0:0 with the docs' public example credentials"),
            "{err}"
        );
        assert!(err.contains("listen on loopback (--listen 127.0.0.1:PORT)"), "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_reference"))
        .args(["--api", &vendors()[0].name, "--docs-credentials", "--credential", "A=B"])
        .output()
        .expect("run the server");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn with_docs_credentials_the_docs_examples_succeed_as_printed() {
    for v in vendors() {
        let mut p = launch(&["--api", &v.name, "--listen", "127.0.0.1:0", "--docs-credentials"]);
        let warning = p.first_stderr_line();
        assert!(
            warning.starts_with("warning: accepting the docs' public example credentials ("),
            "{warning}"
        );
        let s = startup(&mut p, &v);
        let mut token = None;
        if let Some(issue) = &v.auth.token {
            let login = v.endpoint(&issue.endpoint).expect("login endpoint");
            let a = send_example(&s, &v, login, &first_example(login), None);
            assert_succeeded(&v, login, &a);
            token = a.issued_token(issue);
        }
        let ep = v
            .endpoints
            .iter()
            .find(|e| e.authenticated && e.examples.first().is_some_and(|x| x.breaks.is_empty()))
            .expect("an endpoint whose first example breaks no rule");
        let a = send_example(&s, &v, ep, &first_example(ep), token.as_deref());
        assert_succeeded(&v, ep, &a);
    }
}

fn first_example(ep: &Endpoint) -> Example {
    ep.examples.first().cloned().unwrap_or_else(|| panic!("{} has no example", ep.id))
}

/// Sends a doc example to the printed route, with the credentials where the
/// docs present them (the first, non-deprecated way): a path variable
/// filled in, a header, or a body member (a token from the login).
fn send_example(s: &Startup, v: &Vendor, ep: &Endpoint, ex: &Example, token: Option<&str>) -> Answer {
    let line = &s.routes[&ep.id];
    let mut url = line.split_whitespace().nth(1).expect("a URL").to_string();
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    let mut body = ex.request.clone();
    let presented = v.auth.presentations.iter().find(|p| !p.deprecated).filter(|_| ep.authenticated);
    if let Some(p) = presented {
        let value = match (p.value.as_str(), token) {
            ("token", Some(t)) => t.to_string(),
            (name, _) => v.auth.example_values.get(name).cloned().expect("an example value"),
        };
        match p.location {
            PresentationLocation::Path => url = url.replace(&format!("{{{}}}", p.value), &value),
            PresentationLocation::Header => headers.push((p.name.clone(), value)),
            PresentationLocation::Body => body[&p.name] = Value::String(value),
            PresentationLocation::Query => url = format!("{url}?{}={value}", p.name),
        }
    }
    let target = url.strip_prefix(&s.base_url).expect("the printed URL starts with the base URL");
    let method = if v.transport.methods.iter().any(|m| m == "POST") {
        "POST"
    } else {
        &v.transport.methods[0]
    };
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect();
    send(s.addr, method, target, &headers, body.to_string().as_bytes())
}

/// The answer is the endpoint's documented success: its status where
/// documented, the success envelope with the endpoint's fixed slots, and no
/// error body (a success envelope that is one slot matches errors too).
fn assert_succeeded(v: &Vendor, ep: &Endpoint, a: &Answer) {
    let Expected::Success { status, slots } = expected(v, Some(ep), &Situation::Success) else {
        panic!("{}: success is documented", ep.id);
    };
    let text = String::from_utf8_lossy(&a.body);
    assert!(
        status.map_or((200..300).contains(&a.status), |s| s == a.status),
        "{}: {} {text}",
        ep.id,
        a.status
    );
    let slot_ok = |name: &str, got: &Value| {
        slots
            .get(name)
            .filter(|want| !same_json(want, got))
            .map(|want| format!("expected {want}"))
    };
    if let Err(m) = v.envelopes.success.body.matches(&a.json(), &slot_ok) {
        panic!(
            "{}.{}: not the success envelope at {}: {} ({text})",
            v.name, ep.id, m.pointer, m.problem
        );
    }
    let any_slot = |_: &str, _: &Value| None;
    for e in &v.errors {
        let refused = error_template(v, e).matches(&a.json(), &any_slot).is_ok();
        assert!(!refused, "{}.{}: refused with `{}`: {text}", v.name, ep.id, e.id);
    }
}
