//! Peers read our OpenAPI documents and JSON Schemas: every answer the
//! reference server gives (a success, each kind of refusal) validates
//! against the emitted response schema for its HTTP status, or `default`
//! where the document gives the status none, in the OpenAPI document and in
//! the standalone `generated/json-schema/<vendor>/<endpoint>.response-<status>.json`. Without this, a tool such as
//! Schemathesis reports "response violates schema" for answers the docs
//! describe (ManEx and RPM refuse inside HTTP 200).

mod common;
use common::{Answer, Auth, start};
use serde_json::{Value, json};

fn document(api: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../generated/openapi/{api}.openapi.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("the document is generated")).expect("JSON")
}

/// Why `answer` does not fit the document's response for its status, if it does not.
fn misfit(doc: &Value, path: &str, answer: &Answer) -> Option<String> {
    let responses = &doc["paths"][path]["post"]["responses"];
    let response = responses.get(answer.status.to_string()).or_else(|| responses.get("default"))?;
    let mut schema = response["content"]["application/json"]["schema"].clone();
    // `#/components/...` references resolve against the schema's own root.
    schema["components"] = doc["components"].clone();
    let validator = jsonschema::options().build(&schema).expect("the response schema compiles");
    let body = answer.json();
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
    (!errors.is_empty()).then(|| format!("HTTP {} {body}: {}", answer.status, errors.join("; ")))
}

/// The same against the standalone JSON Schema 2020-12 document of the
/// endpoint's answers under that status (`generated/json-schema/`).
fn misfit_standalone(api: &str, endpoint: &str, answer: &Answer) -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../generated/json-schema/{api}"));
    let file = [answer.status.to_string(), "default".to_string()]
        .into_iter()
        .map(|s| dir.join(format!("{endpoint}.response-{s}.json")))
        .find(|f| f.exists())?;
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
    let validator = jsonschema::options().build(&schema).expect("the response document compiles");
    let body = answer.json();
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
    (!errors.is_empty()).then(|| format!("{} HTTP {} {body}: {}", file.display(), answer.status, errors.join("; ")))
}

#[test]
fn every_answer_validates_against_the_emitted_response_schema_for_its_status() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for api in common::vendors() {
        let api = api.as_str();
        let doc = document(api);
        let mut s = start(api, &[]);
        let v = s.vendor.clone();
        let body_credentials = v.auth.body_credential_fields();
        for ep in &v.endpoints {
            let path = v.transport.path.replace("{route}", &ep.route);
            let mut example = ep.examples.first().map(|e| e.request.clone()).unwrap_or(json!({}));
            if let Value::Object(m) = &mut example {
                m.retain(|k, _| !body_credentials.contains(k));
            }
            let mut answers = vec![s.call(&ep.id, example.clone()), s.call(&ep.id, json!({}))];
            if ep.authenticated {
                answers.push(s.call_as(&ep.id, &example, Auth::Wrong));
            }
            for a in &answers {
                checked += 1;
                match doc["paths"][&path]["post"]["responses"].as_object() {
                    None => wrong.push(format!("{api} {}: no POST operation at {path}", ep.id)),
                    Some(r) if !r.contains_key(&a.status.to_string()) && !r.contains_key("default") => {
                        wrong.push(format!("{api} {}: HTTP {} is not a documented response", ep.id, a.status))
                    }
                    Some(_) => {
                        if let Some(why) = misfit(&doc, &path, a) {
                            wrong.push(format!("{api} {}: {why}", ep.id));
                        }
                        if let Some(why) = misfit_standalone(api, &ep.id, a) {
                            wrong.push(format!("{api} {} (generated/json-schema): {why}", ep.id));
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 60, "{checked} answers checked");
    assert!(wrong.is_empty(), "answers the documents do not describe:\n{}", wrong.join("\n"));
}
