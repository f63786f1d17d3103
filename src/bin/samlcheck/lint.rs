//! `samlcheck lint FILE...`: the rule catalogue on every entity of every file.

use crate::common::{emit, exit_for, input_error, usage_error, Ctx, FailOn, Format};
use samlcheck::lint::{lint, LintOptions};
use samlcheck::{Finding, Limits, Metadata, Severity};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `samlcheck lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Metadata files (an EntityDescriptor or an EntitiesDescriptor aggregate each).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Report certificates that expire within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub warn_days: i64,
    /// Report a validUntil further ahead than this many days.
    #[arg(long, value_name = "N", default_value_t = 366)]
    pub far_future_days: i64,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Do not report this code (repeatable; `PREFIX.*` disables a family, e.g. `aws.*`).
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
    /// Report only this code (repeatable; `PREFIX.*` selects a family).
    #[arg(long, value_name = "CODE")]
    pub only: Vec<String>,
}

/// One linted file.
struct FileReport {
    name: String,
    entities: usize,
    findings: Vec<Finding>,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    if matches!(ctx.format, Format::Sarif | Format::Junit | Format::Markdown) {
        return usage_error(&format!(
            "--format {} is not yet supported by `lint`; use text or json",
            match ctx.format {
                Format::Sarif => "sarif",
                Format::Junit => "junit",
                _ => "markdown",
            }
        ));
    }
    let disabled = match expand_codes(&args.disable, "--disable") {
        Ok(c) => c,
        Err(msg) => return usage_error(&msg),
    };
    let only = match expand_codes(&args.only, "--only") {
        Ok(c) => c,
        Err(msg) => return usage_error(&msg),
    };
    if args.warn_days < 0 || args.far_future_days < 0 {
        return usage_error("--warn-days and --far-future-days must not be negative");
    }
    let mut opts = LintOptions::at(ctx.at);
    opts.warn_days = args.warn_days;
    opts.far_future_days = args.far_future_days;
    opts.disabled = disabled;
    opts.only = only;

    // Read everything first: on an input error nothing is written to standard output.
    let limits = Limits::default();
    let mut parsed: Vec<(String, Metadata)> = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let name = path.display().to_string();
        match read(path, &limits) {
            Ok(md) => parsed.push((name, md)),
            Err(e) => {
                let msg = match e {
                    samlcheck::Error::Io { .. } => e.to_string(),
                    _ => e.in_file(&name),
                };
                return input_error(&msg);
            }
        }
    }
    let reports: Vec<FileReport> = parsed
        .iter()
        .map(|(name, md)| FileReport {
            name: name.clone(),
            entities: md.entities.len(),
            findings: lint(md, &opts)
                .into_iter()
                .map(|f| f.in_file(name))
                .collect(),
        })
        .collect();
    let out = match ctx.format {
        Format::Json => json(&reports, ctx),
        _ => text(&reports, ctx),
    };
    if let Err(code) = emit(&out) {
        return code;
    }
    let all: Vec<Finding> = reports.into_iter().flat_map(|r| r.findings).collect();
    exit_for(&all, args.fail_on)
}

fn read(path: &std::path::Path, limits: &Limits) -> Result<Metadata, samlcheck::Error> {
    let decoded = samlcheck::xml::read_path(path, limits)?;
    let doc = samlcheck::xml::XmlDoc::parse(decoded.text(), limits)?;
    Metadata::from_doc(&doc, decoded.info())
}

/// Checks codes against the catalogue and expands `prefix.*`.
fn expand_codes(given: &[String], flag: &str) -> Result<Vec<String>, String> {
    let all: Vec<&'static str> = samlcheck::catalog::rules().iter().map(|r| r.code).collect();
    let mut out = Vec::new();
    for g in given {
        if let Some(prefix) = g.strip_suffix(".*") {
            let p = format!("{prefix}.");
            let hits: Vec<&str> = all.iter().copied().filter(|c| c.starts_with(&p)).collect();
            if hits.is_empty() {
                return Err(format!("{flag} {g}: no rule code starts with {p}"));
            }
            out.extend(hits.into_iter().map(str::to_string));
        } else if all.contains(&g.as_str()) {
            out.push(g.clone());
        } else {
            let close = close_matches(g, &all);
            let hint = if close.is_empty() {
                "; `samlcheck rules` lists every code".to_string()
            } else {
                format!("; did you mean {}?", close.join(", "))
            };
            return Err(format!("{flag} {g}: unknown rule code{hint}"));
        }
    }
    Ok(out)
}

/// Codes within a small edit distance of `code`, or sharing its last segment.
fn close_matches(code: &str, all: &[&'static str]) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = all
        .iter()
        .map(|c| (distance(code, c), *c))
        .filter(|(d, c)| {
            *d <= 3
                || c.contains(code)
                || code
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| last.len() > 2 && c.rsplit('.').next() == Some(last))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    findings
        .iter()
        .fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 || word == "info" {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn paint(s: &str, sev: Severity, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match sev {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

/// Text report: per file, findings grouped by entity (document-level findings first).
fn text(reports: &[FileReport], ctx: &Ctx) -> String {
    let mut s = String::new();
    for r in reports {
        let (e, w, i) = counts(&r.findings);
        if ctx.quiet && r.findings.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "{}: {}; {}, {}, {}",
            r.name,
            plural(r.entities, "entity").replace("entitys", "entities"),
            plural(e, "error"),
            plural(w, "warning"),
            plural(i, "info")
        );
        // Entities in order of first finding; document-level findings under "(document)".
        let mut order: Vec<Option<&str>> = Vec::new();
        for f in &r.findings {
            let k = f.entity.as_deref();
            if !order.contains(&k) {
                order.push(k);
            }
        }
        order.sort_by_key(|k| k.is_some());
        for k in order {
            let _ = writeln!(
                s,
                "  {}",
                k.map_or("(document)".to_string(), |e| format!("entity {e}"))
            );
            for f in r.findings.iter().filter(|f| f.entity.as_deref() == k) {
                let pos = f
                    .location
                    .as_ref()
                    .map_or(String::new(), |l| format!("{}:{} ", l.pos.line, l.pos.col));
                let sev = paint(
                    &format!("{:<7}", f.severity.as_str()),
                    f.severity,
                    ctx.color,
                );
                let _ = writeln!(s, "    {pos}{sev} {}: {}", f.code, f.message);
                let _ = writeln!(s, "      hint: {}", f.hint);
            }
        }
    }
    if reports.len() > 1 && !(ctx.quiet && reports.iter().all(|r| r.findings.is_empty())) {
        let all: Vec<&Finding> = reports.iter().flat_map(|r| r.findings.iter()).collect();
        let (e, w, i) = all.iter().fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        });
        let _ = writeln!(
            s,
            "total: {} files; {}, {}, {}",
            reports.len(),
            plural(e, "error"),
            plural(w, "warning"),
            plural(i, "info")
        );
    }
    s
}

/// JSON report (documented in docs/json.md).
fn json(reports: &[FileReport], ctx: &Ctx) -> String {
    let mut total = (0, 0, 0);
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let (e, w, i) = counts(&r.findings);
            total = (total.0 + e, total.1 + w, total.2 + i);
            serde_json::json!({
                "file": r.name,
                "entities": r.entities,
                "findings": r.findings,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "tool": "samlcheck",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "lint",
        "at": ctx.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "files": files,
        "summary": {"error": total.0, "warning": total.1, "info": total.2},
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
