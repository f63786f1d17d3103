//! `verify` says what weakens a verdict, and nested signatures do not sink an aggregate
//! (issue 14, section 5). Signed inputs are made here with samlcheck's signer and the
//! test-only keys of tests/fixtures/keys; variants the signer does not make (an
//! InclusiveNamespaces prefix list, inclusive c14n, RSA-SHA1, an RSA-1024 key) are re-signed
//! here: digest and SignedInfo recomputed with the crate's c14n, the signature made with
//! `ring` (RSA-2048, SHA-256) or with the openssl command (SHA-1, RSA-1024; those tests skip
//! with a message when openssl is absent, and fail when CI=true).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use base64::Engine;
use samlcheck::dsig::c14n::{self, C14n, Subset};
use samlcheck::dsig::{self, sign, DigestAlg, SignOptions, SigningKey, Trust, TrustBasis};
use samlcheck::xml::XmlDoc;
use samlcheck::{Finding, Limits};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");

fn keys(name: &str) -> (String, String) {
    (
        std::fs::read_to_string(format!("{KEYS}/{name}.key.pem")).unwrap(),
        std::fs::read_to_string(format!("{KEYS}/{name}.crt.pem")).unwrap(),
    )
}

fn key(name: &str) -> SigningKey {
    let (k, c) = keys(name);
    SigningKey::from_pem(&k, &c).unwrap()
}

fn signed(text: &str, name: &str) -> String {
    sign(text, &key(name), &SignOptions::default()).unwrap()
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn pinned(name: &str) -> Trust {
    Trust::from_pem(&keys(name).1).unwrap()
}

/// `verify_findings` at an instant (warn 30 days ahead).
fn findings(text: &str, trust: &Trust, when: &str) -> Vec<Finding> {
    let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, trust);
    dsig::verify_findings(&r, trust, &dsig::VerifyOptions::at(at(when)))
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

fn entity(id: &str, extra: &str) -> String {
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{id}"{extra}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{id}sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
    )
}

fn aggregate(inner: &[String]) -> String {
    format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" Name=\"urn:test:federation\">\n{}\n</md:EntitiesDescriptor>",
        inner.join("\n")
    )
}

/// Runs the binary.
#[cfg(feature = "cli")]
fn samlcheck(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

// ---- aggregates: nested signatures ------------------------------------------------------

/// An aggregate signed by the federation key around an entity signed by another key.
fn aggregate_with_foreign_entity_signature() -> String {
    let inner = signed(
        &entity("https://idp.member.example/", ""),
        "attacker-rsa2048",
    );
    signed(
        &aggregate(&[inner, entity("https://sp.member.example/", "")]),
        "rsa2048",
    )
}

#[test]
fn aggregate_verified_with_the_pinned_key_is_verified_despite_foreign_entity_signatures() {
    let text = aggregate_with_foreign_entity_signature();
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    let trust = pinned("rsa2048");
    let r = dsig::verify(&doc, &trust);
    assert_eq!(r.signatures.len(), 2);
    assert!(r.is_verified());
    let root = r.signatures.iter().find(|c| c.on_root).unwrap();
    assert_eq!(
        root.outcome.as_ref().unwrap().info().trust,
        TrustBasis::PinnedCert
    );
    let nested = r.signatures.iter().find(|c| !c.on_root).unwrap();
    assert!(nested.under_verified_root);
    // Reported with its embedded key (integrity only), never as untrusted.
    let v = nested
        .outcome
        .as_ref()
        .expect("nested verifies with its own key");
    assert_eq!(v.info().trust, TrustBasis::EmbeddedOnly);
    let f = dsig::verify_findings(
        &r,
        &trust,
        &dsig::VerifyOptions::at(at("2026-01-01T00:00:00Z")),
    );
    assert_eq!(codes(&f), ["dsig.trust_embedded_only"], "{f:#?}");
    assert!(
        f[0].message.contains("inside the verified"),
        "{}",
        f[0].message
    );

    // Quiet counterpart: the same aggregate pinned to the member's key does not verify:
    // the root is what decides, and nested signatures are judged with the pins as before.
    let r = dsig::verify(&doc, &pinned("attacker-rsa2048"));
    assert!(!r.is_verified());
    assert!(r.signatures.iter().all(|c| !c.under_verified_root));
}

/// An aggregate whose root signature is valid around an entity whose own signature broke
/// (the entity was edited after it was signed, then the aggregate was signed).
fn aggregate_with_broken_entity_signature() -> String {
    let inner = signed(
        &entity("https://idp.member.example/", ""),
        "attacker-rsa2048",
    )
    .replace(
        "https://idp.member.example/sso",
        "https://idp.member.example/edited",
    );
    signed(&aggregate(&[inner]), "rsa2048")
}

#[test]
fn broken_nested_signature_under_a_valid_root_is_a_warning() {
    let text = aggregate_with_broken_entity_signature();
    let f = findings(&text, &pinned("rsa2048"), "2026-01-01T00:00:00Z");
    assert_eq!(codes(&f), ["dsig.nested_invalid"], "{f:#?}");
    assert_eq!(f[0].severity, samlcheck::Severity::Warning);
    assert_eq!(f[0].entity.as_deref(), Some("https://idp.member.example/"));
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    assert!(dsig::verify(&doc, &pinned("rsa2048")).is_verified());
    // The lint sees the same: a warning, not an error.
    let lint = dsig::findings(&dsig::verify(&doc, &Trust::embedded()), false);
    assert!(lint.iter().any(|f| f.code == "dsig.nested_invalid"));
    assert!(lint
        .iter()
        .all(|f| f.severity != samlcheck::Severity::Error));

    // Quiet: when the root does not verify, a broken entity signature is the error it was.
    let tampered = text.replace("urn:test:federation", "urn:test:federatiom");
    let f = findings(&tampered, &pinned("rsa2048"), "2026-01-01T00:00:00Z");
    assert!(!codes(&f).contains(&"dsig.nested_invalid"), "{f:#?}");
    assert_eq!(
        codes(&f)
            .iter()
            .filter(|c| **c == "dsig.digest_mismatch")
            .count(),
        2,
        "{f:#?}"
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_verify_exit_codes_follow_the_verdict_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let cert = format!("{KEYS}/rsa2048.crt.pem");
    let broken = write(
        &dir,
        "broken.xml",
        &aggregate_with_broken_entity_signature(),
    );
    let base = ["verify", "--at", "2026-01-01T00:00:00Z", "--cert", &cert];
    let (code, out) = samlcheck(&[&base[..], &[broken.as_str()]].concat());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("dsig.nested_invalid"), "{out}");
    assert!(out.contains("result: verified"), "{out}");
    let (code, _) = samlcheck(&[&base[..], &["--fail-on", "warning", broken.as_str()]].concat());
    assert_eq!(code, 1);
    let (code, json) = samlcheck(&[&base[..], &["--format", "json", broken.as_str()]].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verified"], true);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "dsig.nested_invalid" && f["severity"] == "warning"));
    let (code, sarif) = samlcheck(&[&base[..], &["--format", "sarif", broken.as_str()]].concat());
    assert_eq!(code, 0);
    assert!(sarif.contains("dsig.nested_invalid"), "{sarif}");

    // A clean file passes even with --fail-on warning; a foreign nested signature is info.
    let foreign = write(
        &dir,
        "foreign.xml",
        &aggregate_with_foreign_entity_signature(),
    );
    let (code, out) = samlcheck(&[&base[..], &["--fail-on", "warning", foreign.as_str()]].concat());
    assert_eq!(code, 0, "{out}");
    // Not verified stays exit 1 whatever --fail-on says.
    let tampered = write(
        &dir,
        "tampered.xml",
        &aggregate_with_broken_entity_signature().replace("federation\"", "federatiom\""),
    );
    let (code, _) = samlcheck(&[&base[..], &["--fail-on", "never", tampered.as_str()]].concat());
    assert_eq!(code, 1);
}

// ---- certificates -------------------------------------------------------------------------

#[test]
fn signer_certificate_dates_are_warnings() {
    // rsa2048 is valid 2024-01-01 .. 2034-01-01.
    let text = signed(&entity("https://idp.example/", ""), "rsa2048");
    let t = pinned("rsa2048");
    let expired = findings(&text, &t, "2035-01-01T00:00:00Z");
    assert_eq!(codes(&expired), ["dsig.cert.expired"], "{expired:#?}");
    assert!(expired[0].location.is_some());
    let expiring = findings(&text, &t, "2033-12-20T00:00:00Z");
    assert_eq!(codes(&expiring), ["dsig.cert.expiring"]);
    let early = findings(&text, &t, "2023-06-01T00:00:00Z");
    assert_eq!(codes(&early), ["dsig.cert.not_yet_valid"]);
    // Quiet: within validity and more than --warn-days ahead.
    assert!(findings(&text, &t, "2026-01-01T00:00:00Z").is_empty());
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &t);
    let mut o = dsig::VerifyOptions::at(at("2033-12-20T00:00:00Z"));
    o.warn_days = 5;
    assert!(dsig::verify_findings(&r, &t, &o).is_empty());
}

#[test]
fn an_expired_pinned_certificate_that_signed_nothing_is_reported_once() {
    let text = signed(&entity("https://idp.example/", ""), "rsa2048");
    let mut t = pinned("rsa2048");
    t.add_pem(&keys("ec-p256").1).unwrap();
    let f = findings(&text, &t, "2035-01-01T00:00:00Z");
    assert_eq!(
        codes(&f),
        ["dsig.cert.expired", "dsig.cert.expired"],
        "{f:#?}"
    );
    assert_eq!(f.iter().filter(|f| f.location.is_none()).count(), 1);
    assert!(f
        .iter()
        .any(|f| f.message.contains("the pinned certificate")));
}

// ---- re-signing helpers for variants the signer does not make ---------------------------

fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn text_of(doc: &XmlDoc<'_>, local: &str) -> String {
    doc.tree()
        .descendants()
        .find(|n| n.tag_name().name() == local)
        .and_then(|n| n.text())
        .unwrap()
        .to_string()
}

/// Recomputes the root signature's DigestValue with `c14n`/`alg` and its SignatureValue
/// with `sign_si` over the exclusive-c14n SignedInfo.
fn resign(text: &str, c14n: &C14n, alg: DigestAlg, sign_si: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
    let root = doc.root();
    let sig = root
        .children()
        .find(|n| n.tag_name().name() == "Signature")
        .unwrap();
    let d = dsig::digest(Subset::Element(root), Some(sig), c14n, alg);
    let old = text_of(&doc, "DigestValue");
    let text = text.replacen(&old, &b64.encode(d), 1);
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    let si = doc
        .tree()
        .descendants()
        .find(|n| n.tag_name().name() == "SignedInfo")
        .unwrap();
    let bytes = c14n::to_vec(Subset::Element(si), None, &C14n::exclusive());
    let old_sv = text_of(&doc, "SignatureValue");
    text.replacen(&old_sv, &b64.encode(sign_si(&bytes)), 1)
}

fn ring_rsa2048(msg: &[u8]) -> Vec<u8> {
    let kp = ring::signature::RsaKeyPair::from_pkcs8(&pem_der(&keys("rsa2048").0)).unwrap();
    let mut sig = vec![0u8; kp.public().modulus_len()];
    kp.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        msg,
        &mut sig,
    )
    .unwrap();
    sig
}

fn have_openssl() -> bool {
    let ok = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openssl is required under CI"
        );
        eprintln!("SKIPPED: openssl not found; the RSA-1024 and SHA-1 signature cases need it");
    }
    ok
}

fn openssl_sign(key_name: &str, hash: &str, msg: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", hash, "-sign", &format!("{KEYS}/{key_name}.key.pem")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(msg).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    out.stdout
}

fn cert_b64(name: &str) -> String {
    keys(name)
        .1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

#[test]
fn resigning_with_ring_reproduces_a_verifying_signature() {
    // The helper itself: re-signing a signed file unchanged still verifies (so the quiet
    // cases below test the rule, not a broken signature).
    let text = signed(&entity("https://idp.example/", ""), "rsa2048");
    let again = resign(&text, &C14n::exclusive(), DigestAlg::Sha256, ring_rsa2048);
    let doc = XmlDoc::parse(&again, &Limits::default()).unwrap();
    assert!(dsig::verify(&doc, &Trust::embedded()).is_verified());
}

#[test]
fn an_rsa_1024_signer_is_a_weak_key_warning() {
    if !have_openssl() {
        return;
    }
    let text = signed(&entity("https://idp.example/", ""), "rsa2048").replacen(
        &cert_b64("rsa2048"),
        &cert_b64("rsa1024"),
        1,
    );
    let weak = resign(&text, &C14n::exclusive(), DigestAlg::Sha256, |m| {
        openssl_sign("rsa1024", "-sha256", m)
    });
    let f = findings(&weak, &Trust::embedded(), "2026-01-01T00:00:00Z");
    assert!(codes(&f).contains(&"dsig.cert.weak_key"), "{f:#?}");
    assert!(f.iter().any(|f| f.message.contains("1024 bits")));
    // Quiet: the 2048-bit signer.
    let f = findings(
        &signed(&entity("https://idp.example/", ""), "rsa2048"),
        &Trust::embedded(),
        "2026-01-01T00:00:00Z",
    );
    assert!(!codes(&f).contains(&"dsig.cert.weak_key"), "{f:#?}");
}

#[test]
#[cfg(feature = "cli")]
fn sha1_is_a_warning_in_verify_and_fails_only_with_fail_on_warning() {
    if !have_openssl() {
        return;
    }
    let text = signed(&entity("https://idp.example/", ""), "rsa2048")
        .replace(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        )
        .replace(
            "http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2000/09/xmldsig#sha1",
        );
    let sha1 = resign(&text, &C14n::exclusive(), DigestAlg::Sha1, |m| {
        openssl_sign("rsa2048", "-sha1", m)
    });
    let t = pinned("rsa2048");
    let f = findings(&sha1, &t, "2026-01-01T00:00:00Z");
    assert_eq!(codes(&f), ["dsig.weak_algorithm"], "{f:#?}");
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "sha1.xml", &sha1);
    let cert = format!("{KEYS}/rsa2048.crt.pem");
    let base = ["verify", "--at", "2026-01-01T00:00:00Z", "--cert", &cert];
    assert_eq!(samlcheck(&[&base[..], &[p.as_str()]].concat()).0, 0);
    assert_eq!(
        samlcheck(&[&base[..], &["--fail-on", "warning", p.as_str()]].concat()).0,
        1
    );
    // Quiet: SHA-256.
    let ok = signed(&entity("https://idp.example/", ""), "rsa2048");
    assert!(findings(&ok, &t, "2026-01-01T00:00:00Z").is_empty());
}

// ---- validUntil, comments, QNames --------------------------------------------------------

#[test]
fn a_passed_valid_until_on_the_verified_element_is_a_warning() {
    let text = signed(
        &entity(
            "https://idp.example/",
            r#" validUntil="2025-06-01T00:00:00Z""#,
        ),
        "rsa2048",
    );
    let t = pinned("rsa2048");
    let f = findings(&text, &t, "2026-01-01T00:00:00Z");
    assert_eq!(codes(&f), ["dsig.valid_until_passed"], "{f:#?}");
    assert!(f[0].message.contains("2025-06-01"));
    assert!(findings(&text, &t, "2025-01-01T00:00:00Z").is_empty());
}

#[test]
fn comments_and_processing_instructions_splitting_signed_text_are_warnings() {
    let t = pinned("rsa2048");
    for split in ["<!-- x -->", "<?pi x?>"] {
        let text = signed(
            &entity(
                "https://idp.example/",
                "",
            )
            .replace(
                "</md:IDPSSODescriptor>",
                &format!("<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:email{split}Address</md:NameIDFormat></md:IDPSSODescriptor>"),
            ),
            "rsa2048",
        );
        let f = findings(&text, &t, "2026-01-01T00:00:00Z");
        assert_eq!(
            codes(&f),
            ["dsig.comment_in_signed_value"],
            "{split}: {f:#?}"
        );
    }
    // Quiet: a comment between elements splits no value.
    let text = signed(
        &entity("https://idp.example/", "").replace(
            "</md:IDPSSODescriptor>",
            "<!-- between --></md:IDPSSODescriptor>",
        ),
        "rsa2048",
    );
    assert!(findings(&text, &t, "2026-01-01T00:00:00Z").is_empty());
}

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// An entity with an entity attribute whose value is typed `xs:string` (a QName in an
/// attribute value: `xs` is not used in any element or attribute name).
fn entity_with_typed_attribute(xsi_type: &str) -> String {
    entity("https://idp.example/", "").replace(
        "  <md:IDPSSODescriptor",
        &format!(
            r#"  <md:Extensions><mdattr:EntityAttributes xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute"><saml:Attribute xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Name="http://macedir.org/entity-category"><saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="{XSI}" xsi:type="{xsi_type}">http://refeds.org/category/research-and-scholarship</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>
  <md:IDPSSODescriptor"#
        ),
    )
}

#[test]
fn a_qname_prefix_outside_the_exclusive_digest_is_a_warning() {
    let t = pinned("rsa2048");
    let text = signed(&entity_with_typed_attribute("xs:string"), "rsa2048");
    let f = findings(&text, &t, "2026-01-01T00:00:00Z");
    assert_eq!(codes(&f), ["dsig.qname_unsigned_prefix"], "{f:#?}");
    assert!(f[0].message.contains("prefix \"xs\""), "{}", f[0].message);
    assert!(f[0]
        .location
        .as_ref()
        .unwrap()
        .path
        .ends_with("AttributeValue"));

    // Quiet: the prefix is the element's own (visibly utilized, so its binding is signed).
    let own = signed(
        &entity_with_typed_attribute("saml:AttributeValueType"),
        "rsa2048",
    );
    assert!(findings(&own, &t, "2026-01-01T00:00:00Z").is_empty());
}

#[test]
fn the_text_of_an_xs_qname_value_is_checked_too() {
    let t = pinned("rsa2048");
    let typed = |text: &str| {
        entity_with_typed_attribute("xs:QName").replace(
            ">http://refeds.org/category/research-and-scholarship<",
            &format!(">{text}<"),
        )
    };
    // `md` is bound (on the root) but not used in a name on AttributeValue.
    let f = findings(
        &signed(&typed("md:Thing"), "rsa2048"),
        &t,
        "2026-01-01T00:00:00Z",
    );
    assert_eq!(
        codes(&f),
        ["dsig.qname_unsigned_prefix", "dsig.qname_unsigned_prefix"],
        "{f:#?}"
    );
    assert!(f
        .iter()
        .any(|f| f.message.contains("xs:QName text \"md:Thing\"")));
    // Quiet for the text: `saml` names the element itself (only xs:QName's `xs` fires).
    let f = findings(
        &signed(&typed("saml:Thing"), "rsa2048"),
        &t,
        "2026-01-01T00:00:00Z",
    );
    assert_eq!(codes(&f), ["dsig.qname_unsigned_prefix"], "{f:#?}");
    assert!(f[0].message.contains("prefix \"xs\""));
}

#[test]
fn a_qname_prefix_in_the_prefix_list_or_under_inclusive_c14n_is_covered() {
    let t = pinned("rsa2048");
    let base = signed(&entity_with_typed_attribute("xs:string"), "rsa2048");
    // InclusiveNamespaces PrefixList="xs" on the reference's c14n transform.
    let listed = base.replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs"/></ds:Transform>"#,
        1,
    );
    assert_ne!(listed, base);
    let listed = resign(
        &listed,
        &C14n::exclusive().with_prefix_list("xs"),
        DigestAlg::Sha256,
        ring_rsa2048,
    );
    let f = findings(&listed, &t, "2026-01-01T00:00:00Z");
    assert!(f.is_empty(), "{f:#?}");
    // Inclusive c14n renders every namespace in scope.
    let inclusive = base.replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>"#,
        1,
    );
    assert_ne!(inclusive, base);
    let inclusive = resign(
        &inclusive,
        &C14n::inclusive(),
        DigestAlg::Sha256,
        ring_rsa2048,
    );
    let f = findings(&inclusive, &t, "2026-01-01T00:00:00Z");
    assert!(f.is_empty(), "{f:#?}");
    // And the same prefix-list document with another prefix listed still fires.
    let other = base.replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
        r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="saml"/></ds:Transform>"#,
        1,
    );
    let other = resign(
        &other,
        &C14n::exclusive().with_prefix_list("saml"),
        DigestAlg::Sha256,
        ring_rsa2048,
    );
    let f = findings(&other, &t, "2026-01-01T00:00:00Z");
    assert_eq!(codes(&f), ["dsig.qname_unsigned_prefix"], "{f:#?}");
}

// ---- coverage in the pair check ----------------------------------------------------------

fn coverage_finding(text: &str, entity_id: &str) -> Option<Finding> {
    let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
    let md = samlcheck::parse_metadata(text.as_bytes().to_vec(), &Limits::default()).unwrap();
    let e = md
        .entities
        .iter()
        .find(|e| e.entity_id() == entity_id)
        .unwrap();
    dsig::Coverage::of(&dsig::verify(&doc, &Trust::embedded())).check(e)
}

#[test]
fn an_entity_no_verified_signature_covers_is_named() {
    // Unsigned entity inside an aggregate whose root signature does not verify.
    let broken = signed(
        &aggregate(&[entity("https://idp.member.example/", "")]),
        "rsa2048",
    )
    .replace("/sso\"", "/edited\"");
    let f = coverage_finding(&broken, "https://idp.member.example/").expect("fires");
    assert_eq!(f.code, "dsig.entity_not_covered");
    assert_eq!(f.entity.as_deref(), Some("https://idp.member.example/"));
    assert!(f.message.contains("https://idp.member.example/"));

    // An unsigned entity beside a signed one in an unsigned aggregate: only it is named.
    let mixed = aggregate(&[
        signed(&entity("https://signed.example/", ""), "rsa2048"),
        entity("https://unsigned.example/", ""),
    ]);
    assert!(coverage_finding(&mixed, "https://unsigned.example/").is_some());
    assert!(coverage_finding(&mixed, "https://signed.example/").is_none());

    // Quiet: a verified root covers every entity; an unsigned file says nothing.
    let good = signed(
        &aggregate(&[entity("https://idp.member.example/", "")]),
        "rsa2048",
    );
    assert!(coverage_finding(&good, "https://idp.member.example/").is_none());
    let unsigned = aggregate(&[entity("https://idp.member.example/", "")]);
    assert!(coverage_finding(&unsigned, "https://idp.member.example/").is_none());
}

#[test]
#[cfg(feature = "cli")]
fn cli_pair_check_warns_about_an_uncovered_idp_entity() {
    let dir = tempfile::tempdir().unwrap();
    let sp = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws-ic-sp.xml");
    let idp_text = |id: &str| {
        entity(id, "").replace(
            "  <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">",
            &format!("  <md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>", cert_b64("rsa2048")),
        )
    };
    let broken = signed(&idp_text("https://idp.example/"), "rsa2048")
        .replace("https://idp.example/sso", "https://idp.example/other");
    let p = write(&dir, "idp.xml", &broken);
    let (_, out) = samlcheck(&["--at", "2026-01-01T00:00:00Z", "check", sp, &p]);
    assert!(out.contains("dsig.entity_not_covered"), "{out}");
    assert!(out.contains("https://idp.example/"), "{out}");
    // Quiet: the signed, unchanged file.
    let good = signed(&idp_text("https://idp.example/"), "rsa2048");
    let p = write(&dir, "idp-good.xml", &good);
    let (_, out) = samlcheck(&["--at", "2026-01-01T00:00:00Z", "check", sp, &p]);
    assert!(!out.contains("dsig.entity_not_covered"), "{out}");
}

// ---- terminal safety -----------------------------------------------------------------------

/// An entityID with a right-to-left override and a C1 CSI, and a Location with a zero-width
/// space: allowed by XML 1.0, dangerous on a terminal.
const HOSTILE_ID: &str = "https://idp.example/\u{202e}gpj.exe\u{9b}31m";

fn hostile_entity() -> String {
    entity(HOSTILE_ID, "").replace("sso\"", "s\u{200b}so\"")
}

fn assert_no_raw_unsafe(out: &str) {
    for c in ['\u{202e}', '\u{9b}', '\u{200b}'] {
        assert!(
            !out.contains(c),
            "raw U+{:04X} in output:\n{out}",
            u32::from(c)
        );
    }
    assert!(out.contains("\\u{202e}"), "{out}");
}

#[test]
#[cfg(feature = "cli")]
fn text_output_of_every_command_escapes_control_and_bidi_characters() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(&dir, "hostile.xml", &hostile_entity());
    let signed_file = write(
        &dir,
        "hostile-signed.xml",
        &signed(&hostile_entity(), "rsa2048"),
    );
    let changed = write(
        &dir,
        "hostile-changed.xml",
        &hostile_entity().replace("s\u{200b}so\"", "s\u{200b}so2\""),
    );
    let at = ["--at", "2026-01-01T00:00:00Z"];
    for args in [
        vec!["show", plain.as_str()],
        vec!["lint", plain.as_str()],
        vec!["verify", signed_file.as_str()],
        vec!["diff", plain.as_str(), changed.as_str()],
    ] {
        let (_, out) = samlcheck(&[&at[..], &args[..]].concat());
        assert_no_raw_unsafe(&out);
    }
    let sp = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws-ic-sp.xml");
    let (_, out) = samlcheck(&[&at[..], &["check", sp, plain.as_str()]].concat());
    assert_no_raw_unsafe(&out);
    // JSON keeps the value exact (it is for programs, and JSON escapes controls itself).
    let (_, json) = samlcheck(&[&at[..], &["--format", "json", "show", plain.as_str()]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json.contains('\u{202e}') || v.to_string().contains('\u{202e}'));
}

#[test]
fn escape_text_leaves_ordinary_text_alone() {
    use samlcheck::report::escape_text;
    assert!(matches!(
        escape_text("https://sts.windows.net/é/ – ok"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert_eq!(
        escape_text("a\u{202e}b\tc\u{9b}"),
        "a\\u{202e}b\\tc\\u{009b}"
    );
}

#[test]
fn hidden_characters_in_entity_ids_and_urls_are_flagged() {
    let md = samlcheck::parse_metadata(hostile_entity().into_bytes(), &Limits::default()).unwrap();
    let f = samlcheck::lint::lint(
        &md,
        &samlcheck::lint::LintOptions::at(at("2026-01-01T00:00:00Z")),
    );
    let hits: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == "md.text.control_chars")
        .collect();
    assert_eq!(hits.len(), 2, "{f:#?}");
    assert!(hits
        .iter()
        .all(|f| f.severity == samlcheck::Severity::Warning));
    assert!(hits.iter().any(|f| f.message.contains("U+202E")));
    assert!(hits.iter().any(|f| f.message.contains("U+200B")));
    // Quiet: an ordinary (even non-ASCII) entityID.
    let md = samlcheck::parse_metadata(
        entity("https://idp.example/é/", "").into_bytes(),
        &Limits::default(),
    )
    .unwrap();
    let f = samlcheck::lint::lint(
        &md,
        &samlcheck::lint::LintOptions::at(at("2026-01-01T00:00:00Z")),
    );
    assert!(
        f.iter().all(|f| f.code != "md.text.control_chars"),
        "{f:#?}"
    );
}

// ---- the real aggregates of ../shared/corpus, read in place --------------------------------

fn corpus() -> Option<std::path::PathBuf> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| here.join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping: ../shared/corpus is absent");
    }
    found
}

#[test]
#[cfg(feature = "cli")]
fn corpus_aggregates_verify_with_their_pinned_keys_and_warn_about_what_is_stale() {
    let Some(dir) = corpus() else { return };
    let mda = "java-metadata-aggregator__mda-framework__src__test__resources__net__shibboleth__metadata__dom__XMLSignature";
    let pin = dir.join("keys/mda__XMLSignatureSigningStage-signingCert.pem");
    let pin = pin.display().to_string();
    for file in [
        "SigningStage-mda196.xml",
        "SigningStage-output.xml",
        "ValidationStage-emptyref.xml",
        "ValidationStage-signed.xml",
    ] {
        let p = dir.join(format!("5-aggregates/{mda}{file}"));
        let p = p.display().to_string();
        let at = ["verify", "--at", "2026-06-01T00:00:00Z", "--format", "json"];
        let (code, json) = samlcheck(&[&at[..], &["--cert", &pin, &p]].concat());
        assert_eq!(code, 0, "{file}: {json}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["signatures"][0]["trust"], "pinned_cert", "{file}");
        // These test aggregates carry a validUntil long passed: a warning, not a failure.
        let warn: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "warning")
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert_eq!(warn, ["dsig.valid_until_passed"], "{file}");
        let (code, _) =
            samlcheck(&[&at[..], &["--cert", &pin, "--fail-on", "warning", &p]].concat());
        assert_eq!(code, 1, "{file}");
    }
    // The tampered one stays rejected.
    let bad = dir.join(format!(
        "6-attacks-broken/{mda}ValidationStage-badSignature.xml"
    ));
    let (code, _) = samlcheck(&[
        "verify",
        "--at",
        "2026-06-01T00:00:00Z",
        "--cert",
        &pin,
        &bad.display().to_string(),
    ]);
    assert_eq!(code, 1);
}

#[test]
#[cfg(feature = "cli")]
fn cli_warn_days_sets_the_expiring_horizon() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "e.xml",
        &signed(&entity("https://idp.example/", ""), "rsa2048"),
    );
    let cert = format!("{KEYS}/rsa2048.crt.pem");
    // rsa2048 expires 2034-01-01: 12 days after --at.
    let base = ["verify", "--at", "2033-12-20T00:00:00Z", "--cert", &cert];
    let (code, out) = samlcheck(&[&base[..], &["--fail-on", "warning", p.as_str()]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("dsig.cert.expiring"), "{out}");
    assert!(out.contains("with 1 warning"), "{out}");
    let (code, out) = samlcheck(
        &[
            &base[..],
            &["--warn-days", "5", "--fail-on", "warning", p.as_str()],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("dsig.cert.expiring"), "{out}");
    assert_eq!(
        samlcheck(&[&base[..], &["--warn-days", "-1", p.as_str()]].concat()).0,
        2
    );
}
