//! Conformance over the real-world corpus in ../shared/corpus (read in place, never copied).
//!
//! For every signed file, our verdict per signature (trust: the embedded certificate, like
//! xmlsec1's `embedded` column in PROVENANCE.tsv) must equal xmlsec1's, except for the
//! known differences listed here and explained in docs/dsig-known-differences.md. A known
//! difference that stops differing fails the test too, so the list stays true.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::dsig::{self, Trust};
use samlcheck::xml::{read_path, XmlDoc};
use samlcheck::Limits;
use std::path::Path;

/// (file name, 1-based signature number, our verdict's reason in short). Keep in step with
/// docs/dsig-known-differences.md.
const KNOWN: &[(&str, usize, &str)] = &[
    ("python3-saml__tests__data__metadata__signed_metadata_settings2.xml", 1, "signature inside SPSSODescriptor signs the whole document (no URI): not a child of what it signs"),
    ("pysaml2__tests__xsw__signed-xsw-assertion-assertion.xml", 1, "XSW: reference names an element that is not the signature's parent"),
    ("pysaml2__tests__xsw__signed-xsw-assertion-extensions.xml", 1, "XSW: reference names an element that is not the signature's parent"),
    ("pysaml2__tests__xsw__signed-xsw-assertion-wrapper.xml", 1, "XSW: reference names an element that is not the signature's parent"),
    ("python3-saml__tests__data__responses__invalids__signature_wrapping_attack2.xml.decoded.xml", 1, "XSW: reference names an element that is not the signature's parent"),
    ("ruby-saml__test__responses__invalids__response_with_concealed_signed_assertion.xml", 1, "XSW: reference names an element that is not the signature's parent"),
    ("ruby-saml__test__responses__invalids__response_with_doubled_signed_assertion.xml", 1, "XSW: reference names an element that is not the signature's parent"),
];

/// `$SAMLCHECK_CORPUS`, else `../shared/corpus` from the crate root (also tried one level
/// further up, for git worktrees kept in a subfolder next to the main checkout).
fn corpus() -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut candidates: Vec<std::path::PathBuf> = std::env::var_os("SAMLCHECK_CORPUS")
        .map(Into::into)
        .into_iter()
        .collect();
    candidates.push(root.join("../shared/corpus"));
    candidates.push(root.join("../../shared/corpus"));
    let found = candidates
        .iter()
        .find(|p| p.join("PROVENANCE.tsv").is_file())
        .cloned();
    if found.is_none() {
        eprintln!(
            "SKIPPED: corpus not found at {} (it lives outside the repository)",
            candidates[0].display()
        );
    }
    found
}

/// xmlsec1's embedded-certificate verdicts, per signature: true = OK.
fn xmlsec1_verdicts(cell: &str) -> Vec<bool> {
    let embedded = cell.split(" || ").next().unwrap_or("");
    let embedded = embedded
        .trim_start_matches("EMBEDDED-CERT(--insecure):")
        .trim();
    embedded
        .split(" | ")
        .map(|sig| {
            let v = sig.split("embedded=").nth(1).unwrap_or("");
            v.starts_with("OK")
        })
        .collect()
}

#[test]
fn corpus_verdicts_agree_with_xmlsec1_except_known_differences() {
    let Some(root) = corpus() else { return };
    let tsv = std::fs::read_to_string(root.join("PROVENANCE.tsv")).unwrap();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    let mut known_seen = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(5) != Some(&"yes") {
            continue;
        }
        let rel = cols[0].trim_start_matches("files/");
        let path = root.join(rel);
        let name = rel.rsplit('/').next().unwrap();
        let theirs = xmlsec1_verdicts(cols[8]);
        let limits = Limits::default();
        let ours: Vec<(bool, String)> = match read_path(&path, &limits).and_then(|d| {
            XmlDoc::parse(d.text(), &limits).map(|doc| {
                let r = dsig::verify(&doc, &Trust::embedded());
                r.signatures
                    .iter()
                    .map(|c| match &c.outcome {
                        Ok(_) => (true, "verified".to_string()),
                        Err(f) => (false, f.to_string()),
                    })
                    .collect::<Vec<_>>()
            })
        }) {
            Ok(v) => v,
            Err(e) => vec![(false, format!("unreadable: {e}"))],
        };
        checked += 1;
        for i in 0..theirs.len().max(ours.len()) {
            let t = theirs.get(i).copied();
            let o = ours.get(i).map(|x| x.0);
            let known = KNOWN.iter().any(|(f, n, _)| *f == name && *n == i + 1);
            if t != o {
                if known {
                    known_seen.push((name, i + 1));
                } else {
                    disagreements.push(format!(
                        "{rel} sig{}: xmlsec1 {:?}, ours {:?} ({})",
                        i + 1,
                        t,
                        o,
                        ours.get(i).map_or("", |x| x.1.as_str())
                    ));
                }
            } else if known {
                disagreements.push(format!(
                    "{rel} sig{}: listed as a known difference but agrees now",
                    i + 1
                ));
            }
        }
    }
    eprintln!(
        "checked {checked} signed corpus files; {} known differences",
        known_seen.len()
    );
    assert!(checked > 40, "only {checked} signed files found");
    assert!(
        disagreements.is_empty(),
        "disagreements:\n{}",
        disagreements.join("\n")
    );
    assert_eq!(
        known_seen.len(),
        KNOWN.len(),
        "known differences not all seen: {known_seen:?}"
    );
}

#[test]
fn known_differences_are_documented() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dsig-known-differences.md"),
    )
    .unwrap();
    for (f, _, _) in KNOWN {
        assert!(
            doc.contains(f),
            "{f} missing from docs/dsig-known-differences.md"
        );
    }
}
