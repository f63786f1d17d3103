//! What every subcommand shares: global options, the one clock read, output and exit codes.

use chrono::{DateTime, Utc};
use std::io::Write;
use std::process::ExitCode;

/// `--timeout` for a fetch: 1 to 3600 seconds (an hour; a real fetch takes seconds).
pub const TIMEOUT_SECS: (i128, i128) = (1, 3600);
/// `--warn-days` and other day counts: 0 to 36500 (a hundred years, beyond any
/// certificate's lifetime).
pub const DAYS: (i128, i128) = (0, 36500);

/// A whole number in `lo..=hi`; anything else (a fraction, a number too big for any type)
/// is refused with a message giving the range. With clap this is an argument error (exit
/// 2): `invalid value '99999999999' for '--timeout <SECONDS>': expected a whole number of
/// seconds from 1 to 3600`.
fn in_range<T: TryFrom<i128>>(s: &str, (lo, hi): (i128, i128), unit: &str) -> Result<T, String> {
    let msg = || format!("expected a whole number of {unit} from {lo} to {hi}");
    match s.trim().parse::<i128>() {
        Ok(n) if (lo..=hi).contains(&n) => T::try_from(n).map_err(|_| msg()),
        _ => Err(msg()),
    }
}

/// A clap value parser for a number of seconds in [`TIMEOUT_SECS`].
pub fn timeout_secs() -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    |s: &str| in_range(s, TIMEOUT_SECS, "seconds")
}

/// A clap value parser for a number of days in [`DAYS`].
pub fn days() -> impl Fn(&str) -> Result<i64, String> + Clone + Send + Sync + 'static {
    |s: &str| in_range(s, DAYS, "days")
}

/// Options every subcommand takes.
#[derive(clap::Args, Debug)]
pub struct Global {
    /// Evaluate time-dependent checks at this instant (RFC 3339, e.g. 2026-01-01T00:00:00Z)
    /// instead of now.
    #[arg(long, global = true, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print nothing on success; only problems.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// Output formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON (one document; see README "JSON output").
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// Markdown (the `rules` catalogue only).
    Markdown,
}

/// When to colour text output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// Only when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Resolved global context: the instant of evaluation is read here, once.
#[derive(Debug)]
pub struct Ctx {
    pub at: DateTime<Utc>,
    /// Whether `--at` was given (a captured response is otherwise judged at its own time).
    pub at_given: bool,
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
}

impl Ctx {
    pub fn new(g: &Global) -> Result<Ctx, String> {
        let at = match &g.at {
            // `--at now`: the clock, read here once (the response check's way to ask for it).
            Some(s) if s == "now" => Utc::now(),
            Some(s) => DateTime::parse_from_rfc3339(s)
                .map_err(|e| format!("--at {s:?} is not an RFC 3339 date-time: {e}"))?
                .with_timezone(&Utc),
            None => Utc::now(),
        };
        let color = match g.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                use std::io::IsTerminal;
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        };
        Ok(Ctx {
            at,
            at_given: g.at.is_some(),
            format: g.format,
            color,
            quiet: g.quiet,
        })
    }
}

/// Renders a report in the format chosen with `--format` (text honours `--color`, and
/// `--quiet` hides info findings in text). Markdown is only for `samlcheck rules`, so it is an
/// argument error here.
pub fn render(report: &samlcheck::report::Report, ctx: &Ctx) -> Result<String, String> {
    use samlcheck::report;
    match ctx.format {
        Format::Text => {
            let mut o = report::TextOptions::color(ctx.color);
            o.hide_info = ctx.quiet;
            Ok(report::to_text(report, &o))
        }
        Format::Json => Ok(report::to_json(report, None)),
        Format::Sarif => Ok(report::to_sarif(report)),
        Format::Junit => Ok(report::to_junit(report)),
        Format::Markdown => Err(format!(
            "--format markdown is only for `samlcheck rules`; `samlcheck {}` writes text, json, sarif or junit",
            report.command
        )),
    }
}

/// Writes a report to standard output; a closed pipe is not an error.
pub fn emit(s: &str) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("samlcheck: cannot write output: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Prints an input error (one line) and returns exit code 2.
pub fn input_error(msg: &str) -> ExitCode {
    // Messages can quote the input (an entityID, a value): escape what a terminal would obey.
    eprintln!("samlcheck: error: {}", samlcheck::report::escape_text(msg));
    ExitCode::from(2)
}

/// Prints an argument error and returns exit code 2.
pub fn usage_error(msg: &str) -> ExitCode {
    eprintln!("samlcheck: error: {msg}");
    ExitCode::from(2)
}

/// The exit code for a report: 1 when a finding reaches `fail_on`.
pub fn exit_for(findings: &[samlcheck::Finding], fail_on: FailOn) -> ExitCode {
    let threshold = match fail_on {
        FailOn::Never => return ExitCode::SUCCESS,
        FailOn::Info => samlcheck::Severity::Info,
        FailOn::Warning => samlcheck::Severity::Warning,
        FailOn::Error => samlcheck::Severity::Error,
    };
    if findings.iter().any(|f| f.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The lowest severity that fails the run.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Errors only.
    #[default]
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
    /// Never fail on findings.
    Never,
}

/// Reads and decodes an input file with default limits; on failure prints the one-line
/// error naming the file and returns exit code 2.
pub fn read_input(path: &std::path::Path) -> Result<samlcheck::xml::Decoded, ExitCode> {
    samlcheck::xml::read_path(path, &samlcheck::Limits::default())
        .map_err(|e| input_error(&e.in_file(&path.display().to_string())))
}

/// Parses decoded text; on failure prints the error naming the file and returns exit 2.
pub fn parse_input<'a>(
    path: &std::path::Path,
    decoded: &'a samlcheck::xml::Decoded,
) -> Result<samlcheck::xml::XmlDoc<'a>, ExitCode> {
    samlcheck::xml::XmlDoc::parse(decoded.text(), &samlcheck::Limits::default())
        .map_err(|e| input_error(&e.in_file(&path.display().to_string())))
}

/// Builds the metadata model; on failure prints the error naming the file and returns 2.
pub fn model_of(
    path: &std::path::Path,
    doc: &samlcheck::xml::XmlDoc<'_>,
    decoded: &samlcheck::xml::Decoded,
) -> Result<samlcheck::Metadata, ExitCode> {
    samlcheck::Metadata::from_doc(doc, decoded.info())
        .map_err(|e| input_error(&e.in_file(&path.display().to_string())))
}
