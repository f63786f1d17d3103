//! Signature verification as one call: [`verify_source`].

use super::{header, InputError, Parsed, Source};
use crate::dsig::{self, CertInfo, Trust, TrustBasis, VerifyOptions};
use crate::finding::{Finding, Severity};
use crate::Limits;
use serde::{Serialize, Serializer};

/// What `samlcheck verify` renders: the verdict, one entry per signature, and the findings
/// that weaken or refuse the verdict.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifyReport {
    /// The input's name.
    pub file: String,
    /// The root element's local name.
    pub root: String,
    /// Whether the root is SAML metadata.
    pub is_metadata: bool,
    /// Whether a certificate or fingerprint was pinned (else integrity only).
    pub pinned: bool,
    /// The instant certificate dates were judged at.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The root's signature verified, and every other one verified or lies inside it.
    pub verified: bool,
    /// One entry per signature, in document order.
    pub signatures: Vec<SignatureReport>,
    /// The findings (`dsig.*`), their locations naming the file.
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// Whether the command fails: not verified, or a finding reaches `threshold`.
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        !self.verified || threshold.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }

    /// The JSON document `samlcheck verify --format json` prints (shape documented in the
    /// binary's `verify` module).
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        header(&mut m, "verify", self.at);
        let mut put = |k: &str, v: serde_json::Value| {
            m.insert(k.into(), v);
        };
        put("file", self.file.clone().into());
        put("root", self.root.clone().into());
        put("is_metadata", self.is_metadata.into());
        put(
            "trust",
            if self.pinned {
                "pinned"
            } else {
                "embedded_only"
            }
            .into(),
        );
        put("verified", self.verified.into());
        put(
            "signatures",
            serde_json::to_value(&self.signatures).unwrap_or_default(),
        );
        put(
            "findings",
            serde_json::to_value(&self.findings).unwrap_or_default(),
        );
        serde_json::Value::Object(m)
    }
}

impl Serialize for VerifyReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// One signature of the document.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SignatureReport {
    /// Element path of the `Signature`.
    pub path: String,
    /// Its line.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// The element that holds it (`EntityDescriptor`, ...).
    pub element: String,
    /// The entityID of that element, if any.
    pub entity: Option<String>,
    /// Whether it is the root element's signature.
    pub on_root: bool,
    /// Whether it lies inside content a verified root signature covers.
    pub under_verified_root: bool,
    /// Whether it verified.
    pub verified: bool,
    /// Why not: `{"code", "message"}`.
    pub failure: Option<FailureReport>,
    /// Why the signer was accepted, when it verified.
    pub trust: Option<TrustBasis>,
    /// The Reference URI, when it verified.
    pub reference_uri: Option<String>,
    /// The algorithms, when it verified.
    pub algorithms: Option<Algorithms>,
    /// The signer, when it verified.
    pub signer: Option<SignerReport>,
    /// The element the signature covers (its local name), when it verified.
    #[serde(skip)]
    pub signed_element: Option<String>,
    /// Whether it uses SHA-1 (weak), when it verified.
    #[serde(skip)]
    pub weak: bool,
}

/// Why a signature did not verify.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct FailureReport {
    /// The stable code of the failure.
    pub code: &'static str,
    /// What failed.
    pub message: String,
}

/// The algorithms of a verified signature.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Algorithms {
    /// The signature method.
    pub signature: &'static str,
    /// The digest method.
    pub digest: &'static str,
    /// The c14n of SignedInfo.
    pub signed_info_c14n: String,
    /// The c14n of the reference.
    pub reference_c14n: String,
}

/// The signer's certificate, with its validity at the instant of evaluation.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct SignerReport {
    /// The certificate.
    #[serde(flatten)]
    pub cert: CertInfo,
    /// Whether it is valid at the instant of evaluation.
    pub valid_at: bool,
    /// Whole days left at the instant of evaluation (negative once expired).
    pub days_left: i64,
}

/// Verifies every enveloped signature of a document against `trust`, in one call: reads,
/// parses, verifies, and assesses (`dsig.*` findings at `opts.at`).
///
/// Any root element is verified the same way (`is_metadata` says whether it is metadata).
/// An input that cannot be read or parsed is an [`InputError`].
///
/// ```
/// use samlcheck::run::{verify_source, Source};
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
/// let r = verify_source(
///     &Source::read("tests/fixtures/entra-idp.xml"),
///     &samlcheck::Trust::embedded(),
///     &samlcheck::dsig::VerifyOptions::at(at),
///     &samlcheck::Limits::default(),
/// )?;
/// assert_eq!(r.root, "EntityDescriptor");
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn verify_source(
    src: &Source,
    trust: &Trust,
    opts: &VerifyOptions,
    limits: &Limits,
) -> Result<VerifyReport, InputError> {
    let p = Parsed::decode(src, limits)?;
    let named = |e| InputError::new(Some(&src.name), e);
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits).map_err(named)?;
    let report = dsig::verify_with_limits(&doc, trust, limits);
    if let Some(e) = report.limit_exceeded() {
        return Err(named(e.clone()));
    }
    let findings: Vec<Finding> = dsig::verify_findings(&report, trust, opts)
        .into_iter()
        .map(|f| f.in_file(&src.name))
        .collect();
    let signatures = report
        .signatures
        .iter()
        .map(|c| {
            let (failure, info) = match &c.outcome {
                Ok(v) => (None, Some(v.info())),
                Err(f) => (
                    Some(FailureReport {
                        code: f.code(),
                        message: f.to_string(),
                    }),
                    None,
                ),
            };
            SignatureReport {
                path: c.path.clone(),
                line: c.pos.line,
                col: c.pos.col,
                element: c.parent_name.clone(),
                entity: c.entity.clone(),
                on_root: c.on_root,
                under_verified_root: c.under_verified_root,
                verified: info.is_some(),
                failure,
                trust: info.map(|i| i.trust),
                reference_uri: info.map(|i| i.reference_uri.clone()),
                algorithms: info.map(|i| Algorithms {
                    signature: i.signature.name(),
                    digest: i.digest.name(),
                    signed_info_c14n: i.signed_info_c14n.clone(),
                    reference_c14n: i.reference_c14n.clone(),
                }),
                signer: info.map(|i| SignerReport {
                    cert: i.signer.clone(),
                    valid_at: i.signer.is_valid_at(opts.at),
                    days_left: i.signer.days_left(opts.at),
                }),
                signed_element: info.map(|i| i.element.clone()),
                weak: info.is_some_and(|i| i.is_weak()),
            }
        })
        .collect();
    Ok(VerifyReport {
        file: src.name.clone(),
        root: report.root_name.clone(),
        is_metadata: report.is_metadata,
        pinned: !trust.is_embedded_only(),
        at: opts.at,
        verified: report.is_verified(),
        signatures,
        findings,
    })
}
