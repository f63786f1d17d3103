//! Issue 15, canonicalization and signature verification cost.
//!
//! - The namespace bookkeeping of c14n is differential-tested against the straightforward
//!   algorithm it replaced (`oracle` below: every element walks every namespace in scope
//!   and searches those already rendered) on generated documents: byte-identical output.
//! - For each input class a generator builds inputs at n, 4n and 16n; the tests assert that
//!   the deterministic work counts ([`c14n::Work`], [`dsig::Report::c14n_units`]) grow
//!   linearly (at most about 6x per 4x), or that the cap stops them. Never wall-clock time.
//! - Each new limit has a test at the limit (accepted) and past it (an error naming the
//!   limit, with a position; exit 2 from the CLI).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use samlcheck::dsig::c14n::{self, C14n, Subset};
use samlcheck::dsig::{self, Failure, Trust, Violation};
use samlcheck::xml::XmlDoc;
use samlcheck::{Error, Limits};

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const INC: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";

// ---------------------------------------------------------------------------------------
// The oracle: the previous implementation's namespace rules, written plainly.

mod oracle {
    use roxmltree::{Node, NodeType};

    const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

    pub struct Opts<'l> {
        pub exclusive: bool,
        pub comments: bool,
        pub list: &'l [String],
    }

    fn esc(s: &str, attr: bool, out: &mut String) {
        for c in s.chars() {
            match (c, attr) {
                ('&', _) => out.push_str("&amp;"),
                ('<', _) => out.push_str("&lt;"),
                ('>', false) => out.push_str("&gt;"),
                ('"', true) => out.push_str("&quot;"),
                ('\t', true) => out.push_str("&#x9;"),
                ('\n', true) => out.push_str("&#xA;"),
                ('\r', _) => out.push_str("&#xD;"),
                _ => out.push(c),
            }
        }
    }

    fn qname<'a>(n: Node<'a, 'a>) -> &'a str {
        let t = n.document().input_text();
        let rest = &t[n.range().start + 1..];
        let end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap();
        &rest[..end]
    }

    fn prefix(q: &str) -> &str {
        q.split_once(':').map_or("", |(p, _)| p)
    }

    struct W<'a, 'o> {
        o: &'o Opts<'o>,
        out: String,
        rendered: Vec<(&'a str, &'a str)>,
        excluded: Option<roxmltree::NodeId>,
    }

    impl<'a> W<'a, '_> {
        fn lookup(&self, p: &str) -> &'a str {
            self.rendered
                .iter()
                .rev()
                .find(|(q, _)| *q == p)
                .map_or("", |(_, u)| u)
        }

        fn consider(&self, out: &mut Vec<(&'a str, &'a str)>, p: &'a str, u: &'a str) {
            if p == "xml" || out.iter().any(|(q, _)| *q == p) {
                return;
            }
            if self.lookup(p) != u {
                out.push((p, u));
            }
        }

        fn element(&mut self, n: Node<'a, 'a>, apex: bool) {
            if Some(n.id()) == self.excluded {
                return;
            }
            let text = n.document().input_text();
            let q = qname(n);
            let mut attrs: Vec<(&str, &str, &str, &str)> = n
                .attributes()
                .map(|a| {
                    (
                        a.namespace().unwrap_or(""),
                        a.name(),
                        &text[a.range_qname()],
                        a.value(),
                    )
                })
                .collect();
            let mut nsout = Vec::new();
            if self.o.exclusive {
                self.consider(
                    &mut nsout,
                    prefix(q),
                    n.tag_name().namespace().unwrap_or(""),
                );
                for &(u, _, aq, _) in &attrs {
                    if !prefix(aq).is_empty() {
                        self.consider(&mut nsout, prefix(aq), u);
                    }
                }
                for want in self.o.list {
                    if want.is_empty() {
                        self.consider(&mut nsout, "", n.default_namespace().unwrap_or(""));
                    } else if let Some(ns) = n.namespaces().find(|x| x.name() == Some(want)) {
                        self.consider(&mut nsout, ns.name().unwrap(), ns.uri());
                    }
                }
            } else {
                for ns in n.namespaces() {
                    self.consider(&mut nsout, ns.name().unwrap_or(""), ns.uri());
                }
                self.consider(&mut nsout, "", n.default_namespace().unwrap_or(""));
                if apex {
                    for anc in n.ancestors().skip(1).filter(|a| a.is_element()) {
                        for a in anc.attributes() {
                            if a.namespace() == Some(XML_NS)
                                && !attrs.iter().any(|x| x.0 == XML_NS && x.1 == a.name())
                            {
                                attrs.push((XML_NS, a.name(), &text[a.range_qname()], a.value()));
                            }
                        }
                    }
                }
            }
            nsout.sort_by(|a, b| a.0.cmp(b.0));
            attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
            let mark = self.rendered.len();
            self.rendered.extend_from_slice(&nsout);
            self.out.push('<');
            self.out.push_str(q);
            for (p, u) in nsout {
                if p.is_empty() {
                    self.out.push_str(" xmlns=\"");
                } else {
                    self.out.push_str(" xmlns:");
                    self.out.push_str(p);
                    self.out.push_str("=\"");
                }
                esc(u, true, &mut self.out);
                self.out.push('"');
            }
            for (_, _, aq, v) in attrs {
                self.out.push(' ');
                self.out.push_str(aq);
                self.out.push_str("=\"");
                esc(v, true, &mut self.out);
                self.out.push('"');
            }
            self.out.push('>');
            for c in n.children() {
                if c.is_element() {
                    self.element(c, false);
                } else if Some(c.id()) != self.excluded {
                    self.leaf(c);
                }
            }
            self.out.push_str("</");
            self.out.push_str(q);
            self.out.push('>');
            self.rendered.truncate(mark);
        }

        fn leaf(&mut self, c: Node<'a, 'a>) {
            match c.node_type() {
                NodeType::Text => esc(c.text().unwrap(), false, &mut self.out),
                NodeType::Comment if self.o.comments => {
                    self.out.push_str("<!--");
                    self.out.push_str(c.text().unwrap());
                    self.out.push_str("-->");
                }
                NodeType::PI => {
                    let pi = c.pi().unwrap();
                    self.out.push_str("<?");
                    self.out.push_str(pi.target);
                    if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
                        self.out.push(' ');
                        self.out.push_str(v);
                    }
                    self.out.push_str("?>");
                }
                _ => {}
            }
        }
    }

    /// Canonical form of an element subset (or the whole document with `None`).
    pub fn c14n<'a>(
        doc: &'a roxmltree::Document<'a>,
        apex: Option<Node<'a, 'a>>,
        excluded: Option<Node<'a, 'a>>,
        o: &Opts<'_>,
    ) -> String {
        let mut w = W {
            o,
            out: String::new(),
            rendered: Vec::new(),
            excluded: excluded.map(|e| e.id()),
        };
        match apex {
            Some(n) => w.element(n, true),
            None => {
                let mut before = true;
                for c in doc.root().children() {
                    match c.node_type() {
                        NodeType::Element => {
                            w.element(c, true);
                            before = false;
                        }
                        NodeType::PI | NodeType::Comment => {
                            if c.is_comment() && !o.comments {
                                continue;
                            }
                            if !before {
                                w.out.push('\n');
                            }
                            w.leaf(c);
                            if before {
                                w.out.push('\n');
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        w.out
    }
}

/// xorshift64*: deterministic pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const PREFIXES: &[&str] = &["a", "b", "c", "ds", "md"];
const URIS: &[&str] = &[
    "urn:one",
    "urn:two",
    "urn:x&amp;y",
    "http://e.example/\"q\"",
];

/// Whitespace between the parts of a tag.
fn sp(r: &mut Rng) -> &'static str {
    [" ", "  ", "\n  ", "\t", " \r\n "][r.below(5)]
}

/// A value in one of the two quote styles, escaping what must be.
fn quoted(r: &mut Rng, v: &str) -> String {
    if r.chance(30) {
        format!("'{}'", v.replace('\'', "&apos;"))
    } else {
        format!("\"{}\"", v.replace('"', "&quot;"))
    }
}

fn gen_element(r: &mut Rng, depth: usize, in_scope: &mut Vec<String>, out: &mut String) {
    let mark = in_scope.len();
    let mut decls = String::new();
    let mut declared: Vec<&str> = Vec::new();
    for _ in 0..r.below(4) {
        match r.below(8) {
            0 => {
                if !declared.contains(&"") {
                    declared.push("");
                    let u = if r.chance(30) {
                        ""
                    } else {
                        URIS[r.below(URIS.len())]
                    };
                    decls += &format!("{}xmlns={}", sp(r), quoted(r, u));
                }
            }
            1 => {
                if !declared.contains(&"xml") {
                    declared.push("xml");
                    decls += &format!(
                        "{}xmlns:xml={}",
                        sp(r),
                        quoted(r, "http://www.w3.org/XML/1998/namespace")
                    );
                }
            }
            _ => {
                let p = PREFIXES[r.below(PREFIXES.len())];
                if !declared.contains(&p) {
                    declared.push(p);
                    let u = URIS[r.below(URIS.len())];
                    decls += &format!("{}xmlns:{p}={}", sp(r), quoted(r, u));
                    in_scope.push(p.to_string());
                }
            }
        }
    }
    let name = if !in_scope.is_empty() && r.chance(60) {
        format!("{}:e{}", in_scope[r.below(in_scope.len())], r.below(3))
    } else {
        format!("e{}", r.below(3))
    };
    let mut attrs = String::new();
    let mut used: Vec<String> = Vec::new();
    for _ in 0..r.below(4) {
        let an = match r.below(4) {
            0 if !in_scope.is_empty() => {
                format!("{}:t", in_scope[r.below(in_scope.len())])
            }
            1 => ["xml:lang", "xml:space", "xml:base"][r.below(3)].to_string(),
            _ => format!("v{}", r.below(4)),
        };
        if used.contains(&an) {
            continue;
        }
        used.push(an.clone());
        let v = ["x", "a>b", "it's \"q\"", "tab\there", "l1\nl2", "&amp;&lt;"][r.below(6)];
        attrs += &format!(
            "{}{an}{}={}{}",
            sp(r),
            if r.chance(20) { " " } else { "" },
            if r.chance(20) { " " } else { "" },
            quoted(r, v)
        );
    }
    // Declarations and attributes in either order.
    let inner = if r.chance(50) {
        format!("{decls}{attrs}")
    } else {
        format!("{attrs}{decls}")
    };
    out.push('<');
    out.push_str(&name);
    out.push_str(&inner);
    if depth == 0 || r.chance(20) {
        out.push_str(if r.chance(50) { "/>" } else { " />" });
    } else {
        out.push('>');
        for _ in 0..1 + r.below(3) {
            match r.below(6) {
                0 => out.push_str("t&amp;x\r\n"),
                1 => out.push_str("<!--c-->"),
                2 => out.push_str("<?pi v?>"),
                _ => gen_element(r, depth - 1, in_scope, out),
            }
        }
        out.push_str("</");
        out.push_str(&name);
        out.push('>');
    }
    in_scope.truncate(mark);
}

fn gen_doc(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut s = String::new();
    if r.chance(30) {
        s.push_str("<?top x?>\n<!--before-->");
    }
    gen_element(&mut r, 4, &mut Vec::new(), &mut s);
    if r.chance(30) {
        s.push_str("<!--after--><?end?>");
    }
    s
}

fn variants() -> Vec<C14n> {
    let mut v = Vec::new();
    for exclusive in [true, false] {
        for with_comments in [false, true] {
            let mut c = if exclusive {
                C14n::exclusive()
            } else {
                C14n::inclusive()
            };
            c.with_comments = with_comments;
            v.push(c.clone());
            if exclusive {
                v.push(c.clone().with_prefix_list("a #default"));
                v.push(c.clone().with_prefix_list("ds md b xml c"));
            }
        }
    }
    v
}

fn ours(subset: Subset<'_, '_>, excluded: Option<roxmltree::Node<'_, '_>>, c: &C14n) -> String {
    String::from_utf8(c14n::to_vec(subset, excluded, c)).unwrap()
}

#[test]
fn output_is_byte_identical_to_the_straightforward_algorithm() {
    let mut docs = 0;
    let mut compared = 0;
    for seed in 1..=400u64 {
        let text = gen_doc(seed);
        let Ok(doc) = roxmltree::Document::parse(&text) else {
            continue;
        };
        docs += 1;
        for c in variants() {
            let o = oracle::Opts {
                exclusive: c.exclusive,
                comments: c.with_comments,
                list: &c.inclusive_prefixes,
            };
            assert_eq!(
                ours(Subset::Document(&doc), None, &c),
                oracle::c14n(&doc, None, None, &o),
                "document, {} {:?}\n{text}",
                c.uri(),
                c.inclusive_prefixes
            );
            for n in doc.descendants().filter(|n| n.is_element()) {
                assert_eq!(
                    ours(Subset::Element(n), None, &c),
                    oracle::c14n(&doc, Some(n), None, &o),
                    "element at {}, {} {:?}\n{text}",
                    n.range().start,
                    c.uri(),
                    c.inclusive_prefixes
                );
                let first = n.children().find(|k| k.is_element());
                assert_eq!(
                    ours(Subset::Element(n), first, &c),
                    oracle::c14n(&doc, Some(n), first, &o),
                    "element at {} with exclusion, {}\n{text}",
                    n.range().start,
                    c.uri()
                );
                compared += 1;
            }
        }
    }
    // More prefixes in effect than the short list holds (the map takes over), and back.
    for text in [
        many_rendered(40),
        many_in_scope(40),
        declarations_everywhere(200),
        format!("<w>{}<p0:z xmlns:p0=\"urn:z\"/></w>", many_rendered(30)),
    ] {
        let doc = roxmltree::Document::parse(&text).unwrap();
        for c in variants() {
            let o = oracle::Opts {
                exclusive: c.exclusive,
                comments: c.with_comments,
                list: &c.inclusive_prefixes,
            };
            for n in doc.descendants().filter(|n| n.is_element()).take(50) {
                assert_eq!(
                    ours(Subset::Element(n), None, &c),
                    oracle::c14n(&doc, Some(n), None, &o),
                    "{}",
                    c.uri()
                );
            }
        }
    }
    // The generator must produce mostly well-formed documents, or this tests little.
    assert!(docs > 300, "only {docs} generated documents parsed");
    assert!(compared > 5_000, "{compared}");
}

// ---------------------------------------------------------------------------------------
// Growth of work with the input, per class.

/// Work of canonicalizing the whole document.
fn work(text: &str, c: &C14n) -> c14n::Work {
    let doc = roxmltree::Document::parse(text).unwrap();
    c14n::canonicalize_capped(Subset::Document(&doc), None, c, u64::MAX, &mut |_| {}).unwrap()
}

/// Asserts each 4x step of input grows `f` by at most 6x (linear is 4x), and returns the
/// growth factors.
fn assert_linear(what: &str, n: usize, f: impl Fn(usize) -> (usize, u64)) -> Vec<f64> {
    let sizes = [n, 4 * n, 16 * n];
    let runs: Vec<(usize, u64)> = sizes.iter().map(|&k| f(k)).collect();
    let mut factors = Vec::new();
    for w in runs.windows(2) {
        let (len0, u0) = w[0];
        let (len1, u1) = w[1];
        assert!(
            len1 >= 3 * len0,
            "{what}: the input did not grow ({len0} -> {len1})"
        );
        let g = u1 as f64 / u0.max(1) as f64;
        assert!(
            g <= 6.0,
            "{what}: work grew {g:.1}x for 4x input ({u0} -> {u1} units; inputs {len0} -> {len1} bytes)"
        );
        factors.push(g);
    }
    factors
}

/// Inclusive c14n, many namespaces in scope, many elements: each element used to walk all
/// the namespaces in scope and search those rendered (n x m).
fn many_in_scope(k: usize) -> String {
    let decls: String = (0..k)
        .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
        .collect();
    let kids: String = (0..k).map(|i| format!("<c n=\"{i}\"><d/></c>")).collect();
    format!("<r{decls}>{kids}</r>")
}

#[test]
fn inclusive_with_many_namespaces_in_scope_is_linear() {
    let f = assert_linear("inclusive, namespaces in scope x elements", 500, |k| {
        let t = many_in_scope(k);
        (t.len(), work(&t, &C14n::inclusive()).units())
    });
    // Namespace steps alone: the root's declarations once, nothing per element.
    let w = work(&many_in_scope(2_000), &C14n::inclusive());
    assert!(w.ns_steps < 3 * 2_000 + 10, "{w:?}");
    assert!(f.iter().all(|g| *g > 3.0), "{f:?}");
}

/// The same document with an exclusive PrefixList naming every declared prefix.
fn long_prefix_list(k: usize) -> (String, C14n) {
    let list: Vec<String> = (0..k).map(|i| format!("p{i}")).collect();
    (
        many_in_scope(k),
        C14n::exclusive().with_prefix_list(&list.join(" ")),
    )
}

#[test]
fn exclusive_with_a_long_prefix_list_is_linear() {
    assert_linear("exclusive PrefixList entries x elements", 500, |k| {
        let (t, c) = long_prefix_list(k);
        (t.len(), work(&t, &c).units())
    });
    let (t, c) = long_prefix_list(2_000);
    let w = work(&t, &c);
    // The list and the root's declarations once, one lookup per element.
    assert!(w.ns_steps < 4 * 2_000 + 4 * 2_000 + 10, "{w:?}");
    // Every listed prefix is rendered once, on the root.
    let doc = roxmltree::Document::parse(&t).unwrap();
    let out = ours(Subset::Document(&doc), None, &c);
    assert_eq!(out.matches("xmlns:").count(), 2_000);
}

/// Elements that each declare their own namespace (what changes between an element and its
/// parent), nested in chains of 100 (the depth limit is 256).
fn declarations_everywhere(k: usize) -> String {
    let mut s = String::from("<r>");
    for i in 0..k / 100 {
        for j in 0..100 {
            s += &format!("<q:e xmlns:q=\"urn:{i}:{j}\" xmlns=\"urn:d{j}\">");
        }
        s += &"</q:e>".repeat(100);
    }
    s + "</r>"
}

#[test]
fn declarations_on_every_element_are_linear() {
    for c in [
        C14n::exclusive(),
        C14n::inclusive(),
        C14n::exclusive().with_prefix_list("q #default"),
    ] {
        assert_linear("one declaration per element", 1_000, |k| {
            let t = declarations_everywhere(k);
            (t.len(), work(&t, &c).units())
        });
    }
}

/// Exclusive c14n where the root renders many distinct prefixes and every element below
/// looks one up: a lookup used to scan all rendered declarations.
fn many_rendered(k: usize) -> String {
    let decls: String = (0..k)
        .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
        .collect();
    let attrs: String = (0..k).map(|i| format!(" p{i}:a=\"v\"")).collect();
    let kids = "<p0:k/>".repeat(k);
    format!("<r{decls}{attrs}>{kids}</r>")
}

#[test]
fn lookups_among_many_rendered_prefixes_are_linear() {
    assert_linear("rendered prefixes x lookups", 500, |k| {
        let t = many_rendered(k);
        (t.len(), work(&t, &C14n::exclusive()).units())
    });
}

/// The amplification class: a long namespace URI declared once and used by many elements
/// that exclusive c14n re-declares it on, one by one.
fn amplifying(uri_len: usize, elements: usize) -> String {
    let uri = format!("urn:{}", "u".repeat(uri_len));
    format!(
        "<r xmlns:p=\"{uri}\">{}</r>",
        "<x><p:a/></x>".repeat(elements)
    )
}

#[test]
fn amplification_is_what_the_cap_stops() {
    // Uncapped, the canonical output is elements x URI length: quadratic in the input.
    let w = work(&amplifying(2_000, 2_000), &C14n::exclusive());
    assert!(w.bytes > 4_000_000, "{w:?}");
    // Capped at a multiple of the input, the work done stays linear in the input.
    assert_linear("capped amplification", 250, |k| {
        let t = amplifying(k, k);
        let doc = roxmltree::Document::parse(&t).unwrap();
        let cap = 8 * t.len() as u64;
        let o = c14n::canonicalize_capped(
            Subset::Document(&doc),
            None,
            &C14n::exclusive(),
            cap,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(o.work.bytes <= cap);
        (t.len(), o.work.units())
    });
}

// ---------------------------------------------------------------------------------------
// Verification: crafted signed documents (no valid signature is needed: the digest is
// computed before any key is checked).

/// A structurally complete enveloped signature over `URI=""` (values are not real).
fn signature(c14n_uri: &str, prefix_list: Option<&str>) -> String {
    let incl = prefix_list.map_or(String::new(), |l| {
        format!("<ec:InclusiveNamespaces xmlns:ec=\"{EXC}\" PrefixList=\"{l}\"/>")
    });
    format!(
        "<ds:Signature xmlns:ds=\"{DS}\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC}\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/><ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"{c14n_uri}\">{incl}</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>"
    )
}

/// Signed SP metadata whose `Extensions` hold `body`; the root declares `decls`.
fn signed_md(decls: &str, sig: &str, body: &str) -> String {
    format!(
        "<md:EntityDescriptor xmlns:md=\"{MD}\"{decls} entityID=\"https://sp.example/\">\n{sig}\n<md:Extensions>{body}</md:Extensions>\n<md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://sp.example/acs\" index=\"0\"/></md:SPSSODescriptor>\n</md:EntityDescriptor>\n"
    )
}

/// Metadata that exclusive c14n amplifies: `n` elements re-declaring a URI of `len` bytes.
fn amplifying_md(len: usize, n: usize) -> String {
    let uri = format!("urn:{}", "u".repeat(len));
    signed_md(
        &format!(" xmlns:p=\"{uri}\""),
        &signature(EXC, None),
        &"<p:a/>".repeat(n),
    )
}

/// Default limits with the reader's per-element and in-scope namespace caps lifted, so that
/// c14n's own bookkeeping can be measured on inputs the reader would refuse.
fn reader_caps_lifted() -> Limits {
    let mut l = Limits::default();
    l.max_namespaces_per_element = u32::MAX;
    l.max_namespaces_in_scope = u32::MAX;
    l.max_attributes_per_element = u32::MAX;
    l
}

fn verify(text: &str, limits: &Limits) -> (Option<Error>, Vec<Result<(), Failure>>, u64) {
    let doc = XmlDoc::parse(text, limits).unwrap();
    let r = dsig::verify_with_limits(&doc, &Trust::embedded(), limits);
    (
        r.limit_exceeded().cloned(),
        r.signatures
            .iter()
            .map(|c| c.outcome.as_ref().map(|_| ()).map_err(Clone::clone))
            .collect(),
        r.c14n_units(),
    )
}

fn limit_what(e: &Error) -> (&'static str, u64) {
    match e {
        Error::LimitExceeded { what, limit, .. } => (what, *limit),
        other => panic!("not a limit error: {other}"),
    }
}

/// Canonical bytes of the reference of a document signed over `URI=""`.
fn reference_bytes(text: &str) -> u64 {
    let doc = roxmltree::Document::parse(text).unwrap();
    let sig = doc
        .descendants()
        .find(|n| n.has_tag_name((DS, "Signature")))
        .unwrap();
    c14n::canonicalize_capped(
        Subset::Document(&doc),
        Some(sig),
        &C14n::exclusive(),
        u64::MAX,
        &mut |_| {},
    )
    .unwrap()
    .bytes
}

#[test]
fn output_factor_at_the_limit_and_past_it() {
    let text = amplifying_md(300, 200);
    let len = text.len() as u64;
    let out = reference_bytes(&text);
    assert!(
        out > 8 * len,
        "the generator must amplify past the default: {out} vs {len}"
    );
    // At the limit: the cap is the canonical size rounded up to a multiple of the input.
    let mut l = Limits::default();
    l.max_c14n_output_factor = out.div_ceil(len);
    let (err, outcomes, units) = verify(&text, &l);
    assert!(err.is_none(), "{err:?}");
    assert!(
        matches!(outcomes[..], [Err(Failure::DigestMismatch { .. })]),
        "{outcomes:?}"
    );
    assert!(units >= out);
    // Past it.
    l.max_c14n_output_factor -= 1;
    let (err, outcomes, _) = verify(&text, &l);
    let e = err.expect("limit error");
    let (what, limit) = limit_what(&e);
    assert!(what.contains("max_c14n_output_factor"), "{e}");
    assert_eq!(limit, l.max_c14n_output_factor * len);
    assert!(matches!(outcomes[..], [Err(Failure::LimitExceeded(_))]));
    // Positioned: at an element of the amplifying run, on line 3.
    assert_eq!(e.pos().unwrap().line, 3, "{e}");
    assert!(e.to_string().contains("exceeds the limit of"), "{e}");
    // With the default limits, the same.
    let (err, ..) = verify(&text, &Limits::default());
    assert!(limit_what(&err.unwrap())
        .0
        .contains("max_c14n_output_factor"));
}

#[test]
fn output_bytes_at_the_limit_and_past_it() {
    // Not amplifying: the absolute ceiling is below the factor's cap.
    let text = amplifying_md(10, 50);
    let out = reference_bytes(&text);
    assert!(out < 8 * text.len() as u64);
    let mut l = Limits::default();
    l.max_c14n_output_bytes = out;
    let (err, outcomes, _) = verify(&text, &l);
    assert!(err.is_none(), "{err:?}");
    assert!(
        matches!(outcomes[..], [Err(Failure::DigestMismatch { .. })]),
        "{outcomes:?}"
    );
    l.max_c14n_output_bytes = out - 1;
    let (err, outcomes, units) = verify(&text, &l);
    let e = err.expect("limit error");
    assert_eq!(
        limit_what(&e),
        (
            "canonical bytes of one signature reference (Limits::max_c14n_output_bytes)",
            out - 1
        )
    );
    assert!(e.pos().is_some());
    assert!(matches!(outcomes[..], [Err(Failure::LimitExceeded(_))]));
    // The work stopped at the cap.
    assert!(units < 2 * out, "{units}");
}

fn prefix_list_md(k: usize) -> String {
    let list: Vec<String> = (0..k).map(|i| format!("p{i}")).collect();
    signed_md("", &signature(EXC, Some(&list.join(" "))), "")
}

#[test]
fn prefix_list_at_the_limit_and_past_it() {
    let mut l = Limits::default();
    l.max_prefix_list = 40;
    let (err, outcomes, _) = verify(&prefix_list_md(40), &l);
    assert!(err.is_none(), "{err:?}");
    assert!(
        matches!(outcomes[..], [Err(Failure::DigestMismatch { .. })]),
        "{outcomes:?}"
    );
    let (err, outcomes, _) = verify(&prefix_list_md(41), &l);
    let e = err.expect("limit error");
    assert_eq!(
        limit_what(&e),
        (
            "prefixes in one InclusiveNamespaces PrefixList (Limits::max_prefix_list)",
            40
        )
    );
    // At the InclusiveNamespaces element (line 2, after the Transform's start).
    let text = prefix_list_md(41);
    let line2 = text.lines().nth(1).unwrap();
    let col = line2[..line2.find("<ec:InclusiveNamespaces").unwrap()]
        .chars()
        .count() as u32
        + 1;
    assert_eq!(
        (e.pos().unwrap().line, e.pos().unwrap().col),
        (2, col),
        "{e}"
    );
    assert!(matches!(outcomes[..], [Err(Failure::LimitExceeded(_))]));
    // The default is generous: 256 prefixes pass, 257 do not.
    assert!(verify(&prefix_list_md(256), &Limits::default()).0.is_none());
    assert!(verify(&prefix_list_md(257), &Limits::default()).0.is_some());
}

/// An aggregate of `n` entities, each signed (crafted signatures) and each inheriting `m`
/// namespaces that inclusive c14n renders on every signed entity: the many-references
/// class.
fn many_signed_entities(n: usize, m: usize) -> String {
    let decls: String = (0..m)
        .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
        .collect();
    let ents: String = (0..n)
        .map(|i| {
            // `ds` is declared on the root: a Signature declaring it would make roxmltree
            // copy the m inherited namespaces (a cost of the reader, not of c14n).
            let sig = signature(INC, None)
                .replace(&format!(" xmlns:ds=\"{DS}\""), "")
                .replace("URI=\"\"", &format!("URI=\"#e{i}\""));
            format!("<md:EntityDescriptor ID=\"e{i}\" entityID=\"https://e{i}.example/\">{sig}<md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>")
        })
        .collect();
    format!("<md:EntitiesDescriptor xmlns:md=\"{MD}\" xmlns:ds=\"{DS}\"{decls}>{ents}</md:EntitiesDescriptor>")
}

#[test]
fn many_signatures_share_one_budget() {
    // Uncapped, n signed entities x m inherited namespaces is quadratic; the document's
    // budget (work factor x size + 1 MiB) keeps the total linear.
    // The reader's namespace caps would refuse these documents before c14n runs (that is
    // tested in tests/linear_reader.rs); lift them to measure c14n itself.
    let mut l = reader_caps_lifted();
    l.max_c14n_work_factor = 4;
    assert_linear("signatures x inherited namespaces", 100, |k| {
        let t = many_signed_entities(k, k);
        let (err, _, units) = verify(&t, &l);
        assert!(err.is_none(), "{err:?}");
        assert!(
            units <= 4 * t.len() as u64 + (1 << 20) + 8 * t.len() as u64,
            "{units}"
        );
        (t.len(), units.max(1 << 20))
    });
}

#[test]
fn work_factor_at_the_limit_and_past_it() {
    // Two signatures (the root's and an entity's) over about 1.2 MB: the first costs more
    // than the 1 MiB slack.
    let pad = "<x>pad</x>".repeat(120_000);
    let ent = format!(
        "<md:EntityDescriptor ID=\"e\" entityID=\"https://e.example/\">{}<md:Extensions>{pad}</md:Extensions></md:EntityDescriptor>",
        signature(EXC, None).replace("URI=\"\"", "URI=\"#e\"")
    );
    let text = format!(
        "<md:EntitiesDescriptor xmlns:md=\"{MD}\">{}{ent}</md:EntitiesDescriptor>",
        signature(EXC, None)
    );
    let mut l = Limits::default();
    l.max_c14n_work_factor = 1;
    let (err, outcomes, _) = verify(&text, &l);
    assert!(err.is_none());
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Err(Failure::DigestMismatch { .. }))),
        "{outcomes:?}"
    );
    l.max_c14n_work_factor = 0;
    let (err, outcomes, _) = verify(&text, &l);
    // Not an error: the signatures after the budget are reported as not checked.
    assert!(err.is_none());
    assert!(matches!(outcomes[0], Err(Failure::DigestMismatch { .. })));
    assert_eq!(outcomes[1], Err(Failure::Profile(Violation::WorkLimit)));
    assert!(Failure::Profile(Violation::WorkLimit)
        .to_string()
        .contains("Limits::max_c14n_work_factor"));
}

#[test]
fn every_signed_corpus_file_verifies_within_the_default_limits() {
    let Some(dir) = std::env::var_os("SAMLCHECK_CORPUS")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
            p.is_dir().then_some(p)
        })
        .or_else(|| {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
            p.is_dir().then_some(p)
        })
    else {
        eprintln!("SKIPPED: no corpus at ../shared/corpus (set SAMLCHECK_CORPUS)");
        return;
    };
    let mut stack = vec![dir];
    let mut signed = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "xml") {
                continue;
            }
            let limits = Limits::default();
            let Ok(dec) = samlcheck::xml::read_path(&p, &limits) else {
                continue;
            };
            let Ok(doc) = XmlDoc::parse(dec.text(), &limits) else {
                continue;
            };
            let r = dsig::verify(&doc, &Trust::embedded());
            assert!(
                r.limit_exceeded().is_none(),
                "{}: {:?}",
                p.display(),
                r.limit_exceeded()
            );
            assert!(
                r.signatures
                    .iter()
                    .all(|c| !matches!(c.outcome, Err(Failure::Profile(Violation::WorkLimit)))),
                "{}",
                p.display()
            );
            // Real canonical output is about the input's size.
            assert!(
                r.c14n_units() <= 3 * doc.text().len() as u64 + 4096,
                "{}: {} units for {} bytes",
                p.display(),
                r.c14n_units(),
                doc.text().len()
            );
            signed += usize::from(!r.signatures.is_empty());
        }
    }
    assert!(signed > 50, "{signed}");
}

// ---------------------------------------------------------------------------------------
// The CLI: exit 2 and a positioned message naming the limit.

#[cfg(feature = "cli")]
fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

#[cfg(feature = "cli")]
fn exit2(args: &[&str], files: &[&str], needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<std::path::PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let p = dir.path().join(format!("in{i}.xml"));
            std::fs::write(&p, t).unwrap();
            p
        })
        .collect();
    let out = samlcheck().args(args).args(&paths).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(err.contains("exceeds the limit of"), "{err}");
    // Positioned: `FILE: ... at LINE:COL`.
    let tail = err.trim_end().rsplit(" at ").next().unwrap();
    let (line, col) = tail.split_once(':').unwrap();
    assert!(
        line.parse::<u32>().is_ok() && col.parse::<u32>().is_ok(),
        "{err}"
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_exits_2_past_the_output_factor() {
    let amp = amplifying_md(2_000, 2_000);
    exit2(&["verify"], &[&amp], "max_c14n_output_factor");
    exit2(&["lint"], &[&amp], "max_c14n_output_factor");
    let idp = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/entra-idp.xml"
    ))
    .unwrap();
    exit2(&["check"], &[&amp, &idp], "max_c14n_output_factor");
}

#[test]
#[cfg(feature = "cli")]
fn cli_exits_2_past_the_prefix_list_limit() {
    exit2(&["verify"], &[&prefix_list_md(257)], "max_prefix_list");
    exit2(&["lint"], &[&prefix_list_md(257)], "max_prefix_list");
}

#[test]
#[cfg(feature = "cli")]
fn cli_accepts_the_same_shapes_within_the_limits() {
    // Amplifying, but less than 8 times: verified as usual (not verified, exit 1, as the
    // crafted signature values are not real), never exit 2.
    let text = amplifying_md(20, 50);
    assert!(reference_bytes(&text) < 8 * text.len() as u64);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.xml");
    std::fs::write(&p, &text).unwrap();
    let out = samlcheck().arg("verify").arg(&p).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&p, prefix_list_md(256)).unwrap();
    let out = samlcheck().arg("verify").arg(&p).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// The crafted ~1 MiB inputs of the report (time and size before and after the fix):
// `SAMLCHECK_CRAFTED_DIR=/tmp/crafted cargo test --test linear_c14n -- --ignored`.

/// (file name, document): one per class, each under 1 MiB.
fn crafted_inputs() -> Vec<(&'static str, String)> {
    let inclusive = |m: usize, n: usize, c14n_uri: &str, list: Option<&str>| {
        let decls: String = (0..m)
            .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
            .collect();
        signed_md(&decls, &signature(c14n_uri, list), &"<c/>".repeat(n))
    };
    let list = |k: usize| {
        (0..k)
            .map(|i| format!("p{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rendered = {
        let k = 8_000;
        let decls: String = (0..k)
            .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
            .collect();
        let attrs: String = (0..k).map(|i| format!(" p{i}:a=\"v\"")).collect();
        signed_md(
            "",
            &signature(EXC, None),
            &format!("<r{decls}{attrs}>{}</r>", "<p0:k/>".repeat(60_000)),
        )
    };
    vec![
        // A 100 KB namespace URI re-declared by exclusive c14n on 150,000 elements.
        ("c14n-amplification.xml", amplifying_md(100_000, 150_000)),
        // Inclusive c14n, 5,000 namespaces in scope of 200,000 elements.
        (
            "c14n-inclusive-in-scope.xml",
            inclusive(5_000, 200_000, INC, None),
        ),
        // Exclusive c14n with a 256-prefix PrefixList (the default limit), 5,000
        // namespaces in scope of 200,000 elements.
        (
            "c14n-prefix-list-256.xml",
            inclusive(5_000, 200_000, EXC, Some(&list(256))),
        ),
        // The same with 5,000 prefixes: past the limit.
        (
            "c14n-prefix-list-5000.xml",
            inclusive(5_000, 200_000, EXC, Some(&list(5_000))),
        ),
        // 8,000 prefixes rendered on one element, 60,000 lookups below it.
        ("c14n-rendered-lookups.xml", rendered),
        // 600 signed entities, each inheriting 15,000 namespaces (inclusive c14n).
        (
            "c14n-many-references.xml",
            many_signed_entities(600, 15_000),
        ),
    ]
}

#[test]
fn crafted_inputs_stay_under_1_mib_and_within_the_limits() {
    for (name, text) in crafted_inputs() {
        assert!(text.len() <= 1 << 20, "{name}: {} bytes", text.len());
        // With the default limits the reader refuses the namespace-heavy ones outright (a
        // positioned limit error, as a CLI exit 2); with its caps lifted, c14n must still
        // stay within its own caps.
        let limits = Limits::default();
        if let Err(e) = XmlDoc::parse(&text, &limits) {
            assert!(matches!(e, Error::LimitExceeded { .. }), "{name}: {e:?}");
        }
        let limits = reader_caps_lifted();
        let doc = XmlDoc::parse(&text, &limits).unwrap();
        let r = dsig::verify_with_limits(&doc, &Trust::embedded(), &limits);
        // Bounded by the caps: the reference cap (8x), or the document's budget (4x + 1 MiB)
        // plus one reference.
        let len = text.len() as u64;
        assert!(
            r.c14n_units() <= 12 * len + (1 << 20) + 64,
            "{name}: {}",
            r.c14n_units()
        );
        let past = matches!(name, "c14n-amplification.xml" | "c14n-prefix-list-5000.xml");
        assert_eq!(r.limit_exceeded().is_some(), past, "{name}");
    }
}

#[test]
#[ignore = "writes the crafted inputs for measurements; set SAMLCHECK_CRAFTED_DIR"]
fn write_crafted_inputs() {
    let dir = std::env::var_os("SAMLCHECK_CRAFTED_DIR").expect("set SAMLCHECK_CRAFTED_DIR");
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in crafted_inputs() {
        std::fs::write(dir.join(name), text).unwrap();
    }
}
