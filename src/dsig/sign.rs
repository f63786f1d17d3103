//! Signing: an enveloped signature with exclusive c14n, spliced into the text.
//!
//! Every byte of the input stays as it was except for the inserted `ds:Signature` element
//! (first child of the root element, or right after a leading `saml:Issuer`) and, when the
//! root has no `ID`, one ` ID="_..."` attribute after the root element's name.

use super::algorithms::{DigestAlg, KeyKind, SignatureAlg, ENVELOPED};
use super::c14n::{self, C14n, Subset};
use super::trust::{pem_blocks, CertInfo};
use crate::error::Error;
use crate::limits::Limits;
use crate::xml::{ns, XmlDoc};
use base64::Engine;
use ring::signature::{EcdsaKeyPair, KeyPair, RsaKeyPair};

/// A private key with its certificate.
pub struct SigningKey {
    key: Key,
    cert: CertInfo,
}

enum Key {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair, SignatureAlg),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("cert", &self.cert.subject)
            .field("method", &self.method().name())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Reads a private key (PKCS#8 `PRIVATE KEY`, RSA or ECDSA P-256/P-384, or PKCS#1
    /// `RSA PRIVATE KEY`) and its certificate, both PEM. The certificate must hold the
    /// key's public half.
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<SigningKey, Error> {
        let key = if let Some(der) = pem_blocks(key_pem, "PRIVATE KEY")?.into_iter().next() {
            if let Ok(k) = RsaKeyPair::from_pkcs8(&der) {
                Key::Rsa(k)
            } else {
                let rng = ring::rand::SystemRandom::new();
                let p256 = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
                let p384 = &ring::signature::ECDSA_P384_SHA384_FIXED_SIGNING;
                if let Ok(k) = EcdsaKeyPair::from_pkcs8(p256, &der, &rng) {
                    Key::Ec(k, SignatureAlg::EcdsaP256Sha256)
                } else if let Ok(k) = EcdsaKeyPair::from_pkcs8(p384, &der, &rng) {
                    Key::Ec(k, SignatureAlg::EcdsaP384Sha384)
                } else {
                    return Err(Error::input(
                        "the PKCS#8 private key is not an RSA (2048 bits or more), ECDSA P-256 or P-384 key",
                    ));
                }
            }
        } else if let Some(der) = pem_blocks(key_pem, "RSA PRIVATE KEY")?.into_iter().next() {
            Key::Rsa(RsaKeyPair::from_der(&der).map_err(|e| {
                Error::input(format!("the PKCS#1 RSA private key cannot be used: {e}"))
            })?)
        } else if key_pem.contains("BEGIN EC PRIVATE KEY") {
            return Err(Error::input(
                "SEC1 \"EC PRIVATE KEY\" keys are not supported: convert with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8.pem`",
            ));
        } else if key_pem.contains("BEGIN ENCRYPTED PRIVATE KEY") {
            return Err(Error::input(
                "encrypted private keys are not supported: decrypt with `openssl pkcs8 -nocrypt`",
            ));
        } else {
            return Err(Error::input("no -----BEGIN PRIVATE KEY----- block found"));
        };
        let cert_der = pem_blocks(cert_pem, "CERTIFICATE")?
            .into_iter()
            .next()
            .ok_or_else(|| Error::input("no -----BEGIN CERTIFICATE----- block found"))?;
        let cert = CertInfo::from_der(&cert_der)?;
        let public: &[u8] = match &key {
            Key::Rsa(k) => k.public_key().as_ref(),
            Key::Ec(k, _) => k.public_key().as_ref(),
        };
        if public != cert.public_key.as_slice() {
            return Err(Error::input(format!(
                "the certificate ({}) does not hold the private key's public key",
                cert.subject
            )));
        }
        Ok(SigningKey { key, cert })
    }

    /// The signature method this key signs with.
    pub fn method(&self) -> SignatureAlg {
        match &self.key {
            Key::Rsa(_) => SignatureAlg::RsaSha256,
            Key::Ec(_, m) => *m,
        }
    }

    /// The certificate.
    pub fn cert(&self) -> &CertInfo {
        &self.cert
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        let rng = ring::rand::SystemRandom::new();
        match &self.key {
            Key::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig)
                    .map_err(|_| Error::input("RSA signing failed"))?;
                Ok(sig)
            }
            Key::Ec(k, _) => k
                .sign(&rng, msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| Error::input("ECDSA signing failed")),
        }
    }
}

/// Options for [`sign`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignOptions {
    /// Limits for reading the input.
    pub limits: Limits,
    /// Verify the result with the signer's certificate before returning it (default on).
    pub verify_after: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            limits: Limits::default(),
            verify_after: true,
        }
    }
}

/// Signs decoded XML text: an enveloped signature over the root element, referenced by its
/// `ID` (added when missing), exclusive c14n, SHA-256 digest, RSA-SHA256 or ECDSA.
///
/// The root element must not already carry a signature.
pub fn sign(text: &str, key: &SigningKey, opts: &SignOptions) -> Result<String, Error> {
    let doc = XmlDoc::parse(text, &opts.limits)?;
    let root = doc.root();
    if crate::xml::child(root, ns::DS, "Signature").is_some() {
        return Err(Error::input(format!(
            "<{}> is already signed: remove its ds:Signature first",
            crate::xml::qname(root)
        )));
    }
    // 1. The ID: the root's own, or a new one derived from the content.
    let (text, id) = match root.attribute("ID") {
        Some("") => {
            return Err(Error::input(format!(
                "<{}> has an empty ID attribute: give it a value or remove it",
                crate::xml::qname(root)
            )))
        }
        Some(id) => (text.to_string(), id.to_string()),
        None => {
            let prefix = text.get(..text.len().min(1 << 20)).unwrap_or(text);
            let d = ring::digest::digest(&ring::digest::SHA256, prefix.as_bytes());
            let hex: String = d
                .as_ref()
                .iter()
                .take(20)
                .map(|b| format!("{b:02x}"))
                .collect();
            let id = format!("_{hex}");
            let at = root.range().start + 1 + qname_len(text, root.range().start);
            let mut t = String::with_capacity(text.len() + 50);
            t.push_str(text.get(..at).unwrap_or(""));
            t.push_str(&format!(" ID=\"{id}\""));
            t.push_str(text.get(at..).unwrap_or(""));
            (t, id)
        }
    };
    drop(doc);
    let doc = XmlDoc::parse(&text, &opts.limits)?;
    // Canonicalization must fail on a relative namespace URI (C14N 1.0 section 2.1):
    // whatever we signed, xmlsec1 and other libxml2-based verifiers could not check it.
    if let Some(r) = c14n::first_relative_namespace(doc.tree()) {
        let pos = doc.pos(r.offset);
        return Err(Error::input(format!(
            "cannot sign: {r} (line {}, column {}); use an absolute namespace URI",
            pos.line, pos.col
        )));
    }
    let root = doc.root();
    let dups = doc
        .tree()
        .descendants()
        .filter(|n| n.is_element())
        .flat_map(|n| n.attributes())
        .filter(|a| matches!(a.name(), "ID" | "Id" | "id") && a.value() == id)
        .count();
    if dups != 1 {
        return Err(Error::input(format!(
            "ID {id:?} of the root element is used by {dups} attributes: IDs must be unique"
        )));
    }

    // 2. The digest of the root element.
    let digest = super::digest(
        Subset::Element(root),
        None,
        &C14n::exclusive(),
        DigestAlg::Sha256,
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let method = key.method();
    let signed_info = format!(
        concat!(
            "<ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"{c14n}\"/>",
            "<ds:SignatureMethod Algorithm=\"{method}\"/>",
            "<ds:Reference URI=\"#{uri}\">",
            "<ds:Transforms>",
            "<ds:Transform Algorithm=\"{env}\"/>",
            "<ds:Transform Algorithm=\"{c14n}\"/>",
            "</ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"{dm}\"/>",
            "<ds:DigestValue>{dv}</ds:DigestValue>",
            "</ds:Reference>",
            "</ds:SignedInfo>"
        ),
        c14n = c14n::uri::EXCLUSIVE,
        method = method.uri(),
        uri = escape_attr(&id),
        env = ENVELOPED,
        dm = DigestAlg::Sha256.uri(),
        dv = b64.encode(&digest),
    );
    // 3. SignedInfo canonicalized on its own: exclusive c14n does not depend on context.
    let standalone = format!(
        "<ds:Signature xmlns:ds=\"{}\">{signed_info}</ds:Signature>",
        ns::DS
    );
    let si_doc = roxmltree::Document::parse(&standalone)
        .map_err(|e| Error::input(format!("internal: generated SignedInfo is not XML: {e}")))?;
    let si_node = si_doc
        .root_element()
        .first_element_child()
        .ok_or_else(|| Error::input("internal: generated SignedInfo is missing"))?;
    let si_bytes = c14n::to_vec(Subset::Element(si_node), None, &C14n::exclusive());
    let sig_value = key.sign(&si_bytes)?;
    let signature = format!(
        "<ds:Signature xmlns:ds=\"{}\">{signed_info}<ds:SignatureValue>{}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        ns::DS,
        b64.encode(&sig_value),
        b64.encode(key.cert.der()),
    );

    // 4. Splice it in: after the start tag, or after a leading saml:Issuer.
    let start = root.range().start;
    let (tag_end, self_closing) = start_tag_end(&text, start)
        .ok_or_else(|| Error::input("internal: cannot find the end of the root start tag"))?;
    let mut out = String::with_capacity(text.len() + signature.len() + 64);
    if self_closing {
        let qn = text
            .get(start + 1..start + 1 + qname_len(&text, start))
            .unwrap_or("");
        out.push_str(text.get(..tag_end - 1).unwrap_or(""));
        out.push('>');
        out.push_str(&signature);
        out.push_str(&format!("</{qn}>"));
        out.push_str(text.get(tag_end + 1..).unwrap_or(""));
    } else {
        let at = match root.first_element_child() {
            Some(i) if crate::xml::is(i, ns::SAML, "Issuer") => i.range().end,
            _ => tag_end + 1,
        };
        out.push_str(text.get(..at).unwrap_or(""));
        out.push_str(&signature);
        out.push_str(text.get(at..).unwrap_or(""));
    }
    drop(doc);

    if opts.verify_after {
        let check = XmlDoc::parse(&out, &opts.limits)?;
        let trust = super::Trust::from_der(key.cert.der())?;
        let report = super::verify(&check, &trust);
        if let Some(Err(f)) = report.root_signature().map(|c| &c.outcome) {
            return Err(Error::input(format!(
                "internal: the signed output does not verify: {f}"
            )));
        }
        if report.verified_root().is_none() {
            return Err(Error::input("internal: the signed output does not verify"));
        }
    }
    Ok(out)
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Length of the element name at `<` offset `start`.
fn qname_len(text: &str, start: usize) -> usize {
    text.get(start + 1..)
        .unwrap_or("")
        .bytes()
        .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
        .unwrap_or(0)
}

/// Offset of the `>` ending the start tag at `start`, and whether the tag is `/>`.
fn start_tag_end(text: &str, start: usize) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return Some((i, i > 0 && bytes.get(i - 1) == Some(&b'/'))),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The key kind a signing key has (for callers choosing how to describe it).
impl SigningKey {
    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.cert.key_kind
    }
}
