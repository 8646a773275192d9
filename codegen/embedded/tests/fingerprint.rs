//! The fingerprint of the IR, from the embedded and the on-disk schemas.

use erpspec_model::fingerprint::{ensure_fresh, of};
use erpspec_model::ir::Api;

fn workspace() -> Api {
    erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]))
}

#[test]
fn the_embedded_and_the_on_disk_schemas_have_one_fingerprint() {
    let embedded = erpspec_schemas::load().expect("the embedded schemas load");
    let fp = of(&workspace());
    assert_eq!(of(&embedded), fp, "the IR must not depend on where the schemas were read from");
    assert_eq!(fp.len(), 64);
    assert!(fp.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn any_change_to_the_ir_changes_the_fingerprint() {
    let api = workspace();
    let mut edited = api.clone();
    edited.vendors[0].endpoints[0].title.push('!');
    assert_ne!(of(&api), of(&edited));
    let mut dropped = api.clone();
    dropped.vendors.pop();
    assert_ne!(of(&api), of(&dropped));
}

#[test]
fn a_stale_fingerprint_is_refused_naming_the_fix() {
    let api = workspace();
    assert_eq!(ensure_fresh(&api, &of(&api)), Ok(()));
    let err = ensure_fresh(&api, &"0".repeat(64)).unwrap_err();
    assert!(err.contains("stale") && err.contains("`cargo xtask codegen`"), "{err}");
}
