//! The SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers.
//!
//! One run; the tool's rules are the catalogue entries of every code the report uses (in code
//! order); one result per finding, per-file findings first (files in report order, findings in
//! the crate's stable order), then the run-level (pair) findings. Columns count Unicode code
//! points (`columnKind: unicodeCodePoints`), as [`Pos`](crate::Pos) does.

use super::Report;
use crate::finding::{sort_findings, Finding, Severity};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The schema URI written into `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes a file name as a relative URI reference (backslashes become slashes).
fn uri_of(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.replace('\\', "/").bytes() {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // A relative reference whose first segment holds a colon would read as a scheme.
    if out.is_empty() {
        out.push_str("%3Cstdin%3E");
    }
    out
}

fn rule_json(code: &str, sev: Severity) -> Value {
    match crate::catalog::rule(code) {
        Some(r) => {
            let mut full = r.summary.to_string();
            if !r.fix.is_empty() {
                if !full.ends_with(['.', '!', '?']) {
                    full.push('.');
                }
                full.push_str(" Fix: ");
                full.push_str(r.fix);
            }
            let mut help = format!("{}\n\nHow to fix: {}", r.summary, r.fix);
            if !r.source.is_empty() {
                help.push_str("\n\nSource: ");
                help.push_str(r.source);
            }
            let mut v = json!({
                "id": r.code,
                "name": r.code,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": full},
                "help": {"text": help},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": [family(r.code)], "source": r.source},
            });
            // The first page the rule's fact comes from.
            if let (Some(uri), Some(o)) = (r.help_uri(), v.as_object_mut()) {
                o.insert("helpUri".into(), json!(uri));
            }
            v
        }
        None => json!({
            "id": code,
            "name": code,
            "shortDescription": {"text": code},
            "defaultConfiguration": {"level": level(sev)},
            "properties": {"tags": [family(code)]},
        }),
    }
}

/// The family of a code: the part before the first dot (`x509` of `x509.expired`).
pub(crate) fn family(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

fn message_text(f: &Finding) -> String {
    if f.hint.is_empty() {
        f.message.clone()
    } else {
        format!("{}\nhint: {}", f.message, f.hint)
    }
}

/// A fingerprint that stays the same while the finding does (code, entity, element path, and
/// the message), so code scanning matches results across runs even when lines move.
fn fingerprint(f: &Finding, file: &str) -> String {
    let path = f.location.as_ref().map_or("", |l| l.path.as_str());
    let key = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        f.code,
        file,
        f.entity.as_deref().unwrap_or(""),
        path,
        f.message
    );
    let d = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    crate::x509::hex_upper(d.as_ref().get(..16).unwrap_or_default()).to_lowercase()
}

fn result_json(f: &Finding, file: Option<&str>, rule_index: usize) -> Value {
    let mut res = Map::new();
    res.insert("ruleId".into(), json!(f.code));
    res.insert("ruleIndex".into(), json!(rule_index));
    res.insert("level".into(), json!(level(f.severity)));
    res.insert("message".into(), json!({ "text": message_text(f) }));
    let loc_file = f
        .location
        .as_ref()
        .map(|l| l.file.as_str())
        .filter(|s| !s.is_empty())
        .or(file);
    let mut location = Map::new();
    if let Some(name) = loc_file {
        let mut phys = Map::new();
        phys.insert("artifactLocation".into(), json!({ "uri": uri_of(name) }));
        if let Some(l) = &f.location {
            if l.pos.line >= 1 {
                let mut region = Map::new();
                region.insert("startLine".into(), json!(l.pos.line));
                if l.pos.col >= 1 {
                    region.insert("startColumn".into(), json!(l.pos.col));
                }
                phys.insert("region".into(), Value::Object(region));
            }
        }
        location.insert("physicalLocation".into(), Value::Object(phys));
    }
    let mut logical = Vec::new();
    if let Some(e) = &f.entity {
        logical.push(json!({"name": e, "kind": "resource"}));
    }
    if let Some(l) = f.location.as_ref().filter(|l| !l.path.is_empty()) {
        let leaf = l.path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
        let fq = match &f.entity {
            Some(e) => format!("{e}{}", l.path),
            None => l.path.clone(),
        };
        logical.push(json!({"name": leaf, "fullyQualifiedName": fq, "kind": "element"}));
    }
    if !logical.is_empty() {
        location.insert("logicalLocations".into(), Value::Array(logical));
    }
    if !location.is_empty() {
        res.insert("locations".into(), json!([Value::Object(location)]));
    }
    res.insert(
        "partialFingerprints".into(),
        json!({ "samlcheckFinding/v1": fingerprint(f, loc_file.unwrap_or("")) }),
    );
    let mut props = Map::new();
    if let Some(e) = &f.entity {
        props.insert("entityId".into(), json!(e));
    }
    if let Some(l) = f.location.as_ref().filter(|l| !l.path.is_empty()) {
        props.insert("elementPath".into(), json!(l.path));
    }
    if !f.hint.is_empty() {
        props.insert("hint".into(), json!(f.hint));
    }
    props.insert("severity".into(), json!(f.severity.as_str()));
    res.insert("properties".into(), Value::Object(props));
    Value::Object(res)
}

/// Renders a report as a SARIF 2.1.0 log (pretty-printed JSON, one run).
///
/// Each finding is one result at level `error`, `warning` or `note` (for info), with the
/// file as given on the command line as the artifact URI, `startLine`/`startColumn` from the
/// finding's position, and logical locations for the entityID and the element path. A
/// finding without a position points at its file; a run-level (pair) finding without one
/// points at the file that holds its entity, or has no physical location when none does.
pub fn to_sarif(r: &Report) -> String {
    // (finding, file it belongs to) in output order.
    let mut ordered: Vec<(Finding, Option<&str>)> = Vec::new();
    for file in &r.files {
        let mut fs = file.findings.clone();
        sort_findings(&mut fs);
        ordered.extend(fs.into_iter().map(|f| (f, Some(file.file.as_str()))));
    }
    let mut run_level = r.findings.clone();
    sort_findings(&mut run_level);
    // A run-level finding without a location points at the file holding its entity, so code
    // scanning (which wants a location on every result) can still show it.
    let file_of = |f: &Finding| -> Option<&str> {
        let e = f.entity.as_deref()?;
        r.files
            .iter()
            .find(|file| file.entities.iter().any(|x| x == e))
            .map(|file| file.file.as_str())
    };
    ordered.extend(run_level.into_iter().map(|f| {
        let file = file_of(&f);
        (f, file)
    }));

    let mut codes: BTreeMap<&'static str, Severity> = BTreeMap::new();
    for (f, _) in &ordered {
        codes.entry(f.code).or_insert(f.severity);
    }
    let index: BTreeMap<&str, usize> = codes.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = codes.iter().map(|(c, s)| rule_json(c, *s)).collect();
    let results: Vec<Value> = ordered
        .iter()
        .map(|(f, file)| result_json(f, *file, index.get(f.code).copied().unwrap_or(0)))
        .collect();
    let artifacts: Vec<Value> = r
        .files
        .iter()
        .map(|f| json!({"location": {"uri": uri_of(&f.file)}}))
        .collect();
    let mut notes: Vec<Value> = r
        .errors
        .iter()
        .map(|e| {
            let mut region = Map::new();
            if let (Some(l), Some(c)) = (e.line, e.col) {
                region.insert("startLine".into(), json!(l));
                region.insert("startColumn".into(), json!(c));
            }
            let mut phys = Map::new();
            phys.insert("artifactLocation".into(), json!({"uri": uri_of(&e.file)}));
            if !region.is_empty() {
                phys.insert("region".into(), Value::Object(region));
            }
            json!({
                "level": "error",
                "message": {"text": e.message},
                "locations": [{"physicalLocation": Value::Object(phys)}],
            })
        })
        .collect();
    notes.extend(
        r.notes
            .iter()
            .map(|n| json!({"level": "note", "message": {"text": n}})),
    );
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(r.errors.is_empty()));
    invocation.insert(
        "endTimeUtc".into(),
        json!(r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    );
    invocation.insert("properties".into(), json!({ "command": r.command }));
    if !notes.is_empty() {
        invocation.insert("toolExecutionNotifications".into(), Value::Array(notes));
    }
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "samlcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [Value::Object(invocation)],
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri_of("infra/aws.xml"), "infra/aws.xml");
        assert_eq!(uri_of("a b\\c:d.xml"), "a%20b/c%3Ad.xml");
        assert_eq!(uri_of(""), "%3Cstdin%3E");
    }

    #[test]
    fn levels_map_info_to_note() {
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(level(Severity::Warning), "warning");
        assert_eq!(level(Severity::Error), "error");
    }
}
