//! `conformance.toml`: every `check` flag as a committed file, and the
//! baseline of known failures a pipeline accepts.
//!
//! A fixed contract, since other scripts write these files: keys are the
//! long flags with `-` written `_` (`api`, `base_url`, `seed`, `cases`,
//! `timeout`, ...); the repeated `NAME=VALUE` flags are the tables
//! `[credentials]` and `[fixtures]`; the other repeated flags are arrays
//! (`report = ["json=report.json"]`, `only = [...]`); the baseline is
//! `[[expect_failure]]` entries of `id`, `reason` and optional `link`.
//! `${VAR}` in a string is the environment variable's value (secrets stay
//! out of the file). Flags override the file. Relative paths are the file's
//! directory's. `conformance.schema.json` describes it for editors.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file `check` reads from the working directory when no `--config` is given.
pub const DEFAULT_FILE: &str = "conformance.toml";

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub api: Option<String>,
    pub base_url: Option<String>,
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
    #[serde(default)]
    pub fixtures: BTreeMap<String, String>,
    pub seed: Option<u64>,
    pub cases: Option<u32>,
    /// `KIND=PATH`, as `--report`.
    #[serde(default)]
    pub report: Vec<String>,
    #[serde(default)]
    pub only: Vec<String>,
    pub concurrency: Option<usize>,
    pub strict: Option<bool>,
    pub run_timeout: Option<f64>,
    pub quiet: Option<bool>,
    pub timeout: Option<f64>,
    pub max_answer: Option<usize>,
    pub ca_cert: Option<PathBuf>,
    pub os_trust_store: Option<bool>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub profile: Option<PathBuf>,
    pub token_lifetime: Option<f64>,
    /// `NAME:VALUE`, as `-H`/`--header`.
    #[serde(default)]
    pub header: Vec<String>,
    pub wait_for_server: Option<f64>,
    /// `N/s`, as `--rate-limit`.
    pub rate_limit: Option<String>,
    #[serde(default)]
    pub expect_failure: Vec<ExpectedFailure>,
}

/// A check the server is known to fail: reported, not counted.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailure {
    pub id: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Config {
    /// The file to read: `--config FILE` (which must exist), else
    /// `conformance.toml` in the working directory where there is one.
    pub fn locate(given: Option<&Path>) -> Option<PathBuf> {
        match given {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()),
        }
    }

    /// Reads, checks and resolves a file: `${VAR}` substituted, relative
    /// paths made the file's directory's. Errors name `file:line:col`.
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut c = Config::parse(&text).map_err(|e| format!("{}:{e}", path.display()))?;
        c.substitute(&text).map_err(|e| format!("{}:{e}", path.display()))?;
        c.resolve_paths(path.parent().unwrap_or(Path::new(".")));
        Ok(c)
    }

    /// The file's text as a configuration, or `line:col: error: ...` with
    /// a help line.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| explain_toml_error(text, &e))
    }

    /// Every string's `${VAR}` replaced by the environment's value.
    fn substitute(&mut self, text: &str) -> Result<(), String> {
        let sub = |s: &mut String| -> Result<(), String> { substitute_env(s).map_err(|var| unset(text, &var)) };
        for s in self.api.iter_mut().chain(self.base_url.iter_mut()) {
            sub(s)?;
        }
        for s in self.credentials.values_mut().chain(self.fixtures.values_mut()) {
            sub(s)?;
        }
        for s in self.report.iter_mut().chain(self.only.iter_mut()).chain(self.header.iter_mut()) {
            sub(s)?;
        }
        for e in &mut self.expect_failure {
            sub(&mut e.id)?;
        }
        for p in self.paths_mut() {
            let mut s = p.to_string_lossy().into_owned();
            sub(&mut s)?;
            *p = PathBuf::from(s);
        }
        Ok(())
    }

    fn paths_mut(&mut self) -> impl Iterator<Item = &mut PathBuf> {
        self.ca_cert
            .iter_mut()
            .chain(self.client_cert.iter_mut())
            .chain(self.client_key.iter_mut())
            .chain(self.profile.iter_mut())
    }

    fn resolve_paths(&mut self, dir: &Path) {
        let under = |p: &Path| if p.is_relative() { dir.join(p) } else { p.to_path_buf() };
        for p in self.paths_mut() {
            *p = under(p);
        }
        for r in &mut self.report {
            if let Some((kind, path)) = r.split_once('=') {
                *r = format!("{kind}={}", under(Path::new(path)).display());
            }
        }
    }
}

/// `${NAME}` replaced by the variable's value; the name of the first unset one.
pub fn substitute_env(s: &mut String) -> Result<(), String> {
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else { break };
        let name = &rest[start + 2..start + 2 + len];
        let value = std::env::var(name).map_err(|_| name.to_string())?;
        out.push_str(&rest[..start]);
        out.push_str(&value);
        rest = &rest[start + 2 + len + 1..];
    }
    out.push_str(rest);
    *s = out;
    Ok(())
}

/// Where `${var}` is written in the file, for the error.
fn unset(text: &str, var: &str) -> String {
    let needle = format!("${{{var}}}");
    let at = text.find(&needle).unwrap_or(0);
    let (line, col) = line_col(text, at);
    format!(
        "{line}:{col}: error: `{needle}` names an environment variable that is not set\n  help: set {var} (a CI secret, say) before running, or write the value"
    )
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// A TOML error as the schema loader words its own: the position, what is
/// wrong, and the key that was meant.
fn explain_toml_error(text: &str, e: &toml::de::Error) -> String {
    let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
    let message = e.message();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let help = match erpspec_schema::diag::did_you_mean(key, expected.iter().copied()) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!(
                "the keys are {}",
                expected.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        return format!("{line}:{col}: error: unknown key `{key}`\n  help: {help}");
    }
    format!("{line}:{col}: error: {}", message.trim())
}

/// The baseline written by `--baseline-update`: the file's text with its
/// `[[expect_failure]]` entries replaced by `entries` (the rest of the file
/// kept as written).
pub fn with_baseline(text: &str, entries: &[ExpectedFailure]) -> String {
    let mut kept = Vec::new();
    let mut in_entry = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_entry = t == "[[expect_failure]]";
        }
        if !in_entry {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut out = kept.join("\n");
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    for e in entries {
        out.push_str("[[expect_failure]]\n");
        out.push_str(&format!("id = {}\n", toml_string(&e.id)));
        out.push_str(&format!("reason = {}\n", toml_string(&e.reason)));
        if let Some(l) = &e.link {
            out.push_str(&format!("link = {}\n", toml_string(l)));
        }
        out.push('\n');
    }
    out
}

/// `--baseline-update`: the run's failures become the file's expected
/// failures, each keeping its reason and link where it was listed; how
/// many it wrote.
pub fn write_baseline(path: &Path, old: &[ExpectedFailure], failures: &[(String, String)], seed: u64) -> Result<usize, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let entries: Vec<ExpectedFailure> = failures
        .iter()
        .map(|(id, why)| {
            old.iter().find(|e| &e.id == id).cloned().unwrap_or_else(|| ExpectedFailure {
                id: id.clone(),
                reason: format!(
                    "failing when the baseline was written (seed {seed}): {}",
                    why.lines().next().unwrap_or_default()
                ),
                link: None,
            })
        })
        .collect();
    std::fs::write(path, with_baseline(&text, &entries)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(entries.len())
}

/// A TOML basic string (JSON's string syntax is one).
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_long_flags_and_a_typo_names_its_line_and_the_key_meant() {
        let c = Config::parse(
            "api = \"manex\"\nbase_url = \"http://x\"\n[credentials]\nAPI_KEY = \"K\"\n[[expect_failure]]\nid = \"a\"\nreason = \"b\"\n",
        )
        .unwrap();
        assert_eq!(c.api.as_deref(), Some("manex"));
        assert_eq!(c.credentials["API_KEY"], "K");
        assert_eq!(c.expect_failure[0].id, "a");
        let e = Config::parse("api = \"manex\"\nbse_url = \"http://x\"\n").unwrap_err();
        assert_eq!(e, "2:1: error: unknown key `bse_url`\n  help: did you mean `base_url`?");
        let e = Config::parse("[[expect_failure]]\nid = \"a\"\nreasn = \"b\"\n").unwrap_err();
        assert!(
            e.starts_with("3:1: error: unknown key `reasn`\n  help: did you mean `reason`?"),
            "{e}"
        );
        assert!(Config::parse("cases = \"eight\"\n").unwrap_err().starts_with("1:9: error: "));
    }

    #[test]
    fn variables_are_substituted_and_an_unset_one_is_an_error_at_its_place() {
        // SAFETY: tests in this module do not read these variables concurrently.
        unsafe { std::env::set_var("ERPSPEC_TEST_CONFIG_KEY", "s3cret") };
        let mut s = "key=${ERPSPEC_TEST_CONFIG_KEY}!".to_string();
        substitute_env(&mut s).unwrap();
        assert_eq!(s, "key=s3cret!");
        let text = "api = \"rpm\"\n[credentials]\nAPI_KEY = \"${ERPSPEC_TEST_CONFIG_UNSET}\"\n";
        let mut c = Config::parse(text).unwrap();
        let e = c.substitute(text).unwrap_err();
        assert!(
            e.starts_with("3:12: error: `${ERPSPEC_TEST_CONFIG_UNSET}` names an environment variable that is not set"),
            "{e}"
        );
    }

    #[test]
    fn the_baseline_replaces_only_the_expected_failures() {
        let text = "api = \"rpm\"\n\n[[expect_failure]]\nid = \"old\"\nreason = \"r\"\n\n[credentials]\nAPI_KEY = \"k\"\n";
        let new = with_baseline(
            text,
            &[ExpectedFailure {
                id: "rpm.x".into(),
                reason: "why \"quoted\"".into(),
                link: Some("https://t/1".into()),
            }],
        );
        let c = Config::parse(&new).unwrap();
        assert_eq!(c.credentials["API_KEY"], "k");
        assert_eq!(c.expect_failure.len(), 1);
        assert_eq!(c.expect_failure[0].reason, "why \"quoted\"");
        assert_eq!(c.expect_failure[0].link.as_deref(), Some("https://t/1"));
        assert!(!new.contains("old"));
    }
}
