//! Tokens that expire (a dialect with `auth.on_expired`): told the server's
//! lifetime, the harness checks the expired answer on every authenticated
//! endpoint and logs in again whenever its own token expires mid-run; not
//! told it, it skips those checks and says how to run them.

mod common;

use conformance::run::{self, Options, Verdict};
use conformance::target::{Target, Tokens};
use conformance::transport::BaseUrl;
use std::collections::BTreeMap;
use std::time::Duration;

const API: &str = "expandable-legacy";

fn server(lifetime: Option<Duration>) -> (reference::Running, BTreeMap<String, String>) {
    let vendor = conformance::load_vendor(API).unwrap();
    let credentials = conformance::mutation::generated_credentials(&vendor);
    let mut config = reference::Config::new(API);
    config.credentials = credentials.clone();
    config.token_lifetime = lifetime;
    (reference::spawn(config).expect("server starts"), credentials)
}

fn run(running: &reference::Running, credentials: BTreeMap<String, String>, lifetime: Option<Duration>) -> (run::Run, Target) {
    let vendor = conformance::load_vendor(API).unwrap();
    let mut t = Target {
        fixtures: conformance::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse(&running.base_url()).unwrap(),
        credentials,
        token: Tokens::with_lifetime(lifetime),
    };
    let opts = Options {
        seed: 3,
        cases: 2,
        run_nonce: Some(3),
        ..Options::default()
    };
    (run::run(&mut t, &opts, &run::Silent).expect("the run starts"), t)
}

fn failures(r: &run::Run) -> Vec<String> {
    r.outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Failed)
        .map(|o| format!("{}: {}", o.check.id, o.reason.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn a_lifetime_shorter_than_the_run_costs_logins_not_failures() {
    // Far shorter than the run: the token setup got expires while the checks run.
    let lifetime = Duration::from_millis(40);
    let (running, credentials) = server(Some(lifetime));
    let (r, t) = run(&running, credentials, Some(lifetime));
    assert!(failures(&r).is_empty(), "{:#?}", failures(&r));
    let expired: Vec<_> = r.outcomes.iter().filter(|o| o.check.id.ends_with(".auth.expired")).collect();
    assert_eq!(expired.len(), 8, "one per authenticated endpoint");
    assert!(expired.iter().all(|o| o.verdict == Verdict::Passed));
    // The first token, the one let expire, and at least one renewal.
    assert!(t.token.issued().len() >= 3, "{} tokens issued", t.token.issued().len());
    // No token reaches the report: each is a secret.
    for token in t.token.issued() {
        assert_eq!(t.redact(&format!("x{token}x")), "x${AUTH_TOKEN}x");
    }
}

#[test]
fn without_the_lifetime_the_expired_checks_are_skipped_and_say_how_to_run_them() {
    let (running, credentials) = server(None);
    let (r, _) = run(&running, credentials, None);
    assert!(failures(&r).is_empty(), "{:#?}", failures(&r));
    let expired: Vec<_> = r.outcomes.iter().filter(|o| o.check.id.ends_with(".auth.expired")).collect();
    assert_eq!(expired.len(), 8);
    for o in expired {
        assert_eq!(o.verdict, Verdict::Skipped, "{}", o.check.id);
        assert!(
            o.reason.as_deref().is_some_and(|r| r.contains("--token-lifetime")),
            "{:?}",
            o.reason
        );
    }
}

#[test]
fn a_server_whose_tokens_never_expire_fails_the_expired_checks() {
    // The harness is told a lifetime the server does not keep.
    let (running, credentials) = server(None);
    let (r, _) = run(&running, credentials, Some(Duration::from_millis(40)));
    let failed: Vec<String> = failures(&r).into_iter().filter(|f| f.contains(".auth.expired:")).collect();
    // (Other checks may fail too: the delete the server accepted with the
    // expired token removed a record later checks update.)
    assert_eq!(failed.len(), 8, "{failed:#?}");
    assert!(failed.iter().all(|f| f.contains("authtoken-expired")), "{failed:#?}");
}
