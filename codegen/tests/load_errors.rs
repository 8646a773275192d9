//! What a schema author sees when a schema file is wrong: one test per kind
//! of mistake, each on a copy of the real schemas with one file broken.

use erpspec_codegen::{SchemaTree, load_tree};
use std::path::PathBuf;

fn real_tree() -> SchemaTree {
    let mut t = SchemaTree::read(&erpspec_codegen::schemas_dir()).expect("schemas/ is readable");
    t.root = "schemas".to_string();
    t
}

/// Loads the real schemas with `file` replaced by `edit(text)`; returns the
/// one-line form of every diagnostic.
fn errors_after(file: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
    let mut tree = real_tree();
    let slot = tree
        .files
        .iter_mut()
        .find(|(p, _)| p == &PathBuf::from(file))
        .unwrap_or_else(|| panic!("{file} exists"));
    let edited = edit(&slot.1);
    assert_ne!(edited, slot.1, "the edit must change {file}");
    slot.1 = edited;
    match load_tree(&tree) {
        Ok(_) => Vec::new(),
        Err(d) => d.items.iter().map(ToString::to_string).collect(),
    }
}

fn assert_one(errors: &[String], expected: &[&str]) {
    assert_eq!(errors.len(), 1, "expected exactly one diagnostic, got:\n{}", errors.join("\n"));
    for e in expected {
        assert!(errors[0].contains(e), "diagnostic lacks {e:?}:\n{}", errors[0]);
    }
}

#[test]
fn the_real_schemas_load_cleanly() {
    if let Err(d) = load_tree(&real_tree()) {
        panic!("{}", d.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"));
    }
}

#[test]
fn unknown_key_names_the_key_and_suggests_the_right_one() {
    let errors = errors_after("manex/customer-add.yaml", |t| {
        t.replace("format: us_date, description: 'Date", "fromat: us_date, description: 'Date")
    });
    assert_one(
        &errors,
        &[
            "schemas/manex/customer-add.yaml:46:30: error: unknown key `fromat`",
            "help: did you mean `format`?",
        ],
    );
}

#[test]
fn wrong_value_type_says_what_to_write() {
    let errors = errors_after("rpm/customer-contact-add.yaml", |t| {
        t.replace("max_items: { value: 4,", "max_items: { value: four,")
    });
    assert_one(
        &errors,
        &[
            "schemas/rpm/customer-contact-add.yaml:",
            "wrong value type",
            "help: write a whole number",
        ],
    );
}

#[test]
fn duplicate_field_points_at_the_second_and_names_the_first() {
    let errors = errors_after("expandable/customer-part-delete.yaml", |t| {
        t.replace(
            "  AUTH_TOKEN: { type: string, required: true }\n",
            "  AUTH_TOKEN: { type: string, required: true }\n  PART_ID: { type: string }\n",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("customer-part-delete.yaml:14:3") && errors[0].contains("duplicate"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("line 10"), "names where the first one is: {}", errors[0]);
}

#[test]
fn a_numbered_run_that_repeats_a_field_is_a_duplicate() {
    let errors = errors_after("expandable/customer-part-create.yaml", |t| {
        t.replace("  COMMENT_ID: { type: string }\n", "  COMMENT_3: { type: string }\n")
    });
    assert_one(&errors, &["duplicate field `COMMENT_3`", "already defined at line"]);
}

#[test]
fn empty_enum_is_refused() {
    let errors = errors_after("manex/customer-add.yaml", |t| t.replace("enum: [OK, HOLD, REJECT]", "enum: []"));
    assert_one(
        &errors,
        &[
            "customer-add.yaml:44:35:",
            "`enum` of `Creditok` lists no values",
            "help: list the documented values",
        ],
    );
}

#[test]
fn max_length_on_a_number_is_refused_with_the_right_key_to_use() {
    let errors = errors_after("manex/customer-add.yaml", |t| {
        t.replace("Credlimit: { type: number, minimum: 0", "Credlimit: { type: number, max_length: 9")
    });
    assert_one(
        &errors,
        &["`max_length` does not apply to a field of type `number`", "use `minimum`"],
    );
}

#[test]
fn reference_to_a_missing_resource_suggests_the_declared_one() {
    let errors = errors_after("rpm/customer-contact-add.yaml", |t| {
        t.replace("refers_to: { resource: customer,", "refers_to: { resource: customers,")
    });
    assert_one(&errors, &["reference to missing resource `customers`", "did you mean `customer`?"]);
}

#[test]
fn unknown_dialect_feature_lists_the_supported_ones() {
    let errors = errors_after("manex/api.yaml", |t| t.replace("names: case_insensitive", "names: case_insenstive"));
    assert_one(
        &errors,
        &[
            "manex/api.yaml:",
            "unknown value `case_insenstive`",
            "did you mean `case_insensitive`?",
        ],
    );
    let errors = errors_after("rpm/api.yaml", |t| t.replace("parameters: [body]", "parameters: [cookie]"));
    assert_one(
        &errors,
        &["unknown value `cookie`", "expected one of `body`, `query`, `path` or `header`"],
    );
}

#[test]
fn yaml_syntax_error_has_a_position() {
    let errors = errors_after("rpm/customer.yaml", |t| {
        t.replace(
            "lookup: { CustomerID: [CustomerID], Customer: [Name] }",
            "lookup: { CustomerID: [CustomerID, Customer: [Name] }",
        )
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("schemas/rpm/customer.yaml:1"), "{}", errors[0]);
    assert!(errors[0].contains("YAML syntax error"), "{}", errors[0]);
}

#[test]
fn a_comma_in_an_unquoted_description_is_explained() {
    let errors = errors_after("manex/customer-add.yaml", |t| {
        t.replace("description: 'Customer Name.'", "description: Customer Name, never blank")
    });
    assert_one(&errors, &["unknown key `never blank`", "put text containing commas in quotes"]);
}

#[test]
fn unknown_source_and_error_ids_are_refused_with_suggestions() {
    let errors = errors_after("manex/customer-add.yaml", |t| {
        t.replace("on_duplicate: customer-add-failed", "on_duplicate: customer-add-fail")
    });
    assert_one(
        &errors,
        &["unknown error `customer-add-fail`", "did you mean `customer-add-failed`?"],
    );
    let errors = errors_after("rpm/customer.yaml", |t| {
        t.replace("sources: [customer]\noperation", "sources: [custmer]\noperation")
    });
    assert_one(&errors, &["unknown source `custmer`", "did you mean `customer`?"]);
}

#[test]
fn an_example_that_breaks_an_unlisted_rule_is_refused() {
    let errors = errors_after("manex/customer-add.yaml", |t| {
        t.replace(
            "request: { Custname: CustomerName, Status: Active }",
            "request: { Custname: CustomerName, Status: ACTIVE }",
        )
    });
    assert_one(
        &errors,
        &[
            "example `Add new customer (JSON)` does not break exactly the rules it lists",
            "manex.customer-add.Status.enum",
        ],
    );
}

#[test]
fn a_contested_rule_must_say_why() {
    let errors = errors_after("manex/customer-edit.yaml", |t| {
        t.replace(
            "      note: The table says \"In MM/DD/YYYY format\"; the example sends 'YYYY-MM-DD00:00:00'.\n",
            "",
        )
    });
    assert_one(&errors, &["a contested rule must say why", "add `note:`"]);
}

#[test]
fn deep_nesting_is_refused_not_recursed() {
    let errors = errors_after("rpm/customer-add.yaml", |t| {
        format!("{t}\nbomb: {}{}\n", "[".repeat(5000), "]".repeat(5000))
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("customer-add.yaml:"), "{}", errors[0]);
}

#[test]
fn alias_bomb_is_refused() {
    // Billion laughs inside an example request (the one place that takes any JSON).
    let mut bomb = String::from("request:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "      a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let errors = errors_after("rpm/customer-add.yaml", |t| {
        t.replace(
            "request: { Customer: { Name: PUMPCO, Website: \"http://www.example.com\" } }\n",
            &bomb,
        )
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("refused") || errors[0].contains("alias"), "{}", errors[0]);
}

#[test]
fn every_error_in_every_file_is_reported_at_once() {
    let mut tree = real_tree();
    for (path, text) in tree.files.iter_mut() {
        if path.ends_with("customer-add.yaml") {
            *text = text.replacen("title:", "titel:", 1);
        }
    }
    let errors: Vec<String> = load_tree(&tree)
        .expect_err("broken")
        .items
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 2, "one per broken file: {errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| e.contains("unknown key `titel`") && e.contains("did you mean `title`?")),
        "{errors:#?}"
    );
}

#[test]
fn references_between_declarations_are_checked() {
    let errors = errors_after("rpm/api.yaml", |t| {
        t.replace(
            "Contacts: { resource: customer_contact, on: CustomerID",
            "Contacts: { resource: customer_contacts, on: CustomerID",
        )
    });
    assert_one(&errors, &["`includes` names missing resource `customer_contacts`"]);
    let errors = errors_after("rpm/customer-contact-add.yaml", |t| {
        t.replace(
            "refers_to: { resource: customer, field: CustomerID,",
            "refers_to: { resource: customer, field: Website,",
        )
    });
    assert_one(&errors, &["`Website` does not identify a `customer`", "`CustomerID` or `Name`"]);
    let errors = errors_after("expandable/api.yaml", |t| {
        t.replace(
            "credential_fields: { DATA_SOURCE: DATA_SOURCE,",
            "credential_fields: { DATA_SOURCE: DATASOURCE,",
        )
    });
    assert_one(&errors, &["`DATASOURCE` is not a request field of `auth-token-get`"]);
    let errors = errors_after("manex/api.yaml", |t| t.replacen("    vars: { is_valid_user: false }\n", "", 1));
    assert_one(
        &errors,
        &[
            "error `invalid-api-key` leaves the slot `{{is_valid_user}}` of its body unfilled",
            "add `vars:",
        ],
    );
}

#[test]
fn misplaced_keys_are_refused_not_ignored() {
    let errors = errors_after("expandable/customer-contact-update.yaml", |t| {
        t.replace(
            "    sources: [contact-update]\n\nresponse:",
            "    sources: [contact-update]\n  - at_least_one_of: { fields: [E_MAIL] }\n\nresponse:",
        )
    });
    assert_one(
        &errors,
        &[
            "customer-contact-update.yaml:18:22",
            "a second `at_least_one_of` on the same object",
        ],
    );
    let errors = errors_after("rpm/customer.yaml", |t| {
        t.replace(
            "IncludeLocations: { type: boolean,",
            "IncludeLocations: { type: boolean, rules: [{ at_least_one_of: { fields: [X] } }],",
        )
    });
    assert_one(&errors, &["`rules` given for a field of type `boolean`"]);
    let errors = errors_after("manex/api.yaml", |t| {
        t.replace("modifiedDate: { how: timestamp,", "modifiedDate: { how: timestamp, width: 3,")
    });
    assert_one(&errors, &["`width` does not apply to `timestamp`"]);
    let errors = errors_after("rpm/customer.yaml", |t| {
        t.replace("  payload: record\n", "  payload: record\n  member: Customer\n")
    });
    assert_one(&errors, &["`member` is given but the payload is not `wrapped`"]);
}

#[test]
fn when_an_assigned_value_is_set_is_checked() {
    let manex = |from: &'static str, to: &'static str| errors_after("manex/api.yaml", move |t| t.replace(from, to));
    assert_one(
        &manex(
            "modifiedDate: { how: timestamp, on: [create, update]",
            "modifiedDate: { how: timestamp, on: []",
        ),
        &["manex/api.yaml:", "`on` lists no operation", "help: write `on: [create]`"],
    );
    assert_one(
        &manex(
            "modifiedDate: { how: timestamp, on: [create, update]",
            "modifiedDate: { how: timestamp, on: [update, update]",
        ),
        &["`on` lists `update` twice"],
    );
    assert_one(
        &manex(
            "CUSTNO: { how: padded_sequence, width: 10 }",
            "CUSTNO: { how: padded_sequence, width: 10, on: [create, update] }",
        ),
        &["a sequence value cannot be assigned on update", "only `timestamp` and `user`"],
    );
    assert_one(
        &manex(
            "modifiedDate: { how: timestamp, on: [create, update]",
            "modifiedDate: { how: timestamp, on: [create, upate]",
        ),
        &["unknown value `upate`", "did you mean `update`?"],
    );
}

#[test]
fn query_criteria_are_checked() {
    assert_one(
        &errors_after("expandable/customer-contact-create.yaml", |t| {
            t.replace(
                "kind: create, resource: customer_contact,",
                "kind: create, resource: customer_contact, criteria: qbe,",
            )
        }),
        &["customer-contact-create.yaml:", "`criteria` applies to `kind: query` only"],
    );
    assert_one(
        &errors_after("expandable/customer-contact-query.yaml", |t| {
            t.replace("criteria: qbe", "criteria: qbf")
        }),
        &["unknown value `qbf`", "did you mean `qbe`?"],
    );
}

#[test]
fn unpadded_fields_must_be_response_fields_of_a_padding_quirk() {
    let errors = errors_after("manex/customer-get.yaml", |t| {
        t.replace("unpadded: [PROFILE,", "unpadded: [PROFIL,")
    });
    assert_one(&errors, &["`PROFIL` is not a response field"]);
    let errors = errors_after("manex/customer-get.yaml", |t| t.replace("    pads_strings: true\n", ""));
    assert!(
        errors.iter().any(|e| e.contains("`unpadded` without `pads_strings: true`")),
        "{errors:#?}"
    );
}
