//! The rule catalogue run on one metadata document: [`lint`].
//!
//! Every entity of every group is checked by rules grouped by topic: structure and values
//! (`md.*`), certificates (`x509.*`), AWS IAM Identity Center and IAM (`aws.*`), Microsoft
//! Entra ID (`entra.*`) and ADFS (`adfs.*`). Signature verification is not done here (the
//! `dsig.*` rules belong to signature checking); only the presence of a signature is read.
//!
//! Rules whose fact matters only when the metadata is uploaded to AWS (the IAM and Identity
//! Center upload limits) apply to every IdP entity, since any IdP's metadata may be uploaded
//! there; they report at `warning` when AWS refuses such a file and at `info` when AWS merely
//! ignores or does not support a part of it.
//!
//! The function is pure (the instant of evaluation is [`LintOptions::at`]) and linear in the
//! size of the model.
//!
//! ```
//! use samlcheck::lint::{lint, LintOptions};
//! use samlcheck::chrono::{DateTime, Utc};
//! let at: DateTime<Utc> = "2026-12-01T00:00:00Z".parse()?;
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/entra-idp.xml")?,
//!     &samlcheck::Limits::default(),
//! )?;
//! for f in lint(&md, &LintOptions::at(at)) {
//!     // Every finding's code is in the catalogue, at the catalogue's severity.
//!     assert_eq!(samlcheck::catalog::rule(f.code).map(|r| r.severity), Some(f.severity));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adfs;
mod aws;
mod entra;
mod md;
mod text;
mod x509;

pub use text::is_hidden_char;

use crate::finding::{sort_findings, Finding, Location, Rule};
use crate::model::{Attr, EntityDescriptor, Metadata, Place};
use chrono::{DateTime, Utc};

/// Options of [`lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintOptions {
    /// The instant every time-dependent rule is evaluated at.
    pub at: DateTime<Utc>,
    /// A certificate expiring within this many days is reported (`x509.expiring`); default 30.
    pub warn_days: i64,
    /// A `validUntil` further ahead than this many days is implausible
    /// (`md.valid_until.far_future`); default 366.
    pub far_future_days: i64,
    /// IAM Identity Center shows an IdP certificate yellow from this many days before it
    /// expires (`aws.ic.idp.cert_yellow`); default 90.
    pub ic_yellow_days: i64,
    /// Codes not to report (exact codes).
    pub disabled: Vec<String>,
    /// When not empty, report only these codes.
    pub only: Vec<String>,
}

impl LintOptions {
    /// Default options evaluated at `at`.
    pub fn at(at: DateTime<Utc>) -> LintOptions {
        LintOptions {
            at,
            ..LintOptions::default()
        }
    }

    /// Whether a finding with this code is reported under `only` and `disabled`.
    pub fn wants(&self, code: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|c| c == code))
            && !self.disabled.iter().any(|c| c == code)
    }
}

impl Default for LintOptions {
    /// Thresholds at their defaults; `at` is the Unix epoch, so set it (the library never
    /// reads the clock), usually through [`LintOptions::at`].
    fn default() -> Self {
        LintOptions {
            at: DateTime::<Utc>::UNIX_EPOCH,
            warn_days: 30,
            far_future_days: 366,
            ic_yellow_days: 90,
            disabled: Vec::new(),
            only: Vec::new(),
        }
    }
}

/// Every rule this module can report.
pub(crate) static RULES: &[&Rule] = &[
    &md::ENTITY_ID_MISSING,
    &md::ENTITY_ID_NOT_ABSOLUTE,
    &md::ENTITY_ID_TOO_LONG,
    &md::ENTITY_ID_DUPLICATE,
    &md::IDS_DUPLICATE,
    &md::PROTOCOLS_MISSING,
    &md::PROTOCOLS_NO_SAML2,
    &md::ENDPOINT_BINDING_MISSING,
    &md::ENDPOINT_BINDING_UNKNOWN,
    &md::ENDPOINT_LOCATION_MISSING,
    &md::ENDPOINT_LOCATION_NOT_ABSOLUTE,
    &md::ENDPOINT_LOCATION_NOT_ABSOLUTE_OTHER,
    &md::ENDPOINT_LOCATION_HTTP,
    &md::ENDPOINT_LOCATION_WHITESPACE,
    &md::ENDPOINT_INDEX_MISSING,
    &md::ENDPOINT_INDEX_INVALID,
    &md::ENDPOINT_INDEX_DUPLICATE,
    &md::ENDPOINT_DEFAULT_MULTIPLE,
    &md::IDP_SSO_MISSING,
    &md::SP_ACS_MISSING,
    &md::ENTITY_NO_ROLE,
    &md::VALID_UNTIL_EXPIRED,
    &md::VALID_UNTIL_FAR_FUTURE,
    &md::VALID_UNTIL_INVALID,
    &md::CACHE_DURATION_INVALID,
    &md::NAMEID_FORMAT_EMPTY,
    &md::ROLE_NO_SIGNING_KEY,
    &md::SPLIT_VALUE,
    &md::AGGREGATE_UNSIGNED,
    &x509::EXPIRED,
    &x509::EXPIRED_ROLLOVER,
    &x509::EXPIRED_IDP_ENCRYPTION,
    &x509::EXPIRED_OTHER,
    &x509::NOT_YET_VALID,
    &x509::EXPIRING,
    &x509::RSA_WEAK,
    &x509::RSA_TOO_SMALL,
    &x509::RSA_EXPONENT,
    &x509::RSA_EXPONENT_INVALID,
    &x509::WEAK_SIGNATURE,
    &x509::EXTENSIONS_DUPLICATE,
    &x509::ROCA,
    &x509::PUBLIC_KEY_ONLY,
    &x509::UNPARSEABLE,
    &x509::BASE64,
    &x509::KEY_REUSED,
    &x509::USE_INVALID,
    &x509::NO_CERTIFICATE,
    &aws::IC_SP_ENTITY_ID,
    &aws::IC_SP_ACS_SHAPE,
    &aws::IC_SP_ACS_BINDING,
    &aws::IC_SP_REGION,
    &aws::IC_SP_ACS_REGIONS,
    &aws::IC_SP_ACS_HOST_FORM,
    &aws::IAM_SP_ACS,
    &aws::IAM_SP_PARTITION,
    &aws::IC_IDP_NO_CERTIFICATE,
    &aws::IC_IDP_SSO_BINDING,
    &aws::IC_IDP_ENCRYPTION_KEY,
    &aws::IC_IDP_TOO_LARGE,
    &aws::IC_IDP_CERT_YELLOW,
    &aws::IAM_IDP_BOM,
    &aws::IAM_IDP_ENCODING,
    &aws::IAM_IDP_SIZE,
    &aws::IAM_IDP_TOO_MANY_KEYS,
    &entra::TENANT_MISMATCH,
    &entra::CLOUD_MISMATCH,
    &entra::CLOUD_USGOV_ISSUER,
    &entra::TENANT_PLACEHOLDER,
    &entra::ROLLOVER,
    &entra::UNSIGNED,
    &entra::CERTS_DIFFER,
    &adfs::ROLES_MIXED,
    &adfs::CONTACT_EMPTY,
    &text::CONTROL_CHARS,
];

/// Codes of every rule [`lint`] can report, sorted.
pub fn rule_codes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = RULES
        .iter()
        .chain(crate::dsig::RULES.iter())
        .map(|r| r.code)
        .collect();
    v.sort_unstable();
    v
}

/// Runs every rule on every entity of every group of `md`, at `opts.at`.
///
/// Findings carry the entityID they are about and a location (position and element path);
/// they come sorted with [`sort_findings`].
///
/// ```
/// use samlcheck::lint::{lint, LintOptions};
/// let xml = br#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
///     entityID="https://sp.example.org/"><md:SPSSODescriptor
///     protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
///     <md:AssertionConsumerService index="0"
///       Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
///       Location="http://sp.example.org/acs"/></md:SPSSODescriptor></md:EntityDescriptor>"#;
/// let md = samlcheck::parse_metadata(xml.to_vec(), &samlcheck::Limits::default()).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc();
/// let findings = lint(&md, &LintOptions::at(at));
/// assert!(findings.iter().any(|f| f.code == "md.endpoint.location.http"));
/// ```
pub fn lint(md: &Metadata, opts: &LintOptions) -> Vec<Finding> {
    let mut cx = Cx {
        md,
        opts,
        out: Vec::new(),
        split_at: md.split_values.iter().map(|p| p.pos.offset).collect(),
    };
    md::document(&mut cx);
    aws::document(&mut cx);
    for e in &md.entities {
        md::entity(&mut cx, e);
        x509::entity(&mut cx, e);
        aws::entity(&mut cx, e);
        entra::entity(&mut cx, e);
        adfs::entity(&mut cx, e);
        text::entity(&mut cx, e);
    }
    let mut out = cx.out;
    if !opts.only.is_empty() || !opts.disabled.is_empty() {
        out.retain(|f| opts.wants(f.code));
    }
    sort_findings(&mut out);
    out
}

/// [`lint`] plus the signature checks (`dsig.*`): every enveloped signature of the document
/// is verified against `trust` (with [`Trust::embedded`](crate::Trust::embedded), integrity
/// only, and the findings say so). `md` must be the model of `doc`.
pub fn lint_document(
    doc: &crate::xml::XmlDoc<'_>,
    md: &Metadata,
    trust: &crate::dsig::Trust,
    opts: &LintOptions,
) -> Vec<Finding> {
    lint_document_coverage(doc, md, trust, opts).0
}

/// [`lint_document`], also returning which parts of the document verified signatures cover
/// (the pair check says when its chosen entity is not covered: `dsig.entity_not_covered`).
pub fn lint_document_coverage(
    doc: &crate::xml::XmlDoc<'_>,
    md: &Metadata,
    trust: &crate::dsig::Trust,
    opts: &LintOptions,
) -> (Vec<Finding>, crate::dsig::Coverage) {
    let mut out = lint(md, opts);
    let report = crate::dsig::verify(doc, trust);
    out.extend(
        crate::dsig::findings(&report, false)
            .into_iter()
            .chain(crate::dsig::relative_namespace_findings(doc))
            .filter(|f| opts.wants(f.code)),
    );
    sort_findings(&mut out);
    (out, crate::dsig::Coverage::of(&report))
}

/// The running state of one lint.
pub(crate) struct Cx<'a> {
    pub(crate) md: &'a Metadata,
    pub(crate) opts: &'a LintOptions,
    pub(crate) out: Vec<Finding>,
    /// Offsets of the elements already reported by `md.split_value`.
    pub(crate) split_at: std::collections::HashSet<u64>,
}

impl Cx<'_> {
    pub(crate) fn push(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// The entityID of `e` for findings (`None` when missing).
pub(crate) fn eid(e: &EntityDescriptor) -> Option<&str> {
    e.entity_id.as_ref().map(|a| a.value.as_str())
}

/// A location at an element.
pub(crate) fn at_place(p: &Place) -> Option<Location> {
    Some(Location::new(p.pos, p.path.clone()))
}

/// A location at an attribute of an element.
pub(crate) fn at_attr(a: &Attr, p: &Place) -> Option<Location> {
    Some(Location::new(a.pos, p.path.clone()))
}

/// A date for messages: `2027-02-21`.
pub(crate) fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A value quoted for messages, with control characters escaped and long values shortened.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(120) + 2);
    out.push('"');
    for (n, c) in s.chars().enumerate() {
        if n >= 200 {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            c if c.is_control() || is_hidden_char(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_dotted_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(r.code.contains('.'), "{}", r.code);
            assert!(
                r.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "{}",
                r.code
            );
            assert!(!r.summary.is_empty() && !r.fix.is_empty() && !r.source.is_empty());
        }
    }

    #[test]
    fn quoting_escapes_controls() {
        assert_eq!(q("a\tb\n"), "\"a\\tb\\n\"");
    }
}
