//! The HTML report in a real browser: Debian's chromium, headless.
//!
//! A report of the pair check on an Entra-like IdP metadata file mid-rollover (two signing
//! certificates overlapping, made by `examples/gen_fixtures.rs` with the test keys) is opened
//! with `--dump-dom` and `--screenshot`: the page must log nothing to the console (the page has
//! no script, so any console message is a Content-Security-Policy violation or an error), and
//! the timeline SVG, its bars and the findings must be in the DOM. The same on the corpus
//! Entra files when `../shared/corpus` is present. A page that does load something is caught
//! (negative control).
//!
//! Without chromium the tests print why and skip, except under `CI=true` (`.ci/run`
//! installs it), where they fail. `SAMLCHECK_CHROMIUM` names another binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The browser binary, or `None` (after saying why) when there is none outside CI.
fn chromium() -> Option<String> {
    let candidates: Vec<String> = match std::env::var("SAMLCHECK_CHROMIUM") {
        Ok(c) => vec![c],
        Err(_) => ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    for c in &candidates {
        if Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(c.clone());
        }
    }
    support::skip(
        "browser",
        &format!(
            "no chromium found ({candidates:?}); apt-get install chromium to run the browser test"
        ),
    );
    None
}

struct Page {
    dom: String,
    console: Vec<String>,
}

/// Opens `html` in headless chromium: the serialized DOM and every console message.
/// A screenshot goes to `png` when given.
fn open(browser: &str, html: &Path, png: Option<&Path>, tmp: &Path) -> Page {
    let url = format!("file://{}", html.display());
    let profile = tmp.join("profile");
    let base = |c: &mut Command| {
        c.args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    };
    let mut c = Command::new(browser);
    base(&mut c);
    let out = c.arg("--dump-dom").arg(&url).output().unwrap();
    assert!(out.status.success(), "chromium --dump-dom failed: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let console: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Refused to"))
        .map(str::to_string)
        .collect();
    if let Some(png) = png {
        let mut c = Command::new(browser);
        base(&mut c);
        let out = c
            .arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=1000,1300")
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "chromium --screenshot failed: {out:?}"
        );
    }
    Page {
        dom: String::from_utf8(out.stdout).unwrap(),
        console,
    }
}

fn report(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .args(args)
        .args(["--format", "html"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {o:?}");
    std::fs::write(out, o.stdout).unwrap();
}

fn fx(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn entra_mid_rollover_report_renders_without_console_errors() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    report(
        &[
            "check",
            &fx("aws-ic-sp.xml"),
            &fx("entra-idp.xml"),
            "--at",
            "2026-12-01T00:00:00Z",
            "--warn-days",
            "60",
        ],
        &html,
    );
    let png = tmp.path().join("report.png");
    let page = open(&browser, &html, Some(&png), tmp.path());
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
    let dom = &page.dom;
    assert!(dom.contains("<svg") && dom.contains("aria-label=\"certificate timeline\""));
    // Both certificates of the rollover, their overlap, the instant and the warning window.
    assert_eq!(dom.matches("class=\"tl-bar ").count(), 2, "{dom}");
    assert!(dom.contains("class=\"tl-overlap\""));
    assert!(dom.contains("class=\"tl-at\"") && dom.contains("class=\"tl-warn\""));
    assert!(dom.contains("<section id=\"findings\">"));
    assert!(dom.contains("data-code=\"entra.signing.rollover\""));
    let size = std::fs::metadata(&png).unwrap().len();
    assert!(size > 20_000, "screenshot of {size} bytes");
}

#[test]
fn console_errors_are_caught() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("bad.html");
    std::fs::write(
        &html,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><img src=\"http://192.0.2.1/x.png\"></body></html>",
    )
    .unwrap();
    let page = open(&browser, &html, None, tmp.path());
    assert!(!page.console.is_empty(), "a blocked load was not reported");
}

/// The corpus Entra and ADFS files, each as its own report: renders, quietly.
#[test]
fn corpus_entra_reports_render() {
    let Some(browser) = chromium() else { return };
    let dir = ["../shared/corpus/3-entra", "../../shared/corpus/3-entra"]
        .iter()
        .map(|r| root().join(r))
        .find(|p| p.is_dir());
    let Some(dir) = dir else {
        println!("skipping: ../shared/corpus is absent");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".xml"))
        .collect();
    files.sort();
    let html = tmp.path().join("corpus.html");
    let mut args = vec!["lint", "--at", "2026-12-01T00:00:00Z"];
    args.extend(files.iter().map(String::as_str));
    report(&args, &html);
    let page = open(&browser, &html, None, tmp.path());
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
    assert!(page.dom.contains("class=\"tl-bar "));
    assert!(page.dom.contains("<section id=\"findings\">"));
}
