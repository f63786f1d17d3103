//! `samlcheck lint FILE...`: the rule catalogue on every entity of every file.

use crate::common::{emit, exit_for, input_error, usage_error, Ctx, FailOn, Format};
use samlcheck::lint::LintOptions;
use samlcheck::report::{timeline::CertBar, FileReport, Report};
use samlcheck::{Finding, Limits, Metadata};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `samlcheck lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Metadata files (an EntityDescriptor or an EntitiesDescriptor aggregate each).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Report certificates that expire within this many days (0 to 36500).
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = crate::common::days())]
    pub warn_days: i64,
    /// Report a validUntil further ahead than this many days (0 to 36500).
    #[arg(long, value_name = "N", default_value_t = 366, value_parser = crate::common::days())]
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

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    if ctx.format == Format::Markdown {
        return usage_error("--format markdown is only for `samlcheck rules`");
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

    // Read and check everything first: on an input error nothing is written to stdout.
    let limits = Limits::default();
    let trust = samlcheck::Trust::embedded();
    let mut report = Report::new("lint", ctx.at);
    report.checks = samlcheck::lint::rule_codes()
        .into_iter()
        .filter(|c| opts.wants(c))
        .collect();
    let mut certs = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        match check_file(path, &limits, &trust, &opts) {
            Ok((entities, findings, bars)) => {
                certs.extend(bars);
                report.files.push(FileReport {
                    file: name.clone(),
                    entities,
                    findings: findings.into_iter().map(|f| f.in_file(&name)).collect(),
                });
            }
            Err(e) => {
                let msg = match e {
                    samlcheck::Error::Io { .. } => e.to_string(),
                    _ => e.in_file(&name),
                };
                return input_error(&msg);
            }
        }
    }
    let quiet_and_clean = ctx.quiet && report.all_findings().next().is_none();
    let out = match ctx.format {
        Format::Text if quiet_and_clean => String::new(),
        Format::Html => crate::common::html(&report, certs, args.warn_days, &[]),
        _ => match crate::common::render(&report, ctx) {
            Ok(s) => s,
            Err(m) => return usage_error(&m),
        },
    };
    if let Err(code) = emit(&out) {
        return code;
    }
    let all: Vec<Finding> = report.all_findings().cloned().collect();
    exit_for(&all, args.fail_on)
}

/// What linting one file gives: its entityIDs, findings and certificates (for the timeline).
type Linted = (Vec<String>, Vec<Finding>, Vec<CertBar>);

/// Lints one file: its entityIDs and findings (signature checks included).
fn check_file(
    path: &std::path::Path,
    limits: &Limits,
    trust: &samlcheck::Trust,
    opts: &LintOptions,
) -> Result<Linted, samlcheck::Error> {
    let decoded = samlcheck::xml::read_path(path, limits)?;
    let doc = samlcheck::xml::XmlDoc::parse(decoded.text(), limits)?;
    let md = Metadata::from_doc(&doc, decoded.info())?;
    let entities = md.entity_ids();
    let (findings, coverage) = samlcheck::lint::lint_document_coverage(&doc, &md, trust, opts);
    if let Some(e) = coverage.limit_exceeded() {
        return Err(e.clone());
    }
    let bars = samlcheck::report::timeline::certificates(&md, &path.display().to_string());
    Ok((entities, findings, bars))
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
