//! The algorithm allow-list: digest and signature methods by URI, mapped onto `ring`.
//!
//! Anything not listed here is rejected. SHA-1 (digest or RSA-SHA1) verifies but is
//! reported as weak.

use ring::signature;

/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// A digest method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum DigestAlg {
    /// SHA-1 (weak: verifies with a warning).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlg {
    /// The algorithm from its XML-DSig URI.
    pub fn from_uri(uri: &str) -> Option<DigestAlg> {
        Some(match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlg::Sha1,
            "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlg::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlg::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlg::Sha512,
            _ => return None,
        })
    }

    /// The XML-DSig URI.
    pub fn uri(self) -> &'static str {
        match self {
            DigestAlg::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            DigestAlg::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            DigestAlg::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
            DigestAlg::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        }
    }

    /// A short name (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha1 => "sha1",
            DigestAlg::Sha256 => "sha256",
            DigestAlg::Sha384 => "sha384",
            DigestAlg::Sha512 => "sha512",
        }
    }

    /// Whether the algorithm is weak (SHA-1).
    pub fn is_weak(self) -> bool {
        self == DigestAlg::Sha1
    }

    pub(crate) fn ring(self) -> &'static ring::digest::Algorithm {
        match self {
            DigestAlg::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            DigestAlg::Sha256 => &ring::digest::SHA256,
            DigestAlg::Sha384 => &ring::digest::SHA384,
            DigestAlg::Sha512 => &ring::digest::SHA512,
        }
    }
}

/// A signature method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum SignatureAlg {
    /// RSA PKCS#1 v1.5 with SHA-1 (weak: verifies with a warning).
    RsaSha1,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaSha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaSha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaSha512,
    /// ECDSA on P-256 with SHA-256 (XML-DSig's fixed-width `r || s`).
    EcdsaP256Sha256,
    /// ECDSA on P-384 with SHA-384 (XML-DSig's fixed-width `r || s`).
    EcdsaP384Sha384,
}

impl SignatureAlg {
    /// The method from its XML-DSig URI. ECDSA URIs name only the hash; the curve comes
    /// from the key, so `ecdsa-sha256` maps to P-256 and `ecdsa-sha384` to P-384.
    pub fn from_uri(uri: &str) -> Option<SignatureAlg> {
        Some(match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => SignatureAlg::RsaSha1,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => SignatureAlg::RsaSha256,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => SignatureAlg::RsaSha384,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => SignatureAlg::RsaSha512,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => SignatureAlg::EcdsaP256Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => SignatureAlg::EcdsaP384Sha384,
            _ => return None,
        })
    }

    /// The XML-DSig URI.
    pub fn uri(self) -> &'static str {
        match self {
            SignatureAlg::RsaSha1 => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            SignatureAlg::RsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            SignatureAlg::RsaSha384 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            SignatureAlg::RsaSha512 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            SignatureAlg::EcdsaP256Sha256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            SignatureAlg::EcdsaP384Sha384 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        }
    }

    /// A short name (`rsa-sha256`).
    pub fn name(self) -> &'static str {
        match self {
            SignatureAlg::RsaSha1 => "rsa-sha1",
            SignatureAlg::RsaSha256 => "rsa-sha256",
            SignatureAlg::RsaSha384 => "rsa-sha384",
            SignatureAlg::RsaSha512 => "rsa-sha512",
            SignatureAlg::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            SignatureAlg::EcdsaP384Sha384 => "ecdsa-p384-sha384",
        }
    }

    /// Whether the method is weak (RSA-SHA1).
    pub fn is_weak(self) -> bool {
        self == SignatureAlg::RsaSha1
    }

    fn ring(self) -> &'static dyn signature::VerificationAlgorithm {
        match self {
            SignatureAlg::RsaSha1 => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
            SignatureAlg::RsaSha256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            SignatureAlg::RsaSha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            SignatureAlg::RsaSha512 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            SignatureAlg::EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_FIXED,
            SignatureAlg::EcdsaP384Sha384 => &signature::ECDSA_P384_SHA384_FIXED,
        }
    }

    /// Whether a key of this kind can verify this method.
    pub(crate) fn fits(self, key: KeyKind) -> bool {
        matches!(
            (self, key),
            (
                SignatureAlg::RsaSha1
                    | SignatureAlg::RsaSha256
                    | SignatureAlg::RsaSha384
                    | SignatureAlg::RsaSha512,
                KeyKind::Rsa
            ) | (SignatureAlg::EcdsaP256Sha256, KeyKind::EcP256)
                | (SignatureAlg::EcdsaP384Sha384, KeyKind::EcP384)
        )
    }

    /// Checks `sig` over `msg` with a public key (`subjectPublicKey` bits of an SPKI).
    pub(crate) fn verify(self, key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(self.ring(), key)
            .verify(msg, sig)
            .is_ok()
    }
}

/// The kind of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA.
    Rsa,
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
    /// Anything else (never verifies).
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        for a in [
            SignatureAlg::RsaSha1,
            SignatureAlg::RsaSha256,
            SignatureAlg::RsaSha384,
            SignatureAlg::RsaSha512,
            SignatureAlg::EcdsaP256Sha256,
            SignatureAlg::EcdsaP384Sha384,
        ] {
            assert_eq!(SignatureAlg::from_uri(a.uri()), Some(a));
        }
        for d in [
            DigestAlg::Sha1,
            DigestAlg::Sha256,
            DigestAlg::Sha384,
            DigestAlg::Sha512,
        ] {
            assert_eq!(DigestAlg::from_uri(d.uri()), Some(d));
        }
        assert_eq!(
            SignatureAlg::from_uri("http://www.w3.org/2000/09/xmldsig#hmac-sha1"),
            None
        );
        assert!(SignatureAlg::RsaSha1.is_weak() && DigestAlg::Sha1.is_weak());
    }
}
