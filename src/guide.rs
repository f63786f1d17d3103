//! Guides: the project's documents under `docs/`, as crate documentation.
//!
//! Each page is the Markdown file itself (`#[doc = include_str!(...)]`), so the guide read
//! on docs.rs and the one in the repository are the same text. Links between the pages
//! resolve to these modules here and to the files in the repository.
//!
//! | page | what it covers |
//! |---|---|
//! | [`severity`] | what error, warning and info mean; the policy every rule follows |
//! | [`rules`] | the catalogue: every code, its severity, fix and public source |
//! | [`pair_inputs`] | the pair check's optional exports (Entra app, claims, users, IAM) |
//! | [`dsig`] | the XML signature profile, trust modes and what "verified" means |
//! | [`diff`] | semantic diff of two versions and what each change means |
//! | [`rewrite`] | byte-faithful edits before upload |
//! | [`json`] | the JSON output of every command |
//! | [`ci`] | using samlcheck as a CI gate |
//!
//! ```
//! // The pages are modules without items: they exist for their documentation.
//! use samlcheck::guide;
//! let _ = stringify!(guide::severity, guide::rules, guide::dsig);
//! ```

// The guides are GitHub Markdown too: bare URLs there are links.
#![allow(rustdoc::bare_urls)]

#[doc = include_str!("../docs/severity.md")]
pub mod severity {}

// The first definition of a link label wins: inside rustdoc the label points at the
// module; on GitHub the file's own definition (`severity.md`) is the only one.
#[doc = "[severity]: crate::guide::severity"]
#[doc = ""]
#[doc = include_str!("../docs/rules.md")]
// The catalogue is generated (`samlcheck rules --format markdown`) for GitHub, where text
// such as `<tenant>` and `[A-Za-z0-9_+=,.@-]` reads as written; escaping it in the
// generator would make rustdoc show it as written too.
#[allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]
pub mod rules {}

#[doc = include_str!("../docs/pair-inputs.md")]
pub mod pair_inputs {}

#[doc = include_str!("../docs/dsig.md")]
pub mod dsig {}

#[doc = include_str!("../docs/diff.md")]
pub mod diff {}

#[doc = include_str!("../docs/rewrite.md")]
pub mod rewrite {}

#[doc = "[rules]: crate::guide::rules"]
#[doc = ""]
#[doc = include_str!("../docs/json.md")]
pub mod json {}

#[doc = include_str!("../docs/ci.md")]
pub mod ci {}
