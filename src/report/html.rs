//! The HTML report: one self-contained page (no script, no network, no external font or
//! image; a Content-Security-Policy forbids loading anything) with the summary, the findings
//! grouped by file, entity and severity with their hints, and the certificate timeline as
//! inline SVG. Everything taken from the input is escaped.
//!
//! ```
//! use samlcheck::report::{html, Report};
//! let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/entra-idp.xml")?, &samlcheck::Limits::default())?;
//! let report = Report::new("show", at);
//! let mut input = html::HtmlInput::new(&report);
//! input.add_metadata("entra-idp.xml", &md);
//! let page = html::render(&input);
//! assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<svg"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::svg::escape;
use super::timeline::{self, CertBar};
use super::Report;
use crate::finding::{Finding, Severity};
use crate::model::Metadata;
use std::collections::HashMap;
use std::fmt::Write;

/// What an HTML page shows: a report, the certificates of its files, and optional
/// preformatted sections (the text of `show` or `diff`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HtmlInput<'a> {
    /// The report: command, instant, files, findings, notes.
    pub report: &'a Report,
    /// The page title; by default `samlcheck <command> report`.
    pub title: String,
    /// The warning window shaded on the timeline, in days.
    pub warn_days: i64,
    /// Certificates drawn on the timeline, top to bottom.
    pub certificates: Vec<CertBar>,
    /// Extra sections `(heading, text)`, shown preformatted after the findings.
    pub details: Vec<(String, String)>,
}

impl<'a> HtmlInput<'a> {
    /// A page for `report`, with a 30-day warning window and no certificates yet.
    pub fn new(report: &'a Report) -> HtmlInput<'a> {
        HtmlInput {
            report,
            title: format!("samlcheck {} report", report.command),
            warn_days: 30,
            certificates: Vec::new(),
            details: Vec::new(),
        }
    }

    /// Adds every certificate of `md` (read from `file`) to the timeline.
    pub fn add_metadata(&mut self, file: &str, md: &Metadata) -> &mut HtmlInput<'a> {
        self.certificates.extend(timeline::certificates(md, file));
        self
    }
}

const STYLE: &str = r#"
:root{--err:#b3261e;--warn:#9a6700;--info:#0b57d0;--ok:#1e7e34;--fg:#1f2328;--mut:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:1.05em;margin:18px 0 6px;word-break:break-all}h4{font-size:.95em;margin:12px 0 4px;word-break:break-all}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.meta{color:var(--mut)}
.counts{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}
.count{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:110px}
.count b{font-size:1.4em;display:block}
.count.error b{color:var(--err)}.count.warning b{color:var(--warn)}.count.info b{color:var(--info)}
.verdict{font-weight:600;padding:8px 12px;border-radius:6px;border-left:5px solid}
.verdict.error{border-color:var(--err);background:#fdecea}.verdict.warning{border-color:var(--warn);background:#fff8e1}
.verdict.ok{border-color:var(--ok);background:#e8f5e9}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;word-break:break-all}
ul.findings{list-style:none;padding:0;margin:0}
li.finding{border-left:4px solid var(--line);padding:6px 10px;margin:6px 0;background:#f6f8fa;break-inside:avoid}
li.finding.error{border-color:var(--err)}li.finding.warning{border-color:var(--warn)}li.finding.info{border-color:var(--info)}
.sev{font-weight:700;text-transform:uppercase;font-size:.75em;letter-spacing:.04em;margin-right:6px}
.sev.error{color:var(--err)}.sev.warning{color:var(--warn)}.sev.info{color:var(--info)}
.msg{margin:2px 0;overflow-wrap:anywhere}.loc{color:var(--mut);font-size:.85em;overflow-wrap:anywhere}
.hint{margin:4px 0 0;overflow-wrap:anywhere}.hint::before{content:"Fix: ";font-weight:600}
.timeline{overflow-x:auto}.timeline svg{max-width:100%;height:auto;font-family:system-ui,sans-serif}
.tl-grid{stroke:#e3e8ee}.tl-tick{font-size:11px;fill:var(--mut)}
.tl-label{font-size:12px;font-weight:600}.tl-sub{font-size:10.5px;fill:var(--mut)}
.tl-dates{font-size:10.5px;fill:#1f2328}
.tl-bar{stroke-width:1.2}.tl-bar.tl-valid{fill:#9fd3a8;stroke:#1e7e34}.tl-bar.tl-expiring{fill:#ffd68a;stroke:#9a6700}
.tl-bar.tl-expired{fill:url(#tl-hatch);stroke:#6e7781}.tl-bar.tl-not-yet-valid{fill:#fff;stroke:#0b57d0;stroke-dasharray:4 2}
.tl-row.tl-expired .tl-label{fill:#6e7781;text-decoration:line-through}
.tl-warn{fill:#ffd54f;fill-opacity:.45}.tl-overlap{fill:#3b6fd8;fill-opacity:.2;stroke:#0b57d0;stroke-width:1.5;stroke-dasharray:5 3}
.tl-at{stroke:var(--err);stroke-width:2}.tl-at-label{font-size:11px;fill:var(--err);font-weight:600}
.tl-legend{font-size:11px;fill:var(--mut)}.tl-empty{font-size:13px;fill:var(--mut)}
pre{background:#f6f8fa;padding:10px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
footer{margin-top:32px;color:var(--mut);font-size:.85em}
@media print{body{max-width:none;padding:0;font-size:11pt}h2{break-after:avoid}section{break-inside:auto}
.timeline{overflow:visible}li.finding{background:none}a{color:inherit;text-decoration:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"#;

/// The whole page. Its size is linear in the report and the number of certificates.
pub fn render(input: &HtmlInput<'_>) -> String {
    let r = input.report;
    let at = r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut s = String::with_capacity(16 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"samlcheck {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&input.title)
    );
    let _ = writeln!(
        s,
        "<header><h1>{}</h1><p class=\"meta\">evaluated at <time datetime=\"{at}\">{at}</time> · samlcheck {} · {} file(s)</p></header>",
        escape(&input.title),
        env!("CARGO_PKG_VERSION"),
        r.files.len()
    );
    summary(&mut s, r);
    let _ = write!(
        s,
        "<section id=\"timeline\"><h2>Certificate timeline</h2>\n<p class=\"meta\">Every signing and encryption certificate as a bar from notBefore to notAfter; the red line is the instant of evaluation, the shaded band the {} day warning window, blue bands the overlap of two certificates during a rollover.</p>\n<div class=\"timeline\">{}</div></section>\n",
        input.warn_days,
        timeline::svg(&input.certificates, r.at, input.warn_days)
    );
    findings(&mut s, r);
    if !r.notes.is_empty() {
        s.push_str("<section id=\"notes\"><h2>Notes</h2><ul>");
        for n in &r.notes {
            let _ = write!(s, "<li>{}</li>", escape(n));
        }
        s.push_str("</ul></section>\n");
    }
    for (heading, text) in &input.details {
        let _ = writeln!(
            s,
            "<section class=\"details\"><h2>{}</h2><pre>{}</pre></section>",
            escape(heading),
            escape_pre(text)
        );
    }
    let _ = write!(
        s,
        "<footer>Generated by samlcheck {} for <code>{}</code>. Severity: error = sign-in fails or the file is refused; warning = works today, breaks on a known date or event; info = a fact worth knowing.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(r.command)
    );
    s
}

/// Escapes preformatted text, keeping line breaks.
fn escape_pre(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

fn summary(s: &mut String, r: &Report) {
    let (e, w, i) = r.counts();
    s.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    let (class, verdict) = if e > 0 {
        ("error", "Errors found: with this configuration sign-in fails, or AWS/Entra refuses the file or setting.")
    } else if w > 0 {
        (
            "warning",
            "No errors. Warnings: works today but breaks on a known date or event.",
        )
    } else {
        ("ok", "No errors or warnings.")
    };
    let _ = write!(
        s,
        "<p class=\"verdict {class}\">{verdict}</p>\n<div class=\"counts\">"
    );
    for (n, c, label) in [
        (e, "error", "errors"),
        (w, "warning", "warnings"),
        (i, "info", "info"),
    ] {
        let _ = write!(s, "<div class=\"count {c}\"><b>{n}</b>{label}</div>");
    }
    s.push_str("</div>\n");
    if !r.files.is_empty() {
        s.push_str(
            "<table><thead><tr><th>file</th><th>entities</th><th>findings</th></tr></thead><tbody>",
        );
        for f in &r.files {
            let ents: Vec<String> = f
                .entities
                .iter()
                .take(20)
                .map(|e| format!("<code>{}</code>", escape(e)))
                .collect();
            let more = f.entities.len().saturating_sub(20);
            let _ = write!(
                s,
                "<tr><td><code>{}</code></td><td>{}{}</td><td>{}</td></tr>",
                escape(&f.file),
                ents.join("<br>"),
                if more > 0 {
                    format!("<br>… and {more} more")
                } else {
                    String::new()
                },
                f.findings.len()
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

fn findings(s: &mut String, r: &Report) {
    s.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if r.all_findings().next().is_none() {
        s.push_str("<p>No findings.</p>\n");
    }
    for f in &r.files {
        if f.findings.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<div class=\"file\"><h3>File <code>{}</code></h3>",
            escape(&f.file)
        );
        by_entity(s, &f.findings);
        s.push_str("</div>\n");
    }
    if !r.findings.is_empty() {
        let what = if r.command == "check" {
            "Pair check (across both files)"
        } else {
            "Across files"
        };
        let _ = writeln!(s, "<div class=\"file run\"><h3>{what}</h3>");
        by_entity(s, &r.findings);
        s.push_str("</div>\n");
    }
    s.push_str("</section>\n");
}

/// Findings grouped by entity (in order of first appearance; document-level ones first)
/// and, within an entity, by severity (errors first).
fn by_entity(s: &mut String, list: &[Finding]) {
    let mut groups: HashMap<Option<&str>, Vec<&Finding>> = HashMap::new();
    let mut order: Vec<Option<&str>> = Vec::new();
    for f in list {
        let k = f.entity.as_deref();
        groups
            .entry(k)
            .or_insert_with(|| {
                order.push(k);
                Vec::new()
            })
            .push(f);
    }
    order.sort_by_key(|k| k.is_some());
    for k in order {
        let Some(items) = groups.get(&k) else {
            continue;
        };
        match k {
            Some(e) => {
                let _ = writeln!(s, "<h4>Entity <code>{}</code></h4>", escape(e));
            }
            None => s.push_str("<h4>Document</h4>\n"),
        }
        s.push_str("<ul class=\"findings\">");
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            for f in items.iter().filter(|f| f.severity == sev) {
                finding(s, f);
            }
        }
        s.push_str("</ul>\n");
    }
}

fn finding(s: &mut String, f: &Finding) {
    let sev = f.severity.as_str();
    let code = match crate::catalog::rule(f.code).and_then(|r| r.help_uri()) {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noreferrer\"><code>{}</code></a>",
            escape(url),
            escape(f.code)
        ),
        None => format!("<code>{}</code>", escape(f.code)),
    };
    let _ = write!(
        s,
        "<li class=\"finding {sev}\" data-code=\"{}\"><span class=\"sev {sev}\">{sev}</span>{code}<p class=\"msg\">{}</p>",
        escape(f.code),
        escape(&f.message)
    );
    if let Some(l) = &f.location {
        let _ = write!(
            s,
            "<div class=\"loc\">{} <span class=\"mono\">{}</span></div>",
            escape(&l.to_string()),
            escape(&l.path)
        );
    }
    if !f.hint.is_empty() {
        let _ = write!(s, "<p class=\"hint\">{}</p>", escape(&f.hint));
    }
    s.push_str("</li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;

    fn at() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn report_with_hostile_entity() -> Report {
        let mut r = Report::new("lint", at());
        let rule = crate::catalog::rule("x509.expired").unwrap();
        let bad = "https://evil.example/<script>alert(1)</script>\"'&";
        let mut f = rule.at(
            Some(bad),
            Some(Location::new(crate::Pos::default(), "/EntityDescriptor")),
            format!("certificate of {bad} expired"),
        );
        f = f.in_file("in<put>.xml");
        r.files.push(super::super::FileReport {
            file: "in<put>.xml".into(),
            entities: vec![bad.into()],
            findings: vec![f],
        });
        r
    }

    #[test]
    fn input_is_escaped_everywhere() {
        let r = report_with_hostile_entity();
        let mut input = HtmlInput::new(&r);
        let mut bar = CertBar::new(
            "<script>alert(2)</script>",
            timeline::CertUse::Signing,
            "CN=<img src=x onerror=alert(3)>",
            at() - chrono::Duration::days(10),
            at() + chrono::Duration::days(10),
        );
        bar.file = "<i>f</i>".into();
        input.certificates.push(bar);
        input
            .details
            .push(("<h1>".into(), "a\n<script>b</script>".into()));
        let page = render(&input);
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<i>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
        assert!(page.contains("a\n&lt;script&gt;b&lt;/script&gt;"));
    }

    #[test]
    fn page_is_self_contained() {
        let r = report_with_hostile_entity();
        let page = render(&HtmlInput::new(&r));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("Content-Security-Policy"));
        for external in [
            "<script",
            "<link",
            "@import",
            "src=",
            "url(http",
            "@font-face",
        ] {
            assert!(!page.contains(external), "{external}");
        }
        assert!(page.contains("@media print"));
    }

    #[test]
    fn findings_grouped_with_hints_and_summary() {
        let mut r = Report::new("check", at());
        let expired = crate::catalog::rule("x509.expired").unwrap();
        let info = crate::catalog::rules()
            .into_iter()
            .find(|r| r.severity == Severity::Info)
            .unwrap();
        r.findings
            .push(info.at(Some("https://b/"), None, "an info"));
        r.findings
            .push(expired.at(Some("https://b/"), None, "an error"));
        r.findings.push(expired.at(None, None, "document level"));
        let page = render(&HtmlInput::new(&r));
        assert!(page.contains("Pair check (across both files)"));
        assert!(page.contains("<b>2</b>errors"));
        // Document-level group first, then the entity; within it the error before the info.
        let doc = page.find("<h4>Document</h4>").unwrap();
        let ent = page.find("Entity <code>https://b/</code>").unwrap();
        assert!(doc < ent);
        let (e, i) = (
            page.find("an error").unwrap(),
            page.find("an info").unwrap(),
        );
        assert!(ent < e && e < i);
        assert!(page.contains(&format!("<p class=\"hint\">{}</p>", escape(expired.fix))));
        assert!(page.contains("class=\"verdict error\""));
    }

    #[test]
    fn no_findings_no_certificates() {
        let r = Report::new("show", at());
        let page = render(&HtmlInput::new(&r));
        assert!(page.contains("No findings."));
        assert!(page.contains("no certificate with readable dates"));
        assert!(page.contains("class=\"verdict ok\""));
    }
}
