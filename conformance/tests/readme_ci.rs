//! The README's "Use it in CI" examples, run end to end on this machine: the
//! `conformance.toml`, the GitHub Actions workflow's steps and the GitLab CI
//! job's script, exactly as written there, in a project that keeps this
//! repository at `erpspec/` (a link to this checkout), against a reference
//! server with a fault: install, config, baseline, reports, then a new fault.
//!
//! `cargo install` runs for real, with `--debug --root` added so it stays in
//! a temporary directory and builds in the test profile's own target
//! directory (target/readme-ci).

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY: &str = "Readme1234";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// The fenced block of `lang` that follows the README's `marker` text.
fn block_after(readme: &str, marker: &str, lang: &str) -> String {
    let from = readme.find(marker).unwrap_or_else(|| panic!("README has no `{marker}`"));
    let fence = format!("```{lang}\n");
    let start = readme[from..].find(&fence).expect("a fenced block follows") + from + fence.len();
    let end = readme[start..].find("```").expect("the block ends") + start;
    readme[start..end].to_string()
}

/// One step of a pipeline: a shell command and its environment.
struct Step {
    run: String,
    env: BTreeMap<String, String>,
}

/// GitHub Actions: each `run:` step with its `env:`, where `${{ vars.X }}`
/// and `${{ secrets.X }}` read `given`.
fn github_steps(workflow: &Value, given: &BTreeMap<String, String>) -> Vec<Step> {
    let jobs = workflow["jobs"].as_object().expect("jobs");
    let steps = jobs.values().next().unwrap()["steps"].as_array().expect("steps");
    steps
        .iter()
        .filter_map(|s| {
            let run = s["run"].as_str()?.to_string();
            let env = s["env"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let expr = v.as_str().unwrap();
                            let name = expr.trim_start_matches("${{").trim_end_matches("}}").trim();
                            let name = name.rsplit('.').next().unwrap();
                            (k.clone(), given.get(name).unwrap_or_else(|| panic!("no value for {name}")).clone())
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Step { run, env })
        })
        .collect()
}

/// Runs a step in the project directory through bash, with the installed
/// binaries first on PATH; `cargo install` gets `--debug --root`.
fn run_step(step: &Step, project: &Path, bin_root: &Path, extra_env: &BTreeMap<String, String>) -> (i32, String) {
    let mut command = step.run.clone();
    if command.starts_with("cargo install") {
        command = format!("{command} --debug --root {}", bin_root.display());
    }
    let path = format!("{}:{}", bin_root.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["-c", &command])
        .current_dir(project)
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        .envs(extra_env)
        .envs(&step.env)
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_readme_ci_examples_install_configure_baseline_and_report() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let toml = block_after(&readme, "## Use it in CI", "toml");
    let workflow: Value = serde_saphyr::from_str(&block_after(&readme, "GitHub Actions", "yaml")).expect("the workflow is YAML");
    let gitlab: Value = serde_saphyr::from_str(&block_after(&readme, "GitLab CI", "yaml")).expect("the job is YAML");

    let project = std::env::temp_dir().join(format!("erpspec-readme-ci-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project).unwrap();
    std::os::unix::fs::symlink(workspace(), project.join("erpspec")).unwrap();
    std::fs::write(project.join("conformance.toml"), &toml).unwrap();
    let bin_root = project.join(".cargo-root");

    let faulty = common::manex_server(KEY, Some("wrong-message=customer-does-not-exist"));
    let given = BTreeMap::from([
        ("STAGING_URL".to_string(), faulty.base_url()),
        ("MANEX_API_KEY".to_string(), KEY.to_string()),
    ]);
    let summary = project.join("step-summary.md");
    let actions = BTreeMap::from([
        ("GITHUB_ACTIONS".to_string(), "true".to_string()),
        ("GITHUB_STEP_SUMMARY".to_string(), summary.display().to_string()),
    ]);
    let steps = github_steps(&workflow, &given);
    let [install, check, publish] = &steps[..] else {
        panic!("the workflow runs install, check and the summary; it has {} run steps", steps.len())
    };

    // Install; the first run fails on the fault and annotates it.
    let (code, out) = run_step(install, &project, &bin_root, &actions);
    assert_eq!(code, 0, "{out}");
    assert!(bin_root.join("bin/conformance").is_file());
    let (code, out) = run_step(check, &project, &bin_root, &actions);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("::error"), "GitHub annotations: {out}");
    assert!(!out.contains(KEY), "{out}");
    let (code, out) = run_step(publish, &project, &bin_root, &actions);
    assert_eq!(code, 0, "{out}");
    assert!(std::fs::read_to_string(&summary).unwrap().contains("Conformance score"));

    // Today's deviations accepted once, as the README says: green after.
    let baseline = Step {
        run: "conformance check --baseline-update".into(),
        env: given.clone(),
    };
    let (code, out) = run_step(&baseline, &project, &bin_root, &actions);
    assert_eq!(code, 0, "{out}");
    let written = std::fs::read_to_string(project.join("conformance.toml")).unwrap();
    assert!(written.starts_with(&toml) && written.contains("[[expect_failure]]"), "{written}");
    let (code, out) = run_step(check, &project, &bin_root, &actions);
    assert_eq!(code, 0, "{out}");

    // The GitLab job: its script (install again is a no-op), its artifacts.
    let job = gitlab.as_object().unwrap().values().next().unwrap();
    for line in job["script"].as_array().unwrap() {
        let step = Step {
            run: line.as_str().unwrap().to_string(),
            env: given.clone(),
        };
        let (code, out) = run_step(&step, &project, &bin_root, &BTreeMap::new());
        assert_eq!(code, 0, "{}: {out}", step.run);
    }
    let artifacts = &job["artifacts"];
    let junit = project.join(artifacts["reports"]["junit"].as_str().unwrap());
    assert!(
        std::fs::read_to_string(&junit).unwrap().contains("<skipped"),
        "expected failures are skipped"
    );
    for p in artifacts["paths"].as_array().unwrap() {
        assert!(project.join(p.as_str().unwrap()).is_file(), "{p}");
    }

    // A new fault fails the pipeline again.
    let worse = common::manex_server(KEY, Some("accept-any-method"));
    let mut step = Step {
        run: check.run.clone(),
        env: check.env.clone(),
    };
    step.env.insert("STAGING_URL".into(), worse.base_url());
    let (code, out) = run_step(&step, &project, &bin_root, &actions);
    assert_eq!(code, 1, "{out}");
    let _ = std::fs::remove_dir_all(&project);
}
