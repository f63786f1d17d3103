//! Certificates in `KeyDescriptor`s (`x509.*`).

use super::md::rule;
use super::{at_attr, at_place, day, eid, Cx};
use crate::finding::{Rule, Severity};
use crate::model::{Certificate, EntityDescriptor, KeyDescriptor, KeyUse, Role, RoleKind};
use crate::x509::{CertFacts, CertProblem, KeyFacts};
use std::collections::HashMap;

rule!(EXPIRED, "x509.expired", Error,
    "signing certificate of an IdP role expired (notAfter before the time of evaluation) and no other signing certificate of the role is valid",
    "Get the entity's current metadata or certificate; for your own IdP, create a new certificate, publish it, and re-upload the metadata to the SP",
    "RFC 5280: Internet X.509 Public Key Infrastructure Certificate and CRL Profile, section 4.1.2.5 <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>; AWS IAM Identity Center User Guide: Certificate expiration status indicators <https://docs.aws.amazon.com/singlesignon/latest/userguide/samlcertexpirationindicators.html>; AWS IAM Identity Center User Guide: Rotate a SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>");
rule!(EXPIRED_ROLLOVER, "x509.expired_rollover", Warning,
    "signing certificate expired while the same role lists another signing certificate valid at the time of evaluation (a rollover left behind)",
    "Remove the expired certificate from the metadata (and from every SP that holds a copy: IAM Identity Center, IAM); check that the IdP signs with the valid one",
    "AWS IAM Identity Center User Guide: Rotate the SAML 2.0 certificate <https://docs.aws.amazon.com/singlesignon/latest/userguide/rotatesamlcert.html>; Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>");
rule!(EXPIRED_IDP_ENCRYPTION, "x509.expired_idp_encryption", Warning,
    "encryption certificate of an IdP role expired: only an SP that encrypts messages to the IdP uses it (AWS IAM Identity Center and AWS IAM do not), so sign-in with the IdP's signing key is unaffected",
    "Publish a current encryption certificate (AD FS: token-decrypting certificate) or remove the expired KeyDescriptor use=\"encryption\"",
    "SAML 2.0 Metadata (OASIS), section 2.4.1.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; RFC 5280, section 4.1.2.5 <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>");
rule!(EXPIRED_OTHER, "x509.expired_other",  Warning,
    "certificate expired in a role web sign-in does not verify it for (an SP's signing or encryption certificate, an attribute authority, a WS-Federation application service, ...): only a peer that checks that certificate's dates for signed requests, encryption or attribute queries refuses it (unconfirmed for AWS and Entra)",
    "Publish a current certificate for that role (for an SP, download its metadata again and update the IdP's copy)",
    "SAML 2.0 Metadata (OASIS), section 2.4.1.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; SAML V2.0 Metadata Interoperability Profile 1.0 (OASIS Committee Specification 01) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.html>; RFC 5280, section 4.1.2.5 <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>");
rule!(
    NOT_YET_VALID,
    "x509.not_yet_valid",
    Warning,
    "certificate not yet valid (notBefore after the time of evaluation): a peer that checks certificate dates refuses it until then (AWS IAM documents that it does not; unconfirmed for IAM Identity Center and Entra)",
    "Check the clock of the machine that made the certificate, or wait until notBefore; during a rollover keep the current certificate listed until then",
    "RFC 5280: Internet X.509 Public Key Infrastructure Certificate and CRL Profile, section 4.1.2.5 <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>; AWS IAM User Guide: Create a SAML identity provider in IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html>"
);
rule!(EXPIRING, "x509.expiring", Warning,
    "certificate expires within --warn-days (default 30)",
    "Roll the certificate over now: publish the new one next to the old, update every peer, then remove the old",
    "Microsoft Entra: Manage certificates for federated single sign-on <https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/tutorial-manage-certificates-for-federated-single-sign-on>; AWS IAM Identity Center User Guide: Certificate expiration status indicators <https://docs.aws.amazon.com/singlesignon/latest/userguide/samlcertexpirationindicators.html>");
rule!(
    RSA_WEAK,
    "x509.rsa.weak",
    Warning,
    "RSA key shorter than 2,048 bits",
    "Replace the key with an RSA key of at least 2,048 bits (or EC P-256)",
    "NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths <https://csrc.nist.gov/pubs/sp/800/131/a/r2/final>; AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>"
);
rule!(
    RSA_TOO_SMALL,
    "x509.rsa.too_small",
    Error,
    "RSA key shorter than 1,024 bits (AWS IAM refuses the metadata)",
    "Replace the key with an RSA key of at least 2,048 bits",
    "AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>"
);
rule!(
    RSA_EXPONENT,
    "x509.rsa.exponent",
    Warning,
    "RSA public exponent is not 65537",
    "Generate the key with the usual public exponent 65537",
    "NIST SP 800-56B Rev. 2: Recommendation for Pair-Wise Key-Establishment Using Integer Factorization Cryptography, section 6.2.1 <https://csrc.nist.gov/pubs/sp/800/56/b/r2/final>; RFC 8017: PKCS #1: RSA Cryptography Specifications Version 2.2 <https://www.rfc-editor.org/rfc/rfc8017>"
);
rule!(
    RSA_EXPONENT_INVALID,
    "x509.rsa.exponent_invalid",
    Error,
    "RSA public exponent is even or 1: not a usable RSA key",
    "Generate a new key (public exponent 65537)",
    "RFC 8017: PKCS #1: RSA Cryptography Specifications Version 2.2, section 3.1 <https://www.rfc-editor.org/rfc/rfc8017#section-3.1>"
);
rule!(
    WEAK_SIGNATURE,
    "x509.weak_signature",
    Info,
    "certificate signed with MD5 or SHA-1 (a peer that takes the key from metadata does not check the certificate's own signature)",
    "Re-issue the certificate with a SHA-256 signature (sha256WithRSAEncryption)",
    "CA/Browser Forum Baseline Requirements for TLS Server Certificates, section 7.1.3 <https://cabforum.org/working-groups/server/baseline-requirements/requirements/>; RFC 6151: Updated Security Considerations for the MD5 Message-Digest and the HMAC-MD5 Algorithms <https://www.rfc-editor.org/rfc/rfc6151>; SAML V2.0 Metadata Interoperability Profile (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.pdf>"
);
rule!(
    EXTENSIONS_DUPLICATE,
    "x509.extensions.duplicate",
    Error,
    "certificate repeats an extension (AWS IAM refuses such metadata)",
    "Re-issue the certificate without repeated extensions",
    "RFC 5280: Internet X.509 Public Key Infrastructure Certificate and CRL Profile, section 4.2 <https://www.rfc-editor.org/rfc/rfc5280#section-4.2>; AWS IAM User Guide: Troubleshoot SAML federation with IAM <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>"
);
rule!(
    ROCA,
    "x509.roca",
    Error,
    "RSA modulus has the ROCA fingerprint (CVE-2017-15361): the private key can be computed",
    "Replace the key at once with one generated by an unaffected library and revoke the old",
    "CVE-2017-15361 (ROCA) <https://nvd.nist.gov/vuln/detail/CVE-2017-15361>; The Return of Coppersmith's Attack (Nemec et al., CCS 2017) <https://crocs.fi.muni.cz/public/papers/rsa_ccs17>"
);
rule!(
    PUBLIC_KEY_ONLY,
    "x509.public_key_only",
    Error,
    "X509Certificate holds a bare public key, not a certificate",
    "Put the whole X.509 certificate (base64 DER, as in a PEM body) into X509Certificate",
    "XML Signature Syntax and Processing Version 1.1 (W3C), The X509Data Element <https://www.w3.org/TR/xmldsig-core1/>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>"
);
rule!(
    UNPARSEABLE,
    "x509.unparseable",
    Error,
    "X509Certificate is base64 but not a DER X.509 certificate",
    "Paste the certificate again from its source (base64 DER, the PEM body without header lines)",
    "XML Signature Syntax and Processing Version 1.1 (W3C), The X509Data Element <https://www.w3.org/TR/xmldsig-core1/>"
);
rule!(
    BASE64,
    "x509.base64",
    Error,
    "X509Certificate is not valid base64",
    "Paste the certificate again; only base64 characters and white space belong in it",
    "XML Signature Syntax and Processing Version 1.1 (W3C), The X509Data Element <https://www.w3.org/TR/xmldsig-core1/>; XML Schema Part 2: Datatypes (W3C), base64Binary <https://www.w3.org/TR/xmlschema-2/#base64Binary>"
);
rule!(
    KEY_REUSED,
    "x509.key.reused",
    Info,
    "the same public key appears under use=\"signing\" and use=\"encryption\" in one role",
    "Use separate keys for signing and encryption, or one KeyDescriptor without use",
    "SAML 2.0 Metadata (OASIS), section 2.4.1.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>; NIST SP 800-57 Part 1 Rev. 5: Recommendation for Key Management, section 5.2 <https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final>"
);
rule!(
    USE_INVALID,
    "x509.use.invalid",
    Error,
    "KeyDescriptor use is neither \"signing\" nor \"encryption\"",
    "Set use=\"signing\" or use=\"encryption\", or remove use (meaning both)",
    "SAML 2.0 Metadata (OASIS), section 2.4.1.1 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>"
);
rule!(NO_CERTIFICATE, "x509.no_certificate", Warning,
    "KeyDescriptor without an X509Certificate (only KeyName or KeyValue)",
    "Add ds:X509Data/ds:X509Certificate with the key's certificate; AWS and Entra read only certificates",
    "AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>; SAML V2.0 Metadata Interoperability Profile (OASIS) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.pdf>");

/// The certificates of one entity, each distinct one checked once.
pub(super) fn entity(cx: &mut Cx<'_>, e: &EntityDescriptor) {
    let ent = eid(e);
    let mut seen: HashMap<&str, ()> = HashMap::new();
    // How often each certificate appears in the entity (Entra lists one in three places).
    let mut count: HashMap<&str, usize> = HashMap::new();
    for c in e
        .roles
        .iter()
        .flat_map(|r| r.keys.iter())
        .flat_map(|k| k.certificates.iter())
    {
        if let Ok(f) = &c.facts {
            *count.entry(f.sha256_fingerprint.as_str()).or_default() += 1;
        }
    }
    // The IdP role first, so a certificate listed in several roles is reported there.
    let mut roles: Vec<&Role> = e.roles.iter().collect();
    roles.sort_by_key(|r| r.kind != RoleKind::IdpSso);
    for r in roles {
        // A valid signing certificate in the role turns an expired one into a rollover
        // left behind: signatures made with the valid one still verify.
        let valid_signing: Option<&CertFacts> = r
            .keys
            .iter()
            .filter(|k| k.usage.signing())
            .flat_map(|k| k.certificates.iter())
            .filter_map(|c| c.facts.as_ref().ok())
            .find(|f| f.not_before <= cx.opts.at && cx.opts.at <= f.not_after);
        let mut spki_uses: HashMap<&str, (bool, bool)> = HashMap::new();
        for k in &r.keys {
            key(cx, ent, r, k);
            for c in &k.certificates {
                if let Ok(f) = &c.facts {
                    let u = spki_uses.entry(f.spki_sha256.as_str()).or_default();
                    u.0 |= k.usage == KeyUse::Signing;
                    u.1 |= k.usage == KeyUse::Encryption;
                    if seen.insert(f.sha256_fingerprint.as_str(), ()).is_some() {
                        continue;
                    }
                    let n = count
                        .get(f.sha256_fingerprint.as_str())
                        .copied()
                        .unwrap_or(1);
                    cert(cx, ent, r, k, c, f, n, valid_signing);
                } else {
                    problem(cx, ent, c);
                }
            }
        }
        for (spki, (s, enc)) in spki_uses {
            if s && enc {
                cx.push(KEY_REUSED.at(
                    ent,
                    at_place(&r.place),
                    format!(
                        "{} lists the key with SPKI SHA-256 {} under both use=\"signing\" and use=\"encryption\"",
                        r.kind.label(),
                        short(spki)
                    ),
                ));
            }
        }
    }
}

fn rfc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn short(hex: &str) -> String {
    hex.get(..16)
        .map_or_else(|| hex.to_string(), |s| format!("{s}…"))
}

fn key(cx: &mut Cx<'_>, ent: Option<&str>, r: &Role, k: &KeyDescriptor) {
    if k.usage == KeyUse::Invalid {
        if let Some(a) = &k.use_attr {
            cx.push(USE_INVALID.at(
                ent,
                at_attr(a, &k.place),
                format!(
                    "KeyDescriptor use {} at {} of {} is neither \"signing\" nor \"encryption\"",
                    super::q(&a.value),
                    k.place.path,
                    r.kind.label()
                ),
            ));
        }
    }
    if k.certificates.is_empty() {
        let what = if k.has_key_value {
            "a bare KeyValue"
        } else if !k.key_names.is_empty() {
            "only a KeyName"
        } else {
            "no key material"
        };
        cx.push(NO_CERTIFICATE.at(
            ent,
            at_place(&k.place),
            format!(
                "KeyDescriptor at {} of {} has no X509Certificate ({what})",
                k.place.path,
                r.kind.label()
            ),
        ));
    }
}

fn problem(cx: &mut Cx<'_>, ent: Option<&str>, c: &Certificate) {
    let loc = Some(crate::Location::new(c.text.pos, c.text.path.clone()));
    let f = match &c.facts {
        Ok(_) => return,
        Err(CertProblem::Base64(e)) => BASE64.at(
            ent,
            loc,
            format!(
                "X509Certificate at {} is not valid base64: {e}",
                c.text.path
            ),
        ),
        Err(CertProblem::PublicKeyOnly) => PUBLIC_KEY_ONLY.at(
            ent,
            loc,
            format!(
                "X509Certificate at {} holds a bare SubjectPublicKeyInfo, not a certificate",
                c.text.path
            ),
        ),
        // "LS0tLS1CRUdJTi" is base64 of "-----BEGIN": a whole PEM file encoded once more.
        Err(CertProblem::Der(_)) if c.text.value.trim_start().starts_with("LS0tLS1CRUdJTi") => {
            UNPARSEABLE
                .at(
                    ent,
                    loc,
                    format!(
                        "X509Certificate at {} holds a base64-encoded PEM file (-----BEGIN ...), not the base64 of a DER certificate",
                        c.text.path
                    ),
                )
                .with_hint("Put only the base64 lines between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- into X509Certificate")
        }
        Err(CertProblem::Der(e)) => UNPARSEABLE.at(
            ent,
            loc,
            format!("X509Certificate at {} does not parse: {e}", c.text.path),
        ),
    };
    cx.push(f);
}

fn usage(k: &KeyDescriptor) -> &'static str {
    match k.usage {
        KeyUse::Signing => "signing",
        KeyUse::Encryption => "encryption",
        KeyUse::Both => "signing/encryption",
        KeyUse::Invalid => "key",
    }
}

/// `CN=..., SHA-1 thumbprint ...` for messages.
pub(crate) fn describe(f: &CertFacts) -> String {
    format!("{} (SHA-1 thumbprint {})", f.subject, f.sha1_thumbprint)
}

/// Whether web sign-in verifies this key: the signing key of an IdP role (SAML 2.0 or
/// WS-Federation security token service). Other keys (an SP's, an attribute authority's,
/// encryption keys) are used by peers only for requests, encryption or queries.
fn signs_sign_in(r: &Role, k: &KeyDescriptor) -> bool {
    matches!(
        r.kind,
        RoleKind::IdpSso | RoleKind::WsFedSecurityTokenService
    ) && k.usage.signing()
}

#[allow(clippy::too_many_arguments)]
fn cert(
    cx: &mut Cx<'_>,
    ent: Option<&str>,
    r: &Role,
    k: &KeyDescriptor,
    c: &Certificate,
    f: &CertFacts,
    n: usize,
    valid_signing: Option<&CertFacts>,
) {
    let loc = || Some(crate::Location::new(c.text.pos, c.text.path.clone()));
    let at = cx.opts.at;
    let what = format!(
        "{} certificate {} in {}",
        usage(k),
        describe(f),
        r.kind.label()
    );
    let also = if n > 1 {
        format!(" (listed {n} times in the entity)")
    } else {
        String::new()
    };
    let idp_signing = r.kind == RoleKind::IdpSso && k.usage.signing();
    if let (true, true, Some(v)) = (f.not_after < at, k.usage.signing(), valid_signing) {
        cx.push(EXPIRED_ROLLOVER.at(
            ent,
            loc(),
            format!(
                "{what} expired on {} (notAfter {}), {} days before {}{also}; the role also lists signing certificate {}, valid until {}",
                day(f.not_after),
                rfc(f.not_after),
                (at - f.not_after).num_days(),
                day(at),
                describe(v),
                day(v.not_after)
            ),
        ));
    } else if f.not_after < at {
        // Which expiry rule: the IdP's encryption key, a key web sign-in does not verify,
        // or the IdP's signing key with no valid one beside it.
        let rule = if r.kind == RoleKind::IdpSso && k.usage == KeyUse::Encryption {
            &EXPIRED_IDP_ENCRYPTION
        } else if !signs_sign_in(r, k) {
            &EXPIRED_OTHER
        } else {
            &EXPIRED
        };
        cx.push(rule.at(
            ent,
            loc(),
            format!(
                "{what} expired on {} (notAfter {}), {} days before {}{also}",
                day(f.not_after),
                rfc(f.not_after),
                (at - f.not_after).num_days(),
                day(at)
            ),
        ));
    } else if f.not_before > at {
        cx.push(NOT_YET_VALID.at(
            ent,
            loc(),
            format!(
                "{what} is valid only from {} (notBefore {}){also}",
                day(f.not_before),
                rfc(f.not_before)
            ),
        ));
    } else {
        let left = f.days_left(at);
        if left <= cx.opts.warn_days {
            let ic = if idp_signing {
                format!(
                    "; IAM Identity Center shows IdP certificates yellow from {} days before expiry",
                    cx.opts.ic_yellow_days
                )
            } else {
                String::new()
            };
            cx.push(EXPIRING.at(
                ent,
                loc(),
                format!(
                    "{what} expires on {} (notAfter {}), in {left} days{ic}{also}",
                    day(f.not_after),
                    rfc(f.not_after)
                ),
            ));
        } else if idp_signing && left <= cx.opts.ic_yellow_days {
            cx.push(super::aws::IC_IDP_CERT_YELLOW.at(
                ent,
                loc(),
                format!(
                    "{what} expires on {}, in {left} days: IAM Identity Center shows it yellow (90 days or less){also}",
                    day(f.not_after)
                ),
            ));
        }
    }
    if let KeyFacts::Rsa {
        bits,
        exponent,
        exponent_even,
        roca,
    } = &f.key
    {
        if *bits < 1024 {
            cx.push(RSA_TOO_SMALL.at(
                ent,
                loc(),
                format!("{what} has a {bits}-bit RSA key; AWS IAM refuses keys under 1,024 bits"),
            ));
        } else if *bits < 2048 {
            cx.push(RSA_WEAK.at(
                ent,
                loc(),
                format!("{what} has a {bits}-bit RSA key (under 2,048 bits)"),
            ));
        }
        let e_text = exponent.map_or_else(|| "(more than 64 bits)".to_string(), |x| x.to_string());
        if *exponent_even || *exponent == Some(1) {
            cx.push(RSA_EXPONENT_INVALID.at(
                ent,
                loc(),
                format!("{what} has RSA public exponent {e_text}, which cannot work"),
            ));
        } else if *exponent != Some(65537) {
            cx.push(RSA_EXPONENT.at(
                ent,
                loc(),
                format!("{what} has RSA public exponent {e_text}, not 65537"),
            ));
        }
        if *roca {
            cx.push(ROCA.at(
                ent,
                loc(),
                format!("{what} has an RSA modulus with the ROCA (CVE-2017-15361) fingerprint"),
            ));
        }
    }
    if let Some(h) = f.weak_signature_hash {
        cx.push(WEAK_SIGNATURE.at(
            ent,
            loc(),
            format!("{what} is signed with {} ({h})", f.signature_algorithm),
        ));
    }
    if !f.duplicate_extensions.is_empty() {
        cx.push(EXTENSIONS_DUPLICATE.at(
            ent,
            loc(),
            format!(
                "{what} repeats the extension(s) {}; AWS IAM answers \"Could not parse metadata\"",
                f.duplicate_extensions.join(", ")
            ),
        ));
    }
}
