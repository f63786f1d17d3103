//! bytes -> decode -> XmlDoc -> Metadata.
//!
//! Invariants: no panic; an accepted document never contains a DOCTYPE; every position and
//! element range lies inside the decoded text; every error message is non-empty,
//! lowercase-first and, when positioned, inside the text; parsing twice gives the same model.

#![no_main]

use libfuzzer_sys::fuzz_target;
use samlcheck::{xml, Limits, Metadata};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let decoded = match xml::decode_checked(data.to_vec(), &limits) {
        Ok(d) => d,
        Err(e) => return common::check_error(&e, None),
    };
    let text = decoded.text();
    let doc = match xml::XmlDoc::parse(text, &limits) {
        Ok(d) => d,
        Err(e) => return common::check_error(&e, Some(text.len())),
    };
    assert!(
        !common::has_doctype(text),
        "a document with a DOCTYPE was accepted"
    );
    let md = match Metadata::from_doc(&doc, decoded.info()) {
        Ok(m) => m,
        Err(e) => return common::check_error(&e, Some(text.len())),
    };
    for e in &md.entities {
        common::check_place(&e.place, text);
        for r in &e.roles {
            common::check_place(&r.place, text);
        }
    }
    for g in &md.groups {
        common::check_place(&g.place, text);
    }
    let v = serde_json::to_value(&md).expect("the model serializes");
    common::check_positions(&v, text.len());
    // Deterministic: the same bytes give the same model.
    let again = samlcheck::parse_metadata(data.to_vec(), &limits).expect("second parse");
    assert_eq!(serde_json::to_value(&again).expect("serializes"), v);
});
