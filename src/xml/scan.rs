//! A rejecting pre-scan over the decoded text, run before the tree is built.
//!
//! It only says "no": it finds document type declarations, nesting deeper than the limit
//! and oversized attribute values or text runs, so that `roxmltree` never sees them. It
//! extracts no value that could reach a verdict (the one reader of the document is
//! `roxmltree`).

use crate::error::Error;
use crate::limits::Limits;
use crate::xml::LineIndex;
use std::collections::HashMap;

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
/// no serialization of it parses again. `name_at` is the offset of the attribute name.
fn undeclared_prefix(text: &str, name: &[u8], name_at: usize) -> Error {
    Error::Xml {
        what: format!(
            "namespace prefix `{}` declared with an empty URI (undeclaring a prefix is not allowed in XML 1.0)",
            String::from_utf8_lossy(name.get(6..).unwrap_or(&[]))
        )
        .into(),
        pos: LineIndex::new(text).pos(text, name_at),
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Offset of the first byte at or after `i` for which `stop` holds (or the end).
fn until(b: &[u8], mut i: usize, stop: impl Fn(u8) -> bool) -> usize {
    while b.get(i).is_some_and(|c| !stop(*c)) {
        i += 1;
    }
    i
}

/// What the walk of one start tag found.
struct Tag {
    /// Offset just past the tag (past `>`, or at a `<` or the end when malformed).
    end: usize,
    self_closing: bool,
}

/// Walks one start tag from its `<` at `start`, forward only: every byte is looked at once
/// (names and white space byte by byte, values by `memchr`). Counts attributes and
/// namespace declarations against their limits. A malformed tag ends the walk early;
/// roxmltree then says where it is wrong.
fn start_tag<'t>(
    text: &'t str,
    start: usize,
    limits: &Limits,
    prefixes: &mut Vec<&'t [u8]>,
) -> Result<Tag, Error> {
    let b = text.as_bytes();
    let lines = || LineIndex::new(text);
    let name_stop = |c: u8| is_ws(c) || matches!(c, b'=' | b'>' | b'/' | b'<' | b'"' | b'\'');
    let mut i = until(b, start + 1, name_stop);
    let mut attributes: u32 = 0;
    let mut namespaces: u32 = 0;
    loop {
        i = until(b, i, |c| !is_ws(c));
        match b.get(i).copied() {
            None | Some(b'<') => {
                return Ok(Tag {
                    end: i,
                    self_closing: false,
                })
            }
            Some(b'>') => {
                return Ok(Tag {
                    end: i + 1,
                    self_closing: false,
                })
            }
            Some(b'/') if b.get(i + 1) == Some(&b'>') => {
                return Ok(Tag {
                    end: i + 2,
                    self_closing: true,
                })
            }
            Some(b'/') => {
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        // An attribute: name, optional white space, '=', optional white space, value.
        let name_at = i;
        i = until(b, i, name_stop);
        let name = b.get(name_at..i).unwrap_or(&[]);
        let is_ns = name == b"xmlns" || name.starts_with(b"xmlns:");
        if is_ns {
            prefixes.push(name.get(6..).unwrap_or(&[]));
            namespaces = namespaces.saturating_add(1);
            if namespaces > limits.max_namespaces_per_element {
                return Err(Error::LimitExceeded {
                    what: "namespace declarations on one element",
                    limit: u64::from(limits.max_namespaces_per_element),
                    pos: lines().pos(text, name_at),
                });
            }
        } else {
            attributes = attributes.saturating_add(1);
            if attributes > limits.max_attributes_per_element {
                return Err(Error::LimitExceeded {
                    what: "attributes on one element",
                    limit: u64::from(limits.max_attributes_per_element),
                    pos: lines().pos(text, name_at),
                });
            }
        }
        i = until(b, i, |c| !is_ws(c));
        if b.get(i) == Some(&b'=') {
            i = until(b, i + 1, |c| !is_ws(c));
        }
        let Some(q @ (b'"' | b'\'')) = b.get(i).copied() else {
            // No value where one must be: malformed, or a lone name character; step on.
            if i == name_at {
                i += 1;
            }
            continue;
        };
        let vstart = i + 1;
        let vend =
            memchr::memchr(q, b.get(vstart..).unwrap_or(&[])).map_or(b.len(), |p| vstart + p);
        if (vend - vstart) as u64 > limits.max_attribute_len {
            return Err(Error::LimitExceeded {
                what: "attribute value length",
                limit: limits.max_attribute_len,
                pos: lines().pos(text, vstart),
            });
        }
        if vend == vstart && name.starts_with(b"xmlns:") {
            return Err(undeclared_prefix(text, name, name_at));
        }
        i = vend + 1;
    }
}

/// Scans `text` and returns the first limit, DTD or reserved-name problem found.
pub(crate) fn prescan(text: &str, limits: &Limits) -> Result<(), Error> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut depth: u32 = 0;
    // Namespace prefixes in scope, as roxmltree keeps them (a re-declared prefix replaces
    // the inherited one): `log` holds the prefixes declared on the open elements, `marks`
    // where each open element's start in `log`, `bound` how many times each is declared.
    let mut log: Vec<&[u8]> = Vec::new();
    let mut marks: Vec<usize> = Vec::new();
    let mut bound: HashMap<&[u8], u32> = HashMap::new();
    let mut in_scope: u32 = 0;
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
            if let Some(mark) = marks.pop() {
                unbind(&mut log, mark, &mut bound, &mut in_scope);
            }
            i = memchr::memchr(b'>', b.get(i..).unwrap_or(&[])).map_or(b.len(), |p| i + p + 1);
        } else {
            // A start tag.
            let start = i;
            let mark = log.len();
            let tag = start_tag(text, start, limits, &mut log)?;
            i = tag.end.max(i + 1);
            for p in log.get(mark..).unwrap_or(&[]) {
                let c = bound.entry(p).or_insert(0);
                if *c == 0 {
                    in_scope = in_scope.saturating_add(1);
                }
                *c = c.saturating_add(1);
            }
            if in_scope > limits.max_namespaces_in_scope {
                return Err(Error::LimitExceeded {
                    what: "namespace declarations in scope",
                    limit: u64::from(limits.max_namespaces_in_scope),
                    pos: lines().pos(text, start),
                });
            }
            if tag.self_closing {
                unbind(&mut log, mark, &mut bound, &mut in_scope);
            } else {
                depth = depth.saturating_add(1);
                if depth > limits.max_depth {
                    return Err(Error::LimitExceeded {
                        what: "element nesting depth",
                        limit: u64::from(limits.max_depth),
                        pos: lines().pos(text, start),
                    });
                }
                marks.push(mark);
            }
        }
    }
    Ok(())
}

/// Forgets the declarations of an element that ends (those in `log` from `mark`).
fn unbind(log: &mut Vec<&[u8]>, mark: usize, bound: &mut HashMap<&[u8], u32>, in_scope: &mut u32) {
    for p in log.drain(mark..) {
        if let Some(c) = bound.get_mut(p) {
            *c = c.saturating_sub(1);
            if *c == 0 {
                *in_scope = in_scope.saturating_sub(1);
            }
        }
    }
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

    #[test]
    fn attribute_and_namespace_counts() {
        let limits = Limits {
            max_attributes_per_element: 2,
            max_namespaces_per_element: 2,
            max_namespaces_in_scope: 3,
            ..Limits::default()
        };
        let ok = [
            "<a x='1' y = \"2\" xmlns='u' xmlns:p='v'/>",
            "<a xmlns:p='u' xmlns:q='u'><b xmlns:r='u'/><c xmlns:r='u'/></a>",
            "<a xmlns:p='u' xmlns:q='u'><b xmlns:r='u'/></a><z xmlns:a='u' xmlns:b='u'/>",
        ];
        for s in ok {
            assert!(prescan(s, &limits).is_ok(), "{s}");
        }
        for (s, what, col) in [
            ("<a x='1' y='2' z='3'/>", "attributes on one element", 16),
            (
                "<a xmlns='u' xmlns:p='v' xmlns:q='w'/>",
                "namespace declarations on one element",
                26,
            ),
            (
                "<a xmlns:p='u' xmlns:q='u'><b><c xmlns:r='u' xmlns:s='u'/></b></a>",
                "namespace declarations in scope",
                31,
            ),
        ] {
            let e = prescan(s, &limits).unwrap_err();
            assert!(
                matches!(e, Error::LimitExceeded { what: w, .. } if w == what),
                "{s}: {e}"
            );
            assert_eq!(e.pos().unwrap().col, col, "{s}: {e}");
        }
    }

    #[test]
    fn malformed_attribute_runs_end_in_linear_time() {
        // `=""` repeated after one name used to be walked back to the name for every empty
        // value; now the walk is forward only and stops at the attribute limit.
        let s = format!("<a b{}/>", "=\"\"".repeat(100_000));
        let e = prescan(&s, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("attributes on one element"), "{e}");
        let s = format!("<a xmlns:b{}/>", "=\"\"".repeat(100_000));
        assert!(prescan(&s, &Limits::default()).is_err());
    }
}
