//! A rejecting pre-scan over the decoded text, run before the tree is built.
//!
//! It only says "no": it finds document type declarations, nesting deeper than the limit
//! and oversized attribute values or text runs, so that `roxmltree` never sees them. It
//! extracts no value that could reach a verdict (the one reader of the document is
//! `roxmltree`).

use crate::error::Error;
use crate::limits::Limits;
use crate::xml::LineIndex;

/// A processing instruction target may not be `xml` in any case (XML 1.0 section 2.6):
/// only the XML declaration, at the very start and followed by a space, has that name.
/// roxmltree reads `<?xml%...?>` as a PI named `xml`; refusing it here keeps every accepted
/// document re-serializable (its canonical form parses again).
fn reserved_pi_target(text: &str, at: usize) -> Result<(), Error> {
    let b = text.as_bytes();
    let name_start = at + 2;
    let name_len: usize = text
        .get(name_start..)
        .unwrap_or("")
        .chars()
        .take_while(|&c| is_name_char(c))
        .map(char::len_utf8)
        .sum();
    let end = name_start + name_len;
    let name = b.get(name_start..end).unwrap_or(&[]);
    if !name.eq_ignore_ascii_case(b"xml") {
        return Ok(());
    }
    // roxmltree reads a declaration only from `<?xml ` with a space; after a tab or a line
    // break it reads a PI named `xml` (and takes any text as its content). XML 1.0 allows
    // any white space there, but such a document cannot be read faithfully, so it is
    // refused with the reason.
    let declaration = matches!(text.get(..at), Some("" | "\u{feff}"))
        && name == b"xml"
        && b.get(end) == Some(&b' ');
    if declaration {
        return Ok(());
    }
    Err(Error::Xml {
        what: "processing instruction target `xml` is reserved: an XML declaration must open the document as `<?xml ` followed by a space".into(),
        pos: LineIndex::new(text).pos(text, at),
    })
}

/// `NameChar` of XML 1.0 (fifth edition) section 2.3. A character outside it ends a name:
/// `<?xml\u{A0}version="1.0"?>` is a PI named `xml` (U+00A0 is neither white space nor a
/// name character), not one named `xml\u{A0}version`.
fn is_name_char(c: char) -> bool {
    matches!(c,
        'a'..='z' | 'A'..='Z' | '0'..='9' | ':' | '_' | '-' | '.' | '\u{B7}'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{203F}'..='\u{2040}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// `xmlns:p=""` undeclares a prefix, which Namespaces in XML 1.0 forbids (constraint "No
/// Prefix Undeclaring"); roxmltree accepts it, and then `p:x` below it has no namespace and
/// no serialization of it parses again. `quote` is the offset of the empty value's opening
/// quote.
fn undeclared_prefix(text: &str, quote: usize) -> Result<(), Error> {
    let b = text.as_bytes();
    let mut j = quote;
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    while j > 0 && b.get(j - 1).copied().is_some_and(ws) {
        j -= 1;
    }
    if j == 0 || b.get(j - 1) != Some(&b'=') {
        return Ok(());
    }
    j -= 1;
    while j > 0 && b.get(j - 1).copied().is_some_and(ws) {
        j -= 1;
    }
    let end = j;
    while j > 0 && !b.get(j - 1).copied().is_some_and(|c| ws(c) || c == b'<') {
        j -= 1;
    }
    let name = b.get(j..end).unwrap_or(&[]);
    if name.starts_with(b"xmlns:") {
        return Err(Error::Xml {
            what: format!(
                "namespace prefix `{}` declared with an empty URI (undeclaring a prefix is not allowed in XML 1.0)",
                String::from_utf8_lossy(name.get(6..).unwrap_or(&[]))
            )
            .into(),
            pos: LineIndex::new(text).pos(text, j),
        });
    }
    Ok(())
}

/// Scans `text` and returns the first limit, DTD or reserved-name problem found.
pub(crate) fn prescan(text: &str, limits: &Limits) -> Result<(), Error> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut depth: u32 = 0;
    let lines = || LineIndex::new(text);
    while i < b.len() {
        // Character data up to the next '<'.
        let next = memchr::memchr(b'<', b.get(i..).unwrap_or(&[])).map_or(b.len(), |p| i + p);
        if (next - i) as u64 > limits.max_text_len {
            return Err(Error::LimitExceeded {
                what: "character data length",
                limit: limits.max_text_len,
                pos: lines().pos(text, i),
            });
        }
        i = next;
        if i >= b.len() {
            break;
        }
        let rest = b.get(i..).unwrap_or(&[]);
        if rest.starts_with(b"<!--") {
            i = skip_past(b, i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            let end = skip_past(b, i + 9, b"]]>");
            if (end - i) as u64 > limits.max_text_len {
                return Err(Error::LimitExceeded {
                    what: "CDATA section length",
                    limit: limits.max_text_len,
                    pos: lines().pos(text, i),
                });
            }
            i = end;
        } else if rest.starts_with(b"<?") {
            reserved_pi_target(text, i)?;
            i = skip_past(b, i + 2, b"?>");
        } else if rest.len() >= 9
            && rest
                .get(..9)
                .is_some_and(|s| s.eq_ignore_ascii_case(b"<!DOCTYPE"))
        {
            return Err(Error::Dtd {
                pos: lines().pos(text, i),
            });
        } else if rest.starts_with(b"<!") {
            // Not well-formed outside a DTD; roxmltree reports it precisely.
            i += 2;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = memchr::memchr(b'>', b.get(i..).unwrap_or(&[])).map_or(b.len(), |p| i + p + 1);
        } else {
            // A start tag: walk attributes, honouring quotes, to its end.
            let start = i;
            i += 1;
            let mut self_closing = false;
            while i < b.len() {
                match b.get(i).copied() {
                    Some(q @ (b'"' | b'\'')) => {
                        let vstart = i + 1;
                        let vend = memchr::memchr(q, b.get(vstart..).unwrap_or(&[]))
                            .map_or(b.len(), |p| vstart + p);
                        if (vend - vstart) as u64 > limits.max_attribute_len {
                            return Err(Error::LimitExceeded {
                                what: "attribute value length",
                                limit: limits.max_attribute_len,
                                pos: lines().pos(text, vstart),
                            });
                        }
                        if vend == vstart {
                            undeclared_prefix(text, i)?;
                        }
                        i = vend + 1;
                    }
                    Some(b'>') => {
                        self_closing = i > start + 1 && b.get(i - 1) == Some(&b'/');
                        i += 1;
                        break;
                    }
                    Some(b'<') => break, // malformed; roxmltree will say where
                    _ => {
                        // Jump to the next quote, '>' or '<' (names and spaces need no look).
                        let rest = b.get(i..).unwrap_or(&[]);
                        let next =
                            memchr::memchr3(b'"', b'\'', b'>', rest).map_or(b.len(), |p| i + p);
                        let lt = memchr::memchr(b'<', b.get(i..next).unwrap_or(&[])).map(|p| i + p);
                        i = lt.unwrap_or(next).max(i + 1);
                    }
                }
            }
            if !self_closing {
                depth = depth.saturating_add(1);
                if depth > limits.max_depth {
                    return Err(Error::LimitExceeded {
                        what: "element nesting depth",
                        limit: u64::from(limits.max_depth),
                        pos: lines().pos(text, start),
                    });
                }
            }
        }
    }
    Ok(())
}

fn skip_past(b: &[u8], from: usize, pat: &[u8]) -> usize {
    memchr::memmem::find(b.get(from..).unwrap_or(&[]), pat)
        .map_or(b.len(), |p| from + p + pat.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_doctype_anywhere_before_root() {
        let e = prescan(
            "<?xml version='1.0'?>\n<!DOCTYPE x>\n<x/>",
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Dtd { .. }));
        assert_eq!(e.pos().unwrap().line, 2);
    }

    #[test]
    fn pi_target_xml_is_reserved() {
        let l = Limits::default();
        for bad in [
            "<?xml% version=\"1.0\"?><a/>",
            "<?xml?><a/>",
            "<a/><?xml version=\"1.0\"?>",
            "<a><?XmL x?></a>",
            "<?xml\u{a0}version=\"1.0\"?><a/>",
            "<a><?xml\u{2028}x?></a>",
            "<?xml\tversion=\"1.0\"?><a/>",
            "<?xml\r-<?pi x?><a/>",
            "<?xml\nversion=\"1.0\"?><a/>",
        ] {
            let e = prescan(bad, &l).unwrap_err();
            assert!(
                e.to_string().contains("target `xml` is reserved"),
                "{bad}: {e}"
            );
        }
        for good in [
            "<?xml version=\"1.0\"?><a/>",
            "\u{feff}<?xml version=\"1.0\"?><a/>",
            "<?xml-stylesheet href=\"x\"?><a/>",
            "<a><?xmlfoo x?></a>",
            "<a><?xml\u{b7}x?></a>",
            "<a><?xml\u{e9}t\u{e9} x?></a>",
        ] {
            assert!(prescan(good, &l).is_ok(), "{good}");
        }
    }

    #[test]
    fn empty_prefixed_namespace_declaration_is_refused() {
        let l = Limits::default();
        for bad in [
            "<a xmlns:p=\"\"/>",
            "<a><b x='1' xmlns:p = ''><p:c/></b></a>",
        ] {
            let e = prescan(bad, &l).unwrap_err();
            assert!(
                e.to_string()
                    .contains("prefix `p` declared with an empty URI"),
                "{bad}: {e}"
            );
        }
        for good in [
            "<a xmlns=\"\"/>",
            "<a b=\"\" c:d=''/>",
            "<a xmlns:p=\"urn:p\"/>",
        ] {
            assert!(prescan(good, &l).is_ok(), "{good}");
        }
    }

    #[test]
    fn depth_limit() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(prescan("<a><b><c/></b></a>", &limits).is_ok());
        assert!(prescan("<a><b><c></c></b></a>", &limits).is_ok());
        let e = prescan("<a><b><c><d/></c></b></a>", &limits);
        assert!(e.is_ok(), "self-closing does not deepen");
        let e = prescan("<a><b><c><d></d></c></b></a>", &limits).unwrap_err();
        assert!(e.to_string().contains("nesting depth"), "{e}");
    }

    #[test]
    fn quotes_and_comments_hide_markup() {
        let limits = Limits {
            max_depth: 1,
            ..Limits::default()
        };
        assert!(prescan(
            "<a x='<b>' y=\"/>\"><!-- <c> --><![CDATA[<d>]]></a>",
            &limits
        )
        .is_ok());
    }

    #[test]
    fn attribute_and_text_limits() {
        let limits = Limits {
            max_attribute_len: 4,
            max_text_len: 4,
            ..Limits::default()
        };
        assert!(prescan("<a x='12345'/>", &limits).is_err());
        assert!(prescan("<a>12345</a>", &limits).is_err());
        assert!(prescan("<a x='1234'>1234</a>", &limits).is_ok());
    }
}
