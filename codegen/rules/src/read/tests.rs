//! The reader on a small hand-built endpoint: each reading the oracle
//! defines (duplicates, case variants, nulls, text carrying numbers, arrays,
//! nested objects, `at_least_one_of`), from bytes and from a parsed value.

use super::*;
use crate::{Case, Format, LengthUnit};
use serde_json::json;

type Lookup = fn(&str) -> Option<usize>;

/// As generated for a dialect that matches names exactly.
fn exact_root(name: &str) -> Option<usize> {
    match name {
        "Name" => Some(0),
        "Limit" => Some(1),
        "Phones" => Some(2),
        "Status" => Some(3),
        _ => None,
    }
}

/// As generated for a case-insensitive dialect: given the name lowercased.
fn lowercase_root(name: &str) -> Option<usize> {
    match name {
        "name" => Some(0),
        "limit" => Some(1),
        "phones" => Some(2),
        "status" => Some(3),
        _ => None,
    }
}

fn exact_phone(name: &str) -> Option<usize> {
    (name == "Number").then_some(0)
}

fn lowercase_phone(name: &str) -> Option<usize> {
    (name == "number").then_some(0)
}

fn endpoint(names: NameMatching, strings_carry_scalars: bool) -> Endpoint {
    built(names, strings_carry_scalars, true)
}

/// The endpoint, its members found by `generated` matchers, or by the
/// declared names (as a description built at run time finds them).
fn built(names: NameMatching, strings_carry_scalars: bool, generated: bool) -> Endpoint {
    let (root_lookup, phone_lookup): (Lookup, Lookup) = match names {
        NameMatching::Exact => (exact_root, exact_phone),
        NameMatching::CaseInsensitive => (lowercase_root, lowercase_phone),
    };
    let object = |matcher: Lookup| if generated { Object::new(matcher) } else { Object::declared() };
    let mut phone = object(phone_lookup);
    phone.field("Number", Shape::STRING);
    phone.required(WireRule::new(Strength::Documented, RuleKind::Required));
    let mut root = object(root_lookup);
    root.field("Name", Shape::STRING);
    root.required(WireRule::new(Strength::Documented, RuleKind::Required).message("Name is a must"));
    root.rule(WireRule::new(Strength::Documented, RuleKind::max_length(3, LengthUnit::CodePoints)));
    root.field("Limit", Shape::NUMBER);
    root.rule(WireRule::new(Strength::Documented, RuleKind::minimum(0.0)));
    root.field("Phones", Shape::array(Shape::Object(phone)));
    root.rule(WireRule::new(Strength::Documented, RuleKind::max_items(1)));
    root.field("Status", Shape::STRING);
    root.rule(
        WireRule::new(Strength::Contested, RuleKind::one_of(&["A"], Case::Exact))
            .or(RuleKind::format(Format::Digits { count: 2 }))
            .id("v.e.Status.enum"),
    );
    root.at_least_one_of(
        &[1, 3],
        WireRule::new(Strength::Documented, RuleKind::at_least_one_of(&["Limit", "Status"])).message("Limit or Status"),
    );
    Endpoint::new("v.e.", names, strings_carry_scalars, root)
}

fn both(ep: &Endpoint, text: &str) -> WireReport {
    let parsed: Value = serde_json::from_str(text).expect("JSON");
    let from_value = ep.read_value(&parsed);
    let from_bytes = ep.read_bytes(text.as_bytes(), true).expect("JSON");
    assert_eq!(from_bytes, from_value, "{text}");
    let checked = ep.read_bytes(text.as_bytes(), false).expect("JSON");
    assert_eq!(
        (checked.violations, checked.unknown, checked.normalized),
        (from_value.violations.clone(), from_value.unknown.clone(), Value::Null)
    );
    from_value
}

fn rules(r: &WireReport) -> Vec<(&str, &str)> {
    r.violations.iter().map(|v| (v.path.as_str(), v.rule.as_str())).collect()
}

#[test]
fn field_order_not_wire_order_and_messages() {
    let ep = endpoint(NameMatching::Exact, false);
    let r = both(
        &ep,
        r#"{"Limit": -1, "x~/y": 1, "Phones": [{}, {"Number": 5}], "Extra": {"a": 1}, "Status": "B"}"#,
    );
    assert_eq!(
        rules(&r),
        [
            ("/Name", "v.e.Name.required"),
            ("/Limit", "v.e.Limit.minimum"),
            ("/Phones", "v.e.Phones.max_items"),
            ("/Phones/0/Number", "v.e.Phones.Number.required"),
            ("/Phones/1/Number", "v.e.Phones.Number.type"),
            ("/Status", "v.e.Status.enum"),
        ]
    );
    assert_eq!(r.violations[0].message, "Name is a must");
    assert_eq!(r.violations[1].message, "Limit must be greater than or equal to 0");
    assert_eq!(r.violations[4].message, "Phones.Number must be a JSON string");
    assert_eq!(r.violations[5].strength, Strength::Contested);
    assert_eq!(r.unknown, ["/x~0~1y", "/Extra"]);
    assert_eq!(r.normalized, json!({"Limit": -1, "Phones": [{}, {"Number": 5}], "Status": "B"}));
}

#[test]
fn duplicates_read_as_a_parsed_object_holds_them() {
    let exact = endpoint(NameMatching::Exact, false);
    // the last value of a name counts, at its first position
    let r = both(&exact, r#"{"Name": "long", "Limit": 1, "Name": "ok", "u": 1, "u": 2}"#);
    assert!(r.is_valid(), "{r:?}");
    assert_eq!(r.unknown, ["/u"]);
    let r = both(&exact, r#"{"Name": "ok", "Limit": 1, "Name": null}"#);
    assert_eq!(rules(&r), [("/Name", "v.e.Name.required")]);
    // case-insensitive: the first spelling owns the field, its last value counts
    let ci = endpoint(NameMatching::CaseInsensitive, false);
    let r = both(&ci, r#"{"NAME": "ok", "name": "long", "limit": 1, "NAME": "abc"}"#);
    assert!(r.is_valid(), "{r:?}");
    assert_eq!(r.normalized, json!({"Name": "abc", "Limit": 1}));
    let r = both(&ci, r#"{"name": null, "NAME": "ok", "LIMIT": 2}"#);
    assert_eq!(rules(&r), [("/Name", "v.e.Name.required")]);
    let r = both(&ci, &format!(r#"{{"Name": "a", "Limit": 0, "{}": 1}}"#, "X".repeat(80)));
    assert_eq!(r.unknown.len(), 1);
}

#[test]
fn strings_carry_scalars_where_the_dialect_says() {
    let r = both(&endpoint(NameMatching::Exact, true), r#"{"Name": 12, "Limit": " -5 "}"#);
    assert_eq!(rules(&r), [("/Limit", "v.e.Limit.minimum")]);
    assert_eq!(r.normalized, json!({"Name": "12", "Limit": -5}));
    let r = both(
        &endpoint(NameMatching::Exact, true),
        r#"{"Name": true, "Limit": "1e3", "Status": "A"}"#,
    );
    assert_eq!(rules(&r), [("/Name", "v.e.Name.max_length")]);
    let r = both(
        &endpoint(NameMatching::Exact, false),
        r#"{"Name": 12, "Limit": "1", "Phones": {}, "Status": []}"#,
    );
    assert_eq!(
        rules(&r),
        [
            ("/Name", "v.e.Name.type"),
            ("/Limit", "v.e.Limit.type"),
            ("/Phones", "v.e.Phones.type"),
            ("/Status", "v.e.Status.type")
        ]
    );
    // present, even of the wrong type, is present; null is not
    let r = both(&endpoint(NameMatching::Exact, false), r#"{"Name": "a", "Limit": null}"#);
    assert_eq!(rules(&r), [("", "v.e.at_least_one_of")]);
    assert_eq!(r.violations[0].message, "Limit or Status");
}

#[test]
fn the_request_must_be_an_object() {
    let ep = endpoint(NameMatching::Exact, false);
    for text in ["[1, {\"a\": 2}]", "\"x\"", "null", "1.5", "true"] {
        let r = both(&ep, text);
        assert_eq!(rules(&r), [("", "v.e.type")]);
        assert_eq!(r.violations[0].message, "the request must be a JSON object");
    }
}

#[test]
fn bytes_fail_exactly_where_a_parsed_value_fails() {
    let ep = endpoint(NameMatching::Exact, false);
    for text in [
        r#"{"u": 1e400}"#,
        r#"{"Name": "a"} x"#,
        r#"{"Name": "\ud800"}"#,
        "{\"u\": \"\u{1}\"}",
        r#"{"Name": }"#,
        "",
        r#"{"Name": "a",}"#,
        r#"{,"Name": "a"}"#,
        r#"{"Name" "a"}"#,
        r#"{"Name": "a" "Limit": 1}"#,
        r#"{"Limit": 01}"#,
        r#"{"Limit": 1.}"#,
        r#"{"Limit": .5}"#,
        r#"{"Limit": +1}"#,
        r#"{"Limit": -}"#,
        r#"{"Limit": 1e}"#,
        r#"{"Phones": [{"Number": "1"},]}"#,
        r#"{"Phones": [,]}"#,
        r#"{"Status": tru}"#,
        r#"{"Status": nul}"#,
        r#"{"Name": "a"}}"#,
        r#"{"Name": "a\x"}"#,
        "{\"Name\": \"a\tb\"}",
        "{\"Name\": \"\\u00e9\"}x",
    ] {
        assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
        assert!(ep.read_bytes(text.as_bytes(), false).is_err(), "{text}");
    }
    let invalid_utf8 = b"{\"Name\": \"a\xff\"}";
    assert!(serde_json::from_slice::<Value>(invalid_utf8).is_err());
    assert!(ep.read_bytes(invalid_utf8, false).is_err());
    let deep = format!("{{\"u\": {}{}}}", "[".repeat(200), "]".repeat(200));
    assert!(serde_json::from_str::<Value>(&deep).is_err());
    assert!(ep.read_bytes(deep.as_bytes(), true).is_err());
}

#[test]
fn typed_values_split_documented_from_loose_rules() {
    let ep = endpoint(NameMatching::Exact, false);
    assert!(ep.field(&[0]).admit("abc").is_ok());
    let err = ep.field(&[0]).admit("abcd").unwrap_err();
    assert_eq!(err.to_string(), "Name must be at most 3 characters long [v.e.Name.max_length]");
    assert!(ep.field(&[2]).admit(&vec![(), ()]).is_err());
    let mut out = Vec::new();
    ep.field(&[3]).report_loose("12", "/Status", &mut out);
    assert!(out.is_empty());
    ep.field(&[3]).report_loose("B", "/Status", &mut out);
    assert_eq!(out[0].rule, "v.e.Status.enum");
    ep.field(&[2, 0]).report_missing("/Phones/0", &mut out);
    assert_eq!(out[1].path, "/Phones/0/Number");
    ep.object(&[]).report_any_of(0, &[false, false], "", &mut out);
    assert_eq!(out[2].message, "Limit or Status");
    assert_eq!(ep.field(&[0]).admit_variant("ab", Some(1)), Ok(1));
    assert!(ep.field(&[0]).admit_variant("ab", None::<u8>).is_err());
}

/// A description whose objects find members by their declared names (what
/// `erpspec_model::validate` builds from the IR) is equal to the generated
/// one and reads every request as it does: case variants, a member sent in
/// two spellings, unknown members, nested objects, wrong types.
#[test]
fn declared_names_read_as_the_generated_matchers() {
    for names in [NameMatching::Exact, NameMatching::CaseInsensitive] {
        for strings_carry_scalars in [false, true] {
            let generated = built(names, strings_carry_scalars, true);
            let declared = built(names, strings_carry_scalars, false);
            assert_eq!(declared, generated);
            for text in [
                r#"{"name": 1, "NAME": "ab", "Limit": "2", "phones": [{"NUMBER": "1"}, {"number": 2, "Number": "3"}], "STATUS": "A", "x": 1}"#,
                r#"{"Name": "abcd", "Phones": [1, null, {}, {"Number": null, "number": "2"}], "Status": 12, "LIMIT": -1}"#,
                r#"{"Limit": null, "Status": null, "status": "A", "Phones": {"Number": "1"}}"#,
                r#"[{"Name": "a"}]"#,
            ] {
                assert_eq!(both(&declared, text), both(&generated, text), "{names:?} {text}");
            }
        }
    }
}

/// Two declared names that are one name to a case-insensitive dialect (a
/// schema the emitter refuses: no generated matcher can tell them apart):
/// the first declared field owns the member, the other is absent.
#[test]
fn declared_names_one_to_the_dialect_go_to_the_first() {
    let mut o = Object::declared();
    o.field("type", Shape::STRING);
    o.field("Type", Shape::STRING);
    o.required(WireRule::new(Strength::Documented, RuleKind::Required));
    let ep = Endpoint::new("v.e.", NameMatching::CaseInsensitive, false, o);
    let r = both(&ep, r#"{"TYPE": "x"}"#);
    assert_eq!(rules(&r), [("/Type", "v.e.Type.required")]);
    assert_eq!(r.normalized, json!({"type": "x"}));
}

fn name_only(name: &str) -> Option<usize> {
    (name == "Name").then_some(0)
}

fn nothing(_: &str) -> Option<usize> {
    None
}

/// One string field `Name` with one check, found by `matcher` or by name.
fn one_field(prefix: &'static str, matcher: Option<Lookup>, shape: Shape, check: WireRule) -> Endpoint {
    let mut o = matcher.map_or_else(Object::declared, Object::new);
    o.field("Name", shape);
    o.rule(check);
    Endpoint::new(prefix, NameMatching::Exact, false, o)
}

/// Descriptions are equal exactly when they describe the same request: a
/// different prefix, shape, id, strength, message or kind, or a matcher
/// that does not find a declared name, makes them differ.
#[test]
fn descriptions_differ_where_a_request_would_read_differently() {
    let max = || WireRule::new(Strength::Documented, RuleKind::max_length(3, LengthUnit::CodePoints));
    let base = one_field("v.e.", None, Shape::STRING, max());
    assert_eq!(base, one_field("v.e.", Some(name_only), Shape::STRING, max()));
    assert_eq!(base, one_field("v.e.", None, Shape::STRING, max().id("v.e.Name.max_length")));
    for other in [
        one_field("w.e.", None, Shape::STRING, max()),
        one_field("v.e.", Some(nothing), Shape::STRING, max()),
        one_field("v.e.", None, Shape::INTEGER, max()),
        one_field("v.e.", None, Shape::array(Shape::STRING), max()),
        one_field("v.e.", None, Shape::STRING, max().id("v.e.Name.other")),
        one_field("v.e.", None, Shape::STRING, max().message("too long")),
        one_field(
            "v.e.",
            None,
            Shape::STRING,
            max().or(RuleKind::max_length(4, LengthUnit::CodePoints)),
        ),
        one_field(
            "v.e.",
            None,
            Shape::STRING,
            WireRule::new(Strength::Site, RuleKind::max_length(3, LengthUnit::CodePoints)),
        ),
    ] {
        assert_ne!(base, other);
    }
    assert_ne!(endpoint(NameMatching::Exact, false), endpoint(NameMatching::Exact, true));
    assert_ne!(
        endpoint(NameMatching::Exact, false),
        built(NameMatching::CaseInsensitive, false, false)
    );
}

/// An id given is reported as it is, even empty (a reading with no such
/// rule); only a check without one gets the conventional id.
#[test]
fn an_id_given_is_kept_even_empty() {
    let check = WireRule::new(Strength::Documented, RuleKind::max_length(1, LengthUnit::CodePoints)).id("");
    let ep = one_field("v.e.", None, Shape::STRING, check);
    let r = both(&ep, r#"{"Name": "ab"}"#);
    assert_eq!(rules(&r), [("/Name", "")]);
    assert_eq!(r.violations[0].message, "Name must be at most 1 characters long");
}

/// Inputs the byte scanner reads itself and inputs it leaves to serde_json
/// (escapes, floats, big or negative numbers, non-ASCII text) all read as
/// the parsed value does.
#[test]
fn what_the_scanner_declines_reads_the_same() {
    let ep = endpoint(NameMatching::Exact, true);
    for text in [
        r#"{"Name": "a\"b", "Limit": 1.5}"#,
        r#"{"Name": "\u00e9t\u00e9", "Limit": -0}"#,
        r#"{"Name": "été", "Limit": 123456789012345678901234567890}"#,
        r#"{"Name": "日本語のテキスト、十六バイトより長い", "Limit": -12}"#,
        r#"{"Limit": 1e3, "Status": "12", "Phones": [{"Number": "\n"}, {"Number": 5}]}"#,
        r#"{"Limit": "7", "Status": 12, "Extra": {"deep": [1, [2, [3.5e-7]]]}}"#,
        " \t\r\n{ \"Name\" : \"ab\" , \"Limit\" : 0 } \n",
    ] {
        both(&ep, text);
    }
}

/// What edits insert or put in place of a token: structure, and the
/// scalars a scanner can get wrong.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ",",
    ",",
    ":",
    " ",
    "\"",
    "01",
    "-0",
    "-",
    "1.",
    ".5",
    "1e400",
    "+1",
    "99999999999999999999",
    "nul",
    "tru",
    r#""a\"b""#,
    r#""\ud800""#,
    "\"\u{1}\"",
];

const KEYS: &[&str] = &[
    r#""Name""#,
    r#""LIMIT""#,
    r#""Limit""#,
    r#""Phones""#,
    r#""Status""#,
    r#""x""#,
    r#""N\u0061me""#,
];

/// Values as token lists, so edits can land inside them.
const VALUES: &[&[&str]] = &[
    &[r#""ab""#],
    &["12"],
    &["-1.5e2"],
    &["true"],
    &["null"],
    &["[", "]"],
    &["[", "{", r#""Number""#, ":", r#""1""#, "}", ",", "{", "}", "]"],
    &["{", r#""Number""#, ":", "[", "1", ",", "2", "]", "}"],
    &[r#""été""#],
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

    /// The byte reader fails exactly where serde_json fails and otherwise
    /// reads what the parsed value reads, on requests made of JSON tokens
    /// with a few tokens inserted or replaced (trailing commas, leading
    /// zeros, cut literals, escapes, missing colons...).
    #[test]
    fn the_byte_reader_agrees_with_serde_json(
        members in proptest::collection::vec((0..KEYS.len(), 0..VALUES.len()), 0..4),
        edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), 0..TOKENS.len(), proptest::prelude::any::<bool>()), 0..3),
    ) {
        let mut tokens = vec!["{"];
        for (i, (k, v)) in members.iter().enumerate() {
            if i > 0 {
                tokens.push(",");
            }
            tokens.extend([KEYS[*k], ":"]);
            tokens.extend(VALUES[*v]);
        }
        tokens.push("}");
        for (at, t, replace) in edits {
            let i = at.index(tokens.len());
            if replace { tokens[i] = TOKENS[t] } else { tokens.insert(i, TOKENS[t]) }
        }
        let text = tokens.concat();
        for (names, strings_carry_scalars) in [(NameMatching::Exact, false), (NameMatching::CaseInsensitive, true)] {
            let ep = endpoint(names, strings_carry_scalars);
            let parsed = serde_json::from_str::<Value>(&text).ok();
            let via_bytes = ep.read_bytes(text.as_bytes(), true).ok();
            proptest::prop_assert_eq!(&via_bytes, &parsed.as_ref().map(|v| ep.read_value(v)), "{}", text);
            // found by the declared names, as a description built at run time finds them
            let declared = built(names, strings_carry_scalars, false);
            proptest::prop_assert_eq!(declared.read_bytes(text.as_bytes(), true).ok(), via_bytes, "{}", text);
        }
    }

    /// Strings of 0 to 300 bytes, past the scanner's 16- and 64-byte steps:
    /// escaped by serde_json (quotes, backslashes, control characters,
    /// non-ASCII anywhere), and raw bytes between quotes as a client might
    /// send them (unescaped controls, cut UTF-8, stray backslashes).
    #[test]
    fn strings_of_any_length_read_as_serde_json_reads_them(
        text in "[a-zA-Z0-9 \"\\\\/é😀\\x00-\\x1f]{0,300}",
        raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
    ) {
        let ep = endpoint(NameMatching::Exact, false);
        let escaped = serde_json::to_vec(&json!({"Name": text, "Status": text})).expect("serialises");
        let as_sent = [b"{\"Name\":\"".as_slice(), &raw, b"\"}"].concat();
        for bytes in [escaped, as_sent] {
            let parsed = serde_json::from_slice::<Value>(&bytes).ok();
            let via_bytes = ep.read_bytes(&bytes, true).ok();
            proptest::prop_assert_eq!(via_bytes, parsed.map(|v| ep.read_value(&v)), "{:?}", String::from_utf8_lossy(&bytes));
        }
    }

    /// The same on objects with real members whose bytes are then edited.
    #[test]
    fn edited_requests_read_as_serde_json_reads_them(
        name in "\\PC{0,20}",
        limit in proptest::prelude::any::<f64>(),
        at in 0usize..80,
        byte in proptest::prelude::any::<u8>(),
    ) {
        let ep = endpoint(NameMatching::Exact, false);
        let body = json!({"Name": name, "Limit": limit, "Phones": [{"Number": name}], "Status": "12"});
        let mut bytes = serde_json::to_vec(&body).expect("serialises");
        for edit in [None, Some(at % (bytes.len() + 1))] {
            if let Some(i) = edit {
                bytes.insert(i, byte);
            }
            let parsed = serde_json::from_slice::<Value>(&bytes).ok();
            let via_bytes = ep.read_bytes(&bytes, true).ok();
            proptest::prop_assert_eq!(via_bytes, parsed.map(|v| ep.read_value(&v)));
        }
    }
}

/// `entry_points!` as the generated crate expands it: each entry point reads
/// through the table, and an endpoint the table does not know is `None`.
mod entry_points {
    use super::*;
    use std::sync::LazyLock;

    static WIRE: LazyLock<Endpoint> = LazyLock::new(|| endpoint(NameMatching::Exact, false));

    fn wire(vendor: &str, endpoint: &str) -> Option<&'static Endpoint> {
        ((vendor, endpoint) == ("v", "e")).then(|| &*WIRE)
    }

    crate::entry_points!(wire);

    #[test]
    fn entry_points_read_through_the_table() {
        let text = r#"{"Name": "long", "Limit": "x", "u": 1}"#;
        let body: Value = serde_json::from_str(text).expect("JSON");
        let want = WIRE.read_value(&body);
        assert_eq!(rules(&want), [("/Name", "v.e.Name.max_length"), ("/Limit", "v.e.Limit.type")]);
        assert_eq!(validate_wire("v", "e", &body), Some(want.clone()));
        assert_eq!(
            validate_wire_bytes("v", "e", text.as_bytes()).map(Result::ok),
            Some(Some(want.clone()))
        );
        let checked = check_wire_bytes("v", "e", text.as_bytes()).map(Result::ok);
        let unnormalized = WireReport {
            normalized: Value::Null,
            ..want
        };
        assert_eq!(checked, Some(Some(unnormalized)));
        assert!(matches!(validate_wire_bytes("v", "e", b"{\"Name\""), Some(Err(_))));
        assert!(matches!(check_wire_bytes("v", "e", b"[1,"), Some(Err(_))));
        assert_eq!(validate_wire("v", "x", &body), None);
        assert!(validate_wire_bytes("x", "e", text.as_bytes()).is_none());
        assert!(check_wire_bytes("e", "v", text.as_bytes()).is_none());
    }

    #[test]
    fn typed_paths_append_a_member_or_an_index() {
        assert_eq!(child("", "a~1b"), "/a~1b");
        assert_eq!(index(&child("/x", "Phones"), 2), "/x/Phones/2");
    }
}
