//! `--redact`: NameID and attribute values become stable placeholders (`nameid-1`,
//! `value-1`, ...) in the summary, the findings and the notes, so a report can be pasted
//! into a ticket. The same value gets the same placeholder throughout one report.

use super::{ResponseReport, ResponseResult};
use std::collections::HashMap;

#[derive(Default)]
struct Redactor {
    map: HashMap<String, String>,
    /// The values replaced wherever they occur (not only between backticks), longest first:
    /// the first [`ANYWHERE`] NameIDs and the first [`ANYWHERE`] attribute values, so that
    /// the work stays linear in the size of the report however many values a response holds
    /// (a value past these, or one holding a backtick, is replaced where it is quoted).
    anywhere: Vec<(String, String)>,
    name_ids: usize,
    values: usize,
}

/// How many values are also replaced outside backticks (the NameID and mail reappear there,
/// in the names of users from the exports; other values appear only quoted).
const ANYWHERE: usize = 64;

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
        let count = if nameid { self.name_ids } else { self.values };
        if count <= ANYWHERE {
            self.anywhere.push((v.to_string(), p.clone()));
        }
        p
    }

    /// The placeholder of a value that was read (every value of the summary was).
    fn exact(&self, v: &str) -> String {
        self.map.get(v).cloned().unwrap_or_else(|| self.apply(v))
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

    /// Replaces known values in `s`: every value quoted in backticks (how the checks write
    /// values) by one lookup per quoted part, and the first [`ANYWHERE`] values wherever they
    /// occur, longest first (a value inside a longer one is covered by the longer one's
    /// placeholder). Linear in `s` (times the bounded number of anywhere-values).
    fn apply(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for (i, part) in s.split('`').enumerate() {
            if i > 0 {
                out.push('`');
            }
            match self.map.get(part).filter(|_| i % 2 == 1) {
                Some(p) => out.push_str(p),
                None => out.push_str(part),
            }
        }
        for (k, p) in &self.anywhere {
            if out.contains(k.as_str()) {
                out = out.replace(k.as_str(), p);
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
    r.anywhere
        .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    for x in &mut report.responses {
        if let Some(n) = &mut x.summary.name_id {
            *n = r.exact(n);
        }
        for a in &mut x.summary.attributes {
            for v in &mut a.values {
                *v = r.exact(v);
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
