//! `cargo xtask bench --only codegen`: whole-process `xtask codegen` on
//! synthetic schema trees of N endpoints, and cargo-typify (crates.io) on
//! the request JSON Schemas the same run emitted for them.
//!
//! A synthetic tree is `target/bench/codegen-N/main/schemas`: every
//! vendor's `api.yaml` as it is, the real endpoints, then copies of them
//! (`customer-add-s7`: endpoint, route, `extends` and rule ids renamed) in
//! rounds over every vendor until there are N, so each copy has the fields,
//! rules, examples and sources of a real endpoint and the loader checks it
//! like one (its seeds are the real ones, linked at `codegen-N/shared/seeds`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// cargo-typify's version, pinned like every tool the bench installs.
const TYPIFY: &str = "0.8.0";
/// A peer run that takes longer than this is stopped and reported as such.
const PEER_LIMIT: Duration = Duration::from_secs(300);

/// Files by name (a file stem) with their text.
type Named = Vec<(String, String)>;

/// One whole-process run: wall seconds, CPU seconds (user + system) and
/// peak resident memory in MB (GNU time's `%M`, of the process and any
/// child it waited for).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Run {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

pub fn codegen(root: &Path, runs: usize, quick: bool) -> Result<(), String> {
    if !Path::new("/usr/bin/time").exists() {
        return Err("GNU time is not installed at /usr/bin/time (`apt-get install time`)".into());
    }
    let xtask = xtask_binary(root, quick)?;
    let typify = typify(root)?;
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1_000, 10_000] };
    println!("## `cargo xtask codegen` at scale, and cargo-typify on the same endpoints\n");
    println!(
        "Synthetic trees of N endpoints: the real ones, then renamed copies of them (fields, rules, examples, \
         sources) in rounds over the 3 vendors. Each row: {runs} whole-process runs (wall clock, CPU = user + \
         system, peak RSS from GNU time). `codegen` loads and checks every schema and emits every artefact \
         (Rust, OpenAPI 3.1 and 3.0.3, JSON Schemas, Markdown and HTML pages) on every core; \"up to date\" \
         compares them with the files on disk (`--check`), \"from nothing\" writes them into an empty \
         `generated/`. cargo-typify {TYPIFY} reads one file holding every endpoint's request JSON Schema \
         (as emitted, under `$defs`) and writes the Rust types (formatted by rustfmt, which it runs): one \
         process for the whole set, as codegen is; it makes request types only.\n"
    );
    println!(
        "```sh\ntarget/release/xtask codegen --root target/bench/codegen-N/main --check     # up to date\n\
         target/release/xtask codegen --root target/bench/codegen-N/main             # from nothing (generated/ removed first)\n\
         target/typify/bin/cargo-typify typify target/bench/codegen-N/requests.json -o target/bench/codegen-N/requests.rs\n```\n"
    );
    println!(
        "| endpoints | generated files (MB) | codegen, up to date: wall s | CPU s | peak MB | codegen, from nothing: wall s | peak MB | cargo-typify: wall s | peak MB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for &n in sizes {
        let base = root.join(format!("target/bench/codegen-{n}"));
        let tree = base.join("main");
        synthetic_tree(root, &base, n)?;
        let generate = |check: bool| {
            let mut cmd = Command::new(&xtask);
            cmd.args(["codegen", "--root"]).arg(&tree);
            if check {
                cmd.arg("--check");
            }
            cmd
        };
        // The first run writes generated/, which the "up to date" runs compare.
        measure(generate(false), None)?.ok_or("codegen did not finish")?;
        let (files, mb) = tree_size(&tree.join("generated"));
        let up_to_date = repeat(runs, || measure(generate(true), None))?;
        let from_nothing = repeat(runs, || {
            std::fs::remove_dir_all(tree.join("generated")).map_err(|e| e.to_string())?;
            measure(generate(false), None)
        })?;
        let schema = base.join("requests.json");
        combined_request_schema(&tree, &schema)?;
        let peer = repeat(runs, || {
            let mut cmd = Command::new(&typify);
            cmd.arg("typify").arg(&schema).arg("-o").arg(base.join("requests.rs"));
            measure(cmd, Some(PEER_LIMIT))
        });
        let peer = match peer {
            Ok(runs) => format!("{} | {}", figure(&runs, |r| r.wall), figure(&runs, |r| r.rss_mb)),
            Err(why) => format!("{why} | —"),
        };
        println!(
            "| {n} | {files} ({mb:.0}) | {} | {} | {} | {} | {} | {peer} |",
            figure(&up_to_date, |r| r.wall),
            figure(&up_to_date, |r| r.cpu),
            figure(&up_to_date, |r| r.rss_mb),
            figure(&from_nothing, |r| r.wall),
            figure(&from_nothing, |r| r.rss_mb),
        );
    }
    println!();
    Ok(())
}

/// `runs` runs of `f`; `Err` with the reason when one did not finish.
fn repeat(runs: usize, mut f: impl FnMut() -> Result<Option<Run>, String>) -> Result<Vec<Run>, String> {
    let mut out = Vec::new();
    for _ in 0..runs {
        match f()? {
            Some(r) => out.push(r),
            None => return Err(format!("stopped after {} s", PEER_LIMIT.as_secs())),
        }
    }
    Ok(out)
}

/// Median (min–max) of one figure of the runs.
fn figure(runs: &[Run], pick: fn(&Run) -> f64) -> String {
    let (median, min, max) = super::spread(runs.iter().map(pick).collect());
    let digits = if median < 10.0 { 2 } else { 0 };
    format!("{median:.digits$} ({min:.digits$}–{max:.digits$})")
}

/// Runs `cmd` under GNU time; `None` if it ran past `limit` (then it and
/// its children are killed). A failed run is an error: a figure of a
/// process that did not do its work is no figure.
fn measure(cmd: Command, limit: Option<Duration>) -> Result<Option<Run>, String> {
    use std::os::unix::process::CommandExt;
    let report = std::env::temp_dir().join(format!("xtask-bench-time-{}", std::process::id()));
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%U %S %M", "-o"])
        .arg(&report)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group, so a run past the limit is killed whole.
        .process_group(0);
    let start = Instant::now();
    let mut child = timed.spawn().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if limit.is_some_and(|l| start.elapsed() > l) {
            let _ = Command::new("kill").args(["-KILL", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = start.elapsed().as_secs_f64();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!(
            "{:?} {:?} failed:\n{err}",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>()
        ));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| format!("no report from GNU time: {e}"))?;
    parse_time(&text, wall)
        .map(Some)
        .ok_or_else(|| format!("cannot read GNU time's report: {text}"))
}

/// GNU time's `%U %S %M` line (seconds, seconds, KB).
fn parse_time(text: &str, wall: f64) -> Option<Run> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut parts = line.split_whitespace().map(|p| p.parse::<f64>().ok());
    let (user, system, kb) = (parts.next()??, parts.next()??, parts.next()??);
    Some(Run {
        wall,
        cpu: user + system,
        rss_mb: kb / 1024.0,
    })
}

/// The xtask binary measured: release (built here); `--quick` measures the
/// running one (the debug build the tests made: a smoke run, not figures).
fn xtask_binary(root: &Path, quick: bool) -> Result<PathBuf, String> {
    if quick {
        return std::env::current_exe().map_err(|e| e.to_string());
    }
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(["build", "--quiet", "--release", "-p", "xtask"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    status.success().then_some(()).ok_or("the release build of xtask failed")?;
    Ok(super::target_dir(root).join("release/xtask"))
}

/// cargo-typify, installed into the ignored `target/typify` on first use.
fn typify(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/typify");
    let bin = dir.join("bin/cargo-typify");
    if bin.exists() {
        return Ok(bin);
    }
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["install", "cargo-typify", "--locked", "--version", TYPIFY, "--root"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    status
        .success()
        .then_some(bin)
        .ok_or_else(|| "cargo install cargo-typify failed".into())
}

/// How many files are under `dir` and their size in MB.
fn tree_size(dir: &Path) -> (usize, f64) {
    let mut stack = vec![dir.to_path_buf()];
    let (mut files, mut bytes) = (0, 0u64);
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => {
                    files += 1;
                    bytes += m.len();
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes as f64 / 1e6)
}

/// One JSON Schema holding every emitted request schema of `tree` under
/// `$defs` (`<vendor>-<endpoint>`), without the members that name a
/// document (`$schema`, `$id`, `$comment`), which belong at a root.
fn combined_request_schema(tree: &Path, out: &Path) -> Result<(), String> {
    let dir = tree.join(erpspec_codegen::emit::openapi::JSON_SCHEMA_DIR);
    let mut defs = serde_json::Map::new();
    let mut vendors: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    vendors.sort();
    for v in vendors {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&v).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let Some(endpoint) = name.strip_suffix(".request.json") else {
                continue;
            };
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            let mut schema: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
            if let Some(m) = schema.as_object_mut() {
                for key in ["$schema", "$id", "$comment"] {
                    m.remove(key);
                }
            }
            let vendor = v.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            defs.insert(format!("{vendor}-{endpoint}"), schema);
        }
    }
    let doc = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "requests",
        "$defs": defs,
    });
    std::fs::write(out, serde_json::to_string_pretty(&doc).expect("JSON values serialise")).map_err(|e| e.to_string())
}

/// Writes `base/main/schemas` with `n` endpoints (the real ones first, then
/// renamed copies, vendor by vendor in rounds) and links the real seeds at
/// `base/shared/seeds`. Leaves `base/main/generated` as it is when the
/// schemas are already those.
fn synthetic_tree(root: &Path, base: &Path, n: usize) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    let real = erpspec_schema::SchemaTree::read(&root.join("schemas")).map_err(io)?;
    // Per vendor: its name, its `api.yaml`, its endpoint files (stem, text).
    let mut vendors: Vec<(String, String, Named)> = Vec::new();
    for (path, text) in &real.files {
        let (Some(vendor), Some(stem)) = (
            path.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()),
            path.file_stem().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if vendors.last().is_none_or(|v| v.0 != vendor) {
            vendors.push((vendor.to_string(), String::new(), Vec::new()));
        }
        let slot = vendors.last_mut().expect("pushed");
        match stem {
            "api" => slot.1 = text.clone(),
            _ => slot.2.push((stem.to_string(), text.clone())),
        }
    }
    vendors.iter_mut().for_each(|v| v.2 = bases_first(std::mem::take(&mut v.2)));
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for (vendor, api, _) in &vendors {
        files.push((PathBuf::from(format!("{vendor}/api.yaml")), api.clone()));
    }
    let mut count = 0;
    'rounds: for round in 0.. {
        for (vendor, _, endpoints) in &vendors {
            let names: Vec<&str> = endpoints.iter().map(|(name, _)| name.as_str()).collect();
            for (name, text) in endpoints {
                if count == n {
                    break 'rounds;
                }
                let (file, text) = match round {
                    0 => (name.clone(), text.clone()),
                    k => (format!("{name}-s{k}"), renamed(text, vendor, &names, k)),
                };
                files.push((PathBuf::from(format!("{vendor}/{file}.yaml")), text));
                count += 1;
            }
        }
    }
    let schemas = base.join("main/schemas");
    let fresh = files
        .iter()
        .all(|(p, t)| std::fs::read_to_string(schemas.join(p)).is_ok_and(|old| &old == t))
        && crate::codegen::files_under(&schemas).len() == files.len();
    if !fresh {
        let _ = std::fs::remove_dir_all(base.join("main"));
        for (p, t) in &files {
            let path = schemas.join(p);
            std::fs::create_dir_all(path.parent().expect("a vendor directory")).map_err(io)?;
            std::fs::write(&path, t).map_err(io)?;
        }
    }
    let seeds = base.join("shared/seeds");
    if !seeds.exists() {
        std::fs::create_dir_all(base.join("shared")).map_err(io)?;
        let real_seeds = erpspec_schema::seeds_dir_of(&root.join("schemas"));
        let real_seeds = real_seeds.canonicalize().map_err(|e| format!("{}: {e}", real_seeds.display()))?;
        std::os::unix::fs::symlink(real_seeds, &seeds).map_err(io)?;
    }
    Ok(())
}

/// Endpoints ordered so that one another `extends` comes before it: a set
/// cut short then never extends a copy it lacks.
fn bases_first(mut endpoints: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    while !endpoints.is_empty() {
        let names: Vec<String> = endpoints.iter().map(|(n, _)| n.clone()).collect();
        let ready = |text: &str| extends(text).iter().all(|base| !names.contains(base));
        let (now, later): (Vec<_>, Vec<_>) = endpoints.into_iter().partition(|(_, t)| ready(t));
        if now.is_empty() {
            // A cycle the loader reports; keep the files as they are.
            out.extend(later);
            break;
        }
        out.extend(now);
        endpoints = later;
    }
    out
}

/// The endpoints a schema file `extends` (its request's, its response's).
fn extends(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("extends:"))
        .map(|v| v.trim().to_string())
        .collect()
}

/// An endpoint file as its `k`th copy: the endpoint, its route, what it
/// extends and every rule id of the vendor's endpoints get `-s<k>`.
fn renamed(text: &str, vendor: &str, names: &[&str], k: usize) -> String {
    let suffix = format!("-s{k}");
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let trimmed = line.trim_start();
        let mut line = if let Some(v) = line.strip_prefix("endpoint: ") {
            format!("endpoint: {}{suffix}", v.trim())
        } else if let Some(v) = line.strip_prefix("route: ") {
            format!("route: {}S{k}", v.trim())
        } else if let Some(v) = trimmed.strip_prefix("extends: ")
            && names.contains(&v.trim())
        {
            format!("{indent}extends: {}{suffix}", v.trim())
        } else {
            line.to_string()
        };
        for name in names {
            let id = format!("{vendor}.{name}.");
            if line.contains(&id) {
                line = line.replace(&id, &format!("{vendor}.{name}{suffix}."));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_renames_endpoint_route_extends_and_rule_ids_only() {
        let text = "endpoint: customer-edit\nroute: Customer/Edit\nrequest:\n  extends: customer-add\n  extends: elsewhere\nbreaks: [manex.customer-edit.X.format, manex.customer.Y.format, rpm.customer-edit.Z.format]\n";
        let names = ["customer-add", "customer-edit", "customer"];
        assert_eq!(
            renamed(text, "manex", &names, 3),
            "endpoint: customer-edit-s3\nroute: Customer/EditS3\nrequest:\n  extends: customer-add-s3\n  extends: elsewhere\nbreaks: [manex.customer-edit-s3.X.format, manex.customer-s3.Y.format, rpm.customer-edit.Z.format]\n"
        );
    }

    #[test]
    fn bases_come_before_the_endpoints_extending_them() {
        let files = vec![
            ("get".to_string(), "response:\n  extends: add\n".to_string()),
            ("query".to_string(), "extends: add\n".to_string()),
            ("add".to_string(), "request: {}\n".to_string()),
        ];
        let order: Vec<String> = bases_first(files).into_iter().map(|(n, _)| n).collect();
        assert_eq!(order, ["add", "get", "query"]);
    }

    #[test]
    fn gnu_time_reports_are_read() {
        let run = parse_time("0.5 0.25 204800\n", 1.5).expect("read");
        assert_eq!(
            run,
            Run {
                wall: 1.5,
                cpu: 0.75,
                rss_mb: 200.0
            }
        );
        assert_eq!(parse_time("Command exited with non-zero status 1\n", 1.0), None);
    }
}
