//! The byte reader behind [`super::Endpoint::read_bytes`]: a JSON
//! `Deserializer` that feeds the same visitors as serde_json does, built for
//! what requests are (objects of short strings, ASCII names, few escapes).
//!
//! It is a fast path, not a second JSON parser: whatever it does not handle
//! itself (an escape in a string, a number that is not a short integer, deep
//! nesting, any syntax error) it gives up on ([`Unsure`]) and
//! `read_bytes` reads the same bytes with serde_json from the start. So its
//! verdicts are serde_json's by construction where it defers, and where it
//! does not, a property test holds it to them (`read::tests`).
//!
//! What makes it fast: strings are found sixteen bytes at a time (SSE2 on
//! x86_64) and borrowed from the input, an all-ASCII string needs no UTF-8
//! check, short integers are read in place.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The scanner declines this input; serde_json reads it instead.
#[derive(Debug)]
pub(super) struct Unsure;

impl fmt::Display for Unsure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Unsure {}

impl de::Error for Unsure {
    fn custom<T: fmt::Display>(_: T) -> Unsure {
        Unsure
    }
}

/// serde_json refuses nesting deeper than 128; the scanner leaves anything
/// near that to it.
const MAX_DEPTH: u32 = 100;

pub(super) struct Scanner<'de> {
    bytes: &'de [u8],
    pos: usize,
    depth: u32,
}

impl<'de> Scanner<'de> {
    pub(super) fn new(bytes: &'de [u8]) -> Scanner<'de> {
        Scanner { bytes, pos: 0, depth: 0 }
    }

    /// Only whitespace may follow the value.
    pub(super) fn end(&mut self) -> Result<(), Unsure> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(Unsure),
        }
    }

    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `byte`, after whitespace.
    #[inline]
    fn expect(&mut self, byte: u8) -> Result<(), Unsure> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Unsure)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Unsure> {
        match self.bytes.get(self.pos..self.pos + word.len()) {
            Some(w) if w == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(Unsure),
        }
    }

    /// The string whose opening quote is at `pos`, borrowed from the input.
    #[inline(always)]
    fn string(&mut self) -> Result<&'de str, Unsure> {
        let start = self.pos + 1;
        let mut ascii = true;
        let at = find_special(self.bytes, start, &mut ascii);
        if self.bytes.get(at) != Some(&b'"') {
            // An escape, a control character or the end of the input:
            // serde_json decides.
            return Err(Unsure);
        }
        let raw = &self.bytes[start..at];
        self.pos = at + 1;
        if ascii {
            // SAFETY: every byte of `raw` is below 0x80 (`find_special`
            // cleared `ascii` otherwise), and ASCII is valid UTF-8.
            Ok(unsafe { std::str::from_utf8_unchecked(raw) })
        } else {
            std::str::from_utf8(raw).map_err(|_| Unsure)
        }
    }

    /// A number, visited as serde_json would: a non-negative integer that
    /// fits `u64` as `u64`, a negative one that fits `i64` as `i64`, anything
    /// else as `f64`.
    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Unsure> {
        let start = self.pos;
        let mut end = start;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.bytes.get(end) {
            end += 1;
        }
        let text = &self.bytes[start..end];
        self.pos = end;
        let (negative, digits) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        // Up to 18 digits always fit; "0" alone is the only leading zero, and
        // "-0" is serde_json's -0.0: left to it.
        let short = !digits.is_empty()
            && digits.len() <= 18
            && digits.iter().all(u8::is_ascii_digit)
            && (digits[0] != b'0' || (digits.len() == 1 && !negative));
        if !short {
            return other_number(text, visitor);
        }
        let n = digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        if negative {
            visitor.visit_i64(-(n as i64))
        } else {
            visitor.visit_u64(n)
        }
    }

    /// Between an object's members or an array's items: consumes the
    /// closing `close` (false) or the separating comma after the first
    /// entry (true); a comma before `close` is not JSON.
    fn next_entry(&mut self, close: u8, first: &mut bool) -> Result<bool, Unsure> {
        let next = self.peek().ok_or(Unsure)?;
        if next == close {
            self.pos += 1;
            return Ok(false);
        }
        if !std::mem::replace(first, false) {
            if next != b',' {
                return Err(Unsure);
            }
            self.pos += 1;
            if self.peek() == Some(close) {
                return Err(Unsure);
            }
        }
        Ok(true)
    }

    fn nest(&mut self) -> Result<(), Unsure> {
        self.depth += 1;
        self.pos += 1;
        if self.depth > MAX_DEPTH { Err(Unsure) } else { Ok(()) }
    }
}

/// A number the fast path does not read: serde_json's own number parser.
fn other_number<'de, V: Visitor<'de>>(text: &[u8], visitor: V) -> Result<V::Value, Unsure> {
    let text = std::str::from_utf8(text).map_err(|_| Unsure)?;
    let n: serde_json::Number = text.parse().map_err(|_| Unsure)?;
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().ok_or(Unsure)?)
    }
}

/// The index of the first `"`, `\` or control character at or after `at`
/// (the input's length if none); clears `ascii` when it passes a byte of
/// 0x80 or above.
#[inline]
fn find_special(bytes: &[u8], mut at: usize, ascii: &mut bool) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        at = find_special_sse2(bytes, at, ascii);
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        if b >= 0x80 {
            *ascii = false;
        }
        at += 1;
    }
    at
}

/// The bytes of `chunk` that end a string's plain run (`"`, `\\`, control
/// characters), as 0xff lanes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn special(chunk: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline; no memory is read.
    unsafe {
        let below_space = _mm_set1_epi8(0x1f);
        // A byte is at most 0x1f when max(byte, 0x1f) is 0x1f (unsigned).
        let control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, below_space), below_space);
        let quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\\' as i8));
        _mm_or_si128(_mm_or_si128(quote, backslash), control)
    }
}

/// [`find_special`] sixteen bytes at a time; returns where the byte loop
/// takes over (the special byte, or fewer than 16 bytes before the end).
#[cfg(target_arch = "x86_64")]
#[inline]
fn find_special_sse2(bytes: &[u8], mut at: usize, ascii: &mut bool) -> usize {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are
    // always available; every load reads 16 bytes inside the slice (below
    // `at + 64` or `at + 16`, each at most `bytes.len()`) and has no
    // alignment requirement.
    unsafe {
        // The high bits of every byte passed so far.
        let mut passed = _mm_setzero_si128();
        // Where the special byte is, if the 16 bytes at `at` hold one.
        let mut step = |at: usize, passed: &mut __m128i| {
            let chunk = _mm_loadu_si128(bytes.as_ptr().add(at).cast::<__m128i>());
            let mask = _mm_movemask_epi8(special(chunk)) as u32;
            if mask != 0 {
                let offset = mask.trailing_zeros();
                // Only the bytes before the special one belong to the string.
                let high_before = (_mm_movemask_epi8(chunk) as u32) & ((1 << offset) - 1);
                if high_before != 0 || _mm_movemask_epi8(*passed) != 0 {
                    *ascii = false;
                }
                return Some(at + offset as usize);
            }
            *passed = _mm_or_si128(*passed, chunk);
            None
        };
        // Long text (a 32 KB note) goes on 64 bytes a step after its first
        // 64 bytes, in a function of its own so short strings do not pay for
        // it; the step that holds the end goes on 16 bytes at a time below.
        let long_from = at + 64;
        while at + 16 <= bytes.len() && at < long_from {
            if let Some(found) = step(at, &mut passed) {
                return found;
            }
            at += 16;
        }
        at = skip_plain_64(bytes, at, &mut passed);
        while at + 16 <= bytes.len() {
            if let Some(found) = step(at, &mut passed) {
                return found;
            }
            at += 16;
        }
        if _mm_movemask_epi8(passed) != 0 {
            *ascii = false;
        }
    }
    at
}

/// From `at`, the start of the first 64-byte step that holds a special
/// byte (or is cut by the end of the input), with the high bits of the
/// bytes skipped added to `passed`.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn skip_plain_64(bytes: &[u8], mut at: usize, passed: &mut std::arch::x86_64::__m128i) -> usize {
    use std::arch::x86_64::*;
    // SAFETY: as in `find_special_sse2`; every load is below `at + 64 <=
    // bytes.len()`.
    unsafe {
        while at + 64 <= bytes.len() {
            let p = bytes.as_ptr().add(at).cast::<__m128i>();
            let (a, b, c, d) = (
                _mm_loadu_si128(p),
                _mm_loadu_si128(p.add(1)),
                _mm_loadu_si128(p.add(2)),
                _mm_loadu_si128(p.add(3)),
            );
            let any = _mm_or_si128(_mm_or_si128(special(a), special(b)), _mm_or_si128(special(c), special(d)));
            if _mm_movemask_epi8(any) != 0 {
                break;
            }
            *passed = _mm_or_si128(*passed, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
            at += 64;
        }
    }
    at
}

impl<'de> de::Deserializer<'de> for &mut Scanner<'de> {
    type Error = Unsure;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.peek().ok_or(Unsure)? {
            b'"' => {
                let s = self.string()?;
                visitor.visit_borrowed_str(s)
            }
            b'{' => {
                self.nest()?;
                let value = visitor.visit_map(Members { sc: self, first: true })?;
                self.depth -= 1;
                Ok(value)
            }
            b'[' => {
                self.nest()?;
                let value = visitor.visit_seq(Items { sc: self, first: true })?;
                self.depth -= 1;
                Ok(value)
            }
            b't' => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            b'-' | b'0'..=b'9' => self.number(visitor),
            _ => Err(Unsure),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// An object's members; the closing brace is consumed with the last one.
struct Members<'a, 'de> {
    sc: &'a mut Scanner<'de>,
    first: bool,
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Unsure> {
        if !self.sc.next_entry(b'}', &mut self.first)? {
            return Ok(None);
        }
        if self.sc.peek() != Some(b'"') {
            return Err(Unsure);
        }
        let name = self.sc.string()?;
        let key = seed.deserialize(BorrowedStrDeserializer::new(name))?;
        self.sc.expect(b':')?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Unsure> {
        seed.deserialize(&mut *self.sc)
    }
}

/// An array's items; the closing bracket is consumed with the last one.
struct Items<'a, 'de> {
    sc: &'a mut Scanner<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Unsure> {
        if !self.sc.next_entry(b']', &mut self.first)? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.sc).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::find_special;

    /// The vector search and the byte loop agree on where a string ends and
    /// whether it was ASCII, wherever the special byte falls in a chunk.
    #[test]
    fn find_special_agrees_with_a_byte_loop() {
        let fillers: [&[u8]; 3] = [b"a", "é".as_bytes(), "日".as_bytes()];
        for len in 0..200 {
            for filler in fillers {
                for special in [&b"\""[..], b"\\", b"\n", b"\x1f", b""] {
                    let mut text: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
                    text.extend_from_slice(special);
                    text.extend_from_slice("ü tail \" more".as_bytes());
                    let mut ascii = true;
                    let found = find_special(&text, 0, &mut ascii);
                    let expected = text.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(text.len());
                    assert_eq!(found, expected, "len {len} filler {filler:?} special {special:?}");
                    assert_eq!(
                        ascii,
                        text[..expected].is_ascii(),
                        "len {len} filler {filler:?} special {special:?}"
                    );
                }
            }
        }
    }
}
