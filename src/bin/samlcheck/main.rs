//! The `samlcheck` command line: arguments, one clock read, a library call, a report, an
//! exit code. Logic a library user would need lives in the library.

mod atomic;
mod common;
mod config;
mod diff;
mod explain;
mod gen;
mod lint;
mod pair;
mod progress;
mod response;
mod rewrite;
mod rules;
mod show;
mod sign;
mod verify;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
    /// Output format (also accepted after the subcommand, whose help lists the formats it
    /// writes).
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    format: Option<common::Format>,
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
    /// Explain a rule code, an AADSTS error code or an AWS sign-in error message.
    Explain(explain::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(gen::CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    Man(gen::ManArgs),
    /// Check a captured SAML Response (XML, base64, HAR) with the IdP metadata's keys.
    Response(response::Args),
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "show",
    "lint",
    "verify",
    "sign",
    "diff",
    "rewrite",
    "rules",
    "response",
    "explain",
    "completions",
    "man",
    "help",
];

/// The command line definition: the derived one, with each subcommand's own `--format`
/// listing only the formats it writes ([`common::FORMATS`]).
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for (name, formats) in common::FORMATS {
        cmd = cmd.mut_subcommand(*name, |c| c.arg(common::format_arg(formats)));
    }
    cmd
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `samlcheck A B` means `samlcheck check A B`; global options may come first.
    match first_word(&args) {
        First::Check(i) => args.insert(i, "check".into()),
        First::Typo(word, close) => {
            return common::usage_error(&format!(
                "unknown command '{}' (did you mean '{close}'?)",
                samlcheck::report::escape_text(&word)
            ))
        }
        First::Subcommand => {}
    }
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (mut cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let format = match common::chosen_format(&matches, cli.format) {
        Ok(f) => f,
        Err(msg) => return common::usage_error(&msg),
    };
    let mut ctx = match Ctx::new(&cli.global) {
        Ok(c) => c,
        Err(msg) => return common::usage_error(&msg),
    };
    ctx.format = format;
    let cfg = match config::Config::load(cli.global.config.as_deref(), cli.global.no_config) {
        Ok(c) => c,
        Err(msg) => return common::usage_error(&msg),
    };
    if let (Some(c), Some((_, sub))) = (&cfg, matches.subcommand()) {
        apply_config(&mut cli.command, sub, c);
    }
    config::set(cfg);
    ctx.fail_on = match &cli.command {
        Command::Check(a) => a.fail_on,
        Command::Lint(a) => a.fail_on,
        Command::Verify(a) => a.fail_on,
        _ => common::FailOn::Error,
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
        Command::Explain(a) => explain::run(a, &ctx),
        Command::Completions(a) => gen::completions(a, command()),
        Command::Man(a) => gen::man(a, command()),
        Command::Response(a) => response::run(a, &ctx),
    }
}

/// Fills what the command line left at its default from the configuration file.
fn apply_config(cmd: &mut Command, m: &clap::ArgMatches, cfg: &config::Config) {
    use clap::parser::ValueSource;
    let unset = |id: &str| m.value_source(id) != Some(ValueSource::CommandLine);
    let set = |files: &[std::path::PathBuf],
               fail_on: Option<&mut common::FailOn>,
               warn_days: &mut i64|
     -> config::Settings {
        let s = cfg.effective(files);
        if let (Some(f), Some(v)) = (fail_on, s.fail_on) {
            if unset("fail_on") {
                *f = v;
            }
        }
        if let Some(d) = s.warn_days.filter(|_| unset("warn_days")) {
            *warn_days = d;
        }
        s
    };
    match cmd {
        Command::Check(a) => {
            let s = set(&a.files, Some(&mut a.fail_on), &mut a.warn_days);
            for code in s.disable {
                if !a.disable.contains(&code) {
                    a.disable.push(code);
                }
            }
        }
        Command::Lint(a) => {
            let s = set(&a.files, Some(&mut a.fail_on), &mut a.warn_days);
            for code in s.disable {
                if !a.disable.contains(&code) {
                    a.disable.push(code);
                }
            }
        }
        Command::Verify(a) => {
            set(
                std::slice::from_ref(&a.file),
                Some(&mut a.fail_on),
                &mut a.warn_days,
            );
            // Pins apply when no --cert or --fingerprint is given.
            if a.certs.is_empty() && a.fingerprints.is_empty() && !common::is_stdin(&a.file) {
                let ids = common::load_metadata(&a.file, &samlcheck::Limits::default())
                    .map(|md| md.entity_ids())
                    .unwrap_or_default();
                let (f, c) = cfg.pins_for(&ids);
                a.fingerprints = f;
                a.certs = c;
            }
        }
        Command::Show(a) => {
            set(std::slice::from_ref(&a.file), None, &mut a.warn_days);
        }
        _ => {}
    }
}

/// What the first positional argument is.
#[derive(Debug, PartialEq, Eq)]
enum First {
    /// A subcommand (or none at all, or `--help`/`--version` before it).
    Subcommand,
    /// A file: `check` is meant, to be inserted at this index.
    Check(usize),
    /// Not a subcommand and not an existing path, but close to this subcommand.
    Typo(String, &'static str),
}

/// Whether the first positional argument is not a subcommand (so `check` is meant), or a
/// mistyped subcommand (`shw`) that is not an existing path either.
fn first_word(args: &[std::ffi::OsString]) -> First {
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let Some(a) = arg.to_str() else {
            return First::Check(1);
        };
        match a {
            "-h" | "--help" | "-V" | "--version" => return First::Subcommand,
            "--at" | "--format" | "--color" | "--config" => i += 1,
            "-" => return First::Check(1),
            _ if a.starts_with('-') => {}
            _ if SUBCOMMANDS.contains(&a) => return First::Subcommand,
            _ => {
                if !std::path::Path::new(a).exists() {
                    if let Some(close) = common::closest(a, SUBCOMMANDS) {
                        return First::Typo(a.to_string(), close);
                    }
                }
                return First::Check(1);
            }
        }
        i += 1;
    }
    First::Subcommand
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let cli = command();
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
            let c = command();
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

    fn os(v: &[&str]) -> Vec<std::ffi::OsString> {
        v.iter().map(Into::into).collect()
    }

    #[test]
    fn a_mistyped_subcommand_is_told_apart_from_a_file() {
        assert_eq!(
            first_word(&os(&["samlcheck", "shw", "f.xml"])),
            First::Typo("shw".into(), "show")
        );
        assert_eq!(
            first_word(&os(&["samlcheck", "--at", "x", "lnit", "f.xml"])),
            First::Typo("lnit".into(), "lint")
        );
        assert_eq!(
            first_word(&os(&["samlcheck", "a.xml", "b.xml"])),
            First::Check(1)
        );
        assert_eq!(
            first_word(&os(&["samlcheck", "-", "b.xml"])),
            First::Check(1)
        );
        // An existing path wins over a near subcommand name.
        assert_eq!(
            first_word(&os(&["samlcheck", "src", "b.xml"])),
            First::Check(1)
        );
        assert_eq!(
            first_word(&os(&["samlcheck", "show", "x"])),
            First::Subcommand
        );
        assert_eq!(first_word(&os(&["samlcheck"])), First::Subcommand);
    }

    #[test]
    fn every_subcommand_is_listed_for_the_shorthand() {
        for c in command().get_subcommands() {
            assert!(SUBCOMMANDS.contains(&c.get_name()), "{}", c.get_name());
        }
    }

    #[test]
    fn out_of_range_is_an_argument_error_with_exit_2() {
        let e = command()
            .try_get_matches_from([
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
