//! Diff of two versions as one call: [`diff_sources`].

use super::{InputError, Parsed, Source};
use crate::diff::{self, Class, Diff, DiffOptions};
use crate::finding::Finding;
use crate::model::Metadata;
use crate::Limits;
use serde::{Serialize, Serializer};

/// What `samlcheck diff` renders.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiffReport {
    /// OLD as named.
    pub old: String,
    /// NEW as named.
    pub new: String,
    /// The changes.
    pub diff: Diff,
    /// The changes as findings (locations name OLD or NEW).
    pub findings: Vec<Finding>,
    /// The two documents share no entityID (and are not one entity renamed): most likely
    /// two unrelated files, e.g. an SP's and an IdP's. The command refuses such a diff
    /// (exit 2) unless `--force`.
    pub unrelated: bool,
    /// The entityIDs of NEW (for reports that list a file's entities).
    pub new_entities: Vec<String>,
    /// Every certificate of OLD, then of NEW, as bars of the certificate timeline (for the
    /// HTML report; not part of the JSON).
    pub certificates: Vec<crate::report::timeline::CertBar>,
}

impl DiffReport {
    /// Whether a change of `class` or worse was found.
    pub fn has(&self, class: Class) -> bool {
        self.diff.worst() >= Some(class)
    }

    /// The JSON document `samlcheck diff --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl Serialize for DiffReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct JsonOut<'a> {
            tool: &'static str,
            version: &'static str,
            command: &'static str,
            old: &'a str,
            new: &'a str,
            summary: String,
            worst: Option<Class>,
            #[serde(flatten)]
            diff: &'a Diff,
            findings: &'a [Finding],
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            unrelated: bool,
        }
        let o = JsonOut {
            tool: "samlcheck",
            version: env!("CARGO_PKG_VERSION"),
            command: "diff",
            old: &self.old,
            new: &self.new,
            summary: self.diff.summary(),
            worst: self.diff.worst(),
            diff: &self.diff,
            findings: &self.findings,
            unrelated: self.unrelated,
        };
        o.serialize(s)
    }
}

fn model(src: &Source, limits: &Limits) -> Result<Metadata, InputError> {
    let p = Parsed::decode(src, limits)?;
    let named = |e| InputError::new(Some(&src.name), e);
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits).map_err(named)?;
    Metadata::from_doc(&doc, p.decoded.info()).map_err(named)
}

/// Whether two documents share no entityID, other than one entity renamed (a single
/// entity on each side with the same roles, which [`diff::diff`] compares as one).
fn unrelated(old: &Metadata, new: &Metadata) -> bool {
    if old.entities.is_empty() || new.entities.is_empty() {
        return false;
    }
    if let (false, false, [o], [n]) = (
        old.is_aggregate,
        new.is_aggregate,
        old.entities.as_slice(),
        new.entities.as_slice(),
    ) {
        if o.is_sp() == n.is_sp() && o.is_idp() == n.is_idp() {
            return false;
        }
    }
    let ids: std::collections::HashSet<&str> = old.entities.iter().map(|e| e.entity_id()).collect();
    !new.entities.iter().any(|e| ids.contains(e.entity_id()))
}

/// Compares two versions of metadata in one call: reads both, diffs them
/// ([`diff::diff`]), and turns the changes into findings naming OLD and NEW.
///
/// ```
/// use samlcheck::run::{diff_sources, Source};
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
/// let f = Source::read("tests/fixtures/entra-idp.xml");
/// let r = diff_sources(&f, &f, &samlcheck::diff::DiffOptions::new(at), &samlcheck::Limits::default())?;
/// assert!(!r.diff.content_changed && !r.unrelated);
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn diff_sources(
    old: &Source,
    new: &Source,
    opts: &DiffOptions,
    limits: &Limits,
) -> Result<DiffReport, InputError> {
    let o = model(old, limits)?;
    let n = model(new, limits)?;
    let d = diff::diff(&o, &n, opts);
    let findings = d.findings(&old.name, &new.name);
    let mut certificates = crate::report::timeline::certificates(&o, &old.name);
    certificates.extend(crate::report::timeline::certificates(&n, &new.name));
    Ok(DiffReport {
        certificates,
        old: old.name.clone(),
        new: new.name.clone(),
        unrelated: unrelated(&o, &n),
        new_entities: n.entity_ids(),
        diff: d,
        findings,
    })
}
