//! `--format html`: one self-contained page for check, lint, show and diff, with the
//! certificate timeline and the findings; a usage error for the other commands; input is
//! escaped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use std::path::PathBuf;

const AT: &str = "2026-12-01T00:00:00Z";

fn fx(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn html(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(args)
        .args(["--format", "html", "--at", AT])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The page is one self-contained document: no script, nothing loaded from elsewhere.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"));
    assert!(page.contains("default-src 'none'"));
    for external in [
        "<script", "<link", "<img", "<iframe", "@import", "src=\"", "url(http",
    ] {
        assert!(!page.contains(external), "{external} in page");
    }
}

#[test]
fn check_mid_rollover_shows_both_certificates_overlap_and_findings() {
    let (code, page) = html(&[
        "check",
        &fx("aws-ic-sp.xml"),
        &fx("entra-idp.xml"),
        "--warn-days",
        "60",
    ]);
    assert_eq!(code, 0);
    assert_self_contained(&page);
    assert!(page.contains("<svg"));
    assert!(page.contains("CN=Test Federated SSO Certificate (old)"));
    assert!(page.contains("CN=Test Federated SSO Certificate (new)"));
    // Old expires 2027-01-15: inside the 60-day window; new is valid beyond it.
    assert!(page.contains(r#"class="tl-bar tl-expiring""#));
    assert!(page.contains(r#"class="tl-bar tl-valid""#));
    assert!(page.contains("rollover overlap: signing certificates of"));
    assert!(page.contains("warning window: 60 days after 2026-12-01"));
    assert!(page.contains(r#"data-code="entra.signing.rollover""#));
    assert!(page.contains("Pair check (across both files)"));
    assert!(page.contains("class=\"hint\""));
}

#[test]
fn expired_certificate_is_drawn_distinct() {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["show", &fx("entra-idp.xml"), "--format", "html"])
        .args(["--at", "2028-01-01T00:00:00Z"])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(r#"class="tl-bar tl-expired""#));
    assert!(page.contains("expired 351 days ago"));
}

#[test]
fn lint_show_and_diff_write_html() {
    let (code, lint) = html(&["lint", &fx("entra-idp.xml"), &fx("aggregate.xml")]);
    assert!(code == 0 || code == 1);
    assert_self_contained(&lint);
    assert!(lint.contains("<h2>Findings</h2>") && lint.contains("class=\"finding "));
    assert!(lint.contains("aggregate.xml"));

    let (code, show) = html(&["show", &fx("entra-idp.xml")]);
    assert_eq!(code, 0);
    assert_self_contained(&show);
    assert!(show.contains("<h2>Entities</h2>") && show.contains("tl-bar"));

    let (code, diff) = html(&["diff", &fx("entra-idp-one-cert.xml"), &fx("entra-idp.xml")]);
    assert!(code == 0 || code == 1);
    assert_self_contained(&diff);
    assert!(diff.contains("<h2>Changes</h2>") && diff.contains("tl-bar"));
}

#[test]
fn other_commands_refuse_html() {
    for args in [
        vec!["verify".to_string(), fx("entra-idp.xml")],
        vec!["rules".to_string()],
        vec![
            "rewrite".to_string(),
            fx("entra-idp.xml"),
            "--strip-bom".to_string(),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = Command::cargo_bin("samlcheck")
            .unwrap()
            .args(&args)
            .args(["--format", "html"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        // The command's --format lists only what it writes: a usage error naming the value.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("invalid value 'html'"), "{err}");
    }
}

#[test]
fn script_in_entity_id_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("evil.xml");
    std::fs::write(
        &f,
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://evil.example/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&apos;"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://evil.example/acs?&lt;img src=x onerror=alert(2)&gt;" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>"#,
    )
    .unwrap();
    let f = f.display().to_string();
    for cmd in ["lint", "show"] {
        let (_, page) = html(&[cmd, &f]);
        assert_self_contained(&page);
        assert!(
            page.contains("https://evil.example/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"),
            "{cmd}: {page}"
        );
    }
}

#[test]
fn response_html_shows_the_verdict_and_escapes_the_capture() {
    let fx = |n: &str| format!("{}/tests/fixtures/{n}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["response", &fx("responses/scenario/carol-upn.xml")])
        .args(["--idp", &fx("entra-idp.xml"), "--sp", &fx("aws-ic-sp.xml")])
        .args(["--aws-users", &fx("entra/aws-users-bad.json")])
        .args(["--at", "2026-09-15T10:00:00Z", "--format", "html"])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{page}");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("response.nameid.matches_mail"), "{page}");
    assert!(page.contains("AWS rejects it"));
    assert!(!page.contains("<script"));
}
