//! `format`: a string in a documented format (`MM/DD/YYYY`, `YYYY-MM-DD`,
//! the date-times `YYYY-MM-DDThh:mm:ss` and `YYYY-MM-DDhh:mm:ss`, exactly N
//! digits: ManEx's ten-digit `Custno`). Dates must be real calendar dates
//! and times real times of day (00:00:00 to 23:59:59), in the check and in
//! the JSON Schema pattern alike.
//!
//! The date formats also read and write [`DateTime`]s, so a date written in
//! one format can be read back in another ([`reformat_date`]: the
//! `dates_read_back_as` quirk) and a date-time read back compared with what
//! was written ([`read_iso_date_time`]).

use super::{BoundaryCase, case};
use crate::Format;
use crate::Scalar;
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
        Format::IsoDateTime => {
            let b = s.as_bytes();
            b.len() == 19 && b[10] == b'T' && matches_format(&s[..10], Format::IsoDate) && time_of_day(&s[11..]).is_some()
        }
        Format::IsoDateTimeUnseparated => {
            // Byte 10 must start the time: a boundary, not inside a character.
            s.len() == 18 && s.is_char_boundary(10) && matches_format(&s[..10], Format::IsoDate) && time_of_day(&s[10..]).is_some()
        }
        Format::Digits { count } => s.len() == count as usize && s.bytes().all(|b| b.is_ascii_digit()),
        // Bytes of a multi-byte character are never ASCII white space.
        Format::NotBlank => s.is_empty() || s.bytes().any(|b| !is_blank(b)),
    }
}

/// ASCII white space as the JSON Schema pattern of `not_blank` names it.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `hh:mm:ss`, a real time of day: (hour, minute, second).
fn time_of_day(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let part = |p: &[u8]| -> Option<u32> {
        (p.len() == 2 && p.iter().all(u8::is_ascii_digit)).then(|| u32::from(p[0] - b'0') * 10 + u32::from(p[1] - b'0'))
    };
    let (h, m, sec) = (part(&b[0..2])?, part(&b[3..5])?, part(&b[6..8])?);
    (h < 24 && m < 60 && sec < 60).then_some((h, m, sec))
}

/// A calendar date and a time of day: what a value in a date format names
/// (a date alone names its midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// The formats that write dates, in the order [`reformat_date`] tries them.
pub const DATE_FORMATS: [Format; 4] = [Format::UsDate, Format::IsoDate, Format::IsoDateTime, Format::IsoDateTimeUnseparated];

/// The date-time a value written in `format` names; `None` when the value
/// is not in that format, or the format writes no dates (`digits<N>`).
pub fn date_time(s: &str, format: Format) -> Option<DateTime> {
    if !matches_format(s, format) {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let (date, time) = match format {
        Format::UsDate => ((n(&s[6..10])?, n(&s[0..2])?, n(&s[3..5])?), (0, 0, 0)),
        Format::IsoDate => ((n(&s[0..4])?, n(&s[5..7])?, n(&s[8..10])?), (0, 0, 0)),
        Format::IsoDateTime => ((n(&s[0..4])?, n(&s[5..7])?, n(&s[8..10])?), time_of_day(&s[11..])?),
        Format::IsoDateTimeUnseparated => ((n(&s[0..4])?, n(&s[5..7])?, n(&s[8..10])?), time_of_day(&s[10..])?),
        Format::Digits { .. } | Format::NotBlank => return None,
    };
    Some(DateTime {
        year: date.0,
        month: date.1,
        day: date.2,
        hour: time.0,
        minute: time.1,
        second: time.2,
    })
}

/// `dt` written in `format`; `None` for a format that writes no dates. A
/// date format without a time leaves the time out.
pub fn write_date_time(dt: DateTime, format: Format) -> Option<String> {
    let DateTime {
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: s,
    } = dt;
    Some(match format {
        Format::UsDate => format!("{mo:02}/{d:02}/{y:04}"),
        Format::IsoDate => format!("{y:04}-{mo:02}-{d:02}"),
        Format::IsoDateTime => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
        Format::IsoDateTimeUnseparated => format!("{y:04}-{mo:02}-{d:02}{h:02}:{mi:02}:{s:02}"),
        Format::Digits { .. } | Format::NotBlank => return None,
    })
}

/// A value written in any date format ([`DATE_FORMATS`]) rewritten in `to`
/// (`12/31/2024` as `iso_date_time` is `2024-12-31T00:00:00`); `None` when
/// the value is in no date format (then it reads back as written).
pub fn reformat_date(s: &str, to: Format) -> Option<String> {
    DATE_FORMATS
        .iter()
        .find_map(|f| date_time(s, *f))
        .and_then(|dt| write_date_time(dt, to))
}

/// An ISO 8601 date-time as servers send them back: `YYYY-MM-DD`, then `T`,
/// a space or nothing, `hh:mm:ss`, an optional fraction of a second
/// (`.25`, `.041868`) and an optional zone (`Z`, `-05:00`); or a date alone
/// (midnight). The fraction and zone are read past, not kept: two values
/// name the same date-time when their date and time of day agree.
pub fn read_iso_date_time(s: &str) -> Option<DateTime> {
    let s = s.trim();
    if !s.is_char_boundary(10.min(s.len())) {
        return None;
    }
    if s.len() == 10 {
        return date_time(s, Format::IsoDate);
    }
    let date = date_time(s.get(..10)?, Format::IsoDate)?;
    let rest = &s[10..];
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest);
    let (hour, minute, second) = time_of_day(rest.get(..8)?)?;
    let mut tail = &rest[8..];
    if let Some(f) = tail.strip_prefix('.') {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        tail = &f[digits..];
    }
    let zone_ok = match tail.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    zone_ok.then_some(DateTime {
        hour,
        minute,
        second,
        ..date
    })
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

pub fn holds(format: Format, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Str(s) => matches_format(s, format),
        _ => true,
    }
}

pub fn describe(format: Format) -> String {
    match format {
        Format::UsDate => "must be a date in MM/DD/YYYY format".to_string(),
        Format::IsoDate => "must be a date in YYYY-MM-DD format".to_string(),
        Format::IsoDateTime => "must be a date-time in YYYY-MM-DDThh:mm:ss format".to_string(),
        Format::IsoDateTimeUnseparated => "must be a date-time in YYYY-MM-DDhh:mm:ss format (no separator before the time)".to_string(),
        Format::Digits { count } => format!("must be exactly {count} digits"),
        Format::NotBlank => "must not be only white space".to_string(),
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
const TIME: &str = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]";

/// `YYYY-MM-DD<separator>hh:mm:ss`, a real date and time of day.
fn date_time_pattern(separator: &str) -> String {
    format!(
        "^(?:[0-9]{{4}}-(?:(?:{m31})-(?:{d31})|(?:{m30})-(?:{d30})|02-(?:{d28}))|(?:{leap})-02-29){separator}{TIME}$",
        m31 = MONTHS_31,
        d31 = DAYS_31,
        m30 = MONTHS_30,
        d30 = DAYS_30,
        d28 = DAYS_28,
        leap = LEAP_YEARS
    )
}

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
        Format::IsoDateTime => date_time_pattern("T"),
        Format::IsoDateTimeUnseparated => date_time_pattern(""),
        Format::Digits { count } => format!("^[0-9]{{{count}}}$"),
        Format::NotBlank => "^$|[^ \\t\\n\\r\\x0B\\x0C]".to_string(),
    };
    let mut k = Map::new();
    k.insert("pattern".into(), pattern.into());
    k
}

/// A value the rule holds for: its first case at the limit.
pub fn example(format: Format) -> Option<Value> {
    cases(format).into_iter().find(|c| c.holds).map(|c| c.value)
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
        Format::IsoDateTime => vec![
            case("at_limit", "2024-12-31T23:59:59".into(), true),
            case("leap_day", "2024-02-29T00:00:00".into(), true),
            case("wrong", "12/31/2024".into(), false),
            case("no_separator", "2024-12-3123:59:59".into(), false),
            case("not_a_date", "2024-02-30T00:00:00".into(), false),
            case("not_a_time", "2024-12-31T24:00:00".into(), false),
        ],
        Format::IsoDateTimeUnseparated => vec![
            case("at_limit", "2024-12-3123:59:59".into(), true),
            case("leap_day", "2024-02-2900:00:00".into(), true),
            case("wrong", "12/31/2024".into(), false),
            case("separated", "2024-12-31T23:59:59".into(), false),
            case("not_a_date", "2024-02-3000:00:00".into(), false),
            case("not_a_time", "2024-12-3124:00:00".into(), false),
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
        Format::NotBlank => vec![case("padded", " x ".into(), true), case("blank", "   ".into(), false)],
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
            Format::IsoDateTime | Format::IsoDateTimeUnseparated => (1u32..=12, 1u32..=28, 1990u32..=2035, 0u32..24, 0u32..60, 0u32..60)
                .prop_map(move |(month, day, year, hour, minute, second)| {
                    let dt = DateTime {
                        year,
                        month,
                        day,
                        hour,
                        minute,
                        second,
                    };
                    Value::String(write_date_time(dt, format).unwrap_or_default())
                })
                .boxed(),
            Format::Digits { count } => proptest::collection::vec(0u8..=9, count as usize)
                .prop_map(|d| Value::String(d.iter().map(|x| char::from(b'0' + x)).collect()))
                .boxed(),
            Format::NotBlank => "[ ]{0,2}[A-Za-z0-9]{1,8}[ ]{0,2}".prop_map(Value::String).boxed(),
        }
    }

    /// Real dates in the other notation, impossible days (or hours),
    /// digits of the wrong length.
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
            // The other date-time notation, a date alone, or an impossible hour.
            Format::IsoDateTime | Format::IsoDateTimeUnseparated => (1u32..=12, 1u32..=28, 1990u32..=2035, 0u32..3, 0u32..60)
                .prop_map(move |(m, d, y, how, minute)| {
                    let (own, other) = match format {
                        Format::IsoDateTime => ("T", ""),
                        _ => ("", "T"),
                    };
                    Value::String(match how {
                        0 => format!("{y}-{m:02}-{d:02}{other}12:{minute:02}:00"),
                        1 => format!("{y}-{m:02}-{d:02}"),
                        _ => format!("{y}-{m:02}-{d:02}{own}{}:{minute:02}:00", 24 + minute % 76),
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
            // Not empty: a blank value, breaking no length rule.
            Format::NotBlank => "[ \t]{1,4}".prop_map(Value::String).boxed(),
        }
    }
}
