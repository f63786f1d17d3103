//! The model of a document as one call: [`show_source`].

use super::{header, InputError, Parsed, Source};
use crate::model::Metadata;
use crate::Limits;
use serde::{Serialize, Serializer};

/// What `samlcheck show` renders: the model of every entity.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ShowReport {
    /// The input as named.
    pub file: String,
    /// The instant certificate states are judged at.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The model.
    pub metadata: Metadata,
}

impl ShowReport {
    /// Every certificate of the document, as bars of the certificate timeline.
    pub fn certificates(&self) -> Vec<crate::report::timeline::CertBar> {
        crate::report::timeline::certificates(&self.metadata, &self.file)
    }

    /// The JSON document `samlcheck show --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        header(&mut m, "show", self.at);
        m.insert("file".into(), self.file.clone().into());
        m.insert(
            "metadata".into(),
            serde_json::to_value(&self.metadata).unwrap_or_default(),
        );
        serde_json::Value::Object(m)
    }
}

impl Serialize for ShowReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// Reads a document and builds its model in one call, for a summary at `at`.
///
/// ```
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
/// let r = samlcheck::run::show_source(
///     &samlcheck::run::Source::read("tests/fixtures/entra-idp.xml"), at, &samlcheck::Limits::default())?;
/// assert_eq!(r.metadata.entities.len(), 1);
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn show_source(
    src: &Source,
    at: chrono::DateTime<chrono::Utc>,
    limits: &Limits,
) -> Result<ShowReport, InputError> {
    let p = Parsed::decode(src, limits)?;
    let named = |e| InputError::new(Some(&src.name), e);
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits).map_err(named)?;
    let metadata = Metadata::from_doc(&doc, p.decoded.info()).map_err(named)?;
    Ok(ShowReport {
        file: src.name.clone(),
        at,
        metadata,
    })
}
