//! Checks an SP's and an IdP's metadata together, with the Entra and AWS exports, in one
//! library call: what `samlcheck check SP IDP --entra-app ... --entra-users ... --aws-users ...`
//! prints, as a typed report.
//!
//! Run from the crate root (the defaults are the test fixtures: an IAM Identity Center SP,
//! an Entra app's metadata, the Entra app export and both user lists):
//!
//! ```text
//! cargo run --example check_pair
//! cargo run --example check_pair -- SP.xml IDP.xml [APP.json [ENTRA_USERS.json [AWS_USERS.json]]]
//! ```
//!
//! The exit code is 1 when a finding is an error (sign-in would fail), 2 when an input
//! cannot be read, as with the command line.

use samlcheck::pair::PairOptions;
use samlcheck::run::{check_pair, PairInput, Source};
use samlcheck::Severity;
use std::process::ExitCode;

const FIXTURES: &str = "tests/fixtures";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| {
        args.get(i)
            .cloned()
            .unwrap_or_else(|| format!("{FIXTURES}/{default}"))
    };

    // The documents, in either order: the library finds which is the SP and which the IdP.
    let mut input = PairInput::new(
        Source::read(arg(0, "aws-ic-sp.xml")),
        Source::read(arg(1, "entra-idp.xml")),
    );
    // The optional exports: `az ad sp show`, `az ad user list`, `aws identitystore list-users`.
    input.exports.entra_app = Some(Source::read(arg(2, "entra/app-ic-good.json")));
    input.exports.entra_users = Some(Source::read(arg(3, "entra/entra-users.json")));
    input.exports.aws_users = Some(Source::read(arg(4, "entra/aws-users-bad.json")));

    // The library never reads the clock: the caller chooses the instant (here a fixed one,
    // so the output does not change from day to day; a tool would pass `Utc::now()`).
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .map(|t| t.to_utc())
        .unwrap_or_default();
    let mut opts = PairOptions::at(at);
    opts.warn_days = 60;

    let report = match check_pair(&input, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    println!("SP:  {} ({})", report.sp.entity_id, report.sp.file);
    println!("IdP: {} ({})", report.idp.entity_id, report.idp.file);
    let (errors, warnings, infos) = report.report.counts();
    println!("{errors} error(s), {warnings} warning(s), {infos} info(s)\n");
    // Every finding: per-file ones (lint, signatures) and the pair's (pair and exports).
    for f in report.report.all_findings() {
        let place = f
            .location
            .as_ref()
            .map(|l| match l.pos.line {
                // Findings about a JSON export name the file and the JSON path instead.
                0 => format!(" [{}]", l.file),
                line => format!(" [{}:{line}]", l.file),
            })
            .unwrap_or_default();
        println!(
            "{:7} {}{place}\n        {}",
            f.severity.as_str(),
            f.code,
            f.message
        );
    }
    // What Entra would send as NameID for each user, against the Identity Center usernames.
    if !report.users.is_empty() {
        println!("\nusers:");
        for u in &report.users {
            println!(
                "  {:30} NameID {:30} -> {:?}",
                u.user,
                u.name_id.as_deref().unwrap_or("(unknown)"),
                u.outcome
            );
        }
    }
    for n in &report.report.notes {
        println!("note: {n}");
    }

    if report.fails(Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
