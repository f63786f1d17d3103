//! The `samlcheck` command line: arguments, one clock read, a library call, a report, an
//! exit code. Logic a library user would need lives in the library.

mod atomic;
mod common;
mod diff;
mod lint;
mod pair;
mod response;
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
    /// Check a captured SAML Response (XML, base64, HAR) with the IdP metadata's keys.
    Response(response::Args),
}

const SUBCOMMANDS: &[&str] = &[
    "check", "show", "lint", "verify", "sign", "diff", "rewrite", "rules", "response", "help",
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
        Command::Response(a) => response::run(a, &ctx, cli.global.at.as_deref()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::any::TypeId;

    /// Every option that takes a number, in every command.
    fn numeric_args() -> Vec<(String, clap::Arg)> {
        let numeric = [
            TypeId::of::<u8>(),
            TypeId::of::<u16>(),
            TypeId::of::<u32>(),
            TypeId::of::<u64>(),
            TypeId::of::<usize>(),
            TypeId::of::<i8>(),
            TypeId::of::<i16>(),
            TypeId::of::<i32>(),
            TypeId::of::<i64>(),
            TypeId::of::<isize>(),
            TypeId::of::<f32>(),
            TypeId::of::<f64>(),
        ];
        let cli = Cli::command();
        let mut out = Vec::new();
        let mut cmds = vec![cli.clone()];
        cmds.extend(cli.get_subcommands().cloned());
        for c in cmds {
            for a in c.get_arguments() {
                let t = a.get_value_parser().type_id();
                if numeric.iter().any(|n| t == *n) {
                    out.push((c.get_name().to_string(), a.clone()));
                }
            }
        }
        out
    }

    /// The range an option documents in its help: `(A to B)`.
    fn documented_range(a: &clap::Arg) -> Option<(i128, i128)> {
        let help = a.get_help()?.to_string();
        let re = regex::Regex::new(r"\((-?\d+)\s+to\s+(-?\d+)\)").unwrap();
        let c = re.captures(&help)?;
        Some((c[1].parse().ok()?, c[2].parse().ok()?))
    }

    #[test]
    fn every_numeric_option_is_range_checked_and_documents_its_range() {
        let args = numeric_args();
        let names: Vec<String> = args
            .iter()
            .map(|(c, a)| format!("{c} --{}", a.get_long().unwrap_or("?")))
            .collect();
        // The options known when this test was written; a new one is checked the same way.
        for known in [
            "diff --timeout",
            "show --warn-days",
            "lint --warn-days",
            "lint --far-future-days",
            "verify --warn-days",
            "check --warn-days",
        ] {
            assert!(
                names.iter().any(|n| n == known),
                "{known} not found in {names:?}"
            );
        }
        for (cmd, a) in &args {
            let name = format!("{cmd} --{}", a.get_long().unwrap_or("?"));
            let (lo, hi) = documented_range(a)
                .unwrap_or_else(|| panic!("{name}: the help gives no range \"(A to B)\""));
            let c = Cli::command();
            let sub = c.find_subcommand(cmd).cloned().unwrap_or(c);
            let long = a.get_long().unwrap_or("?");
            // Positional arguments may be missing: only the value's own error counts.
            let parse = |v: i128| {
                sub.clone()
                    .try_get_matches_from([cmd.clone(), format!("--{long}={v}")])
                    .err()
                    .filter(|e| e.kind() != clap::error::ErrorKind::MissingRequiredArgument)
            };
            assert!(parse(lo).is_none(), "{name} {lo}: {:?}", parse(lo));
            assert!(parse(hi).is_none(), "{name} {hi}: {:?}", parse(hi));
            for bad in [lo - 1, hi + 1, i128::from(u64::MAX), i128::from(i64::MIN)] {
                let e = parse(bad).unwrap_or_else(|| panic!("{name} {bad} accepted"));
                assert_eq!(
                    e.kind(),
                    clap::error::ErrorKind::ValueValidation,
                    "{name} {bad}"
                );
                assert!(
                    e.to_string().contains(&format!("from {lo} to {hi}")),
                    "{name} {bad}: {e}"
                );
            }
        }
    }

    #[test]
    fn out_of_range_is_an_argument_error_with_exit_2() {
        let e = Cli::try_parse_from([
            "samlcheck",
            "diff",
            "--timeout",
            "18446744073709551615",
            "a",
            "b",
        ])
        .unwrap_err();
        assert!(e.use_stderr());
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string()
                .contains("expected a whole number of seconds from 1 to 3600"),
            "{e}"
        );
    }
}
