//! Query By Example criteria (`Criteria::Qbe` in the IR): an operator
//! written as a prefix inside a string value, from a closed set.
//!
//! | written | matches a record value `v` |
//! | --- | --- |
//! | `X` (no operator) | `v = X` |
//! | `<>X` | `v <> X` |
//! | `>X`, `>=X`, `<X`, `<=X` | `v > X`, ... |
//! | `BETWEEN A AND B` | `A <= v <= B` |
//! | `IN A,C` or `IN 'CA','NV'` | `v` equals one of the items |
//!
//! Where the docs are silent (each choice also in reference/README.md):
//! values compare as numbers when both sides read as numbers, else as text
//! (exact, code point order); keywords are upper case as documented; an
//! operand is trimmed of spaces; BETWEEN includes both ends; a quoted item
//! writes `'` as `''`. The docs list wildcards too, but their characters are
//! not captured, so none are read: `%` and `*` are ordinary text.

use std::cmp::Ordering;

/// One criterion, read off a string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Criterion {
    Eq(String),
    Ne(String),
    Gt(String),
    Ge(String),
    Lt(String),
    Le(String),
    Between(String, String),
    In(Vec<String>),
}

impl Criterion {
    /// Reads a criterion. A value without an operator means equality;
    /// `Err` says why a `BETWEEN` or `IN` is not well formed.
    pub fn parse(text: &str) -> Result<Criterion, String> {
        if let Some(rest) = text.strip_prefix("BETWEEN ") {
            return match rest.split_once(" AND ").map(|(lo, hi)| (lo.trim(), hi.trim())) {
                Some((lo, hi)) if !lo.is_empty() && !hi.is_empty() => Ok(Criterion::Between(lo.to_string(), hi.to_string())),
                _ => Err(format!("`{text}` is not `BETWEEN <low> AND <high>`")),
            };
        }
        if let Some(rest) = text.strip_prefix("IN ") {
            return list(rest)
                .map(Criterion::In)
                .ok_or_else(|| format!("`{text}` is not `IN a,b` or `IN 'a','b'`"));
        }
        // Two-character operators before their one-character prefixes.
        type Make = fn(String) -> Criterion;
        let operators: [(&str, Make); 5] = [
            ("<>", Criterion::Ne),
            (">=", Criterion::Ge),
            ("<=", Criterion::Le),
            (">", Criterion::Gt),
            ("<", Criterion::Lt),
        ];
        for (op, make) in operators {
            if let Some(rest) = text.strip_prefix(op) {
                return Ok(make(rest.trim().to_string()));
            }
        }
        Ok(Criterion::Eq(text.to_string()))
    }

    /// Does a record's value (as text; an absent value is `""`) match?
    pub fn matches(&self, value: &str) -> bool {
        use Ordering::{Equal, Greater, Less};
        match self {
            Criterion::Eq(x) => compare(value, x) == Equal,
            Criterion::Ne(x) => compare(value, x) != Equal,
            Criterion::Gt(x) => compare(value, x) == Greater,
            Criterion::Ge(x) => compare(value, x) != Less,
            Criterion::Lt(x) => compare(value, x) == Less,
            Criterion::Le(x) => compare(value, x) != Greater,
            Criterion::Between(lo, hi) => compare(value, lo) != Less && compare(value, hi) != Greater,
            Criterion::In(items) => items.iter().any(|x| compare(value, x) == Equal),
        }
    }
}

/// SQL in the columns `value` (the record's value as text) and `num` (its
/// [`number`], `NULL` when it is none) of the store's `fields` table.
fn compare_sql(op: &str, x: &str, params: &mut Vec<rusqlite::types::Value>) -> String {
    use rusqlite::types::Value as Sql;
    match number(x) {
        // A number against a number compares as numbers; against text, as
        // text (as `compare` does).
        Some(n) => {
            params.push(Sql::Real(n));
            params.push(Sql::Text(x.to_string()));
            format!("((num IS NOT NULL AND num {op} ?) OR (num IS NULL AND value {op} ?))")
        }
        None => {
            params.push(Sql::Text(x.to_string()));
            format!("value {op} ?")
        }
    }
}

/// The longest `IN` list narrowed in SQL (see [`Criterion::sql`]).
pub const MAX_SQL_IN_ITEMS: usize = 100;

impl Criterion {
    /// The criterion as an SQL predicate on a present value (see
    /// `compare_sql`), with its parameters: it holds exactly where
    /// [`Criterion::matches`] does. (Whether an absent value matches is
    /// `matches("")`, for the caller to add.)
    ///
    /// `None` for an `IN` list longer than [`MAX_SQL_IN_ITEMS`]: SQLite
    /// bounds an expression's depth (1,000), so such a list is tested on
    /// each record read instead, never refused.
    pub fn sql(&self) -> Option<(String, Vec<rusqlite::types::Value>)> {
        if matches!(self, Criterion::In(items) if items.len() > MAX_SQL_IN_ITEMS) {
            return None;
        }
        let mut p = Vec::new();
        let text = match self {
            Criterion::Eq(x) => compare_sql("=", x, &mut p),
            Criterion::Ne(x) => format!("NOT {}", compare_sql("=", x, &mut p)),
            Criterion::Gt(x) => compare_sql(">", x, &mut p),
            Criterion::Ge(x) => compare_sql(">=", x, &mut p),
            Criterion::Lt(x) => compare_sql("<", x, &mut p),
            Criterion::Le(x) => compare_sql("<=", x, &mut p),
            Criterion::Between(lo, hi) => {
                let lo = compare_sql(">=", lo, &mut p);
                format!("({lo} AND {})", compare_sql("<=", hi, &mut p))
            }
            Criterion::In(items) => {
                let each: Vec<String> = items.iter().map(|x| compare_sql("=", x, &mut p)).collect();
                format!("({})", each.join(" OR "))
            }
        };
        Some((text, p))
    }
}

/// Numbers when both sides read as numbers, else text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

/// A decimal number (sign, digits, point, exponent; spaces around it
/// allowed). Not `inf` or `NaN`, which Rust's parser would take, and not a
/// date such as `2016-01-01`.
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    let plain = t.bytes().any(|c| c.is_ascii_digit())
        && t.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.' | b'e' | b'E'));
    // -0 and 0 are the same number (total_cmp would order them).
    plain
        .then(|| t.parse::<f64>().ok())
        .flatten()
        .filter(|x| x.is_finite())
        .map(|x| x + 0.0)
}

/// The items of an `IN` list: `A,C` (each trimmed, none empty) or
/// `'CA','NV'` (quoted, `''` for a quote inside), or a mix.
fn list(s: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if_eq(&' ').is_some() {}
        if chars.next_if_eq(&'\'').is_some() {
            let mut item = String::new();
            loop {
                match chars.next()? {
                    '\'' if chars.next_if_eq(&'\'').is_some() => item.push('\''),
                    '\'' => break,
                    c => item.push(c),
                }
            }
            while chars.next_if_eq(&' ').is_some() {}
            items.push(item);
        } else {
            let mut item = String::new();
            while let Some(c) = chars.next_if(|c| *c != ',') {
                item.push(c);
            }
            let item = item.trim();
            if item.is_empty() {
                return None;
            }
            items.push(item.to_string());
        }
        match chars.next() {
            None => return Some(items),
            Some(',') => {}
            // Text after a closing quote.
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Criterion::{self, *};
    use super::{compare, number};
    use std::cmp::Ordering;

    fn parse(s: &str) -> Criterion {
        Criterion::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_documented_example_parses_to_its_operator() {
        assert_eq!(parse("<>X"), Ne("X".into()));
        assert_eq!(parse(">0"), Gt("0".into()));
        assert_eq!(parse(">=2016-01-01"), Ge("2016-01-01".into()));
        assert_eq!(parse("<100"), Lt("100".into()));
        assert_eq!(parse("<=2019-05-30"), Le("2019-05-30".into()));
        assert_eq!(parse("BETWEEN 10 AND 100"), Between("10".into(), "100".into()));
        assert_eq!(parse("IN A,C"), In(strings(&["A", "C"])));
        assert_eq!(parse("IN 'CA','NV'"), In(strings(&["CA", "NV"])));
    }

    #[test]
    fn a_value_without_an_operator_means_equality() {
        for s in [
            "US",
            "IN",
            "INDIANA",
            "",
            " padded ",
            "between 10 and 100",
            "in a,b",
            "100%",
            "A*",
            "=X",
        ] {
            assert_eq!(parse(s), Eq(s.to_string()), "{s:?}");
        }
        assert!(parse("US").matches("US"));
        assert!(!parse("US").matches("us"), "text compares exactly");
        assert!(!parse("US").matches("USA"));
        assert!(parse("IN").matches("IN"), "Indiana is a value, not an empty IN list");
        assert!(parse("").matches(""), "an empty criterion finds records without the value");
        assert!(!parse("A*").matches("AB"), "no wildcards are read");
    }

    #[test]
    fn not_equal() {
        let c = parse("<>X");
        assert!(c.matches("Y") && c.matches("") && c.matches("x"));
        assert!(!c.matches("X"));
        assert!(!parse("<>10").matches("10.0"), "numbers compare as numbers");
        assert!(parse("<>").matches("X") && !parse("<>").matches(""), "`<>` alone: has a value");
    }

    #[test]
    fn greater_and_less_than_compare_numbers_as_numbers() {
        // As text "9" > "10"; as numbers it is not.
        assert!(parse(">0").matches("9") && parse(">0").matches("0.5"));
        assert!(!parse(">0").matches("0") && !parse(">0").matches("-3"));
        assert!(parse("<100").matches("9") && parse("<100").matches("99.99"));
        assert!(!parse("<100").matches("100") && !parse("<100").matches("1000"));
        assert!(parse(">=10").matches("10") && parse(">=10").matches("10.0") && parse(">=10").matches("1e2"));
        assert!(!parse(">=10").matches("9"));
        assert!(parse("<=10").matches("10") && parse("<=10").matches("-10"));
        assert!(!parse("<=10").matches("11"));
        assert!(parse(">= 5").matches("6"), "the operand is trimmed");
        assert!(parse(">5").matches(" 6 "), "a number with spaces around it is a number");
    }

    #[test]
    fn comparisons_with_text_compare_as_text() {
        // ISO dates are not numbers: they compare as text, which orders them.
        let from = parse(">=2016-01-01");
        assert!(from.matches("2016-01-01") && from.matches("2018-07-04"));
        assert!(!from.matches("2015-12-31"));
        let until = parse("<=2019-05-30");
        assert!(until.matches("2019-05-30") && until.matches("2001-01-01"));
        assert!(!until.matches("2019-05-31"));
        assert!(parse(">M").matches("N") && !parse(">M").matches("A"));
        // A number against text: text order ("9" < "A").
        assert!(parse("<A").matches("9") && !parse(">A").matches("9"));
        assert!(!parse(">0").matches(""), "an absent value is empty text, below any digit");
        // `inf` and `NaN` are words, not numbers.
        assert_eq!(compare("inf", "5"), "inf".cmp("5"));
        assert_eq!(compare("NaN", "NaN"), Ordering::Equal);
        assert_eq!(compare("-0", "0"), Ordering::Equal);
    }

    #[test]
    fn between_includes_both_ends() {
        let c = parse("BETWEEN 10 AND 100");
        for inside in ["10", "55", "100", "10.0", "1e2"] {
            assert!(c.matches(inside), "{inside}");
        }
        for outside in ["9", "100.5", "1000", "", "abc"] {
            assert!(!c.matches(outside), "{outside}");
        }
        let dates = parse("BETWEEN 2016-01-01 AND 2019-05-30");
        assert!(dates.matches("2017-06-15") && !dates.matches("2020-01-01"));
        let names = parse("BETWEEN B AND D");
        assert!(names.matches("C") && names.matches("B") && !names.matches("E"));
    }

    #[test]
    fn in_lists_quoted_unquoted_and_mixed() {
        let plain = parse("IN A,C");
        assert!(plain.matches("A") && plain.matches("C"));
        assert!(!plain.matches("B") && !plain.matches("A,C") && !plain.matches(""));
        let quoted = parse("IN 'CA','NV'");
        assert!(quoted.matches("CA") && quoted.matches("NV"));
        assert!(!quoted.matches("'CA'") && !quoted.matches("IN"));
        assert_eq!(parse("IN A , C"), In(strings(&["A", "C"])), "unquoted items are trimmed");
        assert_eq!(parse("IN 'A', 'B' ,C"), In(strings(&["A", "B", "C"])));
        assert_eq!(parse("IN 'a,b','c'"), In(strings(&["a,b", "c"])), "a comma inside quotes is text");
        assert_eq!(parse("IN 'O''Brien'"), In(strings(&["O'Brien"])));
        assert_eq!(parse("IN ' padded '"), In(strings(&[" padded "])), "quoted items keep their spaces");
        assert_eq!(parse("IN ''"), In(strings(&[""])));
        assert_eq!(parse("IN X"), In(strings(&["X"])));
        assert!(parse("IN 1,2,3").matches("2.0"), "numbers compare as numbers");
    }

    /// The SQL translation selects exactly the values `matches` accepts,
    /// over values and criteria mixing numbers, dates, words and edge cases.
    #[test]
    fn sql_agrees_with_matches() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE fields (id INTEGER PRIMARY KEY, value TEXT NOT NULL, num REAL)")
            .unwrap();
        let values = [
            "",
            "0",
            "-0",
            "0.0",
            "9",
            "10",
            "10.0",
            "1e2",
            "100",
            "100.5",
            "1000",
            "-3",
            " 6 ",
            "0.5",
            "abc",
            "A",
            "B",
            "C",
            "E",
            "N",
            "US",
            "us",
            "IN",
            "2015-12-31",
            "2016-01-01",
            "2017-06-15",
            "2019-05-30",
            "2020-01-01",
            "inf",
            "NaN",
            "O'Brien",
            "a,b",
            "é",
            "Z\u{0}",
            "99999999999999999999",
            "1e400",
            "+5",
            "5.",
            ".5",
            "true",
        ];
        for v in values {
            conn.execute("INSERT INTO fields (value, num) VALUES (?1, ?2)", rusqlite::params![v, number(v)])
                .unwrap();
        }
        let criteria = [
            "",
            "X",
            "10",
            "10.0",
            "<>10",
            "<>X",
            "<>",
            ">0",
            ">=10",
            "<100",
            "<=10",
            ">= 5",
            ">5",
            ">M",
            "<A",
            ">A",
            ">=2016-01-01",
            "<=2019-05-30",
            "BETWEEN 10 AND 100",
            "BETWEEN 2016-01-01 AND 2019-05-30",
            "BETWEEN B AND D",
            "BETWEEN 0 AND Z",
            "IN A,C",
            "IN 'CA','NV'",
            "IN 1,2,3",
            "IN 'O''Brien',abc",
            "IN ''",
            "US",
            "<inf",
            ">NaN",
            "=X",
            "1e2",
            "-0",
            ">-0",
            "<99999999999999999999",
            ">1e400",
            "<=é",
        ];
        for text in criteria {
            let c = Criterion::parse(text).unwrap();
            let (pred, params) = c.sql().expect("a short list is narrowed in SQL");
            let mut st = conn
                .prepare(&format!("SELECT value FROM fields WHERE ifnull(({pred}), 0) ORDER BY id"))
                .unwrap();
            let got: Vec<String> = st
                .query_map(rusqlite::params_from_iter(params), |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<String> = values.iter().filter(|v| c.matches(v)).map(|v| v.to_string()).collect();
            assert_eq!(got, want, "{text:?}: {pred}");
        }
    }

    #[test]
    fn malformed_between_and_in_are_refused() {
        for bad in [
            "BETWEEN 10",
            "BETWEEN 10 100",
            "BETWEEN  AND 100",
            "BETWEEN 10 AND ",
            "IN ",
            "IN A,,C",
            "IN A,",
            "IN ,A",
            "IN 'CA",
            "IN 'CA'x",
            "IN 'CA' 'NV'",
        ] {
            assert!(
                Criterion::parse(bad).is_err(),
                "{bad:?} should be refused: {:?}",
                Criterion::parse(bad)
            );
        }
    }
}
