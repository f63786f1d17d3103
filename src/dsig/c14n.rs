//! Canonical XML 1.0 and Exclusive XML Canonicalization 1.0 over the one `roxmltree` tree.
//!
//! The canonical bytes are streamed through a 64 KiB buffer into a sink (a digest context,
//! usually), so canonicalizing a 200 MB aggregate never builds a second copy of it. The
//! walk is iterative (first child / next sibling / parent links), so nesting depth costs
//! no stack.
//!
//! Rules implemented (W3C REC-xml-c14n-20010315 and REC-xml-exc-c14n-20020718):
//! - element and attribute names exactly as written (prefixes read from the source text,
//!   since two prefixes may be bound to one URI);
//! - namespace declarations sorted by prefix (default first), then attributes sorted by
//!   namespace URI (unqualified first) and local name;
//! - exclusive: only visibly utilized prefixes (and those of the `InclusiveNamespaces`
//!   prefix list) that are not already in effect in the output are rendered;
//!   inclusive: every in-scope namespace not already in effect; `xmlns=""` only when the
//!   output has a non-empty default in effect;
//! - inclusive on a subset: the apex element also takes the `xml:*` attributes of its
//!   ancestors that it does not override;
//! - text escapes `&`, `<`, `>`, CR; attribute values escape `&`, `<`, `"`, TAB, LF, CR;
//!   namespace URIs are escaped like attribute values (C14N 1.0 section 2.3); line endings
//!   in text and attribute values were normalized by the parser; CDATA is plain text;
//! - comments only in the `#WithComments` forms; processing instructions kept; document
//!   level nodes separated by a line feed; in comments and processing instructions (which
//!   the parser hands back as written) CR LF and a lone CR become LF here (XML 1.0 section
//!   2.11, C14N 1.0 section 1: "line breaks normalized to #xA on input");
//! - a document with a relative namespace URI (`xmlns:a="foo"`) cannot be canonicalized
//!   (C14N 1.0 section 2.1): [`first_relative_namespace`] finds it, [`try_to_vec`] fails on
//!   it, and verification and signing refuse such documents.

use crate::xml::ns;
use roxmltree::{Node, NodeType};
use std::collections::{HashMap, HashSet};

/// The canonicalization algorithm URIs.
pub mod uri {
    /// Canonical XML 1.0, without comments.
    pub const INCLUSIVE: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    /// Canonical XML 1.0, with comments.
    pub const INCLUSIVE_WITH_COMMENTS: &str =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    /// Exclusive XML canonicalization 1.0, without comments.
    pub const EXCLUSIVE: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    /// Exclusive XML canonicalization 1.0, with comments.
    pub const EXCLUSIVE_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
}

/// Which canonicalization, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C14n {
    /// Exclusive (true) or inclusive Canonical XML 1.0 (false).
    pub exclusive: bool,
    /// Whether comments are kept (the `#WithComments` forms).
    pub with_comments: bool,
    /// Exclusive only: prefixes treated by the inclusive rules (`#default` is the empty
    /// prefix, written here as `""`).
    pub inclusive_prefixes: Vec<String>,
}

impl C14n {
    /// Exclusive c14n without comments and without a prefix list.
    pub fn exclusive() -> C14n {
        C14n {
            exclusive: true,
            with_comments: false,
            inclusive_prefixes: Vec::new(),
        }
    }

    /// Inclusive Canonical XML 1.0 without comments.
    pub fn inclusive() -> C14n {
        C14n {
            exclusive: false,
            with_comments: false,
            inclusive_prefixes: Vec::new(),
        }
    }

    /// The algorithm from its URI, or `None` when it is not a supported canonicalization.
    pub fn from_uri(uri: &str) -> Option<C14n> {
        let (exclusive, with_comments) = match uri {
            uri::INCLUSIVE => (false, false),
            uri::INCLUSIVE_WITH_COMMENTS => (false, true),
            uri::EXCLUSIVE => (true, false),
            uri::EXCLUSIVE_WITH_COMMENTS => (true, true),
            _ => return None,
        };
        Some(C14n {
            exclusive,
            with_comments,
            inclusive_prefixes: Vec::new(),
        })
    }

    /// The algorithm URI.
    pub fn uri(&self) -> &'static str {
        match (self.exclusive, self.with_comments) {
            (false, false) => uri::INCLUSIVE,
            (false, true) => uri::INCLUSIVE_WITH_COMMENTS,
            (true, false) => uri::EXCLUSIVE,
            (true, true) => uri::EXCLUSIVE_WITH_COMMENTS,
        }
    }

    /// Parses an `InclusiveNamespaces PrefixList` value (`#default` means the empty prefix).
    pub fn with_prefix_list(mut self, list: &str) -> C14n {
        self.inclusive_prefixes = list
            .split_ascii_whitespace()
            .map(|p| {
                if p == "#default" {
                    String::new()
                } else {
                    p.to_string()
                }
            })
            .collect();
        self
    }
}

/// What to canonicalize.
#[derive(Debug, Clone, Copy)]
pub enum Subset<'a, 'i> {
    /// The whole document (a same-document reference `URI=""`): the root element and the
    /// processing instructions (and, with comments, comments) around it.
    Document(&'a roxmltree::Document<'i>),
    /// An element and its descendants (a reference `#ID`, or `SignedInfo`).
    Element(Node<'a, 'i>),
}

const BUF: usize = 64 * 1024;

/// Work done by one canonicalization, in deterministic units: what the verifier's budgets
/// count, and what the complexity tests compare between input sizes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Work {
    /// Canonical bytes produced (when the walk stopped at its cap: up to the node that
    /// passed it).
    pub bytes: u64,
    /// Namespace steps: each namespace declaration or `xml:*` attribute examined, each
    /// prefix looked up in the output's declarations, each declaration rendered or undone.
    pub ns_steps: u64,
    /// Comments and processing instructions met inside the root element (outside the
    /// excluded subtree).
    pub markup: usize,
}

impl Work {
    /// Bytes plus namespace steps: one number for budgets.
    pub fn units(&self) -> u64 {
        self.bytes.saturating_add(self.ns_steps)
    }
}

/// A canonicalization stopped because its output passed the cap it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overflow {
    /// Byte offset (into the document's text) of the node whose output passed the cap.
    pub offset: usize,
    /// The work done until then.
    pub work: Work,
}

/// Canonicalizes `subset`, leaving out the subtree `excluded` (the enveloped signature),
/// and streams the bytes into `sink` in chunks of up to 64 KiB.
pub fn canonicalize(
    subset: Subset<'_, '_>,
    excluded: Option<Node<'_, '_>>,
    c14n: &C14n,
    sink: &mut dyn FnMut(&[u8]),
) {
    let _ = canonicalize_capped(subset, excluded, c14n, u64::MAX, sink);
}

/// [`canonicalize`] with a cap on the canonical output: once more than `max_bytes` bytes
/// would be produced, nothing more reaches `sink` and the walk stops at the next node
/// boundary, returning where. Otherwise returns the work done.
///
/// Each element costs work proportional to what changes between it and its parent (its
/// own attributes and namespace declarations), not to the number of namespaces in scope:
/// the declarations in effect in the output are kept in a map with an undo log.
pub fn canonicalize_capped(
    subset: Subset<'_, '_>,
    excluded: Option<Node<'_, '_>>,
    c14n: &C14n,
    max_bytes: u64,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<Work, Overflow> {
    let mut w = Walker {
        markup: 0,
        out: Out {
            buf: Vec::with_capacity(BUF),
            sink,
            written: 0,
            max: max_bytes,
        },
        c14n,
        excluded: excluded.map(|n| n.id()),
        in_effect: InEffect::default(),
        undo: Vec::with_capacity(32),
        frames: Vec::with_capacity(32),
        list: c14n
            .inclusive_prefixes
            .iter()
            .filter(|_| c14n.exclusive)
            .map(String::as_str)
            .collect(),
        ns_out: Vec::with_capacity(8),
        attrs: Vec::with_capacity(16),
        ns_steps: 0,
        stopped: None,
    };
    w.ns_steps = u64::try_from(w.list.len()).unwrap_or(u64::MAX);
    match subset {
        Subset::Document(doc) => {
            let root = doc.root();
            let mut before = true;
            for child in root.children() {
                match child.node_type() {
                    NodeType::Element => {
                        w.walk(child);
                        before = false;
                    }
                    NodeType::PI | NodeType::Comment => {
                        if child.is_comment() && !c14n.with_comments {
                            continue;
                        }
                        if !before {
                            w.out.put(b"\n");
                        }
                        w.leaf(child);
                        if before {
                            w.out.put(b"\n");
                        }
                        if w.out.over() && w.stopped.is_none() {
                            w.stopped = Some(child.range().start);
                        }
                    }
                    _ => {}
                }
                if w.stopped.is_some() {
                    break;
                }
            }
        }
        Subset::Element(node) => w.walk(node),
    }
    let work = Work {
        bytes: w.out.written.min(w.out.max),
        ns_steps: w.ns_steps,
        markup: w.markup,
    };
    match w.stopped {
        Some(offset) => Err(Overflow { offset, work }),
        None => {
            w.out.flush();
            Ok(work)
        }
    }
}

/// Canonical bytes as a vector (for small subsets such as `SignedInfo`, and for tests).
pub fn to_vec(subset: Subset<'_, '_>, excluded: Option<Node<'_, '_>>, c14n: &C14n) -> Vec<u8> {
    let mut v = Vec::new();
    canonicalize(subset, excluded, c14n, &mut |b: &[u8]| {
        v.extend_from_slice(b)
    });
    v
}

/// Below this length a byte loop beats setting up a vectorized search.
const SHORT: usize = 48;

// Evaluated at compile time only: an out-of-range index would fail the build, not a run.
#[allow(clippy::indexing_slicing)]
const fn table(chars: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
}

/// Bytes escaped in text nodes.
static ESC_TEXT: [bool; 256] = table(b"&<>\r");
/// Bytes escaped in attribute values.
static ESC_ATTR: [bool; 256] = table(b"&<\"\t\n\r");

struct Out<'s> {
    buf: Vec<u8>,
    sink: &'s mut dyn FnMut(&[u8]),
    /// Bytes produced so far, including those refused past `max`.
    written: u64,
    /// Most bytes passed on to the sink.
    max: u64,
}

impl Out<'_> {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.written = self
            .written
            .saturating_add(u64::try_from(b.len()).unwrap_or(u64::MAX));
        if self.written > self.max {
            return;
        }
        if self.buf.len() + b.len() > BUF {
            self.flush();
            if b.len() > BUF {
                (self.sink)(b);
                return;
            }
        }
        self.buf.extend_from_slice(b);
    }

    /// Whether the output passed its cap.
    #[inline]
    fn over(&self) -> bool {
        self.written > self.max
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf);
            self.buf.clear();
        }
    }

    /// Comment text or processing-instruction data, which the parser hands back as
    /// written: CR LF and a lone CR become LF (XML 1.0 section 2.11), nothing is escaped.
    fn lines(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut start = 0;
        for i in memchr::memchr_iter(b'\r', b) {
            self.put(b.get(start..i).unwrap_or_default());
            self.put(b"\n");
            start = if b.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
        }
        self.put(b.get(start..).unwrap_or_default());
    }

    /// Text node content: `&`, `<`, `>` and CR escaped.
    fn text(&mut self, s: &str) {
        let b = s.as_bytes();
        if b.len() < SHORT {
            if b.iter()
                .any(|c| ESC_TEXT.get(usize::from(*c)) == Some(&true))
            {
                self.escape_slow(b, false);
            } else {
                self.put(b);
            }
        } else if memchr::memchr(b'\r', b).is_none() {
            let mut start = 0;
            for i in memchr::memchr3_iter(b'&', b'<', b'>', b) {
                self.put(b.get(start..i).unwrap_or_default());
                self.put(match b.get(i) {
                    Some(b'&') => b"&amp;",
                    Some(b'<') => b"&lt;",
                    _ => b"&gt;",
                });
                start = i + 1;
            }
            self.put(b.get(start..).unwrap_or_default());
        } else {
            self.escape_slow(b, false);
        }
    }

    /// Attribute value: `&`, `<`, `"`, TAB, LF and CR escaped.
    fn attr(&mut self, s: &str) {
        let b = s.as_bytes();
        if b.len() < SHORT {
            if b.iter()
                .any(|c| ESC_ATTR.get(usize::from(*c)) == Some(&true))
            {
                self.escape_slow(b, true);
            } else {
                self.put(b);
            }
        } else if memchr::memchr3(b'\t', b'\n', b'\r', b).is_none() {
            let mut start = 0;
            for i in memchr::memchr3_iter(b'&', b'<', b'"', b) {
                self.put(b.get(start..i).unwrap_or_default());
                self.put(match b.get(i) {
                    Some(b'&') => b"&amp;",
                    Some(b'<') => b"&lt;",
                    _ => b"&quot;",
                });
                start = i + 1;
            }
            self.put(b.get(start..).unwrap_or_default());
        } else {
            self.escape_slow(b, true);
        }
    }

    fn escape_slow(&mut self, b: &[u8], attr: bool) {
        let mut start = 0;
        for (i, c) in b.iter().enumerate() {
            let rep: &[u8] = match (c, attr) {
                (b'&', _) => b"&amp;",
                (b'<', _) => b"&lt;",
                (b'>', false) => b"&gt;",
                (b'"', true) => b"&quot;",
                (b'\t', true) => b"&#x9;",
                (b'\n', true) => b"&#xA;",
                (b'\r', _) => b"&#xD;",
                _ => continue,
            };
            self.put(b.get(start..i).unwrap_or_default());
            self.put(rep);
            start = i + 1;
        }
        self.put(b.get(start..).unwrap_or_default());
    }
}

/// An attribute ready for output: namespace URI ("" when unqualified), local name,
/// qualified name as written, value.
type Attr<'a> = (&'a str, &'a str, &'a str, &'a str);

struct Walker<'a, 's, 'c> {
    out: Out<'s>,
    /// Comments and processing instructions met inside the walked element.
    markup: usize,
    c14n: &'c C14n,
    excluded: Option<roxmltree::NodeId>,
    /// Namespace declarations in effect in the output: prefix to URI.
    in_effect: InEffect<'a>,
    /// What each rendered declaration replaced (prefix, previous URI), innermost last:
    /// undone when its element closes.
    undo: Vec<(&'a str, Option<&'a str>)>,
    /// For each open element, the length of `undo` before it and its qualified name.
    frames: Vec<(usize, &'a str)>,
    /// Exclusive only: the `InclusiveNamespaces` prefixes (`""` is `#default`).
    list: HashSet<&'c str>,
    ns_out: Vec<(&'a str, &'a str)>,
    attrs: Vec<Attr<'a>>,
    /// Namespace steps (see [`Work::ns_steps`]).
    ns_steps: u64,
    /// Offset of the node whose output passed the cap.
    stopped: Option<usize>,
}

/// Prefixes in effect in the output, with their URIs: a short list while there are few
/// (the usual case: a handful of prefixes, compared by pointer first), a map once there
/// are more, so that a lookup never costs more than a hash.
#[derive(Default)]
struct InEffect<'a> {
    few: Vec<(&'a str, &'a str)>,
    many: Option<HashMap<&'a str, &'a str>>,
}

/// Above this many prefixes in effect, [`InEffect`] switches to a map.
const FEW: usize = 16;

impl<'a> InEffect<'a> {
    /// The URI in effect for `prefix` (`""` when none).
    #[inline]
    fn get(&self, prefix: &str) -> &'a str {
        match &self.many {
            Some(m) => m.get(prefix).copied().unwrap_or(""),
            None => self
                .few
                .iter()
                .find(|(p, _)| same(p, prefix))
                .map_or("", |(_, u)| u),
        }
    }

    /// Sets `prefix` to `uri`, returning the URI it replaces.
    fn insert(&mut self, prefix: &'a str, uri: &'a str) -> Option<&'a str> {
        if let Some(m) = &mut self.many {
            return m.insert(prefix, uri);
        }
        if let Some(e) = self.few.iter_mut().find(|(p, _)| same(p, prefix)) {
            return Some(std::mem::replace(&mut e.1, uri));
        }
        self.few.push((prefix, uri));
        if self.few.len() > FEW {
            self.many = Some(self.few.drain(..).collect());
        }
        None
    }

    fn remove(&mut self, prefix: &str) {
        if let Some(m) = &mut self.many {
            m.remove(prefix);
        } else if let Some(i) = self.few.iter().position(|(p, _)| same(p, prefix)) {
            self.few.swap_remove(i);
        }
    }
}

/// The qualified name of an element as written in the source (`md:EntityDescriptor`).
fn elem_qname<'a>(node: Node<'_, 'a>) -> &'a str {
    let text = node.document().input_text();
    let start = node.range().start.saturating_add(1);
    let rest = text.get(start..).unwrap_or("");
    let end = rest
        .bytes()
        .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

/// String equality with a pointer fast path: namespace URIs of one declaration share
/// storage in the tree, so most comparisons end at the pointer.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a.bytes().zip(b.bytes()).all(|(x, y)| x == y))
}

/// Byte order of two short strings, without a `memcmp` call (names and URIs are short,
/// and equal URIs usually share storage).
#[inline]
fn cmp_str(a: &str, b: &str) -> std::cmp::Ordering {
    if a.len() == b.len() && std::ptr::eq(a.as_ptr(), b.as_ptr()) {
        return std::cmp::Ordering::Equal;
    }
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Sorts the attributes or namespace declarations of one element in place; stable. A
/// handful (the usual case) by insertion, more by merging.
#[inline]
fn small_sort<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if v.len() > 16 {
        v.sort_by(cmp);
        return;
    }
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let (Some(a), Some(b)) = (v.get(j - 1), v.get(j)) else {
                break;
            };
            if cmp(a, b) != std::cmp::Ordering::Greater {
                break;
            }
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(p, _)| p)
}

/// How many namespace declarations the start tag at `start` writes (`xmlns="…"` and
/// `xmlns:p="…"`, except `xmlns:xml`, which roxmltree does not list). roxmltree lists an
/// element's own declarations first among its namespaces, in the order written, then the
/// inherited ones it does not override; so these are the first ones. The tag is
/// well-formed (the tree was built from it); the scan reads it once. Counting one too many
/// would only look again at an inherited binding, which the output already has in effect
/// (no output); one too few would miss a declaration (tests/linear_c14n.rs compares the
/// output with the straightforward algorithm on generated documents).
fn own_declarations(text: &str, start: usize, qname_len: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start.saturating_add(1).saturating_add(qname_len);
    let mut n = 0;
    loop {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        if matches!(b.get(i), None | Some(b'>' | b'/')) {
            return n;
        }
        let name_start = i;
        while !matches!(b.get(i), None | Some(b'=' | b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        let name = b.get(name_start..i).unwrap_or_default();
        while !matches!(b.get(i), None | Some(b'"' | b'\'')) {
            i += 1;
        }
        let Some(&quote) = b.get(i) else {
            return n;
        };
        i += 1;
        match memchr::memchr(quote, b.get(i..).unwrap_or_default()) {
            Some(p) => i += p + 1,
            None => return n,
        }
        if name == b"xmlns" || (name.starts_with(b"xmlns:") && name != b"xmlns:xml") {
            n += 1;
        }
    }
}

/// A namespace declaration with a relative URI (`xmlns:a="foo"`, `xmlns="../x"`): Canonical
/// XML 1.0 section 2.1 (taken over by Exclusive XML Canonicalization, section 3) says an
/// implementation MUST report an operation failure on documents containing relative
/// namespace URIs. The empty `xmlns=""` undeclares the default namespace and is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelativeNamespace {
    /// Byte offset of the declaration (its `xmlns` name) in the document's text.
    pub offset: usize,
    /// The declaration as it reads after parsing: `xmlns:a="foo"`.
    pub declaration: String,
    /// Qualified name of the element that carries it.
    pub element: String,
}

impl std::fmt::Display for RelativeNamespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the namespace declaration {} on <{}> has a relative URI (no scheme, RFC 3986 section 4.2); Canonical XML 1.0 section 2.1 requires canonicalization to fail on such a document",
            self.declaration, self.element
        )
    }
}

/// Whether a namespace URI is a relative reference: not empty and not starting with a
/// scheme (RFC 3986 section 3.1: a letter, then letters, digits, `+`, `-` or `.`, then
/// `:`). A value without a scheme that is not even a valid relative reference (`1a:b`)
/// counts as relative too: it is not an absolute URI either way.
pub fn is_relative_uri(uri: &str) -> bool {
    if uri.is_empty() {
        return false;
    }
    let b = uri.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return true;
    }
    match b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
    {
        Some(i) => b.get(i) != Some(&b':'),
        None => true,
    }
}

/// Every namespace declaration with a relative URI in `doc`, in document order (see
/// [`RelativeNamespace`]). Each element costs a scan of its own start tag.
pub fn relative_namespaces(doc: &roxmltree::Document<'_>) -> Vec<RelativeNamespace> {
    relative_with_elements(doc)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// [`relative_namespaces`] with the element of each declaration.
pub(crate) fn relative_with_elements<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> Vec<(Node<'a, 'i>, RelativeNamespace)> {
    let mut out = Vec::new();
    relative_scan(doc, &mut |n, r| {
        out.push((n, r));
        true
    });
    out
}

/// The first namespace declaration with a relative URI in `doc`, if any.
pub fn first_relative_namespace(doc: &roxmltree::Document<'_>) -> Option<RelativeNamespace> {
    let mut first = None;
    relative_scan(doc, &mut |_, r| {
        first = Some(r);
        false
    });
    first
}

/// Calls `found` for each relative declaration until it returns false.
fn relative_scan<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    found: &mut dyn FnMut(Node<'a, 'i>, RelativeNamespace) -> bool,
) {
    let text = doc.input_text();
    for node in doc.descendants().filter(Node::is_element) {
        let qname = elem_qname(node);
        let start = node.range().start;
        let n = own_declarations(text, start, qname.len());
        for ns in node.namespaces().take(n) {
            if !is_relative_uri(ns.uri()) {
                continue;
            }
            let prefix = ns.name().unwrap_or("");
            // Only a declaration written in this tag (an inherited one was reported on
            // the element that wrote it).
            let Some(offset) = declaration_offset(text, start, qname.len(), prefix) else {
                continue;
            };
            let name = if prefix.is_empty() {
                "xmlns".to_string()
            } else {
                format!("xmlns:{prefix}")
            };
            let r = RelativeNamespace {
                offset,
                declaration: format!("{name}=\"{}\"", ns.uri()),
                element: qname.to_string(),
            };
            if !found(node, r) {
                return;
            }
        }
    }
}

/// Offset of the declaration of `prefix` (`""`: the default namespace) in the start tag at
/// `start`, if the tag writes one.
fn declaration_offset(text: &str, start: usize, qname_len: usize, prefix: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = start.saturating_add(1).saturating_add(qname_len);
    loop {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        if matches!(b.get(i), None | Some(b'>' | b'/')) {
            return None;
        }
        let name_start = i;
        while !matches!(b.get(i), None | Some(b'=' | b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        let name = b.get(name_start..i).unwrap_or_default();
        let hit = match name.strip_prefix(b"xmlns") {
            Some(b"") => prefix.is_empty(),
            Some(rest) => rest.strip_prefix(b":") == Some(prefix.as_bytes()) && !prefix.is_empty(),
            None => false,
        };
        if hit {
            return Some(name_start);
        }
        while !matches!(b.get(i), None | Some(b'"' | b'\'')) {
            i += 1;
        }
        let &quote = b.get(i)?;
        i += 1;
        i += memchr::memchr(quote, b.get(i..).unwrap_or_default())? + 1;
    }
}

/// [`to_vec`], failing on a document with a relative namespace URI (anywhere in the
/// document, as libxml2 does: C14N 1.0 section 2.1 speaks of documents containing them).
///
/// ```
/// use samlcheck::dsig::c14n::{try_to_vec, C14n, Subset};
/// let doc = samlcheck::xml::XmlDoc::parse("<a xmlns:x=\"urn:x\"><?pi x\r\ny?></a>", &Default::default()).unwrap();
/// let out = try_to_vec(Subset::Document(doc.tree()), None, &C14n::exclusive()).unwrap();
/// assert_eq!(out, b"<a><?pi x\ny?></a>");
/// let doc = samlcheck::xml::XmlDoc::parse("<a xmlns:x=\"foo\"/>", &Default::default()).unwrap();
/// let err = try_to_vec(Subset::Document(doc.tree()), None, &C14n::exclusive()).unwrap_err();
/// assert_eq!(err.declaration, "xmlns:x=\"foo\"");
/// ```
pub fn try_to_vec(
    subset: Subset<'_, '_>,
    excluded: Option<Node<'_, '_>>,
    c14n: &C14n,
) -> Result<Vec<u8>, RelativeNamespace> {
    let doc = match subset {
        Subset::Document(d) => d,
        Subset::Element(n) => n.document(),
    };
    if let Some(r) = first_relative_namespace(doc) {
        return Err(r);
    }
    Ok(to_vec(subset, excluded, c14n))
}

impl<'a> Walker<'a, '_, '_> {
    fn walk(&mut self, apex: Node<'a, 'a>) {
        if Some(apex.id()) == self.excluded {
            return;
        }
        let mut node = apex;
        'outer: loop {
            // The excluded subtree is skipped as a whole.
            if Some(node.id()) != self.excluded {
                if node.is_element() {
                    self.open(node, node == apex);
                    if self.out.over() {
                        self.stopped = Some(node.range().start);
                        return;
                    }
                    if let Some(c) = node.first_child() {
                        node = c;
                        continue;
                    }
                    self.close(node);
                } else {
                    if !node.is_text() {
                        self.markup += 1;
                    }
                    self.leaf(node);
                    if self.out.over() {
                        self.stopped = Some(node.range().start);
                        return;
                    }
                }
            }
            loop {
                if node == apex {
                    break 'outer;
                }
                if let Some(s) = node.next_sibling() {
                    node = s;
                    continue 'outer;
                }
                match node.parent() {
                    Some(p) => {
                        node = p;
                        self.close(node);
                    }
                    None => break 'outer,
                }
            }
        }
        if self.out.over() {
            self.stopped = Some(apex.range().start);
        }
    }

    fn leaf(&mut self, node: Node<'a, 'a>) {
        match node.node_type() {
            NodeType::Text => {
                if let Some(t) = node.text() {
                    self.out.text(t);
                }
            }
            NodeType::Comment if self.c14n.with_comments => {
                self.out.put(b"<!--");
                self.out.lines(node.text().unwrap_or(""));
                self.out.put(b"-->");
            }
            NodeType::PI => {
                if let Some(pi) = node.pi() {
                    self.out.put(b"<?");
                    self.out.put(pi.target.as_bytes());
                    if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
                        self.out.put(b" ");
                        self.out.lines(v);
                    }
                    self.out.put(b"?>");
                }
            }
            _ => {}
        }
    }

    /// Notes `(prefix, uri)` for output when the output does not already have it in effect
    /// (a prefix considered twice for one element is rendered once: see `open`).
    #[inline]
    fn consider(&mut self, prefix: &'a str, uri: &'a str) {
        self.ns_steps = self.ns_steps.saturating_add(1);
        if prefix == "xml" {
            return;
        }
        let current = self.in_effect.get(prefix);
        if !same(current, uri) {
            self.ns_out.push((prefix, uri));
        }
    }

    /// The namespace declarations `node` itself writes, as roxmltree resolved them.
    fn own_namespaces(
        &mut self,
        node: Node<'a, 'a>,
        qname: &str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> {
        let text = node.document().input_text();
        let n = own_declarations(text, node.range().start, qname.len());
        self.ns_steps = self
            .ns_steps
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        node.namespaces()
            .take(n)
            .map(|ns| (ns.name().unwrap_or(""), ns.uri()))
    }

    fn open(&mut self, node: Node<'a, 'a>, is_apex: bool) {
        let text = node.document().input_text();
        let qname = elem_qname(node);
        self.frames.push((self.undo.len(), qname));
        self.ns_out.clear();
        self.attrs.clear();
        for a in node.attributes() {
            let aq = text.get(a.range_qname()).unwrap_or(a.name());
            self.attrs
                .push((a.namespace().unwrap_or(""), a.name(), aq, a.value()));
        }
        if self.c14n.exclusive {
            let p = prefix_of(qname);
            let uri = node.tag_name().namespace().unwrap_or("");
            self.consider(p, uri);
            for i in 0..self.attrs.len() {
                if let Some(&(uri, _, aq, _)) = self.attrs.get(i) {
                    let p = prefix_of(aq);
                    if !p.is_empty() {
                        self.consider(p, uri);
                    }
                }
            }
            // The prefix list follows the inclusive rules: on the apex every listed prefix
            // in scope; below it, the output already has the parent's binding of each
            // listed prefix in effect, so only the element's own declarations can differ.
            if !self.list.is_empty() {
                if is_apex {
                    for n in node.namespaces() {
                        self.ns_steps = self.ns_steps.saturating_add(1);
                        if let Some(name) = n.name() {
                            if self.list.contains(name) {
                                self.consider(name, n.uri());
                            }
                        }
                    }
                    if self.list.contains("") {
                        self.consider("", node.default_namespace().unwrap_or(""));
                    }
                } else {
                    let own: Vec<(&'a str, &'a str)> = self.own_namespaces(node, qname).collect();
                    for (p, u) in own {
                        if self.list.contains(p) {
                            self.consider(p, u);
                        }
                    }
                }
            }
        } else if is_apex {
            // Inclusive: every namespace in scope on the apex…
            for n in node.namespaces() {
                self.consider(n.name().unwrap_or(""), n.uri());
            }
            self.consider("", node.default_namespace().unwrap_or(""));
            self.inherit_xml_attrs(node);
        } else {
            // …and below it what the element itself declares: the output already has the
            // parent's in-scope namespaces in effect.
            let own: Vec<(&'a str, &'a str)> = self.own_namespaces(node, qname).collect();
            for (p, u) in own {
                self.consider(p, u);
            }
        }
        if self.ns_out.len() > 1 {
            small_sort(&mut self.ns_out, |a, b| cmp_str(a.0, b.0));
            self.ns_out.dedup_by(|a, b| same(a.0, b.0));
        }
        if self.attrs.len() > 1 {
            small_sort(&mut self.attrs, |a, b| {
                cmp_str(a.0, b.0).then_with(|| cmp_str(a.1, b.1))
            });
        }
        for i in 0..self.ns_out.len() {
            if let Some(&(p, u)) = self.ns_out.get(i) {
                let prev = self.in_effect.insert(p, u);
                self.undo.push((p, prev));
            }
        }
        self.ns_steps = self
            .ns_steps
            .saturating_add(u64::try_from(self.ns_out.len()).unwrap_or(u64::MAX));

        self.out.put(b"<");
        self.out.put(qname.as_bytes());
        for i in 0..self.ns_out.len() {
            if let Some(&(p, u)) = self.ns_out.get(i) {
                if p.is_empty() {
                    self.out.put(b" xmlns=\"");
                } else {
                    self.out.put(b" xmlns:");
                    self.out.put(p.as_bytes());
                    self.out.put(b"=\"");
                }
                self.out.attr(u);
                self.out.put(b"\"");
            }
        }
        for i in 0..self.attrs.len() {
            if let Some(&(_, _, q, v)) = self.attrs.get(i) {
                self.out.put(b" ");
                self.out.put(q.as_bytes());
                self.out.put(b"=\"");
                self.out.attr(v);
                self.out.put(b"\"");
            }
        }
        self.out.put(b">");
    }

    /// Inclusive c14n of a subset: the apex takes the `xml:*` attributes of its ancestors
    /// that it does not itself carry (the nearest ancestor wins).
    fn inherit_xml_attrs(&mut self, node: Node<'a, 'a>) {
        let text = node.document().input_text();
        let mut seen: HashSet<&'a str> = self
            .attrs
            .iter()
            .filter(|(u, ..)| *u == ns::XML)
            .map(|(_, l, ..)| *l)
            .collect();
        for anc in node.ancestors().skip(1).filter(|n| n.is_element()) {
            for a in anc.attributes() {
                self.ns_steps = self.ns_steps.saturating_add(1);
                if a.namespace() == Some(ns::XML) && seen.insert(a.name()) {
                    let aq = text.get(a.range_qname()).unwrap_or(a.name());
                    self.attrs.push((ns::XML, a.name(), aq, a.value()));
                }
            }
        }
    }

    fn close(&mut self, node: Node<'a, 'a>) {
        if !node.is_element() {
            return;
        }
        if let Some((len, qname)) = self.frames.pop() {
            self.out.put(b"</");
            self.out.put(qname.as_bytes());
            self.out.put(b">");
            while self.undo.len() > len {
                let Some((p, prev)) = self.undo.pop() else {
                    break;
                };
                self.ns_steps = self.ns_steps.saturating_add(1);
                match prev {
                    Some(u) => {
                        self.in_effect.insert(p, u);
                    }
                    None => self.in_effect.remove(p),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, c: &C14n, id: Option<&str>) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let subset = match id {
            None => Subset::Document(&doc),
            Some(id) => Subset::Element(
                doc.descendants()
                    .find(|n| n.attribute("ID") == Some(id))
                    .unwrap(),
            ),
        };
        String::from_utf8(to_vec(subset, None, c)).unwrap()
    }

    #[test]
    fn w3c_c14n_3_1_pis_and_document_level() {
        let xml = "<?xml version=\"1.0\"?>\n\n<?xml-stylesheet   href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n\n<doc>Hello, world!<!-- Comment 1 --></doc>\n\n<?pi-without-data     ?>\n\n<!-- Comment 2 -->\n\n<!-- Comment 3 -->";
        assert_eq!(
            c14n(xml, &C14n::inclusive(), None),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>"
        );
        let mut with = C14n::inclusive();
        with.with_comments = true;
        assert_eq!(
            c14n(xml, &with, None),
            "<?xml-stylesheet href=\"doc.xsl\"\n   type=\"text/xsl\"   ?>\n<doc>Hello, world!<!-- Comment 1 --></doc>\n<?pi-without-data?>\n<!-- Comment 2 -->\n<!-- Comment 3 -->"
        );
    }

    #[test]
    fn w3c_c14n_3_3_start_and_end_tags() {
        let xml = r#"<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>"#;
        let expected = r#"<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>"#;
        assert_eq!(c14n(xml, &C14n::inclusive(), None), expected);
    }

    #[test]
    fn escaping_text_and_attributes() {
        let xml =
            "<a b=\"&lt;&amp;&quot;&#9;&#10;&#13;'>\">x&amp;&lt;&gt;&#13;\"'<![CDATA[<&>]]></a>";
        assert_eq!(
            c14n(xml, &C14n::exclusive(), None),
            "<a b=\"&lt;&amp;&quot;&#x9;&#xA;&#xD;'>\">x&amp;&lt;&gt;&#xD;\"'&lt;&amp;&gt;</a>"
        );
    }

    #[test]
    fn exclusive_renders_only_visibly_used() {
        let xml = r#"<r xmlns:md="urn:md" xmlns:ds="urn:ds" xmlns:x="urn:x"><md:E ID="e" x:a="1"><ds:S/><md:F/></md:E></r>"#;
        assert_eq!(
            c14n(xml, &C14n::exclusive(), Some("e")),
            r#"<md:E xmlns:md="urn:md" xmlns:x="urn:x" ID="e" x:a="1"><ds:S xmlns:ds="urn:ds"></ds:S><md:F></md:F></md:E>"#
        );
        let c = C14n::exclusive().with_prefix_list("ds #default");
        assert_eq!(
            c14n(xml, &c, Some("e")),
            r#"<md:E xmlns:ds="urn:ds" xmlns:md="urn:md" xmlns:x="urn:x" ID="e" x:a="1"><ds:S></ds:S><md:F></md:F></md:E>"#
        );
        // Inclusive on the subset: every in-scope namespace on the apex.
        assert_eq!(
            c14n(xml, &C14n::inclusive(), Some("e")),
            r#"<md:E xmlns:ds="urn:ds" xmlns:md="urn:md" xmlns:x="urn:x" ID="e" x:a="1"><ds:S></ds:S><md:F></md:F></md:E>"#
        );
    }

    #[test]
    fn exclusive_default_namespace_undeclared_only_when_needed() {
        let xml = r#"<a xmlns="urn:a"><b xmlns=""><c/></b></a>"#;
        assert_eq!(
            c14n(xml, &C14n::exclusive(), None),
            r#"<a xmlns="urn:a"><b xmlns=""><c></c></b></a>"#
        );
        let xml = r#"<p xmlns="urn:a"><q ID="q"><r xmlns=""/></q></p>"#;
        assert_eq!(
            c14n(xml, &C14n::exclusive(), Some("q")),
            r#"<q xmlns="urn:a" ID="q"><r xmlns=""></r></q>"#
        );
    }

    #[test]
    fn same_uri_two_prefixes_keeps_written_prefix() {
        let xml = r#"<md:E xmlns="urn:md" xmlns:md="urn:md"><K/><md:K/></md:E>"#;
        assert_eq!(
            c14n(xml, &C14n::exclusive(), None),
            r#"<md:E xmlns:md="urn:md"><K xmlns="urn:md"></K><md:K></md:K></md:E>"#
        );
    }

    #[test]
    fn inclusive_inherits_xml_attributes_on_apex() {
        let xml = r#"<r xml:lang="en" xml:space="preserve"><e ID="e" xml:lang="fr"><f/></e></r>"#;
        assert_eq!(
            c14n(xml, &C14n::inclusive(), Some("e")),
            r#"<e ID="e" xml:lang="fr" xml:space="preserve"><f></f></e>"#
        );
        assert_eq!(
            c14n(xml, &C14n::exclusive(), Some("e")),
            r#"<e ID="e" xml:lang="fr"><f></f></e>"#
        );
    }

    #[test]
    fn excluded_subtree_is_left_out_and_deep_nesting_is_fine() {
        let xml = r#"<a ID="x"> <s><t/></s> <b/></a>"#;
        let doc = roxmltree::Document::parse(xml).unwrap();
        let s = doc.descendants().find(|n| n.has_tag_name("s")).unwrap();
        let out = to_vec(Subset::Document(&doc), Some(s), &C14n::exclusive());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<a ID="x">  <b></b></a>"#
        );
        let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        let out = c14n(&deep, &C14n::exclusive(), None);
        assert_eq!(out, format!("{}{}", "<a>".repeat(200), "</a>".repeat(200)));
    }

    #[test]
    fn line_breaks_in_pis_and_comments_are_normalized_in_every_mode() {
        // Outside and inside the root, CR LF and lone CR, in PI data and comment text.
        let xml = "<?top a\r\nb\rc?>\r\n<!--x\r\ny\rz-->\r\n<r ID=\"r\">t\r\n<?pi one\r\ntwo\r\r\nthree?><!--c\r\nd\re--><e ID=\"e\"><?in p\r\nq?><!--u\rv--></e></r>\r\n<?end\tz\r\n?>";
        let mut modes = Vec::new();
        for exclusive in [false, true] {
            for with_comments in [false, true] {
                let mut c = if exclusive {
                    C14n::exclusive()
                } else {
                    C14n::inclusive()
                };
                c.with_comments = with_comments;
                modes.push(c.clone());
                modes.push(c.with_prefix_list("#default"));
            }
        }
        for c in &modes {
            let doc = c14n(xml, c, None);
            let sub = c14n(xml, c, Some("e"));
            for out in [&doc, &sub] {
                assert!(!out.contains('\r'), "{c:?}: {out:?}");
            }
            let (com_doc, com_sub) = if c.with_comments {
                ("<!--x\ny\nz-->\n", "<!--c\nd\ne-->")
            } else {
                ("", "")
            };
            let want = format!(
                "<?top a\nb\nc?>\n{com_doc}<r ID=\"r\">t\n<?pi one\ntwo\n\nthree?>{com_sub}<e ID=\"e\"><?in p\nq?>{}</e></r>\n<?end z\n?>",
                if c.with_comments { "<!--u\nv-->" } else { "" }
            );
            assert_eq!(doc, want, "{c:?}");
            let want_sub = format!(
                "<e ID=\"e\"><?in p\nq?>{}</e>",
                if c.with_comments { "<!--u\nv-->" } else { "" }
            );
            assert_eq!(sub, want_sub, "{c:?}");
        }
    }

    #[test]
    fn relative_namespace_uris_are_found_and_refused() {
        for (uri, relative) in [
            ("foo", true),
            ("../a", true),
            ("/abs/path", true),
            ("//host/x", true),
            ("#frag", true),
            ("?q", true),
            ("1a:b", true),
            ("a_b:c", true),
            ("", false),
            ("urn:x", false),
            ("http://e/", false),
            ("foo:bar", false),
            ("a+b-c.d:e", false),
            ("urn:a&b", false),
        ] {
            assert_eq!(is_relative_uri(uri), relative, "{uri:?}");
        }
        let xml = "<r xmlns=\"urn:d\">\n <a xmlns:x=\"urn:x\" xmlns:b=\"foo\"><c xmlns=\"\"><d xmlns=\"rel/x\"/></c></a></r>";
        let doc = roxmltree::Document::parse(xml).unwrap();
        let all = relative_namespaces(&doc);
        let decls: Vec<&str> = all.iter().map(|r| r.declaration.as_str()).collect();
        assert_eq!(decls, ["xmlns:b=\"foo\"", "xmlns=\"rel/x\""]);
        assert_eq!(all[0].offset, xml.find("xmlns:b").unwrap());
        assert_eq!(all[0].element, "a");
        assert_eq!(all[1].offset, xml.find("xmlns=\"rel").unwrap());
        assert_eq!(first_relative_namespace(&doc), Some(all[0].clone()));
        let e = try_to_vec(Subset::Document(&doc), None, &C14n::exclusive()).unwrap_err();
        assert!(e.to_string().contains("xmlns:b=\"foo\" on <a>"), "{e}");
        // Anywhere in the document, also outside the subset.
        let c = doc.descendants().find(|n| n.has_tag_name("c")).unwrap();
        assert!(try_to_vec(Subset::Element(c), None, &C14n::inclusive()).is_err());
        // `xmlns=""` and absolute URIs are fine.
        let doc = roxmltree::Document::parse(
            "<r xmlns=\"urn:d\"><c xmlns=\"\" xmlns:q=\"urn:q&amp;x\"/></r>",
        )
        .unwrap();
        assert!(relative_namespaces(&doc).is_empty());
        assert_eq!(
            try_to_vec(Subset::Document(&doc), None, &C14n::inclusive()).unwrap(),
            b"<r xmlns=\"urn:d\"><c xmlns=\"\" xmlns:q=\"urn:q&amp;x\"></c></r>"
        );
    }
}
