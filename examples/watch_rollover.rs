//! Watches an IdP's signing-certificate rollover across successive copies of its metadata
//! (for example the file a job downloads every day): for each copy, the signing
//! certificates and their days left; between two copies, where the rollover stands and what
//! the SP side must do. Only library calls: [`show_source`] for each copy, [`diff_sources`]
//! for each step.
//!
//! Run from the crate root:
//!
//! ```text
//! cargo run --example watch_rollover
//! cargo run --example watch_rollover -- OLDEST.xml ... NEWEST.xml
//! ```
//!
//! Without arguments it watches three stages of the Entra test fixture: before the
//! rollover (a copy made here with `rewrite_source`, without the new certificate), during
//! it (`tests/fixtures/entra-idp.xml`: old and new listed) and after it
//! (`tests/fixtures/entra-idp-one-cert.xml`: only the new one).
//!
//! The exit code is 1 when a step breaks sign-in for an SP that has not followed, 2 when a
//! copy cannot be read.

use samlcheck::diff::{Class, DiffOptions};
use samlcheck::rewrite::{Op, RewriteOptions};
use samlcheck::run::{diff_sources, rewrite_source, show_source, InputError, Source};
use samlcheck::Limits;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, InputError> {
    let limits = Limits::default();
    // The instant validity is judged at (the library never reads the clock).
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .map(|t| t.to_utc())
        .unwrap_or_default();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let copies = if args.is_empty() {
        default_stages(at, &limits)?
    } else {
        args.iter().map(Source::read).collect()
    };

    let mut breaking = false;
    for (i, copy) in copies.iter().enumerate() {
        let shown = show_source(copy, at, &limits)?;
        println!("{}:", copy.name);
        for e in &shown.metadata.entities {
            println!("  {}", e.entity_id());
            let certs = e
                .idp_roles()
                .flat_map(|r| r.signing_keys())
                .flat_map(|k| k.certificates.iter())
                .filter_map(|c| c.facts.as_ref().ok());
            for (n, f) in certs.enumerate() {
                let days = f.days_left(at);
                let state = if !f.valid_at(at) && days < 0 {
                    "EXPIRED".to_string()
                } else if !f.valid_at(at) {
                    "not yet valid".to_string()
                } else {
                    format!("{days} days left")
                };
                println!(
                    "    signing #{} SHA-1 {} {} .. {} ({state}){}",
                    n + 1,
                    f.sha1_thumbprint,
                    f.not_before.format("%Y-%m-%d"),
                    f.not_after.format("%Y-%m-%d"),
                    if n == 0 { "  <- listed first" } else { "" }
                );
            }
        }
        let Some(prev) = i.checked_sub(1).and_then(|p| copies.get(p)) else {
            continue;
        };
        // The step from the previous copy: what changed and what the SP must do.
        let step = diff_sources(prev, copy, &DiffOptions::new(at), &limits)?;
        println!("  since {}: {}", prev.name, step.diff.summary());
        for e in &step.diff.entities {
            if let Some(r) = &e.rollover {
                println!("    rollover of {}: {}", e.entity_id, r.state);
            }
            for c in e.changes.iter().filter(|c| c.code.starts_with("diff.cert")) {
                println!("    {} {}: {}", c.class.as_str(), c.code, c.message);
                if !c.action.is_empty() {
                    println!("      -> {}", c.action);
                }
            }
        }
        breaking |= step.has(Class::Breaking);
        println!();
    }
    Ok(if breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Before, during and after the rollover of the Entra fixture. "Before" is made from
/// "during" by removing the certificate that comes in (the one of the "after" copy).
fn default_stages(
    at: chrono::DateTime<chrono::Utc>,
    limits: &Limits,
) -> Result<Vec<Source>, InputError> {
    let during = Source::read("tests/fixtures/entra-idp.xml");
    let after = Source::read("tests/fixtures/entra-idp-one-cert.xml");
    let new_cert = show_source(&after, at, limits)?
        .metadata
        .entities
        .iter()
        .flat_map(|e| e.idp_roles().flat_map(|r| r.signing_keys()))
        .flat_map(|k| k.certificates.iter())
        .find_map(|c| c.facts.as_ref().ok().map(|f| f.sha1_thumbprint.clone()))
        .unwrap_or_default();
    let before = rewrite_source(
        &during,
        &[Op::RemoveCert(new_cert)],
        None,
        &RewriteOptions::default(),
        "before.xml",
    )?;
    Ok(vec![
        Source::new("before.xml (generated)", before.bytes),
        during,
        after,
    ])
}
