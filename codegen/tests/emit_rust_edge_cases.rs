//! The Rust emitter on IR the real schemas do not (yet) contain: names that
//! collide or are keywords, a contested `required`, arrays of arrays, empty
//! objects, negative and repeated codes, case-insensitive enums. The output
//! must parse (the emitter guards that with syn) and name things as stated.

use erpspec_codegen::emit::rust::endpoint_file;
use erpspec_model::ir::{Endpoint, Field, Rule, Type, Vendor};
use erpspec_rules::{Case, CodedValue, NameMatching, RuleKind, ScalarType, Strength};

fn vendor() -> Vendor {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    api.vendor("manex").expect("manex").clone()
}

fn rule(id: &str, kind: RuleKind, strength: Strength) -> Rule {
    Rule {
        id: format!("manex.edge.{id}"),
        kind,
        strength,
        alternatives: Vec::new(),
        note: None,
        message: None,
        on_violation: None,
        truncates: false,
        sources: vec!["customer-main".into()],
    }
}

fn field(name: &str, ty: Type, rules: Vec<Rule>) -> Field {
    Field {
        name: name.into(),
        description: None,
        ty,
        required: rules.iter().any(|r| matches!(r.kind, RuleKind::Required)),
        nullable: false,
        rules,
        refers_to: None,
        from: None,
        run: None,
        other_types: None,
        sources: Vec::new(),
    }
}

fn string() -> Type {
    Type::Scalar {
        scalar: ScalarType::String,
    }
}

fn edge_endpoint(v: &Vendor) -> Endpoint {
    let mut ep = v.endpoint("customer-add").expect("customer-add").clone();
    ep.id = "edge".into();
    ep.rules = Vec::new();
    ep.request = vec![
        field("type", string(), vec![]),
        field(
            "Type",
            string(),
            vec![rule(
                "Type.enum",
                RuleKind::Enum {
                    values: vec!["A-1".into(), "a 1".into(), "A-1".into()],
                    case: Case::Exact,
                },
                Strength::Documented,
            )],
        ),
        field(
            "Request",
            Type::Object {
                fields: vec![field("Value", string(), vec![])],
                rules: vec![],
            },
            vec![],
        ),
        field(
            "Self",
            string(),
            vec![rule("Self.required", RuleKind::Required, Strength::Contested)],
        ),
        field(
            "Grid",
            Type::Array {
                items: Box::new(Type::Array {
                    items: Box::new(Type::Object {
                        fields: vec![],
                        rules: vec![],
                    }),
                }),
            },
            vec![rule("Grid.max_items", RuleKind::MaxItems { max: 2 }, Strength::Site)],
        ),
        field(
            "Code",
            Type::Scalar {
                scalar: ScalarType::Integer,
            },
            vec![rule(
                "Code.coded_enum",
                RuleKind::CodedEnum {
                    values: vec![
                        CodedValue {
                            code: -1,
                            name: "Minus One".into(),
                        },
                        CodedValue {
                            code: i64::MIN,
                            name: "Least".into(),
                        },
                        CodedValue {
                            code: -1,
                            name: "Again".into(),
                        },
                    ],
                },
                Strength::Documented,
            )],
        ),
        field(
            "Level",
            Type::Scalar {
                scalar: ScalarType::Number,
            },
            vec![rule("Level.minimum", RuleKind::Minimum { value: -0.5 }, Strength::Documented)],
        ),
        field(
            "Mood",
            string(),
            vec![rule(
                "Mood.enum",
                RuleKind::Enum {
                    values: vec!["OK".into()],
                    case: Case::Insensitive,
                },
                Strength::Documented,
            )],
        ),
    ];
    ep
}

#[test]
fn tricky_names_and_shapes_emit_valid_rust() {
    // `type` and `Type` are two fields only where names match exactly.
    let mut v = vendor();
    v.transport.names = NameMatching::Exact;
    let ep = edge_endpoint(&v);
    let text = endpoint_file(&v, &ep).unwrap_or_else(|e| panic!("{e}"));
    let expect = [
        // keywords and snake-case collisions
        "pub r#type: Option<String>",
        "pub type_2: Option<Type>",
        "pub self_: Option<String>",
        // a nested object cannot take the request's name
        "pub struct RequestRequest",
        "pub request: Option<RequestRequest>",
        // variants from spellings that collide, each spelling once
        "#[serde(rename = \"A-1\")]\n    A1,",
        "#[serde(rename = \"a 1\")]\n    A12,",
        // a contested `required` leaves the member optional and is reported by validate()
        "o.field(\"Self\", w::Shape::STRING);\n    o.required(w::WireRule::new(S::Contested, K::Required));",
        ".report_missing(path, out);",
        // arrays of arrays of objects
        "pub grid: Option<Grid>",
        "pub struct Grid(Vec<Vec<GridItem>>);",
        // negative and repeated codes
        "-1i64 => Some(Self::MinusOne)",
        "i64::MIN => Some(Self::Least)",
        "K::minimum(-0.5f64)",
        // a case-insensitive enum stays text: other spellings are legal values
        "pub struct Mood(String);",
        "rules::Case::Insensitive",
    ];
    for e in expect {
        assert!(text.contains(e), "generated code lacks {e:?}:\n{text}");
    }
    assert!(!text.contains("Self::Again"), "a repeated code maps to its first name only");
    // Under case-insensitive matching the two are one name: refused, not
    // silently read into one of them.
    let err = endpoint_file(&vendor(), &ep).expect_err("ambiguous names");
    assert!(err.message.contains("one name"), "{err}");
}

#[test]
fn an_object_without_fields_reads_and_validates() {
    let v = vendor();
    let mut ep = edge_endpoint(&v);
    ep.request = vec![];
    let text = endpoint_file(&v, &ep).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("fn object_0() -> w::Object {\n    w::Object::new(names_0)\n}"),
        "no `mut` when nothing is added:\n{text}"
    );
    assert!(text.contains("pub struct Request {}"), "{text}");
}

#[test]
fn coded_enum_on_a_number_is_refused_not_mistyped() {
    let v = vendor();
    let mut ep = edge_endpoint(&v);
    ep.request = vec![field(
        "N",
        Type::Scalar {
            scalar: ScalarType::Number,
        },
        vec![rule(
            "N.coded_enum",
            RuleKind::CodedEnum {
                values: vec![CodedValue {
                    code: 1,
                    name: "One".into(),
                }],
            },
            Strength::Contested,
        )],
    )];
    let err = endpoint_file(&v, &ep).expect_err("the checker forbids it, and the emitter cannot type it");
    assert!(err.message.contains("coded_enum"), "{err}");
}
