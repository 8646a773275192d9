//! Small helpers: URL decoding, timestamps, dotted paths into records.

use serde_json::{Map, Value};

/// A URL path segment with its `%XX` escapes decoded (`+` stays a `+`).
/// `None` if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

/// `a=1&b=2` pairs, decoded as form encoding (`+` a space), in order. `None`
/// if a name or value is not UTF-8: unlike `form_urlencoded::parse`, which
/// would hand on U+FFFD, a credential or a query value must be the bytes sent.
pub fn query_pairs(q: &str) -> Option<Vec<(String, String)>> {
    let decode = |s: &str| percent_decode(&s.replace('+', " "));
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

/// The current time as ISO-8601 / RFC 3339 in UTC, to the second.
pub fn now_iso() -> String {
    iso_from_unix(now_unix())
}

/// The current time as Unix milliseconds.
pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The current time as Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Unix seconds as RFC 3339 in UTC, to the second (`2014-11-19T12:29:57Z`).
pub fn iso_from_unix(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Where a record's dotted paths start. A stored document has the request's
/// shape; when the endpoint names a `record_member` (RPM `Contact`), the
/// record proper is that member's object. A path whose first segment is a
/// top-level member of the document (`Contact.ContactID`, `CustomerID` of a
/// contact) is read from the document; any other (`CustomerID` of a
/// customer, stored as `{"Customer": {...}}`) from the record proper.
fn base<'d>(doc: &'d Value, member: Option<&str>, first: &str) -> Option<&'d Value> {
    match member {
        Some(m) if doc.get(first).is_none() => doc.get(m),
        _ => Some(doc),
    }
}

/// The record proper of a stored document.
pub fn record_of<'d>(doc: &'d Value, member: Option<&str>) -> &'d Value {
    match member {
        Some(m) => doc.get(m).unwrap_or(&Value::Null),
        None => doc,
    }
}

pub fn record_of_mut<'d>(doc: &'d mut Value, member: Option<&str>) -> Option<&'d mut Map<String, Value>> {
    match member {
        Some(m) => doc.get_mut(m).and_then(Value::as_object_mut),
        None => doc.as_object_mut(),
    }
}

/// The value at a dotted path (first match through arrays).
pub fn get_path<'d>(doc: &'d Value, member: Option<&str>, path: &str) -> Option<&'d Value> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = base(doc, member, segs[0])?;
    for s in segs {
        cur = match cur {
            Value::Object(m) => m.get(s)?,
            Value::Array(items) => items.iter().find_map(|i| i.get(s))?,
            _ => return None,
        };
    }
    Some(cur).filter(|v| !v.is_null())
}

/// The objects that hold the last segment of a dotted path; a path through
/// an array reaches every item (`Contact.PhoneNumbers.PhoneNumberID`).
pub fn parents_mut<'d>(doc: &'d mut Value, member: Option<&str>, path: &str) -> (Vec<&'d mut Map<String, Value>>, String) {
    let segs: Vec<&str> = path.split('.').collect();
    let last = segs[segs.len() - 1].to_string();
    let from_doc = member.is_none() || doc.get(segs[0]).is_some();
    let start: Option<&'d mut Value> = if from_doc { Some(doc) } else { member.and_then(|m| doc.get_mut(m)) };
    let mut out = Vec::new();
    if let Some(v) = start {
        walk(v, &segs, &mut out);
    }
    (out, last)
}

fn walk<'d>(v: &'d mut Value, segs: &[&str], out: &mut Vec<&'d mut Map<String, Value>>) {
    match v {
        Value::Array(items) => {
            for it in items {
                walk(it, segs, out);
            }
        }
        Value::Object(map) => {
            if segs.len() == 1 {
                out.push(map);
            } else if let Some(child) = map.get_mut(segs[0]) {
                walk(child, &segs[1..], out);
            }
        }
        _ => {}
    }
}

/// Does a JSON-pointer pattern (`/PhoneNumbers/*/Number`) reach values
/// equal to `from`? Replaces each with `to`.
pub fn replace_at_pattern(v: &mut Value, pattern: &str, from: &Value, to: &Value) {
    let segs: Vec<String> = pattern.split('/').skip(1).map(erpspec_rules::pointer_unescape).collect();
    fn go(v: &mut Value, segs: &[String], from: &Value, to: &Value) {
        let Some((first, rest)) = segs.split_first() else {
            if v == from {
                *v = to.clone();
            }
            return;
        };
        match v {
            Value::Array(items) if first == "*" => {
                for it in items {
                    go(it, rest, from, to);
                }
            }
            Value::Array(items) => {
                if let Some(it) = first.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    go(it, rest, from, to);
                }
            }
            Value::Object(map) => {
                if let Some(child) = map.get_mut(first.as_str()) {
                    go(child, rest, from, to);
                }
            }
            _ => {}
        }
    }
    go(v, &segs, from, to);
}

/// Rewrites each date a JSON-pointer pattern (`/ACCT_DATE`) reaches in
/// `format` (the `dates_read_back_as` quirk); a value in no date format is
/// left as written.
pub fn reformat_dates_at_pattern(v: &mut Value, pattern: &str, format: erpspec_rules::Format) {
    let segs: Vec<String> = pattern.split('/').skip(1).map(erpspec_rules::pointer_unescape).collect();
    fn go(v: &mut Value, segs: &[String], format: erpspec_rules::Format) {
        let Some((first, rest)) = segs.split_first() else {
            if let Some(d) = v.as_str().and_then(|s| erpspec_rules::reformat_date(s, format)) {
                *v = Value::String(d);
            }
            return;
        };
        match v {
            Value::Array(items) if first == "*" => items.iter_mut().for_each(|it| go(it, rest, format)),
            Value::Array(items) => {
                if let Some(it) = first.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    go(it, rest, format);
                }
            }
            Value::Object(map) => {
                if let Some(child) = map.get_mut(first.as_str()) {
                    go(child, rest, format);
                }
            }
            _ => {}
        }
    }
    go(v, &segs, format);
}

/// A value as text for messages and comparisons: strings bare, everything else as JSON.
pub use erpspec_rules::text;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_urls() {
        assert_eq!(percent_decode("NEW%20ENGLAND").unwrap(), "NEW ENGLAND");
        assert_eq!(percent_decode("a+b").unwrap(), "a+b");
        assert_eq!(query_pairs("a+b=%2B").unwrap(), vec![("a b".into(), "+".into())]);
        assert_eq!(percent_decode("100%").unwrap(), "100%");
        assert_eq!(percent_decode("%zz%4").unwrap(), "%zz%4");
        assert!(percent_decode("%ff").is_none());
        assert!(query_pairs("k=%ff").is_none());
        assert_eq!(
            query_pairs("CustName=A%26B&Status=Active&x").unwrap(),
            vec![
                ("CustName".into(), "A&B".into()),
                ("Status".into(), "Active".into()),
                ("x".into(), "".into())
            ]
        );
    }

    #[test]
    fn formats_dates() {
        assert_eq!(iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_from_unix(1_416_400_197), "2014-11-19T12:29:57Z");
    }

    #[test]
    fn paths_start_at_the_document_or_the_record() {
        let customer = json!({"Customer": {"Name": "A", "CustomerID": 7}});
        assert_eq!(get_path(&customer, Some("Customer"), "CustomerID"), Some(&json!(7)));
        let contact = json!({"Contact": {"ContactID": 3, "PhoneNumbers": [{"Number": ""}, {"Number": "1"}]}, "CustomerID": 7});
        assert_eq!(get_path(&contact, Some("Contact"), "Contact.ContactID"), Some(&json!(3)));
        assert_eq!(get_path(&contact, Some("Contact"), "CustomerID"), Some(&json!(7)));
        let mut c = contact.clone();
        let (parents, last) = parents_mut(&mut c, Some("Contact"), "Contact.PhoneNumbers.PhoneNumberID");
        assert_eq!(parents.len(), 2);
        for (i, p) in parents.into_iter().enumerate() {
            p.insert(last.clone(), json!(i));
        }
        assert_eq!(c["Contact"]["PhoneNumbers"][1]["PhoneNumberID"], json!(1));
        let mut rec = c["Contact"].clone();
        replace_at_pattern(&mut rec, "/PhoneNumbers/*/Number", &json!(""), &json!(" none"));
        assert_eq!(rec["PhoneNumbers"][0]["Number"], json!(" none"));
        assert_eq!(rec["PhoneNumbers"][1]["Number"], json!("1"));
    }
}
