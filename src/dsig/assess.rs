//! What weakens a verdict: the warnings of `samlcheck verify` beyond "verified or not", and
//! which entities a verified signature covers.
//!
//! A signature that verifies proves that the signed bytes are unchanged; these findings say
//! where that proof is weaker than it looks: a signer certificate out of date, a small key,
//! a document past its own `validUntil`, QName values whose prefix binding the digest does
//! not cover (exclusive c14n), entity signatures inside a verified aggregate that do not
//! verify. None of them changes the verdict ([`Report::is_verified`]).

use super::trust::{CertInfo, Trust};
use super::verify::{element_path, positions, Report, Verified};
use super::KeyKind;
use crate::finding::{sort_findings, Finding, Location, Rule, Severity};
use crate::model::EntityDescriptor;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The XML Schema namespace (`xs:QName`).
const XS: &str = "http://www.w3.org/2001/XMLSchema";

const SAML_MD_SIGNATURES: &str = "SAML 2.0 Metadata (OASIS), section 3 Signature Processing (an element inherits the signature of a signed enclosing element) <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>";
const MD_IOP: &str = "SAML V2.0 Metadata Interoperability Profile 1.0 (OASIS Committee Specification 01) (keys are trusted as keys, certificate dates are not part of verification) <https://docs.oasis-open.org/security/saml/Post2.0/sstc-metadata-iop-cs-01.html>; RFC 5280, section 4.1.2.5 Validity <https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5>";

pub(crate) static NESTED_INVALID: Rule = Rule {
    code: "dsig.nested_invalid",
    severity: Severity::Warning,
    summary: "A signature inside an element whose own signature verified does not verify (the enclosing signature covers that content, so the document stays verified)",
    fix: "Ask the publisher to re-sign or drop the inner signature; trust the entity through the enclosing (aggregate) signature",
    source: SAML_MD_SIGNATURES,
};
pub(crate) static CERT_EXPIRED: Rule = Rule {
    code: "dsig.cert.expired",
    severity: Severity::Warning,
    summary: "A signing or pinned certificate has expired at --at (the key still verifies; the publisher has not rolled it over)",
    fix: "Ask the publisher for its current signing certificate and pin that one (--cert / --fingerprint)",
    source: MD_IOP,
};
pub(crate) static CERT_EXPIRING: Rule = Rule {
    code: "dsig.cert.expiring",
    severity: Severity::Warning,
    summary: "A signing or pinned certificate expires within --warn-days of --at",
    fix: "Get the publisher's next signing certificate now and pin both until the rollover is done",
    source: MD_IOP,
};
pub(crate) static CERT_NOT_YET_VALID: Rule = Rule {
    code: "dsig.cert.not_yet_valid",
    severity: Severity::Warning,
    summary: "A signing or pinned certificate is not valid yet at --at",
    fix: "Check the clock (--at) and the certificate: a key published before its validity starts is unusual",
    source: MD_IOP,
};
pub(crate) static WEAK_KEY: Rule = Rule {
    code: "dsig.cert.weak_key",
    severity: Severity::Warning,
    summary: "A signature verifies with an RSA key shorter than 2048 bits (or such a key is pinned)",
    fix: "Ask the publisher to sign with an RSA key of 2048 bits or more (or ECDSA P-256)",
    source: "NIST SP 800-131A Rev. 2, section 3 Digital Signatures (RSA keys below 2048 bits are disallowed for signing) <https://csrc.nist.gov/pubs/sp/800/131/a/r2/final>",
};
pub(crate) static VALID_UNTIL_PASSED: Rule = Rule {
    code: "dsig.valid_until_passed",
    severity: Severity::Warning,
    summary: "The verified element's validUntil has passed at --at: the signature verifies, but the publisher says this copy must no longer be used",
    fix: "Fetch the current metadata from its publisher; a stale signed copy can carry retired or compromised keys",
    source: "SAML 2.0 Metadata (OASIS), sections 2.3.1 and 2.3.2 (validUntil) <https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf>",
};
pub(crate) static QNAME_UNSIGNED_PREFIX: Rule = Rule {
    code: "dsig.qname_unsigned_prefix",
    severity: Severity::Warning,
    summary: "A QName value (xsi:type=\"prefix:Type\", or the text of an xs:QName value) inside content signed with exclusive c14n uses a prefix whose namespace declaration the digest does not cover: it can be rebound without breaking the signature",
    fix: "Sign with the prefix in the exclusive c14n InclusiveNamespaces PrefixList (or with inclusive c14n); consumers should not trust the type of such elements",
    source: "W3C Exclusive XML Canonicalization 1.0, section 1.3 Limitations (QNames in content) <https://www.w3.org/TR/xml-exc-c14n/>; RFC 3741, section 1.3 Limitations <https://www.rfc-editor.org/rfc/rfc3741#section-1.3>",
};
pub(crate) static ENTITY_NOT_COVERED: Rule = Rule {
    code: "dsig.entity_not_covered",
    severity: Severity::Warning,
    summary: "The chosen entity is not covered by any signature that verifies, although the file is signed: its content is not authenticated",
    fix: "Use the entity from a copy whose signature verifies (download it again), or check the entity's data with its publisher by other means",
    source: SAML_MD_SIGNATURES,
};

/// Options of [`verify_findings`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// The instant certificate dates and `validUntil` are judged at.
    pub at: DateTime<Utc>,
    /// A signing or pinned certificate expiring within this many days is reported
    /// (`dsig.cert.expiring`); default 30.
    pub warn_days: i64,
}

impl VerifyOptions {
    /// Defaults at an instant (the library never reads the clock).
    pub fn at(at: DateTime<Utc>) -> VerifyOptions {
        VerifyOptions { at, warn_days: 30 }
    }
}

/// Every finding of `samlcheck verify`: [`findings`](super::findings) (the document is
/// expected to be signed) plus what weakens the verdict: signing and pinned certificates
/// expired, expiring within `opts.warn_days` or not yet valid, RSA keys under 2048 bits, a
/// passed `validUntil` on a verified element, and QName values whose prefix binding an
/// exclusive-c14n digest does not cover. Sorted; linear in the size of the signed content.
pub fn verify_findings(report: &Report<'_>, trust: &Trust, opts: &VerifyOptions) -> Vec<Finding> {
    let mut out = super::findings(report, true);
    // Certificates: each signer once (by SHA-256), then pinned certificates no signature used.
    let mut seen: Vec<&str> = Vec::new();
    for c in &report.signatures {
        let Ok(v) = &c.outcome else { continue };
        let signer = &v.info().signer;
        if seen.contains(&signer.sha256.as_str()) {
            continue;
        }
        seen.push(&signer.sha256);
        let loc = Some(Location::new(c.pos, c.path.clone()));
        cert_findings(
            signer,
            &format!("the certificate that signed <{}>", v.info().element),
            c.entity.as_deref(),
            loc,
            opts,
            &mut out,
        );
    }
    for pin in trust.pinned_certs() {
        if seen.contains(&pin.sha256.as_str()) {
            continue;
        }
        seen.push(&pin.sha256);
        cert_findings(pin, "the pinned certificate", None, None, opts, &mut out);
    }
    let mut pending = Vec::new();
    for c in &report.signatures {
        let Ok(v) = &c.outcome else { continue };
        valid_until(v, c, opts, &mut out);
        qnames(v, &mut pending);
    }
    if !pending.is_empty() {
        pending.sort_by_key(|p| p.offset);
        let text = report
            .signatures
            .first()
            .map_or("", |c| c.signature.document().input_text());
        let offsets: Vec<usize> = pending.iter().map(|p| p.offset).collect();
        for (p, pos) in pending.into_iter().zip(positions(text, &offsets)) {
            out.push(QNAME_UNSIGNED_PREFIX.at(
                p.entity.as_deref(),
                Some(Location::new(pos, p.path)),
                p.message,
            ));
        }
    }
    sort_findings(&mut out);
    out
}

fn cert_findings(
    c: &CertInfo,
    what: &str,
    entity: Option<&str>,
    loc: Option<Location>,
    opts: &VerifyOptions,
    out: &mut Vec<Finding>,
) {
    let who = format!("{what}, {} (SHA-1 {})", c.subject, c.sha1);
    let days = c.days_left(opts.at);
    if c.not_before > opts.at {
        out.push(CERT_NOT_YET_VALID.at(
            entity,
            loc.clone(),
            format!(
                "{who}, is not valid before {}",
                c.not_before.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    } else if c.not_after < opts.at {
        out.push(CERT_EXPIRED.at(
            entity,
            loc.clone(),
            format!(
                "{who}, expired on {} ({} days before --at); the signature still verifies with its key",
                c.not_after.format("%Y-%m-%d"),
                -days
            ),
        ));
    } else if days <= opts.warn_days {
        out.push(CERT_EXPIRING.at(
            entity,
            loc.clone(),
            format!(
                "{who}, expires on {} ({days} days left)",
                c.not_after.format("%Y-%m-%d")
            ),
        ));
    }
    if c.key_kind == KeyKind::Rsa && c.key_bits > 0 && c.key_bits < 2048 {
        out.push(WEAK_KEY.at(
            entity,
            loc,
            format!("{who}, has an RSA key of {} bits", c.key_bits),
        ));
    }
}

fn valid_until(
    v: &Verified<'_>,
    c: &super::Checked<'_>,
    opts: &VerifyOptions,
    out: &mut Vec<Finding>,
) {
    let Some(raw) = v.node().attribute("validUntil") else {
        return;
    };
    let Some(t) = crate::time::parse_datetime(raw) else {
        return;
    };
    if t < opts.at {
        out.push(VALID_UNTIL_PASSED.at(
            c.entity.as_deref(),
            Some(Location::new(c.pos, c.path.clone())),
            format!(
                "the verified <{}> has validUntil {} ({} days before --at)",
                v.info().element,
                t.format("%Y-%m-%dT%H:%M:%SZ"),
                (opts.at - t).num_days()
            ),
        ));
    }
}

/// A QName finding waiting for its position.
struct Pending {
    offset: usize,
    path: String,
    entity: Option<String>,
    message: String,
}

/// The prefix an element was written with (`""` for none), read from the source text.
fn element_prefix<'a>(n: roxmltree::Node<'_, 'a>) -> &'a str {
    let text = n.document().input_text();
    let rest = text.get(n.range().start.saturating_add(1)..).unwrap_or("");
    let end = rest
        .bytes()
        .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
        .unwrap_or(rest.len());
    let name = rest.get(..end).unwrap_or("");
    name.split_once(':').map_or("", |(p, _)| p)
}

/// Whether exclusive c14n renders the binding of `prefix` on `e` (or above it in the
/// output): the prefix is visibly utilized by `e` itself.
fn visibly_utilized(e: roxmltree::Node<'_, '_>, prefix: &str) -> bool {
    if element_prefix(e) == prefix {
        return true;
    }
    if prefix.is_empty() {
        // Attributes never use the default namespace.
        return false;
    }
    let text = e.document().input_text();
    e.attributes().any(|a| {
        text.get(a.range_qname())
            .and_then(|q| q.split_once(':'))
            .is_some_and(|(p, _)| p == prefix)
    })
}

/// `dsig.qname_unsigned_prefix`: one finding per signature and prefix, at its first use.
fn qnames(v: &Verified<'_>, pending: &mut Vec<Pending>) {
    let i = v.info();
    if !i.exclusive {
        // Inclusive c14n renders every namespace in scope: a rebinding changes the digest.
        return;
    }
    // prefix -> (index in `found`, count)
    let mut by_prefix: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut found: Vec<(roxmltree::Node<'_, '_>, &str, String)> = Vec::new();
    for e in v.node().descendants().filter(roxmltree::Node::is_element) {
        let Some(ty) = e.attribute((crate::xml::ns::XSI, "type")) else {
            continue;
        };
        let ty = ty.trim();
        let ty_prefix = ty.split_once(':').map_or("", |(p, _)| p);
        let ty_local = ty.rsplit_once(':').map_or(ty, |(_, l)| l);
        let mut uses = vec![(ty_prefix, format!("xsi:type={ty:?}"))];
        // An `xs:QName` value holds a QName in its text too.
        if ty_local == "QName"
            && e.lookup_namespace_uri(Some(ty_prefix).filter(|p| !p.is_empty())) == Some(XS)
        {
            if let Some(t) = e.text().map(str::trim).filter(|t| t.contains(':')) {
                let p = t.split_once(':').map_or("", |(p, _)| p);
                uses.push((p, format!("the xs:QName text {t:?}")));
            }
        }
        for (prefix, what) in uses {
            if prefix == "xml"
                || i.inclusive_prefixes.iter().any(|p| p == prefix)
                || visibly_utilized(e, prefix)
            {
                continue;
            }
            if !prefix.is_empty() && e.lookup_namespace_uri(Some(prefix)).is_none() {
                // An unbound prefix: the value names nothing, there is nothing to rebind.
                continue;
            }
            match by_prefix.get_mut(prefix) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => {
                    by_prefix.insert(prefix, (found.len(), 1));
                    found.push((e, prefix, what));
                }
            }
        }
    }
    for (e, prefix, value) in found {
        let count = by_prefix.get(prefix).map_or(1, |(_, n)| *n);
        let shown = if prefix.is_empty() {
            "the default namespace".to_string()
        } else {
            format!("prefix {prefix:?}")
        };
        let more = if count > 1 {
            format!(" (and {} more use(s) in this signed element)", count - 1)
        } else {
            String::new()
        };
        pending.push(Pending {
            offset: e.range().start,
            path: element_path(e),
            entity: i.entity.clone(),
            message: format!(
                "{} on <{}> inside the signed <{}> relies on {shown}, whose declaration exclusive c14n leaves out of the digest (the prefix is not used in an element or attribute name there, nor listed in InclusiveNamespaces){more}: it can be rebound to another namespace without breaking the signature",
                value,
                crate::xml::qname(e),
                i.element
            ),
        });
    }
}

/// Which parts of a document verified signatures cover: for the pair check, to say when the
/// chosen entity is not authenticated although the file is signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Coverage {
    signatures: usize,
    verified: Vec<std::ops::Range<usize>>,
    limit: Option<crate::Error>,
}

impl Coverage {
    /// The coverage of a verification report (any trust basis counts as verified).
    pub fn of(report: &Report<'_>) -> Coverage {
        Coverage {
            signatures: report.signatures.len(),
            verified: report
                .signatures
                .iter()
                .filter_map(|c| c.outcome.as_ref().ok())
                .map(|v| v.node().range())
                .collect(),
            limit: report.limit_exceeded().cloned(),
        }
    }

    /// The limit that stopped verification, if one did (see
    /// [`Report::limit_exceeded`]): the document could not be checked within the limits.
    pub fn limit_exceeded(&self) -> Option<&crate::Error> {
        self.limit.as_ref()
    }

    /// Whether the document has any `ds:Signature`.
    pub fn is_signed(&self) -> bool {
        self.signatures > 0
    }

    /// Whether a verified signature's element encloses (or is) the element with this byte
    /// range.
    pub fn covers(&self, range: &std::ops::Range<usize>) -> bool {
        self.verified
            .iter()
            .any(|v| v.start <= range.start && range.end <= v.end)
    }

    /// `dsig.entity_not_covered` for `entity` when the document is signed but no verified
    /// signature covers it (cost: one comparison per verified signature).
    pub fn check(&self, entity: &EntityDescriptor) -> Option<Finding> {
        if !self.is_signed() || self.covers(&entity.place.range) {
            return None;
        }
        let id = entity.entity_id();
        Some(ENTITY_NOT_COVERED.at(
            Some(id),
            Some(Location::new(entity.place.pos, entity.place.path.clone())),
            format!(
                "no verified signature covers the entity {:?}: the file has {} signature(s), {} of them verified, none enclosing this entity; its endpoints and certificates are not authenticated by the file",
                id,
                self.signatures,
                self.verified.len()
            ),
        ))
    }
}
