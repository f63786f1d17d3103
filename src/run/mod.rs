//! One call per job: what each `samlcheck` command computes, as a library call that returns
//! a typed report.
//!
//! Every function here takes its inputs as bytes ([`Source`]) plus options, and returns a
//! report that serializes (serde) to exactly the JSON the command line prints with
//! `--format json`; the binary only parses its arguments, reads the clock once, makes one
//! of these calls, renders the report and chooses the exit code.
//!
//! | job | call | report |
//! |---|---|---|
//! | pair check (`samlcheck check`) | [`check_pair`] | [`PairReport`] |
//! | lint of many files | [`lint_sources`] | [`LintReport`] |
//! | verify signatures | [`verify_source`] | [`VerifyReport`] |
//! | diff two versions | [`diff_sources`] | [`DiffReport`] |
//! | rewrite (edit, re-sign) | [`rewrite_source`] | [`RewriteReport`] |
//! | sign | [`sign_source`] | [`SignReport`] |
//! | show (model of a file) | [`show_source`] | [`ShowReport`] |
//! | a captured SAML Response (`samlcheck response`) | [`check_response`] | [`ResponseRun`] |
//!
//! ```
//! use samlcheck::run::{check_pair, PairInput, Source};
//! use samlcheck::pair::PairOptions;
//! let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
//! let input = PairInput::new(
//!     Source::read("tests/fixtures/aws-ic-sp.xml"),
//!     Source::read("tests/fixtures/entra-idp.xml"),
//! );
//! let report = check_pair(&input, &PairOptions::at(at))?;
//! assert_eq!(report.sp.entity_id, "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c");
//! assert!(!report.fails(samlcheck::Severity::Error));
//! # Ok::<(), samlcheck::run::InputError>(())
//! ```

mod codes;
mod diff;
mod lint;
mod pair;
mod response;
mod rewrite;
mod show;
mod verify;

pub use codes::expand_codes;
pub use diff::{diff_sources, DiffReport};
pub use lint::{lint_sources, lint_sources_with, LintReport};
pub use pair::{check_pair, Exports, PairInput, PairReport, PairSide};
pub use response::{check_response, ResponseInput, ResponseRun};
pub use rewrite::{rewrite_source, sign_source, RewriteReport, SignReport};
pub use show::{show_source, ShowReport};
pub use verify::{verify_source, SignatureReport, SignerReport, VerifyReport};

use crate::error::Error;
use crate::limits::Limits;
use std::fmt;
use std::path::Path;

/// One named input: its bytes, or why they could not be read.
///
/// The name is how reports and messages name the input (a path as given, `-`, a URL).
/// A file that cannot be read is still a `Source`: the job that uses it reports the failure
/// ([`lint_sources`] as an entry of its report, the others as an [`InputError`]).
///
/// ```
/// use samlcheck::run::Source;
/// let inline = Source::new("inline.xml", b"<md:EntityDescriptor/>".to_vec());
/// assert_eq!(inline.bytes().map(<[u8]>::len), Ok(22));
/// let missing = Source::read("no/such/file.xml");
/// assert_eq!(missing.name, "no/such/file.xml");
/// assert!(missing.bytes().is_err());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Source {
    /// How the input is named in reports.
    pub name: String,
    content: Result<Vec<u8>, Error>,
}

impl Source {
    /// An input from bytes already in memory.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Source {
        Source {
            name: name.into(),
            content: Ok(bytes),
        }
    }

    /// An input that could not be obtained (the job reports `error` for it).
    pub fn failed(name: impl Into<String>, error: Error) -> Source {
        Source {
            name: name.into(),
            content: Err(error),
        }
    }

    /// Reads a file now, refusing it before reading when it is larger than the default
    /// [`Limits::max_bytes`]. Never fails: a read error is kept and reported by the job.
    pub fn read(path: impl AsRef<Path>) -> Source {
        Source::read_with_limits(path, &Limits::default())
    }

    /// [`Source::read`] with a size limit from `limits`.
    pub fn read_with_limits(path: impl AsRef<Path>, limits: &Limits) -> Source {
        let path = path.as_ref();
        let name = path.display().to_string();
        let content = (|| {
            let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
            if meta.is_dir() {
                return Err(Error::Io {
                    path: name.clone().into(),
                    what: "is a directory, expected a file".into(),
                });
            }
            if meta.len() > limits.max_bytes {
                return Err(Error::LimitExceeded {
                    what: "input size in bytes",
                    limit: limits.max_bytes,
                    pos: crate::Pos::new(1, 1, 0),
                });
            }
            std::fs::read(path).map_err(|e| Error::io(path, &e))
        })();
        Source { name, content }
    }

    /// The bytes, or the error met when reading them.
    pub fn bytes(&self) -> Result<&[u8], &Error> {
        self.content.as_deref()
    }

    /// The bytes, or an [`InputError`] naming this input.
    pub(crate) fn bytes_named(&self) -> Result<&[u8], InputError> {
        self.content
            .as_deref()
            .map_err(|e| InputError::new(Some(&self.name), e.clone()))
    }
}

/// Why a job gave no report: the [`Error`] and the input it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputError {
    /// The input the error is about (as named in its [`Source`]), when it is about one.
    pub file: Option<String>,
    /// What went wrong.
    pub error: Error,
}

impl InputError {
    /// An error about `file` (or about no input in particular).
    pub fn new(file: Option<&str>, error: Error) -> InputError {
        InputError {
            file: file.map(str::to_string),
            error,
        }
    }

    pub(crate) fn of(error: Error) -> InputError {
        InputError { file: None, error }
    }
}

impl fmt::Display for InputError {
    /// `FILE: message` (a read error already names its file, so it is not named twice).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.error) {
            (Some(file), e) if !matches!(e, Error::Io { .. }) => write!(f, "{file}: {e}"),
            (_, e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for InputError {}

impl From<Error> for InputError {
    fn from(e: Error) -> InputError {
        InputError::of(e)
    }
}

/// A decoded and parsed input: the decoded text is kept for the XML tree.
pub(crate) struct Parsed {
    pub(crate) decoded: crate::xml::Decoded,
}

impl Parsed {
    /// Decodes `src` with `limits` (size checked first).
    pub(crate) fn decode(src: &Source, limits: &Limits) -> Result<Parsed, InputError> {
        let bytes = src.bytes_named()?.to_vec();
        let decoded = crate::xml::decode_checked(bytes, limits)
            .map_err(|e| InputError::new(Some(&src.name), e))?;
        Ok(Parsed { decoded })
    }
}

/// The JSON header every command's report starts with.
pub(crate) fn header(
    map: &mut serde_json::Map<String, serde_json::Value>,
    command: &str,
    at: chrono::DateTime<chrono::Utc>,
) {
    use serde_json::json;
    map.insert("tool".into(), json!("samlcheck"));
    map.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    map.insert("command".into(), json!(command));
    map.insert(
        "at".into(),
        json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    );
}

/// The trust for a document listing `entity_ids`: embedded keys (integrity), plus every pin
/// of those entityIDs.
pub(crate) fn pinned_trust(
    entity_ids: &[String],
    pinned: &[(String, crate::Trust)],
) -> crate::Trust {
    let mut trust = crate::Trust::embedded();
    for (_, t) in pinned.iter().filter(|(id, _)| entity_ids.contains(id)) {
        trust.extend(t);
    }
    trust
}
