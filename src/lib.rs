//! samlcheck: parse, validate, verify, diff and rewrite SAML 2.0 metadata.
#![doc = "\n"]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalog;
mod error;
mod finding;
pub mod flavor;
mod limits;
pub mod model;
pub mod rewrite;
pub mod time;
pub mod x509;
pub mod xml;

pub use error::{Error, Pos};
pub use finding::{sort_findings, Finding, Location, Rule, Severity};
pub use limits::Limits;

pub use flavor::Flavor;
pub use model::Metadata;

/// Reads metadata from bytes in one call: decode, parse with `limits`, build the model.
///
/// ```
/// let xml = br#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
///     entityID="https://sp.example.org/"><md:SPSSODescriptor
///     protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>"#;
/// let md = samlcheck::parse_metadata(xml.to_vec(), &samlcheck::Limits::default()).unwrap();
/// assert_eq!(md.entities[0].entity_id(), "https://sp.example.org/");
/// ```
pub fn parse_metadata(bytes: Vec<u8>, limits: &Limits) -> Result<Metadata, Error> {
    let decoded = xml::decode_checked(bytes, limits)?;
    let doc = xml::XmlDoc::parse(decoded.text(), limits)?;
    Metadata::from_doc(&doc, decoded.info())
}
