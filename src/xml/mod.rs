//! The one hardened reader of untrusted XML.
//!
//! Bytes are decoded once ([`decode`]), pre-scanned for DTDs and limits, then parsed by
//! `roxmltree` with DTDs off and a node limit. Every verdict in the crate (model values,
//! canonical bytes, findings, diffs, rewrite positions) comes from the tree built here.

mod decode;
pub mod ns;
mod scan;

pub use decode::{decode, Decoded, Encoding, SourceInfo};

use crate::error::{lower_first, Error, Pos};
use crate::limits::Limits;

/// A parsed XML document: the `roxmltree` tree over decoded text, with positions.
pub struct XmlDoc<'a> {
    text: &'a str,
    tree: roxmltree::Document<'a>,
    lines: LineIndex,
}

impl std::fmt::Debug for XmlDoc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlDoc")
            .field("len", &self.text.len())
            .finish()
    }
}

impl<'a> XmlDoc<'a> {
    /// Parses decoded text with the given limits.
    pub fn parse(text: &'a str, limits: &Limits) -> Result<XmlDoc<'a>, Error> {
        if text.len() as u64 > limits.max_bytes {
            return Err(Error::LimitExceeded {
                what: "input size in bytes",
                limit: limits.max_bytes,
                pos: Pos::new(1, 1, 0),
            });
        }
        if text.trim().is_empty() {
            return Err(Error::Xml {
                what: "empty document: no XML root element".into(),
                pos: Pos::new(1, 1, 0),
            });
        }
        scan::prescan(text, limits)?;
        let opts = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: limits.max_nodes,
            ..roxmltree::ParsingOptions::default()
        };
        let lines = LineIndex::new(text);
        let tree = roxmltree::Document::parse_with_options(text, opts)
            .map_err(|e| xml_error(text, &lines, &e, limits))?;
        Ok(XmlDoc { text, tree, lines })
    }

    /// The `roxmltree` document.
    pub fn tree(&self) -> &roxmltree::Document<'a> {
        &self.tree
    }

    /// The root element.
    pub fn root(&self) -> roxmltree::Node<'_, 'a> {
        self.tree.root_element()
    }

    /// The decoded text the tree was built from.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Line and column of a byte offset into [`XmlDoc::text`].
    pub fn pos(&self, offset: usize) -> Pos {
        self.lines.pos(self.text, offset)
    }

    /// Position of a node's start.
    pub fn node_pos(&self, node: roxmltree::Node<'_, '_>) -> Pos {
        self.pos(node.range().start)
    }
}

/// Start offsets of lines, for turning byte offsets into `line:col` quickly.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|p| p + 1));
        LineIndex { starts }
    }

    pub(crate) fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = text
            .get(start..offset)
            .map_or(offset.saturating_sub(start), |s| s.chars().count());
        Pos::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col.saturating_add(1)).unwrap_or(u32::MAX),
            offset as u64,
        )
    }

    /// Byte offset of a 1-based line and character column.
    fn offset(&self, text: &str, line: u32, col: u32) -> usize {
        let start = self
            .starts
            .get((line as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let rest = text.get(start..).unwrap_or("");
        rest.char_indices()
            .nth((col as usize).saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    }
}

fn xml_error(text: &str, lines: &LineIndex, e: &roxmltree::Error, limits: &Limits) -> Error {
    let tp = e.pos();
    let offset = lines.offset(text, tp.row, tp.col);
    let mut pos = lines.pos(text, offset);
    match e {
        roxmltree::Error::DtdDetected => Error::Dtd { pos },
        roxmltree::Error::NodesLimitReached => Error::LimitExceeded {
            what: "number of XML nodes",
            limit: u64::from(limits.max_nodes),
            pos,
        },
        roxmltree::Error::UnclosedRootNode => {
            pos = lines.pos(text, text.len());
            Error::Xml {
                what: "unexpected end of input: the root element is not closed (truncated file?)"
                    .into(),
                pos,
            }
        }
        _ => {
            let msg = e.to_string();
            let suffix = format!(" at {}", tp);
            let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
            Error::Xml {
                what: format!("not well-formed XML: {}", lower_first(msg)).into(),
                pos,
            }
        }
    }
}

/// The text of an element: the concatenation of all its descendant text (CDATA included),
/// and whether a comment or processing instruction split it (non-blank text both before and
/// after the comment).
pub fn text_of(node: roxmltree::Node<'_, '_>) -> (String, bool) {
    let mut out = String::new();
    let mut text_before = false;
    let mut pending = false;
    let mut interrupted = false;
    for d in node.descendants().skip(1) {
        match d.node_type() {
            roxmltree::NodeType::Text => {
                let t = d.text().unwrap_or("");
                out.push_str(t);
                let nonblank = !t.trim().is_empty();
                interrupted |= pending && nonblank;
                text_before |= nonblank;
            }
            roxmltree::NodeType::Comment | roxmltree::NodeType::PI => pending |= text_before,
            _ => {}
        }
    }
    (out, interrupted)
}

/// `prefix:local` as written in the document, for messages.
pub fn qname(node: roxmltree::Node<'_, '_>) -> String {
    let local = node.tag_name().name();
    match node
        .tag_name()
        .namespace()
        .and_then(|ns| node.lookup_prefix(ns))
        .filter(|p| !p.is_empty())
    {
        Some(p) => format!("{p}:{local}"),
        None => local.to_string(),
    }
}

/// Whether `node` is an element with this namespace URI and local name.
pub fn is(node: roxmltree::Node<'_, '_>, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && node.tag_name().namespace() == Some(ns)
}

/// Element children with this namespace URI and local name.
pub fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, ns, local))
}

/// The first element child with this namespace URI and local name.
pub fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> Option<roxmltree::Node<'a, 'i>> {
    children(node, ns, local).next()
}

/// Reads and decodes a file, refusing it before reading when it is over the size limit.
pub fn read_path(path: &std::path::Path, limits: &Limits) -> Result<Decoded, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if meta.is_dir() {
        return Err(Error::Io {
            path: path.display().to_string().into(),
            what: "is a directory, expected a metadata file".into(),
        });
    }
    if meta.len() > limits.max_bytes {
        return Err(Error::LimitExceeded {
            what: "input size in bytes",
            limit: limits.max_bytes,
            pos: Pos::new(1, 1, 0),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    decode_checked(bytes, limits)
}

/// Decodes bytes after checking the size limit.
pub fn decode_checked(bytes: Vec<u8>, limits: &Limits) -> Result<Decoded, Error> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::LimitExceeded {
            what: "input size in bytes",
            limit: limits.max_bytes,
            pos: Pos::new(1, 1, 0),
        });
    }
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<(), Error> {
        XmlDoc::parse(s, &Limits::default()).map(|_| ())
    }

    #[test]
    fn rejects_dtd_even_empty() {
        assert!(matches!(parse("<!DOCTYPE a><a/>"), Err(Error::Dtd { .. })));
        let billion = "<?xml version='1.0'?>\n<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]>\n<a>&lol2;</a>";
        let e = XmlDoc::parse(billion, &Limits::default()).unwrap_err();
        assert_eq!(e.pos().unwrap().line, 2);
    }

    #[test]
    fn truncated_and_garbage_are_positioned() {
        let e = XmlDoc::parse("<a>\n<b>", &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let e = XmlDoc::parse("<a>\n  <b></c></a>", &Limits::default()).unwrap_err();
        assert!(e.to_string().starts_with("not well-formed XML"), "{e}");
        assert_eq!(e.pos().unwrap().line, 2, "{e}");
        assert!(parse("").is_err());
        assert!(parse("hello").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_before_the_tree() {
        let s = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        let e = XmlDoc::parse(&s, &Limits::default()).unwrap_err();
        assert!(matches!(
            e,
            Error::LimitExceeded {
                what: "element nesting depth",
                ..
            }
        ));
    }

    #[test]
    fn text_concatenates_across_comments_and_cdata() {
        let doc = XmlDoc::parse("<a>ab<!-- x -->cd<![CDATA[ef]]></a>", &Limits::default()).unwrap();
        let (t, split) = text_of(doc.root());
        assert_eq!(t, "abcdef");
        assert!(split);
        let doc = XmlDoc::parse("<a><!-- x -->abc</a>", &Limits::default()).unwrap();
        assert_eq!(text_of(doc.root()), ("abc".to_string(), false));
    }

    #[test]
    fn positions_count_characters() {
        let s = "<a>\n  <é/><b/></a>";
        let doc = XmlDoc::parse(s, &Limits::default()).unwrap();
        let b = doc.root().children().find(|n| n.has_tag_name("b")).unwrap();
        assert_eq!(doc.node_pos(b), Pos::new(2, 7, 11));
    }
}
