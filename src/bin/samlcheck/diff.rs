//! `samlcheck diff OLD NEW`: what changed between two versions of metadata, and what to do
//! about it on the other side. OLD or NEW may be an `https://` URL (live drift check).

use crate::common::{emit, input_error, usage_error, Ctx, Format};
use samlcheck::diff::{self, Class, DiffOptions, FetchOptions};
use samlcheck::run::{DiffReport, Source};
use samlcheck::Limits;
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
    /// Compare even when the two documents share no entityID (by default that is refused
    /// with exit 2: two different parties' metadata, not two versions of one).
    #[arg(long)]
    pub force: bool,
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
    // A URL is fetched here (its user:password never reaches the output); a file is read.
    let load = |src: &str| -> Result<Source, String> {
        if diff::is_url(src) {
            diff::fetch(src, &fetch, &limits)
                .map(|bytes| Source::new(diff::redact_url(src), bytes))
                .map_err(|e| e.to_string())
        } else {
            Ok(crate::common::source(std::path::Path::new(src)))
        }
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
    let r = match samlcheck::run::diff_sources(&old, &new, &opts, &limits) {
        Ok(r) => r,
        Err(e) => return input_error(&e.to_string()),
    };
    if r.unrelated && !args.force {
        return input_error(&format!(
            "{} and {} share no entityID: they look like two different parties' metadata, not two versions of one; compare anyway with --force",
            r.old, r.new
        ));
    }
    let fails = match args.fail_on {
        DiffFailOn::Never => false,
        DiffFailOn::Any => r.diff.content_changed,
        DiffFailOn::Action => r.has(Class::Action),
        DiffFailOn::Breaking => r.has(Class::Breaking),
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
        Format::Json => crate::common::pretty(&r),
        Format::Sarif | Format::Junit | Format::Html => {
            let mut rep = samlcheck::report::Report::new("diff", ctx.at);
            rep.files.push(samlcheck::report::FileReport::new(
                r.new.clone(),
                r.new_entities.clone(),
                r.findings.clone(),
            ));
            rep.notes.push(r.diff.summary());
            if ctx.format == Format::Html {
                let details = [("Changes", text(&r, false))];
                let page = crate::common::html(&rep, r.certificates.clone(), 30, &details);
                return match emit(&page) {
                    Ok(()) => code,
                    Err(c) => c,
                };
            }
            match crate::common::render(&rep, ctx) {
                Ok(s) => s,
                Err(m) => return usage_error(&m),
            }
        }
        _ => text(&r, ctx.color),
    };
    match emit(&out) {
        Ok(()) => code,
        Err(c) => c,
    }
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

fn text(r: &DiffReport, color: bool) -> String {
    let d = &r.diff;
    let mut s = String::new();
    use samlcheck::report::escape_text as esc;
    let _ = writeln!(s, "diff {} -> {}", esc(&r.old), esc(&r.new));
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
