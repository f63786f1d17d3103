//! Fuzz crashes, kept as regression tests.
//!
//! Every file under `tests/fuzz_regressions/` is an input a fuzz target once failed on (see
//! `fuzz/README.md`); `replay_every_regression_input` runs each through the parse path (and,
//! when two documents come out of it, the pair check and every renderer) and checks the same
//! invariants as the targets. A crash worth its own name gets a named test below as well.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::report::{self, FileReport, Report};
use samlcheck::{xml, Limits, Metadata};
use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

/// The fuzz targets' invariants, shared with them.
#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;
use common::check_error;

/// The `parse` target: decode, parse, model; `Some` when a model came out.
fn parse_path(data: &[u8]) -> Option<Metadata> {
    let limits = Limits::default();
    let decoded = match xml::decode_checked(data.to_vec(), &limits) {
        Ok(d) => d,
        Err(e) => {
            check_error(&e, None);
            return None;
        }
    };
    let text = decoded.text();
    let doc = match xml::XmlDoc::parse(text, &limits) {
        Ok(d) => d,
        Err(e) => {
            check_error(&e, Some(text.len()));
            return None;
        }
    };
    assert!(
        !common::has_doctype(text),
        "a document with a DOCTYPE was accepted"
    );
    match Metadata::from_doc(&doc, decoded.info()) {
        Ok(md) => {
            for e in &md.entities {
                common::check_place(&e.place, text);
            }
            common::check_positions(&serde_json::to_value(&md).unwrap(), text.len());
            Some(md)
        }
        Err(e) => {
            check_error(&e, Some(text.len()));
            None
        }
    }
}

/// The `lint_pair` target: split at the first 0xFF (else the midpoint), parse both halves,
/// and when both parse, run the pair check and render every format.
fn pair_path(data: &[u8]) {
    let cut = data
        .iter()
        .position(|&b| b == 0xFF)
        .unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(cut);
    let b = if data.get(cut) == Some(&0xFF) {
        &b[1..]
    } else {
        b
    };
    let (Some(ma), Some(mb)) = (parse_path(a), parse_path(b)) else {
        return;
    };
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let opts = samlcheck::pair::PairOptions::at(at);
    let Ok(sel) = samlcheck::pair::select(&ma, "a.xml", &mb, "b.xml", &opts) else {
        return;
    };
    let (sp_md, idp_md) = match sel.sp_side {
        samlcheck::pair::Side::First => (&ma, &mb),
        samlcheck::pair::Side::Second => (&mb, &ma),
    };
    let mut r = Report::new("check", at);
    r.files.push(FileReport {
        file: "a.xml".into(),
        entities: Vec::new(),
        findings: Vec::new(),
    });
    r.findings = samlcheck::pair::check(sp_md, sel.sp, idp_md, sel.idp, &opts);
    r.checks = samlcheck::pair::rule_codes();
    let _: serde_json::Value = serde_json::from_str(&report::to_json(&r, None)).unwrap();
    let _: serde_json::Value = serde_json::from_str(&report::to_sarif(&r)).unwrap();
    roxmltree::Document::parse(&report::to_junit(&r)).unwrap();
}

#[test]
fn replay_every_regression_input() {
    let mut n = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let _ = parse_path(&data);
        pair_path(&data);
        n += 1;
    }
    assert!(n >= 1, "tests/fuzz_regressions/ holds the crash inputs");
}

/// parse, first run: a UTF-16 file cut to an odd length. The error opens with the acronym
/// `UTF-16`, which the target's first invariant (no capital first letter) took for a
/// capitalised message; the invariant now allows an acronym as the first word.
#[test]
fn parse_utf16_odd_length_error_message() {
    let data = std::fs::read(dir().join("parse-utf16-odd-length-error-message.bin")).unwrap();
    let e = xml::decode_checked(data, &Limits::default()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("UTF-16 input has an odd number of bytes"),
        "{e}"
    );
    check_error(&e, None);
}

#[test]
fn doctype_detection_skips_comments_cdata_and_pis() {
    assert!(common::has_doctype("<!DOCTYPE a><a/>"));
    assert!(common::has_doctype(
        "<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY e 'x'>]><a/>"
    ));
    assert!(!common::has_doctype("<a><!-- <!DOCTYPE x> --></a>"));
    assert!(!common::has_doctype("<a><![CDATA[<!DOCTYPE x>]]></a>"));
    assert!(!common::has_doctype("<?pi <!DOCTYPE x> ?><a/>"));
    // An unterminated comment hides the rest.
    assert!(!common::has_doctype("<!-- <!DOCTYPE"));
}
