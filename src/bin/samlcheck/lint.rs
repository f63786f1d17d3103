//! `samlcheck lint FILE...`: the rule catalogue on every entity of every file.

use crate::common::{emit, input_error, source, usage_error, Ctx, FailOn, Format};
use samlcheck::lint::LintOptions;
use samlcheck::Limits;
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
    /// Follow symbolic links inside directories given as FILE (not followed by default).
    #[arg(long)]
    pub follow_symlinks: bool,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    if ctx.format == Format::Markdown {
        return usage_error("--format markdown is only for `samlcheck rules`");
    }
    let expand = |codes: &[String], flag: &str| {
        samlcheck::run::expand_codes(codes, flag).map_err(|e| e.to_string())
    };
    let disabled = match expand(&args.disable, "--disable") {
        Ok(c) => c,
        Err(msg) => return usage_error(&msg),
    };
    let only = match expand(&args.only, "--only") {
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

    let files = match crate::common::expand_dirs(&args.files, args.follow_symlinks) {
        Ok(f) => f,
        Err(msg) => return input_error(&msg),
    };
    let sources: Vec<_> = files.iter().map(|p| source(p)).collect();
    let mut progress = crate::progress::Progress::files(&files);
    let pinned = match crate::config::pinned() {
        Ok(p) => p,
        Err(msg) => return input_error(&msg),
    };
    let r =
        samlcheck::run::lint_sources_with(&sources, &opts, &Limits::default(), &pinned, &mut |s| {
            progress.next(std::path::Path::new(&s.name))
        });
    drop(progress);
    // Every file is reported; an unreadable one also goes to standard error, and makes the
    // exit code 2 once everything is written.
    for e in &r.report.errors {
        input_error(&e.message);
    }
    let fails = args.fail_on.severity().is_some_and(|t| r.fails(t));
    // --quiet: nothing at all when the run passes (an unreadable file does not pass).
    let silent = ctx.quiet && !fails && !r.has_errors();
    let out = match ctx.format {
        _ if silent => String::new(),
        Format::Json => crate::common::pretty(&r),
        Format::Html => crate::common::html(&r.report, r.certificates.clone(), args.warn_days, &[]),
        _ => match crate::common::render(&r.report, ctx) {
            Ok(s) => s,
            Err(m) => return usage_error(&m),
        },
    };
    if let Err(code) = emit(&out) {
        return code;
    }
    if r.has_errors() {
        return ExitCode::from(2);
    }
    if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
