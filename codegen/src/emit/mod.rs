//! Emitters: the IR in, generated files out.
//!
//! Every emitter is a pure function of the [`erpspec_model::ir::Api`] returning
//! `(path relative to the workspace root, file text)` pairs, so
//! `cargo xtask codegen` can write them and `--check` (and the drift test in
//! `generated/tests/drift.rs`) can compare them with the files on disk.

pub mod docs;
pub mod openapi;
pub mod openapi30;
mod pretty_writer;
pub mod rust;

use erpspec_model::ir::Api;
use std::fmt;

/// Directories whose every file is generated: a file in them that no
/// emitter produces is stale and `cargo xtask codegen` removes it.
pub const OWNED_DIRS: &[&str] = &[
    rust::SRC_DIR,
    openapi::OPENAPI_DIR,
    openapi::JSON_SCHEMA_DIR,
    docs::DOCS_DIR,
    docs::SITE_DIR,
];

/// The emitter produced something it cannot stand behind (invalid Rust, or
/// an IR combination it cannot represent). Always a bug in the emitter or
/// the checker, never in a schema: the checker rejects bad schemas first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitError {
    /// The file being generated.
    pub file: String,
    pub message: String,
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for EmitError {}

/// Every generated file, sorted by path.
pub fn generate(api: &Api) -> Result<Vec<(String, String)>, EmitError> {
    let files = std::sync::Mutex::new(Vec::new());
    generate_each(api, &|path, text| files.lock().expect("no panics while held").push((path, text)))?;
    let mut files = files.into_inner().expect("no panics while held");
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// One unit of work of [`generate_each`]: the files of the crate as a
/// whole, of one vendor, or of one endpoint.
#[derive(Clone, Copy)]
enum Job {
    Whole,
    Vendor(usize),
    Endpoint(usize, usize),
}

/// Hands every generated file to `sink` as soon as it is made, so a caller
/// comparing or writing them never holds them all (at 1,000 endpoints they
/// are some 100 MB). Files are independent of each other, so they are made
/// on every available core and come in no fixed order; each file's text is
/// deterministic. On an emitter error (a bug, never a schema's fault: see
/// [`EmitError`]) the first failing job's error is returned, and the files
/// already handed over stay handed over.
pub fn generate_each(api: &Api, sink: &(dyn Fn(String, String) + Sync)) -> Result<(), EmitError> {
    let crate_ = rust::Crate::of(api);
    let pages = docs::Pages::of(api);
    // Vendors first: their OpenAPI documents are the largest jobs, and a
    // large job left for last keeps one core busy while the other idles.
    let mut jobs: Vec<Job> = (0..api.vendors.len()).map(Job::Vendor).collect();
    jobs.push(Job::Whole);
    for (i, v) in api.vendors.iter().enumerate() {
        jobs.extend((0..v.endpoints.len()).map(|j| Job::Endpoint(i, j)));
    }
    let run = |job: Job| -> Result<(), EmitError> {
        match job {
            Job::Whole => {
                let (path, text) = crate_.lib()?;
                sink(path, text);
                pages.index()?.into_iter().for_each(|(p, t)| sink(p, t));
            }
            Job::Vendor(i) => {
                crate_.vendor(i)?.into_iter().for_each(|(p, t)| sink(p, t));
                openapi::vendor_files(&api.vendors[i]).into_iter().for_each(|(p, t)| sink(p, t));
                pages.vendor(i)?.into_iter().for_each(|(p, t)| sink(p, t));
            }
            Job::Endpoint(i, j) => {
                let (path, text) = crate_.endpoint(i, j)?;
                sink(path, text);
                let (v, ep) = (&api.vendors[i], &api.vendors[i].endpoints[j]);
                openapi::endpoint_files(v, ep).into_iter().for_each(|(p, t)| sink(p, t));
                pages.endpoint(i, j)?.into_iter().for_each(|(p, t)| sink(p, t));
            }
        }
        Ok(())
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    // The failing job with the lowest index, so the error reported does not
    // depend on thread timing.
    let failed: std::sync::Mutex<Option<(usize, EmitError)>> = std::sync::Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&job) = jobs.get(k) else { break };
                    if let Err(e) = run(job) {
                        let mut f = failed.lock().expect("no panics while held");
                        if f.as_ref().is_none_or(|(at, _)| k < *at) {
                            *f = Some((k, e));
                        }
                    }
                }
            });
        }
    });
    match failed.into_inner().expect("no panics while held") {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}
