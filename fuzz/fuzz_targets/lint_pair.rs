//! Two metadata documents from one buffer: split at the first 0xFF byte (never part of
//! UTF-8 text), else at the midpoint. When both parse: the pair check (selection, then the
//! cross-checks), a report over both files, and every renderer.
//!
//! Invariants: no panic; the JSON and SARIF outputs parse as JSON, SARIF has one result per
//! finding; the JUnit output is well-formed XML; the text output names both files.
//! (The single-file `lint` rules are added here when they land: see README.md.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use samlcheck::pair::{self, PairOptions, Side};
use samlcheck::report::{self, FileReport, Report, TextOptions};
use samlcheck::{Limits, Metadata};

#[path = "common.rs"]
mod common;

fn parse(bytes: &[u8]) -> Option<Metadata> {
    match samlcheck::parse_metadata(bytes.to_vec(), &Limits::default()) {
        Ok(m) => Some(m),
        Err(e) => {
            common::check_error(&e, None);
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let cut = data
        .iter()
        .position(|&b| b == 0xFF)
        .unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(cut);
    let b = if cut < data.len() && data.get(cut) == Some(&0xFF) {
        &b[1..]
    } else {
        b
    };
    let (Some(ma), Some(mb)) = (parse(a), parse(b)) else {
        return;
    };
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("fixed instant");
    let opts = PairOptions::at(at);
    let sel = match pair::select(&ma, "a.xml", &mb, "b.xml", &opts) {
        Ok(s) => s,
        Err(e) => return common::check_error(&e, None),
    };
    let ((sp_md, sp_name), (idp_md, idp_name)) = match sel.sp_side {
        Side::First => ((&ma, "a.xml"), (&mb, "b.xml")),
        Side::Second => ((&mb, "b.xml"), (&ma, "a.xml")),
    };
    let mut findings = pair::check(sp_md, sel.sp, idp_md, sel.idp, &opts);
    for f in &findings {
        assert!(!f.message.is_empty() && !f.code.is_empty());
        assert!(
            samlcheck::catalog::rule(f.code).is_some(),
            "{} is not in the catalogue",
            f.code
        );
    }
    samlcheck::sort_findings(&mut findings);
    let mut r = Report::new("check", at);
    for (md, name) in [(sp_md, sp_name), (idp_md, idp_name)] {
        r.files.push(FileReport {
            file: name.to_string(),
            entities: md
                .entities
                .iter()
                .map(|e| e.entity_id().to_string())
                .collect(),
            findings: Vec::new(),
        });
    }
    let n = findings.len();
    r.findings = findings;
    r.checks = pair::rule_codes();

    let text = report::to_text(&r, &TextOptions::default());
    assert!(text.contains("a.xml") && text.contains("b.xml"));
    let json: serde_json::Value =
        serde_json::from_str(&report::to_json(&r, None)).expect("JSON output parses");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(n));
    let sarif: serde_json::Value =
        serde_json::from_str(&report::to_sarif(&r)).expect("SARIF output parses");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(n)
    );
    let junit = report::to_junit(&r);
    if let Err(e) = roxmltree::Document::parse(&junit) {
        panic!("JUnit output is not well-formed XML: {e}\n{junit}");
    }
});
