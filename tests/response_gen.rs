//! The response generator of `tests/respgen` (issue #18), checked without the response
//! checker: valid responses verify with the library verifier against the certificates of
//! `entra-idp.xml` and with xmlsec1; responses xmlsec1 signs verify with the library; every
//! attack case is well-formed XML and is "live" (what makes it dangerous holds: the original
//! signature still verifies where the attack relies on it).
//!
//! xmlsec1 parts skip with a message when xmlsec1 is absent, and fail when `CI=true`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod respgen;

use base64::Engine;
use respgen::*;
use samlcheck::dsig::{self, Trust};
use samlcheck::xml::XmlDoc;
use samlcheck::Limits;
use std::path::Path;
use std::process::Command;

/// Trust as `entra-idp.xml` gives it: both listed signing certificates.
fn idp_trust() -> Trust {
    let mut t = Trust::from_pem(&pem("idp-old", "crt.pem")).unwrap();
    t.add_pem(&pem("idp-new", "crt.pem")).unwrap();
    t
}

/// What the library verifier says of a response: (verified assertion IDs, response
/// verified, every signature verified).
fn lib_verify(xml: &str, trust: &Trust) -> (Vec<String>, bool, bool) {
    let doc = XmlDoc::parse(xml, &Limits::default()).expect("well-formed");
    let report = dsig::verify(&doc, trust);
    let mut assertions = Vec::new();
    let mut response = false;
    let mut all = !report.signatures.is_empty();
    for c in &report.signatures {
        match &c.outcome {
            Ok(v) => {
                let n = v.node();
                if n.tag_name().name() == "Assertion" {
                    assertions.push(n.attribute("ID").unwrap_or("").to_string());
                } else if n.tag_name().name() == "Response" && c.on_root {
                    response = true;
                }
            }
            Err(_) => all = false,
        }
    }
    (assertions, response, all)
}

#[test]
fn valid_responses_verify_with_the_idp_metadata_certificates() {
    for (name, spec) in valid_specs() {
        let xml = response(&spec);
        let (assertions, response_ok, all) = lib_verify(&xml, &idp_trust());
        assert!(all, "{name}: every signature verifies");
        match spec.signed {
            Signed::Assertion => {
                assert_eq!(assertions, vec![ASSERTION_ID.to_string()], "{name}");
                assert!(!response_ok, "{name}");
            }
            Signed::Response => {
                assert!(assertions.is_empty(), "{name}");
                assert!(response_ok, "{name}");
            }
            Signed::Both => {
                assert_eq!(assertions, vec![ASSERTION_ID.to_string()], "{name}");
                assert!(response_ok, "{name}");
            }
            Signed::None => unreachable!(),
        }
        // Shape: one Assertion, Entra's layout, InResponseTo as asked.
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let n = doc
            .descendants()
            .filter(|n| n.has_tag_name(("urn:oasis:names:tc:SAML:2.0:assertion", "Assertion")))
            .count();
        assert_eq!(n, 1, "{name}");
        assert_eq!(
            doc.root_element().attribute("InResponseTo"),
            spec.in_response_to.as_deref(),
            "{name}"
        );
        assert!(xml.contains(USER_NAMEID), "{name}");
        // The metadata the CLI tests use lists the signer.
        let md = std::fs::read_to_string(fixture("entra-idp.xml")).unwrap();
        assert!(
            md.contains(&cert_b64(spec.key)),
            "{name}: signer in metadata"
        );
    }
}

#[test]
fn valid_responses_do_not_verify_with_a_foreign_key() {
    let attacker = Trust::from_pem(&pem("attacker-rsa2048", "crt.pem")).unwrap();
    for (name, spec) in valid_specs() {
        let (assertions, response_ok, _) = lib_verify(&response(&spec), &attacker);
        assert!(assertions.is_empty() && !response_ok, "{name}");
    }
}

#[test]
fn input_forms_round_trip() {
    let xml = response(&Spec::ic());
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(b64.decode(to_base64(&xml)).unwrap(), xml.as_bytes());
    let wrapped = to_base64_wrapped(&xml);
    assert!(wrapped.contains("\r\n"));
    assert_eq!(
        b64.decode(wrapped.replace("\r\n", "")).unwrap(),
        xml.as_bytes()
    );
    let enc = to_urlencoded(&xml);
    assert!(enc.contains("%2B") || enc.contains("%2F") || enc.contains("%3D"));
    assert!(!enc.contains('+') && !enc.contains('/') && !enc.contains('='));
    let decoded = url::form_urlencoded::parse(format!("v={enc}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    assert_eq!(decoded, to_base64(&xml));

    let other = response(&Spec::ic().signed(Signed::Both).idp_initiated());
    for list in [vec![xml.as_str()], vec![xml.as_str(), other.as_str()]] {
        let pairs: Vec<(&str, &str)> = list.iter().map(|x| (*x, IC_ACS)).collect();
        let har: serde_json::Value = serde_json::from_str(&to_har(&pairs)).unwrap();
        let posts: Vec<&serde_json::Value> = har["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["request"]["method"] == "POST")
            .collect();
        assert_eq!(posts.len(), list.len());
        for (p, x) in posts.iter().zip(&list) {
            let text = p["request"]["postData"]["text"].as_str().unwrap();
            let v = url::form_urlencoded::parse(text.as_bytes())
                .find(|(k, _)| k == "SAMLResponse")
                .unwrap()
                .1
                .into_owned();
            assert_eq!(b64.decode(v).unwrap(), x.as_bytes());
        }
    }
}

#[test]
fn every_attack_is_well_formed_and_distinct() {
    let valid = response(&Spec::ic());
    let attacks = attacks();
    assert!(attacks.len() >= 25, "{} attacks", attacks.len());
    let mut names: Vec<&str> = attacks.iter().map(|a| a.name).collect();
    names.dedup();
    assert_eq!(names.len(), attacks.len(), "unique names");
    for a in &attacks {
        roxmltree::Document::parse(&a.xml)
            .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", a.name));
        assert_ne!(a.xml, valid, "{}", a.name);
        assert!(a.code.starts_with("response."), "{}", a.name);
    }
    for n in [
        "xsw1", "xsw2", "xsw3", "xsw4", "xsw5", "xsw6", "xsw7", "xsw8",
    ] {
        assert!(names.contains(&n), "{n} present");
    }
}

fn find<'a>(attacks: &'a [Attack], name: &str) -> &'a Attack {
    attacks.iter().find(|a| a.name == name).unwrap()
}

/// Each XSW case names the evil user in an Assertion a naive reader could take, while the
/// IdP's signature over the original content is still mathematically intact.
#[test]
fn xsw_cases_are_live() {
    let attacks = attacks();
    for n in [
        "xsw1",
        "xsw2",
        "xsw3",
        "xsw4",
        "xsw5",
        "xsw6",
        "xsw7",
        "xsw8",
        "evil-in-extensions",
        "second-assertion",
    ] {
        let a = find(&attacks, n);
        assert!(a.xml.contains(EVIL_NAMEID), "{n}: evil NameID present");
        assert!(a.xml.contains(USER_NAMEID), "{n}: original NameID present");
        assert_eq!(a.code, "response.structure.wrapping", "{n}");
    }
    // Signed assertion kept intact in place or as a child: its signature verifies.
    for n in [
        "xsw3",
        "xsw4",
        "xsw7",
        "evil-in-extensions",
        "second-assertion",
    ] {
        let (assertions, _, _) = lib_verify(&find(&attacks, n).xml, &idp_trust());
        assert_eq!(assertions, vec![ASSERTION_ID.to_string()], "{n}");
    }
    // The untrusted key's signature is valid with that key, not with the IdP's.
    let u = find(&attacks, "untrusted-key");
    let attacker = Trust::from_pem(&pem("attacker-rsa2048", "crt.pem")).unwrap();
    assert_eq!(lib_verify(&u.xml, &attacker).0.len(), 1);
    assert!(lib_verify(&u.xml, &idp_trust()).0.is_empty());
    // Stripped and tampered: nothing verifies with the IdP keys.
    for n in [
        "stripped-assertion-signature",
        "stripped-both-signatures",
        "empty-signature-value",
        "nameid-changed",
        "comment-changes-digest",
        "rsa-sha1-method-not-resigned",
        "untrusted-key-idp-cert-in-keyinfo",
    ] {
        let (assertions, response_ok, _) = lib_verify(&find(&attacks, n).xml, &idp_trust());
        assert!(assertions.is_empty() && !response_ok, "{n}");
    }
}

#[test]
fn comment_truncation_cases_still_verify() {
    // The comment is not signed: the IdP's signature verifies, so only reading the full text
    // (and flagging the comment) stops the attack.
    for xml in [comment_in_nameid(), comment_in_attribute()] {
        assert!(xml.contains("alice@contoso.com<!---->.evil.example"));
        let (assertions, _, all) = lib_verify(&xml, &idp_trust());
        assert_eq!(assertions, vec![ASSERTION_ID.to_string()]);
        assert!(all);
    }
    let xml = comment_in_nameid();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let name_id = doc
        .descendants()
        .find(|n| n.tag_name().name() == "NameID")
        .unwrap();
    // The trap: the first text node is the truncated value.
    assert_eq!(name_id.text(), Some(USER));
    let full: String = name_id
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    assert_eq!(full, "alice@contoso.com.evil.example");
}

#[test]
fn sha1_signed_response_verifies_as_weak() {
    if !have_openssl() {
        return;
    }
    let xml = response_signed_with(&Spec::ic(), Method::RsaSha1).unwrap();
    let doc = XmlDoc::parse(&xml, &Limits::default()).unwrap();
    let report = dsig::verify(&doc, &idp_trust());
    let v = report
        .signatures
        .iter()
        .find_map(|c| c.outcome.as_ref().ok())
        .expect("the SHA-1 signature verifies");
    assert!(v.info().is_weak());
    assert_eq!(v.node().attribute("ID"), Some(ASSERTION_ID));
}

#[test]
fn hmac_forgery_does_not_verify_in_the_library() {
    let a = attacks();
    let (assertions, response_ok, _) =
        lib_verify(&find(&a, "hmac-signed-with-certificate").xml, &idp_trust());
    assert!(assertions.is_empty() && !response_ok);
}

#[test]
fn idp_metadata_for_a_certificate_is_readable() {
    let md = idp_metadata("https://idp.example.org/", &[cert_b64("idp-old")]);
    let m = samlcheck::parse_metadata(md.into_bytes(), &Limits::default()).unwrap();
    assert_eq!(m.entities.len(), 1);
}

// ---------------------------------------------------------------------------------------
// xmlsec1 interop (library side; the CLI side is in tests/response_interop.rs).

/// `xmlsec1 --verify` of the signature selected by `node_xpath` (or the first one).
fn xmlsec_verify(dir: &Path, xml: &str, cert: &str, node_xpath: Option<&str>) -> bool {
    let f = write(dir, "verify.xml", xml);
    let mut c = Command::new("xmlsec1");
    c.arg("--verify").args(ID_ATTRS);
    if let Some(x) = node_xpath {
        c.args(["--node-xpath", x]);
    }
    c.arg("--pubkey-cert-pem").arg(key_path(cert, "crt.pem"));
    c.arg(&f);
    let o = c.output().unwrap();
    if !o.status.success() {
        eprintln!("xmlsec1: {}", String::from_utf8_lossy(&o.stderr));
    }
    o.status.success()
}

const ASSERTION_SIG: &str = "//*[local-name()='Assertion']/*[local-name()='Signature']";
const RESPONSE_SIG: &str = "/*[local-name()='Response']/*[local-name()='Signature']";

#[test]
fn xmlsec1_verifies_what_the_crate_signs() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in valid_specs() {
        let xml = response(&spec);
        if matches!(spec.signed, Signed::Assertion | Signed::Both) {
            assert!(
                xmlsec_verify(dir.path(), &xml, spec.key, Some(ASSERTION_SIG)),
                "{name}: assertion signature"
            );
        }
        if matches!(spec.signed, Signed::Response | Signed::Both) {
            assert!(
                xmlsec_verify(dir.path(), &xml, spec.key, Some(RESPONSE_SIG)),
                "{name}: response signature"
            );
        }
        // And not with another certificate.
        assert!(
            !xmlsec_verify(dir.path(), &xml, "attacker-rsa2048", None),
            "{name}"
        );
        // A changed NameID fails in xmlsec1 too.
        let tampered = xml.replacen(USER_NAMEID, EVIL_NAMEID, 1);
        let xp = if spec.signed == Signed::Response {
            RESPONSE_SIG
        } else {
            ASSERTION_SIG
        };
        assert!(
            !xmlsec_verify(dir.path(), &tampered, spec.key, Some(xp)),
            "{name}: tampered"
        );
    }
    if have_openssl() {
        let xml = response_signed_with(&Spec::ic(), Method::RsaSha1).unwrap();
        assert!(xmlsec_verify(dir.path(), &xml, "idp-old", None), "rsa-sha1");
    }
}

#[test]
fn the_library_verifies_what_xmlsec1_signs() {
    if !xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for spec in [
        Spec::ic(),
        Spec::ic().idp_initiated(),
        Spec::ic().signed(Signed::Response),
        Spec::iam(),
    ] {
        let xml = xmlsec_signed(dir.path(), &spec);
        let (assertions, response_ok, all) = lib_verify(&xml, &idp_trust());
        assert!(all, "{spec:?}");
        if spec.signed == Signed::Assertion {
            assert_eq!(assertions, vec![ASSERTION_ID.to_string()]);
        } else {
            assert!(response_ok);
        }
        let tampered = xml.replacen(USER_NAMEID, EVIL_NAMEID, 1);
        let (assertions, response_ok, _) = lib_verify(&tampered, &idp_trust());
        assert!(assertions.is_empty() && !response_ok);
    }
}

#[test]
fn committed_fixtures_are_current() {
    // `cargo run --example gen_responses` rewrites them.
    let dir = root().join(FIXTURE_DIR);
    for (rel, text) in fixture_set() {
        let p = dir.join(&rel);
        let committed = std::fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run cargo run --example gen_responses",
                p.display()
            )
        });
        assert!(
            committed == text,
            "{rel} drifted from tests/respgen: run cargo run --example gen_responses"
        );
    }
}
