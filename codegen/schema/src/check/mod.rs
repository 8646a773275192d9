//! Semantic checks: syntax model -> IR.
//!
//! Resolves every reference (sources, catalogue entries, resources, fields,
//! the token endpoint), expands numbered runs, gives every rule its id,
//! strength and sources, and checks each doc example against the rules.
//! Every problem becomes a diagnostic; checking goes on after one so a run
//! reports them all.
//!
//! As in serde_derive's `internals::check`: a context per file (`Cx`)
//! collects the diagnostics, and each invariant or resolution step is a
//! function of its own, grouped by what it checks: `vendor` (api.yaml),
//! `auth`, `resources`, `quirks`, `endpoint` (an endpoint file: its request
//! and response), `operation`, `field`, `rules` and `examples`.

mod auth;
mod endpoint;
mod examples;
mod field;
mod operation;
mod quirks;
mod resources;
mod rules;
mod vendor;

pub use field::expand_run;

use crate::diag::{Diagnostics, Pos, SourceFile, did_you_mean, one_of_list};
use crate::load::VendorFiles;
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::Api;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::Arc;

/// `seeds`: the file names in the seed documents' directory
/// (`../shared/seeds/`), which every source's `seed:` must name; `None`
/// where that directory is not at hand (schemas embedded in a binary), and
/// then `seed:` is not checked against it.
pub fn check(files: Vec<VendorFiles>, seeds: Option<&[String]>, diags: &mut Diagnostics) -> Api {
    let mut vendors = Vec::new();
    for vf in files {
        let Some((api_file, api)) = vf.api else {
            api_file_missing(&vf, diags);
            continue;
        };
        let declared = Declared::of(&api, seeds);
        let mut cx = Cx {
            file: api_file.clone(),
            diags,
            declared: &declared,
        };
        vendors.push(vendor::vendor(&mut cx, &vf.dir_name, &api, &vf.endpoints, &vf.unparsed));
    }
    vendors.sort_by(|a, b| a.name.cmp(&b.name));
    Api { vendors }
}

/// A vendor directory without an api.yaml; one whose api.yaml did not
/// parse has had its error reported already.
fn api_file_missing(vf: &VendorFiles, diags: &mut Diagnostics) {
    if (vf.endpoints.is_empty() && vf.dir_name.is_empty()) || vf.api_pos.path.ends_with("api.yaml") {
        return;
    }
    let missing = vf.api_pos.path.rsplit_once('/').map(|(d, _)| format!("{d}/api.yaml"));
    diags.error_help(
        Pos::start(&vf.api_pos),
        format!("vendor directory `{}` has no api.yaml", vf.dir_name),
        format!("create {} describing the vendor's dialect", missing.unwrap_or_default()),
    );
}

/// The names a vendor's api.yaml declares, which every file of the vendor
/// resolves its references against.
struct Declared {
    sources: BTreeSet<String>,
    errors: BTreeSet<String>,
    resources: BTreeSet<String>,
    /// Per resource, the fields that identify a record (key and unique).
    identifying: BTreeMap<String, Vec<String>>,
    /// The seed documents' file names, where known (see [`check`]).
    seeds: Option<Vec<String>>,
}

impl Declared {
    /// Read before any checking, each name once; of a duplicate resource,
    /// the first entry identifies its records (the others are reported).
    fn of(api: &syntax::ApiFile, seeds: Option<&[String]>) -> Declared {
        let mut identifying = BTreeMap::new();
        for (name, r) in &api.resources.0 {
            identifying
                .entry(name.value.clone())
                .or_insert_with(|| r.key.iter().chain(&r.unique).map(|k| k.value.clone()).collect());
        }
        Declared {
            sources: api.sources.0.iter().map(|(id, _)| id.value.clone()).collect(),
            errors: api.errors.0.iter().map(|(id, _)| id.value.clone()).collect(),
            resources: api.resources.0.iter().map(|(name, _)| name.value.clone()).collect(),
            identifying,
            seeds: seeds.map(<[String]>::to_vec),
        }
    }
}

/// The context of checking one file: where its diagnostics point, the sink
/// that collects them, and what the vendor declares.
struct Cx<'a> {
    file: Arc<SourceFile>,
    diags: &'a mut Diagnostics,
    declared: &'a Declared,
}

impl Cx<'_> {
    fn pos<T>(&self, s: &S<T>) -> Pos {
        Pos::of(&self.file, s)
    }

    /// A diagnostic at `at`, with what to write instead.
    fn error<T>(&mut self, at: &S<T>, message: impl Into<String>, help: impl Into<String>) {
        let pos = self.pos(at);
        self.diags.error_help(pos, message, help);
    }

    /// A diagnostic on the file as a whole: what is missing has no position.
    fn error_on_file(&mut self, message: impl Into<String>, help: impl Into<String>) {
        self.diags.error_help(Pos::start(&self.file), message, help);
    }

    /// A name used before: `line` is where it first is.
    fn duplicate(&mut self, at: &S<String>, what: &str, name: &str, line: impl Display) {
        self.error(
            at,
            format!("duplicate {what} `{name}`"),
            format!("`{name}` is already defined at line {line}; remove or rename one"),
        );
    }

    /// The entries of an ordered mapping with duplicates reported (first wins).
    fn dup_checked<'m, T>(&mut self, m: &'m Ordered<T>, what: &str) -> Vec<(&'m S<String>, &'m T)> {
        let mut seen: BTreeMap<&str, &S<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for (k, v) in &m.0 {
            if let Some(first) = seen.get(k.value.as_str()) {
                self.duplicate(k, what, &k.value, first.referenced.line());
                continue;
            }
            seen.insert(&k.value, k);
            out.push((k, v));
        }
        out
    }

    /// A name api.yaml does not declare under `section`, with the likely
    /// intent or the names it does declare.
    fn undeclared(&mut self, pos: Pos, message: String, name: &str, known: &[&str], section: &str) {
        let help = suggest(name, known.iter().copied(), || {
            format!("declare it under `{section}:` in api.yaml (known: {})", one_of_list(known))
        });
        self.diags.error_help(pos, message, help);
    }

    fn source_refs(&mut self, refs: &[S<String>]) -> Vec<String> {
        let mut out = Vec::new();
        for r in refs {
            if !self.declared.sources.contains(&r.value) {
                let known: Vec<&str> = self.declared.sources.iter().map(String::as_str).collect();
                let pos = self.pos(r);
                self.undeclared(pos, format!("unknown source `{}`", r.value), &r.value, &known, "sources");
            }
            out.push(r.value.clone());
        }
        out
    }

    /// The sources `refs` name, or the enclosing element's when it names none.
    fn sources_or(&mut self, refs: &[S<String>], inherited: &[String]) -> Vec<String> {
        if refs.is_empty() {
            return inherited.to_vec();
        }
        self.source_refs(refs)
    }

    fn known_error(&mut self, id: &str, pos: Pos) {
        if !self.declared.errors.contains(id) {
            let known: Vec<&str> = self.declared.errors.iter().map(String::as_str).collect();
            self.undeclared(pos, format!("unknown error `{id}`"), id, &known, "errors");
        }
    }

    fn error_id(&mut self, r: &S<String>) -> String {
        let pos = self.pos(r);
        self.known_error(&r.value, pos);
        r.value.clone()
    }

    fn error_ref(&mut self, r: &Option<S<String>>) -> Option<String> {
        r.as_ref().map(|r| self.error_id(r))
    }

    /// Every entry a situation is documented to get, each a declared error.
    fn error_refs(&mut self, r: &Option<S<syntax::Answers>>) -> Vec<String> {
        let Some(r) = r else { return Vec::new() };
        match &r.value {
            syntax::Answers::One(id) => {
                let pos = self.pos(r);
                self.known_error(id, pos);
                vec![id.clone()]
            }
            syntax::Answers::Many(ids) => ids.iter().map(|id| self.error_id(id)).collect(),
        }
    }

    /// `known`: the resources in the order the help lists them (an
    /// operation's in api.yaml's order, a reference's sorted).
    fn missing_resource(&mut self, r: &S<String>, known: &[&str]) {
        let pos = self.pos(r);
        self.undeclared(
            pos,
            format!("reference to missing resource `{}`", r.value),
            &r.value,
            known,
            "resources",
        );
    }
}

/// An endpoint file's context: the file's, and the names its rule ids start with.
struct EndpointCx<'a> {
    cx: Cx<'a>,
    vendor: String,
    endpoint: String,
    /// Ids of the object-level rules built so far (one per object).
    object_rule_ids: BTreeSet<String>,
}

impl<'a> std::ops::Deref for EndpointCx<'a> {
    type Target = Cx<'a>;
    fn deref(&self) -> &Cx<'a> {
        &self.cx
    }
}

impl std::ops::DerefMut for EndpointCx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.cx
    }
}

/// "did you mean `x`?" when one of `known` is close to `wrong`, else `otherwise`.
fn suggest<'k>(wrong: &str, known: impl IntoIterator<Item = &'k str>, otherwise: impl FnOnce() -> String) -> String {
    match did_you_mean(wrong, known) {
        Some(s) => format!("did you mean `{s}`?"),
        None => otherwise(),
    }
}
