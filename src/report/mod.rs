//! Reports: the findings of a run rendered as text, JSON, SARIF, JUnit or HTML.
//!
//! ```
//! use samlcheck::report::{to_json, to_text, FileReport, Report, TextOptions};
//! let at = "2026-12-01T00:00:00Z".parse()?;
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/entra-idp.xml")?,
//!     &samlcheck::Limits::default(),
//! )?;
//! let findings = samlcheck::lint::lint(&md, &samlcheck::lint::LintOptions::at(at));
//! let mut report = Report::new("lint", at);
//! report.files.push(FileReport::new("entra-idp.xml", md.entity_ids(), findings));
//! let json: serde_json::Value = serde_json::from_str(&to_json(&report, None))?;
//! assert_eq!(json["tool"], "samlcheck");
//! assert!(!to_text(&report, &TextOptions::default()).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod html;
mod json;
mod junit;
mod sarif;
mod svg;
mod text;
pub mod timeline;

pub use json::{to_json, to_value};
pub use junit::{to_junit, MAX_TESTCASES};
pub use sarif::{to_sarif, SARIF_SCHEMA};
pub use text::{escape_text, is_unsafe_char, to_text, write_finding, TextOptions};

use crate::finding::{Finding, Severity};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One input file of a run and what was found in it.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file as named on the command line (or a URL).
    pub file: String,
    /// The entityIDs the file holds, in document order.
    pub entities: Vec<String>,
    /// Findings about this file (their locations name it).
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// The report of one file: its name, the entityIDs it holds and its findings.
    pub fn new(
        file: impl Into<String>,
        entities: Vec<String>,
        findings: Vec<Finding>,
    ) -> FileReport {
        FileReport {
            file: file.into(),
            entities,
            findings,
        }
    }
}

/// An input that could not be read or parsed: the file, the message (naming the file) and,
/// for an error at a place in the XML, its line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InputFailure {
    /// The file as named on the command line.
    pub file: String,
    /// The one-line message, as the command line prints it (`FILE: what at LINE:COL`).
    pub message: String,
    /// 1-based line, when the error is at a place in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when the error is at a place in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
}

impl InputFailure {
    /// A failure with its message and optional position.
    pub fn new(
        file: impl Into<String>,
        message: impl Into<String>,
        pos: Option<crate::Pos>,
    ) -> InputFailure {
        InputFailure {
            file: file.into(),
            message: message.into(),
            line: pos.map(|p| p.line),
            col: pos.map(|p| p.col),
        }
    }
}

/// The result of one run of a command, ready to render.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The command: `lint`, `check`, `verify`, `diff`.
    pub command: &'static str,
    /// The instant every time-dependent check was evaluated at.
    pub at: DateTime<Utc>,
    /// Per-file results.
    pub files: Vec<FileReport>,
    /// Findings about the run as a whole (pair checks across both files).
    pub findings: Vec<Finding>,
    /// Codes of every rule that was evaluated (for JUnit: one test case per check).
    pub checks: Vec<&'static str>,
    /// Free-form closing notes (assumptions, what could not be checked).
    pub notes: Vec<String>,
    /// Inputs that could not be read or parsed (`lint` goes on with the others); in JSON the
    /// member `errors` is present only when there is one.
    pub errors: Vec<InputFailure>,
}

impl Report {
    /// A new, empty report.
    pub fn new(command: &'static str, at: DateTime<Utc>) -> Report {
        Report {
            command,
            at,
            files: Vec::new(),
            findings: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Every finding, per-file ones first.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter())
            .chain(self.findings.iter())
    }

    /// Counts by severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for f in self.all_findings() {
            match f.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Info => c.2 += 1,
            }
        }
        c
    }

    /// The highest severity found, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.all_findings().map(|f| f.severity).max()
    }
}
