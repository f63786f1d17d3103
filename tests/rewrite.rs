//! Byte-faithful rewriting: every operation changes exactly its bytes and nothing else.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers

use samlcheck::rewrite::{
    check_roundtrip, rewrite, Op, RewriteOptions, Rewritten, SignatureEffect,
};
use samlcheck::Error;
use std::path::PathBuf;

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn opts() -> RewriteOptions<'static> {
    let mut o = RewriteOptions::default();
    o.at = Some(at("2026-06-01T00:00:00Z"));
    o
}

fn run_bytes(input: &[u8], ops: &[Op]) -> Result<Rewritten, Error> {
    let d = samlcheck::xml::decode(input.to_vec()).unwrap();
    rewrite(&d, ops, &opts())
}

fn run(input: &str, ops: &[Op]) -> Rewritten {
    let out = run_bytes(input.as_bytes(), ops).unwrap();
    check_roundtrip(input.as_bytes(), ops).unwrap();
    out
}

fn s(out: &Rewritten) -> &str {
    std::str::from_utf8(&out.bytes).unwrap()
}

/// The input with the one occurrence of `old` replaced by `new`: the exact expected output.
fn replaced(input: &str, old: &str, new: &str) -> String {
    assert_eq!(input.matches(old).count(), 1, "{old:?} must occur once");
    input.replacen(old, new, 1)
}

/// Asserts that output = input with one range replaced, and returns the replacement:
/// the common prefix and suffix are everything else.
fn diff(input: &[u8], output: &[u8]) -> (usize, Vec<u8>, Vec<u8>) {
    let pre = input.iter().zip(output).take_while(|(a, b)| a == b).count();
    let max_suf = input.len().min(output.len()) - pre;
    let suf = input
        .iter()
        .rev()
        .zip(output.iter().rev())
        .take(max_suf)
        .take_while(|(a, b)| a == b)
        .count();
    (
        pre,
        input[pre..input.len() - suf].to_vec(),
        output[pre..output.len() - suf].to_vec(),
    )
}

/// Corpus files above this size are left out of the exhaustive loops.
const SMALL: usize = 100 * 1024;

fn corpus(rel: &str) -> Option<PathBuf> {
    // ../shared/corpus from the main checkout; ../../shared/corpus from a worktree.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for up in ["../shared/corpus", "../../shared/corpus"] {
        let p = root.join(up).join(rel);
        if p.exists() {
            return Some(p);
        }
    }
    eprintln!("skipping: ../shared/corpus/{rel} is absent");
    None
}

// ---------------------------------------------------------------- generated shapes

/// A self-signed certificate (base64 DER) valid between two dates.
fn cert(cn: &str, from: (i32, u8, u8), to: (i32, u8, u8)) -> (String, samlcheck::x509::CertFacts) {
    let mut p = rcgen::CertificateParams::new(vec![cn.to_string()]).unwrap();
    p.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    p.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let key = rcgen::KeyPair::generate().unwrap();
    let c = p.self_signed(&key).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(c.der());
    let facts = samlcheck::x509::facts_from_der(c.der()).unwrap();
    (b64, facts)
}

/// Entra-like: BOM, single line, default namespace, a signature, WS-Fed roles, an IdP role.
fn entra_like() -> String {
    format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EntityDescriptor ID=\"_abc\" entityID=\"https://sts.windows.net/11111111-2222-3333-4444-555555555555/\" xmlns=\"{MD}\">\
<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\" /><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\" /><Reference URI=\"#_abc\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\" /><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\" /></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\" /><DigestValue>AAAA</DigestValue></Reference></SignedInfo><SignatureValue>AAAA</SignatureValue></Signature>\
<RoleDescriptor xsi:type=\"fed:SecurityTokenServiceType\" protocolSupportEnumeration=\"http://docs.oasis-open.org/wsfed/federation/200706\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:fed=\"http://docs.oasis-open.org/wsfed/federation/200706\"><fed:PassiveRequestorEndpoint><EndpointReference xmlns=\"http://www.w3.org/2005/08/addressing\"><Address>https://login.microsoftonline.com/x/wsfed</Address></EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor>\
<RoleDescriptor xsi:type=\"fed:ApplicationServiceType\" protocolSupportEnumeration=\"http://docs.oasis-open.org/wsfed/federation/200706\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:fed=\"http://docs.oasis-open.org/wsfed/federation/200706\"><fed:TargetScopes/></RoleDescriptor>\
<IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.microsoftonline.com/x/saml2\" /></IDPSSODescriptor></EntityDescriptor>"
    )
}

/// AWS-like SP, `md:` prefix, CRLF line endings, indented.
fn sp_crlf() -> String {
    [
        "<?xml version='1.0' encoding='UTF-8'?>",
        &format!("<md:EntityDescriptor xmlns:md='{MD}' entityID='https://signin.aws.amazon.com/saml' validUntil='2030-01-01T00:00:00Z'>"),
        "  <md:SPSSODescriptor AuthnRequestsSigned='false' protocolSupportEnumeration='urn:oasis:names:tc:SAML:2.0:protocol'>",
        "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>",
        &format!("    <md:AssertionConsumerService Binding='{POST}' Location='https://a.example/acs' index='0' isDefault='true'/>"),
        &format!("    <md:AssertionConsumerService Binding='{POST}' Location='https://b.example/acs' index='3'/>"),
        "  </md:SPSSODescriptor>",
        "</md:EntityDescriptor>",
        "",
    ]
    .join("\r\n")
}

/// An SP with certificates, default namespace, LF.
fn sp_with_certs(expired: &str, valid: &str) -> String {
    let kd = |c: &str| {
        format!("    <KeyDescriptor use=\"signing\">\n      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n    </KeyDescriptor>")
    };
    [
        format!("<EntityDescriptor xmlns=\"{MD}\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://sp.example.org/\">"),
        "  <SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">".into(),
        kd(expired),
        kd(valid),
        format!("    <AssertionConsumerService Binding=\"{POST}\" Location=\"https://sp.example.org/acs\" index=\"1\"/>"),
        "  </SPSSODescriptor>".into(),
        "</EntityDescriptor>".into(),
        String::new(),
    ]
    .join("\n")
}

fn aggregate() -> String {
    let ent = |host: &str, ext: &str| {
        format!("  <md:EntityDescriptor entityID=\"https://{host}/\">\n{ext}    <md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n      <md:AssertionConsumerService Binding=\"{POST}\" Location=\"https://{host}/acs\" index=\"0\"/>\n    </md:SPSSODescriptor>\n  </md:EntityDescriptor>\n")
    };
    format!(
        "<?xml version=\"1.0\"?>\n<md:EntitiesDescriptor xmlns:md=\"{MD}\" xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\" xmlns:unused=\"urn:x-unused\" Name=\"agg\">\n{}{}</md:EntitiesDescriptor>\n",
        ent("a.example", ""),
        ent("b.example", "    <md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang=\"en\">B</mdui:DisplayName></mdui:UIInfo></md:Extensions>\n"),
    )
}

// ---------------------------------------------------------------- per operation

#[test]
fn strip_bom_removes_exactly_three_bytes_and_passes_the_bom_rule() {
    let input = entra_like();
    let out = run(&input, &[Op::StripBom]);
    assert_eq!(out.bytes, input.as_bytes()[3..]);
    let d = samlcheck::xml::decode(out.bytes.clone()).unwrap();
    assert!(!d.info().bom);
    assert_eq!(
        out.signature,
        SignatureEffect::Untouched,
        "a BOM is outside the signed bytes"
    );
    // Quiet: nothing to strip, nothing changes.
    let plain = sp_crlf();
    let out = run(&plain, &[Op::StripBom]);
    assert_eq!(out.bytes, plain.as_bytes());
    assert!(out.edits[0].message.contains("no byte order mark"));
}

#[test]
fn saml2_only_removes_the_ws_fed_roles_and_the_broken_signature() {
    let input = entra_like();
    let out = run(&input, &[Op::Saml2Only]);
    let sig_start = input.find("<Signature").unwrap();
    let sig_end = input.find("</Signature>").unwrap() + "</Signature>".len();
    let rd_start = input.find("<RoleDescriptor").unwrap();
    let rd_end = input.rfind("</RoleDescriptor>").unwrap() + "</RoleDescriptor>".len();
    let expected = format!(
        "{}{}{}",
        &input[..sig_start],
        &input[sig_end..rd_start],
        &input[rd_end..]
    );
    assert_eq!(s(&out), expected);
    assert_eq!(out.signature, SignatureEffect::Removed);
    assert!(out
        .edits
        .iter()
        .any(|e| e.op == "signature" && e.message.contains("removed")));
    assert_eq!(out.edits.iter().filter(|e| e.op == "saml2-only").count(), 2);
    // Quiet: an SP with only SAML 2.0 roles is unchanged.
    let sp = sp_crlf();
    let out = run(&sp, &[Op::Saml2Only]);
    assert_eq!(out.bytes, sp.as_bytes());
    assert_eq!(out.signature, SignatureEffect::Unsigned);
}

#[test]
fn saml2_only_refuses_to_empty_an_entity() {
    let input = format!("<EntityDescriptor xmlns=\"{MD}\" entityID=\"x\"><RoleDescriptor xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"foo\" protocolSupportEnumeration=\"urn:x\"/></EntityDescriptor>");
    let e = run_bytes(input.as_bytes(), &[Op::Saml2Only]).unwrap_err();
    assert!(e.to_string().contains("no SAML 2.0 role"), "{e}");
}

#[test]
fn remove_expired_certs_removes_the_key_descriptor_and_its_line() {
    let (old, _) = cert("old", (2020, 1, 1), (2021, 1, 1));
    let (new, _) = cert("new", (2024, 1, 1), (2034, 1, 1));
    let input = sp_with_certs(&old, &new);
    let out = run(&input, &[Op::RemoveExpiredCerts]);
    let kd = format!(
        "\n    <KeyDescriptor use=\"signing\">\n      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{old}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n    </KeyDescriptor>"
    );
    assert_eq!(s(&out), replaced(&input, &kd, ""));
    assert!(out.edits[0]
        .message
        .starts_with("removed KeyDescriptor with certificate"));
    assert!(out.edits[0]
        .message
        .contains("expires 2021-01-01T00:00:00Z"));
    // Quiet: judged before the expiry, nothing goes.
    let d = samlcheck::xml::decode(input.clone().into_bytes()).unwrap();
    let mut o = RewriteOptions::default();
    o.at = Some(at("2020-06-01T00:00:00Z"));
    let out = rewrite(&d, &[Op::RemoveExpiredCerts], &o).unwrap();
    assert_eq!(out.bytes, input.as_bytes());
    assert!(out.edits[0].message.contains("no expired"));
}

#[test]
fn remove_cert_by_sha1_with_colons_or_sha256() {
    let (a, fa) = cert("a", (2024, 1, 1), (2034, 1, 1));
    let (b, fb) = cert("b", (2024, 1, 1), (2034, 1, 1));
    let input = sp_with_certs(&a, &b);
    let colons: Vec<String> = fa
        .sha1_thumbprint
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap().to_lowercase())
        .collect();
    let out = run(&input, &[Op::RemoveCert(colons.join(":"))]);
    let kd = |c: &str| {
        format!("\n    <KeyDescriptor use=\"signing\">\n      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n    </KeyDescriptor>")
    };
    assert_eq!(s(&out), replaced(&input, &kd(&a), ""));
    let out = run(&input, &[Op::RemoveCert(fb.sha256_fingerprint.clone())]);
    assert_eq!(s(&out), replaced(&input, &kd(&b), ""));
    // Unknown or malformed thumbprints are errors.
    let e = run_bytes(input.as_bytes(), &[Op::RemoveCert("AB".repeat(20))]).unwrap_err();
    assert!(
        e.to_string().contains("no KeyDescriptor certificate"),
        "{e}"
    );
    assert!(run_bytes(input.as_bytes(), &[Op::RemoveCert("xyz".into())]).is_err());
}

#[test]
fn add_acs_on_crlf_md_prefixed_file_repeats_the_line_layout() {
    let input = sp_crlf();
    let out = run(
        &input,
        &[Op::AddAcs {
            url: "https://c.example/acs".into(),
            binding: None,
            make_default: false,
        }],
    );
    let anchor = "Location='https://b.example/acs' index='3'/>";
    let expected = replaced(
        &input,
        anchor,
        &format!("{anchor}\r\n    <md:AssertionConsumerService Binding=\"{POST}\" Location=\"https://c.example/acs\" index=\"4\"/>"),
    );
    assert_eq!(s(&out), expected);
    // Adding the same URL again is a no-op with a note.
    let again = run(
        &expected,
        &[Op::AddAcs {
            url: "https://c.example/acs".into(),
            binding: None,
            make_default: false,
        }],
    );
    assert_eq!(again.bytes, expected.as_bytes());
    assert!(again.edits[0].message.contains("already"));
}

#[test]
fn add_acs_as_default_turns_the_old_default_off() {
    let input = sp_crlf();
    let out = run(
        &input,
        &[Op::AddAcs {
            url: "https://c.example/acs".into(),
            binding: Some("HTTP-Redirect".into()),
            make_default: true,
        }],
    );
    let text = s(&out);
    assert!(text.contains("index='0' isDefault='false'/>"));
    assert!(text.contains("Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://c.example/acs\" index=\"4\" isDefault=\"true\"/>"));
    assert_eq!(
        text.matches("isDefault='true'").count() + text.matches("isDefault=\"true\"").count(),
        1
    );
}

#[test]
fn add_acs_needs_a_single_entity() {
    let e = run_bytes(
        aggregate().as_bytes(),
        &[Op::AddAcs {
            url: "https://c.example/acs".into(),
            binding: None,
            make_default: false,
        }],
    )
    .unwrap_err();
    assert!(e.to_string().contains("--extract"), "{e}");
    // With --extract first (the fixed order), it works.
    let out = run(
        &aggregate(),
        &[
            Op::AddAcs {
                url: "https://c.example/acs".into(),
                binding: None,
                make_default: false,
            },
            Op::Extract("https://a.example/".into()),
        ],
    );
    assert!(s(&out).contains("https://c.example/acs\" index=\"1\""));
    assert!(!s(&out).contains("https://b.example/"));
}

#[test]
fn replace_acs_changes_only_the_value_and_keeps_quotes() {
    let input = sp_crlf();
    let out = run(
        &input,
        &[Op::ReplaceAcs {
            old: "https://b.example/acs".into(),
            new: "https://b.example/acs?x=1&y=2".into(),
        }],
    );
    assert_eq!(
        s(&out),
        replaced(
            &input,
            "'https://b.example/acs'",
            "'https://b.example/acs?x=1&amp;y=2'"
        )
    );
    assert!(run_bytes(
        input.as_bytes(),
        &[Op::ReplaceAcs {
            old: "https://nope/".into(),
            new: "https://x/".into()
        }]
    )
    .is_err());
}

#[test]
fn remove_acs_moves_the_default_and_says_so() {
    let input = sp_crlf();
    let out = run(&input, &[Op::RemoveAcs("https://a.example/acs".into())]);
    let line = format!("\r\n    <md:AssertionConsumerService Binding='{POST}' Location='https://a.example/acs' index='0' isDefault='true'/>");
    let expected = replaced(&input, &line, "");
    let expected = replaced(&expected, "index='3'/>", "index='3' isDefault=\"true\"/>");
    assert_eq!(s(&out), expected);
    assert!(out
        .edits
        .iter()
        .any(|e| e.message.contains("isDefault moved")));
    // Removing the last one is refused.
    let e = run_bytes(
        expected.as_bytes(),
        &[Op::RemoveAcs("https://b.example/acs".into())],
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("without an AssertionConsumerService"),
        "{e}"
    );
}

#[test]
fn set_entity_id_valid_until_and_cache_duration() {
    let input = sp_crlf();
    let out = run(&input, &[Op::SetEntityId("urn:amazon:webservices".into())]);
    assert_eq!(
        s(&out),
        replaced(
            &input,
            "'https://signin.aws.amazon.com/saml'",
            "'urn:amazon:webservices'"
        )
    );
    let out = run(&input, &[Op::SetValidUntil(at("2031-02-03T04:05:06Z"))]);
    assert_eq!(
        s(&out),
        replaced(&input, "'2030-01-01T00:00:00Z'", "'2031-02-03T04:05:06Z'")
    );
    let out = run(&input, &[Op::RemoveValidUntil]);
    assert_eq!(
        s(&out),
        replaced(&input, " validUntil='2030-01-01T00:00:00Z'", "")
    );
    let out = run(&input, &[Op::SetCacheDuration("PT6H".into())]);
    assert_eq!(
        s(&out),
        replaced(
            &input,
            "validUntil='2030-01-01T00:00:00Z'>",
            "validUntil='2030-01-01T00:00:00Z' cacheDuration=\"PT6H\">"
        )
    );
    let out = run(&input, &[Op::RemoveCacheDuration]);
    assert_eq!(out.bytes, input.as_bytes());
    assert!(out.edits[0].message.contains("no cacheDuration"));
    assert!(run_bytes(input.as_bytes(), &[Op::SetCacheDuration("6 hours".into())]).is_err());
    assert!(run_bytes(
        input.as_bytes(),
        &[
            Op::SetValidUntil(at("2031-01-01T00:00:00Z")),
            Op::RemoveValidUntil
        ]
    )
    .is_err());
}

#[test]
fn strip_signature_removes_exactly_the_signature() {
    let input = entra_like();
    let out = run(&input, &[Op::StripSignature]);
    let a = input.find("<Signature").unwrap();
    let b = input.find("</Signature>").unwrap() + "</Signature>".len();
    assert_eq!(s(&out), format!("{}{}", &input[..a], &input[b..]));
    assert_eq!(out.signature, SignatureEffect::Removed);
    let out = run(&sp_crlf(), &[Op::StripSignature]);
    assert_eq!(out.bytes, sp_crlf().as_bytes());
    assert_eq!(out.signature, SignatureEffect::Unsigned);
}

#[test]
fn edit_outside_a_signed_entity_leaves_its_signature() {
    // Entity A carries its own signature; an edit in entity B does not touch it.
    let sig = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature>";
    let input = aggregate().replacen(
        "<md:EntityDescriptor entityID=\"https://a.example/\">",
        &format!("<md:EntityDescriptor entityID=\"https://a.example/\">{sig}"),
        1,
    );
    let out = run(
        &input,
        &[Op::ReplaceAcs {
            old: "https://b.example/acs".into(),
            new: "https://b2.example/acs".into(),
        }],
    );
    assert!(s(&out).contains(sig));
    assert_eq!(out.signature, SignatureEffect::Untouched);
    // An edit inside A removes it, and says so.
    let out = run(
        &input,
        &[Op::ReplaceAcs {
            old: "https://a.example/acs".into(),
            new: "https://a2.example/acs".into(),
        }],
    );
    assert!(!s(&out).contains(sig));
    assert_eq!(out.signature, SignatureEffect::Removed);
    assert!(out.edits.iter().any(|e| e.op == "signature"
        && e.path.as_deref() == Some("/EntitiesDescriptor/EntityDescriptor[1]")));
}

#[test]
fn extract_carries_the_used_namespace_declarations_only() {
    let input = aggregate();
    let out = run(&input, &[Op::Extract("https://b.example/".into())]);
    let start = input
        .find("<md:EntityDescriptor entityID=\"https://b.example/\"")
        .unwrap();
    let end = input.rfind("</md:EntityDescriptor>").unwrap() + "</md:EntityDescriptor>".len();
    let entity = &input[start..end];
    let expected = format!(
        "<?xml version=\"1.0\"?>\n{}\n",
        entity.replacen(
            "<md:EntityDescriptor",
            &format!("<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\""),
            1
        )
    );
    assert_eq!(s(&out), expected);
    assert!(!s(&out).contains("urn:x-unused"));
    let e = run_bytes(input.as_bytes(), &[Op::Extract("https://nope/".into())]).unwrap_err();
    assert!(e.to_string().contains("no EntityDescriptor"), "{e}");
}

/// Signs entity C in place inside the aggregate with xmlsec1 (exclusive or inclusive
/// c14n), checks it verifies there, extracts it, and checks it still verifies alone.
#[test]
fn extracted_entity_keeps_a_signature_that_still_verifies() {
    if std::process::Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: xmlsec1 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["signer.example".into()]).unwrap();
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2034, 1, 1);
    let c = p.self_signed(&key).unwrap();
    std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
    std::fs::write(dir.path().join("cert.pem"), c.pem()).unwrap();
    let xmlsec = |args: &[&str]| {
        let id = format!("{MD}:EntityDescriptor");
        let mut all = vec![args[0], "--id-attr:ID", id.as_str()];
        all.extend_from_slice(&args[1..]);
        std::process::Command::new("xmlsec1")
            .current_dir(dir.path())
            .args(&all)
            .output()
            .unwrap()
    };
    let exc = "http://www.w3.org/2001/10/xml-exc-c14n#";
    let inc = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    for (name, c14n) in [("exclusive", exc), ("inclusive", inc)] {
        let template = format!(
            "  <md:EntityDescriptor ID=\"_c\" entityID=\"https://c.example/\"><ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c14n}\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/><ds:Reference URI=\"#_c\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"{c14n}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>\n    <md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n      <md:AssertionConsumerService Binding=\"{POST}\" Location=\"https://c.example/acs\" index=\"0\"/>\n    </md:SPSSODescriptor>\n  </md:EntityDescriptor>\n"
        );
        // The entity inherits md: and ds: (and, for inclusive c14n, every other
        // declaration in scope) from the aggregate root.
        let agg = aggregate()
            .replacen(
                "</md:EntitiesDescriptor>",
                &format!("{template}</md:EntitiesDescriptor>"),
                1,
            )
            .replacen(
                "<md:EntitiesDescriptor ",
                "<md:EntitiesDescriptor xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" ",
                1,
            );
        std::fs::write(dir.path().join("t.xml"), &agg).unwrap();
        let o = xmlsec(&[
            "--sign",
            "--privkey-pem",
            "key.pem",
            "--output",
            "agg.xml",
            "t.xml",
        ]);
        assert!(
            o.status.success(),
            "{name}: sign: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = xmlsec(&["--verify", "--pubkey-cert-pem", "cert.pem", "agg.xml"]);
        assert!(
            o.status.success(),
            "{name}: in the aggregate: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let agg = std::fs::read_to_string(dir.path().join("agg.xml")).unwrap();

        let out = run(&agg, &[Op::Extract("https://c.example/".into())]);
        assert_eq!(out.signature, SignatureEffect::Untouched, "{name}");
        assert!(
            out.edits
                .iter()
                .any(|e| e.message.contains("still verifies")),
            "{name}"
        );
        let text = s(&out);
        let start_tag = &text[text.find("<md:EntityDescriptor").unwrap()..];
        let start_tag = &start_tag[..start_tag.find('>').unwrap()];
        assert!(
            start_tag.contains(&format!(" xmlns:md=\"{MD}\"")),
            "{name}: {text}"
        );
        assert!(
            start_tag.contains(" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""),
            "{name}: {text}"
        );
        assert_eq!(text.contains("urn:x-unused"), c14n == inc, "{name}: {text}");
        std::fs::write(dir.path().join("out.xml"), &out.bytes).unwrap();
        let o = xmlsec(&["--verify", "--pubkey-cert-pem", "cert.pem", "out.xml"]);
        assert!(
            o.status.success(),
            "{name}: extracted: {}\n{text}",
            String::from_utf8_lossy(&o.stderr)
        );

        // Control: an edit inside the entity would break it, so it is removed.
        let out = run(
            &agg,
            &[
                Op::Extract("https://c.example/".into()),
                Op::SetEntityId("https://c2.example/".into()),
            ],
        );
        assert_eq!(out.signature, SignatureEffect::Removed, "{name}");
        assert!(!s(&out).contains("Signature"), "{name}");
    }
}

#[test]
fn pretty_and_minify_touch_only_white_space_and_say_the_signature_breaks() {
    let input = entra_like();
    let pretty = run(&input, &[Op::Pretty]);
    assert_eq!(pretty.signature, SignatureEffect::Broken);
    let text = s(&pretty);
    assert!(text.contains("\n  <RoleDescriptor"));
    assert!(text.contains("\n    <SignedInfo>"));
    // Minifying the pretty output gives the input back, apart from the line after the
    // XML declaration.
    let mini = run(text, &[Op::Minify]);
    let back = s(&mini).replacen("?>\n<EntityDescriptor", "?><EntityDescriptor", 1);
    assert_eq!(back, input);
    // Quiet: minifying a minified file changes nothing.
    let again = run(&input, &[Op::Minify]);
    assert_eq!(again.bytes, input.as_bytes());
    assert_eq!(again.signature, SignatureEffect::Untouched);
    // CRLF files are indented with CRLF.
    let crlf = run(&sp_crlf(), &[Op::Pretty]);
    assert!(!s(&crlf).replace("\r\n", "").contains('\n'));
}

/// Every element whose text the model reads, holding only white space around a child
/// element: schema-invalid, but the model's value is that white space, so pretty-printing
/// or minifying must keep the element's bytes.
#[test]
fn pretty_and_minify_keep_text_valued_elements_that_hold_only_white_space_and_elements() {
    let hole = "  <x:Junk xmlns:x=\"urn:x\">\n <x:In/>\n</x:Junk>\t";
    let input = format!(
        r#"<EntityDescriptor xmlns="{MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
 xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0"
 xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:wsa="http://www.w3.org/2005/08/addressing"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" entityID="https://sp.example/">
<Extensions><mdui:UIInfo><mdui:DisplayName xml:lang="en">{hole}</mdui:DisplayName></mdui:UIInfo>
<shibmd:Scope>{hole}</shibmd:Scope>
<mdattr:EntityAttributes><saml:Attribute Name="a"><saml:AttributeValue>{hole}</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes>
</Extensions>
<SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<KeyDescriptor use="signing"><ds:KeyInfo><ds:KeyName>{hole}</ds:KeyName><ds:X509Data><ds:X509Certificate>{hole}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>
<NameIDFormat>{hole}</NameIDFormat>
<AssertionConsumerService Binding="{POST}" Location="https://sp.example/acs" index="0"/>
<AttributeConsumingService index="0"><ServiceName xml:lang="en">{hole}</ServiceName>
<RequestedAttribute Name="r"><saml:AttributeValue>{hole}</saml:AttributeValue></RequestedAttribute></AttributeConsumingService>
</SPSSODescriptor>
<RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">
<fed:TargetScopes><wsa:EndpointReference><wsa:Address>{hole}</wsa:Address></wsa:EndpointReference></fed:TargetScopes>
</RoleDescriptor>
<Organization><OrganizationName xml:lang="en">{hole}</OrganizationName><OrganizationDisplayName xml:lang="en">{hole}</OrganizationDisplayName><OrganizationURL xml:lang="en">{hole}</OrganizationURL></Organization>
<ContactPerson contactType="technical"><Company>{hole}</Company><GivenName>{hole}</GivenName><SurName>{hole}</SurName><EmailAddress>{hole}</EmailAddress><TelephoneNumber>{hole}</TelephoneNumber></ContactPerson>
</EntityDescriptor>"#
    );
    for op in [Op::Pretty, Op::Minify] {
        let ops = std::slice::from_ref(&op);
        assert_eq!(check_roundtrip(input.as_bytes(), ops), Ok(()), "{op:?}");
        let out = run(&input, ops);
        let text = s(&out);
        assert_eq!(input.matches(hole).count(), 17);
        assert_eq!(text.matches(hole).count(), 17, "{op:?}: {text}");
        // Control: the white space between ordinary elements did change.
        assert_ne!(text, input, "{op:?}");
    }
}

#[test]
fn sign_calls_the_signer_after_removing_the_old_signature() {
    let input = entra_like();
    let d = samlcheck::xml::decode(input.clone().into_bytes()).unwrap();
    let seen = std::cell::RefCell::new(String::new());
    let signer = |t: &str| -> Result<String, Error> {
        *seen.borrow_mut() = t.to_string();
        Ok(t.replacen("<IDPSSODescriptor", "<!--signed--><IDPSSODescriptor", 1))
    };
    let mut o = opts();
    o.signer = Some(&signer);
    let out = rewrite(&d, &[Op::Sign, Op::Saml2Only], &o).unwrap();
    assert_eq!(out.signature, SignatureEffect::Resigned);
    assert!(!seen.borrow().contains("<Signature"));
    assert!(!seen.borrow().contains("RoleDescriptor"));
    assert!(s(&out).contains("<!--signed-->"));
    // Without a signer: refused.
    let e = rewrite(&d, &[Op::Sign], &opts()).unwrap_err();
    assert!(e.to_string().contains("signing not available"), "{e}");
}

#[test]
fn pretty_then_sign_removes_the_signatures_first() {
    let input = entra_like();
    let d = samlcheck::xml::decode(input.into_bytes()).unwrap();
    let signer = |t: &str| -> Result<String, Error> { Ok(t.to_string()) };
    let mut o = opts();
    o.signer = Some(&signer);
    let out = rewrite(&d, &[Op::Pretty, Op::Sign], &o).unwrap();
    assert_eq!(out.signature, SignatureEffect::Resigned);
    assert!(!s(&out).contains("<Signature"));
}

#[test]
fn utf16_is_reencoded_faithfully_and_latin1_refuses_what_it_cannot_hold() {
    let text = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<EntityDescriptor xmlns=\"{MD}\" entityID=\"https://é.example/\"><SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><AssertionConsumerService Binding=\"{POST}\" Location=\"https://x/acs\" index=\"0\"/></SPSSODescriptor></EntityDescriptor>");
    let enc = |t: &str| {
        let mut b = vec![0xFF, 0xFE];
        for u in t.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    };
    let input = enc(&text);
    let out = run_bytes(&input, &[Op::SetEntityId("https://ü.example/".into())]).unwrap();
    assert_eq!(
        out.bytes,
        enc(&text.replacen("https://é.example/", "https://ü.example/", 1))
    );
    check_roundtrip(&input, &[Op::SetEntityId("https://ü.example/".into())]).unwrap();
    let e = run_bytes(&input, &[Op::StripBom]).unwrap_err();
    assert!(e.to_string().contains("UTF-16"), "{e}");

    let latin = format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><EntityDescriptor xmlns=\"{MD}\" entityID=\"https://\u{e9}.example/\"><SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><AssertionConsumerService Binding=\"{POST}\" Location=\"https://x/acs\" index=\"0\"/></SPSSODescriptor></EntityDescriptor>");
    let bytes: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    let out = run_bytes(&bytes, &[Op::SetEntityId("https://\u{fc}.example/".into())]).unwrap();
    let want: Vec<u8> = latin
        .replacen("\u{e9}.example", "\u{fc}.example", 1)
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    assert_eq!(out.bytes, want);
    let e = run_bytes(
        &bytes,
        &[Op::SetEntityId("https://\u{4e2d}.example/".into())],
    )
    .unwrap_err();
    assert!(e.to_string().contains("ISO-8859-1"), "{e}");
}

#[test]
fn operations_apply_in_the_fixed_order_whatever_order_they_are_given_in() {
    let input = sp_crlf();
    let ops_a = [
        Op::StripBom,
        Op::RemoveValidUntil,
        Op::AddAcs {
            url: "https://c.example/acs".into(),
            binding: None,
            make_default: false,
        },
        Op::Pretty,
    ];
    let mut ops_b = ops_a.to_vec();
    ops_b.reverse();
    assert_eq!(run(&input, &ops_a).bytes, run(&input, &ops_b).bytes);
    assert!(run_bytes(input.as_bytes(), &[Op::Pretty, Op::Minify]).is_err());
}

#[test]
fn roundtrip_holds_on_generated_shapes() {
    let (old, _) = cert("old", (2020, 1, 1), (2021, 1, 1));
    let (new, _) = cert("new", (2024, 1, 1), (2034, 1, 1));
    let inputs = [
        entra_like(),
        sp_crlf(),
        aggregate(),
        sp_with_certs(&old, &new),
    ];
    let op_sets: Vec<Vec<Op>> = vec![
        vec![Op::Saml2Only, Op::StripBom],
        vec![Op::RemoveExpiredCerts],
        vec![Op::StripSignature, Op::Minify],
        vec![Op::Pretty],
        vec![
            Op::SetValidUntil(at("2030-01-01T00:00:00Z")),
            Op::SetCacheDuration("P1D".into()),
        ],
        vec![
            Op::Extract("https://b.example/".into()),
            Op::RemoveAcs("https://b.example/acs".into()),
        ],
        vec![Op::RemoveAcs("https://a.example/acs".into())],
        vec![Op::AddAcs {
            url: "https://n.example/acs".into(),
            binding: None,
            make_default: true,
        }],
    ];
    for i in &inputs {
        for ops in &op_sets {
            check_roundtrip(i.as_bytes(), ops).unwrap_or_else(|e| panic!("{ops:?}: {e}"));
        }
    }
}

// ---------------------------------------------------------------- real files

#[test]
fn real_entra_file_saml2_only_and_strip_bom() {
    let Some(p) = corpus("3-entra/entra_tenant8b966979__JmFixit_good.xml") else {
        return;
    };
    let input = std::fs::read(&p).unwrap();
    assert!(input.starts_with(b"\xEF\xBB\xBF"));
    let out = run_bytes(&input, &[Op::StripBom, Op::Saml2Only]).unwrap();
    let text = std::str::from_utf8(&input[3..]).unwrap();
    // Expected: the input without the BOM, the signature and the two RoleDescriptors.
    let cut = |t: &str, open: &str, close: &str| -> String {
        let a = t.find(open).unwrap();
        let b = a + t[a..].find(close).unwrap() + close.len();
        format!("{}{}", &t[..a], &t[b..])
    };
    let e = cut(text, "<Signature ", "</Signature>");
    let e = cut(&e, "<RoleDescriptor ", "</RoleDescriptor>");
    let e = cut(&e, "<RoleDescriptor ", "</RoleDescriptor>");
    assert_eq!(std::str::from_utf8(&out.bytes).unwrap(), e);
    assert_eq!(out.signature, SignatureEffect::Removed);
    // It says whose signature went: Microsoft's (accounts.accesscontrol.windows.net).
    assert!(out.edits.iter().any(|n| n.op == "signature"
        && n.message.contains(
            "signature of <EntityDescriptor> (by CN=accounts.accesscontrol.windows.net) removed"
        )));
    let d = samlcheck::xml::decode(out.bytes.clone()).unwrap();
    assert!(!d.info().bom);
    let md = samlcheck::parse_metadata(out.bytes.clone(), &samlcheck::Limits::default()).unwrap();
    assert!(md.entities[0].roles.iter().all(|r| !r.kind.is_wsfed()));
    check_roundtrip(&input, &[Op::StripBom, Op::Saml2Only]).unwrap();
}

#[test]
fn real_aws_identity_center_file_add_second_acs_changes_nothing_else() {
    let Some(p) = corpus("1-aws-identity-center/aws_ic_sp__apne1_d-9567b34c60__extracted.xml")
    else {
        return;
    };
    let input = std::fs::read_to_string(&p).unwrap();
    let url = "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/4e52542de036a8ac-0bbb-4d87-a526-9cd6da8148bd";
    let out = run(
        &input,
        &[Op::AddAcs {
            url: url.into(),
            binding: None,
            make_default: false,
        }],
    );
    let anchor = "index=\"0\" isDefault=\"true\"/>";
    assert_eq!(
        s(&out),
        replaced(
            &input,
            anchor,
            &format!("{anchor}<md:AssertionConsumerService Binding=\"{POST}\" Location=\"{url}\" index=\"1\"/>")
        )
    );
    assert_eq!(out.signature, SignatureEffect::Unsigned);
    // The byte diff is one pure insertion.
    let (_, removed, added) = diff(input.as_bytes(), &out.bytes);
    assert!(removed.is_empty());
    assert_eq!(added.len(), out.bytes.len() - input.len());
}

#[test]
fn roundtrip_holds_on_the_corpus() {
    let Some(dir) = corpus("") else { return };
    let ops: Vec<Vec<Op>> = vec![
        vec![Op::StripBom, Op::Saml2Only],
        vec![Op::RemoveExpiredCerts],
        vec![Op::StripSignature, Op::Pretty],
        vec![Op::Minify],
        vec![Op::RemoveValidUntil, Op::SetCacheDuration("PT6H".into())],
    ];
    let mut checked = 0;
    for sub in [
        "1-aws-identity-center",
        "3-entra",
        "4-other-idp-sp",
        "5-aggregates",
    ] {
        for f in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = f.unwrap().path();
            if p.extension().and_then(|e| e.to_str()) != Some("xml") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            if bytes.len() > SMALL {
                continue; // the multi-megabyte aggregates take minutes in a debug build
            }
            for o in &ops {
                check_roundtrip(&bytes, o)
                    .unwrap_or_else(|e| panic!("{}: {o:?}: {e}", p.display()));
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

// ---------------------------------------------------------------- command line

#[cfg(feature = "cli")]
fn cli() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("samlcheck").unwrap()
}

#[test]
#[cfg(feature = "cli")]
fn cli_writes_only_with_o_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in.xml");
    std::fs::write(&inp, entra_like()).unwrap();
    let out = dir.path().join("out.xml");
    // No -o: refused, nothing written.
    cli()
        .arg("rewrite")
        .arg(&inp)
        .arg("--strip-bom")
        .assert()
        .code(2);
    // -o naming the input: refused.
    cli()
        .arg("rewrite")
        .arg(&inp)
        .arg("--strip-bom")
        .arg("-o")
        .arg(&inp)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&inp).unwrap(), entra_like().as_bytes());
    let a = cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--saml2-only", "--strip-bom", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("signature: removed"), "{stdout}");
    assert!(stdout.contains("saml2-only"), "{stdout}");
    let written = std::fs::read(&out).unwrap();
    assert!(!written.starts_with(b"\xEF\xBB\xBF"));
    // JSON summary; -o - puts the document on stdout and the summary on stderr.
    let a = cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--strip-bom", "--format", "json", "-o", "-"])
        .assert()
        .code(0);
    assert_eq!(a.get_output().stdout, entra_like().as_bytes()[3..]);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stderr).unwrap();
    assert_eq!(v["signature"], "untouched");
    assert_eq!(v["edits"][0]["op"], "strip-bom");
    // No stray temporary files.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".tmp") && !n.contains(".samlcheck-tmp-")),
        "{names:?}"
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_in_place_replaces_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("sp.xml");
    std::fs::write(&inp, sp_crlf()).unwrap();
    cli()
        .arg("rewrite")
        .arg(&inp)
        .args([
            "--in-place",
            "--replace-acs",
            "https://b.example/acs=https://b.example/acs?a=b",
            "-q",
        ])
        .assert()
        .code(0)
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(&inp).unwrap(),
        replaced(
            &sp_crlf(),
            "'https://b.example/acs'",
            "'https://b.example/acs?a=b'"
        )
    );
}

#[test]
#[cfg(feature = "cli")]
fn cli_hostile_and_bad_inputs_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8])] = &[
        ("dtd.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
        ("trunc.xml", b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'><md:SPSSO"),
        ("notmd.xml", b"<html><body/></html>"),
        ("empty.xml", b""),
        ("deep.xml", &[b"<a>".repeat(100_000), b"</a>".repeat(100_000)].concat()),
    ];
    for (name, bytes) in cases {
        let inp = dir.path().join(name);
        std::fs::write(&inp, bytes).unwrap();
        let out = dir.path().join(format!("{name}.out"));
        let a = cli()
            .arg("rewrite")
            .arg(&inp)
            .args(["--strip-bom", "-o"])
            .arg(&out)
            .assert()
            .code(2);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(err.starts_with("samlcheck: error:"), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(!out.exists(), "{name}: output written on error");
    }
    // An operation that fails (no such entity) writes nothing either.
    let inp = dir.path().join("agg.xml");
    std::fs::write(&inp, aggregate()).unwrap();
    let out = dir.path().join("agg.out");
    cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--extract", "https://nope/", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
    // An output that cannot be written: exit 2, the input untouched.
    let a = cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--strip-bom", "-o"])
        .arg(dir.path().join("no/such/dir/out.xml"))
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).starts_with("samlcheck: error:"));
    assert_eq!(std::fs::read_to_string(&inp).unwrap(), aggregate());
    // A key without its certificate, or a key that is not there: nothing written.
    let a = cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--sign-key", "k.pem", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr)
        .contains("--sign-key and --sign-cert go together"));
    assert!(!out.exists());
    let a = cli()
        .arg("rewrite")
        .arg(&inp)
        .args(["--sign-key", "k.pem", "--sign-cert", "c.pem", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("k.pem"));
    assert!(!out.exists());
}

/// Operations derived from each corpus file's own content (every entityID to extract,
/// every ACS URL to remove or replace), in combinations: a deterministic stand-in for
/// the fuzz target until it exists.
#[test]
fn roundtrip_holds_for_operations_derived_from_the_corpus() {
    let Some(dir) = corpus("") else { return };
    let mut checked = 0;
    let mut succeeded = 0;
    for sub in [
        "1-aws-identity-center",
        "3-entra",
        "4-other-idp-sp",
        "5-aggregates",
    ] {
        for f in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = f.unwrap().path();
            if p.extension().and_then(|e| e.to_str()) != Some("xml") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            if bytes.len() > SMALL {
                continue;
            }
            let Ok(md) = samlcheck::parse_metadata(bytes.clone(), &samlcheck::Limits::default())
            else {
                continue;
            };
            let mut sets: Vec<Vec<Op>> = Vec::new();
            for e in md.entities.iter().take(5) {
                let id = e.entity_id().to_string();
                sets.push(vec![Op::Extract(id.clone()), Op::Saml2Only, Op::StripBom]);
                sets.push(vec![
                    Op::Extract(id.clone()),
                    Op::SetEntityId("https://new.example/".into()),
                    Op::SetValidUntil(at("2030-01-01T00:00:00Z")),
                ]);
                for r in e.sp_roles() {
                    for acs in
                        r.endpoints_of(samlcheck::model::EndpointKind::AssertionConsumerService)
                    {
                        let url = acs.location().to_string();
                        sets.push(vec![
                            Op::Extract(id.clone()),
                            Op::RemoveAcs(url.clone()),
                            Op::AddAcs {
                                url: "https://added.example/acs".into(),
                                binding: None,
                                make_default: true,
                            },
                        ]);
                        sets.push(vec![
                            Op::ReplaceAcs {
                                old: url,
                                new: "https://r.example/acs".into(),
                            },
                            Op::Minify,
                        ]);
                    }
                }
                for r in &e.roles {
                    for k in &r.keys {
                        for c in &k.certificates {
                            if let Ok(f) = &c.facts {
                                sets.push(vec![
                                    Op::RemoveCert(f.sha256_fingerprint.clone()),
                                    Op::Pretty,
                                ]);
                            }
                        }
                    }
                }
            }
            for ops in &sets {
                check_roundtrip(&bytes, ops)
                    .unwrap_or_else(|e| panic!("{}: {ops:?}: {e}", p.display()));
                checked += 1;
                if run_bytes(&bytes, ops).is_ok() {
                    succeeded += 1;
                }
            }
        }
    }
    eprintln!("{succeeded} of {checked} derived rewrites succeeded and round-tripped");
    assert!(
        checked == 0 || succeeded * 2 > checked,
        "{succeeded} of {checked}"
    );
}

#[test]
fn extract_says_what_happened_to_the_aggregate_and_sibling_signatures() {
    let sig = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature>";
    // The aggregate is signed: its signature does not survive extraction, and it says so.
    let signed_root = aggregate().replacen("Name=\"agg\">", &format!("Name=\"agg\">{sig}"), 1);
    let out = run(&signed_root, &[Op::Extract("https://a.example/".into())]);
    assert_eq!(out.signature, SignatureEffect::Removed);
    assert!(out
        .edits
        .iter()
        .any(|e| e.op == "signature" && e.message.contains("covers the whole aggregate")));
    // Only a sibling entity is signed: it is simply not part of the output.
    let signed_sibling = aggregate().replacen(
        "<md:EntityDescriptor entityID=\"https://b.example/\">",
        &format!("<md:EntityDescriptor entityID=\"https://b.example/\">{sig}"),
        1,
    );
    let out = run(&signed_sibling, &[Op::Extract("https://a.example/".into())]);
    assert_eq!(out.signature, SignatureEffect::Unsigned);
    assert!(out.edits.iter().all(|e| e.op != "signature"));
}

/// The signer hook with a real signer (xmlsec1 behind a closure, standing in for
/// `dsig::sign`): the edits run first, the old signature goes, and the output verifies.
#[test]
fn resigned_output_verifies_with_xmlsec1() {
    if std::process::Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: xmlsec1 is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let p = rcgen::CertificateParams::new(vec!["signer.example".into()]).unwrap();
    let c = p.self_signed(&key).unwrap();
    std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
    std::fs::write(dir.path().join("cert.pem"), c.pem()).unwrap();
    let id_attr = format!("{MD}:EntityDescriptor");
    let signer = |text: &str| -> Result<String, Error> {
        // Insert a template as the root's first child, then let xmlsec1 fill it in.
        let root = text.find("<EntityDescriptor").unwrap();
        let gt = root + text[root..].find('>').unwrap() + 1;
        let template = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/><Reference URI=\"#_abc\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference></SignedInfo><SignatureValue/></Signature>";
        let t = format!("{}{template}{}", &text[..gt], &text[gt..]);
        std::fs::write(dir.path().join("t.xml"), t).unwrap();
        let o = std::process::Command::new("xmlsec1")
            .current_dir(dir.path())
            .args([
                "--sign",
                "--privkey-pem",
                "key.pem",
                "--id-attr:ID",
                &id_attr,
                "--output",
                "s.xml",
                "t.xml",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        Ok(std::fs::read_to_string(dir.path().join("s.xml")).unwrap())
    };
    let d = samlcheck::xml::decode(entra_like().into_bytes()).unwrap();
    let mut o = opts();
    o.signer = Some(&signer);
    let out = rewrite(&d, &[Op::Saml2Only, Op::StripBom, Op::Sign], &o).unwrap();
    assert_eq!(out.signature, SignatureEffect::Resigned);
    assert_eq!(s(&out).matches("<Signature ").count(), 1);
    assert!(!s(&out).contains("RoleDescriptor"));
    std::fs::write(dir.path().join("out.xml"), &out.bytes).unwrap();
    let v = std::process::Command::new("xmlsec1")
        .current_dir(dir.path())
        .args([
            "--verify",
            "--pubkey-cert-pem",
            "cert.pem",
            "--id-attr:ID",
            &id_attr,
            "out.xml",
        ])
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

/// Random operation lists (fixed seed) over the generated shapes and the small corpus
/// files: the round-trip property holds for every combination.
#[test]
fn roundtrip_holds_for_random_operation_lists() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (old, _) = cert("old", (2020, 1, 1), (2021, 1, 1));
    let (new, _) = cert("new", (2024, 1, 1), (2034, 1, 1));
    let mut inputs: Vec<Vec<u8>> = [
        entra_like(),
        sp_crlf(),
        aggregate(),
        sp_with_certs(&old, &new),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    if let Some(dir) = corpus("") {
        for sub in ["1-aws-identity-center", "3-entra", "4-other-idp-sp"] {
            for f in std::fs::read_dir(dir.join(sub)).unwrap() {
                let p = f.unwrap().path();
                let b = std::fs::read(&p).unwrap();
                if p.extension().and_then(|e| e.to_str()) == Some("xml") && b.len() < 30_000 {
                    inputs.push(b);
                }
            }
        }
    }
    let (mut ran, mut ok) = (0, 0);
    for input in &inputs {
        let Ok(md) = samlcheck::parse_metadata(input.clone(), &samlcheck::Limits::default()) else {
            continue;
        };
        let ids: Vec<String> = md.entity_ids();
        let acs: Vec<String> = md
            .entities
            .iter()
            .flat_map(|e| e.sp_roles())
            .flat_map(|r| r.endpoints_of(samlcheck::model::EndpointKind::AssertionConsumerService))
            .map(|e| e.location().to_string())
            .collect();
        let pick = |v: &[String], i: usize| v.get(i % v.len().max(1)).cloned().unwrap_or_default();
        for _ in 0..8 {
            let n = 1 + next(4);
            let mut ops = Vec::new();
            for _ in 0..n {
                let r = next(1000);
                ops.push(match next(14) {
                    0 => Op::StripBom,
                    1 => Op::RemoveExpiredCerts,
                    2 => Op::Saml2Only,
                    3 => Op::Extract(pick(&ids, r)),
                    4 => Op::AddAcs {
                        url: format!("https://n{r}.example/acs"),
                        binding: None,
                        make_default: r % 2 == 0,
                    },
                    5 => Op::ReplaceAcs {
                        old: pick(&acs, r),
                        new: format!("https://r{r}.example/acs"),
                    },
                    6 => Op::RemoveAcs(pick(&acs, r)),
                    7 => Op::SetEntityId(format!("https://e{r}.example/")),
                    8 => Op::SetValidUntil(at("2030-01-01T00:00:00Z")),
                    9 => Op::RemoveValidUntil,
                    10 => Op::SetCacheDuration(format!("PT{r}S")),
                    11 => Op::RemoveCacheDuration,
                    12 => Op::StripSignature,
                    _ => {
                        if r % 2 == 0 {
                            Op::Pretty
                        } else {
                            Op::Minify
                        }
                    }
                });
            }
            check_roundtrip(input, &ops).unwrap_or_else(|e| {
                panic!(
                    "{}: {ops:?}: {e}",
                    String::from_utf8_lossy(&input[..input.len().min(120)])
                )
            });
            ran += 1;
            if run_bytes(input, &ops).is_ok() {
                ok += 1;
            }
        }
    }
    eprintln!("{ok} of {ran} random rewrites succeeded and round-tripped");
    assert!(ok * 3 > ran, "{ok} of {ran}");
}

#[cfg(unix)]
#[test]
#[cfg(feature = "cli")]
fn cli_in_place_through_a_symlink_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.xml");
    let link = dir.path().join("link.xml");
    std::fs::write(&real, entra_like()).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    cli()
        .arg("rewrite")
        .arg(&link)
        .args(["--in-place", "--strip-bom", "-q"])
        .assert()
        .code(0);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), entra_like().as_bytes()[3..]);
}

#[test]
fn real_entra_file_pretty_breaks_the_signature_and_minify_restores_the_bytes() {
    let Some(p) = corpus("3-entra/entra_tenant8b966979__JmFixit_good.xml") else {
        return;
    };
    let input = std::fs::read(&p).unwrap();
    let pretty = run_bytes(&input, &[Op::Pretty]).unwrap();
    assert_eq!(pretty.signature, SignatureEffect::Broken);
    assert!(pretty
        .edits
        .iter()
        .any(|e| e.op == "signature" && e.message.contains("no longer verifies")));
    let back = run_bytes(&pretty.bytes, &[Op::Minify]).unwrap();
    let back = String::from_utf8(back.bytes).unwrap();
    let back = back.replacen("?>\n<EntityDescriptor", "?><EntityDescriptor", 1);
    assert_eq!(back.as_bytes(), &input[..]);
}
