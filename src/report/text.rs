//! The human-readable text report.

use super::Report;
use crate::finding::{Finding, Severity};
use std::fmt::Write;

/// Options for text rendering.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// Leave out info findings.
    pub hide_info: bool,
}

impl TextOptions {
    /// Options with colour on or off.
    pub fn color(color: bool) -> TextOptions {
        TextOptions {
            color,
            hide_info: false,
        }
    }
}

fn paint(o: &TextOptions, code: &str, s: &str) -> String {
    if o.color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The severity tag, padded and coloured.
pub fn severity_tag(o: &TextOptions, s: Severity) -> String {
    match s {
        Severity::Error => paint(o, "1;31", "error  "),
        Severity::Warning => paint(o, "1;33", "warning"),
        Severity::Info => paint(o, "1;36", "info   "),
    }
}

/// Writes one finding: `severity code  message` then location and hint lines.
pub fn write_finding(out: &mut String, o: &TextOptions, f: &Finding, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}{} {}  {}",
        severity_tag(o, f.severity),
        paint(o, "1", f.code),
        f.message
    );
    if let Some(l) = &f.location {
        let _ = writeln!(out, "{indent}          at {l} {}", paint(o, "2", &l.path));
    }
    if !f.hint.is_empty() {
        let _ = writeln!(out, "{indent}          hint: {}", f.hint);
    }
}

/// Renders findings grouped by file and entity.
pub fn to_text(r: &Report, o: &TextOptions) -> String {
    let mut out = String::new();
    for file in &r.files {
        let shown: Vec<&Finding> = file
            .findings
            .iter()
            .filter(|f| !(o.hide_info && f.severity == Severity::Info))
            .collect();
        let _ = writeln!(
            out,
            "{} ({} {})",
            paint(o, "1", &file.file),
            file.entities.len(),
            if file.entities.len() == 1 {
                "entity"
            } else {
                "entities"
            }
        );
        if shown.is_empty() {
            let _ = writeln!(out, "  no findings");
            continue;
        }
        let mut current: Option<&Option<String>> = None;
        for f in shown {
            if current != Some(&f.entity) {
                let label = f.entity.as_deref().unwrap_or("(document)");
                let _ = writeln!(out, "  {}", paint(o, "4", label));
                current = Some(&f.entity);
            }
            write_finding(&mut out, o, f, "    ");
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "{}", paint(o, "1", "pair"));
        for f in r
            .findings
            .iter()
            .filter(|f| !(o.hide_info && f.severity == Severity::Info))
        {
            write_finding(&mut out, o, f, "  ");
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\n{}", paint(o, "1", "notes"));
        for n in &r.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    let (e, w, i) = r.counts();
    let _ = writeln!(out, "\n{e} error(s), {w} warning(s), {i} info");
    out
}
