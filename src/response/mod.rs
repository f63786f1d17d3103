//! Captured SAML Responses: read one (XML, base64 form value, HAR file), verify it with the
//! IdP metadata's signing keys, and say what AWS will do with it.
//!
//! ```no_run
//! use samlcheck::{exports::PairInputs, response, Limits};
//! let idp = samlcheck::parse_metadata(std::fs::read("idp.xml")?, &Limits::default())?;
//! let sp = samlcheck::parse_metadata(std::fs::read("sp.xml")?, &Limits::default())?;
//! let captured = std::fs::read("response.txt")?;
//! let report = response::check(&captured, &idp, Some(&sp), &PairInputs::default(), &response::ResponseOptions::new())?;
//! for r in &report.responses {
//!     println!("{}: accepted = {}", r.source, r.accepted);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Security: the response is attacker-controlled. It is read with the crate's one reader
//! (limits, no DTD), every signature is verified with [`dsig`](crate::dsig) against the
//! IdP metadata's signing certificates only (never a certificate found in the response),
//! and the assertion that is read is the node the verified signature covers: a response
//! with a second assertion, an assertion out of place or duplicate IDs is rejected
//! (`response.structure.*`). The rule codes are listed in `rules.rs` and the catalogue.

mod check;
mod input;
mod redact;
mod rules;

pub use input::{read as read_input, Captured, InputForm};

pub(crate) use rules::RULES;

use crate::error::Error;
use crate::exports::PairInputs;
use crate::finding::Finding;
use crate::model::Metadata;
use crate::Limits;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Options of [`check`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseOptions {
    /// The instant time conditions are evaluated at. `None`: the response's IssueInstant
    /// plus [`allowance_secs`](ResponseOptions::allowance_secs), so that an old capture
    /// can be examined as it was when posted. The library never reads the clock.
    pub at: Option<DateTime<Utc>>,
    /// Seconds added to IssueInstant when `at` is `None` (default 60).
    pub allowance_secs: i64,
    /// For a HAR file: only this entry of `log.entries` (0-based).
    pub entry: Option<usize>,
    /// Replace NameID and attribute values with stable placeholders everywhere.
    pub redact: bool,
    /// Reader limits.
    pub limits: Limits,
    /// The IdP entity to use when the IdP metadata holds several.
    pub idp_entity: Option<String>,
    /// The SP entity to use when the SP metadata holds several.
    pub sp_entity: Option<String>,
    /// Days before a certificate's end at which the signer note says it is expiring.
    pub warn_days: i64,
}

impl ResponseOptions {
    /// Defaults: evaluated at IssueInstant + 60 s, every HAR entry, no redaction.
    pub fn new() -> ResponseOptions {
        ResponseOptions {
            at: None,
            allowance_secs: 60,
            entry: None,
            redact: false,
            limits: Limits::default(),
            idp_entity: None,
            sp_entity: None,
            warn_days: 30,
        }
    }
}

impl Default for ResponseOptions {
    fn default() -> Self {
        ResponseOptions::new()
    }
}

/// The result of [`check`]: one entry per response found in the input.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ResponseReport {
    /// The IdP entityID whose signing keys are the trust anchors.
    pub idp_entity_id: String,
    /// The SP entityID the response is checked against, when SP metadata was given.
    pub sp_entity_id: Option<String>,
    /// One result per response (a HAR file may hold several).
    pub responses: Vec<ResponseResult>,
    /// What could not be checked or was assumed.
    pub notes: Vec<String>,
}

impl ResponseReport {
    /// Every finding of every response.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.responses.iter().flat_map(|r| r.findings.iter())
    }
}

/// Which signatures cover the assertion that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Covered {
    /// The Response's signature (which covers its one Assertion).
    Response,
    /// The Assertion's own signature.
    Assertion,
    /// Both.
    Both,
}

/// The signing certificate of the IdP metadata that verified a signature.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Signer {
    /// `Response` or `Assertion`.
    pub signed: String,
    /// 1-based position among the IdP metadata's signing certificates.
    pub position: usize,
    /// How many signing certificates the metadata lists.
    pub of: usize,
    /// Subject of the certificate.
    pub subject: String,
    /// SHA-256 fingerprint.
    pub sha256: String,
    /// End of validity.
    pub not_after: Option<DateTime<Utc>>,
    /// Signature algorithm and digest names.
    pub algorithm: String,
}

/// One attribute of the assertion.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AttributeValues {
    /// `Name`.
    pub name: String,
    /// The values (all text of each `AttributeValue`).
    pub values: Vec<String>,
}

/// What the response says, as read from the covered assertion (values redacted when
/// [`ResponseOptions::redact`] is set).
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Response `ID`.
    pub id: Option<String>,
    /// Response `IssueInstant`.
    pub issue_instant: Option<String>,
    /// Response `Issuer`.
    pub issuer: Option<String>,
    /// Assertion `Issuer`.
    pub assertion_issuer: Option<String>,
    /// `Destination`.
    pub destination: Option<String>,
    /// `InResponseTo` (absent: IdP-initiated).
    pub in_response_to: Option<String>,
    /// Top-level StatusCode value.
    pub status: Option<String>,
    /// Second-level StatusCode value.
    pub sub_status: Option<String>,
    /// StatusMessage.
    pub status_message: Option<String>,
    /// NameID value.
    pub name_id: Option<String>,
    /// NameID `Format`.
    pub name_id_format: Option<String>,
    /// Audiences.
    pub audiences: Vec<String>,
    /// Bearer SubjectConfirmationData `Recipient`.
    pub recipient: Option<String>,
    /// Conditions `NotBefore`.
    pub not_before: Option<String>,
    /// Conditions `NotOnOrAfter`.
    pub not_on_or_after: Option<String>,
    /// Attributes.
    pub attributes: Vec<AttributeValues>,
    /// Whether the assertion is encrypted (not read).
    pub encrypted: bool,
}

/// The verdict on one response.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ResponseResult {
    /// Where it came from (`XML`, `base64 SAMLResponse value`, `$.log.entries[3] POST ...`).
    pub source: String,
    /// The input form.
    pub form: InputForm,
    /// HAR entry index, for a HAR file.
    pub entry: Option<usize>,
    /// The instant time conditions were evaluated at.
    pub at: DateTime<Utc>,
    /// Why that instant (`--at`, or IssueInstant plus the allowance).
    pub at_source: String,
    /// Which trusted signatures cover the assertion that was read (`None`: none).
    pub covered: Option<Covered>,
    /// The certificates of the IdP metadata that verified signatures.
    pub signers: Vec<Signer>,
    /// What the response says.
    pub summary: Summary,
    /// The findings, in document order.
    pub findings: Vec<Finding>,
    /// Whether AWS (or the SP) would accept it as far as checked here: covered by a trusted
    /// signature and no error finding.
    pub accepted: bool,
}

/// Checks every response in `input` (any form [`read_input`] detects) against the IdP
/// metadata (trust anchors, issuer), the SP metadata when given (ACS URLs, audience,
/// flavour), and the exports in `exports` (IAM Identity Center users, Entra users and
/// claims, IAM role).
///
/// An input that holds no response, is not XML, breaks a limit or has a root element other
/// than `samlp:Response` is an [`Error`]; everything about a readable response is a
/// finding.
pub fn check(
    input: &[u8],
    idp: &Metadata,
    sp: Option<&Metadata>,
    exports: &PairInputs,
    opts: &ResponseOptions,
) -> Result<ResponseReport, Error> {
    check::run(input, idp, sp, exports, opts)
}

/// Codes of the `response.*` rules.
pub fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code).collect()
}

impl ResponseReport {
    /// The findings as a [`Report`](crate::report::Report) of command `response`: one file
    /// entry per response (named `file`, with `#entries[N]` for a HAR entry), ready for
    /// every renderer. `at` is the report's instant (the first response's, when the
    /// caller has none).
    pub fn to_report(&self, file: &str) -> crate::report::Report {
        let at = self
            .responses
            .first()
            .map(|r| r.at)
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let mut report = crate::report::Report::new("response", at);
        for r in &self.responses {
            let name = self.file_name(file, r);
            report.files.push(crate::report::FileReport {
                file: name.clone(),
                entities: vec![self.idp_entity_id.clone()],
                findings: r
                    .findings
                    .iter()
                    .cloned()
                    .map(|f| f.in_file(&name))
                    .collect(),
            });
        }
        report.checks = rule_codes();
        report.notes = self.notes.clone();
        for r in &self.responses {
            report.notes.push(format!(
                "{}: time conditions evaluated at {} ({})",
                self.file_name(file, r),
                r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                r.at_source
            ));
        }
        report
    }

    /// How a response is named in reports: the file, plus `#entries[N]` for a HAR entry.
    pub fn file_name(&self, file: &str, r: &ResponseResult) -> String {
        match r.entry {
            Some(n) => format!("{file}#entries[{n}]"),
            None => file.to_string(),
        }
    }
}
