//! Guides: project documents that are part of the crate documentation.

#[doc = include_str!("../docs/severity.md")]
pub mod severity {}
