//! The generated Rust of one representative endpoint per vendor, as
//! reviewable snapshots: an emitter change shows up here as a diff of the
//! code every user compiles. (The whole generated crate is compiled and
//! tested in `generated/`.)

fn snapshot(vendor: &str, endpoint: &str) -> String {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let v = api.vendor(vendor).expect("vendor exists");
    let ep = v.endpoint(endpoint).expect("endpoint exists");
    erpspec_codegen::emit::rust::endpoint_file(v, ep).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rust_expandable_customer_contact_create() {
    insta::assert_snapshot!(snapshot("expandable", "customer-contact-create"));
}

#[test]
fn rust_manex_customer_add() {
    insta::assert_snapshot!(snapshot("manex", "customer-add"));
}

#[test]
fn rust_rpm_customer_contact_add() {
    insta::assert_snapshot!(snapshot("rpm", "customer-contact-add"));
}
