//! `format`: a string in a documented format (`MM/DD/YYYY`, `YYYY-MM-DD`,
//! exactly N digits: ManEx's ten-digit `Custno`). Dates must be real
//! calendar dates, in the check and in the JSON Schema pattern alike.

use super::{BoundaryCase, case};
use crate::Format;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn matches_format(s: &str, format: Format) -> bool {
    match format {
        Format::UsDate => {
            let b = s.as_bytes();
            b.len() == 10 && b[2] == b'/' && b[5] == b'/' && calendar_date(&s[6..10], &s[0..2], &s[3..5])
        }
        Format::IsoDate => {
            let b = s.as_bytes();
            b.len() == 10 && b[4] == b'-' && b[7] == b'-' && calendar_date(&s[0..4], &s[5..7], &s[8..10])
        }
        Format::Digits { count } => s.len() == count as usize && s.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn calendar_date(year: &str, month: &str, day: &str) -> bool {
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(year) && all_digits(month) && all_digits(day)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (year.parse::<u32>(), month.parse::<u32>(), day.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

pub fn holds(format: Format, value: &Value) -> bool {
    match value {
        Value::String(s) => matches_format(s, format),
        _ => true,
    }
}

pub fn describe(format: Format) -> String {
    match format {
        Format::UsDate => "must be a date in MM/DD/YYYY format".to_string(),
        Format::IsoDate => "must be a date in YYYY-MM-DD format".to_string(),
        Format::Digits { count } => format!("must be exactly {count} digits"),
    }
}

// Calendar dates as regular expressions, so the JSON Schema `pattern`
// accepts exactly the dates `matches_format` accepts (leap years included).
const MONTHS_31: &str = "0[13578]|1[02]";
const MONTHS_30: &str = "0[469]|11";
const DAYS_31: &str = "0[1-9]|[12][0-9]|3[01]";
const DAYS_30: &str = "0[1-9]|[12][0-9]|30";
const DAYS_28: &str = "0[1-9]|1[0-9]|2[0-8]";
const LEAP_YEARS: &str = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00|0000";

pub fn json_schema(format: Format) -> Map<String, Value> {
    let pattern = match format {
        Format::UsDate => format!(
            "^(?:(?:{m31})/(?:{d31})|(?:{m30})/(?:{d30})|02/(?:{d28}))/[0-9]{{4}}$|^02/29/(?:{leap})$",
            m31 = MONTHS_31,
            d31 = DAYS_31,
            m30 = MONTHS_30,
            d30 = DAYS_30,
            d28 = DAYS_28,
            leap = LEAP_YEARS
        ),
        Format::IsoDate => format!(
            "^[0-9]{{4}}-(?:(?:{m31})-(?:{d31})|(?:{m30})-(?:{d30})|02-(?:{d28}))$|^(?:{leap})-02-29$",
            m31 = MONTHS_31,
            d31 = DAYS_31,
            m30 = MONTHS_30,
            d30 = DAYS_30,
            d28 = DAYS_28,
            leap = LEAP_YEARS
        ),
        Format::Digits { count } => format!("^[0-9]{{{count}}}$"),
    };
    let mut k = Map::new();
    k.insert("pattern".into(), pattern.into());
    k
}

pub fn cases(format: Format) -> Vec<BoundaryCase> {
    match format {
        Format::UsDate => vec![
            case("at_limit", "12/31/2024".into(), true),
            case("leap_day", "02/29/2024".into(), true),
            case("wrong", "2024-12-31".into(), false),
            case("not_a_date", "02/30/2024".into(), false),
        ],
        Format::IsoDate => vec![
            case("at_limit", "2024-12-31".into(), true),
            case("wrong", "12/31/2024".into(), false),
            case("not_a_date", "2024-02-30".into(), false),
        ],
        Format::Digits { count } => {
            let n = count as usize;
            let mut out = vec![
                case("at_limit", Value::String(format!("{:0>n$}", 1)), true),
                case("too_long", Value::String("9".repeat(n + 1)), false),
            ];
            if n > 1 {
                out.push(case("too_short", Value::String("9".repeat(n - 1)), false));
            }
            out
        }
    }
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    pub fn valid(format: Format) -> BoxedStrategy<Value> {
        match format {
            Format::UsDate => (1u32..=12, 1u32..=28, 1990u32..=2035)
                .prop_map(|(m, d, y)| Value::String(format!("{m:02}/{d:02}/{y}")))
                .boxed(),
            Format::IsoDate => (1u32..=12, 1u32..=28, 1990u32..=2035)
                .prop_map(|(m, d, y)| Value::String(format!("{y}-{m:02}-{d:02}")))
                .boxed(),
            Format::Digits { count } => proptest::collection::vec(0u8..=9, count as usize)
                .prop_map(|d| Value::String(d.iter().map(|x| char::from(b'0' + x)).collect()))
                .boxed(),
        }
    }

    /// Real dates in the other notation, impossible days, digits of the
    /// wrong length.
    pub fn breaking(format: Format) -> BoxedStrategy<Value> {
        match format {
            Format::UsDate => (1u32..=12, 1u32..=28, 1990u32..=2035, any::<bool>())
                .prop_map(|(m, d, y, iso)| {
                    Value::String(if iso {
                        format!("{y}-{m:02}-{d:02}")
                    } else {
                        format!("{m:02}/{:02}/{y}", 32 + d % 60)
                    })
                })
                .boxed(),
            Format::IsoDate => (1u32..=12, 1u32..=28, 1990u32..=2035, any::<bool>())
                .prop_map(|(m, d, y, us)| {
                    Value::String(if us {
                        format!("{m:02}/{d:02}/{y}")
                    } else {
                        format!("{y}-{m:02}-{:02}", 32 + d % 60)
                    })
                })
                .boxed(),
            Format::Digits { count } => {
                let n = count as usize;
                (0usize..=n + 3)
                    .prop_filter("another length", move |l| *l != n)
                    .prop_map(|l| Value::String("9".repeat(l)))
                    .boxed()
            }
        }
    }
}
