//! Rules: what a field's rule keys say (each kind applying to some types
//! only), the attributes any rule may carry (strength, alternatives,
//! truncation), and the object-level `at_least_one_of`.

use super::EndpointCx;
use crate::diag::did_you_mean;
use crate::syntax::{self, RuleSyntax, S};
use erpspec_model::ir::*;
use erpspec_rules::{Case, CodedValue, Format, LengthUnit, RuleKind, ScalarType, Strength};

/// The largest `max_length` or `min_length` a schema may give.
pub const MAX_RULE_LENGTH: u64 = 1_000_000;
/// The largest `max_items` a schema may give.
pub const MAX_RULE_ITEMS: u64 = 10_000;

/// The field whose rule keys are read: what its rules' checks and ids need.
pub(super) struct FieldAt<'a> {
    pub(super) name: &'a str,
    /// The field's `type:` as written.
    pub(super) ty_name: String,
    pub(super) scalar: Option<ScalarType>,
    /// `vendor.endpoint.path.Field`: a rule's id is this and its kind.
    pub(super) id_prefix: String,
    pub(super) sources: &'a [String],
}

impl FieldAt<'_> {
    fn id(&self, kind: &str) -> String {
        format!("{}.{kind}", self.id_prefix)
    }
}

impl EndpointCx<'_> {
    /// Whether the field is required, and its rules. The order of the calls
    /// is the order of the diagnostics and of the rules.
    pub(super) fn value_rules(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> (bool, Vec<Rule>) {
        let required = f.required.as_ref().is_some_and(|r| *r.value.param());
        let unit = length_unit(f);
        let mut rules = Vec::new();
        rules.extend(self.required(at, f));
        rules.extend(self.max_length(at, f, unit));
        rules.extend(self.min_length(at, f, unit));
        self.length_unit_has_a_length(f);
        rules.extend(self.enumeration(at, f));
        rules.extend(self.coded_enum(at, f));
        rules.extend(self.minimum(at, f));
        rules.extend(self.format(at, f));
        rules.extend(self.constant(at, f));
        rules.extend(self.max_items(at, f));
        (required, rules)
    }

    /// Each rule kind names the types it applies to; a mismatch says which
    /// key to use instead.
    fn wrong_type<T>(&mut self, key: &S<T>, at: &FieldAt, rule: &str, applies: &str, instead: &str) {
        self.error(
            key,
            format!("`{rule}` does not apply to a field of type `{}`", at.ty_name),
            format!("`{rule}` applies to {applies}; {instead}"),
        );
    }

    /// `required: false` is no rule.
    fn required(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.required.as_ref().filter(|r| *r.value.param())?;
        Some(self.rule(&r.value, RuleKind::Required, |_| RuleKind::Required, at.id("required"), at.sources))
    }

    fn max_length(&mut self, at: &FieldAt, f: &syntax::FieldSyntax, unit: LengthUnit) -> Option<Rule> {
        let r = f.max_length.as_ref()?;
        if at.scalar != Some(ScalarType::String) {
            self.wrong_type(r, at, "max_length", "strings", "for numbers use `minimum`, for arrays `max_items`");
            return None;
        }
        if !self.within_bounds(r, "max_length", MAX_RULE_LENGTH) {
            return None;
        }
        let mk = |max: &u64| RuleKind::MaxLength { max: *max, unit };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("max_length"), at.sources))
    }

    fn min_length(&mut self, at: &FieldAt, f: &syntax::FieldSyntax, unit: LengthUnit) -> Option<Rule> {
        let r = f.min_length.as_ref()?;
        if at.scalar != Some(ScalarType::String) {
            self.wrong_type(r, at, "min_length", "strings", "for numbers use `minimum`");
            return None;
        }
        if *r.value.param() == 0 {
            self.error(
                r,
                "`min_length: 0` holds for every string",
                "write `min_length: 1` for a value that must not be empty, or remove it",
            );
            return None;
        }
        if !self.within_bounds(r, "min_length", MAX_RULE_LENGTH) {
            return None;
        }
        let mk = |min: &u64| RuleKind::MinLength { min: *min, unit };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("min_length"), at.sources))
    }

    fn length_unit_has_a_length(&mut self, f: &syntax::FieldSyntax) {
        if let Some(u) = &f.length_unit
            && f.max_length.is_none()
            && f.min_length.is_none()
        {
            self.error(
                u,
                "`length_unit` without `max_length` or `min_length`",
                "add `max_length: N` or remove `length_unit`",
            );
        }
    }

    /// `enum`, and its `enum_case`, which means nothing without it.
    fn enumeration(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let Some(r) = &f.enumeration else {
            if let Some(c) = &f.enum_case {
                self.error(c, "`enum_case` without `enum`", "add `enum: [...]` or remove `enum_case`");
            }
            return None;
        };
        if at.scalar != Some(ScalarType::String) {
            self.wrong_type(r, at, "enum", "strings", "for integer codes use `coded_enum: [Name=1, ...]`");
            return None;
        }
        if r.value.param().is_empty() {
            self.error(
                r,
                format!("`enum` of `{}` lists no values", at.name),
                "list the documented values, e.g. `enum: [OK, HOLD, REJECT]`",
            );
            return None;
        }
        let case = match f.enum_case.as_ref().map(|c| c.value) {
            None => Case::Unstated,
            Some(syntax::CaseSyntax::Exact) => Case::Exact,
            Some(syntax::CaseSyntax::Insensitive) => Case::Insensitive,
        };
        let mk = |vals: &Vec<S<String>>| RuleKind::Enum {
            values: vals.iter().map(|v| v.value.clone()).collect(),
            case,
        };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("enum"), at.sources))
    }

    /// `coded_enum`; its alternatives keep its values.
    fn coded_enum(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.coded_enum.as_ref()?;
        if at.scalar != Some(ScalarType::Integer) {
            self.wrong_type(r, at, "coded_enum", "integers", "for text values use `enum`");
            return None;
        }
        let values = self.coded_values(r.value.param());
        if r.value.param().is_empty() {
            self.error(
                r,
                format!("`coded_enum` of `{}` lists no values", at.name),
                "list them, e.g. `coded_enum: [Business=1, Home=2]`",
            );
            return None;
        }
        let vals = values.clone();
        Some(self.rule(
            &r.value,
            RuleKind::CodedEnum { values },
            move |_| RuleKind::CodedEnum { values: vals.clone() },
            at.id("coded_enum"),
            at.sources,
        ))
    }

    /// `Name=code`, as the vendors write them; others are reported and left out.
    fn coded_values(&mut self, written: &[S<String>]) -> Vec<CodedValue> {
        let mut values = Vec::new();
        for v in written {
            match v.value.split_once('=').map(|(n, c)| (n.trim(), c.trim().parse::<i64>())) {
                Some((n, Ok(code))) if !n.is_empty() => values.push(CodedValue { code, name: n.to_string() }),
                _ => self.error(
                    v,
                    format!("`{}` is not `Name=code`", v.value),
                    "write each value as the vendor does, e.g. `Business=1`",
                ),
            }
        }
        values
    }

    fn minimum(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.minimum.as_ref()?;
        if !matches!(at.scalar, Some(ScalarType::Integer | ScalarType::Number)) {
            self.wrong_type(
                r,
                at,
                "minimum",
                "integers and numbers",
                "change the field's type to `number` if the vendor sends numbers",
            );
            return None;
        }
        let mk = |v: &f64| RuleKind::Minimum { value: *v };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("minimum"), at.sources))
    }

    /// `format`; an unknown alternative reads as the format itself.
    fn format(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.format.as_ref()?;
        if at.scalar != Some(ScalarType::String) {
            self.wrong_type(r, at, "format", "strings", "remove it or change the field's type");
            return None;
        }
        let Some(fmt) = format_named(r.value.param()) else {
            self.unknown_format(r);
            return None;
        };
        let alternatives_known = r
            .value
            .attrs()
            .is_none_or(|a| a.alternatives.iter().all(|x| format_named(&x.value).is_some()));
        if !alternatives_known {
            self.error(
                r,
                "an alternative format is unknown",
                "formats are `us_date`, `iso_date`, `iso_date_time`, `iso_date_time_unseparated` or `digits<N>`",
            );
        }
        Some(self.rule(
            &r.value,
            RuleKind::Format { format: fmt },
            |s| RuleKind::Format {
                format: format_named(s).unwrap_or(fmt),
            },
            at.id("format"),
            at.sources,
        ))
    }

    fn unknown_format(&mut self, r: &S<RuleSyntax<String>>) {
        let known = [
            "us_date",
            "iso_date",
            "iso_date_time",
            "iso_date_time_unseparated",
            "not_blank",
            "digits10",
        ];
        let help = match did_you_mean(r.value.param(), known) {
            Some(s) => format!(
                "did you mean `{s}`? (formats: `us_date` MM/DD/YYYY, `iso_date` YYYY-MM-DD, `iso_date_time` YYYY-MM-DDThh:mm:ss, `iso_date_time_unseparated` YYYY-MM-DDhh:mm:ss, `not_blank`, `digits<N>`)"
            ),
            None => "formats are `us_date` (MM/DD/YYYY), `iso_date` (YYYY-MM-DD), `iso_date_time` (YYYY-MM-DDThh:mm:ss), `iso_date_time_unseparated` (YYYY-MM-DDhh:mm:ss), `not_blank` (not only white space) and `digits<N>` (exactly N digits)".to_string(),
        };
        self.error(r, format!("unknown format `{}`", r.value.param()), help);
    }

    fn constant(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.constant.as_ref()?;
        if at.scalar != Some(ScalarType::Boolean) {
            self.wrong_type(r, at, "const", "booleans", "for text use `enum: [VALUE]`");
            return None;
        }
        let mk = |b: &bool| RuleKind::Const { value: *b };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("const"), at.sources))
    }

    fn max_items(&mut self, at: &FieldAt, f: &syntax::FieldSyntax) -> Option<Rule> {
        let r = f.max_items.as_ref()?;
        if f.ty.value != syntax::TypeSyntax::Array {
            self.wrong_type(r, at, "max_items", "arrays", "for strings use `max_length`");
            return None;
        }
        if !self.within_bounds(r, "max_items", MAX_RULE_ITEMS) {
            return None;
        }
        let mk = |m: &u64| RuleKind::MaxItems { max: *m };
        Some(self.rule(&r.value, mk(r.value.param()), mk, at.id("max_items"), at.sources))
    }

    /// A rule from a key's parameter and attributes; `alt` reads the
    /// parameter of each alternative reading. Without attributes a rule is
    /// documented and cites the enclosing element's sources.
    /// A length or count rule's value and its alternatives stay within
    /// `limit`: past it, a boundary case (a value one past the limit) would
    /// not fit in memory, and no documented field comes near it.
    fn within_bounds(&mut self, r: &S<RuleSyntax<u64>>, key: &str, limit: u64) -> bool {
        let alternatives = r.value.attrs().into_iter().flat_map(|a| a.alternatives.iter().map(|x| x.value));
        match std::iter::once(*r.value.param()).chain(alternatives).find(|p| *p > limit) {
            None => true,
            Some(p) => {
                self.error(
                    r,
                    format!("`{key}: {p}` is past the largest the schema language takes ({limit})"),
                    format!(
                        "the harness builds values one past the limit, so `{key}` is at most {limit}; documented limits are far smaller"
                    ),
                );
                false
            }
        }
    }

    pub(super) fn rule<P>(
        &mut self,
        syn: &RuleSyntax<P>,
        kind: RuleKind,
        alt: impl Fn(&P) -> RuleKind,
        id: String,
        inherited: &[String],
    ) -> Rule {
        let Some(a) = syn.attrs() else {
            return Rule {
                id,
                kind,
                strength: Strength::Documented,
                alternatives: Vec::new(),
                note: None,
                message: None,
                on_violation: None,
                truncates: false,
                sources: inherited.to_vec(),
            };
        };
        let strength = match a.strength.as_ref().map(|s| s.value) {
            None | Some(syntax::StrengthSyntax::Documented) => Strength::Documented,
            Some(syntax::StrengthSyntax::Contested) => Strength::Contested,
            Some(syntax::StrengthSyntax::Site) => Strength::Site,
            Some(syntax::StrengthSyntax::Implied) => Strength::Implied,
        };
        self.strength_says_why(a, strength);
        self.alternatives_only_if_contested(a, strength);
        let truncates = self.truncates(a, &kind, strength);
        Rule {
            id,
            kind,
            strength,
            truncates,
            alternatives: a.alternatives.iter().map(|x| alt(&x.value)).collect(),
            note: a.note.clone(),
            message: a.message.clone(),
            on_violation: self.error_ref(&a.on_violation),
            sources: self.sources_or(&a.sources, inherited),
        }
    }

    /// A rule that is not plainly documented carries a `note:`.
    fn strength_says_why<P>(&mut self, a: &syntax::RuleAttrs<P>, strength: Strength) {
        if let Some(s) = &a.strength
            && strength != Strength::Documented
            && a.note.is_none()
        {
            self.error(
                s,
                format!("a {strength} rule must say why"),
                "add `note:` quoting the sources that disagree (contested), why the values are per site (site), or what the inference rests on (implied)",
            );
        }
    }

    fn alternatives_only_if_contested<P>(&mut self, a: &syntax::RuleAttrs<P>, strength: Strength) {
        if !a.alternatives.is_empty() && strength != Strength::Contested {
            self.error(
                &a.alternatives[0],
                "`alternatives` on a rule that is not contested",
                "alternatives are the other documented readings of a `strength: contested` rule",
            );
        }
    }

    /// `truncates: true`, on a contested `max_length` only.
    fn truncates<P>(&mut self, a: &syntax::RuleAttrs<P>, kind: &RuleKind, strength: Strength) -> bool {
        let truncates = a.truncates.as_ref().is_some_and(|t| t.value);
        if let Some(t) = &a.truncates
            && t.value
            && !(matches!(kind, RuleKind::MaxLength { .. }) && strength == Strength::Contested)
        {
            self.error(
                t,
                "`truncates` on a rule that is not a contested `max_length`",
                "`truncates: true` says a contested limit's other reading cuts a longer value to the limit; remove it here",
            );
        }
        truncates
    }

    pub(super) fn object_rules(
        &mut self,
        rules: &[syntax::ObjectRuleSyntax],
        fields: &[Field],
        path: &str,
        inherited: &[String],
    ) -> Vec<Rule> {
        rules.iter().filter_map(|r| self.object_rule(r, fields, path, inherited)).collect()
    }

    /// `at_least_one_of`, one per object: its id is the object's path.
    fn object_rule(&mut self, r: &syntax::ObjectRuleSyntax, fields: &[Field], path: &str, inherited: &[String]) -> Option<Rule> {
        let names = self.at_least_one_of(&r.at_least_one_of, fields)?;
        let sources = self.sources_or(&r.sources, inherited);
        let id = format!("{}.{}.{path}at_least_one_of", self.vendor, self.endpoint);
        if !self.object_rule_ids.insert(id.clone()) {
            self.error(
                &r.at_least_one_of,
                "a second `at_least_one_of` on the same object",
                "merge the two into one rule: an object has one `at_least_one_of`, so its rule id stays unique",
            );
            return None;
        }
        Some(Rule {
            id,
            kind: RuleKind::AtLeastOneOf { fields: names },
            strength: Strength::Documented,
            alternatives: Vec::new(),
            note: None,
            message: r.message.clone(),
            on_violation: self.error_ref(&r.on_violation),
            truncates: false,
            sources,
        })
    }

    /// The fields listed, or every field but those listed, each a field of the object.
    fn at_least_one_of(&mut self, a: &S<syntax::AtLeastOneOfSyntax>, fields: &[Field]) -> Option<Vec<String>> {
        match (&a.value.fields, &a.value.all_except) {
            (Some(list), None) => {
                for n in list {
                    self.request_field_exists(n, fields);
                }
                Some(list.iter().map(|n| n.value.clone()).collect())
            }
            (None, Some(except)) => {
                for n in except {
                    self.request_field_exists(n, fields);
                }
                Some(
                    fields
                        .iter()
                        .filter(|f| !except.iter().any(|x| x.value == f.name))
                        .map(|f| f.name.clone())
                        .collect(),
                )
            }
            _ => {
                self.error(
                    a,
                    "`at_least_one_of` needs exactly one of `fields` or `all_except`",
                    "write `at_least_one_of: { fields: [A, B] }` or `{ all_except: [KEY] }`",
                );
                None
            }
        }
    }
}

fn length_unit(f: &syntax::FieldSyntax) -> LengthUnit {
    match f.length_unit.as_ref().map(|u| u.value) {
        None | Some(syntax::UnitSyntax::CodePoints) => LengthUnit::CodePoints,
        Some(syntax::UnitSyntax::Bytes) => LengthUnit::Bytes,
        Some(syntax::UnitSyntax::Utf16Units) => LengthUnit::Utf16Units,
    }
}

/// A format by its name in the schema language (`us_date`, `digits10`).
pub(super) fn format_named(s: &str) -> Option<Format> {
    match s {
        "us_date" => Some(Format::UsDate),
        "iso_date" => Some(Format::IsoDate),
        "iso_date_time" => Some(Format::IsoDateTime),
        "iso_date_time_unseparated" => Some(Format::IsoDateTimeUnseparated),
        "not_blank" => Some(Format::NotBlank),
        _ => s
            .strip_prefix("digits")
            .and_then(|n| n.parse().ok())
            .map(|count| Format::Digits { count }),
    }
}
