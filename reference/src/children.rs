//! What a create does with the record's lists of child records
//! (`operation.creates`): the items made when the request gives none, the
//! one primary item, defaults for it, and items whose value another record
//! already has. Pure functions on JSON; the engine supplies what other
//! records hold.

use erpspec_model::ir::{ChildList, Pick, Primary};
use serde_json::{Map, Value};

/// Shapes each list member of `record` as its `ChildList` says. `taken`
/// answers whether another record already has `value` for the items'
/// member `field` of list `member`.
pub fn shape_lists(lists: &[ChildList], record: &mut Map<String, Value>, taken: &dyn Fn(&str, &str, &Value) -> bool) {
    for list in lists {
        let mut items = match record.remove(&list.member) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        if items.is_empty() {
            items = list.when_none.clone();
        }
        if let Some(field) = &list.drop_taken {
            items.retain(|item| item.get(field).is_none_or(|v| v.is_null() || !taken(&list.member, field, v)));
        }
        if let Some(p) = &list.primary {
            resolve_primary(&mut items, p, &list.primary_defaults);
        }
        if !items.is_empty() || list.when_none.is_empty() {
            record.insert(list.member.clone(), Value::Array(items));
        }
    }
}

/// Leaves exactly one item flagged (where the rule picks one): the one
/// `several` picks among the flagged, else the one `none` picks; the
/// primary item gets `defaults` for members it lacks or leaves empty.
pub fn resolve_primary(items: &mut [Value], p: &Primary, defaults: &std::collections::BTreeMap<String, Value>) {
    let flagged: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.get(&p.flag) == Some(&Value::Bool(true)))
        .map(|(n, _)| n)
        .collect();
    let chosen = match (flagged.as_slice(), p.several, p.none) {
        ([], _, Pick::First) => (!items.is_empty()).then_some(0),
        ([], _, Pick::Last) => items.len().checked_sub(1),
        ([], _, Pick::None) => None,
        (f, Pick::First, _) => f.first().copied(),
        (f, _, _) => f.last().copied(),
    };
    for (n, item) in items.iter_mut().enumerate() {
        if let Value::Object(m) = item {
            m.insert(p.flag.clone(), Value::Bool(Some(n) == chosen));
            if Some(n) == chosen {
                for (k, v) in defaults {
                    let empty = m.get(k).is_none_or(|x| x.is_null() || x.as_str() == Some(""));
                    if empty {
                        m.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn primary() -> Primary {
        Primary {
            flag: "IsPrimary".into(),
            several: Pick::Last,
            none: Pick::First,
        }
    }

    fn list(when_none: Vec<Value>) -> ChildList {
        ChildList {
            member: "Locations".into(),
            when_none,
            primary: Some(primary()),
            primary_defaults: BTreeMap::from([("Name".to_string(), json!("Primary"))]),
            drop_taken: None,
            sources: Vec::new(),
        }
    }

    fn shaped(lists: &[ChildList], record: Value) -> Value {
        let mut m = record.as_object().cloned().unwrap();
        shape_lists(lists, &mut m, &|_, _, _| false);
        Value::Object(m)
    }

    #[test]
    fn several_flagged_keep_the_last_and_none_flagged_make_the_first_primary() {
        let l = [list(vec![])];
        let r = shaped(
            &l,
            json!({"Locations": [{"IsPrimary": true, "Name": "A"}, {"Name": "B"}, {"IsPrimary": true, "Name": "C"}]}),
        );
        let flags: Vec<&Value> = r["Locations"].as_array().unwrap().iter().map(|i| &i["IsPrimary"]).collect();
        assert_eq!(flags, [&json!(false), &json!(false), &json!(true)]);
        let r = shaped(&l, json!({"Locations": [{"Name": "A"}, {"Name": "B"}]}));
        assert_eq!(r["Locations"][0]["IsPrimary"], json!(true));
        assert_eq!(r["Locations"][1]["IsPrimary"], json!(false));
        assert_eq!(r["Locations"][0]["Name"], json!("A"), "a named primary keeps its name");
    }

    #[test]
    fn no_items_give_the_documented_default_named_by_the_primary_default() {
        let l = [list(vec![json!({})])];
        let r = shaped(&l, json!({"Name": "X"}));
        assert_eq!(r["Locations"], json!([{"IsPrimary": true, "Name": "Primary"}]));
        let r = shaped(&l, json!({"Locations": []}));
        assert_eq!(r["Locations"], json!([{"IsPrimary": true, "Name": "Primary"}]));
    }

    #[test]
    fn items_whose_value_is_taken_are_left_out() {
        let l = [ChildList {
            member: "Aliases".into(),
            when_none: vec![],
            primary: None,
            primary_defaults: BTreeMap::new(),
            drop_taken: Some("Alias".into()),
            sources: Vec::new(),
        }];
        let mut m = json!({"Aliases": [{"Alias": "A"}, {"Alias": "B"}]}).as_object().cloned().unwrap();
        shape_lists(&l, &mut m, &|list, field, v| list == "Aliases" && field == "Alias" && v == "A");
        assert_eq!(Value::Object(m)["Aliases"], json!([{"Alias": "B"}]));
    }
}
