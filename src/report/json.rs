//! The JSON report (documented in README "JSON output").

use super::Report;
use serde_json::{json, Value};

/// Renders a report as one pretty-printed JSON document.
pub fn to_json(r: &Report, extra: Option<Value>) -> String {
    let v = to_value(r, extra);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The JSON document of [`to_json`] as a value: the report's header, files, findings, notes
/// and counts, with the members of `extra` (an object) added.
pub fn to_value(r: &Report, extra: Option<Value>) -> Value {
    let (e, w, i) = r.counts();
    let mut v = json!({
        "tool": "samlcheck",
        "version": env!("CARGO_PKG_VERSION"),
        "command": r.command,
        "at": r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "files": r.files,
        "findings": r.findings,
        "notes": r.notes,
        "summary": {"error": e, "warning": w, "info": i},
    });
    if let (false, Value::Object(map)) = (r.errors.is_empty(), &mut v) {
        map.insert("errors".into(), json!(r.errors));
    }
    if let (Some(Value::Object(extra)), Value::Object(map)) = (extra, &mut v) {
        for (k, val) in extra {
            map.insert(k, val);
        }
    }
    v
}
