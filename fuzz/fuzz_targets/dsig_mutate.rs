//! The `dsig_verify` fuzz target's body, shared with `tests/fuzz_regressions.rs` (included
//! with `#[path]`). See `dsig_verify.rs`.

#![allow(dead_code)]

use samlcheck::dsig::{self, c14n, SignOptions, SigningKey, Trust};
use samlcheck::xml::{self, ns, XmlDoc};
use samlcheck::Limits;
use std::ops::Range;
use std::sync::OnceLock;

const FIXTURES: &[&[u8]] = &[
    include_bytes!("../../tests/fixtures/entra-idp.xml"),
    include_bytes!("../../tests/fixtures/entra-idp-one-cert.xml"),
    include_bytes!("../../tests/fixtures/aggregate.xml"),
];

const KEYS: &[(&str, &str)] = &[
    (
        include_str!("../../tests/fixtures/keys/rsa2048.key.pem"),
        include_str!("../../tests/fixtures/keys/rsa2048.crt.pem"),
    ),
    (
        include_str!("../../tests/fixtures/keys/ec-p256.key.pem"),
        include_str!("../../tests/fixtures/keys/ec-p256.crt.pem"),
    ),
];

/// At most this many mutations per input.
const MAX_MUTATIONS: usize = 6;

struct Base {
    text: String,
    trust: Trust,
    /// Canonical bytes of every element signed (and verified) in the base document.
    signed: Vec<Vec<u8>>,
}

/// Canonical bytes of the element a verified signature names, with that signature left out.
fn signed_bytes(v: &dsig::Verified<'_>, sig: roxmltree::Node<'_, '_>) -> Vec<u8> {
    let c = c14n::C14n::from_uri(&v.info().reference_c14n).expect("verified c14n is known");
    c14n::to_vec(c14n::Subset::Element(v.node()), Some(sig), &c)
}

fn base(text: String) -> Base {
    let limits = Limits::default();
    let doc = XmlDoc::parse(&text, &limits).expect("base document parses");
    let report = dsig::verify(&doc, &Trust::embedded());
    assert!(
        report.all_verified(),
        "base document does not verify: {report:?}"
    );
    let mut trust: Option<Trust> = None;
    let mut signed = Vec::new();
    for c in &report.signatures {
        let v = c.outcome.as_ref().expect("verified");
        let der = v.info().signer.der();
        match &mut trust {
            Some(t) => t.add_der(der).expect("certificate"),
            None => trust = Some(Trust::from_der(der).expect("certificate")),
        }
        signed.push(signed_bytes(v, c.signature));
    }
    let trust = trust.expect("at least one signature");
    // Pinned, it still verifies.
    assert!(
        dsig::verify(&doc, &trust).all_verified(),
        "pinned trust fails"
    );
    drop(doc);
    Base {
        text,
        trust,
        signed,
    }
}

fn bases() -> &'static [Base] {
    static B: OnceLock<Vec<Base>> = OnceLock::new();
    B.get_or_init(|| {
        let limits = Limits::default();
        let mut out = Vec::new();
        for f in FIXTURES {
            let d = xml::decode_checked(f.to_vec(), &limits).expect("fixture decodes");
            let text = d.text().to_string();
            // The unsigned document: the root's signature cut out.
            let unsigned = {
                let doc = XmlDoc::parse(&text, &limits).expect("fixture parses");
                let sig = xml::child(doc.root(), ns::DS, "Signature").expect("root signature");
                let r = sig.range();
                format!("{}{}", &text[..r.start], &text[r.end..])
            };
            out.push(base(text));
            for (k, c) in KEYS {
                let key = SigningKey::from_pem(k, c).expect("test key");
                let mut o = SignOptions::default();
                o.verify_after = false;
                let signed = dsig::sign(&unsigned, &key, &o).expect("sign");
                // A file we sign verifies with the signer's certificate pinned.
                let doc = XmlDoc::parse(&signed, &limits).expect("signed output parses");
                let t = Trust::from_pem(c).expect("certificate");
                let report = dsig::verify(&doc, &t);
                assert!(
                    report.verified_root().is_some(),
                    "a document we signed does not verify: {report:?}"
                );
                drop(doc);
                out.push(base(signed));
            }
        }
        out
    })
}

/// A little reader over the instruction bytes (zeros when it runs out).
struct Ins<'a>(&'a [u8]);

impl Ins<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn index(&mut self, n: usize) -> usize {
        let v = usize::from(self.byte()) | usize::from(self.byte()) << 8;
        if n == 0 {
            0
        } else {
            v % n
        }
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// An attribute (including namespace declarations) in a start tag: name and value ranges.
struct RawAttr {
    whole: Range<usize>,
    name: Range<usize>,
    value: Range<usize>,
}

/// Scans the start tag of the element starting at `start` (well-formed text).
fn start_tag(text: &str, start: usize) -> (Vec<RawAttr>, usize, bool) {
    let b = text.as_bytes();
    let mut i = start + 1;
    while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') {
        i += 1;
    }
    let mut attrs = Vec::new();
    loop {
        let ws = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len(), false);
        }
        if b[i] == b'>' {
            return (attrs, i, false);
        }
        if b[i] == b'/' {
            return (attrs, i, true);
        }
        let ns = i;
        while i < b.len() && !matches!(b[i], b'=' | b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let name = ns..i;
        while i < b.len() && b[i] != b'\'' && b[i] != b'"' {
            i += 1;
        }
        let Some(&q) = b.get(i) else {
            return (attrs, b.len(), false);
        };
        i += 1;
        let vs = i;
        while i < b.len() && b[i] != q {
            i += 1;
        }
        let value = vs..i;
        i += 1;
        attrs.push(RawAttr {
            whole: ws..i.min(b.len()),
            name,
            value,
        });
    }
}

/// The offset right after the element name of the start tag at `start`.
fn after_name(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start + 1;
    while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') {
        i += 1;
    }
    i
}

fn splice(text: &str, r: Range<usize>, with: &str) -> Option<String> {
    if r.start > r.end || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
        return None;
    }
    Some(format!(
        "{}{}{}",
        text.get(..r.start)?,
        with,
        text.get(r.end..)?
    ))
}

/// Where content can be inserted in `n`: right after its start tag, or after the element
/// when it is empty (`<a/>`).
fn content_start(text: &str, n: roxmltree::Node<'_, '_>) -> usize {
    let (_, end, empty) = start_tag(text, n.range().start);
    if empty {
        n.range().end
    } else {
        (end + 1).min(text.len())
    }
}

const VALUES: &[&str] = &[
    "",
    "#",
    "_x",
    "http://www.w3.org/2000/09/xmldsig#",
    "urn:oasis:names:tc:SAML:2.0:metadata",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "https://attacker.example/",
];

const ADD: &[&str] = &[
    " ID=\"_x\"",
    " xmlns=\"\"",
    " xmlns=\"urn:x\"",
    " xmlns:ds=\"urn:x\"",
    " xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"",
    " Id=\"_x\"",
    " xml:id=\"_x\"",
];

const WRAPS: &[(&str, &str)] = &[
    (
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">",
        "</md:EntitiesDescriptor>",
    ),
    ("<Extensions>", "</Extensions>"),
    ("<x:Wrap xmlns:x=\"urn:x\" ID=\"_w\">", "</x:Wrap>"),
    (
        "<ds:Object xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">",
        "</ds:Object>",
    ),
];

/// Applies one mutation; `None` when it does not apply (the document stays as it was).
fn mutate(text: &str, ins: &mut Ins<'_>) -> Option<String> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let elems: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
    let op = ins.byte() % 11;
    let n = *elems.get(ins.index(elems.len()))?;
    let sigs: Vec<_> = elems
        .iter()
        .copied()
        .filter(|e| xml::is(*e, ns::DS, "Signature"))
        .collect();
    match op {
        // Change an attribute value: to another ID of the document, a known URI, or itself
        // with one character added or dropped.
        0 => {
            let (attrs, _, _) = start_tag(text, n.range().start);
            let a = attrs.get(ins.index(attrs.len()))?;
            let old = text.get(a.value.clone())?;
            let ids: Vec<&str> = doc
                .descendants()
                .filter_map(|e| e.attribute("ID"))
                .collect();
            let pick = ins.byte();
            let new = match pick % 4 {
                0 => VALUES.get(ins.index(VALUES.len()))?.to_string(),
                1 => format!("#{}", ids.get(ins.index(ids.len()))?),
                2 => ids.get(ins.index(ids.len()))?.to_string(),
                _ => {
                    let mut s = old.to_string();
                    if s.pop().is_none() || pick & 0x80 != 0 {
                        s = format!("{old}x");
                    }
                    s
                }
            };
            splice(text, a.value.clone(), &new)
        }
        // Copy an attribute (typically the ID) of n onto another element.
        1 => {
            let (attrs, _, _) = start_tag(text, n.range().start);
            let a = attrs.get(ins.index(attrs.len()))?;
            let other = *elems.get(ins.index(elems.len()))?;
            let copy = text.get(a.whole.clone())?.to_string();
            let (oattrs, _, _) = start_tag(text, other.range().start);
            if oattrs
                .iter()
                .any(|o| text.get(o.name.clone()) == text.get(a.name.clone()))
            {
                return None;
            }
            let at = after_name(text, other.range().start);
            splice(text, at..at, &copy)
        }
        // Remove an attribute or namespace declaration.
        2 => {
            let (attrs, _, _) = start_tag(text, n.range().start);
            let a = attrs.get(ins.index(attrs.len()))?;
            splice(text, a.whole.clone(), "")
        }
        // Add an attribute.
        3 => {
            let (attrs, end, _) = start_tag(text, n.range().start);
            let add = ADD.get(ins.index(ADD.len()))?;
            let name = add.trim_start().split('=').next()?;
            if attrs.iter().any(|a| text.get(a.name.clone()) == Some(name)) {
                return None;
            }
            splice(text, end..end, add)
        }
        // Move a Signature into (or after) another element.
        4 => {
            let sig = *sigs.get(ins.index(sigs.len()))?;
            let r = sig.range();
            let sig_text = text.get(r.clone())?.to_string();
            let at = content_start(text, n);
            if at >= r.start && at <= r.end {
                return None;
            }
            let without = splice(text, r.clone(), "")?;
            let at = if at > r.end { at - r.len() } else { at };
            splice(&without, at..at, &sig_text)
        }
        // Wrap an element in another.
        5 => {
            let (open, close) = WRAPS.get(ins.index(WRAPS.len()))?;
            let r = n.range();
            let inner = text.get(r.clone())?;
            splice(text, r.clone(), &format!("{open}{inner}{close}"))
        }
        // Duplicate an element: after itself, or (the root) as its own first child.
        6 => {
            let r = n.range();
            let copy = text.get(r.clone())?.to_string();
            if n.parent().is_some_and(|p| p.is_root()) {
                let at = content_start(text, n);
                if at >= r.end {
                    return None;
                }
                splice(text, at..at, &copy)
            } else {
                splice(text, r.end..r.end, &copy)
            }
        }
        // Insert a comment inside a text value.
        7 => {
            let texts: Vec<_> = doc
                .descendants()
                .filter(|t| t.is_text() && !t.text().unwrap_or("").trim().is_empty())
                .collect();
            let t = *texts.get(ins.index(texts.len()))?;
            let r = t.range();
            let mut at = r.start + ins.index(r.len().max(1));
            while at < r.end && !text.is_char_boundary(at) {
                at += 1;
            }
            splice(text, at..at, "<!--c-->")
        }
        // Change one byte inside the element (ASCII to ASCII, keeping UTF-8).
        8 => {
            let r = n.range();
            let at = r.start + ins.index(r.len());
            let old = *text.as_bytes().get(at)?;
            if !old.is_ascii() {
                return None;
            }
            let new = b"aZ09 _-:#=\"'<>/x"[usize::from(ins.byte() % 16)];
            if new == old {
                return None;
            }
            splice(text, at..at + 1, std::str::from_utf8(&[new]).ok()?)
        }
        // Rename a prefix declared on n, throughout n's text.
        9 => {
            let (attrs, _, _) = start_tag(text, n.range().start);
            let decls: Vec<&str> = attrs
                .iter()
                .filter_map(|a| text.get(a.name.clone())?.strip_prefix("xmlns:"))
                .collect();
            let p = *decls.get(ins.index(decls.len()))?;
            let q = ["q", "ds", "md", "saml", "xsi"].get(ins.index(5))?;
            let r = n.range();
            let inner = text
                .get(r.clone())?
                .replace(&format!("xmlns:{p}="), &format!("xmlns:{q}="))
                .replace(&format!("<{p}:"), &format!("<{q}:"))
                .replace(&format!("</{p}:"), &format!("</{q}:"));
            splice(text, r, &inner)
        }
        // Remove an element.
        _ => splice(text, n.range(), ""),
    }
}

/// The plain property: one alphanumeric byte of content (a text value or an attribute
/// value, outside the Signature) of the signed root changed: the root signature fails.
fn one_byte_change(b: &Base, ins: &mut Ins<'_>) {
    let limits = Limits::default();
    let text = &b.text;
    let doc = XmlDoc::parse(text, &limits).expect("base parses");
    let root = doc.root();
    let Some(sig) = xml::child(root, ns::DS, "Signature") else {
        return;
    };
    let outside = |p: usize| !sig.range().contains(&p);
    let mut spots: Vec<Range<usize>> = Vec::new();
    for n in root.descendants() {
        if n.is_text() && outside(n.range().start) {
            spots.push(n.range());
        } else if n.is_element() && outside(n.range().start) {
            for a in n.attributes() {
                spots.push(a.range_value());
            }
        }
    }
    let Some(r) = spots.get(ins.index(spots.len())).cloned() else {
        return;
    };
    if r.is_empty() {
        return;
    }
    let at = r.start + ins.index(r.len());
    let Some(&old) = text.as_bytes().get(at) else {
        return;
    };
    if !old.is_ascii_alphanumeric() {
        return;
    }
    let new = if old == b'q' { b'r' } else { b'q' };
    let Some(changed) = splice(
        text,
        at..at + 1,
        std::str::from_utf8(&[new]).expect("ascii"),
    ) else {
        return;
    };
    drop(doc);
    let doc = XmlDoc::parse(&changed, &limits).expect("one letter keeps it well-formed");
    let report = dsig::verify(&doc, &b.trust);
    let rootsig = report
        .root_signature()
        .expect("the root signature is still there");
    assert!(
        rootsig.outcome.is_err(),
        "one byte changed at {at} ({} -> {}) inside the signed element, still verified",
        old as char,
        new as char
    );
}

/// One run of the target on `data`: panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let bases = bases();
    let mut ins = Ins(data);
    let b = &bases[usize::from(ins.byte()) % bases.len()];
    if ins.byte() % 8 == 0 {
        return one_byte_change(b, &mut ins);
    }
    let mut text = b.text.clone();
    for _ in 0..MAX_MUTATIONS {
        if ins.done() {
            break;
        }
        if let Some(t) = mutate(&text, &mut ins) {
            text = t;
        }
    }
    let limits = Limits::default();
    let Ok(doc) = XmlDoc::parse(&text, &limits) else {
        return;
    };
    let report = dsig::verify(&doc, &b.trust);
    for c in &report.signatures {
        match &c.outcome {
            Ok(v) => {
                assert!(
                    c.signature.parent() == Some(v.node()),
                    "the verified element is not the signature's parent"
                );
                let bytes = signed_bytes(v, c.signature);
                assert!(
                    b.signed.contains(&bytes),
                    "verified content differs from anything that was signed:\n{}\n--- document:\n{text}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            Err(f) => {
                let msg = f.to_string();
                assert!(
                    !msg.is_empty() && !msg.ends_with('.'),
                    "failure message {msg:?}"
                );
                assert!(!f.code().is_empty());
            }
        }
    }
}
