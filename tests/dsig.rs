//! Attack tests: every signature-wrapping and tampering variant is rejected, for the right
//! reason. Signed inputs are made here with samlcheck's signer and the test-only keys of
//! tests/fixtures/keys (see tests/fixtures/gen/make-keys.sh).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::dsig::{self, sign, Failure, SignOptions, SigningKey, Trust, TrustBasis, Violation};
use samlcheck::xml::XmlDoc;
use samlcheck::{Error, Limits};

fn keys(name: &str) -> (String, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys");
    (
        std::fs::read_to_string(format!("{dir}/{name}.key.pem")).unwrap(),
        std::fs::read_to_string(format!("{dir}/{name}.crt.pem")).unwrap(),
    )
}

fn key(name: &str) -> SigningKey {
    let (k, c) = keys(name);
    SigningKey::from_pem(&k, &c).unwrap()
}

fn cert_b64(name: &str) -> String {
    keys(name)
        .1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

const ENTITY: &str = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.victim.example/">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.victim.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#;

fn signed_entity() -> String {
    sign(ENTITY, &key("rsa2048"), &SignOptions::default()).unwrap()
}

/// Outcomes of every signature, with the trust given.
fn outcomes(text: &str, trust: &Trust) -> Vec<Result<String, Failure>> {
    let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, trust);
    r.signatures
        .iter()
        .map(|c| {
            c.outcome
                .as_ref()
                .map(|v| v.node().attribute("entityID").unwrap_or("").to_string())
                .map_err(Clone::clone)
        })
        .collect()
}

fn root_verified(text: &str, trust: &Trust) -> bool {
    let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
    dsig::verify(&doc, trust).verified_root().is_some()
}

fn only_failure(text: &str) -> Failure {
    let o = outcomes(text, &Trust::embedded());
    assert_eq!(o.len(), 1, "{o:?}");
    o.into_iter().next().unwrap().unwrap_err()
}

#[test]
fn signed_entity_verifies_with_every_trust_mode() {
    let s = signed_entity();
    let doc = XmlDoc::parse(&s, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    let v = r.verified_root().expect("verified");
    assert_eq!(v.node(), doc.root());
    assert_eq!(v.info().trust, TrustBasis::EmbeddedOnly);
    assert_eq!(
        v.info().entity.as_deref(),
        Some("https://idp.victim.example/")
    );
    let f = dsig::findings(&r, true);
    assert_eq!(
        f.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["dsig.trust_embedded_only"]
    );

    let pinned = Trust::from_pem(&keys("rsa2048").1).unwrap();
    let r = dsig::verify(&doc, &pinned);
    assert_eq!(
        r.verified_root().unwrap().info().trust,
        TrustBasis::PinnedCert
    );
    assert!(dsig::findings(&r, true).is_empty());

    let sha1 = v.info().signer.sha1.clone();
    let colons: Vec<String> = sha1
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let mut t = Trust::embedded();
    t.add_fingerprint(&colons.join(":").to_lowercase()).unwrap();
    let r = dsig::verify(&doc, &t);
    assert_eq!(
        r.verified_root().unwrap().info().trust,
        TrustBasis::PinnedFingerprint
    );
    let mut t = Trust::embedded();
    t.add_fingerprint(&v.info().signer.sha256).unwrap();
    assert!(dsig::verify(&doc, &t).verified_root().is_some());
}

#[test]
fn ecdsa_p256_and_p384_sign_and_verify() {
    for k in ["ec-p256", "ec-p384"] {
        let s = sign(ENTITY, &key(k), &SignOptions::default()).unwrap();
        assert!(
            root_verified(&s, &Trust::from_pem(&keys(k).1).unwrap()),
            "{k}"
        );
    }
}

#[test]
fn unsigned_document_is_reported_when_a_signature_is_expected() {
    let doc = XmlDoc::parse(ENTITY, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert!(r.verified_root().is_none());
    let f = dsig::findings(&r, true);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "dsig.unsigned");
    assert!(dsig::findings(&r, false).is_empty());
}

#[test]
fn tampered_content_is_a_digest_mismatch() {
    let s = signed_entity().replace("https://idp.victim.example/sso", "https://evil.example/sso");
    assert!(matches!(only_failure(&s), Failure::DigestMismatch { .. }));
    let f = only_failure(&s).to_string();
    assert!(f.contains("content changed after signing"), "{f}");
    // Whitespace counts too (pretty-printing breaks signatures).
    let s = signed_entity().replace("\n  <md:IDPSSODescriptor", "\n    <md:IDPSSODescriptor");
    assert!(matches!(only_failure(&s), Failure::DigestMismatch { .. }));
}

#[test]
fn xsw_signed_entity_moved_under_extensions_of_attacker_root() {
    let victim = signed_entity();
    let body = victim.trim_start_matches(|c| c != '<');
    let attack = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.victim.example/"><md:Extensions>{body}</md:Extensions><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://evil.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    );
    let doc = XmlDoc::parse(&attack, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    // The inner copy verifies, but only as itself: the root is not signed.
    assert!(r.verified_root().is_none());
    assert!(!r.all_verified());
    let inner = r.signatures[0].outcome.as_ref().unwrap();
    assert_ne!(inner.node(), doc.root());
    let codes: Vec<_> = dsig::findings(&r, true).iter().map(|f| f.code).collect();
    assert!(codes.contains(&"dsig.unsigned"), "{codes:?}");

    // The attacker copies the ID onto the root as well: duplicate IDs.
    let id = victim
        .split("ID=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let attack2 = attack.replacen(
        "<md:EntityDescriptor ",
        &format!("<md:EntityDescriptor ID=\"{id}\" "),
        1,
    );
    let o = outcomes(&attack2, &Trust::embedded());
    assert!(
        matches!(
            &o[0],
            Err(Failure::Profile(Violation::DuplicateId { count: 2, .. }))
        ),
        "{o:?}"
    );
}

#[test]
fn duplicate_id_anywhere_is_rejected() {
    let s = signed_entity();
    let id = s
        .split("ID=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    for attr in ["ID", "Id", "id", "xml:id"] {
        let evil = s.replace(
            "<md:SingleSignOnService ",
            &format!("<md:SingleSignOnService {attr}=\"{id}\" "),
        );
        assert!(
            matches!(
                only_failure(&evil),
                Failure::Profile(Violation::DuplicateId { .. })
            ),
            "{attr}"
        );
    }
}

#[test]
fn reference_to_a_non_parent_element_is_rejected() {
    // An aggregate whose inner entity is signed; the signature is moved up to the root.
    let inner = signed_entity();
    let inner = inner.trim_start_matches(|c| c != '<');
    let sig_start = inner.find("<ds:Signature").unwrap();
    let sig_end = inner.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &inner[sig_start..sig_end];
    let without = format!("{}{}", &inner[..sig_start], &inner[sig_end..]);
    let agg = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">{sig}{without}</md:EntitiesDescriptor>"#
    );
    assert!(matches!(
        only_failure(&agg),
        Failure::Profile(Violation::NotParent { .. })
    ));
}

#[test]
fn signature_in_an_unexpected_place_is_flagged() {
    let s = signed_entity();
    let sig_start = s.find("<ds:Signature").unwrap();
    let sig_end = s.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = s[sig_start..sig_end].to_string();
    let moved = format!("{}{}", &s[..sig_start], &s[sig_end..]).replace(
        "<md:SingleSignOnService ",
        &format!("{sig}<md:SingleSignOnService "),
    );
    assert!(matches!(
        only_failure(&moved),
        Failure::Profile(Violation::Misplaced { .. })
    ));
}

#[test]
fn two_signatures_on_the_root_are_rejected() {
    let s = signed_entity();
    let sig_start = s.find("<ds:Signature").unwrap();
    let sig_end = s.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = s[sig_start..sig_end].to_string();
    let twice = s.replacen(&sig, &format!("{sig}{sig}"), 1);
    let doc = XmlDoc::parse(&twice, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert_eq!(r.signatures.len(), 2);
    assert!(r.root_signature().is_none() && r.verified_root().is_none());
    let f = dsig::findings(&r, true);
    assert!(f
        .iter()
        .any(|f| f.code == "dsig.profile" && f.message.contains("2 signatures")));
    // Each copy fails anyway: the other one is inside the digested content.
    assert!(r
        .signatures
        .iter()
        .all(|c| matches!(c.outcome, Err(Failure::DigestMismatch { .. }))));
}

#[test]
fn two_references_are_rejected() {
    let s = signed_entity();
    let r0 = s.find("<ds:Reference").unwrap();
    let r1 = s.find("</ds:Reference>").unwrap() + "</ds:Reference>".len();
    let reference = s[r0..r1].to_string();
    let two = s.replacen(&reference, &format!("{reference}{reference}"), 1);
    assert_eq!(
        only_failure(&two),
        Failure::Profile(Violation::ReferenceCount(2))
    );
}

#[test]
fn two_signed_infos_are_rejected() {
    let s = signed_entity();
    let a = s.find("<ds:SignedInfo>").unwrap();
    let b = s.find("</ds:SignedInfo>").unwrap() + "</ds:SignedInfo>".len();
    let si = s[a..b].to_string();
    let two = s.replacen(&si, &format!("{si}{si}"), 1);
    assert!(matches!(
        only_failure(&two),
        Failure::Profile(Violation::SignedInfoCount(_))
    ));
}

#[test]
fn object_wrapping_is_rejected() {
    let s = signed_entity();
    let wrapped = s.replace(
        "</ds:KeyInfo>",
        "</ds:KeyInfo><ds:Object><md:EntityDescriptor entityID=\"https://evil.example/\"/></ds:Object>",
    );
    assert_eq!(only_failure(&wrapped), Failure::Profile(Violation::Object));
}

#[test]
fn attacker_key_with_victim_certificate_embedded() {
    // Signed by the attacker, with the victim's certificate put in KeyInfo.
    let attacker = sign(ENTITY, &key("attacker-rsa2048"), &SignOptions::default()).unwrap();
    let forged = attacker.replace(&cert_b64("attacker-rsa2048"), &cert_b64("rsa2048"));
    assert_ne!(forged, attacker);
    assert!(matches!(
        only_failure(&forged),
        Failure::SignatureMismatch { .. }
    ));
    let victim = Trust::from_pem(&keys("rsa2048").1).unwrap();
    let o = outcomes(&forged, &victim);
    assert!(
        matches!(&o[0], Err(Failure::SignatureMismatch { .. })),
        "{o:?}"
    );
    // Signed by the attacker with the attacker's own certificate: a valid signature by a
    // key nobody pinned.
    let o = outcomes(&attacker, &victim);
    assert!(matches!(&o[0], Err(Failure::UntrustedKey { .. })), "{o:?}");
    let mut fp = Trust::embedded();
    fp.add_fingerprint(&"00".repeat(32)).unwrap();
    let o = outcomes(&attacker, &fp);
    assert!(matches!(&o[0], Err(Failure::UntrustedKey { .. })), "{o:?}");
}

#[test]
fn forbidden_transforms_are_rejected() {
    let s = signed_entity();
    let exc = r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#;
    for alg in [
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        "http://www.w3.org/2002/06/xmldsig-filter2",
        "http://www.w3.org/2000/09/xmldsig#base64",
    ] {
        let t = s.replacen(exc, &format!(r#"<ds:Transform Algorithm="{alg}"/>"#), 1);
        assert_eq!(
            only_failure(&t),
            Failure::Profile(Violation::ForbiddenTransform { uri: alg.into() })
        );
    }
    // A third transform.
    let t = s.replacen(exc, &format!("{exc}{exc}"), 1);
    assert!(matches!(
        only_failure(&t),
        Failure::Profile(Violation::ForbiddenTransform { .. })
    ));
    // No enveloped-signature transform first.
    let t = s.replacen(
        r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
        "",
        1,
    );
    assert_eq!(
        only_failure(&t),
        Failure::Profile(Violation::MissingEnveloped)
    );
}

#[test]
fn unsupported_algorithms_are_rejected() {
    let s = signed_entity().replace(
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
    );
    assert!(matches!(
        only_failure(&s),
        Failure::Profile(Violation::UnsupportedAlgorithm {
            what: "SignatureMethod",
            ..
        })
    ));
}

#[test]
fn comment_inside_digest_value_is_rejected() {
    let s = signed_entity().replacen("<ds:DigestValue>", "<ds:DigestValue><!-- x -->", 1);
    assert_eq!(
        only_failure(&s),
        Failure::Profile(Violation::CommentInValue {
            element: "DigestValue"
        })
    );
}

#[test]
fn external_and_xpointer_references_are_rejected() {
    let s = signed_entity();
    let id = s
        .split("URI=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    for uri in [
        "#xpointer(/)",
        "https://evil.example/md.xml",
        "#xpointer(id('x'))",
    ] {
        let t = s.replace(&format!("URI=\"{id}\""), &format!("URI=\"{uri}\""));
        assert!(matches!(
            only_failure(&t),
            Failure::Profile(Violation::ReferenceUri { .. })
        ));
    }
    let t = s.replace(&format!("URI=\"{id}\""), "URI=\"#nope\"");
    assert!(matches!(
        only_failure(&t),
        Failure::Profile(Violation::IdNotFound { .. })
    ));
}

#[test]
fn doctype_inside_signed_content_never_reaches_the_verifier() {
    let s = signed_entity();
    let body = s.trim_start_matches(|c| c != '<');
    let with_dtd = format!(
        "<!DOCTYPE md:EntityDescriptor [<!ENTITY e \"https://evil.example/\">]>\n{}",
        body.replace("https://idp.victim.example/sso", "&e;")
    );
    let e = XmlDoc::parse(&with_dtd, &Limits::default()).unwrap_err();
    assert!(matches!(e, Error::Dtd { .. }), "{e}");
}

#[test]
fn missing_key_is_reported() {
    let s = signed_entity();
    let a = s.find("<ds:KeyInfo>").unwrap();
    let b = s.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
    let t = format!("{}{}", &s[..a], &s[b..]);
    assert!(matches!(only_failure(&t), Failure::NoKey { .. }));
    // With a pinned certificate the key comes from the pin.
    assert!(root_verified(
        &t,
        &Trust::from_pem(&keys("rsa2048").1).unwrap()
    ));
}

#[test]
fn signing_is_byte_faithful_and_refuses_signed_input() {
    let s = signed_entity();
    let a = s.find("<ds:Signature").unwrap();
    let b = s.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let without = format!("{}{}", &s[..a], &s[b..]);
    let id = s.split("ID=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(without.replace(&format!(" ID=\"{id}\""), ""), ENTITY);
    let e = sign(&s, &key("rsa2048"), &SignOptions::default()).unwrap_err();
    assert!(e.to_string().contains("already signed"), "{e}");
    // Deterministic ID.
    assert_eq!(
        s.split("ID=\"").nth(1),
        signed_entity().split("ID=\"").nth(1)
    );
    // A self-closing root and an existing ID.
    let t = sign(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="e1" entityID="x"/>"#,
        &key("rsa2048"),
        &SignOptions::default(),
    )
    .unwrap();
    assert!(
        t.contains("URI=\"#e1\"") && t.ends_with("</md:EntityDescriptor>"),
        "{t}"
    );
    assert!(root_verified(&t, &Trust::embedded()));
}

#[test]
fn rsa1024_and_sec1_keys_are_refused_with_a_clear_error() {
    let (k, c) = keys("rsa1024");
    let e = SigningKey::from_pem(&k, &c).unwrap_err();
    assert!(e.to_string().contains("2048"), "{e}");
    let e = SigningKey::from_pem(
        "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----",
        &c,
    )
    .unwrap_err();
    assert!(e.to_string().contains("pkcs8"), "{e}");
    let (k2, _) = keys("rsa2048");
    let e = SigningKey::from_pem(&k2, &c).unwrap_err();
    assert!(e.to_string().contains("does not hold"), "{e}");
}

#[test]
fn inner_entities_of_an_aggregate_are_verified_too() {
    let inner = signed_entity();
    let inner = inner.trim_start_matches(|c| c != '<');
    let agg = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:test">{inner}</md:EntitiesDescriptor>"#
    );
    let signed = sign(&agg, &key("ec-p256"), &SignOptions::default()).unwrap();
    let doc = XmlDoc::parse(&signed, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert_eq!(r.signatures.len(), 2);
    assert!(r.all_verified());
    assert_eq!(
        r.verified_root().unwrap().info().entity.as_deref(),
        Some("urn:test")
    );
    // Tampering with the inner entity breaks both.
    let t = signed.replace("https://idp.victim.example/sso", "https://evil.example/sso");
    let o = outcomes(&t, &Trust::embedded());
    assert!(
        o.iter()
            .all(|x| matches!(x, Err(Failure::DigestMismatch { .. }))),
        "{o:?}"
    );
}

#[test]
fn deeply_nested_signed_aggregates_are_bounded() {
    // 60 nested signed EntitiesDescriptors around a 60 KB entity: checking every
    // signature would canonicalize the content 60 times.
    let k = key("ec-p256");
    let filler = format!(
        "<md:Extensions>{}</md:Extensions>",
        "<x:y xmlns:x=\"urn:x\">pad</x:y>".repeat(2_000)
    );
    let mut text = ENTITY.replace(
        "</md:EntityDescriptor>",
        &format!("{filler}</md:EntityDescriptor>"),
    );
    let mut o = SignOptions::default();
    o.verify_after = false;
    for i in 0..60 {
        let body = sign(&text, &k, &o).unwrap();
        let body = body.trim_start_matches(|c| c != '<').to_string();
        text = format!(
            r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="n{i}">{body}</md:EntitiesDescriptor>"#
        );
    }
    let doc = XmlDoc::parse(&text, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert_eq!(r.signatures.len(), 60);
    // The budget is four times the size plus 1 MiB: the first signatures (outermost) are
    // checked and verify, the rest are reported as not checked.
    assert!(r.signatures[0].outcome.is_ok());
    assert!(r
        .signatures
        .iter()
        .any(|c| matches!(c.outcome, Err(Failure::Profile(Violation::WorkLimit)))));
}

#[test]
fn structural_mutations_never_panic() {
    // Deterministic xorshift mutations of a signed aggregate: delete, duplicate or swap
    // byte ranges and single bytes; whatever parses must verify or fail, never panic.
    let inner = signed_entity();
    let inner = inner.trim_start_matches(|c| c != '<');
    let agg = format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="urn:test">{inner}</md:EntitiesDescriptor>"#
    );
    let base = sign(&agg, &key("rsa2048"), &SignOptions::default())
        .unwrap()
        .into_bytes();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let alphabet = b"<>/=\"' :#&;!-?[]dsID";
    let mut parsed = 0;
    for _ in 0..1500 {
        let mut b = base.clone();
        for _ in 0..1 + next(3) {
            let len = b.len();
            let (i, j) = (next(len), next(len));
            let (lo, hi) = (i.min(j), i.max(j).min(i.min(j) + 400));
            match next(4) {
                0 => {
                    b.drain(lo..hi);
                }
                1 => {
                    let chunk = b[lo..hi].to_vec();
                    let at = next(b.len());
                    b.splice(at..at, chunk);
                }
                2 => b[i] = alphabet[next(alphabet.len())],
                _ => {
                    b.remove(i);
                }
            }
        }
        let Ok(text) = String::from_utf8(b) else {
            continue;
        };
        let Ok(doc) = XmlDoc::parse(&text, &Limits::default()) else {
            continue;
        };
        parsed += 1;
        let r = dsig::verify(&doc, &Trust::embedded());
        let _ = dsig::findings(&r, true);
        for c in &r.signatures {
            let _ = c
                .outcome
                .as_ref()
                .map(|v| v.info().signer.days_left(chrono::DateTime::UNIX_EPOCH));
        }
    }
    assert!(parsed > 50, "only {parsed} mutants parsed");
}

#[test]
fn a_comment_splitting_a_signed_value_is_flagged() {
    let text = ENTITY.replace(
        "</md:IDPSSODescriptor>",
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:<!-- x -->emailAddress</md:NameIDFormat></md:IDPSSODescriptor>",
    );
    let s = sign(&text, &key("rsa2048"), &SignOptions::default()).unwrap();
    let doc = XmlDoc::parse(&s, &Limits::default()).unwrap();
    let r = dsig::verify(&doc, &Trust::embedded());
    assert!(
        r.verified_root().is_some(),
        "comments are not signed: it still verifies"
    );
    let f = dsig::findings(&r, true);
    let hit = f
        .iter()
        .find(|f| f.code == "dsig.comment_in_signed_value")
        .expect("flagged");
    assert!(hit.message.contains("NameIDFormat"), "{}", hit.message);
    assert!(hit
        .location
        .as_ref()
        .unwrap()
        .path
        .ends_with("/NameIDFormat"));
    // Removing the comment keeps the signature valid: the comment was never signed.
    let without = s.replace("<!-- x -->", "");
    assert!(root_verified(&without, &Trust::embedded()));
}
