//! The one hardened reader of untrusted XML.
//!
//! Bytes are decoded once ([`decode`]), pre-scanned for DTDs and limits, then parsed by
//! `roxmltree` with DTDs off and a node limit. Every verdict in the crate (model values,
//! canonical bytes, findings, diffs, rewrite positions) comes from the tree built here.
//!
//! ```
//! use samlcheck::{xml, Limits};
//! // A DTD is refused before any tree is built.
//! let bad = xml::decode(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>".to_vec())?;
//! assert!(xml::XmlDoc::parse(bad.text(), &Limits::default()).is_err());
//! let decoded = xml::decode(br#"<a xmlns="urn:x"><b/></a>"#.to_vec())?;
//! let doc = xml::XmlDoc::parse(decoded.text(), &Limits::default())?;
//! assert!(xml::is(doc.root(), "urn:x", "a"));
//! assert_eq!(doc.node_pos(doc.root()).line, 1);
//! # Ok::<(), samlcheck::Error>(())
//! ```

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
    /// Built on the first position asked for (verification of a large file asks few).
    lines: std::sync::OnceLock<LineIndex>,
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
        let tree = roxmltree::Document::parse_with_options(text, opts)
            .map_err(|e| xml_error(text, &LineIndex::new(text), &e, limits))?;
        Ok(XmlDoc {
            text,
            tree,
            lines: std::sync::OnceLock::new(),
        })
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
        self.lines
            .get_or_init(|| LineIndex::new(self.text))
            .pos(self.text, offset)
    }

    /// Position of a node's start.
    pub fn node_pos(&self, node: roxmltree::Node<'_, '_>) -> Pos {
        self.pos(node.range().start)
    }
}

/// Start offsets of lines, for turning byte offsets into `line:col`. Columns on long lines
/// (single-line documents of many megabytes exist) use character counts at fixed byte
/// intervals, made on first need, so each position costs the same on any line.
#[derive(Debug)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    /// `chars[k]` = number of characters in `text[..k * CHUNK]`.
    chars: std::sync::OnceLock<Vec<usize>>,
}

const CHUNK: usize = 4096;

/// Characters in a byte range of UTF-8 (counts bytes that do not continue a character).
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|x| (**x & 0xC0) != 0x80).count()
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|p| p + 1));
        LineIndex {
            starts,
            chars: std::sync::OnceLock::new(),
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let chars = self.chars.get_or_init(|| {
            let mut v = Vec::with_capacity(text.len() / CHUNK + 2);
            let mut total = 0usize;
            v.push(0);
            for c in text.as_bytes().chunks(CHUNK) {
                total += count_chars(c);
                v.push(total);
            }
            v
        });
        let k = offset / CHUNK;
        chars.get(k).copied().unwrap_or(0)
            + count_chars(text.as_bytes().get(k * CHUNK..offset).unwrap_or(&[]))
    }

    pub(crate) fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = if offset - start <= CHUNK {
            count_chars(text.as_bytes().get(start..offset).unwrap_or(&[]))
        } else {
            self.chars_before(text, offset)
                .saturating_sub(self.chars_before(text, start))
        };
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

/// How many same-named siblings before and after [`element_path`] looks at, at most, so
/// that paths of many elements among many siblings stay linear.
const PATH_CAP: usize = 1000;

/// Longest path, in bytes, before the segments nearest the root are replaced by `/…`; the
/// element's own segment is always kept. Real paths are under 150 bytes; the bound keeps the
/// total size of paths (one per finding, one per model element) linear in the input when
/// elements nest deep or have long names.
pub(crate) const PATH_MAX: usize = 200;

/// An element path, `/EntitiesDescriptor/EntityDescriptor[2]/SPSSODescriptor`: local names,
/// with a 1-based index only where a name repeats among siblings (`[>1000]` past the cap;
/// a repeat more than 1000 siblings away is not looked for). Past [`PATH_MAX`] bytes the
/// outer segments are elided: `/…/KeyInfo/X509Data`.
pub(crate) fn element_path(node: roxmltree::Node<'_, '_>) -> String {
    join_path(node, |n| {
        let same = |s: &roxmltree::Node<'_, '_>| s.is_element() && s.tag_name() == n.tag_name();
        let before = n
            .prev_siblings()
            .skip(1)
            .take(PATH_CAP)
            .filter(same)
            .count();
        let after = n.next_siblings().skip(1).take(PATH_CAP).any(|s| same(&s));
        if before >= PATH_CAP {
            Some(usize::MAX)
        } else if before > 0 || after {
            Some(before + 1)
        } else {
            None
        }
    })
}

/// Builds a path from the element up, asking `index` for each segment's sibling index
/// (`Some(usize::MAX)` past [`PATH_CAP`]), and stops at [`PATH_MAX`] bytes.
fn join_path<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    mut index: impl FnMut(roxmltree::Node<'a, 'i>) -> Option<usize>,
) -> String {
    let mut parts = Vec::new();
    let mut len = 0usize;
    let mut elided = false;
    for n in node.ancestors().filter(roxmltree::Node::is_element) {
        let name = n.tag_name().name();
        if !parts.is_empty() && len.saturating_add(name.len()) > PATH_MAX {
            elided = true;
            break;
        }
        let part = match index(n) {
            Some(usize::MAX) => format!("{name}[>{PATH_CAP}]"),
            Some(i) => format!("{name}[{i}]"),
            None => name.to_string(),
        };
        len = len.saturating_add(part.len() + 1);
        parts.push(part);
    }
    if elided {
        parts.push("…".to_string());
    }
    parts.reverse();
    format!("/{}", parts.join("/"))
}

/// Paths of many elements of one document: the sibling index of each element is computed
/// once per parent (a map from name to count), so a path costs at most one step per segment
/// kept, whatever the number of siblings.
#[derive(Default)]
pub(crate) struct PathCache {
    /// Node id -> (1-based index among same-named siblings, whether the name repeats).
    index: std::collections::HashMap<roxmltree::NodeId, (usize, bool)>,
}

impl PathCache {
    fn fill(&mut self, parent: roxmltree::Node<'_, '_>) {
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let elems: Vec<_> = parent
            .children()
            .filter(roxmltree::Node::is_element)
            .collect();
        let mut idx = Vec::with_capacity(elems.len());
        for e in &elems {
            let c = counts.entry(e.tag_name().name()).or_insert(0);
            *c += 1;
            idx.push(*c);
        }
        for (e, i) in elems.iter().zip(idx) {
            let total = counts.get(e.tag_name().name()).copied().unwrap_or(1);
            self.index.insert(e.id(), (i, total > 1));
        }
    }

    /// The path of `node`, as [`element_path`] writes it but with exact indexes.
    pub(crate) fn path(&mut self, node: roxmltree::Node<'_, '_>) -> String {
        join_path(node, |n| {
            if !self.index.contains_key(&n.id()) {
                match n.parent() {
                    Some(p) => self.fill(p),
                    None => return None,
                }
            }
            match self.index.get(&n.id()) {
                Some(&(i, true)) => Some(i),
                _ => None,
            }
        })
    }
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
    fn columns_on_a_long_single_line() {
        let s = format!("<a>{}<b/></a>", "é".repeat(10_000));
        let doc = XmlDoc::parse(&s, &Limits::default()).unwrap();
        let b = doc.root().children().find(|n| n.has_tag_name("b")).unwrap();
        assert_eq!(doc.node_pos(b), Pos::new(1, 10_004, 20_003));
    }

    #[test]
    fn positions_count_characters() {
        let s = "<a>\n  <é/><b/></a>";
        let doc = XmlDoc::parse(s, &Limits::default()).unwrap();
        let b = doc.root().children().find(|n| n.has_tag_name("b")).unwrap();
        assert_eq!(doc.node_pos(b), Pos::new(2, 7, 11));
    }

    #[test]
    fn paths_are_bounded_and_indexed() {
        let long = "n".repeat(300);
        let s = format!("<a><{long}><b><c/><c/><d/></b></{long}></a>");
        let doc = XmlDoc::parse(&s, &Limits::default()).unwrap();
        let b = doc
            .root()
            .descendants()
            .find(|n| n.has_tag_name("b"))
            .unwrap();
        let kids: Vec<_> = b.children().collect();
        assert_eq!(element_path(kids[1]), "/…/b/c[2]");
        assert_eq!(element_path(kids[2]), "/…/b/d");
        let mut cache = PathCache::default();
        assert_eq!(cache.path(kids[0]), "/…/b/c[1]");
        assert_eq!(cache.path(kids[2]), "/…/b/d");
        let doc = XmlDoc::parse("<a><b/><c/><b/></a>", &Limits::default()).unwrap();
        let kids: Vec<_> = doc.root().children().collect();
        assert_eq!(element_path(kids[0]), "/a/b[1]");
        assert_eq!(PathCache::default().path(kids[2]), "/a/b[2]");
        assert_eq!(PathCache::default().path(kids[1]), "/a/c");
    }
}
