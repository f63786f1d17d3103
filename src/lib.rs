//! samlcheck: parse, validate, verify, diff and rewrite SAML 2.0 metadata.
#![doc = "\n"]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalog;
pub mod dsig;
mod error;
mod finding;
mod limits;
pub mod xml;

pub use dsig::{Failure, Report, Trust, Verified};
pub use error::{Error, Pos};
pub use finding::{sort_findings, Finding, Location, Rule, Severity};
pub use limits::Limits;
