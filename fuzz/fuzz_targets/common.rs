//! Invariants shared by the targets (included with `#[path]`).

#![allow(dead_code)]

use samlcheck::Error;

/// Every error message is non-empty, starts lowercase (house style: lowercase, positioned),
/// and has no final period; positions are 1-based and, when `text_len` is known, inside it.
pub fn check_error(e: &Error, text_len: Option<usize>) {
    let msg = e.to_string();
    let first = msg.chars().next();
    assert!(first.is_some(), "empty error message: {e:?}");
    // Lowercase-first; an acronym may open the message (`UTF-16 input has ...`), a
    // capitalised word may not (`Invalid ...`).
    let word: String = msg.chars().take_while(|c| c.is_alphanumeric()).collect();
    let acronym = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    assert!(
        !first.is_some_and(char::is_uppercase) || acronym,
        "error message starts with a capitalised word: {msg:?}"
    );
    assert!(
        !msg.ends_with('.'),
        "error message ends with a period: {msg:?}"
    );
    if let Some(p) = e.pos() {
        assert!(
            p.line >= 1 && p.col >= 1,
            "position not 1-based: {p:?} in {msg:?}"
        );
        if let Some(len) = text_len {
            assert!(
                p.offset as usize <= len,
                "offset {} past text length {len}: {msg:?}",
                p.offset
            );
        }
    }
}

/// Whether the text has a `<!DOCTYPE` that is markup: outside comments, CDATA sections and
/// processing instructions. (Attribute values and character data cannot hold `<` in
/// well-formed XML, so any other occurrence is markup.)
pub fn has_doctype(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = b.get(i..).and_then(|s| s.iter().position(|&c| c == b'<')) {
        i += off;
        let rest = &b[i..];
        let skip_to = |open: &[u8], close: &[u8]| -> Option<usize> {
            if rest.starts_with(open) {
                let body = &rest[open.len()..];
                Some(
                    body.windows(close.len())
                        .position(|w| w == close)
                        .map_or(b.len(), |p| i + open.len() + p + close.len()),
                )
            } else {
                None
            }
        };
        if let Some(next) = skip_to(b"<!--", b"-->") {
            i = next;
        } else if let Some(next) = skip_to(b"<![CDATA[", b"]]>") {
            i = next;
        } else if let Some(next) = skip_to(b"<?", b"?>") {
            i = next;
        } else if rest.starts_with(b"<!DOCTYPE") {
            return true;
        } else {
            i += 1;
        }
    }
    false
}

/// Walks a JSON value and checks every `{line, col, offset}` position in it.
pub fn check_positions(v: &serde_json::Value, text_len: usize) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(line), Some(col), Some(off)) = (
                m.get("line").and_then(|x| x.as_u64()),
                m.get("col").and_then(|x| x.as_u64()),
                m.get("offset").and_then(|x| x.as_u64()),
            ) {
                assert!(line >= 1 && col >= 1, "position not 1-based: {v}");
                assert!(
                    off as usize <= text_len,
                    "offset {off} past text length {text_len}"
                );
            }
            for x in m.values() {
                check_positions(x, text_len);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                check_positions(x, text_len);
            }
        }
        _ => {}
    }
}

/// Element ranges lie inside the text and on character boundaries.
pub fn check_place(p: &samlcheck::model::Place, text: &str) {
    assert!(
        p.range.start <= p.range.end && text.get(p.range.clone()).is_some(),
        "range {:?} not inside text of {} bytes ({})",
        p.range,
        text.len(),
        p.path
    );
    assert!(
        p.pos.offset as usize == p.range.start,
        "pos {:?} vs range {:?}",
        p.pos,
        p.range
    );
}
