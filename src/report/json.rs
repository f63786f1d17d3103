//! The JSON report (documented in README "JSON output").

use super::Report;
use serde_json::{json, Value};

/// Renders a report as one pretty-printed JSON document.
pub fn to_json(r: &Report, extra: Option<Value>) -> String {
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
    if let (Some(Value::Object(extra)), Value::Object(map)) = (extra, &mut v) {
        for (k, val) in extra {
            map.insert(k, val);
        }
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
