//! Step 3: the parameters, from the query string and/or the body as the
//! dialect allows.

use super::BodyError;
use super::{Engine, Request};
use crate::faults::Fault;
use crate::util;
use erpspec_model::ir::ParamLocation;
use serde_json::{Map, Value, json};

/// Why the parameters could not be read.
#[derive(Debug)]
pub(super) enum InputProblem {
    Body(BodyError),
    ContentType(String),
    NotJson(String),
    NotObject,
    NotUtf8,
}

impl InputProblem {
    pub(super) fn describe(&self) -> String {
        match self {
            InputProblem::Body(BodyError::TooLarge) => {
                format!("The body is larger than {} bytes.", crate::MAX_BODY_BYTES)
            }
            InputProblem::Body(BodyError::Unreadable) => "The body could not be read.".into(),
            InputProblem::ContentType(ct) => format!("The content type `{ct}` is not JSON."),
            InputProblem::NotJson(e) => format!("The body is not JSON: {e}."),
            InputProblem::NotObject => "The body is not a JSON object.".into(),
            InputProblem::NotUtf8 => "The query string is not UTF-8.".into(),
        }
    }
}

impl Engine {
    pub(super) fn read_params(&self, req: &Request) -> Result<Map<String, Value>, InputProblem> {
        let t = &self.v.transport;
        let mut params = Map::new();
        if t.parameters.contains(&ParamLocation::Query)
            && let Some(q) = &req.query
        {
            for (k, v) in util::query_pairs(q).ok_or(InputProblem::NotUtf8)? {
                params.entry(k).or_insert(Value::String(v));
            }
        }
        if !t.parameters.contains(&ParamLocation::Body) {
            return Ok(params);
        }
        match self.read_body(req) {
            Ok(Some(Value::Object(body))) => {
                for (k, v) in body {
                    params.insert(k, v);
                }
                Ok(params)
            }
            Ok(Some(Value::Array(pairs))) => {
                // Form-encoded parameters (see read_body), as [[name, value], ...].
                for p in pairs {
                    if let (Some(k), Some(v)) = (p.get(0).and_then(Value::as_str), p.get(1)) {
                        params.entry(k.to_string()).or_insert(v.clone());
                    }
                }
                Ok(params)
            }
            Ok(_) => Ok(params),
            Err(_) if self.faults.has(&Fault::InvalidJsonAccepted) => Ok(params),
            Err(e) => Err(e),
        }
    }

    /// The body as a JSON object (`None` for an empty body where the query
    /// string may carry the parameters instead).
    ///
    /// Content types: none, `application/json`, `text/json`, `*+json` and
    /// `text/plain` are read as JSON; so is `application/x-www-form-urlencoded`
    /// (what `curl -d` sends by default), which a dialect taking query
    /// parameters also reads as form pairs when it is not JSON. Any other
    /// content type is refused as "not JSON".
    fn read_body(&self, req: &Request) -> Result<Option<Value>, InputProblem> {
        let bytes = req.body.as_ref().map_err(|e| InputProblem::Body(*e))?;
        let takes_query = self.v.transport.parameters.contains(&ParamLocation::Query);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return if takes_query {
                Ok(None)
            } else {
                Err(InputProblem::NotJson("the body is empty".into()))
            };
        }
        let ct = req
            .header("content-type")
            .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let form = ct.as_deref() == Some("application/x-www-form-urlencoded");
        let jsonish = match ct.as_deref() {
            None | Some("") => true,
            Some(c) => c == "application/json" || c == "text/json" || c.ends_with("+json") || c == "text/plain" || form,
        };
        if !jsonish {
            return Err(InputProblem::ContentType(ct.unwrap_or_default()));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v @ Value::Object(_)) => Ok(Some(v)),
            Ok(_) => Err(InputProblem::NotObject),
            Err(e) if form && takes_query => {
                let text = std::str::from_utf8(bytes).map_err(|_| InputProblem::NotJson(e.to_string()))?;
                let pairs = util::query_pairs(text.trim()).ok_or(InputProblem::NotUtf8)?;
                Ok(Some(Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect())))
            }
            Err(e) => Err(InputProblem::NotJson(e.to_string())),
        }
    }
}
