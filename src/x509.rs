//! Certificate facts, via x509-parser, for every `X509Certificate` in metadata.
//!
//! ```
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/entra-idp.xml")?,
//!     &samlcheck::Limits::default(),
//! )?;
//! let cert = &md.entities[0].roles[0].keys[0].certificates[0];
//! let facts = samlcheck::x509::facts_from_der(&cert.der)?;
//! assert_eq!(facts.sha1_thumbprint.len(), 40); // as Entra shows it
//! let at = "2026-12-01T00:00:00Z".parse()?;
//! println!("{}: {} days left", facts.subject, facts.days_left(at));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use x509_parser::prelude::*;

/// The public key of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyFacts {
    /// RSA with modulus size in bits and the public exponent.
    Rsa {
        /// Modulus size in bits.
        bits: u32,
        /// Public exponent (big-endian bytes as an integer when it fits in 64 bits).
        exponent: Option<u64>,
        /// Whether the exponent is even (invalid for RSA).
        exponent_even: bool,
        /// Whether the modulus has the fingerprint of keys from the ROCA-vulnerable
        /// Infineon library (CVE-2017-15361).
        roca: bool,
    },
    /// Elliptic curve key.
    Ec {
        /// Curve name, e.g. `P-256`.
        curve: String,
        /// Key size in bits.
        bits: u32,
    },
    /// Ed25519 or Ed448.
    EdDsa {
        /// `Ed25519` or `Ed448`.
        curve: String,
    },
    /// Any other algorithm, by OID.
    Other {
        /// The algorithm OID.
        oid: String,
    },
}

impl KeyFacts {
    /// A short description: `RSA 2048`, `EC P-256`.
    pub fn describe(&self) -> String {
        match self {
            KeyFacts::Rsa { bits, .. } => format!("RSA {bits}"),
            KeyFacts::Ec { curve, .. } => format!("EC {curve}"),
            KeyFacts::EdDsa { curve } => curve.clone(),
            KeyFacts::Other { oid } => format!("key {oid}"),
        }
    }
}

/// What a certificate says, in the terms Entra and AWS show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertFacts {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, colon-separated hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The public key.
    pub key: KeyFacts,
    /// Signature algorithm name (e.g. `sha256WithRSAEncryption`) or OID.
    pub signature_algorithm: String,
    /// Whether the signature algorithm uses MD5 or SHA-1.
    pub weak_signature_hash: Option<&'static str>,
    /// Whether subject equals issuer.
    pub self_signed: bool,
    /// SHA-1 thumbprint, uppercase hex without separators (as Entra shows it).
    pub sha1_thumbprint: String,
    /// SHA-256 fingerprint, uppercase hex without separators.
    pub sha256_fingerprint: String,
    /// OIDs of extensions that appear more than once (AWS IAM refuses such certificates).
    pub duplicate_extensions: Vec<String>,
    /// SHA-256 of the DER SubjectPublicKeyInfo: the same key in two certificates has the
    /// same value.
    pub spki_sha256: String,
}

impl CertFacts {
    /// Whole days from `at` to the end of validity (negative once expired).
    pub fn days_left(&self, at: DateTime<Utc>) -> i64 {
        (self.not_after - at).num_days()
    }

    /// Whether `at` is within the validity period.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// Why a certificate's bytes could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CertProblem {
    /// The text is not base64.
    Base64(String),
    /// The DER is a bare SubjectPublicKeyInfo, not a certificate.
    PublicKeyOnly,
    /// The DER does not parse as a certificate.
    Der(String),
}

/// A `CertProblem` is an error for callers that want one (`?` into `Box<dyn Error>`).
impl std::error::Error for CertProblem {}

impl std::fmt::Display for CertProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::padded(f, |f| match self {
            CertProblem::Base64(e) => write!(f, "not valid base64: {e}"),
            CertProblem::PublicKeyOnly => f.write_str("a bare public key, not a certificate"),
            CertProblem::Der(e) => write!(f, "not a DER X.509 certificate: {e}"),
        })
    }
}

/// Decodes base64 with any whitespace inside.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, CertProblem> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| CertProblem::Base64(crate::error::lower_first(&e.to_string())))
}

/// Certificate facts from the base64 text of an `X509Certificate` element.
pub fn facts_from_base64(text: &str) -> Result<(Vec<u8>, CertFacts), CertProblem> {
    let der = decode_base64(text)?;
    let facts = facts_from_der(&der)?;
    Ok((der, facts))
}

/// Certificate facts from DER bytes.
pub fn facts_from_der(der: &[u8]) -> Result<CertFacts, CertProblem> {
    let cert = match X509Certificate::from_der(der) {
        Ok((_, c)) => c,
        Err(e) => {
            if SubjectPublicKeyInfo::from_der(der).is_ok() {
                return Err(CertProblem::PublicKeyOnly);
            }
            return Err(CertProblem::Der(crate::error::lower_first(&e.to_string())));
        }
    };
    let not_before = to_utc(cert.validity().not_before.timestamp());
    let not_after = to_utc(cert.validity().not_after.timestamp());
    let spki = cert.public_key();
    let key = key_facts(spki);
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    let signature_algorithm = sig_name(&sig_oid).map_or(sig_oid.clone(), str::to_string);
    let weak_signature_hash = weak_hash(&sig_oid);
    let mut seen: Vec<String> = Vec::new();
    let mut dups: Vec<String> = Vec::new();
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        if seen.contains(&oid) {
            if !dups.contains(&oid) {
                dups.push(oid);
            }
        } else {
            seen.push(oid);
        }
    }
    Ok(CertFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string(),
        not_before,
        not_after,
        key,
        signature_algorithm,
        weak_signature_hash,
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        sha1_thumbprint: hex_upper(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref(),
        ),
        sha256_fingerprint: hex_upper(ring::digest::digest(&ring::digest::SHA256, der).as_ref()),
        duplicate_extensions: dups,
        spki_sha256: hex_upper(ring::digest::digest(&ring::digest::SHA256, spki.raw).as_ref()),
    })
}

fn to_utc(ts: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Uppercase hex without separators.
pub fn hex_upper(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02X}");
            s
        })
}

fn key_facts(spki: &SubjectPublicKeyInfo<'_>) -> KeyFacts {
    let alg = spki.algorithm.algorithm.to_id_string();
    match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let modulus = strip_zeros(rsa.modulus);
            let bits = modulus.first().map_or(0, |b| {
                (modulus.len() as u32)
                    .saturating_mul(8)
                    .saturating_sub(b.leading_zeros())
            });
            let e = strip_zeros(rsa.exponent);
            let exponent =
                (e.len() <= 8).then(|| e.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)));
            KeyFacts::Rsa {
                bits,
                exponent,
                exponent_even: e.last().is_none_or(|b| b % 2 == 0),
                roca: roca_fingerprint(modulus),
            }
        }
        Ok(x509_parser::public_key::PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            let (name, bits) = match curve.as_str() {
                "1.2.840.10045.3.1.7" => ("P-256", 256),
                "1.3.132.0.34" => ("P-384", 384),
                "1.3.132.0.35" => ("P-521", 521),
                "1.3.132.0.10" => ("secp256k1", 256),
                _ => ("unknown curve", 0),
            };
            KeyFacts::Ec {
                curve: if bits == 0 { curve } else { name.to_string() },
                bits,
            }
        }
        _ => match alg.as_str() {
            "1.3.101.112" => KeyFacts::EdDsa {
                curve: "Ed25519".into(),
            },
            "1.3.101.113" => KeyFacts::EdDsa {
                curve: "Ed448".into(),
            },
            _ => KeyFacts::Other { oid: alg },
        },
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b.get(i..).unwrap_or(&[])
}

fn sig_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "1.3.101.112" => "Ed25519",
        _ => return None,
    })
}

fn weak_hash(oid: &str) -> Option<&'static str> {
    match oid {
        "1.2.840.113549.1.1.4" | "1.2.840.113549.1.1.2" | "1.2.840.113549.1.1.3" => Some("MD5"),
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" | "1.3.14.3.2.29" => {
            Some("SHA-1")
        }
        _ => None,
    }
}

/// The ROCA fingerprint test (Nemec et al., CCS 2017): moduli made by the vulnerable
/// Infineon library are, modulo each small prime p of their construction, a power of
/// 65537. A random modulus passes this test for all primes with negligible probability.
fn roca_fingerprint(modulus: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    if modulus.len() < 32 {
        return false;
    }
    PRIMES.iter().all(|&p| {
        let r = modulus
            .iter()
            .fold(0u32, |acc, b| ((acc << 8) | u32::from(*b)) % p);
        // Walk the subgroup generated by 65537 mod p.
        let g = 65537 % p;
        let mut x = 1 % p;
        for _ in 0..p {
            if x == r {
                return true;
            }
            x = (x * g) % p;
            if x == 1 % p {
                break;
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roca_rejects_ordinary_moduli() {
        // A modulus congruent to 1 mod every small prime is (trivially) a power of 65537
        // everywhere, so it has the fingerprint; almost any other value does not.
        let mut m = vec![0u8; 64];
        if let Some(last) = m.last_mut() {
            *last = 1;
        }
        assert!(roca_fingerprint(&m));
        let m: Vec<u8> = (0u8..64)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        assert!(!roca_fingerprint(&m));
    }

    #[test]
    fn garbage_is_a_problem_not_a_panic() {
        assert!(matches!(
            facts_from_base64("!!!"),
            Err(CertProblem::Base64(_))
        ));
        assert!(matches!(
            facts_from_base64("AAAA"),
            Err(CertProblem::Der(_))
        ));
    }
}
