//! The IR of each vendor, as reviewable JSON: a schema change shows up here
//! as a diff of what every later stage will read.

fn snapshot(vendor: &str) {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let v = api.vendor(vendor).expect("vendor exists");
    insta::assert_json_snapshot!(format!("ir_{vendor}"), v);
}

#[test]
fn ir_expandable() {
    snapshot("expandable");
}

#[test]
fn ir_manex() {
    snapshot("manex");
}

#[test]
fn ir_rpm() {
    snapshot("rpm");
}

#[test]
fn ir_expandable_legacy() {
    snapshot("expandable-legacy");
}
