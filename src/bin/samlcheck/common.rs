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
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print nothing on success; only findings at or above --fail-on.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Read settings from this file instead of ./samlcheck.toml (see docs/config.md).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<std::path::PathBuf>,
    /// Ignore ./samlcheck.toml.
    #[arg(long, global = true)]
    pub no_config: bool,
}

/// The formats each subcommand writes; its `--format` lists and accepts only these (a new
/// format for a command: add the [`Format`] variant and list it here).
pub const FORMATS: &[(&str, &[Format])] = &[
    (
        "check",
        &[
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Html,
        ],
    ),
    (
        "lint",
        &[
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Html,
        ],
    ),
    (
        "verify",
        &[Format::Text, Format::Json, Format::Sarif, Format::Junit],
    ),
    (
        "diff",
        &[
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Html,
        ],
    ),
    (
        "response",
        &[
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Html,
        ],
    ),
    ("show", &[Format::Text, Format::Json, Format::Html]),
    ("rewrite", &[Format::Text, Format::Json]),
    ("sign", &[Format::Text, Format::Json]),
    ("rules", &[Format::Text, Format::Json, Format::Markdown]),
    ("explain", &[Format::Text, Format::Json]),
];

/// The formats a subcommand writes (text only for one not in [`FORMATS`]).
pub fn formats_of(command: &str) -> &'static [Format] {
    FORMATS
        .iter()
        .find(|(c, _)| *c == command)
        .map_or(&[Format::Text], |(_, f)| *f)
}

/// A subcommand's `--format` option, accepting only `formats`.
pub fn format_arg(formats: &'static [Format]) -> clap::Arg {
    use clap::builder::TypedValueParser;
    use clap::ValueEnum;
    let values: Vec<clap::builder::PossibleValue> = formats
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .collect();
    clap::Arg::new("format")
        .long("format")
        .value_name("FORMAT")
        .help("Output format")
        .value_parser(
            clap::builder::PossibleValuesParser::new(values)
                .try_map(|s| Format::from_str(&s, false)),
        )
}

/// The format chosen after the subcommand, or else before it (checked against what the
/// subcommand writes), or text.
pub fn chosen_format(m: &clap::ArgMatches, before: Option<Format>) -> Result<Format, String> {
    use clap::ValueEnum;
    let Some((name, sub)) = m.subcommand() else {
        return Ok(before.unwrap_or(Format::Text));
    };
    if let Ok(Some(f)) = sub.try_get_one::<Format>("format") {
        return Ok(*f);
    }
    let f = before.unwrap_or(Format::Text);
    let ok = formats_of(name);
    if ok.contains(&f) {
        return Ok(f);
    }
    let name_of = |f: &Format| {
        f.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    };
    let list: Vec<String> = ok.iter().map(name_of).collect();
    Err(format!(
        "--format {} is not written by `samlcheck {name}`; it writes {}",
        name_of(&f),
        list.join(", ")
    ))
}

/// The closest of `candidates` to `word` within a small edit distance (a typo), if any.
pub fn closest(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let max = if word.chars().count() <= 3 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= max)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance (characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
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
    /// One self-contained HTML page with a certificate timeline (check, lint, show, diff).
    Html,
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
    /// The command's `--fail-on` (after the configuration file): with `--quiet` only
    /// findings at or above it are printed.
    pub fail_on: FailOn,
}

/// Parses `--at`; the message says what is wrong (`month 13 is out of range (01 to 12)`).
pub fn parse_at(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    const EXAMPLE: &str = "expected RFC 3339 like 2026-01-01T00:00:00Z";
    let bad = |why: String| Err(format!("--at {s:?}: {why}; {EXAMPLE}"));
    let re = regex::Regex::new(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$",
    )
    .map_err(|e| e.to_string())?;
    let Some(c) = re.captures(s.trim()) else {
        return bad("not a date-time".into());
    };
    let num = |i: usize| -> Option<u32> { c.get(i).and_then(|m| m.as_str().parse().ok()) };
    let (year, month, day) = (
        num(1).unwrap_or(0),
        num(2).unwrap_or(0),
        num(3).unwrap_or(0),
    );
    if !(1..=12).contains(&month) {
        return bad(format!("month {month} is out of range (01 to 12)"));
    }
    let days = chrono::NaiveDate::from_ymd_opt(year as i32, month, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| chrono::Datelike::day(&d));
    if day < 1 || day > days {
        return bad(format!(
            "day {day} is out of range for {year:04}-{month:02} (01 to {days})"
        ));
    }
    if c.get(4).is_none() {
        return bad("a date without a time".into());
    }
    if let Some(h) = num(4).filter(|h| *h > 23) {
        return bad(format!("hour {h} is out of range (00 to 23)"));
    }
    if let Some(m) = num(5).filter(|m| *m > 59) {
        return bad(format!("minute {m} is out of range (00 to 59)"));
    }
    if c.get(6).is_none() {
        return bad("no seconds".into());
    }
    if let Some(x) = num(6).filter(|x| *x > 60) {
        return bad(format!("second {x} is out of range (00 to 60)"));
    }
    if c.get(8).is_none() {
        return bad("no time zone (add Z for UTC, or an offset like +02:00)".into());
    }
    bad("not in RFC 3339 form (two-digit month, day, hour, minute, second; `T` between date and time)".into())
}

impl Ctx {
    pub fn new(g: &Global) -> Result<Ctx, String> {
        let at = match &g.at {
            // `--at now`: the clock, read here once (the response check's way to ask for it).
            Some(s) if s == "now" => Utc::now(),
            Some(s) => parse_at(s)?,
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
            format: Format::Text,
            color,
            quiet: g.quiet,
            fail_on: FailOn::Error,
        })
    }
}

/// The lowest severity `fail_on` fails on (`None` for never).
pub fn threshold(fail_on: FailOn) -> Option<samlcheck::Severity> {
    match fail_on {
        FailOn::Never => None,
        FailOn::Info => Some(samlcheck::Severity::Info),
        FailOn::Warning => Some(samlcheck::Severity::Warning),
        FailOn::Error => Some(samlcheck::Severity::Error),
    }
}

/// Renders a report in the format chosen with `--format` (text honours `--color`).
/// With `--quiet` nothing is written unless a finding reaches `--fail-on`, and the text
/// shows only those findings. Markdown is only for `samlcheck rules`, so it is an argument
/// error here.
pub fn render(report: &samlcheck::report::Report, ctx: &Ctx) -> Result<String, String> {
    use samlcheck::report;
    if ctx.quiet {
        let min = threshold(ctx.fail_on);
        let fails = |f: &samlcheck::Finding| min.is_some_and(|m| f.severity >= m);
        if !report.all_findings().any(fails) {
            return Ok(String::new());
        }
        if ctx.format == Format::Text {
            let mut r = report.clone();
            r.findings.retain(fails);
            for f in &mut r.files {
                f.findings.retain(fails);
            }
            return Ok(report::to_text(&r, &report::TextOptions::color(ctx.color)));
        }
    }
    match ctx.format {
        Format::Text => Ok(report::to_text(report, &report::TextOptions::color(ctx.color))),
        Format::Json => Ok(report::to_json(report, None)),
        Format::Sarif => Ok(report::to_sarif(report)),
        Format::Junit => Ok(report::to_junit(report)),
        Format::Html => Err(format!("{HTML_ONLY}, not `samlcheck {}`", report.command)),
        Format::Markdown => Err(format!(
            "--format markdown is only for `samlcheck rules`; `samlcheck {}` writes text, json, sarif or junit",
            report.command
        )),
    }
}

/// The usage error for `--format html` elsewhere.
pub const HTML_ONLY: &str = "--format html is only for check, lint, show, diff and response";

/// The HTML page of a report: its certificates on the timeline, `details` as preformatted
/// sections.
pub fn html(
    report: &samlcheck::report::Report,
    certs: Vec<samlcheck::report::timeline::CertBar>,
    warn_days: i64,
    details: &[(&str, String)],
) -> String {
    let mut input = samlcheck::report::html::HtmlInput::new(report);
    input.certificates = certs;
    input.warn_days = warn_days;
    input.details = details
        .iter()
        .map(|(h, t)| (h.to_string(), t.clone()))
        .collect();
    samlcheck::report::html::render(&input)
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

/// The lowest severity that fails the run.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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

// ---- issue 16 (helper "api"): inputs as library Sources, report JSON, --show ----

/// An input file as a library [`Source`](samlcheck::run::Source) (read now; a read error is
/// kept and reported by the library call). The one place where command-line paths become
/// inputs.
/// `-` is standard input (read once per command), named `<stdin>`.
pub fn source(path: &std::path::Path) -> samlcheck::run::Source {
    if !is_stdin(path) {
        return samlcheck::run::Source::read(path);
    }
    match read_stdin(&samlcheck::Limits::default()) {
        Ok(bytes) => samlcheck::run::Source::new(STDIN_NAME, bytes),
        Err(e) => samlcheck::run::Source::failed(STDIN_NAME, e),
    }
}

/// Standard input's bytes (once per command: a second `-` is an error), refusing input
/// over the size limit.
fn read_stdin(limits: &samlcheck::Limits) -> Result<Vec<u8>, samlcheck::Error> {
    use std::io::Read;
    let io = |what: String| samlcheck::Error::Io {
        path: STDIN_NAME.into(),
        what: what.into(),
    };
    if STDIN_READ.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Err(io(
            "standard input (-) can be read only once per command".into()
        ));
    }
    let mut bytes = Vec::new();
    // One byte more than the limit tells an over-limit input apart.
    std::io::stdin()
        .lock()
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io(e.to_string()))?;
    Ok(bytes)
}

/// A library report as the command's `--format json` output: the report serialized.
pub fn pretty<T: serde::Serialize>(report: &T) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

impl FailOn {
    /// The severity that fails the run (`None` for `never`).
    pub fn severity(self) -> Option<samlcheck::Severity> {
        match self {
            FailOn::Never => None,
            FailOn::Info => Some(samlcheck::Severity::Info),
            FailOn::Warning => Some(samlcheck::Severity::Warning),
            FailOn::Error => Some(samlcheck::Severity::Error),
        }
    }
}

/// The lowest severity shown (`check --show`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ShowLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything.
    #[default]
    Info,
}

impl ShowLevel {
    /// As a severity.
    pub fn severity(self) -> samlcheck::Severity {
        match self {
            ShowLevel::Error => samlcheck::Severity::Error,
            ShowLevel::Warning => samlcheck::Severity::Warning,
            ShowLevel::Info => samlcheck::Severity::Info,
        }
    }
}

/// The name standard input is shown as.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether `path` means standard input (`-`).
pub fn is_stdin(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// How an input is named in messages and reports: `<stdin>` for `-`, else the path.
pub fn display_name(path: &std::path::Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

static STDIN_READ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The message for an error reading `path`, naming it once.
pub fn read_error(path: &std::path::Path, e: &samlcheck::Error) -> String {
    match e {
        samlcheck::Error::Io { .. } => e.to_string(),
        _ => e.in_file(&display_name(path)),
    }
}

/// The files to lint: each argument that is a file (or `-`) as given, each directory walked
/// for `*.xml` files (recursively, sorted by path). Symbolic links inside a directory are
/// skipped unless `follow` (a directory reached twice is walked once).
pub fn expand_dirs(
    paths: &[std::path::PathBuf],
    follow: bool,
) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in paths {
        if !is_stdin(p) && p.is_dir() {
            let mut found = Vec::new();
            walk(p, follow, &mut seen, &mut found)?;
            if found.is_empty() {
                return Err(format!(
                    "{}: no *.xml file in this directory or below it",
                    p.display()
                ));
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(
    dir: &std::path::Path,
    follow: bool,
    seen: &mut std::collections::HashSet<std::path::PathBuf>,
    found: &mut Vec<std::path::PathBuf>,
) -> Result<(), String> {
    // Each directory is listed once (symbolic link loops end here).
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(key) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut subdirs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        let ft = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let (is_dir, is_file) = if ft.is_symlink() {
            if !follow {
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(m) => (m.is_dir(), m.is_file()),
                Err(_) => continue,
            }
        } else {
            (ft.is_dir(), ft.is_file())
        };
        if is_dir {
            subdirs.push(path);
        } else if is_file
            && path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xml"))
        {
            found.push(path);
        }
    }
    for d in subdirs {
        walk(&d, follow, seen, found)?;
    }
    Ok(())
}

/// Reads (`-`: standard input) and models metadata with the library's one reader; the error
/// message names the input once.
pub fn load_metadata(
    path: &std::path::Path,
    limits: &samlcheck::Limits,
) -> Result<samlcheck::Metadata, String> {
    let src = source(path);
    let bytes = src.bytes().map_err(|e| read_error(path, e))?;
    samlcheck::parse_metadata(bytes.to_vec(), limits).map_err(|e| e.in_file(&display_name(path)))
}
