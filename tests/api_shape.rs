//! The shape of the public API for callers: concise `Debug` of certificates, `Display`
//! that honours width and alignment, constructors for the non-exhaustive types, the
//! re-exports.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::field_reassign_with_default
)]

use samlcheck::dsig::CertInfo;
use samlcheck::report::FileReport;
use samlcheck::{Limits, Location, Pos, Severity};

fn entra_cert() -> samlcheck::model::Certificate {
    let md = samlcheck::parse_metadata(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/entra-idp.xml"
        ))
        .unwrap(),
        &Limits::default(),
    )
    .unwrap();
    md.entities[0].roles[0].keys[0].certificates[0].clone()
}

#[test]
fn certificate_debug_is_concise_and_display_is_one_padded_line() {
    let c = entra_cert();
    let facts = c.facts.clone().unwrap();
    let dbg = format!("{c:?}");
    assert!(dbg.starts_with("Certificate {"), "{dbg}");
    for part in [
        &facts.subject,
        &facts.issuer,
        &facts.serial,
        &facts.sha256_fingerprint,
    ] {
        assert!(dbg.contains(part.as_str()), "{part} not in {dbg}");
    }
    assert!(dbg.contains(&format!("der_len: {}", c.der.len())), "{dbg}");
    // No byte dump: no run of comma-separated numbers, and far shorter than the DER.
    assert!(!dbg.contains("48, 130"), "{dbg}");
    assert!(dbg.len() < c.der.len(), "{} >= {}", dbg.len(), c.der.len());
    let line = c.to_string();
    assert!(line.starts_with(&facts.subject), "{line}");
    assert!(line.contains("SHA-256 ") && !line.contains('\n'), "{line}");
    let wide = format!("[{c:>width$}]", width = line.len() + 4);
    assert_eq!(wide, format!("[    {line}]"));
    assert_eq!(format!("{c:.5}"), line.chars().take(5).collect::<String>());

    let info = CertInfo::from_der(&c.der).unwrap();
    let dbg = format!("{info:?}");
    assert!(
        dbg.starts_with("CertInfo {") && dbg.contains(&info.sha256),
        "{dbg}"
    );
    assert!(!dbg.contains("der:") && !dbg.contains("48, 130"), "{dbg}");
    let line = info.to_string();
    assert!(line.starts_with(&info.subject), "{line}");
    assert_eq!(
        format!("{info:<w$}|", w = line.len() + 2),
        format!("{line}  |")
    );
}

#[test]
fn display_of_small_values_honours_width_and_alignment() {
    assert_eq!(format!("[{:>7}]", Severity::Error), "[  error]");
    assert_eq!(format!("[{:<7}]", Severity::Info), "[info   ]");
    assert_eq!(format!("[{:^9}]", Severity::Warning), "[ warning ]");
    let pos = Pos::new(12, 3, 400);
    assert_eq!(format!("{pos}"), "12:3");
    assert_eq!(format!("[{pos:>6}]"), "[  12:3]");
    let mut loc = Location::new(pos, "/EntityDescriptor");
    loc.file = "idp.xml".into();
    assert_eq!(format!("[{loc:<12}]"), "[idp.xml:12:3]");
    assert_eq!(format!("[{loc:<14}]"), "[idp.xml:12:3  ]");
    assert_eq!(
        format!("[{:>10}]", samlcheck::diff::Class::Action),
        "[    action]"
    );
}

#[test]
fn non_exhaustive_types_have_constructors() {
    let r = FileReport::new("a.xml", vec!["https://idp/".into()], Vec::new());
    assert_eq!((r.file.as_str(), r.entities.len()), ("a.xml", 1));
    let mut paths = samlcheck::exports::InputPaths::default();
    paths.claims = Some(std::path::Path::new("claims.json"));
    assert!(paths.entra_app.is_none() && paths.claims.is_some());
}

#[test]
fn chrono_is_re_exported_for_the_clock_input() {
    // A caller without its own chrono dependency names the clock type through the crate.
    let at: samlcheck::chrono::DateTime<samlcheck::chrono::Utc> =
        samlcheck::chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .unwrap()
            .to_utc();
    let opts = samlcheck::pair::PairOptions::at(at);
    assert_eq!(opts.at, at);
}
