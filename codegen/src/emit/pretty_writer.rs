//! JSON text written member by member, for documents too large to build as
//! one value (see [`super::openapi`]'s vendor documents).

use serde_json::Value;

/// Writes nested JSON objects member by member exactly as
/// `serde_json::to_string_pretty` writes the whole (two-space indent,
/// `{}` when empty), so a large document never exists as one value.
pub(super) struct PrettyWriter {
    pub(super) out: String,
    /// Per open object: whether it has a member yet.
    open: Vec<bool>,
}

impl PrettyWriter {
    pub(super) fn new() -> Self {
        PrettyWriter {
            out: String::new(),
            open: Vec::new(),
        }
    }

    pub(super) fn open(&mut self) {
        self.out.push('{');
        self.open.push(false);
    }

    fn key(&mut self, key: &str) {
        let first = !std::mem::replace(self.open.last_mut().expect("an open object"), true);
        self.out.push_str(if first { "\n" } else { ",\n" });
        self.indent(self.open.len());
        self.out.push_str(&Value::from(key).to_string());
        self.out.push_str(": ");
    }

    fn indent(&mut self, depth: usize) {
        (0..depth).for_each(|_| self.out.push_str("  "));
    }

    /// A member whose value is an object written member by member next.
    pub(super) fn open_entry(&mut self, key: &str) {
        self.key(key);
        self.open();
    }

    /// A member with its whole value; JSON text has no raw newline inside
    /// a string, so indenting every line after the first nests it exactly.
    pub(super) fn entry(&mut self, key: &str, value: &Value) {
        self.key(key);
        let depth = self.open.len();
        let text = serde_json::to_string_pretty(value).expect("JSON values always serialise");
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.indent(depth);
            }
            self.out.push_str(line);
        }
    }

    pub(super) fn close(&mut self) {
        if self.open.pop().expect("an open object") {
            self.out.push('\n');
            self.indent(self.open.len());
        }
        self.out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn member_by_member_is_byte_for_byte_to_string_pretty() {
        let item = json!({ "post": { "a": [1, { "b": "x\ny" }], "e": {} } });
        let whole = json!({
            "openapi": "3.1.0",
            "paths": { "/a": item, "/b \"q\"": [] },
            "components": { "schemas": {}, "more": { "k": null } },
        });
        let mut w = PrettyWriter::new();
        w.open();
        w.entry("openapi", &whole["openapi"]);
        w.open_entry("paths");
        w.entry("/a", &item);
        w.entry("/b \"q\"", &json!([]));
        w.close();
        w.open_entry("components");
        w.open_entry("schemas");
        w.close();
        w.entry("more", &whole["components"]["more"]);
        w.close();
        w.close();
        assert_eq!(w.out, serde_json::to_string_pretty(&whole).unwrap());
    }
}
