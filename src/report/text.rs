//! The human-readable text report.

use super::Report;
use crate::finding::{Finding, Severity};
use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character must not reach a terminal as it is: control characters (C0, DEL,
/// C1), bidirectional controls (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069), the line
/// and paragraph separators, and zero-width characters that hide inside a value.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || crate::lint::is_hidden_char(c)
}

/// Text from an input made safe for a terminal: every character of [`is_unsafe_char`]
/// becomes a visible escape (`\n`, `\r`, `\t`, `\u{202e}`), so that a crafted entityID,
/// URL or subject cannot move the cursor, recolour the screen or reorder what is shown
/// (Trojan Source, CVE-2021-42574). Borrowed when there is nothing to escape.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

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
        escape_text(&f.message)
    );
    if let Some(l) = &f.location {
        let _ = writeln!(
            out,
            "{indent}          at {} {}",
            escape_text(&l.to_string()),
            paint(o, "2", &escape_text(&l.path))
        );
    }
    if !f.hint.is_empty() {
        let _ = writeln!(out, "{indent}          hint: {}", escape_text(&f.hint));
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
            paint(o, "1", &escape_text(&file.file)),
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
                let _ = writeln!(out, "  {}", paint(o, "4", &escape_text(label)));
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
    for e in &r.errors {
        let _ = writeln!(
            out,
            "{}\n  {} {}",
            paint(o, "1", &escape_text(&e.file)),
            paint(o, "1;31", "error"),
            escape_text(&e.message)
        );
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\n{}", paint(o, "1", "notes"));
        for n in &r.notes {
            let _ = writeln!(out, "  - {}", escape_text(n));
        }
    }
    let (e, w, i) = r.counts();
    let _ = write!(out, "\n{e} error(s), {w} warning(s), {i} info");
    let _ = match r.errors.len() {
        0 => writeln!(out),
        1 => writeln!(out, "; 1 file could not be read"),
        n => writeln!(out, "; {n} files could not be read"),
    };
    out
}
