//! The JUnit XML report, for CI systems that show test results.
//!
//! `<testsuites>` holds one `<testsuite>` per input file and, when the run has run-level
//! findings (the pair check) or evaluated `pair.*` checks, one suite named `pair`. A file
//! suite has one `<testcase>` per (entity, check): `classname` is the entityID, `name` the
//! check's code; the checks are the report's evaluated checks other than `pair.*` ones. When
//! there are none, they are the codes found in that suite plus one `samlcheck` test case per
//! entity, so a clean run still shows passing cases. The pair suite has one case per
//! (entity, code) found and one passing case per evaluated `pair.*` check that found nothing. Findings that fit no (entity, check) pair (document-level findings, or codes the
//! report did not list) get test cases of their own.
//!
//! A test case with an error or warning finding has one `<failure>` (`type` = the code,
//! `message` = the first finding's message) whose text lists every finding of that case with
//! its location and hint; info findings go to the case's `<system-out>` and do not fail it.
//!
//! When entities × checks of a suite exceeds [`MAX_TESTCASES`], the suite has one test case
//! per check family (`x509`, `pair`, ...) instead, and a property `samlcheck.grouped` says so.

use super::sarif::family;
use super::Report;
use crate::finding::{sort_findings, Finding, Severity};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// Above this many (entity, check) test cases in one suite, cases are grouped by check family.
pub const MAX_TESTCASES: usize = 50_000;

/// The class name of test cases about a file as a whole (no entity).
const DOCUMENT: &str = "(document)";

/// Characters XML 1.0 cannot carry, even escaped, become U+FFFD.
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' => '\u{fffd}',
            '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// One line for an attribute (parsers fold newlines in attributes into spaces).
fn one_line(s: &str) -> String {
    xml_safe(&s.replace(['\r', '\n'], " "))
}

struct Case {
    classname: String,
    name: String,
    findings: Vec<Finding>,
}

impl Case {
    fn fails(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= Severity::Warning)
    }
}

struct Suite {
    /// Why the suite's file could not be read (one errored test case).
    error: Option<String>,
    name: String,
    file: Option<String>,
    cases: Vec<Case>,
    properties: Vec<(String, String)>,
}

impl Suite {
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.fails()).count()
    }
}

fn describe(f: &Finding) -> String {
    let mut s = format!("{} {}: {}", f.severity, f.code, f.message);
    if let Some(e) = &f.entity {
        s.push_str(&format!("\n  entity: {e}"));
    }
    if let Some(l) = &f.location {
        s.push_str(&format!("\n  at {l}"));
        if !l.path.is_empty() {
            s.push(' ');
            s.push_str(&l.path);
        }
    }
    if !f.hint.is_empty() {
        s.push_str(&format!("\n  hint: {}", f.hint));
    }
    s
}

/// Builds the test cases of one suite from its entities, the checks and its findings.
fn build_cases(
    entities: &[String],
    checks: &[&'static str],
    findings: &[Finding],
    grid_classes: bool,
    props: &mut Vec<(String, String)>,
) -> Vec<Case> {
    let mut sorted: Vec<Finding> = findings.to_vec();
    sort_findings(&mut sorted);
    let checks: Vec<&str> = if checks.is_empty() {
        let found: BTreeSet<&str> = sorted.iter().map(|f| f.code).collect();
        let mut c: Vec<&str> = found.into_iter().collect();
        c.insert(0, "samlcheck");
        c
    } else {
        checks.to_vec()
    };
    let grid_entities: Vec<&str> = if grid_classes {
        let mut seen = BTreeSet::new();
        entities
            .iter()
            .map(String::as_str)
            .filter(|e| seen.insert(*e))
            .collect()
    } else {
        Vec::new()
    };
    let grid_size = grid_entities.len().saturating_mul(checks.len());
    if grid_size > MAX_TESTCASES {
        props.push((
            "samlcheck.grouped".into(),
            format!(
                "by check family: {} entities x {} checks = {grid_size} test cases exceeds {MAX_TESTCASES}",
                grid_entities.len(),
                checks.len()
            ),
        ));
        let mut families: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        for c in &checks {
            families.entry(family(c).to_string()).or_default();
        }
        for f in sorted {
            families
                .entry(family(f.code).to_string())
                .or_default()
                .push(f);
        }
        return families
            .into_iter()
            .map(|(fam, fs)| Case {
                classname: "(all entities)".into(),
                name: fam,
                findings: fs,
            })
            .collect();
    }
    // Ordered keys: the grid first (entity-major), then leftovers in finding order.
    let mut order: Vec<(String, String)> = Vec::with_capacity(grid_size);
    let mut map: BTreeMap<(String, String), Vec<Finding>> = BTreeMap::new();
    for e in &grid_entities {
        for c in &checks {
            let key = ((*e).to_string(), (*c).to_string());
            if map.insert(key.clone(), Vec::new()).is_none() {
                order.push(key);
            }
        }
    }
    for f in sorted {
        let key = (
            f.entity.clone().unwrap_or_else(|| DOCUMENT.to_string()),
            f.code.to_string(),
        );
        match map.get_mut(&key) {
            Some(v) => v.push(f),
            None => {
                order.push(key.clone());
                map.insert(key, vec![f]);
            }
        }
    }
    order
        .into_iter()
        .map(|key| {
            let findings = map.remove(&key).unwrap_or_default();
            Case {
                classname: key.0,
                name: key.1,
                findings,
            }
        })
        .collect()
}

fn write_case(w: &mut Writer<Vec<u8>>, c: &Case, file: Option<&str>) -> io::Result<()> {
    let classname = one_line(&c.classname);
    let name = one_line(&c.name);
    let mut el = w
        .create_element("testcase")
        .with_attribute(("name", name.as_str()))
        .with_attribute(("classname", classname.as_str()));
    let file_attr = file.map(one_line);
    if let Some(f) = &file_attr {
        el = el.with_attribute(("file", f.as_str()));
    }
    el = el.with_attribute(("time", "0"));
    let failing: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect();
    let infos: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| f.severity < Severity::Warning)
        .collect();
    if failing.is_empty() && infos.is_empty() {
        el.write_empty()?;
        return Ok(());
    }
    el.write_inner_content(|w| {
        if let Some(first) = failing.first() {
            let mut message = one_line(&first.message);
            if failing.len() > 1 {
                message.push_str(&format!(" (and {} more)", failing.len() - 1));
            }
            let ty = if failing.iter().all(|f| f.code == first.code) {
                first.code
            } else {
                c.name.as_str()
            };
            let body: Vec<String> = failing.iter().map(|f| describe(f)).collect();
            let body = xml_safe(&body.join("\n"));
            w.create_element("failure")
                .with_attribute(("message", message.as_str()))
                .with_attribute(("type", one_line(ty).as_str()))
                .write_text_content(BytesText::new(&body))?;
        }
        if !infos.is_empty() {
            let body: Vec<String> = infos.iter().map(|f| describe(f)).collect();
            let body = xml_safe(&body.join("\n"));
            w.create_element("system-out")
                .write_text_content(BytesText::new(&body))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_suite(w: &mut Writer<Vec<u8>>, s: &Suite, timestamp: &str) -> io::Result<()> {
    if let Some(msg) = &s.error {
        return write_error_suite(w, s, msg, timestamp);
    }
    let tests = s.cases.len().to_string();
    let failures = s.failures().to_string();
    let name = one_line(&s.name);
    w.create_element("testsuite")
        .with_attribute(("name", name.as_str()))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", "0"))
        .with_attribute(("time", "0"))
        .with_attribute(("timestamp", timestamp))
        .write_inner_content(|w| {
            if !s.properties.is_empty() {
                w.create_element("properties").write_inner_content(|w| {
                    for (k, v) in &s.properties {
                        w.create_element("property")
                            .with_attribute(("name", one_line(k).as_str()))
                            .with_attribute(("value", one_line(v).as_str()))
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            }
            for c in &s.cases {
                write_case(w, c, s.file.as_deref())?;
            }
            Ok(())
        })?;
    Ok(())
}

fn suites(r: &Report) -> Vec<Suite> {
    let mut out = Vec::new();
    // Pair checks are about the two files together: they belong to the pair suite.
    let file_checks: Vec<&'static str> = r
        .checks
        .iter()
        .copied()
        .filter(|c| family(c) != "pair")
        .collect();
    for file in &r.files {
        let mut props = vec![("entities".to_string(), file.entities.len().to_string())];
        let cases = build_cases(
            &file.entities,
            &file_checks,
            &file.findings,
            true,
            &mut props,
        );
        out.push(Suite {
            error: None,
            name: file.file.clone(),
            file: Some(file.file.clone()),
            cases,
            properties: props,
        });
    }
    let pair_checks: Vec<&'static str> = r
        .checks
        .iter()
        .copied()
        .filter(|c| family(c) == "pair")
        .collect();
    if !r.findings.is_empty() || !pair_checks.is_empty() {
        let mut props = Vec::new();
        let mut cases = build_cases(&[], &[], &r.findings, false, &mut props);
        // Evaluated pair checks with no finding pass as one case each.
        for c in pair_checks {
            if !cases.iter().any(|k| k.name == c) {
                cases.push(Case {
                    classname: "pair".into(),
                    name: c.to_string(),
                    findings: Vec::new(),
                });
            }
        }
        if cases.is_empty() {
            cases.push(Case {
                classname: "pair".into(),
                name: "samlcheck".into(),
                findings: Vec::new(),
            });
        }
        out.push(Suite {
            error: None,
            name: "pair".into(),
            file: None,
            cases,
            properties: props,
        });
    }
    for e in &r.errors {
        out.push(Suite {
            error: Some(e.message.clone()),
            name: e.file.clone(),
            file: Some(e.file.clone()),
            cases: Vec::new(),
            properties: Vec::new(),
        });
    }
    out
}

/// The suite of a file that could not be read: one test case `input` with an `<error>`.
fn write_error_suite(
    w: &mut Writer<Vec<u8>>,
    s: &Suite,
    msg: &str,
    timestamp: &str,
) -> io::Result<()> {
    let name = one_line(&s.name);
    w.create_element("testsuite")
        .with_attribute(("name", name.as_str()))
        .with_attribute(("tests", "1"))
        .with_attribute(("failures", "0"))
        .with_attribute(("errors", "1"))
        .with_attribute(("skipped", "0"))
        .with_attribute(("time", "0"))
        .with_attribute(("timestamp", timestamp))
        .write_inner_content(|w| {
            w.create_element("testcase")
                .with_attribute(("name", "input"))
                .with_attribute(("classname", "input"))
                .with_attribute(("file", name.as_str()))
                .with_attribute(("time", "0"))
                .write_inner_content(|w| {
                    w.create_element("error")
                        .with_attribute(("message", one_line(msg).as_str()))
                        .with_attribute(("type", "input"))
                        .write_text_content(BytesText::new(&xml_safe(msg)))?;
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn write_all(r: &Report) -> io::Result<Vec<u8>> {
    let suites = suites(r);
    let timestamp = r.at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let errors = suites.iter().filter(|s| s.error.is_some()).count();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum::<usize>() + errors;
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let name = format!("samlcheck {}", r.command);
    w.create_element("testsuites")
        .with_attribute(("name", one_line(&name).as_str()))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", errors.to_string().as_str()))
        .with_attribute(("skipped", "0"))
        .with_attribute(("time", "0"))
        .write_inner_content(|w| {
            for s in &suites {
                write_suite(w, s, &timestamp)?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// Renders a report as JUnit XML (see the module docs for the shape).
pub fn to_junit(r: &Report) -> String {
    match write_all(r) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(xml_safe("a\u{1}b\tc\u{ffff}"), "a\u{fffd}b\tc\u{fffd}");
        assert_eq!(one_line("a\nb"), "a b");
    }
}
