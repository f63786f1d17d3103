//! Two metadata documents from one buffer: split at the first 0xFF byte (never part of
//! UTF-8 text), else at the midpoint. When both parse: the pair check (selection, then the
//! cross-checks), a report over both files, and every renderer.
//!
//! Each half on its own also goes through the single-file lint: `lint::lint` on the model
//! and `lint::lint_document` (the lint plus the `dsig.*` signature findings, embedded
//! trust), each rendered in every format.
//!
//! Invariants: no panic; every finding's code is in the catalogue; the JSON and SARIF
//! outputs parse as JSON with one result per finding; the JUnit output is well-formed XML;
//! the text output names the files; `lint_document` reports everything `lint` does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use samlcheck::lint::{self, LintOptions};
use samlcheck::pair::{self, PairOptions, Side};
use samlcheck::report::{self, FileReport, Report, TextOptions};
use samlcheck::{xml, Finding, Limits, Metadata, Trust};

#[path = "common.rs"]
mod common;

/// Renders `r` in every format and checks each output.
fn render_all(r: &Report, names: &[&str]) {
    let n = r.all_findings().count();
    for f in r.all_findings() {
        assert!(!f.message.is_empty() && !f.code.is_empty());
        assert!(
            samlcheck::catalog::rule(f.code).is_some(),
            "{} is not in the catalogue",
            f.code
        );
    }
    let text = report::to_text(r, &TextOptions::default());
    for name in names {
        assert!(text.contains(name), "the text output does not name {name}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&report::to_json(r, None)).expect("JSON output parses");
    assert!(json.is_object());
    let sarif: serde_json::Value =
        serde_json::from_str(&report::to_sarif(r)).expect("SARIF output parses");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(n),
        "SARIF: one result per finding"
    );
    let junit = report::to_junit(r);
    if let Err(e) = roxmltree::Document::parse(&junit) {
        panic!("JUnit output is not well-formed XML: {e}\n{junit}");
    }
}

/// The single-file lint of one half: `lint` and `lint_document`, each rendered. Returns the
/// model for the pair check; a refused half's error is checked like the `parse` target's.
fn lint_one(bytes: &[u8], name: &str, at: chrono::DateTime<chrono::Utc>) -> Option<Metadata> {
    let limits = Limits::default();
    let refused = |e: samlcheck::Error| {
        common::check_error(&e, None);
        None
    };
    let decoded = match xml::decode_checked(bytes.to_vec(), &limits) {
        Ok(d) => d,
        Err(e) => return refused(e),
    };
    let doc = match xml::XmlDoc::parse(decoded.text(), &limits) {
        Ok(d) => d,
        Err(e) => return refused(e),
    };
    let md = match Metadata::from_doc(&doc, decoded.info()) {
        Ok(m) => m,
        Err(e) => return refused(e),
    };
    let opts = LintOptions::at(at);
    let plain = lint::lint(&md, &opts);
    let full = lint::lint_document(&doc, &md, &Trust::embedded(), &opts);
    let key = |f: &Finding| (f.code, f.message.clone());
    let full_keys: Vec<_> = full.iter().map(key).collect();
    for f in &plain {
        assert!(
            full_keys.contains(&key(f)),
            "lint_document lost a lint finding: {} {}",
            f.code,
            f.message
        );
    }
    for findings in [plain, full] {
        let mut r = Report::new("lint", at);
        r.files.push(FileReport {
            file: name.to_string(),
            entities: md.entity_ids(),
            findings,
        });
        r.checks = lint::rule_codes();
        render_all(&r, &[name]);
    }
    Some(md)
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
    let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("fixed instant");
    let ma = lint_one(a, "a.xml", at);
    let mb = lint_one(b, "b.xml", at);
    let (Some(ma), Some(mb)) = (ma, mb) else {
        return;
    };
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
            entities: md.entity_ids(),
            findings: Vec::new(),
        });
    }
    let n = findings.len();
    r.findings = findings;
    r.checks = pair::rule_codes();

    render_all(&r, &["a.xml", "b.xml"]);
    let json: serde_json::Value =
        serde_json::from_str(&report::to_json(&r, None)).expect("JSON output parses");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(n));
});
