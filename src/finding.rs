//! Findings: facts about a valid input worth telling, each with a stable code.

use crate::error::Pos;
use serde::Serialize;
use std::fmt;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A fact worth knowing; nothing breaks because of it.
    Info,
    /// Works today but breaks on a known date or event, or a documented risk; also the
    /// highest severity of a fact no vendor page confirms (see [`guide::severity`](crate::guide::severity)).
    Warning,
    /// With this configuration sign-in fails, or AWS/Entra refuses the file or setting.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::padded(f, |f| f.write_str(self.as_str()))
    }
}

/// A rule of the catalogue: a stable code with its default severity and documentation.
///
/// Codes are dotted (`x509.expired`), never reused, and listed by [`catalog`](crate::catalog).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// The stable dotted code.
    pub code: &'static str,
    /// The severity the rule reports at.
    pub severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// One line: how to fix what it reports.
    pub fix: &'static str,
    /// Where the fact behind the rule comes from: public documents, each `Title <https://URL>`,
    /// separated by `"; "` (read them with [`Rule::sources`]).
    pub source: &'static str,
}

impl Rule {
    /// A rule, for callers that report their own findings through samlcheck's reports
    /// (the struct is `#[non_exhaustive]`). `source` is `Title <URL>` entries separated by
    /// `; `, as in the catalogue.
    ///
    /// ```
    /// use samlcheck::{Rule, Severity};
    /// static MINE: Rule = Rule::new("acme.cert.short", Severity::Warning,
    ///     "certificate shorter than our policy", "reissue for 2 years", "Acme policy");
    /// assert_eq!(MINE.code, "acme.cert.short");
    /// ```
    pub const fn new(
        code: &'static str,
        severity: Severity,
        summary: &'static str,
        fix: &'static str,
        source: &'static str,
    ) -> Rule {
        Rule {
            code,
            severity,
            summary,
            fix,
            source,
        }
    }

    /// The entries of [`source`](Rule::source), in order: `(title, Some(url))` for each
    /// `Title <URL>` entry (entries are separated by `"; "`), `(text, None)` for an entry
    /// without a URL.
    ///
    /// ```
    /// let r = samlcheck::catalog::rule("md.entity_id.missing").unwrap();
    /// let (title, url) = r.sources().next().unwrap();
    /// assert!(title.starts_with("SAML 2.0 Metadata"));
    /// assert!(url.unwrap().starts_with("https://"));
    /// ```
    pub fn sources(&self) -> impl Iterator<Item = (&'static str, Option<&'static str>)> {
        let source: &'static str = self.source;
        source
            .split("; ")
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| match e.rsplit_once(" <") {
                Some((title, rest)) if rest.ends_with('>') && !title.trim().is_empty() => {
                    (title.trim(), rest.strip_suffix('>'))
                }
                _ => (e, None),
            })
    }

    /// The first URL of the rule's source (SARIF's `helpUri`), if it has one.
    pub fn help_uri(&self) -> Option<&'static str> {
        self.sources().find_map(|(_, url)| url)
    }

    /// A finding of this rule at its default severity.
    pub fn at(
        &'static self,
        entity: Option<&str>,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code: self.code,
            severity: self.severity,
            entity: entity.map(str::to_string),
            location,
            message: message.into(),
            hint: self.fix.to_string(),
        }
    }
}

/// Where in an input a finding points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[non_exhaustive]
pub struct Location {
    /// The file, as given on the command line (empty in library use unless set).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// Line, column and offset.
    #[serde(flatten)]
    pub pos: Pos,
    /// An element path such as `/EntityDescriptor/IDPSSODescriptor/KeyDescriptor[2]`.
    pub path: String,
}

impl Location {
    /// A location from a position and an element path.
    pub fn new(pos: Pos, path: impl Into<String>) -> Location {
        Location {
            file: String::new(),
            pos,
            path: path.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::padded(f, |f| {
            // Positions of 0 mean "no line in a text file" (a JSON path, for example).
            match (self.file.is_empty(), self.pos.line == 0) {
                (true, false) => write!(f, "{}", self.pos),
                (false, false) => write!(f, "{}:{}", self.file, self.pos),
                (_, true) => write!(f, "{}", self.file),
            }
        })
    }
}

/// A fact about an input worth telling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The stable dotted code of the [`Rule`] that produced it.
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// The entityID it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Where it points, if it points at a place in an input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is the matter, naming the value and where it is.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    /// The same finding with another hint (when the rule's generic fix can be made precise).
    pub fn with_hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = hint.into();
        self
    }

    /// The same finding at another severity (a rule whose weight depends on context).
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// The same finding with the location's file set.
    pub fn in_file(mut self, file: &str) -> Finding {
        if let Some(l) = &mut self.location {
            l.file = file.to_string();
        }
        self
    }
}

/// Sorts findings into the stable report order: by file, position, code, message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let ka = a.location.as_ref().map(|l| (&l.file, l.pos.offset));
        let kb = b.location.as_ref().map(|l| (&l.file, l.pos.offset));
        ka.cmp(&kb)
            .then_with(|| a.entity.cmp(&b.entity))
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}
