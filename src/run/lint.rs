//! Lint of many documents as one call: [`lint_sources`].

use super::{Parsed, Source};
use crate::finding::{Finding, Severity};
use crate::lint::LintOptions;
use crate::report::{FileReport, InputFailure, Report};
use crate::Limits;
use serde::{Serialize, Serializer};

/// What `samlcheck lint` renders: one entry per document that was read, and one
/// [`InputFailure`] per document that could not be (`report.errors`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LintReport {
    /// The files, their entities and findings, the checks evaluated, and the failures.
    pub report: Report,
    /// Every certificate of the documents read, as bars of the certificate timeline (for
    /// the HTML report; not part of the JSON).
    pub certificates: Vec<crate::report::timeline::CertBar>,
}

impl LintReport {
    /// Whether a finding reaches `threshold` (`--fail-on`).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.report.max_severity().is_some_and(|w| w >= threshold)
    }

    /// Whether some input could not be read or parsed (the command exits 2 after reporting
    /// every file).
    pub fn has_errors(&self) -> bool {
        !self.report.errors.is_empty()
    }

    /// The JSON document `samlcheck lint --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        crate::report::to_value(&self.report, None)
    }
}

impl Serialize for LintReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// Lints every document (each an EntityDescriptor or an aggregate) with `opts`, signatures
/// included (integrity only: no certificate is pinned). A document that cannot be read or
/// parsed is an entry of `report.errors`, with its message and position; the others are
/// still linted.
///
/// ```
/// use samlcheck::run::{lint_sources, Source};
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
/// let r = lint_sources(
///     &[Source::read("tests/fixtures/entra-idp.xml"), Source::new("bad.xml", b"<a>".to_vec())],
///     &samlcheck::lint::LintOptions::at(at),
///     &samlcheck::Limits::default(),
/// );
/// assert_eq!(r.report.files.len(), 1);
/// assert_eq!(r.report.errors[0].file, "bad.xml");
/// assert!(r.has_errors());
/// ```
pub fn lint_sources(sources: &[Source], opts: &LintOptions, limits: &Limits) -> LintReport {
    lint_sources_with(sources, opts, limits, &[], &mut |_| {})
}

/// [`lint_sources`] with certificates pinned per entityID (a document that lists the
/// entityID has its signatures checked against them too), calling `progress` with each
/// source before it is linted (a progress bar, a log line).
pub fn lint_sources_with(
    sources: &[Source],
    opts: &LintOptions,
    limits: &Limits,
    pinned: &[(String, crate::Trust)],
    progress: &mut dyn FnMut(&Source),
) -> LintReport {
    let mut report = Report::new("lint", opts.at);
    report.checks = crate::lint::rule_codes()
        .into_iter()
        .filter(|c| opts.wants(c))
        .collect();
    let mut certificates = Vec::new();
    for src in sources {
        progress(src);
        match lint_one(src, pinned, opts, limits) {
            Ok((entities, findings, bars)) => {
                certificates.extend(bars);
                report.files.push(FileReport::new(
                    src.name.clone(),
                    entities,
                    findings.into_iter().map(|f| f.in_file(&src.name)).collect(),
                ));
            }
            Err(e) => {
                let msg = match e {
                    crate::Error::Io { .. } => e.to_string(),
                    _ => e.in_file(&src.name),
                };
                report
                    .errors
                    .push(InputFailure::new(src.name.clone(), msg, e.pos()));
            }
        }
    }
    LintReport {
        report,
        certificates,
    }
}

/// What linting one document gives: its entityIDs, findings and certificates.
type Linted = (
    Vec<String>,
    Vec<Finding>,
    Vec<crate::report::timeline::CertBar>,
);

/// Lints one document: its entityIDs and findings (signature checks included).
fn lint_one(
    src: &Source,
    pinned: &[(String, crate::Trust)],
    opts: &LintOptions,
    limits: &Limits,
) -> Result<Linted, crate::Error> {
    let p = Parsed::decode(src, limits).map_err(|e| e.error)?;
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits)?;
    let md = crate::Metadata::from_doc(&doc, p.decoded.info())?;
    let entities = md.entity_ids();
    let trust = super::pinned_trust(&entities, pinned);
    let (findings, coverage) = crate::lint::lint_document_coverage(&doc, &md, &trust, opts);
    if let Some(e) = coverage.limit_exceeded() {
        return Err(e.clone());
    }
    let bars = crate::report::timeline::certificates(&md, &src.name);
    Ok((entities, findings, bars))
}
