//! Relative namespace URIs (`xmlns:a="foo"`, `xmlns="foo"`): Canonical XML 1.0 section 2.1
//! requires canonicalization to fail on such documents. `sign` refuses them (exit 2),
//! `verify` reports every signature as not verified (exit 1) with a reason naming the
//! declaration and its position, and `lint` reports `dsig.relative_namespace` on the
//! declaration. `xmlns=""` (undeclaring the default namespace) is not a relative URI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use predicates::str::contains;

fn keys(name: &str, ext: &str) -> String {
    format!(
        "{}/tests/fixtures/keys/{name}.{ext}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

/// An entity whose `Extensions` declares `decl` on an element on line 2, column 23.
fn entity(decl: &str) -> String {
    format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://idp.example/\">\n  <md:Extensions><x:v {decl} xmlns:x=\"urn:x\">1</x:v><y xmlns=\"\">2</y></md:Extensions>\n  <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>\n"
    )
}

fn sign(dir: &std::path::Path, text: &str) -> std::process::Output {
    let input = dir.join("in.xml");
    let out = dir.join("out.xml");
    std::fs::write(&input, text).unwrap();
    samlcheck()
        .args([
            "sign",
            "--key",
            &keys("rsa2048", "key.pem"),
            "--cert",
            &keys("rsa2048", "crt.pem"),
        ])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap()
}

#[test]
fn sign_refuses_a_relative_namespace_uri_and_names_the_declaration() {
    let dir = tempfile::tempdir().unwrap();
    for (decl, shown) in [
        ("xmlns:r=\"foo\"", "xmlns:r=\"foo\""),
        ("xmlns=\"../rel\"", "xmlns=\"../rel\""),
        ("xmlns:r=\"//host/p\"", "xmlns:r=\"//host/p\""),
    ] {
        let o = sign(dir.path(), &entity(decl));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{decl}: {err}");
        assert!(err.contains(shown), "{decl}: {err}");
        assert!(err.contains("line 2, column 23"), "{decl}: {err}");
        assert!(err.contains("relative URI"), "{decl}: {err}");
        assert!(!dir.path().join("out.xml").exists());
    }
    // `xmlns=""` and absolute URIs sign.
    for decl in [
        "xmlns=\"\"",
        "xmlns:r=\"urn:foo\"",
        "xmlns:r=\"https://e/?a=1&amp;b\"",
    ] {
        let o = sign(dir.path(), &entity(decl));
        assert!(
            o.status.success(),
            "{decl}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// A signed file whose signed content then gets a relative namespace URI (nobody can
/// sign one: xmlsec1 refuses too).
fn signed_then_relative(dir: &std::path::Path) -> std::path::PathBuf {
    let o = sign(dir, &entity("xmlns:r=\"urn:foo\""));
    assert!(o.status.success());
    let signed = std::fs::read_to_string(dir.join("out.xml")).unwrap();
    let bad = signed.replace("xmlns:r=\"urn:foo\"", "xmlns:r=\"foo\"");
    let p = dir.join("relative.xml");
    std::fs::write(&p, bad).unwrap();
    p
}

#[test]
fn verify_reports_not_verified_with_the_declaration_and_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = signed_then_relative(dir.path());
    samlcheck()
        .arg("verify")
        .arg(&p)
        .assert()
        .code(1)
        .stdout(contains("NOT VERIFIED"))
        .stdout(contains(
            "the namespace declaration xmlns:r=\"foo\" on <x:v> at line 2, column 23 has a relative URI",
        ));
    let o = samlcheck()
        .args(["verify", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["verified"], false);
    assert_eq!(
        j["signatures"][0]["failure"]["code"],
        "dsig.relative_namespace"
    );
    // The same file with the absolute URI verifies.
    let good = std::fs::read_to_string(&p)
        .unwrap()
        .replace("xmlns:r=\"foo\"", "xmlns:r=\"urn:foo\"");
    std::fs::write(&p, good).unwrap();
    samlcheck().arg("verify").arg(&p).assert().success();
}

fn lint_findings(path: &std::path::Path) -> Vec<serde_json::Value> {
    let o = samlcheck()
        .args(["lint", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    j["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "dsig.relative_namespace")
        .cloned()
        .collect()
}

#[test]
fn lint_reports_the_declaration_signed_or_not_and_stays_quiet_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    // Unsigned: one finding, on the declaration.
    let p = dir.path().join("unsigned.xml");
    std::fs::write(&p, entity("xmlns=\"rel\"")).unwrap();
    let f = lint_findings(&p);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["location"]["line"], 2);
    assert_eq!(f[0]["location"]["col"], 23);
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("xmlns=\"rel\" on <x:v>"));
    // Signed: the declaration, and the signature that cannot be checked.
    let p = signed_then_relative(dir.path());
    let f = lint_findings(&p);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f.iter().any(|f| f["location"]["line"] == 2));
    assert!(f
        .iter()
        .any(|f| f["location"]["path"] == "/EntityDescriptor/Signature"));
    // Quiet: `xmlns=""`, absolute URIs, odd but absolute ones.
    for decl in ["xmlns=\"\"", "xmlns:r=\"urn:foo\"", "xmlns:r=\"a+b:c\""] {
        let p = dir.path().join("quiet.xml");
        std::fs::write(&p, entity(decl)).unwrap();
        assert!(lint_findings(&p).is_empty(), "{decl}");
    }
}
