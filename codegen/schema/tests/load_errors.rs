//! What a schema author sees when a schema file is wrong: one test per kind
//! of mistake, each on a copy of the real schemas with one file broken.

mod common;

use common::{assert_one, errors_after, errors_after_replacing, real_tree};
use erpspec_schema::load_tree;
use std::path::PathBuf;

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
            "schemas/manex/customer-add.yaml:48:30: error: unknown key `fromat`",
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
            "customer-add.yaml:46:35:",
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
            "modifiedDate: { how: timestamp, on: [update]",
            "modifiedDate: { how: timestamp, on: []",
        ),
        &["manex/api.yaml:", "`on` lists no operation", "help: write `on: [create]`"],
    );
    assert_one(
        &manex(
            "modifiedDate: { how: timestamp, on: [update]",
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
            "modifiedDate: { how: timestamp, on: [update]",
            "modifiedDate: { how: timestamp, on: [upate]",
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
    let errors = errors_after("manex/api.yaml", |t| t.replace("unpadded: [PROFILE,", "unpadded: [PROFIL,"));
    assert_one(&errors, &["`PROFIL` is not a response field"]);
    let errors = errors_after("manex/api.yaml", |t| t.replace("    pads_strings: true\n", ""));
    assert!(errors.iter().any(|e| e.contains("is not `pads_strings: true`")), "{errors:#?}");
}

/// Edits `file` (`from` -> `to`, once) and asserts the one diagnostic: `error`
/// at the place `at` marks with `^` (a unique piece of the edited file, so the
/// expected `file:line:col` follows the file when lines are added above),
/// and its `help`.
fn assert_edit(file: &str, from: &str, to: &str, at: &str, error: &str, help: &str) {
    let text = std::fs::read_to_string(erpspec_schema::schemas_dir().join(file)).expect("readable");
    assert!(text.contains(from), "{file} contains {from:?}");
    let edited = text.replacen(from, to, 1);
    let (before, after) = at.split_once('^').expect("`at` marks the place with ^");
    let piece = format!("{before}{after}");
    let found: Vec<usize> = edited.match_indices(&piece).map(|(i, _)| i).collect();
    assert_eq!(found.len(), 1, "{piece:?} occurs once in the edited {file}");
    let start = found[0] + before.len();
    let line = edited[..start].matches('\n').count() + 1;
    let col = edited[..start].rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    let errors = errors_after(file, |t| t.replacen(from, to, 1));
    assert_one(
        &errors,
        &[&format!("schemas/{file}:{line}:{col}: error: {error}"), &format!("help: {help}")],
    );
}

/// `min_length` counts like `max_length`, on strings only, and says something.
#[test]
fn min_length_applies_to_strings_and_is_at_least_one() {
    assert_edit(
        "rpm/customer-location-edit.yaml",
        "LocationID: { type: integer, required:",
        "LocationID: { type: integer, min_length: 1, required:",
        "LocationID: { type: integer, min_length: ^1,",
        "`min_length` does not apply to a field of type `integer`",
        "`min_length` applies to strings; for numbers use `minimum`",
    );
    assert_edit(
        "rpm/customer-location-edit.yaml",
        "min_length: { value: 1,",
        "min_length: { value: 0,",
        "min_length: ^{ value: 0,",
        "`min_length: 0` holds for every string",
        "write `min_length: 1` for a value that must not be empty, or remove it",
    );
}

#[test]
fn const_applies_to_booleans_only() {
    assert_edit(
        "rpm/customer-contact-edit.yaml",
        "      Salutation: { type: string }",
        "      Salutation: { type: string, const: true }",
        "Salutation: { type: string, const: ^true }",
        "`const` does not apply to a field of type `string`",
        "`const` applies to booleans; for text use `enum: [VALUE]`",
    );
}

#[test]
fn from_is_for_response_fields_only() {
    assert_edit(
        "rpm/customer.yaml",
        "  Customer: { type: string, description:",
        "  Customer: { type: string, from: Name, description:",
        "from: ^Name,",
        "`from` on a request field",
        "`from` names the record field a response field shows; for a request field use `operation.stores`",
    );
}

#[test]
fn a_singleton_has_exactly_one_demo_record() {
    assert_edit(
        "rpm/api.yaml",
        "        TimeFormat: 1\n",
        "        TimeFormat: 1\n      - { InstanceID: 2 }\n",
        "  ^instance:\n",
        "singleton resource `instance` has 2 demo records",
        "a singleton is its one record: give exactly one under `demo:`",
    );
    assert_edit(
        "rpm/api.yaml",
        "    sources: [contact-add, customer]\n",
        "    singleton: true\n    sources: [contact-add, customer]\n",
        "  ^customer_contact:\n",
        "singleton resource `customer_contact` has 0 demo records",
        "a singleton is its one record: give exactly one under `demo:`",
    );
}

#[test]
fn auth_example_values_and_lengths_name_declared_credentials() {
    assert_edit(
        "rpm/api.yaml",
        "example_values: { API_KEY:",
        "example_values: { APIKEY:",
        "example_values: { ^APIKEY:",
        "`APIKEY` is not a declared credential",
        "did you mean `API_KEY`?",
    );
    assert_edit(
        "rpm/api.yaml",
        "  present:\n",
        "  lengths: { KEY: 36 }\n  present:\n",
        "lengths: { ^KEY:",
        "`KEY` is not a declared credential",
        "name one of `API_KEY`",
    );
}

#[test]
fn on_empty_is_for_queries_only() {
    assert_edit(
        "rpm/customer.yaml",
        "  on_not_found: customer-not-found\n",
        "  on_not_found: customer-not-found\n  on_empty: customer-not-found\n",
        "on_empty: ^customer-not-found",
        "`on_empty` applies to `kind: query` only",
        "remove it: only a query can find nothing",
    );
    assert_edit(
        "rpm/customers.yaml",
        "on_empty: no-customers",
        "on_empty: no-customer",
        "on_empty: ^no-customer",
        "unknown error `no-customer`",
        "did you mean `no-customers`?",
    );
}

#[test]
fn creates_is_checked_against_the_created_records_lists() {
    // Only a create makes records; one diagnostic however many lists it names.
    assert_edit(
        "rpm/customer-contact-edit.yaml",
        "  clears_omitted:\n",
        "  creates: { PhoneNumbers: { drop_taken: Number }, Other: {} }\n  clears_omitted:\n",
        "creates: { ^PhoneNumbers:",
        "`creates` applies to `kind: create` only",
        "remove it, or make the operation a create",
    );
    let add = "rpm/customer-add.yaml";
    assert_edit(
        add,
        "    Aliases:\n      # \"An alias",
        "    Alias:\n      # \"An alias",
        "    ^Alias:\n",
        "`creates` names `Alias`, which is not a list of the record",
        "did you mean `Aliases`?",
    );
    assert_edit(
        add,
        "    Aliases:\n      # \"An alias",
        "    Website:\n      # \"An alias",
        "    ^Website:\n",
        "`creates` names `Website`, which is not a list of the record",
        "name a list (`type: array`) of the record: `Aliases`, `Locations`, `Contacts` or `Fields`",
    );
    assert_edit(
        add,
        "primary: { flag: IsPrimary, several: last, none: first }\n      primary_defaults",
        "primary: { flag: Primary, several: last, none: first }\n      primary_defaults",
        "flag: ^Primary,",
        "`Primary` is not a field of the items",
        "did you mean `IsPrimary`?",
    );
    assert_edit(
        add,
        "primary: { flag: IsPrimary, several: last, none: first }\n      primary_defaults",
        "primary: { flag: IsPrimary, several: none, none: first }\n      primary_defaults",
        "several: ^none,",
        "`several: none` keeps no item primary",
        "write `several: first` or `several: last`",
    );
    assert_edit(
        add,
        "drop_taken: Alias",
        "drop_taken: Name",
        "drop_taken: ^Name",
        "`Name` is not a field of the items",
        "name a field of the items of `Aliases`: `Alias`",
    );
    assert_edit(
        add,
        "      primary: { flag: IsPrimary, several: last, none: first }\n      primary_defaults: { Name: Primary }",
        "      primary_defaults: { Name: Primary }",
        "  creates:\n    ^Locations:\n",
        "`primary_defaults` without `primary`",
        "the defaults go to the primary item: add `primary: { flag, several, none }`, or remove `primary_defaults`",
    );
    assert_edit(
        add,
        "primary_defaults: { Name: Primary }",
        "primary_defaults: { Nme: Primary }",
        "  creates:\n    ^Locations:\n",
        "`primary_defaults` of `Locations` names `Nme`, which is not a field of the items",
        "did you mean `Name`?",
    );
}

#[test]
fn clears_omitted_is_for_updates_and_names_fields_of_the_record() {
    assert_edit(
        "rpm/customer-add.yaml",
        "  on_duplicate: customer-name-not-unique\n",
        "  on_duplicate: customer-name-not-unique\n  clears_omitted: [Website]\n",
        "clears_omitted: ^[Website]",
        "`clears_omitted` applies to `kind: update` only",
        "remove it, or make the operation an update",
    );
    let edit = "rpm/customer-contact-edit.yaml";
    assert_edit(
        edit,
        "value: [Salutation, Title, Email]",
        "value: [Salutation, Title, EMail]",
        "Title, ^EMail]",
        "`EMail` is not a field of the record",
        "did you mean `Email`?",
    );
    // The other readings name fields too.
    assert_edit(
        edit,
        "alternatives: [[]]",
        "alternatives: [[Titel]]",
        "alternatives: [[^Titel]]",
        "`Titel` is not a field of the record",
        "did you mean `Title`?",
    );
}

#[test]
fn beside_needs_a_wrapped_payload() {
    // One diagnostic however many members it lists.
    assert_edit(
        "rpm/customer.yaml",
        "  payload: record\n",
        "  payload: record\n  beside: { Age: last_modified, Count: count }\n",
        "beside: { ^Age:",
        "`beside` needs `payload: wrapped`",
        "write `payload: wrapped` and `member: <name>` (a query's list goes under `member`, these members beside it), or remove `beside`",
    );
    assert_edit(
        "rpm/customers.yaml",
        "beside: { Age: last_modified }",
        "beside: { Age: last_modifed }",
        "Age: ^last_modifed",
        "unknown value `last_modifed`",
        "did you mean `last_modified`?",
    );
}

#[test]
fn include_if_names_a_response_member_and_a_boolean_request_field() {
    let customer = "rpm/customer.yaml";
    let from = "include_if: { Locations: IncludeLocations }";
    assert_edit(
        customer,
        from,
        "include_if: { Locations: Customer }",
        "Locations: ^Customer }",
        "`Customer` is not a boolean request field",
        "`include_if` names a request field of `type: boolean`: `IncludeLocations`",
    );
    assert_edit(
        customer,
        from,
        "include_if: { Locations: IncludeLocation }",
        "Locations: ^IncludeLocation }",
        "`IncludeLocation` is not a request field",
        "did you mean `IncludeLocations`?",
    );
    assert_edit(
        customer,
        from,
        "include_if: { Location: IncludeLocations }",
        "include_if: { ^Location:",
        "`include_if` names `Location`, which is not a response field",
        "did you mean `Locations`?",
    );
}

/// A source's `seed:` names a file of `../shared/seeds/` (the seeds
/// directory must be there: CI checks `shared/` out beside the workspace); a
/// misspelt one is an error with its position and the closest file name.
/// Schemas embedded in a binary, loaded where no seeds directory is at hand,
/// skip the check.
#[test]
fn a_seed_names_a_file_of_the_seeds_directory() {
    let Some(dir) = erpspec_schema::seeds_for_test("a_seed_names_a_file_of_the_seeds_directory") else {
        return;
    };
    let seeds = erpspec_schema::read_seed_names(&dir).expect("the seeds directory reads");
    assert!(seeds.contains(&"003_ce6f3b901637b304.txt".to_string()), "{seeds:?}");
    assert!(!seeds.iter().any(|s| s == "README.md"), "the index is not a seed");
    let with_seeds = |file: &str, from: &str, to: &str| -> Vec<String> {
        let mut tree = real_tree();
        let slot = tree.files.iter_mut().find(|(p, _)| p == &PathBuf::from(file)).expect("file exists");
        assert!(slot.1.contains(from), "{file} contains {from:?}");
        slot.1 = slot.1.replacen(from, to, 1);
        match erpspec_schema::load_tree_with_seeds(&tree, Some(&seeds)) {
            Ok(_) => Vec::new(),
            Err(d) => d.items.iter().map(ToString::to_string).collect(),
        }
    };
    // The real schemas cite existing seeds.
    assert!(with_seeds("manex/api.yaml", "title: ManEx ERP", "title: ManEx ERP").is_empty());
    let text = std::fs::read_to_string(erpspec_schema::schemas_dir().join("manex/api.yaml")).unwrap();
    let at = text.find("seed: 003_ce6f3b901637b304.txt").unwrap() + "seed: ".len();
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    assert_one(
        &with_seeds("manex/api.yaml", "seed: 003_ce6f3b901637b304.txt", "seed: 003_ce6f3b901637b305.txt"),
        &[
            &format!("schemas/manex/api.yaml:{line}:{col}: error: `003_ce6f3b901637b305.txt` is not a file in ../shared/seeds/"),
            "help: did you mean `003_ce6f3b901637b304.txt`?",
        ],
    );
    // Nothing close: the help lists the seed files.
    assert_one(
        &with_seeds("manex/api.yaml", "seed: 003_ce6f3b901637b304.txt", "seed: customer-main.txt"),
        &[
            "`customer-main.txt` is not a file in ../shared/seeds/",
            "help: name a file of ../shared/seeds/ (see its README.md): `000_f926099f9f3535f2.txt`",
        ],
    );
    // Without the seeds directory (embedded schemas) the name is not checked.
    let errors = errors_after("manex/api.yaml", |t| {
        t.replacen("seed: 003_ce6f3b901637b304.txt", "seed: 003_ce6f3b901637b305.txt", 1)
    });
    assert!(errors.is_empty(), "{errors:#?}");
    // The workspace loader checks seeds when the directory is there.
    erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
}

#[test]
fn a_sample_answer_is_recognised_or_says_why_not() {
    // A sample with the wrong message is refused, and the refusal names where.
    let errors = errors_after("manex/customer-get.yaml", |t| {
        t.replacen(
            "\"Message\": \"Customer does not exists.\"",
            "\"Message\": \"Customer does not exist.\"",
            1,
        )
    });
    assert_one(
        &errors,
        &[
            "sample answer `Non-Existent Customer` is not what the schemas say: at /Message: message \"Customer does not exist.\" is not the documented \"Customer does not exists.\"",
            "help: fix the sample to match the docs, or write `differs:`",
        ],
    );
    // A success sample under a refusal's Code is not a success.
    let errors = errors_after("manex/customer-edit.yaml", |t| {
        t.replacen(
            "\"Code\": 200, \"Message\": \"Customer edited successfully.\"",
            "\"Code\": 403, \"Message\": \"Customer edited successfully.\"",
            1,
        )
    });
    assert_one(
        &errors,
        &["sample answer `A successful edit` is not what the schemas say: refused with `refused`"],
    );
    // `differs` on a sample that is recognised is a stale excuse.
    let errors = errors_after("manex/customer-get.yaml", |t| {
        t.replacen(
            "answer: customer-does-not-exist\n",
            "answer: customer-does-not-exist\n    differs: no reason\n",
            1,
        )
    });
    assert_one(
        &errors,
        &[
            "sample answer `Non-Existent Customer` says it differs, but it is recognised as documented",
            "help: remove `differs:`",
        ],
    );
    // An unknown entry is named, with a suggestion.
    let errors = errors_after("manex/customer-get.yaml", |t| {
        t.replacen("answer: customer-does-not-exist", "answer: customer-does-not-exists", 1)
    });
    assert_one(
        &errors,
        &[
            "unknown error `customer-does-not-exists`",
            "did you mean `customer-does-not-exist`?",
        ],
    );
}

#[test]
fn other_types_name_scalar_types_other_than_the_fields_own() {
    let errors = errors_after("rpm/customer-location-edit.yaml", |t| {
        t.replacen("types: [integer]", "types: [boolean]", 1)
    });
    assert_one(
        &errors,
        &[
            "customer-location-edit.yaml:",
            "`other_types` lists `boolean`",
            "help: list scalar types (string, integer, number, boolean) other than the field's own",
        ],
    );
    let errors = errors_after("rpm/customer-location-edit.yaml", |t| {
        t.replacen("types: [integer]", "types: [object]", 1)
    });
    assert_one(&errors, &["`other_types` lists `object`"]);
}

#[test]
fn an_expired_answer_needs_a_token_issuer() {
    let errors = errors_after_replacing(
        "manex/api.yaml",
        "  on_rejected: invalid-api-key\n",
        "  on_rejected: invalid-api-key\n  on_expired: invalid-api-key\n",
    );
    assert_one(
        &errors,
        &[
            "schemas/manex/api.yaml:",
            "`on_expired` answers an expired token, but this vendor issues no tokens",
            "help: declare the login endpoint under `auth.token`",
        ],
    );
}

#[test]
fn a_token_is_carried_in_one_place() {
    let both = errors_after_replacing(
        "expandable-legacy/api.yaml",
        "    response_header: AuthToken\n",
        "    response_header: AuthToken\n    response_field: AUTH_TOKEN\n",
    );
    assert!(
        both.iter()
            .any(|e| e.contains("carried by both `response_field` and `response_header`")),
        "{both:#?}"
    );
    let neither = errors_after_replacing("expandable-legacy/api.yaml", "    response_header: AuthToken\n", "");
    assert_one(
        &neither,
        &[
            "`auth.token` does not say where the login answer carries the token",
            "help: add `response_field: AUTH_TOKEN` (a member of the answer) or `response_header: AuthToken` (a header)",
        ],
    );
    let not_a_header = errors_after_replacing(
        "expandable-legacy/api.yaml",
        "response_header: AuthToken",
        "response_header: Auth Token",
    );
    assert_one(&not_a_header, &["`Auth Token` is not an HTTP header name"]);
}

/// A directory of schemas whose files are not what they seem: the loader
/// never blocks on a pipe, never reads a device without end, and refuses
/// each with its path.
#[test]
fn only_regular_files_are_read_and_never_past_the_limit() {
    let dir = std::env::temp_dir().join(format!("erpspec-hostile-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("acme")).unwrap();
    let fifo = dir.join("acme/pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("acme/zero.yaml")).unwrap();
    std::fs::write(dir.join("acme/big.yaml"), vec![b'#'; erpspec_schema::load::MAX_FILE_BYTES + 1]).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let d = dir.clone();
    std::thread::spawn(move || {
        let diags = erpspec_schema::load_dir(&d).map(|_| ()).unwrap_err();
        tx.send(diags.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"))
            .unwrap()
    });
    let text = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the loader returns: a pipe or a device never blocks it");
    assert!(text.contains("pipe.yaml") && text.contains("zero.yaml"), "{text}");
    assert_eq!(text.matches("not a regular file").count(), 2, "{text}");
    assert!(text.contains("big.yaml") && text.contains("the limit is"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A length or count near `u64::MAX` would make the planner build a value
/// one past it: refused at load, with the bound.
#[test]
fn rule_parameters_are_bounded_at_load() {
    let items = errors_after_replacing(
        "rpm/customer-contact-add.yaml",
        "max_items: { value: 4,",
        "max_items: { value: 4000000000,",
    );
    assert_one(
        &items,
        &[
            "schemas/rpm/customer-contact-add.yaml:",
            "`max_items: 4000000000` is past the largest the schema language takes (10000)",
            "help: the harness builds values one past the limit",
        ],
    );
    let length = errors_after_replacing(
        "expandable/customer-contact-create.yaml",
        "      value: 32765\n",
        "      value: 18446744073709551615\n",
    );
    assert_one(&length, &["`max_length: 18446744073709551615` is past the largest"]);
}
