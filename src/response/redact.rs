//! `--redact`: NameID and attribute values become stable placeholders (`nameid-1`,
//! `value-1`, ...) in the summary, the findings and the notes, so a report can be pasted
//! into a ticket. The same value gets the same placeholder throughout one report.

use super::{ResponseReport, ResponseResult};
use std::collections::HashMap;

#[derive(Default)]
struct Redactor {
    map: HashMap<String, String>,
    name_ids: usize,
    values: usize,
}

impl Redactor {
    fn placeholder(&mut self, v: &str, nameid: bool) -> String {
        if let Some(p) = self.map.get(v) {
            return p.clone();
        }
        let p = if nameid {
            self.name_ids += 1;
            format!("nameid-{}", self.name_ids)
        } else {
            self.values += 1;
            format!("value-{}", self.values)
        };
        self.map.insert(v.to_string(), p.clone());
        p
    }

    fn learn(&mut self, r: &ResponseResult) {
        if let Some(n) = r.summary.name_id.as_deref().filter(|n| !n.is_empty()) {
            self.placeholder(n, true);
        }
        for a in &r.summary.attributes {
            for v in a.values.iter().filter(|v| !v.is_empty()) {
                self.placeholder(v, false);
            }
        }
    }

    /// Replaces every known value in `s`, longest first (a value inside a longer one is
    /// covered by the longer one's placeholder).
    fn apply(&self, s: &str) -> String {
        let mut keys: Vec<&String> = self.map.keys().collect();
        keys.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let mut out = s.to_string();
        for k in keys {
            if let Some(p) = self.map.get(k) {
                if out.contains(k.as_str()) {
                    out = out.replace(k.as_str(), p);
                }
            }
        }
        out
    }
}

/// Redacts a whole report in place.
pub(super) fn redact(report: &mut ResponseReport) {
    let mut r = Redactor::default();
    for x in &report.responses {
        r.learn(x);
    }
    if r.map.is_empty() {
        return;
    }
    for x in &mut report.responses {
        if let Some(n) = &mut x.summary.name_id {
            *n = r.apply(n);
        }
        for a in &mut x.summary.attributes {
            for v in &mut a.values {
                *v = r.apply(v);
            }
        }
        for f in &mut x.findings {
            f.message = r.apply(&f.message);
        }
    }
    for n in &mut report.notes {
        *n = r.apply(n);
    }
}
