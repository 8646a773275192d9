//! JSON text written member by member, for documents too large to build as
//! one value (see [`super::openapi`]'s vendor documents).

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

/// Writes nested JSON objects member by member exactly as
/// `serde_json::to_string_pretty` writes the whole, so a large document
/// never exists as one value. Every byte of layout is serde_json's
/// [`PrettyFormatter`]: the writer only says where objects open and close.
pub(super) struct PrettyWriter {
    out: Vec<u8>,
    /// The formatter at the current depth (it counts its own indentation).
    formatter: PrettyFormatter<'static>,
    /// Per open object: whether it has a member yet.
    open: Vec<bool>,
}

impl PrettyWriter {
    pub(super) fn new() -> Self {
        PrettyWriter {
            out: Vec::new(),
            formatter: PrettyFormatter::new(),
            open: Vec::new(),
        }
    }

    /// Runs one formatter step on the text.
    fn write(&mut self, step: impl FnOnce(&mut PrettyFormatter<'static>, &mut Vec<u8>) -> std::io::Result<()>) {
        step(&mut self.formatter, &mut self.out).expect("writing to memory cannot fail");
    }

    /// The document's text (serde_json writes UTF-8), ending in a newline.
    pub(super) fn finish(mut self) -> String {
        self.out.push(b'\n');
        String::from_utf8(self.out).expect("serde_json writes UTF-8")
    }

    pub(super) fn open(&mut self) {
        self.write(|f, w| f.begin_object(w));
        self.open.push(false);
    }

    fn key(&mut self, key: &str) {
        let first = !std::mem::replace(self.open.last_mut().expect("an open object"), true);
        self.write(|f, w| {
            f.begin_object_key(w, first)?;
            serde_json::to_writer(&mut *w, key).map_err(std::io::Error::other)?;
            f.end_object_key(w)?;
            f.begin_object_value(w)
        });
    }

    /// A member whose value is an object written member by member next.
    pub(super) fn open_entry(&mut self, key: &str) {
        self.key(key);
        self.open();
    }

    /// A member with its whole value, serialised by a copy of the formatter
    /// at this depth.
    pub(super) fn entry(&mut self, key: &str, value: &Value) {
        self.key(key);
        let nested = self.formatter.clone();
        self.write(|f, w| {
            value
                .serialize(&mut Serializer::with_formatter(&mut *w, nested))
                .map_err(std::io::Error::other)?;
            f.end_object_value(w)
        });
    }

    pub(super) fn close(&mut self) {
        self.open.pop().expect("an open object");
        self.write(|f, w| f.end_object(w));
        // The object was a member's value: that member ends here.
        if !self.open.is_empty() {
            self.write(|f, w| f.end_object_value(w));
        }
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
        assert_eq!(w.finish(), serde_json::to_string_pretty(&whole).unwrap() + "\n");
    }
}
