//! XML signatures in pure Rust: canonicalization, verification to a strict enveloped
//! profile, signing, and `dsig.*` findings.
//!
//! ```
//! use samlcheck::{dsig, xml::XmlDoc, Limits};
//! let text = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example"/>"#;
//! let doc = XmlDoc::parse(text, &Limits::default()).unwrap();
//! let report = dsig::verify(&doc, &dsig::Trust::embedded());
//! assert!(report.signatures.is_empty());
//! assert!(report.verified_root().is_none());
//! ```
//!
//! The supported profile, trust modes and what "verified" means are in `docs/dsig.md`.

mod algorithms;
mod assess;
pub mod c14n;
mod reference;
mod sign;
mod trust;
mod verify;

pub use algorithms::{DigestAlg, KeyKind, SignatureAlg};
pub use assess::{verify_findings, Coverage, VerifyOptions};
pub use sign::{sign, SignOptions, SigningKey};
pub use trust::{CertInfo, Trust, TrustBasis};
pub use verify::{
    verify, verify_with_limits, Checked, Failure, Report, SignatureInfo, Verified, Violation,
};

use crate::finding::{Finding, Location, Rule, Severity};

/// Subsets smaller than this are hashed inline: a thread costs more than it saves.
const PARALLEL_FROM: usize = 1 << 20;

/// Canonicalizes `subset` (leaving out `excluded`) and digests the bytes as they stream;
/// large subsets are hashed on a second thread while canonicalization goes on.
pub fn digest(
    subset: c14n::Subset<'_, '_>,
    excluded: Option<roxmltree::Node<'_, '_>>,
    c14n: &c14n::C14n,
    alg: DigestAlg,
) -> Vec<u8> {
    digest_capped(subset, excluded, c14n, alg, u64::MAX)
        .map(|(d, _)| d)
        .unwrap_or_default()
}

/// [`digest`] with a cap on the canonical bytes (see [`c14n::canonicalize_capped`]), also
/// returning the work done.
pub(crate) fn digest_capped(
    subset: c14n::Subset<'_, '_>,
    excluded: Option<roxmltree::Node<'_, '_>>,
    c14n: &c14n::C14n,
    alg: DigestAlg,
    max_bytes: u64,
) -> Result<(Vec<u8>, c14n::Work), c14n::Overflow> {
    use std::sync::mpsc::sync_channel;
    let size = match subset {
        c14n::Subset::Document(d) => d.input_text().len(),
        c14n::Subset::Element(n) => n.range().len(),
    };
    let inline = |subset, excluded| {
        let mut ctx = ring::digest::Context::new(alg.ring());
        let w = c14n::canonicalize_capped(subset, excluded, c14n, max_bytes, &mut |b: &[u8]| {
            ctx.update(b)
        })?;
        Ok((ctx.finish().as_ref().to_vec(), w))
    };
    if size < PARALLEL_FROM {
        return inline(subset, excluded);
    }
    // Hashing runs on a second thread: canonicalization hands over 64 KiB buffers, which
    // come back for reuse, so memory stays bounded (at most 64 buffers, 4 MiB, in flight).
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<u8>>(64);
        let (back_tx, back_rx) = sync_channel::<Vec<u8>>(64);
        let hasher = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut ctx = ring::digest::Context::new(alg.ring());
            for buf in rx {
                ctx.update(&buf);
                let _ = back_tx.try_send(buf);
            }
            ctx.finish()
        });
        let Ok(hasher) = hasher else {
            // No thread: hash inline.
            return inline(subset, excluded);
        };
        let w = c14n::canonicalize_capped(subset, excluded, c14n, max_bytes, &mut |b: &[u8]| {
            let mut v = back_rx.try_recv().unwrap_or_default();
            v.clear();
            v.extend_from_slice(b);
            let _ = tx.send(v);
        });
        drop(tx);
        // A hasher that died yields an empty digest, which never matches.
        let d = hasher
            .join()
            .map(|d| d.as_ref().to_vec())
            .unwrap_or_default();
        w.map(|w| (d, w))
    })
}

const SRC: &str = "XML Signature Syntax and Processing Version 1.1 (W3C), Core Validation <https://www.w3.org/TR/xmldsig-core1/>; SAML 2.0 Metadata (OASIS), section 3 <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>";

pub(crate) static UNSIGNED: Rule = Rule {
    code: "dsig.unsigned",
    severity: Severity::Error,
    summary: "The document is not signed where a signature is expected",
    fix:
        "Use the signed metadata as published (download it again), or sign it with `samlcheck sign`",
    source: SRC,
};
pub(crate) static INVALID: Rule = Rule {
    code: "dsig.invalid",
    severity: Severity::Error,
    summary: "A signature does not verify (wrong key, changed SignedInfo, or no usable key)",
    fix: "Download the metadata again from its publisher; if it still fails, the file was not signed by the key it names",
    source: SRC,
};
pub(crate) static DIGEST_MISMATCH: Rule = Rule {
    code: "dsig.digest_mismatch",
    severity: Severity::Error,
    summary: "The signed content changed after signing",
    fix: "Use the file exactly as published: re-formatting (pretty-printing, line endings, editors) breaks the signature",
    source: SRC,
};
pub(crate) static PROFILE: Rule = Rule {
    code: "dsig.profile",
    severity: Severity::Error,
    summary: "A signature is outside the supported enveloped profile (wrapping guards)",
    fix: "Sign the metadata with one enveloped signature as the first child of the signed element, one Reference to it, exclusive c14n",
    source: SRC,
};
pub(crate) static WEAK_ALGORITHM: Rule = Rule {
    code: "dsig.weak_algorithm",
    severity: Severity::Warning,
    summary: "A signature uses SHA-1 (RSA-SHA1 or a SHA-1 digest)",
    fix: "Ask the publisher to sign with RSA-SHA256 and a SHA-256 digest",
    source: "RFC 9231: Additional XML Security Uniform Resource Identifiers (URIs) <https://www.rfc-editor.org/rfc/rfc9231>; NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths <https://csrc.nist.gov/pubs/sp/800/131/a/r2/final>",
};
pub(crate) static TRUST_EMBEDDED_ONLY: Rule = Rule {
    code: "dsig.trust_embedded_only",
    severity: Severity::Info,
    summary:
        "The signature verifies with the certificate embedded in it: integrity only, not who signed",
    fix: "Pin the publisher's signing certificate (--cert) or its fingerprint (--fingerprint)",
    source: SRC,
};
pub(crate) static UNTRUSTED_KEY: Rule = Rule {
    code: "dsig.untrusted_key",
    severity: Severity::Error,
    summary: "The signature verifies, but with a key that is not pinned",
    fix: "Check that the pinned certificate or fingerprint is the publisher's current signing certificate",
    source: SRC,
};

pub(crate) static COMMENT_IN_SIGNED_VALUE: Rule = Rule {
    code: "dsig.comment_in_signed_value",
    severity: Severity::Warning,
    summary: "A comment splits a text value inside signed content",
    fix: "Remove the comment: comments are not signed, and consumers that read only the text before a comment can be fooled (comment truncation, CVE-2017-11427)",
    source: "XML Signature Syntax and Processing Version 1.1 (W3C), Same-Document URI-References <https://www.w3.org/TR/xmldsig-core1/>; CVE-2017-11427 (comment truncation in SAML libraries) <https://nvd.nist.gov/vuln/detail/CVE-2017-11427>",
};

pub(crate) static RELATIVE_NAMESPACE: Rule = Rule {
    code: "dsig.relative_namespace",
    severity: Severity::Warning,
    summary: "A namespace declaration has a relative URI (xmlns:a=\"foo\"): XML canonicalization must fail on the document, so it cannot be signed and its signatures cannot be verified (whether AWS or Entra refuse it is unconfirmed)",
    fix: "Use an absolute namespace URI (with a scheme, e.g. urn:example:foo or https://example.org/ns) and sign the file again",
    source: "Canonical XML Version 1.0 (W3C), section 2.1 Data Model <https://www.w3.org/TR/2001/REC-xml-c14n-20010315#DataModel>; Exclusive XML Canonicalization Version 1.0 (W3C), section 3 <https://www.w3.org/TR/2002/REC-xml-exc-c14n-20020718/#sec-Specification>; RFC 3986: Uniform Resource Identifier (URI): Generic Syntax, section 4.2 Relative Reference <https://www.rfc-editor.org/rfc/rfc3986#section-4.2>",
};

/// The `dsig.relative_namespace` findings of a document: one on each namespace declaration
/// with a relative URI (see [`c14n::RelativeNamespace`]), signed or not (signing it would
/// be refused).
pub fn relative_namespace_findings(doc: &crate::xml::XmlDoc<'_>) -> Vec<Finding> {
    let found = c14n::relative_with_elements(doc.tree());
    if found.is_empty() {
        return Vec::new();
    }
    let offsets: Vec<usize> = found.iter().map(|(_, r)| r.offset).collect();
    let positions = verify::positions(doc.text(), &offsets);
    found
        .into_iter()
        .zip(positions)
        .map(|((node, r), pos)| {
            let path = verify::element_path(node);
            RELATIVE_NAMESPACE.at(
                None,
                Some(Location::new(pos, path)),
                format!(
                    "{r}; samlcheck sign refuses it and verify reports every signature in it as not verified, like xmlsec1"
                ),
            )
        })
        .collect()
}

/// Every `dsig.*` rule.
/// Codes of the signature rules.
pub fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code).collect()
}

pub(crate) static RULES: &[&Rule] = &[
    &UNSIGNED,
    &COMMENT_IN_SIGNED_VALUE,
    &INVALID,
    &DIGEST_MISMATCH,
    &PROFILE,
    &WEAK_ALGORITHM,
    &TRUST_EMBEDDED_ONLY,
    &UNTRUSTED_KEY,
    &RELATIVE_NAMESPACE,
    // What weakens a verdict (`verify`), nested signatures and coverage.
    &assess::NESTED_INVALID,
    &assess::CERT_EXPIRED,
    &assess::CERT_EXPIRING,
    &assess::CERT_NOT_YET_VALID,
    &assess::WEAK_KEY,
    &assess::VALID_UNTIL_PASSED,
    &assess::QNAME_UNSIGNED_PREFIX,
    &assess::ENTITY_NOT_COVERED,
];

/// The `dsig.*` findings of a report. With `expect_signed`, a document whose root element
/// is not signed gets `dsig.unsigned` (the caller decides where signatures are expected).
/// A signature inside a verified root that does not verify is `dsig.nested_invalid`
/// (warning): the root's signature covers its content.
pub fn findings(report: &Report<'_>, expect_signed: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if expect_signed && report.root_signature().is_none() {
        let n = report.signatures.iter().filter(|c| c.on_root).count();
        let msg = if n == 0 {
            format!("<{}> is not signed", report.root_name)
        } else {
            format!(
                "<{}> has {n} signatures; exactly one is expected",
                report.root_name
            )
        };
        let rule = if n == 0 { &UNSIGNED } else { &PROFILE };
        out.push(rule.at(
            None,
            Some(Location::new(
                report.root_pos,
                format!("/{}", local(&report.root_name)),
            )),
            msg,
        ));
    }
    for c in &report.signatures {
        let loc = Some(Location::new(c.pos, c.path.clone()));
        let entity = c.entity.as_deref();
        match &c.outcome {
            Ok(v) => {
                split_values(v, entity, &mut out);
                let i = v.info();
                if i.is_weak() {
                    out.push(WEAK_ALGORITHM.at(
                        entity,
                        loc.clone(),
                        format!(
                            "signature of <{}> uses {} with a {} digest",
                            i.element,
                            i.signature.name(),
                            i.digest.name()
                        ),
                    ));
                }
                if i.trust == TrustBasis::EmbeddedOnly {
                    let msg = if c.under_verified_root {
                        format!(
                            "signature of <{}> inside the verified <{}> verifies with its embedded certificate {} (SHA-256 {}), which is not pinned: integrity only; the root's signature covers this content",
                            i.element, report.root_name, i.signer.subject, i.signer.sha256
                        )
                    } else {
                        format!(
                            "signature of <{}> verifies with the embedded certificate {} (SHA-256 {}): this proves integrity only, not who signed",
                            i.element, i.signer.subject, i.signer.sha256
                        )
                    };
                    out.push(TRUST_EMBEDDED_ONLY.at(entity, loc, msg));
                }
            }
            Err(f) if c.under_verified_root => {
                out.push(assess::NESTED_INVALID.at(
                    entity,
                    loc,
                    format!(
                        "signature of <{}> inside the verified <{}>: {f}; the root's signature covers this content, so the document stays verified",
                        c.parent_name, report.root_name
                    ),
                ));
            }
            Err(f) => {
                let rule: &'static Rule = match f {
                    Failure::DigestMismatch { .. } => &DIGEST_MISMATCH,
                    Failure::UntrustedKey { .. } => &UNTRUSTED_KEY,
                    Failure::RelativeNamespace { .. } => &RELATIVE_NAMESPACE,
                    Failure::Profile(_) | Failure::LimitExceeded(_) => &PROFILE,
                    _ => &INVALID,
                };
                out.push(rule.at(
                    entity,
                    loc,
                    format!("signature of <{}>: {f}", c.parent_name),
                ));
            }
        }
    }
    out
}

/// `dsig.comment_in_signed_value` for each comment (or processing instruction) with
/// non-blank text on both sides inside the signed element.
fn split_values(v: &Verified<'_>, entity: Option<&str>, out: &mut Vec<Finding>) {
    let blank = |n: Option<roxmltree::Node<'_, '_>>| {
        n.is_none_or(|n| !n.is_text() || n.text().is_none_or(|t| t.trim().is_empty()))
    };
    // The digest walk counted comments and PIs: most signed content has none.
    if v.info().comments == 0 {
        return;
    }
    let hits: Vec<roxmltree::Node<'_, '_>> = v
        .node()
        .descendants()
        .filter(|n| {
            (n.is_comment() || n.is_pi()) && !blank(n.prev_sibling()) && !blank(n.next_sibling())
        })
        .collect();
    if hits.is_empty() {
        return;
    }
    let text = v.node().document().input_text();
    let offsets: Vec<usize> = hits.iter().map(|n| n.range().start).collect();
    for (n, pos) in hits.iter().zip(verify::positions(text, &offsets)) {
        let parent = n.parent_element();
        let name = parent.map(crate::xml::qname).unwrap_or_default();
        let path = parent.map(verify::element_path).unwrap_or_default();
        out.push(COMMENT_IN_SIGNED_VALUE.at(
            entity,
            Some(Location::new(pos, path)),
            format!("a comment splits the text of <{name}> inside the signed <{}>; the signature does not cover the comment", v.info().element),
        ));
    }
}

fn local(q: &str) -> &str {
    q.rsplit_once(':').map_or(q, |(_, l)| l)
}
