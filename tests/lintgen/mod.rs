//! Generated fixtures for the lint tests: small XML builders and a DER writer for test-only
//! X.509 certificates (signatures are dummy bytes; the linter reads facts, not trust).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;

// ---------------------------------------------------------------- DER

fn len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let b = n.to_be_bytes();
        let i = b.iter().position(|x| *x != 0).unwrap();
        let mut v = vec![0x80 | (b.len() - i) as u8];
        v.extend_from_slice(&b[i..]);
        v
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(len(content.len()));
    v.extend_from_slice(content);
    v
}

fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

fn uint(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|x| *x == 0).collect();
    if b.is_empty() {
        b.push(0);
    }
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}

fn oid(content: &[u8]) -> Vec<u8> {
    tlv(0x06, content)
}

const RSA_ENC: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// sha256WithRSAEncryption.
pub const SHA256_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
/// sha1WithRSAEncryption.
pub const SHA1_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05];
/// md5WithRSAEncryption.
pub const MD5_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x04];

fn alg(o: &[u8]) -> Vec<u8> {
    seq(&[oid(o), vec![0x05, 0x00]])
}

fn name(cn: &str) -> Vec<u8> {
    let atv = seq(&[oid(&[0x55, 0x04, 0x03]), tlv(0x0C, cn.as_bytes())]);
    seq(&[tlv(0x31, &atv)])
}

/// What a generated certificate looks like.
#[derive(Clone)]
pub struct Spec {
    pub cn: String,
    /// UTCTime `YYMMDDHHMMSSZ`.
    pub not_before: String,
    pub not_after: String,
    pub modulus: Vec<u8>,
    pub exponent: u64,
    pub sig: &'static [u8],
    pub dup_ext: bool,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            cn: "test".into(),
            not_before: "250101000000Z".into(),
            not_after: "350101000000Z".into(),
            modulus: modulus(2048, 1),
            exponent: 65537,
            sig: SHA256_RSA,
            dup_ext: false,
        }
    }
}

/// A modulus of exactly `bits` bits (a multiple of 8), varied by `seed`; odd.
pub fn modulus(bits: usize, seed: u8) -> Vec<u8> {
    let n = bits / 8;
    let mut m: Vec<u8> = (0..n)
        .map(|i| {
            (i as u8)
                .wrapping_mul(151)
                .wrapping_add(seed.wrapping_mul(77))
                ^ 0x5A
        })
        .collect();
    m[0] |= 0x80;
    m[n - 1] |= 1;
    m
}

/// 65537^128: a modulus with the ROCA fingerprint (every residue is a power of 65537).
pub fn roca_modulus() -> Vec<u8> {
    let mut v: Vec<u8> = vec![1];
    for _ in 0..128 {
        let mut carry: u32 = 0;
        for b in v.iter_mut().rev() {
            let x = u32::from(*b) * 65537 + carry;
            *b = (x & 0xFF) as u8;
            carry = x >> 8;
        }
        while carry > 0 {
            v.insert(0, (carry & 0xFF) as u8);
            carry >>= 8;
        }
    }
    v
}

fn spki(s: &Spec) -> Vec<u8> {
    let rsa = seq(&[uint(&s.modulus), uint(&s.exponent.to_be_bytes())]);
    let mut bits = vec![0u8];
    bits.extend(rsa);
    seq(&[alg(RSA_ENC), tlv(0x03, &bits)])
}

/// DER of a certificate.
pub fn cert_der(s: &Spec) -> Vec<u8> {
    let bc = seq(&[oid(&[0x55, 0x1D, 0x13]), tlv(0x04, &[0x30, 0x00])]);
    let mut exts = vec![bc.clone()];
    if s.dup_ext {
        exts.push(bc);
    }
    let tbs = seq(&[
        tlv(0xA0, &uint(&[2])),
        uint(&[0x01, 0x23]),
        alg(s.sig),
        name(&s.cn),
        seq(&[
            tlv(0x17, s.not_before.as_bytes()),
            tlv(0x17, s.not_after.as_bytes()),
        ]),
        name(&s.cn),
        spki(s),
        tlv(0xA3, &seq(&exts)),
    ]);
    seq(&[tbs, alg(s.sig), tlv(0x03, &[0, 1, 2, 3, 4])])
}

pub fn b64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// Base64 of a certificate.
pub fn cert(s: &Spec) -> String {
    b64(&cert_der(s))
}

/// Base64 of a default certificate with another CN (a different certificate and key).
pub fn cert_cn(cn: &str, seed: u8) -> String {
    cert(&Spec {
        cn: cn.into(),
        modulus: modulus(2048, seed),
        ..Spec::default()
    })
}

/// Base64 of a bare SubjectPublicKeyInfo.
pub fn spki_only() -> String {
    b64(&spki(&Spec::default()))
}

// ---------------------------------------------------------------- XML

pub const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
pub const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
pub const PSE: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// `<md:EntityDescriptor>` with namespaces and the given attributes and content.
pub fn entity(entity_id: &str, inner: &str) -> String {
    entity_attrs(&format!(r#"entityID="{entity_id}""#), inner)
}

pub fn entity_attrs(attrs: &str, inner: &str) -> String {
    format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" {attrs}>{inner}</md:EntityDescriptor>"#
    )
}

/// An aggregate of entities (their own namespace declarations are kept).
pub fn aggregate(attrs: &str, inner: &str) -> String {
    format!(
        r#"<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" {attrs}>{inner}</md:EntitiesDescriptor>"#
    )
}

/// A (not verifiable) enveloped signature element, enough to count as "signed".
pub fn signature() -> String {
    r##"<ds:Signature><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo></ds:Signature>"##
        .to_string()
}

/// A KeyDescriptor; `usage` is the `use` value or "" for none.
pub fn key(usage: &str, cert_b64: &str) -> String {
    let u = if usage.is_empty() {
        String::new()
    } else {
        format!(r#" use="{usage}""#)
    };
    format!(
        r#"<md:KeyDescriptor{u}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#
    )
}

/// A signing key with a good default certificate.
pub fn good_key() -> String {
    key("signing", &cert(&Spec::default()))
}

pub fn endpoint(name: &str, binding: &str, location: &str, extra: &str) -> String {
    format!(r#"<md:{name} Binding="{binding}" Location="{location}"{extra}/>"#)
}

/// An IDPSSODescriptor with the given content.
pub fn idp_role(attrs: &str, inner: &str) -> String {
    format!(
        r#"<md:IDPSSODescriptor protocolSupportEnumeration="{PSE}"{attrs}>{inner}</md:IDPSSODescriptor>"#
    )
}

/// An SPSSODescriptor with the given content.
pub fn sp_role(attrs: &str, inner: &str) -> String {
    format!(
        r#"<md:SPSSODescriptor protocolSupportEnumeration="{PSE}"{attrs}>{inner}</md:SPSSODescriptor>"#
    )
}

pub fn sso(location: &str) -> String {
    endpoint("SingleSignOnService", REDIRECT, location, "")
}

pub fn acs(location: &str, index: u32) -> String {
    endpoint(
        "AssertionConsumerService",
        POST,
        location,
        &format!(r#" index="{index}""#),
    )
}

/// A clean IdP entity: good key, one SSO service. Padded to over 1,000 characters with an
/// Organization so that the AWS IAM size rule stays quiet.
pub fn good_idp(entity_id: &str) -> String {
    entity(entity_id, &good_idp_inner())
}

pub fn good_idp_inner() -> String {
    format!(
        "{}{}",
        idp_role(
            "",
            &format!("{}{}", good_key(), sso("https://idp.example.org/sso"))
        ),
        organization()
    )
}

pub fn organization() -> String {
    r#"<md:Organization><md:OrganizationName xml:lang="en">Example Organization for generated test fixtures</md:OrganizationName><md:OrganizationDisplayName xml:lang="en">Example</md:OrganizationDisplayName><md:OrganizationURL xml:lang="en">https://www.example.org/</md:OrganizationURL></md:Organization>"#.to_string()
}

/// A clean SP entity with one ACS.
pub fn good_sp(entity_id: &str) -> String {
    entity(
        entity_id,
        &sp_role("", &acs("https://sp.example.org/acs", 0)),
    )
}
