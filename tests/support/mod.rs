//! Shared by tests that need an outside program (chromium, xmlsec1, python3 packages,
//! `script`): a test that cannot run says so, and under `CI=true` it fails instead.
//!
//! Each skip is also appended, one line, to the file named by `SAMLCHECK_SKIP_LOG` when it
//! is set; `scripts/test.sh` (the README's test command) sets it under `target/` and ends the
//! run with a line counting the skips. libtest hides a passing test's output, so without the
//! log a skip would be invisible.
#![allow(dead_code)]

use std::io::Write;

/// Whether this is a CI run (`CI=true` or `CI=1`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Records that `test` skips because `why` (an outside program is missing); panics under CI.
pub fn skip(test: &str, why: &str) {
    assert!(!in_ci(), "CI=true: {test} cannot be skipped: {why}");
    let line = format!("SKIP {test}: {why}");
    println!("{line}");
    if let Some(log) = std::env::var_os("SAMLCHECK_SKIP_LOG") {
        // Tests run in parallel: one short append per skip, so lines do not interleave.
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = f.write_all(format!("{line}\n").as_bytes());
        }
    }
}

/// Whether `program --version` (or the given probe arguments) runs and succeeds.
pub fn have(program: &str, probe: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success())
}
