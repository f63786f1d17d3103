//! `samlcheck diff OLD NEW`: what changed between two versions of metadata, and what to do
//! about it on the other side. OLD or NEW may be an `https://` URL (live drift check).

use crate::common::{emit, input_error, usage_error, Ctx, Format};
use samlcheck::diff::{self, Class, Diff, DiffOptions, FetchOptions};
use samlcheck::{Finding, Limits};
use std::fmt::Write as _;
use std::process::ExitCode;

/// Arguments of `samlcheck diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old version: a file, or an https:// URL.
    pub old: String,
    /// The new version: a file, or an https:// URL (e.g. the Entra app federation metadata
    /// URL, to compare a committed copy with what Entra publishes now).
    pub new: String,
    /// Exit 1 when a change of this class or worse is found.
    #[arg(long, value_enum, default_value_t = DiffFailOn::Breaking)]
    pub fail_on: DiffFailOn,
    /// A certificate the other side actually holds, as SHA-256 fingerprint or SHA-1
    /// thumbprint (repeatable); by default it is assumed to hold every signing certificate
    /// of OLD.
    #[arg(long, value_name = "FINGERPRINT")]
    pub known_cert: Vec<String>,
    /// Timeout for fetching a URL, in seconds (1 to 3600).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = crate::common::timeout_secs())]
    pub timeout: u64,
    /// Allow a URL, or a redirect, to reach a loopback, private, link-local, unique-local
    /// or other non-public address (refused by default: a CI gate must not fetch from
    /// inside its own network on behalf of a pull request).
    #[arg(long)]
    pub allow_private_network: bool,
    /// Allow plain http:// to a loopback address (tests only; needs
    /// --allow-private-network too).
    #[arg(long, hide = true)]
    pub insecure_allow_http_loopback: bool,
}

/// When `diff` exits 1.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFailOn {
    /// A breaking change.
    Breaking,
    /// A change that needs action, or a breaking one.
    Action,
    /// Any change of content.
    Any,
    /// Never.
    Never,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    if ctx.format == Format::Markdown {
        return usage_error("--format markdown is only for `samlcheck rules`");
    }
    let limits = Limits::default();
    let mut fetch = FetchOptions::default();
    fetch.timeout = std::time::Duration::from_secs(args.timeout);
    fetch.insecure_allow_http_loopback = args.insecure_allow_http_loopback;
    fetch.allow_private_network = args.allow_private_network;
    let load = |src: &str| {
        if src == "-" {
            return crate::common::load_metadata(std::path::Path::new(src), &limits);
        }
        diff::load(src, &limits, &fetch).map_err(|e| {
            if diff::is_url(src) {
                e.to_string()
            } else {
                e.in_file(src)
            }
        })
    };
    let old = match load(&args.old) {
        Ok(m) => m,
        Err(msg) => return input_error(&msg),
    };
    let new = match load(&args.new) {
        Ok(m) => m,
        Err(msg) => return input_error(&msg),
    };
    let mut opts = DiffOptions::new(ctx.at);
    if !args.known_cert.is_empty() {
        opts.known_certs = Some(args.known_cert.clone());
    }
    let d = diff::diff(&old, &new, &opts);
    // A URL's user:password never reaches the output.
    let names = Names {
        old: shown(&args.old),
        new: shown(&args.new),
    };
    let findings = d.findings(&names.old, &names.new);
    let fails = match args.fail_on {
        DiffFailOn::Never => false,
        DiffFailOn::Any => d.content_changed,
        DiffFailOn::Action => d.worst() >= Some(Class::Action),
        DiffFailOn::Breaking => d.worst() >= Some(Class::Breaking),
    };
    let code = if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if ctx.quiet && !fails {
        return code;
    }
    let out = match ctx.format {
        Format::Json => json(&names, &d, &findings),
        Format::Sarif | Format::Junit => {
            let mut r = samlcheck::report::Report::new("diff", ctx.at);
            r.files.push(samlcheck::report::FileReport {
                file: names.new.clone(),
                entities: new.entity_ids(),
                findings: findings.clone(),
            });
            r.notes.push(d.summary());
            match crate::common::render(&r, ctx) {
                Ok(s) => s,
                Err(m) => return usage_error(&m),
            }
        }
        _ => text(&names, &d, ctx.color),
    };
    match emit(&out) {
        Ok(()) => code,
        Err(c) => c,
    }
}

#[derive(serde::Serialize)]
struct JsonOut<'a> {
    tool: &'static str,
    version: &'static str,
    command: &'static str,
    old: &'a str,
    new: &'a str,
    summary: String,
    worst: Option<Class>,
    #[serde(flatten)]
    diff: &'a Diff,
    findings: &'a [Finding],
}

/// OLD and NEW as shown in the output.
struct Names {
    old: String,
    new: String,
}

/// A source as shown: a URL without its user information.
fn shown(src: &str) -> String {
    if diff::is_url(src) {
        diff::redact_url(src)
    } else if src == "-" {
        crate::common::STDIN_NAME.to_string()
    } else {
        src.to_string()
    }
}

fn json(args: &Names, d: &Diff, findings: &[Finding]) -> String {
    let o = JsonOut {
        tool: "samlcheck",
        version: env!("CARGO_PKG_VERSION"),
        command: "diff",
        old: &args.old,
        new: &args.new,
        summary: d.summary(),
        worst: d.worst(),
        diff: d,
        findings,
    };
    serde_json::to_string_pretty(&o)
        .map_or_else(|e| format!("{{\"error\":\"{e}\"}}\n"), |s| s + "\n")
}

fn paint(class: Class, color: bool) -> String {
    let label = format!("[{}]", class.as_str());
    if !color {
        return format!("{label:<11}");
    }
    let code = match class {
        Class::Breaking => "1;31",
        Class::Action => "33",
        Class::Harmless => "2",
    };
    format!("\x1b[{code}m{label:<11}\x1b[0m")
}

fn text(args: &Names, d: &Diff, color: bool) -> String {
    let mut s = String::new();
    use samlcheck::report::escape_text as esc;
    let _ = writeln!(s, "diff {} -> {}", esc(&args.old), esc(&args.new));
    if !d.content_changed {
        let _ = writeln!(s, "{}", d.summary());
        return s;
    }
    let change = |s: &mut String, c: &diff::Change| {
        let _ = writeln!(s, "  {} {}", paint(c.class, color), esc(&c.message));
        if let (Some(o), Some(n)) = (&c.old, &c.new) {
            if !c.message.contains(o.as_str()) || !c.message.contains(n.as_str()) {
                let _ = writeln!(s, "{:14}old: {}\n{:14}new: {}", "", esc(o), "", esc(n));
            }
        }
        let _ = writeln!(s, "{:14}-> {}", "", esc(&c.action));
    };
    if !d.document.is_empty() {
        let _ = writeln!(s, "\ndocument");
        for c in &d.document {
            change(&mut s, c);
        }
    }
    for e in &d.entities {
        let status = match e.status {
            diff::EntityStatus::Added => "added",
            diff::EntityStatus::Removed => "removed",
            diff::EntityStatus::Changed => "changed",
        };
        let _ = writeln!(
            s,
            "\nentity {} ({status}; {})",
            esc(&e.entity_id),
            esc(&e.flavor.to_string())
        );
        if let Some(r) = &e.rollover {
            let _ = writeln!(
                s,
                "  signing-key rollover: {} ({} certificate(s) before, {} after)",
                esc(&r.state.to_string()),
                r.old.len(),
                r.new.len()
            );
        }
        for c in &e.changes {
            change(&mut s, c);
        }
    }
    let _ = writeln!(s, "\n{}", d.summary());
    s
}
