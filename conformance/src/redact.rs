//! Secrets kept out of everything the harness writes: a server may echo a
//! credential or a token in any encoding, so text is searched in each of the
//! forms it could travel in, and the secret's place in the text as written
//! is replaced by its placeholder.
//!
//! The forms: the text as written; with JSON string escapes decoded (`\u0041`,
//! `\/`, surrogate pairs); and with percent-encoding decoded (either case of
//! hex digit), `+` read once as a space and once as itself. A secret shorter
//! than [`SHORT`] characters is matched only as a whole word (not beside a
//! letter or digit), so a one-character token does not blank out every
//! occurrence of that character.

/// Secrets shorter than this are matched as whole words only.
pub const SHORT: usize = 8;

/// One character of a decoded view of the text, and the bytes of the text
/// as written it came from.
#[derive(Clone, Copy)]
struct Decoded {
    c: char,
    from: u32,
    to: u32,
}

/// `text` with every secret replaced by its placeholder, in every form.
/// `secrets` are `(value, placeholder)`; empty values are ignored.
pub fn redact(text: &str, secrets: &[(String, String)]) -> String {
    let secrets: Vec<(Vec<char>, &str)> = secrets
        .iter()
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, p)| (v.chars().collect(), p.as_str()))
        .collect();
    if secrets.is_empty() || text.is_empty() {
        return text.to_string();
    }
    // Offsets are kept in 32 bits (a view costs 12 bytes a character);
    // nothing the harness keeps comes near 4 GiB.
    if text.len() > u32::MAX as usize {
        return "(text too long to show)".to_string();
    }
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for view in [
        as_written(text),
        json_decoded(text),
        url_decoded(text, true),
        url_decoded(text, false),
    ] {
        for (secret, placeholder) in &secrets {
            find(&view, secret, |from, to| spans.push((from, to, placeholder)));
        }
    }
    if spans.is_empty() {
        return text.to_string();
    }
    // Earliest first, the longest of those first; overlapping spans merge
    // under the first one's placeholder.
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut i = 0;
    while i < spans.len() {
        let (from, mut to, placeholder) = spans[i];
        i += 1;
        while i < spans.len() && spans[i].0 < to {
            to = to.max(spans[i].1);
            i += 1;
        }
        out.push_str(&text[at..from]);
        out.push_str(placeholder);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}

/// Calls `hit(from, to)` for each place `secret` occurs in `view` (a short
/// secret only as a whole word).
fn find(view: &[Decoded], secret: &[char], mut hit: impl FnMut(usize, usize)) {
    let n = secret.len();
    if n == 0 || view.len() < n {
        return;
    }
    let short = n < SHORT;
    let word = |i: Option<&Decoded>| i.is_some_and(|d| d.c.is_alphanumeric());
    for start in 0..=view.len() - n {
        if view[start].c != secret[0] || !view[start..start + n].iter().zip(secret).all(|(d, c)| d.c == *c) {
            continue;
        }
        if short && (word(start.checked_sub(1).and_then(|p| view.get(p))) || word(view.get(start + n))) {
            continue;
        }
        hit(view[start].from as usize, view[start + n - 1].to as usize);
    }
}

fn as_written(text: &str) -> Vec<Decoded> {
    text.char_indices()
        .map(|(i, c)| Decoded {
            c,
            from: i as u32,
            to: (i + c.len_utf8()) as u32,
        })
        .collect()
}

/// The text with JSON string escapes decoded wherever they appear.
fn json_decoded(text: &str) -> Vec<Decoded> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && let Some((c, len)) = json_escape(&text[i..])
        {
            out.push(Decoded {
                c,
                from: i as u32,
                to: (i + len) as u32,
            });
            i += len;
            continue;
        }
        let c = text[i..].chars().next().expect("at a character boundary");
        out.push(Decoded {
            c,
            from: i as u32,
            to: (i + c.len_utf8()) as u32,
        });
        i += c.len_utf8();
    }
    out
}

/// One JSON escape at the start of `s`: the character and the escape's length.
fn json_escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let simple = match *b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = |at: usize| s.get(at..at + 4).and_then(|h| u16::from_str_radix(h, 16).ok());
            let first = unit(2)?;
            if (0xD800..0xDC00).contains(&first)
                && s.get(6..8) == Some("\\u")
                && let Some(second) = unit(8).filter(|u| (0xDC00..0xE000).contains(u))
            {
                let c = char::from_u32(0x10000 + ((first as u32 - 0xD800) << 10) + (second as u32 - 0xDC00))?;
                return Some((c, 12));
            }
            return Some((char::from_u32(first as u32)?, 6));
        }
        _ => return None,
    };
    Some((simple, 2))
}

/// The text with `%XX` sequences decoded (a run of them as UTF-8), and `+`
/// as a space when `plus_is_space`.
fn url_decoded(text: &str, plus_is_space: bool) -> Vec<Decoded> {
    let b = text.as_bytes();
    let hex = |at: usize| {
        let pair = text.get(at + 1..at + 3)?;
        (b[at] == b'%').then(|| u8::from_str_radix(pair, 16).ok()).flatten()
    };
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if hex(i).is_some() {
            // A run of escapes, decoded as UTF-8 character by character.
            let mut bytes = Vec::new();
            let mut ends = Vec::new();
            let mut j = i;
            while let Some(x) = hex(j) {
                bytes.push(x);
                j += 3;
                ends.push(j);
            }
            let mut k = 0;
            while k < bytes.len() {
                let len = utf8_len(bytes[k]).min(bytes.len() - k);
                let start = if k == 0 { i } else { ends[k - 1] };
                match std::str::from_utf8(&bytes[k..k + len]).ok().and_then(|s| s.chars().next()) {
                    Some(c) => {
                        out.push(Decoded {
                            c,
                            from: start as u32,
                            to: (ends[k + len - 1]) as u32,
                        });
                        k += len;
                    }
                    None => {
                        out.push(Decoded {
                            c: char::REPLACEMENT_CHARACTER,
                            from: start as u32,
                            to: (ends[k]) as u32,
                        });
                        k += 1;
                    }
                }
            }
            i = j;
            continue;
        }
        let c = text[i..].chars().next().expect("at a character boundary");
        let shown = if c == '+' && plus_is_space { ' ' } else { c };
        out.push(Decoded {
            c: shown,
            from: i as u32,
            to: (i + c.len_utf8()) as u32,
        });
        i += c.len_utf8();
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(secret: &str) -> Vec<(String, String)> {
        vec![(secret.to_string(), "${SECRET}".to_string())]
    }

    #[test]
    fn every_form_a_server_could_echo_is_masked() {
        let s = one("K12 a/b+é");
        for echoed in [
            "K12 a/b+é",
            "K12 a\\/b+\\u00e9",
            "\\u004b12 a/b+é",
            "K12%20a%2Fb%2B%C3%A9",
            "K12%20a%2fb%2b%c3%a9",
            "K12+a%2Fb%2B%C3%A9",
        ] {
            let text = format!("before {echoed} after");
            assert_eq!(redact(&text, &s), "before ${SECRET} after", "{echoed}");
        }
    }

    #[test]
    fn a_short_secret_is_masked_as_a_word_only() {
        let s = one("7");
        assert_eq!(redact(r#"{"AuthToken":"7","n":1977}"#, &s), r#"{"AuthToken":"${SECRET}","n":1977}"#);
        assert_eq!(redact("7", &s), "${SECRET}");
    }

    #[test]
    fn overlapping_secrets_merge_and_the_rest_is_kept() {
        let s = vec![
            ("abcdefgh".to_string(), "${A}".to_string()),
            ("efghijkl".to_string(), "${B}".to_string()),
        ];
        assert_eq!(redact("x abcdefghijkl y", &s), "x ${A} y");
        assert_eq!(redact("nothing here", &s), "nothing here");
        assert_eq!(redact("", &s), "");
    }

    /// The ways a server could write a secret back: raw, JSON-escaped
    /// (every character as `\uXXXX`, or only some), percent-encoded in
    /// either case, with `+` for spaces, and inside a JSON document.
    fn encodings(secret: &str) -> Vec<String> {
        let json_all: String = secret.encode_utf16().map(|u| format!("\\u{u:04x}")).collect();
        let json_some: String = secret
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 && (c as u32) < 0x10000 {
                    format!("\\u{:04X}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect();
        let slashes = secret.replace('/', "\\/");
        let pct_upper = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
        let pct_lower = pct_upper
            .split('%')
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p.to_string()
                } else {
                    format!("%{}{}", p.get(..2).unwrap_or("").to_lowercase(), p.get(2..).unwrap_or(""))
                }
            })
            .collect::<String>();
        let plus = pct_upper.replace("%20", "+");
        let in_json = serde_json::to_string(&serde_json::json!({ "echo": secret })).unwrap();
        vec![
            secret.to_string(),
            json_all,
            json_some,
            slashes,
            pct_upper,
            pct_lower,
            plus,
            in_json,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

        /// Eight encodings and every clipping: no secret survives, and a
        /// clipped report (redacted first, then cut) never holds a piece of it.
        #[test]
        fn no_secret_survives_any_encoding(
            secret in "[A-Za-z0-9 /+%&=é😀._-]{8,24}",
            before in "[a-z {}\":,]{0,20}",
            after in "[a-z {}\":,]{0,20}",
            cut in 0usize..200,
        ) {
            prop_assume!(secret.chars().any(char::is_alphanumeric));
            let secrets = one(&secret);
            for echoed in encodings(&secret) {
                let text = format!("{before}{echoed}{after}");
                let shown = redact(&text, &secrets);
                prop_assert!(!shown.contains(&secret), "{text} -> {shown}");
                for e in encodings(&secret) {
                    prop_assert!(!shown.contains(&e), "{text} -> {shown} still holds {e}");
                }
                // Clipping after redaction leaves only the placeholder's pieces.
                let clipped: String = shown.chars().take(cut).collect();
                let head: String = secret.chars().take(SHORT).collect();
                prop_assert!(!clipped.contains(&head) || before.contains(&head) || after.contains(&head), "{clipped}");
            }
        }
    }
}
