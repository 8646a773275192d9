//! The schema language's two descriptions for people and editors —
//! `schemas/README.md` and `schemas/schema-language.json` — checked against
//! the loader, so neither can drift from what `load_tree` accepts.
//!
//! - every real schema file validates against the JSON Schema;
//! - a misspelt key and an unknown enum value are refused by the JSON Schema
//!   as well as by the loader;
//! - every YAML block of the README is checked: `# file: <vendor>/<file>`
//!   blocks are assembled into two example vendors that must load with no
//!   diagnostic (and validate against the JSON Schema), `# from: schemas/...`
//!   blocks must be verbatim excerpts of the real files, and `# wrong:`
//!   blocks must fail exactly as the `text` block after them says.

mod common;

use common::{diagnostics, real_tree};
use erpspec_schema::{SchemaTree, load_tree};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const EDITOR_LINE: &str = "# yaml-language-server: $schema=../schema-language.json";

fn read(rel: &str) -> String {
    let path = erpspec_schema::schemas_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn language_schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&read("schema-language.json")).expect("schema-language.json is JSON");
    if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
        panic!("schema-language.json is not a valid draft-07 schema: {e}");
    }
    jsonschema::draft7::new(&schema).expect("schema-language.json compiles")
}

/// The JSON Schema's complaints about one YAML text (a YAML syntax error counts as one).
fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    match serde_saphyr::from_str::<Value>(yaml) {
        Ok(value) => validator
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
        Err(e) => vec![format!("YAML: {e}")],
    }
}

#[test]
fn every_real_schema_file_validates_against_the_language_schema() {
    let validator = language_schema();
    let tree = real_tree();
    let (mut api_files, mut endpoint_files) = (0, 0);
    let mut failures = Vec::new();
    for (path, text) in &tree.files {
        assert_eq!(
            text.lines().next(),
            Some(EDITOR_LINE),
            "{} must start with the editor line",
            path.display()
        );
        if path.file_stem().is_some_and(|s| s == "api") {
            api_files += 1
        } else {
            endpoint_files += 1
        }
        failures.extend(
            schema_errors(&validator, text)
                .into_iter()
                .map(|e| format!("{}: {e}", path.display())),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        api_files >= 3 && endpoint_files >= 12,
        "{api_files} api.yaml, {endpoint_files} endpoint files"
    );
}

/// Every mapping the JSON Schema declares is closed and every key has a description (editors show
/// it on hover). Conditional parts (`if`/`then`/`else`) and `false` (forbidden) keys only refine
/// keys declared elsewhere.
#[test]
fn the_language_schema_closes_every_mapping_and_describes_every_key() {
    fn walk(node: &Value, path: &str, problems: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                // A `false` property forbids a key declared elsewhere; it declares nothing.
                let declared: Vec<(&String, &Value)> = map
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter(|(_, v)| !v.is_boolean())
                    .collect();
                if !declared.is_empty() {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{path}: not closed (`additionalProperties: false`)"));
                    }
                    for (key, schema) in declared {
                        if schema.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                            problems.push(format!("{path}/properties/{key}: no description"));
                        }
                    }
                }
                for (k, v) in map {
                    if !["if", "then", "else"].contains(&k.as_str()) {
                        walk(v, &format!("{path}/{k}"), problems);
                    }
                }
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{path}/{i}"), problems)),
            _ => {}
        }
    }
    let schema: Value = serde_json::from_str(&read("schema-language.json")).expect("JSON");
    let mut problems = Vec::new();
    walk(&schema, "", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A real file with one edit, and what both the JSON Schema and the loader say about it.
fn refused_both_ways(file: &str, from: &str, to: &str) -> (Vec<String>, Vec<String>) {
    let mut tree = real_tree();
    let text = common::file_mut(&mut tree, file);
    assert!(text.contains(from), "{file} contains {from:?}");
    *text = text.replacen(from, to, 1);
    let by_schema = schema_errors(&language_schema(), text);
    (by_schema, diagnostics(&tree))
}

#[test]
fn a_misspelt_key_is_refused_by_the_json_schema_too() {
    let (by_schema, by_loader) = refused_both_ways("expandable/customer-contact-create.yaml", "    max_length:\n", "    maxlength:\n");
    assert_eq!(by_schema.len(), 1, "{by_schema:#?}");
    assert!(
        by_schema[0].starts_with("/request/NOTES: ") && by_schema[0].contains("'maxlength' was unexpected"),
        "{}",
        by_schema[0]
    );
    assert_eq!(by_loader.len(), 1, "{by_loader:#?}");
    assert!(
        by_loader[0].contains("unknown key `maxlength`") && by_loader[0].contains("did you mean `max_length`?"),
        "{}",
        by_loader[0]
    );
}

#[test]
fn an_unknown_enum_value_is_refused_by_the_json_schema_too() {
    let (by_schema, by_loader) = refused_both_ways("manex/api.yaml", "names: case_insensitive", "names: case_insenstive");
    assert_eq!(by_schema.len(), 1, "{by_schema:#?}");
    assert!(
        by_schema[0].starts_with("/transport/names: ") && by_schema[0].contains("case_insenstive"),
        "{}",
        by_schema[0]
    );
    assert_eq!(by_loader.len(), 1, "{by_loader:#?}");
    assert!(
        by_loader[0].contains("unknown value `case_insenstive`") && by_loader[0].contains("did you mean `case_insensitive`?"),
        "{}",
        by_loader[0]
    );
}

#[test]
fn the_json_schema_encodes_the_checkers_per_type_and_per_strength_rules() {
    let cases = [
        (
            "manex/customer-add.yaml",
            "Credlimit: { type: number, minimum: 0",
            "Credlimit: { type: number, max_length: 9",
            "/request/Credlimit",
        ),
        (
            "manex/customer-add.yaml",
            "enum: [OK, HOLD, REJECT]",
            "coded_enum: [OK=1]",
            "/request/Creditok",
        ),
        (
            "manex/customer-edit.yaml",
            "      note: The table says",
            "      nonote: The table says",
            "/request/Acct_date",
        ),
        (
            "manex/customer-add.yaml",
            "      strength: site\n      note: Territories",
            "      alternatives: [[A]]\n      note: Territories",
            "/request/Territory",
        ),
        ("manex/customer-add.yaml", "format: us_date", "format: usdate", "/request/Acct_date"),
        ("rpm/customer-contact-add.yaml", "  member: Contact\n", "", "/response"),
        (
            "rpm/customer-add.yaml",
            "items: { type: object, fields: { Alias: { type: string, required: true } } }",
            "items: { type: string, max_length: 3 }",
            "/request/Customer/fields/Aliases/items",
        ),
        (
            "manex/api.yaml",
            "how: padded_sequence, width: 10",
            "how: padded_sequence",
            "/resources/customer/assigned/CUSTNO",
        ),
        (
            "manex/api.yaml",
            "how: padded_sequence, width: 10 }",
            "how: padded_sequence, width: 10, on: [create, update] }",
            "/resources/customer/assigned/CUSTNO",
        ),
        (
            "manex/api.yaml",
            "how: timestamp, on: [create, update]",
            "how: timestamp, on: []",
            "/resources/address/assigned/ModifiedDate",
        ),
        (
            "expandable/customer-contact-create.yaml",
            "kind: create, resource: customer_contact,",
            "kind: create, resource: customer_contact, criteria: qbe,",
            "/operation",
        ),
        (
            "manex/api.yaml",
            "    pads_strings: true\n",
            "    pads_strings: true\n    reads_back_as: { path: /a, written: 1, read: 2 }\n",
            "/quirks/padded-strings",
        ),
        (
            "manex/customer-add.yaml",
            "description: 'Sales Discount Id.'",
            "description: Sales, Discount Id.",
            "/request/Saledsctid",
        ),
        (
            "rpm/customer-location-edit.yaml",
            "min_length: { value: 1,",
            "min_length: { value: 0,",
            "/request/Location/fields/Name",
        ),
        (
            "rpm/customer-location-edit.yaml",
            "LocationID: { type: integer, required:",
            "LocationID: { type: integer, min_length: 1, required:",
            "/request/Location/fields/LocationID",
        ),
        (
            "rpm/customer-contact-edit.yaml",
            "      Salutation: { type: string }",
            "      Salutation: { type: string, const: true }",
            "/request/Contact/fields/Salutation",
        ),
        (
            "rpm/customer.yaml",
            "  on_not_found: customer-not-found\n",
            "  on_not_found: customer-not-found\n  on_empty: customer-not-found\n",
            "/operation",
        ),
        (
            "rpm/customer-contact-edit.yaml",
            "  clears_omitted:\n",
            "  creates: { PhoneNumbers: {} }\n  clears_omitted:\n",
            "/operation",
        ),
        (
            "rpm/customer-add.yaml",
            "  on_duplicate: customer-name-not-unique\n",
            "  on_duplicate: customer-name-not-unique\n  clears_omitted: [Website]\n",
            "/operation",
        ),
        (
            "rpm/customer-contact-edit.yaml",
            "    alternatives: [[]]\n    note: >-\n",
            "    alternatives: [[]]\n    nonote: >-\n",
            "/operation/clears_omitted",
        ),
        (
            "rpm/customer-add.yaml",
            "      primary: { flag: IsPrimary, several: last, none: first }\n      primary_defaults",
            "      primary_defaults",
            "/operation/creates/Locations",
        ),
        (
            "rpm/customer.yaml",
            "  payload: record\n",
            "  payload: record\n  beside: { Age: last_modified }\n",
            "/response",
        ),
    ];
    for (file, from, to, at) in cases {
        let (by_schema, by_loader) = refused_both_ways(file, from, to);
        let here = |e: &String| {
            e.strip_prefix(at)
                .is_some_and(|rest| rest.starts_with(": ") || rest.starts_with('/'))
        };
        assert!(
            by_schema.iter().any(here),
            "{file}: {from:?} -> {to:?}: expected an error at {at}, got {by_schema:#?}"
        );
        assert!(
            !by_loader.is_empty(),
            "{file}: {from:?} -> {to:?}: the loader accepts what the JSON Schema refuses"
        );
    }
}

/// One fenced ```yaml block of the README: its first line and the rest.
struct Block {
    line: usize,
    head: String,
    body: String,
    /// The fenced block right after this one, if it is ```text.
    expected: Option<String>,
}

/// The fenced blocks of a Markdown text, (language, first line number, content), with the
/// fence's own indentation (blocks inside list items) removed from every line.
fn fenced_blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut open {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some((lang.trim().to_string(), i + 2, indent, String::new()));
                }
            }
            Some((lang, first, fence_indent, content)) => {
                if trimmed == "```" {
                    out.push((std::mem::take(lang), *first, std::mem::take(content)));
                    open = None;
                } else {
                    let cut = line.len().min(*fence_indent).min(indent);
                    content.push_str(&line[cut..]);
                    content.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    out
}

fn readme_yaml_blocks() -> Vec<Block> {
    let blocks = fenced_blocks(&read("README.md"));
    let mut out = Vec::new();
    for (i, (lang, line, content)) in blocks.iter().enumerate() {
        if lang != "yaml" {
            continue;
        }
        let (head, body) = content.split_once('\n').unwrap_or((content, ""));
        let expected = blocks
            .get(i + 1)
            .filter(|(l, _, _)| l == "text")
            .map(|(_, _, c)| c.trim_end().to_string());
        out.push(Block {
            line: *line,
            head: head.to_string(),
            body: body.to_string(),
            expected,
        });
    }
    out
}

/// The example vendors: `# file:` blocks concatenated per file, in README order.
fn readme_tree(blocks: &[Block]) -> SchemaTree {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for b in blocks {
        if let Some(name) = b.head.strip_prefix("# file: ") {
            let text = files.entry(name.trim().to_string()).or_default();
            text.push_str(&b.head);
            text.push('\n');
            text.push_str(&b.body);
        }
    }
    // Sorted by path, so each vendor's files are together (as `SchemaTree::read` gives them).
    SchemaTree {
        root: "schemas".to_string(),
        files: files.into_iter().map(|(p, t)| (PathBuf::from(p), t)).collect(),
    }
}

#[test]
fn every_readme_yaml_block_says_what_it_is() {
    let blocks = readme_yaml_blocks();
    assert!(blocks.len() > 40, "only {} YAML blocks in README.md", blocks.len());
    for b in &blocks {
        let known = ["# file: ", "# from: schemas/", "# wrong: "].iter().any(|p| b.head.starts_with(p));
        assert!(
            known,
            "README.md:{}: a YAML block must start with `# file: <vendor>/<file>`, `# from: schemas/...` or `# wrong: <vendor>/<file>`, not {:?}",
            b.line, b.head
        );
    }
}

#[test]
fn the_readme_example_vendors_load_without_diagnostics() {
    let blocks = readme_yaml_blocks();
    let tree = readme_tree(&blocks);
    let names: Vec<String> = tree.files.iter().map(|(p, _)| p.display().to_string()).collect();
    for wanted in ["acme/api.yaml", "globex/api.yaml"] {
        assert!(names.iter().any(|n| n == wanted), "README.md assembles no {wanted}: {names:?}");
    }
    let found = diagnostics(&tree);
    let listing: String = tree.files.iter().map(|(p, t)| format!("--- {}\n{t}", p.display())).collect();
    assert!(
        found.is_empty(),
        "the README's example vendors do not load:\n{}\n\nassembled files:\n{listing}",
        found.join("\n")
    );

    let api = load_tree(&tree).expect("loads");
    assert_eq!(api.vendors.len(), 2);
    let s = api.summary();
    assert!(s.rules_contested >= 2 && s.rules_site >= 1, "the examples show every strength: {s}");

    let validator = language_schema();
    for (path, text) in &tree.files {
        let errors = schema_errors(&validator, text);
        assert!(
            errors.is_empty(),
            "README example {} fails the JSON Schema:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn readme_excerpts_of_real_schemas_are_verbatim() {
    let mut excerpts = 0;
    for b in readme_yaml_blocks() {
        let Some(rel) = b.head.strip_prefix("# from: schemas/") else {
            continue;
        };
        let real = read(rel.trim());
        let wanted: Vec<&str> = b.body.lines().collect();
        let lines: Vec<&str> = real.lines().collect();
        assert!(!wanted.is_empty(), "README.md:{}: empty excerpt", b.line);
        assert!(
            lines.windows(wanted.len()).any(|w| w == wanted.as_slice()),
            "README.md:{}: this excerpt is no longer in schemas/{rel}; copy the current lines:\n{}",
            b.line,
            b.body
        );
        excerpts += 1;
    }
    assert!(excerpts >= 4, "{excerpts} excerpts");
}

#[test]
fn readme_mistakes_fail_exactly_as_shown() {
    let blocks = readme_yaml_blocks();
    let validator = language_schema();
    let mut mistakes = 0;
    for b in &blocks {
        let Some(name) = b.head.strip_prefix("# wrong: ") else { continue };
        let expected = b
            .expected
            .as_deref()
            .unwrap_or_else(|| panic!("README.md:{}: a `# wrong:` block is followed by a ```text block", b.line));
        let mut tree = readme_tree(&blocks);
        let text = format!("{}\n{}", b.head, b.body);
        tree.files.retain(|(p, _)| p != &PathBuf::from(name.trim()));
        tree.files.push((PathBuf::from(name.trim()), text.clone()));
        tree.files.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            diagnostics(&tree).join("\n"),
            expected,
            "README.md:{}: the loader's diagnostics",
            b.line
        );
        assert!(
            !schema_errors(&validator, &text).is_empty(),
            "README.md:{}: the JSON Schema accepts this mistake",
            b.line
        );
        mistakes += 1;
    }
    assert!(mistakes >= 2, "{mistakes} mistakes shown");
}
