//! Splices: byte-range replacements located from the one `roxmltree` tree, and the few
//! helpers that turn "remove this element", "set this attribute" into splices.
//!
//! The only lexing done here is of markup whose range the tree gave: the qualified name
//! right after `<` of a start tag (XML names cannot contain white space, `/` or `>`), the
//! white space before an attribute or element, and the names of `xmlns` declarations
//! in a start tag (roxmltree resolves them but does not list them per element). No value
//! is ever read this way; every value comes from the tree.

use crate::error::Error;
use roxmltree::Node;
use std::ops::Range;

/// Why a splice is made; decides what it does to signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A content edit: breaks any signature whose element it touches.
    Content,
    /// Adds namespace declarations that only repeat what was already in scope: invisible
    /// to canonicalization, so no signature is affected.
    Neutral,
    /// Removal of a signature asked for (`strip-signature`, or before re-signing).
    StripSignature,
}

/// One replacement of `range` (in the current text) by `text`.
#[derive(Debug, Clone)]
pub(super) struct Splice {
    pub range: Range<usize>,
    pub text: String,
    pub kind: Kind,
}

impl Splice {
    pub fn remove(range: Range<usize>, kind: Kind) -> Splice {
        Splice {
            range,
            text: String::new(),
            kind,
        }
    }

    pub fn insert(at: usize, text: String, kind: Kind) -> Splice {
        Splice {
            range: at..at,
            text,
            kind,
        }
    }

    /// Whether this splice changes bytes strictly inside `r` (an insertion exactly at
    /// either end of `r` is outside it).
    pub fn touches(&self, r: &Range<usize>) -> bool {
        if self.range.is_empty() {
            r.start < self.range.start && self.range.start < r.end
        } else {
            self.range.start < r.end && self.range.end > r.start
        }
    }

    /// Whether this splice deletes all of `r`.
    pub fn covers(&self, r: &Range<usize>) -> bool {
        !self.range.is_empty() && self.range.start <= r.start && r.end <= self.range.end
    }
}

/// Applies splices to `text`. Splices must not overlap (an internal error otherwise, never
/// a panic).
pub(super) fn apply(text: &str, mut splices: Vec<Splice>) -> Result<String, Error> {
    splices.sort_by_key(|s| (s.range.start, s.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    for s in &splices {
        if s.range.start < cursor || s.range.end > text.len() {
            return Err(Error::input(format!(
                "internal error: overlapping edits at byte {} (please report this)",
                s.range.start
            )));
        }
        let keep = text.get(cursor..s.range.start).ok_or_else(boundary)?;
        out.push_str(keep);
        out.push_str(&s.text);
        cursor = s.range.end;
    }
    out.push_str(text.get(cursor..).ok_or_else(boundary)?);
    Ok(out)
}

fn boundary() -> Error {
    Error::input(
        "internal error: an edit does not fall on a character boundary (please report this)",
    )
}

/// The qualified name of an element as written (`md:EntityDescriptor`).
pub(super) fn elem_qname<'t>(text: &'t str, n: Node<'_, '_>) -> &'t str {
    let start = n.range().start.saturating_add(1);
    let rest = text.get(start..).unwrap_or("");
    let len = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    rest.get(..len).unwrap_or("")
}

/// The prefix of an element as written (`Some("md")`, or `None` for the default namespace).
pub(super) fn elem_prefix<'t>(text: &'t str, n: Node<'_, '_>) -> Option<&'t str> {
    elem_qname(text, n).split_once(':').map(|(p, _)| p)
}

/// Byte offset right after the element's qualified name in its start tag.
pub(super) fn after_qname(text: &str, n: Node<'_, '_>) -> usize {
    n.range()
        .start
        .saturating_add(1)
        .saturating_add(elem_qname(text, n).len())
}

/// The white space to remove together with an element: the white-space-only text just
/// before it, from its last line break on (so blank lines further up survive), or all of
/// it when it has no line break. Nothing when the text before it is not all white space.
pub(super) fn lead_ws(text: &str, n: Node<'_, '_>) -> Range<usize> {
    let start = n.range().start;
    let Some(prev) = n.prev_sibling().filter(|p| p.is_text()) else {
        return start..start;
    };
    let pr = prev.range();
    let Some(ws) = text.get(pr.start..start) else {
        return start..start;
    };
    if !ws.chars().all(|c| c.is_ascii_whitespace()) || pr.end != start {
        return start..start;
    }
    let cut = match ws.rfind('\n') {
        Some(i) if i > 0 && ws.as_bytes().get(i - 1) == Some(&b'\r') => i - 1,
        Some(i) => i,
        None => 0,
    };
    pr.start.saturating_add(cut)..start
}

/// The indentation to repeat before a new sibling inserted after `n`: the white space
/// before `n` from its last line break on.
pub(super) fn indent_before(text: &str, n: Node<'_, '_>) -> String {
    let r = lead_ws(text, n);
    text.get(r).unwrap_or("").to_string()
}

/// The splice that removes an element with its leading white space.
pub(super) fn remove_element(text: &str, n: Node<'_, '_>, kind: Kind) -> Splice {
    let ws = lead_ws(text, n);
    Splice::remove(ws.start..n.range().end, kind)
}

/// The attribute of `n` with no namespace and this local name.
pub(super) fn plain_attr<'a, 'i>(
    n: Node<'a, 'i>,
    name: &str,
) -> Option<roxmltree::Attribute<'a, 'i>> {
    n.attributes()
        .find(|a| a.name() == name && a.namespace().is_none())
}

/// Replaces the value of an attribute (keeping its quotes). The value range roxmltree
/// reports is checked to sit between two matching quotes (it is computed from lengths that
/// roxmltree caps, so a pathological attribute could otherwise misplace it).
pub(super) fn set_attr_value(
    text: &str,
    a: &roxmltree::Attribute<'_, '_>,
    value: &str,
) -> Result<Splice, Error> {
    let r = a.range_value();
    let b = text.as_bytes();
    let open = r.start.checked_sub(1).and_then(|i| b.get(i));
    let close = b.get(r.end);
    let ok = matches!((open, close), (Some(o), Some(c)) if o == c && (*o == b'"' || *o == b'\''))
        && r.end.saturating_add(1) == a.range().end
        && r.start > a.range().start;
    if !ok {
        return Err(Error::input(format!(
            "cannot locate the value of attribute {} exactly; refusing to edit it",
            a.name()
        )));
    }
    Ok(Splice {
        range: r,
        text: escape(value),
        kind: Kind::Content,
    })
}

/// Removes an attribute with the white space before it.
pub(super) fn remove_attr(text: &str, a: &roxmltree::Attribute<'_, '_>) -> Splice {
    let r = a.range();
    let head = text.get(..r.start).unwrap_or("");
    let ws = head.len()
        - head
            .trim_end_matches(|c: char| c.is_ascii_whitespace())
            .len();
    Splice::remove(r.start.saturating_sub(ws)..r.end, Kind::Content)
}

/// Adds an attribute after the element's last attribute (or its name), double-quoted.
pub(super) fn add_attr(text: &str, n: Node<'_, '_>, name: &str, value: &str) -> Splice {
    let at = n
        .attributes()
        .map(|a| a.range().end)
        .max()
        .unwrap_or_else(|| after_qname(text, n));
    Splice::insert(at, format!(" {}", attr_text(name, value)), Kind::Content)
}

/// `name="escaped value"`, written by quick-xml.
pub(super) fn attr_text(name: &str, value: &str) -> String {
    let a = quick_xml::events::attributes::Attribute::from((name, value));
    format!("{}=\"{}\"", name, a.value)
}

/// Escapes a value for an attribute in either quote style.
pub(super) fn escape(value: &str) -> String {
    quick_xml::escape::escape(value).into_owned()
}

/// The names (prefixes; `None` for the default namespace) of the namespace declarations
/// written in an element's start tag. Attribute values are skipped by their quotes.
pub(super) fn declared_prefixes(text: &str, n: Node<'_, '_>) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let start = after_qname(text, n);
    let b = text.as_bytes();
    let mut i = start;
    let end = n.range().end;
    while i < end {
        let Some(&c) = b.get(i) else { break };
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'>' || c == b'/' {
            break;
        }
        // An attribute or declaration name up to '=' or white space.
        let name_start = i;
        while let Some(&c) = b.get(i) {
            if c == b'=' || c.is_ascii_whitespace() {
                break;
            }
            i += 1;
        }
        let name = text.get(name_start..i).unwrap_or("");
        if name == "xmlns" {
            out.push(None);
        } else if let Some(p) = name.strip_prefix("xmlns:") {
            out.push(Some(p.to_string()));
        }
        // Skip to the opening quote, then past the closing one.
        while let Some(&c) = b.get(i) {
            if c == b'"' || c == b'\'' {
                break;
            }
            i += 1;
        }
        let Some(&q) = b.get(i) else { break };
        i += 1;
        while let Some(&c) = b.get(i) {
            i += 1;
            if c == q {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::XmlDoc;
    use crate::Limits;

    #[test]
    fn qname_prefix_and_declarations() {
        let s = r#"<md:E xmlns:md="urn:x" a='x xmlns:no="y"' xmlns="urn:d" ><c/></md:E>"#;
        let doc = XmlDoc::parse(s, &Limits::default()).unwrap();
        let r = doc.root();
        assert_eq!(elem_qname(s, r), "md:E");
        assert_eq!(elem_prefix(s, r), Some("md"));
        assert_eq!(declared_prefixes(s, r), vec![Some("md".to_string()), None]);
    }

    #[test]
    fn removing_keeps_layout() {
        let s = "<a>\r\n\r\n  <b/>\r\n  <c/>\r\n</a>";
        let doc = XmlDoc::parse(s, &Limits::default()).unwrap();
        let b = doc.root().first_element_child().unwrap();
        let out = apply(s, vec![remove_element(s, b, Kind::Content)]).unwrap();
        assert_eq!(out, "<a>\r\n\r\n  <c/>\r\n</a>");
    }

    #[test]
    fn attribute_values_are_located_exactly_or_not_at_all() {
        for pad in [0usize, 3, 254, 255, 256, 300] {
            let sp = " ".repeat(pad);
            let s = format!("<a b{sp}={sp}'x&amp;y' c=\"z\"/>");
            let doc = XmlDoc::parse(&s, &Limits::default()).unwrap();
            let attr = doc.root().attributes().next().unwrap();
            match set_attr_value(&s, &attr, "new") {
                Ok(sp_) => {
                    let out = apply(&s, vec![sp_]).unwrap();
                    assert_eq!(out, format!("<a b{sp}={sp}'new' c=\"z\"/>"), "pad {pad}");
                }
                Err(e) => assert!(pad > 250, "pad {pad}: {e}"),
            }
        }
    }

    #[test]
    fn overlapping_splices_are_an_error() {
        let err = apply(
            "abcdef",
            vec![
                Splice::remove(1..4, Kind::Content),
                Splice::remove(2..5, Kind::Content),
            ],
        );
        assert!(err.is_err());
    }
}
