//! The answer model against the real schemas.

use erpspec_model::answers::*;

#[test]
fn one_fixed_slot_is_what_the_map_of_fixed_slots_says() {
    let api = erpspec_schema::load_workspace().expect("schemas load");
    let mut checked = 0;
    for v in &api.vendors {
        for e in &v.errors {
            let map = fixed_error_slots(v, e);
            for slot in error_template(v, e).slots().into_iter().chain(["code", "nothing"]) {
                assert_eq!(fixed_error_slot(v, e, slot), map.get(slot), "{}: {} {slot}", v.name, e.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked}");
}
