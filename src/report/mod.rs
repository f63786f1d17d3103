//! Reports: the findings of a run rendered as text, JSON, SARIF, JUnit or HTML.

pub mod html;
mod json;
mod junit;
mod sarif;
mod svg;
mod text;
pub mod timeline;

pub use json::to_json;
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
