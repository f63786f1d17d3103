//! The `samlcheck` command line: arguments, one clock read, a library call, a report, an
//! exit code. Logic a library user would need lives in the library.

mod common;
mod diff;
mod lint;
mod pair;
mod rewrite;
mod rules;
mod show;
mod sign;
mod verify;

use clap::{Parser, Subcommand};
use common::Ctx;
use std::process::ExitCode;

/// Check SAML 2.0 metadata, and an AWS / Microsoft Entra ID SSO pair, before anyone signs in.
///
/// `samlcheck SP.xml IDP.xml` is short for `samlcheck check SP.xml IDP.xml`.
///
/// Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (for verify: not
/// verified); 2 an input could not be read or parsed, or the arguments are wrong.
#[derive(Parser, Debug)]
#[command(name = "samlcheck", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    global: common::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Pair check: an SP's metadata against an IdP's (either order).
    Check(pair::Args),
    /// Summarise every entity of a metadata file: flavour, roles, endpoints, certificates.
    Show(show::Args),
    /// Run the rule catalogue on every entity of one or more metadata files.
    Lint(lint::Args),
    /// Verify the XML signatures of a metadata file.
    Verify(verify::Args),
    /// Sign a metadata file (enveloped, exclusive c14n).
    Sign(sign::Args),
    /// What changed between two versions of metadata, and what to do about it.
    Diff(diff::Args),
    /// Edit metadata byte-faithfully (strip BOM, drop roles, ACS URLs, certificates, ...).
    Rewrite(Box<rewrite::Args>),
    /// Print the rule catalogue.
    Rules(rules::Args),
}

const SUBCOMMANDS: &[&str] = &[
    "check", "show", "lint", "verify", "sign", "diff", "rewrite", "rules", "help",
];

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `samlcheck A B` means `samlcheck check A B`; global options may come first.
    if needs_check(&args) {
        args.insert(1, "check".into());
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let ctx = match Ctx::new(&cli.global) {
        Ok(c) => c,
        Err(msg) => return common::usage_error(&msg),
    };
    match &cli.command {
        Command::Check(a) => pair::run(a, &ctx),
        Command::Show(a) => show::run(a, &ctx),
        Command::Lint(a) => lint::run(a, &ctx),
        Command::Verify(a) => verify::run(a, &ctx),
        Command::Sign(a) => sign::run(a, &ctx),
        Command::Diff(a) => diff::run(a, &ctx),
        Command::Rewrite(a) => rewrite::run(a, &ctx),
        Command::Rules(a) => rules::run(a, &ctx),
    }
}

/// Whether the first positional argument is not a subcommand (so `check` is meant).
fn needs_check(args: &[std::ffi::OsString]) -> bool {
    let mut it = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        match a {
            "-h" | "--help" | "-V" | "--version" => return false,
            "--at" | "--format" | "--color" => {
                it.next();
            }
            _ if a.starts_with('-') => {}
            _ => return !SUBCOMMANDS.contains(&a),
        }
    }
    false
}
