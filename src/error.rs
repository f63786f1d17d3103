//! The crate's one error type: "no result".
//!
//! An [`Error`] means the input could not be read or parsed at all. Facts about an input
//! that *was* read are [`Finding`](crate::Finding)s instead.

use std::fmt;

/// A position in the input: 1-based line and column (in characters), and the byte offset
/// into the decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[non_exhaustive]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
    /// Byte offset into the decoded (UTF-8) text, after any byte order mark.
    pub offset: u64,
}

impl Pos {
    /// A position from its parts.
    pub fn new(line: u32, col: u32, offset: u64) -> Pos {
        Pos { line, col, offset }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::padded(f, |f| write!(f, "{}:{}", self.line, self.col))
    }
}

/// Why an input gave no result.
///
/// Messages are lowercase, without a final period, and say what went wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed XML.
    #[error("{what} at {pos}")]
    Xml {
        /// What is wrong, in words.
        what: Box<str>,
        /// Where.
        pos: Pos,
    },
    /// The input has a document type declaration; DTDs are never processed.
    #[error("document type declaration (<!DOCTYPE>) at {pos} is not allowed: DTDs and entities are never processed")]
    Dtd {
        /// Where the declaration starts.
        pos: Pos,
    },
    /// A configured limit was exceeded (see [`Limits`](crate::Limits)).
    #[error("{what} exceeds the limit of {limit} at {pos}")]
    LimitExceeded {
        /// Which quantity.
        what: &'static str,
        /// The limit in force.
        limit: u64,
        /// Where it was exceeded.
        pos: Pos,
    },
    /// The bytes cannot be decoded as the encoding they declare or imply.
    #[error("{what} at {pos}")]
    Encoding {
        /// What is wrong.
        what: Box<str>,
        /// Where.
        pos: Pos,
    },
    /// Well-formed XML that is not SAML metadata, or metadata missing a required part.
    #[error("{what} at {pos}")]
    NotMetadata {
        /// What is wrong.
        what: Box<str>,
        /// Where.
        pos: Pos,
    },
    /// A non-XML input (JSON export, key, certificate, argument) could not be used.
    #[error("{what}")]
    Input {
        /// What is wrong and where (file, field path).
        what: Box<str>,
    },
    /// A file could not be read or written.
    #[error("{path}: {what}")]
    Io {
        /// The file.
        path: Box<str>,
        /// What went wrong.
        what: Box<str>,
    },
}

impl Error {
    /// The position in the input, for errors about a place in an XML input.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            Error::Xml { pos, .. }
            | Error::Dtd { pos }
            | Error::LimitExceeded { pos, .. }
            | Error::Encoding { pos, .. }
            | Error::NotMetadata { pos, .. } => Some(*pos),
            Error::Input { .. } | Error::Io { .. } => None,
        }
    }

    pub(crate) fn input(what: impl Into<String>) -> Error {
        Error::Input {
            what: what.into().into_boxed_str(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, err: &std::io::Error) -> Error {
        let what = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => lower_first(&err.to_string()),
        };
        Error::Io {
            path: path.display().to_string().into_boxed_str(),
            what: what.into_boxed_str(),
        }
    }

    /// The same error with its message prefixed by a file name (for the binary).
    pub fn in_file(&self, file: &str) -> String {
        format!("{file}: {self}")
    }
}

/// Lowercase the first character of a message (dependency messages start uppercase).
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Writes what `write` produces, padded, aligned and truncated as `f` asks (`{:>8}`,
/// `{:<30.10}`) when it asks, so every `Display` of the crate honours width and alignment.
pub(crate) fn padded(
    f: &mut fmt::Formatter<'_>,
    write: impl FnOnce(&mut dyn fmt::Write) -> fmt::Result,
) -> fmt::Result {
    if f.width().is_none() && f.precision().is_none() {
        return write(f);
    }
    let mut s = String::new();
    write(&mut s)?;
    f.pad(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(
            std::mem::size_of::<Error>() <= 64,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn messages_are_lowercase_and_positioned() {
        let e = Error::Dtd {
            pos: Pos::new(2, 1, 40),
        };
        let s = e.to_string();
        assert!(s.starts_with("document type declaration"));
        assert!(s.contains("2:1"));
        assert_eq!(e.pos(), Some(Pos::new(2, 1, 40)));
    }
}
