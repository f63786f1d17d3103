//! The `c14n` fuzz target's body, shared with `tests/fuzz_regressions.rs` (included
//! with `#[path]`). See `c14n.rs`.

#![allow(dead_code)]

use samlcheck::dsig::c14n::{self, C14n, Subset};
use samlcheck::{xml, Limits};

/// Elements canonicalized per input (each costs a canonicalization, a parse and another).
const MAX_ELEMENTS: usize = 64;

fn variants() -> [C14n; 4] {
    let mut exc_c = C14n::exclusive();
    exc_c.with_comments = true;
    let mut inc_c = C14n::inclusive();
    inc_c.with_comments = true;
    [C14n::exclusive(), exc_c, C14n::inclusive(), inc_c]
}

fn streamed(
    subset: Subset<'_, '_>,
    excluded: Option<roxmltree::Node<'_, '_>>,
    c: &C14n,
) -> Vec<u8> {
    let mut v = Vec::new();
    c14n::canonicalize(subset, excluded, c, &mut |b: &[u8]| v.extend_from_slice(b));
    v
}

/// Checks `c1` (the canonical form of something, by `c`) is a fixed point.
fn check_fixed_point(c1: &[u8], c: &C14n, what: &str, limits: &Limits) {
    let text = std::str::from_utf8(c1).expect("canonical form is UTF-8");
    let doc = match xml::XmlDoc::parse(text, limits) {
        Ok(d) => d,
        Err(e) => panic!(
            "canonical form ({what}, {}) does not parse: {e}\n{text}",
            c.uri()
        ),
    };
    if !c.with_comments {
        assert!(
            !doc.tree().descendants().any(|n| n.is_comment()),
            "comment in the without-comments form ({what}, {}): {text}",
            c.uri()
        );
    }
    let again = c14n::to_vec(Subset::Element(doc.root()), None, c);
    assert!(
        again == c1,
        "c14n is not idempotent ({what}, {}):\nfirst  {}\nsecond {}",
        c.uri(),
        text,
        String::from_utf8_lossy(&again)
    );
}

/// One run of the target on `data`: panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let limits = Limits::default();
    let Ok(decoded) = xml::decode_checked(data.to_vec(), &limits) else {
        return;
    };
    let Ok(doc) = xml::XmlDoc::parse(decoded.text(), &limits) else {
        return;
    };
    // The canonical form goes through the same hardened reader, with the same limits.
    let relaxed = &limits;
    for c in variants() {
        // The whole document.
        let whole = c14n::to_vec(Subset::Document(doc.tree()), None, &c);
        assert_eq!(
            whole,
            streamed(Subset::Document(doc.tree()), None, &c),
            "to_vec and the sink disagree (document)"
        );
        let text = std::str::from_utf8(&whole).expect("canonical form is UTF-8");
        let d2 = match xml::XmlDoc::parse(text, relaxed) {
            Ok(d) => d,
            Err(e) => panic!(
                "canonical document ({}) does not parse: {e}\n{text}",
                c.uri()
            ),
        };
        let again = c14n::to_vec(Subset::Document(d2.tree()), None, &c);
        assert!(
            again == whole,
            "document c14n is not idempotent ({}):\nfirst  {}\nsecond {}",
            c.uri(),
            text,
            String::from_utf8_lossy(&again)
        );

        // Every element, alone and with its first child element left out.
        for n in doc
            .root()
            .descendants()
            .filter(|n| n.is_element())
            .take(MAX_ELEMENTS)
        {
            let c1 = c14n::to_vec(Subset::Element(n), None, &c);
            assert_eq!(
                c1,
                streamed(Subset::Element(n), None, &c),
                "to_vec and the sink disagree (element)"
            );
            check_fixed_point(&c1, &c, "element", relaxed);
            if let Some(first) = n.children().find(|k| k.is_element()) {
                let c2 = c14n::to_vec(Subset::Element(n), Some(first), &c);
                assert_eq!(
                    c2,
                    streamed(Subset::Element(n), Some(first), &c),
                    "to_vec and the sink disagree (with exclusion)"
                );
                assert!(
                    c2.len() < c1.len(),
                    "leaving out an element did not shorten the form"
                );
                check_fixed_point(&c2, &c, "element with exclusion", relaxed);
            }
        }
    }
}
