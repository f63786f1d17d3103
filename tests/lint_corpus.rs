//! Conformance: the lint rules on every real metadata file in ../shared/corpus, read in place.
//! Skips (with a message) when the corpus is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::lint::{lint, LintOptions};
use samlcheck::{Finding, Limits, Severity};
use std::path::{Path, PathBuf};

const DIRS: &[&str] = &[
    "1-aws-identity-center",
    "3-entra",
    "4-other-idp-sp",
    "5-aggregates",
];

/// `../shared/corpus` next to the checkout (or next to the worktrees folder, for a git
/// worktree under /work/wt).
fn corpus() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| here.join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping: ../shared/corpus is absent");
    }
    found
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Lints a file; `None` when it is not metadata (some corpus files are other XML).
fn lint_file(p: &Path, when: &str) -> Option<Vec<Finding>> {
    let decoded = samlcheck::xml::read_path(p, &Limits::default()).ok()?;
    let doc = samlcheck::xml::XmlDoc::parse(decoded.text(), &Limits::default()).ok()?;
    let md = samlcheck::Metadata::from_doc(&doc, decoded.info()).ok()?;
    Some(lint(&md, &LintOptions::at(at(when))))
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

#[test]
fn every_corpus_file_lints_without_panic_and_findings_are_well_formed() {
    let Some(root) = corpus() else { return };
    let mut files = 0;
    for d in DIRS {
        let Ok(rd) = std::fs::read_dir(root.join(d)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().and_then(|e| e.to_str()) != Some("xml") {
                continue;
            }
            let Some(f) = lint_file(&p, "2026-06-01T00:00:00Z") else {
                eprintln!("{}: not metadata, skipped", p.display());
                continue;
            };
            files += 1;
            let (e, w, i) = f.iter().fold((0, 0, 0), |(e, w, i), x| match x.severity {
                Severity::Error => (e + 1, w, i),
                Severity::Warning => (e, w + 1, i),
                Severity::Info => (e, w, i + 1),
            });
            eprintln!(
                "{}: {e} errors, {w} warnings, {i} info",
                p.file_name().unwrap().to_string_lossy()
            );
            for x in &f {
                assert!(
                    samlcheck::catalog::rule(x.code).is_some(),
                    "{} not in the catalogue",
                    x.code
                );
                assert!(!x.message.is_empty() && !x.hint.is_empty(), "{x:?}");
                let loc = x
                    .location
                    .as_ref()
                    .expect("every lint finding has a location");
                assert!(loc.pos.line >= 1, "{x:?}");
            }
        }
    }
    assert!(files > 20, "only {files} corpus files linted");
}

fn entra_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("3-entra"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("entra_"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn real_entra_files_are_tenant_and_cloud_consistent_and_signed() {
    let Some(root) = corpus() else { return };
    let files = entra_files(&root);
    assert!(files.len() >= 5);
    for p in files {
        let f = lint_file(&p, "2026-06-01T00:00:00Z").unwrap();
        let c = codes(&f);
        for bad in [
            "entra.tenant.mismatch",
            "entra.cloud.mismatch",
            "entra.unsigned",
            "entra.certs.differ",
        ] {
            assert!(!c.contains(&bad), "{}: {bad}: {f:#?}", p.display());
        }
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("entra_common") {
            assert!(c.contains(&"entra.tenant.placeholder"), "{name}: {c:?}");
        } else {
            assert!(!c.contains(&"entra.tenant.placeholder"), "{name}: {c:?}");
        }
    }
}

#[test]
fn multiple_signing_certificates_are_noted_where_present() {
    let Some(root) = corpus() else { return };
    for name in [
        "entra_tenant8b966979__JmFixit_good.xml",
        "entra_tenant81c1df79__ggtristams.xml",
        "entra_common__ErikGrootoonk__2026-02-19.xml",
    ] {
        let f = lint_file(&root.join("3-entra").join(name), "2026-06-01T00:00:00Z").unwrap();
        let r = f
            .iter()
            .find(|f| f.code == "entra.signing.rollover")
            .unwrap_or_else(|| panic!("{name}: no rollover note: {:?}", codes(&f)));
        assert!(r.message.contains("newest") && r.message.contains("first to expire"));
    }
    // One certificate: no rollover note.
    let f = lint_file(
        &root.join("3-entra/entra_pretty__garashis.xml"),
        "2026-06-01T00:00:00Z",
    )
    .unwrap();
    assert!(!codes(&f).contains(&"entra.signing.rollover"));
}

#[test]
fn the_real_identity_center_sp_has_no_errors() {
    let Some(root) = corpus() else { return };
    let p = root.join("1-aws-identity-center/aws_ic_sp__apne1_d-9567b34c60__extracted.xml");
    let f = lint_file(&p, "2026-06-01T00:00:00Z").unwrap();
    assert!(f.iter().all(|f| f.severity < Severity::Error), "{f:#?}");
    let hf = f
        .iter()
        .find(|f| f.code == "aws.ic.sp.acs.host_form")
        .unwrap();
    assert!(hf.message.contains("legacy"), "{}", hf.message);
}

#[test]
fn the_real_identity_center_idp_files_with_an_empty_nameid_format_get_no_warning() {
    // IAM Identity Center acting as IdP publishes empty NameIDFormat elements: AWS's own
    // metadata is not wrong (issue 14), so md.nameid_format.empty stays quiet on it.
    let Some(root) = corpus() else { return };
    for name in [
        "aws_ic_idp__sourcefuse__portal_sso_us-east-1.xml",
        "aws_ic_idp__sourcefuse__variables_tf_default__extracted.xml",
    ] {
        let p = root.join("1-aws-identity-center").join(name);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("<md:NameIDFormat/>"), "{name}");
        let f = lint_file(&p, "2026-06-01T00:00:00Z").unwrap();
        assert!(!codes(&f).contains(&"md.nameid_format.empty"), "{f:#?}");
        assert!(!f.iter().any(|f| f.severity >= Severity::Warning), "{f:#?}");
    }
}

#[test]
fn entra_certificates_expired_in_2031_and_valid_inside_their_lifetime() {
    let Some(root) = corpus() else { return };
    let p = root.join("3-entra/entra_tenant8b966979__JmFixit_good.xml");
    let f = lint_file(&p, "2031-01-01T00:00:00Z").unwrap();
    let expired: Vec<&Finding> = f.iter().filter(|f| f.code == "x509.expired").collect();
    assert_eq!(expired.len(), 3, "{f:#?}");
    for (e, date) in expired
        .iter()
        .zip(["2019-01-04", "2019-02-14", "2018-11-16"])
    {
        assert!(e.message.contains("signing certificate"), "{}", e.message);
        assert!(
            e.message.contains(&format!("expired on {date}")),
            "{}",
            e.message
        );
        assert!(e.message.contains("IDPSSODescriptor"), "{}", e.message);
    }
    let f = lint_file(&p, "2018-06-01T00:00:00Z").unwrap();
    let c = codes(&f);
    assert!(
        !c.contains(&"x509.expired") && !c.contains(&"x509.not_yet_valid"),
        "{c:?}"
    );
}

#[test]
fn corpus_aggregates_report_duplicates_and_signatures_sensibly() {
    let Some(root) = corpus() else { return };
    let f = lint_file(
        &root.join("4-other-idp-sp/samael__test_vectors__idp_metadata_nested.xml"),
        "2026-06-01T00:00:00Z",
    )
    .unwrap();
    let c = codes(&f);
    assert!(c.contains(&"md.entity_id.duplicate"), "{c:?}");
    assert!(c.contains(&"md.aggregate.unsigned"), "{c:?}");
    // The Shibboleth aggregator's signed output is not called unsigned.
    let f = lint_file(
        &root.join("5-aggregates/java-metadata-aggregator__mda-framework__src__test__resources__net__shibboleth__metadata__dom__XMLSignatureSigningStage-output.xml"),
        "2026-06-01T00:00:00Z",
    )
    .unwrap();
    assert!(!codes(&f).contains(&"md.aggregate.unsigned"));
}
