//! Each classification on a small edit of the real schemas: the edited
//! tree against the real one, every change it makes named with its id, kind
//! and impact. And once on this repository's own history.

use erpspec_diff::{Change, Impact, diff};
use erpspec_schema::SchemaTree;

use Impact::{BreaksClients as Clients, BreaksClientsAndServers as Both, BreaksServers as Servers, Compatible};

fn real() -> SchemaTree {
    SchemaTree::read(&erpspec_schema::schemas_dir()).expect("the schemas read")
}

/// The real tree with each `(from, to)` of `edits` made in `file` (where
/// `from` occurs exactly once); `None` removes the file.
fn edited(file: &str, edits: Option<&[(&str, &str)]>) -> SchemaTree {
    let mut tree = real();
    let at = tree
        .files
        .iter()
        .position(|(p, _)| p == std::path::Path::new(file))
        .unwrap_or_else(|| panic!("no {file}"));
    match edits {
        None => {
            tree.files.remove(at);
        }
        Some(edits) => {
            let text = &mut tree.files[at].1;
            for (from, to) in edits {
                assert_eq!(text.matches(from).count(), 1, "{file}: {from:?} is not there exactly once");
                *text = text.replacen(from, to, 1);
            }
        }
    }
    tree
}

fn changes(old: &SchemaTree, new: &SchemaTree) -> Vec<(String, &'static str, Impact)> {
    try_changes(old, new).unwrap_or_else(|e| panic!("{e}"))
}

fn try_changes(old: &SchemaTree, new: &SchemaTree) -> Result<Vec<(String, &'static str, Impact)>, String> {
    let load =
        |t: &SchemaTree| erpspec_schema::load_tree(t).map_err(|d| d.items.iter().map(|i| i.render(false)).collect::<Vec<_>>().join("\n"));
    Ok(diff(&load(old)?, &load(new)?)
        .into_iter()
        .map(|c: Change| (c.id, c.kind, c.impact))
        .collect())
}

/// (file, its edits (text, replacement), the changes expected from the
/// real tree to the edited one).
type Row = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str, Impact)],
);

const ADD: &str = "schemas/manex/customer-add.yaml";
const CREATE: &str = "schemas/expandable/customer-contact-create.yaml";

const TABLE: &[Row] = &[
    (
        "schemas/expandable/customer-contact-delete.yaml",
        &[
            (
                "  AUTH_TOKEN: { type: string, required: true",
                "  REASON: { type: string, required: true }\n  AUTH_TOKEN: { type: string, required: true",
            ),
            (
                "CUST_CONTACT: JHERNANDEZ, AUTH_TOKEN",
                "CUST_CONTACT: JHERNANDEZ, REASON: moved, AUTH_TOKEN",
            ),
        ],
        &[
            ("expandable.customer-contact-delete.request.REASON", "required-field-added", Both),
            ("expandable.customer-contact-delete.examples", "documentation", Compatible),
        ],
    ),
    (
        ADD,
        &[("  Saledsctid:", "  Region: { type: string }\n  Saledsctid:")],
        &[
            ("manex.customer-add.request.Region", "optional-field-added", Servers),
            ("manex.customer-edit.request.Region", "optional-field-added", Servers),
        ],
    ),
    (
        ADD,
        &[("  Fax: { type: string, description: 'Customer''s fax.' }\n", "")],
        &[
            ("manex.customer-add.request.Fax", "field-removed", Clients),
            ("manex.customer-edit.request.Fax", "field-removed", Clients),
        ],
    ),
    (
        ADD,
        &[(
            "  Fax: { type: string, description: 'Customer''s fax.' }",
            "  Facsimile: { type: string, description: 'Customer''s fax.' }",
        )],
        &[
            ("manex.customer-add.request.Fax", "member-renamed", Both),
            ("manex.customer-edit.request.Fax", "member-renamed", Both),
        ],
    ),
    (
        "schemas/rpm/customer.yaml",
        &[
            (
                "IncludeLocations: { type: boolean, description",
                "IncludeLocations: { type: boolean, required: true, description",
            ),
            (
                "request: { CustomerID: 10023 }",
                "request: { CustomerID: 10023, IncludeLocations: true }",
            ),
        ],
        &[
            ("rpm.customer.request.IncludeLocations", "made-required", Both),
            ("rpm.customer.examples", "documentation", Compatible),
        ],
    ),
    (
        ADD,
        &[(
            "Custname: { type: string, required: true, description",
            "Custname: { type: string, description",
        )],
        &[("manex.customer-add.request.Custname", "made-optional", Servers)],
    ),
    (
        ADD,
        &[("Credlimit: { type: number, minimum: 0,", "Credlimit: { type: number, minimum: 10,")],
        &[
            ("manex.customer-add.Credlimit.minimum", "limit-tightened", Both),
            ("manex.customer-edit.Credlimit.minimum", "limit-tightened", Both),
        ],
    ),
    (
        ADD,
        &[("Credlimit: { type: number, minimum: 0,", "Credlimit: { type: number, minimum: -5,")],
        &[
            ("manex.customer-add.Credlimit.minimum", "limit-loosened", Servers),
            ("manex.customer-edit.Credlimit.minimum", "limit-loosened", Servers),
        ],
    ),
    (
        CREATE,
        &[("      value: 32765\n", "      value: 4000\n")],
        &[
            ("expandable.customer-contact-create.NOTES.max_length", "limit-tightened", Both),
            ("expandable.customer-contact-update.NOTES.max_length", "limit-tightened", Both),
        ],
    ),
    (
        CREATE,
        &[("      value: 32765\n", "      value: 65530\n")],
        &[
            ("expandable.customer-contact-create.NOTES.max_length", "limit-loosened", Servers),
            ("expandable.customer-contact-update.NOTES.max_length", "limit-loosened", Servers),
        ],
    ),
    (
        ADD,
        &[("enum: [OK, HOLD, REJECT]", "enum: [OK, HOLD]")],
        &[
            ("manex.customer-add.Creditok.enum", "enum-value-removed", Both),
            ("manex.customer-edit.Creditok.enum", "enum-value-removed", Both),
        ],
    ),
    (
        ADD,
        &[("enum: [OK, HOLD, REJECT]", "enum: [OK, HOLD, REJECT, WATCH]")],
        &[
            ("manex.customer-add.Creditok.enum", "enum-value-added", Servers),
            ("manex.customer-edit.Creditok.enum", "enum-value-added", Servers),
        ],
    ),
    (
        ADD,
        &[(
            "      strength: site\n      note: Territories",
            "      strength: documented\n      note: Territories",
        )],
        &[
            ("manex.customer-add.Territory.enum", "strength-changed", Servers),
            ("manex.customer-edit.Territory.enum", "strength-changed", Servers),
        ],
    ),
    (
        ADD,
        &[(
            "      strength: site\n      note: Territories",
            "      strength: implied\n      note: Territories",
        )],
        &[
            ("manex.customer-add.Territory.enum", "strength-changed", Clients),
            ("manex.customer-edit.Territory.enum", "strength-changed", Clients),
        ],
    ),
    (
        ADD,
        &[("    FAX: { type: string }\n", "")],
        &[
            ("manex.customer-add.response.FAX", "member-removed", Clients),
            ("manex.customer-get.response.FAX", "member-removed", Clients),
        ],
    ),
    (
        ADD,
        &[(
            "    AR_CALDATE: { type: string, nullable: true }",
            "    AR_CALDATE: { type: string }",
        )],
        &[
            ("manex.customer-add.response.AR_CALDATE", "made-non-nullable", Servers),
            ("manex.customer-get.response.AR_CALDATE", "made-non-nullable", Servers),
        ],
    ),
    (
        ADD,
        &[("    CREDLIMIT: { type: number }", "    CREDLIMIT: { type: string }")],
        &[
            ("manex.customer-add.response.CREDLIMIT", "type-changed", Both),
            ("manex.customer-get.response.CREDLIMIT", "type-changed", Both),
        ],
    ),
    (
        ADD,
        &[
            ("  message: Customer added successfully.", "  message: Customer created."),
            (
                "\"Message\": \"Customer added successfully.\"",
                "\"Message\": \"Customer created.\"",
            ),
        ],
        &[
            ("manex.customer-add.response.message", "answer-changed", Both),
            ("manex.customer-add.response_examples", "documentation", Compatible),
        ],
    ),
    (
        ADD,
        &[("summary: Adds a new customer to the system.", "summary: Adds a customer.")],
        &[("manex.customer-add.summary", "documentation", Compatible)],
    ),
    (
        "schemas/manex/api.yaml",
        &[(
            "    code: 403\n    message: { any: true }",
            "    code: 400\n    message: { any: true }",
        )],
        &[("manex.errors.refused.code", "error-changed", Both)],
    ),
    (
        "schemas/manex/api.yaml",
        &[("    payload_members: { $id: \"2\" }", "    payload_members: { $id: \"3\" }")],
        &[("manex.envelopes.success.payload_members.$id", "envelope-changed", Both)],
    ),
    (
        "schemas/manex/customer-get.yaml",
        &[(
            "errors: [customer-does-not-exist, invalid-api-key, no-http-resource]",
            "errors: [invalid-api-key, no-http-resource]",
        )],
        &[("manex.customer-get.errors.customer-does-not-exist", "error-removed", Clients)],
    ),
];

#[test]
fn every_edit_of_the_table_is_classified_as_expected() {
    let real = real();
    let mut wrong = Vec::new();
    for (file, edits, expected) in TABLE {
        let got = match try_changes(&real, &edited(file.trim_start_matches("schemas/"), Some(edits))) {
            Ok(got) => got,
            Err(e) => {
                wrong.push(format!("{file}: {edits:?} does not load:\n{e}"));
                continue;
            }
        };
        let expected: Vec<(String, &str, Impact)> = expected.iter().map(|(i, k, m)| (i.to_string(), *k, *m)).collect();
        if got != expected {
            wrong.push(format!("{file}: {edits:?}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} rows:\n{}", wrong.len(), TABLE.len(), wrong.join("\n"));
}

#[test]
fn endpoints_added_and_removed() {
    let real = real();
    let without = edited("manex/ship-bill-delete.yaml", None);
    assert_eq!(
        changes(&real, &without),
        [("manex.ship-bill-delete".to_string(), "endpoint-removed", Clients)]
    );
    assert_eq!(
        changes(&without, &real),
        [("manex.ship-bill-delete".to_string(), "endpoint-added", Servers)]
    );
}

#[test]
fn the_same_tree_has_no_changes() {
    assert_eq!(changes(&real(), &real()), []);
}

/// A real change in this repository's history: commit 96c1cd2 made RPM's
/// customer name refuse the empty string (documented) and warn on blanks
/// (implied).
#[test]
fn a_commit_of_this_repository_is_classified() {
    let root = erpspec_schema::schemas_dir().join("..");
    if !root.join(".git").exists() {
        eprintln!("skipped: not a git checkout");
        return;
    }
    let shallow = std::process::Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["cat-file", "-e", "96c1cd2^{commit}"])
        .status()
        .is_ok_and(|s| s.success());
    if !shallow {
        eprintln!("skipped: commit 96c1cd2 is not in this clone's history");
        return;
    }
    let load = |rev: &str| erpspec_diff::version::load(&root, rev).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<(String, &str, Impact)> = diff(&load("96c1cd2^"), &load("96c1cd2"))
        .into_iter()
        .map(|c| (c.id, c.kind, c.impact))
        .collect();
    assert_eq!(
        got,
        [
            ("rpm.customer-add.Customer.Name.min_length".to_string(), "rule-added", Both),
            ("rpm.customer-add.Customer.Name.format".to_string(), "rule-added", Compatible),
            (
                "rpm.customer-location-edit.Location.Name.format".to_string(),
                "rule-added",
                Compatible
            ),
        ]
    );
}
