//! Reference resolution: `URI=""` and `URI="#ID"` only, with wrapping guards.
//!
//! An ID is any attribute without a namespace named `ID`, `Id` or `id`, or `xml:id`. The
//! value a reference names must occur exactly once in the whole document, whatever the
//! attribute: two elements claiming one ID is how signature wrapping hides a copy.

use crate::xml::ns;
use roxmltree::Node;
use std::collections::HashMap;

/// Every ID value of a document with the elements that carry it.
pub(crate) struct IdIndex<'a> {
    map: HashMap<&'a str, Vec<Node<'a, 'a>>>,
}

fn is_id_attr(a: &roxmltree::Attribute<'_, '_>) -> bool {
    match a.namespace() {
        None => matches!(a.name(), "ID" | "Id" | "id"),
        Some(n) => n == ns::XML && a.name() == "id",
    }
}

impl<'a> IdIndex<'a> {
    /// One pass over the document: the ID index, and every element `keep` selects (the
    /// `ds:Signature` elements, for the verifier).
    pub(crate) fn scan(
        doc: &'a roxmltree::Document<'a>,
        keep: impl Fn(Node<'a, 'a>) -> bool,
    ) -> (IdIndex<'a>, Vec<Node<'a, 'a>>) {
        let mut map: HashMap<&'a str, Vec<Node<'a, 'a>>> = HashMap::new();
        let mut kept = Vec::new();
        for n in doc.descendants().filter(|n| n.is_element()) {
            for a in n.attributes().filter(is_id_attr) {
                let v = map.entry(a.value()).or_default();
                if !v.contains(&n) {
                    v.push(n);
                }
            }
            if keep(n) {
                kept.push(n);
            }
        }
        (IdIndex { map }, kept)
    }

    #[cfg(test)]
    pub(crate) fn build(doc: &'a roxmltree::Document<'a>) -> IdIndex<'a> {
        IdIndex::scan(doc, |_| false).0
    }

    fn get(&self, id: &str) -> &[Node<'a, 'a>] {
        self.map.get(id).map_or(&[], |v| v.as_slice())
    }
}

/// What a reference URI names.
#[derive(Debug)]
pub(crate) enum Target<'a> {
    /// The whole document (`URI=""`): its root element.
    Document(Node<'a, 'a>),
    /// The one element with this ID.
    Element(Node<'a, 'a>),
}

/// Why a reference URI cannot be used.
#[derive(Debug)]
pub(crate) enum UriProblem {
    /// Not `""` or `#` + a bare name (XPointer, external, other document).
    Unsupported,
    /// No element has this ID.
    NotFound,
    /// More than one element has this ID.
    Duplicate(usize),
}

pub(crate) fn resolve<'a>(
    doc: &'a roxmltree::Document<'a>,
    ids: &IdIndex<'a>,
    uri: &str,
) -> Result<Target<'a>, UriProblem> {
    if uri.is_empty() {
        return Ok(Target::Document(doc.root_element()));
    }
    let id = uri.strip_prefix('#').ok_or(UriProblem::Unsupported)?;
    if id.is_empty()
        || id.starts_with("xpointer(")
        || id
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '(' | ')' | '/' | '#' | '\'' | '"'))
    {
        return Err(UriProblem::Unsupported);
    }
    match ids.get(id) {
        [] => Err(UriProblem::NotFound),
        [one] => Ok(Target::Element(*one)),
        many => Err(UriProblem::Duplicate(many.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_unique_ids_only() {
        let doc = roxmltree::Document::parse(
            r#"<r ID="a"><x Id="b"/><y id="c"/><z ID="d"/><w xml:id="d"/></r>"#,
        )
        .unwrap();
        let ids = IdIndex::build(&doc);
        assert!(matches!(resolve(&doc, &ids, ""), Ok(Target::Document(_))));
        assert!(matches!(resolve(&doc, &ids, "#a"), Ok(Target::Element(_))));
        assert!(matches!(resolve(&doc, &ids, "#b"), Ok(Target::Element(_))));
        assert!(matches!(resolve(&doc, &ids, "#c"), Ok(Target::Element(_))));
        assert!(matches!(
            resolve(&doc, &ids, "#d"),
            Err(UriProblem::Duplicate(2))
        ));
        assert!(matches!(
            resolve(&doc, &ids, "#q"),
            Err(UriProblem::NotFound)
        ));
        assert!(matches!(
            resolve(&doc, &ids, "#xpointer(/)"),
            Err(UriProblem::Unsupported)
        ));
        assert!(matches!(
            resolve(&doc, &ids, "a"),
            Err(UriProblem::Unsupported)
        ));
    }
}
