//! A captured SAML Response checked as one call: [`check_response`].

use super::{Exports, InputError, Parsed, Source};
use crate::finding::Severity;
use crate::model::Metadata;
use crate::report::Report;
use crate::response::{ResponseOptions, ResponseReport};
use crate::Limits;
use serde::{Serialize, Serializer};

/// The inputs of `samlcheck response`: the capture, the IdP's metadata (its signing
/// certificates are the only trust anchors), the SP's metadata when known, and the exports
/// that say which NameID the user should get.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseInput {
    /// The capture: the XML, the base64 `SAMLResponse` value (URL-encoded or not), or a HAR
    /// file.
    pub response: Source,
    /// The IdP's metadata.
    pub idp: Source,
    /// The SP's metadata (ACS URLs, entityID, AWS flavour).
    pub sp: Option<Source>,
    /// Claims, Entra users, Identity Center users, IAM role (the others are not used).
    pub exports: Exports,
    /// Limits for reading the metadata documents.
    pub limits: Limits,
}

impl ResponseInput {
    /// A capture and the IdP's metadata; no SP, no exports, default limits.
    pub fn new(response: Source, idp: Source) -> ResponseInput {
        ResponseInput {
            response,
            idp,
            sp: None,
            exports: Exports::default(),
            limits: Limits::default(),
        }
    }
}

/// What `samlcheck response` renders: one file entry per response in `report` (named after
/// the capture, `#entries[N]` for a HAR entry) and the verdicts in `result`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseRun {
    /// The findings per response, the checks, the notes: ready for every renderer.
    pub report: Report,
    /// The verdict on each response: signers, what was read, accepted or not.
    pub result: ResponseReport,
    /// The capture as named.
    pub file: String,
}

impl ResponseRun {
    /// Whether a finding reaches `threshold` (`--fail-on`).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.report.max_severity().is_some_and(|w| w >= threshold)
    }

    /// The JSON document `samlcheck response --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        crate::report::to_value(
            &self.report,
            Some(serde_json::json!({
                "idp": self.result.idp_entity_id,
                "sp": self.result.sp_entity_id,
                "responses": self.result.responses,
            })),
        )
    }
}

impl Serialize for ResponseRun {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

fn model(src: &Source, limits: &Limits) -> Result<Metadata, InputError> {
    let p = Parsed::decode(src, limits)?;
    let named = |e| InputError::new(Some(&src.name), e);
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits).map_err(named)?;
    Metadata::from_doc(&doc, p.decoded.info()).map_err(named)
}

/// Checks every response of a capture in one call: reads the metadata and the exports,
/// detects the capture's form, verifies each response with the IdP metadata's signing
/// certificates and checks it against the SP and the exports ([`crate::response::check`]).
///
/// ```
/// use samlcheck::run::{check_response, ResponseInput, Source};
/// let input = ResponseInput::new(
///     Source::read("tests/fixtures/responses/valid/ic-assertion-sp.xml"),
///     Source::read("tests/fixtures/entra-idp.xml"),
/// );
/// let run = check_response(&input, &samlcheck::response::ResponseOptions::new())?;
/// assert!(run.result.responses.iter().all(|r| r.covered.is_some()));
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn check_response(
    input: &ResponseInput,
    opts: &ResponseOptions,
) -> Result<ResponseRun, InputError> {
    let idp = model(&input.idp, &input.limits)?;
    let sp = match &input.sp {
        Some(s) => Some(model(s, &input.limits)?),
        None => None,
    };
    let exports = input.exports.parse()?;
    let bytes = input.response.bytes_named()?;
    let name = &input.response.name;
    let result = crate::response::check(bytes, &idp, sp.as_ref(), &exports, opts)
        .map_err(|e| InputError::new(Some(name), e))?;
    let mut report = result.to_report(name);
    for x in &result.responses {
        report.notes.push(verdict_note(&result, name, x));
    }
    Ok(ResponseRun {
        report,
        result,
        file: name.clone(),
    })
}

fn verdict_note(
    result: &ResponseReport,
    file: &str,
    x: &crate::response::ResponseResult,
) -> String {
    let verdict = if x.accepted {
        "AWS accepts it (as far as checked)"
    } else {
        "AWS rejects it"
    };
    format!("response {}: {verdict}", result.file_name(file, x))
}

/// Adds each response of `result` to a pair report: its file entry, its rule codes and a
/// verdict note (`check --response`).
pub(crate) fn merge_into(report: &mut Report, result: &ResponseReport, file: &str) {
    let part = result.to_report(file);
    report.files.extend(part.files);
    for code in part.checks {
        if !report.checks.contains(&code) {
            report.checks.push(code);
        }
    }
    for x in &result.responses {
        report.notes.push(verdict_note(result, file, x));
    }
    report.notes.extend(part.notes);
}
