//! `cargo xtask docs [--browser]`: renders the documentation pages (Markdown
//! under generated/docs/, the HTML site under generated/site/) from the
//! schemas, and with `--browser` loads the site in headless Chromium
//! (`xtask/site-check/check-site.mjs`, through playwright-core) and fails on
//! a broken link, a console error or a missing section.

use crate::codegen::{Outcome, ensure_file_contents};
use std::path::Path;
use std::process::{Command, ExitCode};

#[derive(clap::Args)]
pub struct Args {
    /// Then load the site in headless Chromium (Debian's `chromium`; playwright-core is installed
    /// under target/ci-node on first use) and check every page.
    #[arg(long)]
    browser: bool,
}

/// The page whose screenshot the browser check keeps.
const SCREENSHOT_PAGE: &str = "manex/customer-edit.html";
/// Pinned like the other tools CI installs.
const PLAYWRIGHT: &str = "playwright-core@1.65.1";

pub fn run(args: &Args) -> ExitCode {
    let root = crate::project_root();
    let Some(api) = crate::codegen::load_schemas(&root) else {
        return ExitCode::FAILURE;
    };
    let files = match erpspec_codegen::emit::docs::files(&api) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut updated = 0;
    for (path, text) in &files {
        match ensure_file_contents(&root.join(path), text, false) {
            Ok(Outcome::Fresh) => {}
            Ok(_) => updated += 1,
            Err(e) => {
                eprintln!("error: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let pages = files.iter().filter(|(p, _)| p.ends_with(".md") || p.ends_with(".html")).count();
    println!(
        "{pages} pages ({updated} updated): Markdown in {}/, HTML in {}/ (open {}/index.html)",
        erpspec_codegen::emit::docs::DOCS_DIR,
        erpspec_codegen::emit::docs::SITE_DIR,
        erpspec_codegen::emit::docs::SITE_DIR
    );
    if !args.browser {
        return ExitCode::SUCCESS;
    }
    match browser_check(&root) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn browser_check(root: &Path) -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!(
            "no Chromium at {chromium}: install it (`apt-get install chromium`) or set CHROMIUM"
        ));
    }
    let node_dir = root.join("target/ci-node");
    if !node_dir.join("node_modules/playwright-core").exists() {
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&node_dir)
            .arg(PLAYWRIGHT)
            .status()
            .map_err(|e| format!("cannot run npm (Node.js is needed for the browser check): {e}"))?;
        if !status.success() {
            return Err(format!("`npm install {PLAYWRIGHT}` failed"));
        }
    }
    let screenshot = root
        .join("target/docs-screenshot")
        .join(SCREENSHOT_PAGE.replace('/', "-").replace(".html", ".png"));
    let status = Command::new("node")
        .arg(root.join("xtask/site-check/check-site.mjs"))
        .arg(root.join(erpspec_codegen::emit::docs::SITE_DIR))
        .arg(&screenshot)
        .arg(SCREENSHOT_PAGE)
        .env("NODE_PATH", node_dir.join("node_modules"))
        .env("CHROMIUM", &chromium)
        .current_dir(&node_dir)
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err("the documentation site failed the browser check (problems above)".into()),
    }
}
