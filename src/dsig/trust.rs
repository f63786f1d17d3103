//! Trust anchors (pinned certificates or fingerprints) and certificate facts.

use super::algorithms::KeyKind;
use crate::error::Error;
use base64::Engine;
use chrono::{DateTime, Utc};

/// Facts about an X.509 certificate: fingerprints as Entra and AWS show them, subject,
/// validity and key.
///
/// `Debug` is concise (no DER or key bytes), and `Display` is one line that honours width
/// and alignment.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CertInfo {
    /// SHA-1 fingerprint (the "thumbprint" of Windows and Entra), uppercase hex.
    pub sha1: String,
    /// SHA-256 fingerprint, uppercase hex.
    pub sha256: String,
    /// Subject distinguished name (`CN=..., O=...`).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity.
    #[serde(serialize_with = "rfc3339")]
    pub not_before: DateTime<Utc>,
    /// End of validity.
    #[serde(serialize_with = "rfc3339")]
    pub not_after: DateTime<Utc>,
    /// Key type.
    pub key_kind: KeyKind,
    /// Key size in bits (RSA modulus or curve size).
    pub key_bits: u32,
    #[serde(skip)]
    pub(crate) der: Vec<u8>,
    #[serde(skip)]
    pub(crate) public_key: Vec<u8>,
}

impl std::fmt::Debug for CertInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertInfo")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("key_kind", &self.key_kind)
            .field("key_bits", &self.key_bits)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for CertInfo {
    /// `CN=idp (RSA 2048, valid 2024-01-01 to 2027-01-01, SHA-256 AB12...)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::padded(f, |f| {
            write!(
                f,
                "{} ({:?} {}, valid {} to {}, SHA-256 {})",
                self.subject,
                self.key_kind,
                self.key_bits,
                self.not_before.format("%Y-%m-%d"),
                self.not_after.format("%Y-%m-%d"),
                self.sha256
            )
        })
    }
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn hex_upper(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02X}");
    }
    s
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

impl CertInfo {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<CertInfo, Error> {
        let (rest, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| Error::input(format!("not an X.509 certificate: {e}")))?;
        if !rest.is_empty() {
            return Err(Error::input("X.509 certificate followed by trailing bytes"));
        }
        let spki = cert.public_key();
        let alg = spki.algorithm.algorithm.to_id_string();
        let param = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .map(|o| o.to_id_string());
        let (key_kind, key_bits) = match (alg.as_str(), param.as_deref()) {
            (OID_RSA, _) => {
                let bits = match spki.parsed() {
                    Ok(x509_parser::public_key::PublicKey::RSA(r)) => {
                        u32::try_from(r.key_size()).unwrap_or(0)
                    }
                    _ => 0,
                };
                (KeyKind::Rsa, bits)
            }
            (OID_EC, Some(OID_P256)) => (KeyKind::EcP256, 256),
            (OID_EC, Some(OID_P384)) => (KeyKind::EcP384, 384),
            _ => (KeyKind::Other, 0),
        };
        let time = |t: x509_parser::time::ASN1Time| {
            DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default()
        };
        Ok(CertInfo {
            sha1: hex_upper(
                ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref(),
            ),
            sha256: hex_upper(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: time(cert.validity().not_before),
            not_after: time(cert.validity().not_after),
            key_kind,
            key_bits,
            public_key: spki.subject_public_key.data.to_vec(),
            der: der.to_vec(),
        })
    }

    /// The certificate in DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Whether `at` lies within the validity period.
    pub fn is_valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Whole days from `at` to the end of validity (negative once expired).
    pub fn days_left(&self, at: DateTime<Utc>) -> i64 {
        (self.not_after - at).num_days()
    }

    fn matches_fingerprint(&self, fp: &[u8]) -> bool {
        let (s1, s256) = (
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.der),
            ring::digest::digest(&ring::digest::SHA256, &self.der),
        );
        fp == s1.as_ref() || fp == s256.as_ref()
    }
}

/// Who is trusted to sign.
///
/// A certificate found in a signature's `KeyInfo` is never trusted on its own: with
/// [`Trust::embedded`] it proves integrity only (the file is unchanged since whoever holds
/// that key signed it), and every report says so.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    certs: Vec<CertInfo>,
    fingerprints: Vec<Vec<u8>>,
}

/// Why a signer was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustBasis {
    /// The signature verifies with a pinned certificate's key.
    PinnedCert,
    /// The signature verifies with an embedded certificate whose fingerprint is pinned.
    PinnedFingerprint,
    /// Only the embedded certificate: integrity, not authenticity.
    EmbeddedOnly,
}

impl Trust {
    /// No pins: the certificate embedded in `KeyInfo` proves integrity only.
    pub fn embedded() -> Trust {
        Trust::default()
    }

    /// Trust the certificate(s) of a PEM text (one or more `CERTIFICATE` blocks).
    pub fn from_pem(pem: &str) -> Result<Trust, Error> {
        let mut t = Trust::default();
        t.add_pem(pem)?;
        Ok(t)
    }

    /// Trust a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Trust, Error> {
        let mut t = Trust::default();
        t.add_der(der)?;
        Ok(t)
    }

    /// Adds the certificate(s) of a PEM text.
    pub fn add_pem(&mut self, pem: &str) -> Result<(), Error> {
        let blocks = pem_blocks(pem, "CERTIFICATE")?;
        if blocks.is_empty() {
            return Err(Error::input("no -----BEGIN CERTIFICATE----- block found"));
        }
        for der in blocks {
            self.add_der(&der)?;
        }
        Ok(())
    }

    /// Adds a DER certificate.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), Error> {
        self.certs.push(CertInfo::from_der(der)?);
        Ok(())
    }

    /// Adds a certificate file's content: PEM when it looks like PEM, else DER.
    pub fn add_cert_bytes(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match std::str::from_utf8(bytes) {
            Ok(s) if s.contains("-----BEGIN") => self.add_pem(s),
            _ => self.add_der(bytes),
        }
    }

    /// Adds every certificate and fingerprint `other` pins.
    pub fn extend(&mut self, other: &Trust) {
        self.certs.extend(other.certs.iter().cloned());
        self.fingerprints.extend(other.fingerprints.iter().cloned());
    }

    /// Adds a SHA-256 or SHA-1 fingerprint in hex (colons, spaces and case are ignored).
    pub fn add_fingerprint(&mut self, hex: &str) -> Result<(), Error> {
        let clean: String = hex
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let bytes = decode_hex(&clean)
            .ok_or_else(|| Error::input(format!("fingerprint {hex:?} is not hexadecimal")))?;
        if bytes.len() != 20 && bytes.len() != 32 {
            return Err(Error::input(format!(
                "fingerprint {hex:?} has {} bytes; expected 20 (SHA-1) or 32 (SHA-256)",
                bytes.len()
            )));
        }
        self.fingerprints.push(bytes);
        Ok(())
    }

    /// Whether nothing is pinned (embedded certificates prove integrity only).
    pub fn is_embedded_only(&self) -> bool {
        self.certs.is_empty() && self.fingerprints.is_empty()
    }

    pub(crate) fn pinned_certs(&self) -> &[CertInfo] {
        &self.certs
    }

    pub(crate) fn fingerprint_pins(&self, cert: &CertInfo) -> bool {
        self.fingerprints
            .iter()
            .any(|f| cert.matches_fingerprint(f))
    }

    pub(crate) fn has_fingerprints(&self) -> bool {
        !self.fingerprints.is_empty()
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The DER contents of every PEM block with this label.
pub(crate) fn pem_blocks(pem: &str, label: &str) -> Result<Vec<Vec<u8>>, Error> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(b) = rest.find(&begin) {
        let after = rest.get(b + begin.len()..).unwrap_or("");
        let e = after
            .find(&end)
            .ok_or_else(|| Error::input(format!("PEM block {label} has no END line")))?;
        let body: String = after
            .get(..e)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|e| Error::input(format!("PEM block {label} is not valid base64: {e}")))?;
        out.push(der);
        rest = after.get(e + end.len()..).unwrap_or("");
    }
    Ok(out)
}

/// Decodes base64 text from an XML element, ignoring whitespace.
pub(crate) fn b64_text(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse() {
        let mut t = Trust::embedded();
        assert!(t.is_embedded_only());
        t.add_fingerprint("AB:cd:".repeat(10).trim_end_matches(':'))
            .unwrap();
        assert!(!t.is_embedded_only());
        assert!(t.add_fingerprint("abc").is_err());
        assert!(t.add_fingerprint("zz").is_err());
        assert!(t.add_fingerprint("00").is_err());
    }
}
