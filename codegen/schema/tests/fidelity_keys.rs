//! The schema-language keys that carry the docs' answers faithfully:
//! `unless_given` (a value the server sets only when none is given),
//! `dates_read_back_as` (dates read back in another format) and
//! `payload_members` (members the samples show in a record payload): what
//! they become in the IR, and the mistakes the loader refuses.

use erpspec_model::ir::{OperationKind, QuirkKind};
use erpspec_rules::Format;
mod common;

use common::{assert_one, errors_after_replacing as errors_after};

#[test]
fn the_keys_reach_the_ir() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let manex = api.vendor("manex").unwrap();
    let customer = manex.resource("customer").unwrap();
    let acct = customer.assigned.iter().find(|a| a.field == "ACCT_DATE").unwrap();
    assert!(acct.unless_given && acct.on == vec![OperationKind::Create]);
    let modified = customer.assigned.iter().find(|a| a.field == "modifiedDate").unwrap();
    assert!(!modified.unless_given && modified.on == vec![OperationKind::Update]);
    assert_eq!(manex.envelopes.success.payload_members.get("$id"), Some(&serde_json::json!("2")));
    assert!(manex.envelopes.error.payload_members.is_empty());
    let add = manex.endpoint("customer-add").unwrap();
    assert!(add.quirks.iter().any(|q| q.kind
        == QuirkKind::DatesReadBackAs {
            paths: vec!["/ACCT_DATE".into()],
            format: Format::IsoDateTime
        }));
    // Edit's contested Acct_date accepts the example's shape and the ISO date-time.
    let edit = manex.endpoint("customer-edit").unwrap();
    let rule = &edit.field("Acct_date").unwrap().rules[0];
    for ok in ["12/31/2024", "2014-11-1900:00:00", "2014-11-19T00:00:00"] {
        assert!(rule.holds(&serde_json::json!(ok)), "{ok}");
    }
    for wrong in ["YYYY-MM-DD00:00:00", "2014-11-19", "2014-11-19 00:00:00"] {
        assert!(!rule.holds(&serde_json::json!(wrong)), "{wrong}");
    }
    // Other vendors carry none of it.
    let rpm = api.vendor("rpm").unwrap();
    assert!(rpm.envelopes.success.payload_members.is_empty());
}

#[test]
fn unless_given_is_for_timestamps_and_users() {
    assert_one(
        &errors_after(
            "manex/api.yaml",
            "CUSTNO: { how: padded_sequence, width: 10 }",
            "CUSTNO: { how: padded_sequence, width: 10, unless_given: true }",
        ),
        &[
            "schemas/manex/api.yaml:",
            "`unless_given` applies to `timestamp` and `user` values",
            "help: a sequence value is kept when given where the field is the key or `unique`",
        ],
    );
    assert_one(
        &errors_after("manex/api.yaml", "unless_given: true", "unless_givn: true"),
        &["unknown key `unless_givn`", "did you mean `unless_given`?"],
    );
}

#[test]
fn dates_read_back_as_takes_pointers_and_a_date_format() {
    assert_one(
        &errors_after("manex/customer-add.yaml", "format: iso_date_time }", "format: digits10 }"),
        &[
            "`digits10` is not a date format",
            "help: write `us_date`, `iso_date`, `iso_date_time`",
        ],
    );
    assert_one(
        &errors_after("manex/customer-add.yaml", "paths: [/ACCT_DATE]", "paths: [ACCT_DATE]"),
        &[
            "`ACCT_DATE` is not a JSON pointer",
            "help: write the record field as a JSON pointer: `/ACCT_DATE`",
        ],
    );
    assert_one(
        &errors_after(
            "manex/customer-add.yaml",
            "    dates_read_back_as: { paths: [/ACCT_DATE], format: iso_date_time }\n",
            "    dates_read_back_as: { paths: [/ACCT_DATE], format: iso_date_time }\n    pads_strings: true\n",
        ),
        &["a quirk is exactly one of `reads_back_as`, `pads_strings: true` or `dates_read_back_as`"],
    );
    assert_one(
        &errors_after(
            "manex/customer-edit.yaml",
            "alternatives: [iso_date_time_unseparated,",
            "alternatives: [iso_date_time_unseparatd,",
        ),
        &["an alternative format is unknown", "`iso_date_time_unseparated`"],
    );
}

#[test]
fn payload_members_belong_to_the_success_envelope() {
    assert_one(
        &errors_after(
            "manex/api.yaml",
            "ResponseObject: null }\n",
            "ResponseObject: null }\n    payload_members: { $id: \"2\" }\n",
        ),
        &[
            "schemas/manex/api.yaml:",
            "`payload_members` is given for the error envelope",
            "help: error answers carry no payload",
        ],
    );
}
