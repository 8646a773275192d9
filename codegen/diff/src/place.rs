//! Where in the IR an edit is: vendor, endpoint, request or response, the
//! field path, the rule, and the members below the last of them.

use crate::walk::Seg;

/// Which part of a vendor an edit touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The vendor itself, or an endpoint as a whole.
    Whole,
    /// What a client sends: request fields and their rules.
    Request,
    /// What a server answers: response fields, payload, message.
    Response,
    /// The dialect: transport, auth, envelopes, the error catalogue.
    Dialect,
    /// An endpoint's own members (operation, documented errors, quirks).
    Endpoint,
    /// Resources: what the operations store and look up.
    Resource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub vendor: Option<String>,
    pub endpoint: Option<String>,
    pub side: Side,
    /// Field names from the top of the request or response down.
    pub field: Vec<String>,
    /// The rule's id, when the edit is in one.
    pub rule: Option<String>,
    /// Path steps after the last identified item (vendor, endpoint, field,
    /// rule), as written; an item below them as `[name]`.
    pub tail: Vec<String>,
    /// The edit's last step is an item of a list of plain values.
    pub value_item: Option<String>,
}

impl Place {
    pub fn of(path: &[Seg]) -> Place {
        let mut place = Place {
            vendor: None,
            endpoint: None,
            side: Side::Whole,
            field: Vec::new(),
            rule: None,
            tail: Vec::new(),
            value_item: None,
        };
        let mut previous_key: Option<&str> = None;
        for (i, seg) in path.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    place.enter(k);
                    place.tail.push(k.clone());
                    previous_key = Some(k);
                }
                Seg::Item(id) => {
                    let last = i + 1 == path.len();
                    place.item(previous_key.unwrap_or(""), id, last);
                    previous_key = None;
                }
            }
        }
        place
    }

    /// A member key: the part of the vendor it opens.
    fn enter(&mut self, key: &str) {
        let fresh = self.field.is_empty() && self.rule.is_none();
        match (key, self.endpoint.is_some()) {
            ("request", true) if fresh => self.side = Side::Request,
            ("response", true) if fresh => self.side = Side::Response,
            // Object-level rules of the request (`at_least_one_of`).
            ("rules", true) if fresh && matches!(self.side, Side::Whole | Side::Endpoint) => self.side = Side::Request,
            (_, true) if self.side == Side::Whole => self.side = Side::Endpoint,
            ("endpoints", false) => {}
            ("resources", false) => self.side = Side::Resource,
            (_, false) if self.vendor.is_some() && self.side == Side::Whole => self.side = Side::Dialect,
            _ => {}
        }
    }

    /// A list item under `key`.
    fn item(&mut self, key: &str, id: &str, last: bool) {
        let in_fields = matches!(self.side, Side::Request | Side::Response) && self.rule.is_none();
        match key {
            "vendors" if self.vendor.is_none() => self.vendor = Some(id.into()),
            "endpoints" if self.endpoint.is_none() && self.side == Side::Whole => self.endpoint = Some(id.into()),
            "request" | "fields" if in_fields => self.field.push(id.into()),
            "rules" if self.rule.is_none() && self.side != Side::Dialect => self.rule = Some(id.into()),
            _ => {
                if last {
                    self.value_item = Some(id.into());
                }
                self.tail.push(format!("[{id}]"));
                return;
            }
        }
        self.tail.clear();
    }

    /// A stable name for the place: a rule's id, else
    /// `vendor.endpoint.request|response.Field.Sub`, else the path from the
    /// vendor or endpoint.
    pub fn id(&self) -> String {
        if let Some(rule) = &self.rule {
            return rule.clone();
        }
        let mut parts: Vec<String> = self.vendor.iter().chain(&self.endpoint).cloned().collect();
        // A field's place names its side; a member of the side names itself.
        match self.side {
            Side::Request if !self.field.is_empty() => parts.push("request".into()),
            Side::Response if !self.field.is_empty() => parts.push("response".into()),
            _ => {}
        }
        parts.extend(self.field.iter().cloned());
        if self.field.is_empty() {
            let unbracket = |t: &String| t.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(t).to_string();
            parts.extend(self.tail.iter().map(unbracket));
        }
        parts.join(".")
    }

    /// The member the edit changes, below the identified item.
    pub fn member(&self) -> &str {
        self.tail.iter().rev().find(|t| !t.starts_with('[')).map_or("", String::as_str)
    }

    /// The first member below the identified item.
    pub fn first(&self) -> &str {
        self.tail.first().map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[&str]) -> Vec<Seg> {
        steps
            .iter()
            .map(|s| match s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                Some(item) => Seg::Item(item.into()),
                None => Seg::Key(s.to_string()),
            })
            .collect()
    }

    #[test]
    fn places_name_vendor_endpoint_side_field_and_rule() {
        let p = Place::of(&path(&[
            "vendors",
            "[manex]",
            "endpoints",
            "[customer-add]",
            "request",
            "[Addr]",
            "type",
            "fields",
            "[Zip]",
            "rules",
            "[manex.customer-add.Addr.Zip.max_length]",
            "max",
        ]));
        assert_eq!(p.vendor.as_deref(), Some("manex"));
        assert_eq!(p.endpoint.as_deref(), Some("customer-add"));
        assert_eq!(p.side, Side::Request);
        assert_eq!(p.field, ["Addr", "Zip"]);
        assert_eq!(p.rule.as_deref(), Some("manex.customer-add.Addr.Zip.max_length"));
        assert_eq!(p.tail, ["max"]);
        assert_eq!(p.id(), "manex.customer-add.Addr.Zip.max_length");

        let p = Place::of(&path(&[
            "vendors",
            "[rpm]",
            "endpoints",
            "[info]",
            "response",
            "fields",
            "[Name]",
            "nullable",
        ]));
        assert_eq!(
            (p.side, p.id().as_str(), p.member()),
            (Side::Response, "rpm.info.response.Name", "nullable")
        );

        let p = Place::of(&path(&["vendors", "[rpm]", "errors", "[bad-key]", "status"]));
        assert_eq!((p.side, p.id().as_str()), (Side::Dialect, "rpm.errors.bad-key.status"));

        let p = Place::of(&path(&["vendors", "[rpm]", "endpoints", "[info]", "errors", "[bad-key]"]));
        assert_eq!(
            (p.side, p.value_item.as_deref(), p.first()),
            (Side::Endpoint, Some("bad-key"), "errors")
        );
    }
}
