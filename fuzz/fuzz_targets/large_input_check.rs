//! The `large_input` fuzz target's body, shared with `tests/fuzz_regressions.rs` (included
//! with `#[path]`). See `large_input.rs`.

#![allow(dead_code)]

use samlcheck::dsig::c14n::{self, C14n, Subset};
use samlcheck::dsig::{self, Trust};
use samlcheck::{xml, Limits, Metadata};

/// Canonical bytes counted, not kept: a large input must not need a large buffer.
fn canonical_len(subset: Subset<'_, '_>, c: &C14n) -> usize {
    let mut n = 0usize;
    c14n::canonicalize(subset, None, c, &mut |b: &[u8]| n += b.len());
    n
}

/// One run of the target on `data`: every stage whose cost could grow faster than the
/// input, once each. The checks that multiply the work (idempotence, every element) stay
/// in the `c14n` and `parse` targets, on small inputs.
pub fn run(data: &[u8]) {
    let limits = Limits::default();
    // The reader: decoding, the pre-scan, the tree.
    let Ok(decoded) = xml::decode_checked(data.to_vec(), &limits) else {
        return;
    };
    let Ok(doc) = xml::XmlDoc::parse(decoded.text(), &limits) else {
        return;
    };
    // The model.
    let model = Metadata::from_doc(&doc, decoded.info());
    // c14n of the whole document: exclusive and inclusive, without comments; and exclusive
    // with every in-scope prefix of the root listed as inclusive (a long PrefixList).
    let root = doc.root();
    let prefixes: Vec<&str> = root
        .namespaces()
        .filter_map(|ns| ns.name())
        .take(4096)
        .collect();
    let listed = C14n::exclusive().with_prefix_list(&prefixes.join(" "));
    for c in [C14n::exclusive(), C14n::inclusive(), listed] {
        let whole = canonical_len(Subset::Element(root), &c);
        // Without comments, the canonical form of an element is never empty.
        assert!(whole > 0, "empty canonical form ({})", c.uri());
    }
    // Signatures: every reference is canonicalized and digested before any key is used.
    let report = dsig::verify(&doc, &Trust::embedded());
    // The lint of the model, when there is one (finds per-entity rules that scan others).
    if let Ok(md) = model {
        let _ = samlcheck::lint::lint(&md, &samlcheck::lint::LintOptions::default());
    }
    drop(report);
}
