//! Reading schema files: YAML text -> syntax model, with bounds.
//!
//! A schema directory holds one folder per vendor, each with an `api.yaml`
//! (the dialect) and one `<endpoint>.yaml` per endpoint. Parsing is bounded
//! (file size, nesting depth, alias expansion, node count) so a hostile file
//! is refused quickly instead of exhausting the machine.

use crate::diag::{Diagnostic, Diagnostics, Pos, SourceFile, did_you_mean, one_of_list};
use crate::syntax::{ApiFile, EndpointFile};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest schema file accepted, in bytes. The biggest real one is a few KiB.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// One parsed vendor directory.
#[derive(Clone)]
pub struct VendorFiles {
    pub dir_name: String,
    pub api: Option<(Arc<SourceFile>, ApiFile)>,
    pub api_pos: Arc<SourceFile>,
    pub endpoints: Vec<(Arc<SourceFile>, EndpointFile)>,
    /// Endpoint files that failed to parse (already reported), so that the
    /// checker does not pile follow-on errors on the files that extend them.
    pub unparsed: Vec<String>,
}

/// An in-memory schema tree: `(path relative to the schemas dir, text)`.
/// Lets tests and the drift check load without touching the disk layout.
pub struct SchemaTree {
    pub root: String,
    pub files: Vec<(PathBuf, String)>,
}

impl SchemaTree {
    /// Reads every `*/*.yaml` under `dir`, sorted, so output is deterministic.
    pub fn read(dir: &Path) -> std::io::Result<SchemaTree> {
        let mut files = Vec::new();
        let mut vendors: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
            .map(|e| e.path())
            .collect();
        vendors.sort();
        for v in vendors {
            let mut ymls: Vec<_> = std::fs::read_dir(&v)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            ymls.sort();
            for p in ymls {
                let rel = p.strip_prefix(dir).unwrap_or(&p).to_path_buf();
                files.push((rel, read_schema_file(&p)?));
            }
        }
        Ok(SchemaTree {
            root: shown_path(dir),
            files,
        })
    }
}

/// One schema file's text, or a marker the parser reports with its path:
/// only a regular file is opened (a FIFO would block the loader, a link to
/// `/dev/zero` would never end), and at most [`MAX_FILE_BYTES`] + 1 bytes
/// are read whatever the metadata says (a file growing while read).
fn read_schema_file(p: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(p)?;
    if !meta.is_file() {
        return Ok("\u{0}not-a-file".to_string());
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Ok(format!("\u{0}too-large:{}", meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(p)?.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Ok(format!("\u{0}too-large:more than {MAX_FILE_BYTES}"));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => format!("\u{0}not-utf8:{}", e.utf8_error().valid_up_to()),
    })
}

/// `dir` as the user should see it: relative to the working directory when
/// it lies under it (`schemas/...`), else absolute and without `..`.
fn shown_path(dir: &Path) -> String {
    let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| abs.strip_prefix(cwd).ok().map(Path::to_path_buf));
    rel.unwrap_or(abs).display().to_string()
}

/// One file, parsed (or not) on its own, with what its parse reported.
/// Short-lived (one per file, moved once into the tree): boxing would only
/// add an allocation per file.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Api(Option<ApiFile>),
    Endpoint(Option<EndpointFile>),
    /// Too large or not UTF-8: not parsed at all.
    Refused,
}

/// Parses every file of the tree; files that fail to parse are reported and
/// left out, so the checker still sees (and reports on) the others.
/// Files parse independently, so they are parsed on every available core
/// (at 1,000 endpoints parsing was a sixth of codegen's time, on one core);
/// they are put together and their diagnostics reported in file order.
pub fn parse_tree(tree: &SchemaTree, diags: &mut Diagnostics) -> Vec<VendorFiles> {
    let files: Vec<Arc<SourceFile>> = tree
        .files
        .iter()
        .map(|(rel, text)| {
            Arc::new(SourceFile {
                path: Path::new(&tree.root).join(rel).display().to_string(),
                text: text.clone(),
            })
        })
        .collect();
    let parsed = parse_all(&tree.files, &files);
    let mut out: Vec<VendorFiles> = Vec::new();
    for (((rel, _), file), (parsed, found)) in tree.files.iter().zip(files).zip(parsed) {
        diags.items.extend(found.items);
        let vendor = rel.parent().and_then(|p| p.to_str()).unwrap_or("").to_string();
        if out.last().is_none_or(|v| v.dir_name != vendor) {
            out.push(VendorFiles {
                dir_name: vendor.clone(),
                api: None,
                api_pos: file.clone(),
                endpoints: Vec::new(),
                unparsed: Vec::new(),
            });
        }
        let entry = out.last_mut().expect("pushed above");
        match parsed {
            Parsed::Refused => {}
            Parsed::Api(api) => {
                entry.api_pos = file.clone();
                entry.api = api.map(|api| (file, api));
            }
            Parsed::Endpoint(Some(ep)) => entry.endpoints.push((file, ep)),
            Parsed::Endpoint(None) => entry
                .unparsed
                .push(rel.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string()),
        }
    }
    out
}

/// [`parse_one`] of every file, on every available core, in file order.
fn parse_all(tree_files: &[(PathBuf, String)], files: &[Arc<SourceFile>]) -> Vec<(Parsed, Diagnostics)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    if threads == 1 {
        return tree_files.iter().zip(files).map(|((rel, _), file)| parse_one(rel, file)).collect();
    }
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = tree_files
            .chunks(chunk)
            .zip(files.chunks(chunk))
            .map(|(rels, files)| {
                s.spawn(move || {
                    rels.iter()
                        .zip(files)
                        .map(|((rel, _), file)| parse_one(rel, file))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("parsing never panics (serde-saphyr is panic-free)"))
            .collect()
    })
}

fn parse_one(rel: &Path, file: &Arc<SourceFile>) -> (Parsed, Diagnostics) {
    let mut diags = Diagnostics::default();
    if let Some(rest) = file.text.strip_prefix('\u{0}') {
        let msg = if let Some(n) = rest.strip_prefix("too-large:") {
            format!("schema file is {n} bytes; the limit is {MAX_FILE_BYTES}")
        } else if rest == "not-a-file" {
            "schema file is not a regular file (a pipe, a device or a link to one)".to_string()
        } else {
            "schema file is not valid UTF-8".to_string()
        };
        let file = Arc::new(SourceFile {
            path: file.path.clone(),
            text: String::new(),
        });
        diags.error_help(Pos::start(&file), msg, "schema files are small UTF-8 YAML documents");
        return (Parsed::Refused, diags);
    }
    let parsed = if rel.file_stem().is_some_and(|s| s == "api") {
        Parsed::Api(parse::<ApiFile>(file, &mut diags))
    } else {
        Parsed::Endpoint(parse::<EndpointFile>(file, &mut diags))
    };
    (parsed, diags)
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_reader_input_bytes = Some(MAX_FILE_BYTES);
    budget.max_depth = 24;
    budget.max_aliases = 64;
    budget.max_anchors = 64;
    budget.max_nodes = 100_000;
    budget.max_events = 200_000;
    budget.max_total_scalar_bytes = 4 * MAX_FILE_BYTES;
    budget.max_documents = 1;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses one file into `T`, turning a serde-saphyr error into a diagnostic
/// with a suggestion.
pub fn parse<T: DeserializeOwned>(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<T> {
    match serde_saphyr::from_str_with_options::<T>(&file.text, options()) {
        Ok(v) => Some(v),
        Err(e) => {
            let pos = e.location().map(|l| Pos::at(file, l)).unwrap_or_else(|| Pos::start(file));
            diags.push(explain(pos, &plain_message(&e)));
            None
        }
    }
}

/// The error's message without serde-saphyr's own snippet and position
/// (ours are rendered by [`Diagnostic::render`]).
fn plain_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    // Drop a trailing " at line N, column M" that the library appends.
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_start_matches("error: ").to_string()
}

/// Turns serde's wording into ours, with a suggestion where one exists.
fn explain(pos: Pos, msg: &str) -> Diagnostic {
    if let Some((wrong, expected)) = unknown_and_expected(msg, "unknown field `") {
        let names: Vec<&str> = expected.iter().map(String::as_str).collect();
        let d = Diagnostic::new(pos, format!("unknown key `{wrong}`"));
        if wrong.contains(' ') {
            // `description: a, b` inside `{ ... }`: the comma ended the value.
            return d.help("a comma inside a `{ ... }` mapping ends the value before it; put text containing commas in quotes");
        }
        return match did_you_mean(&wrong, names.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if !names.is_empty() => d.help(format!("expected one of {}", one_of_list(&names))),
            None => d.help("remove this key: this mapping takes no keys"),
        };
    }
    if let Some((wrong, expected)) = unknown_and_expected(msg, "unknown variant `") {
        let names: Vec<&str> = expected.iter().map(String::as_str).collect();
        let d = Diagnostic::new(pos, format!("unknown value `{wrong}`"));
        return match did_you_mean(&wrong, names.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`? (expected one of {})", one_of_list(&names))),
            None => d.help(format!("expected one of {}", one_of_list(&names))),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::new(pos, format!("missing key `{name}`"))
            .help(format!("add `{name}: ...` to this mapping (see schemas/README.md)"));
    }
    if let Some(ty) = msg
        .strip_prefix("invalid ")
        .filter(|t| ["u16", "u32", "u64", "i64", "f64", "bool"].contains(t))
    {
        let hint = match ty {
            "bool" => "write `true` or `false` here",
            "f64" | "i64" => "write a number here, e.g. `0`",
            _ => "write a whole number here, e.g. `32765`",
        };
        return Diagnostic::new(
            pos,
            format!("wrong value type: expected {}", if ty == "bool" { "a boolean" } else { "a number" }),
        )
        .help(hint);
    }
    if msg.starts_with("invalid type") {
        let hint = if msg.contains("expected u64") || msg.contains("expected u16") || msg.contains("expected u32") {
            "write a whole number here, e.g. `32765`"
        } else if msg.contains("expected f64") || msg.contains("expected i64") {
            "write a number here, e.g. `0`"
        } else if msg.contains("expected a boolean") || msg.contains("expected bool") {
            "write `true` or `false` here"
        } else if msg.contains("expected a string") {
            "write text here; quote it if it looks like a number or `yes`/`no`"
        } else if msg.contains("sequence") {
            "write a list here, e.g. `[A, B]`"
        } else if msg.contains("map") || msg.contains("struct") {
            "write a mapping here, e.g. `{ type: string }`"
        } else {
            "see schemas/README.md for what this key takes"
        };
        return Diagnostic::new(pos, format!("wrong value type: {msg}")).help(hint);
    }
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        let first = first_definition(&pos, key);
        let help = match first {
            Some(line) => format!("`{key}` is already defined at line {line}; remove or rename one"),
            None => "each key may appear once in a mapping; remove or rename one".to_string(),
        };
        return Diagnostic::new(pos, format!("duplicate key `{key}`")).help(help);
    }
    if msg.to_lowercase().contains("budget") || msg.contains("depth") || msg.contains("alias") {
        return Diagnostic::new(pos, format!("schema file refused: {msg}"))
            .help("schema files need no deep nesting or alias expansion; write the values out");
    }
    Diagnostic::new(pos, format!("YAML syntax error: {msg}")).help("check indentation, quoting and brackets around this point")
}

/// The line of an earlier `key:` at the same column as the duplicate (block
/// mappings), or anywhere earlier in the same line (flow mappings).
fn first_definition(pos: &Pos, key: &str) -> Option<usize> {
    let lines: Vec<&str> = pos.file.text.lines().collect();
    let col = pos.column - 1;
    let needle = format!("{key}:");
    (0..pos.line.saturating_sub(1).min(lines.len())).rev().find_map(|i| {
        let l = lines[i];
        let at_col = l
            .char_indices()
            .nth(col)
            .map(|(b, _)| &l[b..])
            .is_some_and(|r| r.starts_with(&needle));
        at_col.then_some(i + 1)
    })
}

/// Parses serde's "unknown field `x`, expected one of a, b" (the names may
/// be back-quoted or not; also "expected `a`" and "there are no fields").
fn unknown_and_expected(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(prefix)?;
    let (wrong, tail) = rest.split_once('`')?;
    let list = tail
        .split_once("expected one of ")
        .or_else(|| tail.split_once("expected "))
        .map(|(_, l)| l)
        .unwrap_or("");
    let expected = list
        .split(", ")
        .map(|n| n.trim().trim_matches('`').to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Some((wrong.to_string(), expected))
}

/// Convenience for tests: the one-line form of every diagnostic.
pub fn lines(diags: &Diagnostics) -> Vec<String> {
    diags.items.iter().map(ToString::to_string).collect()
}
