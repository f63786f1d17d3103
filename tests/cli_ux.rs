//! Issue 17, the command line as a new user meets it: standard input as `-`, directories
//! walked by `lint`, a mistyped subcommand, `--at` messages, per-command `--format`,
//! `--quiet`, completions and the manual page, `explain`, and progress only on a terminal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod lintgen;
mod support;

use assert_cmd::Command;
use lintgen::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const AT: &str = "2026-06-01T00:00:00Z";

fn samlcheck() -> Command {
    let mut c = Command::cargo_bin("samlcheck").unwrap();
    c.env_remove("CI");
    c
}

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An IdP whose only finding is a warning (an http: SSO location).
fn warning_only_idp() -> String {
    entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!("{}{}", good_key(), sso("http://idp.example.org/sso"))
            ),
            organization()
        ),
    )
}

/// An IdP with an expired certificate (error) and an http: SSO location (warning).
fn error_and_warning_idp() -> String {
    let s = Spec {
        not_after: "260101000000Z".into(),
        ..Spec::default()
    };
    entity(
        "https://idp.example.org/",
        &format!(
            "{}{}",
            idp_role(
                "",
                &format!(
                    "{}{}",
                    key("signing", &cert(&s)),
                    sso("http://idp.example.org/sso")
                )
            ),
            organization()
        ),
    )
}

// ---- standard input ----

#[test]
fn stdin_dash_reads_standard_input_for_lint_show_check_and_verify() {
    let idp = good_idp("https://idp.example.org/");
    // lint: the report names the input <stdin>.
    let out = samlcheck()
        .args(["lint", "--at", AT, "--format", "json", "-"])
        .write_stdin(idp.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["files"][0]["file"], "<stdin>");
    assert_eq!(
        v["files"][0]["entities"],
        serde_json::json!(["https://idp.example.org/"])
    );
    // show
    samlcheck()
        .args(["show", "--at", AT, "-"])
        .write_stdin(std::fs::read(fx("aws-ic-sp.xml")).unwrap())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<stdin>"));
    // check: one side from standard input, in either position.
    let sp = fx("aws-ic-sp.xml");
    let idp_bytes = std::fs::read(fx("entra-idp.xml")).unwrap();
    let a = samlcheck()
        .args(["check", "--at", AT, "--format", "json"])
        .arg(&sp)
        .arg("-")
        .write_stdin(idp_bytes.clone())
        .output()
        .unwrap();
    let b = samlcheck()
        .args(["--at", AT, "--format", "json", "-"])
        .arg(&sp)
        .write_stdin(idp_bytes.clone())
        .output()
        .unwrap();
    assert!(matches!(a.status.code(), Some(0 | 1)), "{}", stderr(&a));
    assert_eq!(a.status.code(), b.status.code());
    let codes = |o: &std::process::Output| {
        let mut c: Vec<String> = json_of(o)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&a), codes(&b));
    // verify reads standard input too (an unsigned file is not verified: exit 1, not 2).
    let out = samlcheck()
        .args(["verify", "--at", AT, "-"])
        .write_stdin(idp.clone())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn stdin_errors_name_stdin_once_and_a_second_dash_is_refused() {
    let out = samlcheck()
        .args(["lint", "--at", AT, "-"])
        .write_stdin("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">\n<oops></md:EntityDescriptor>")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("<stdin>").count(), 1, "{err}");
    let idp = good_idp("https://idp.example.org/");
    let out = samlcheck()
        .args(["lint", "--at", AT, "-", "-"])
        .write_stdin(idp)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("only once"), "{}", stderr(&out));
}

// ---- directories ----

#[test]
fn lint_walks_directories_sorted_without_following_symlinks() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("md");
    let idp = good_idp("https://idp.example.org/");
    // Created out of order; sorted by path in the report.
    write(&root, "z/last.xml", &idp);
    write(&root, "b.xml", &idp);
    write(&root, "a.XML", &idp);
    write(&root, "m/inner.xml", &idp);
    write(&root, "notes.txt", "not metadata");
    write(&root, "m/readme.md", "not metadata");
    let outside = write(d.path(), "outside/linked.xml", &idp);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, root.join("link.xml")).unwrap();
        std::os::unix::fs::symlink(outside.parent().unwrap(), root.join("linkdir")).unwrap();
    }
    let files = |extra: &[&str]| -> Vec<String> {
        let out = samlcheck()
            .args(["lint", "--at", AT, "--format", "json"])
            .args(extra)
            .arg(&root)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        json_of(&out)["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                Path::new(f["file"].as_str().unwrap())
                    .strip_prefix(&root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        files(&[]),
        ["a.XML", "b.xml", "m/inner.xml", "z/last.xml"],
        "sorted, *.xml only, symbolic links not followed"
    );
    #[cfg(unix)]
    {
        let followed = files(&["--follow-symlinks"]);
        assert!(followed.contains(&"link.xml".to_string()), "{followed:?}");
        assert!(
            followed.contains(&"linkdir/linked.xml".to_string()),
            "{followed:?}"
        );
    }
    // The same run twice gives the same bytes.
    let run = || {
        samlcheck()
            .args(["lint", "--at", AT, "--format", "json"])
            .arg(&root)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
    // A directory with no *.xml file is an error (exit 2), not a silent pass.
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = samlcheck()
        .args(["lint", "--at", AT])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no *.xml file"), "{}", stderr(&out));
}

// ---- a mistyped subcommand ----

#[test]
fn a_mistyped_subcommand_gets_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    let out = samlcheck()
        .current_dir(d.path())
        .args(["shw", "f.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown command 'shw' (did you mean 'show'?)"),
        "{err}"
    );
    assert!(!err.contains("No such file"), "{err}");
    samlcheck()
        .current_dir(d.path())
        .args(["--at", AT, "lnit", "f.xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'lint'?"));
    // When the word is an existing path, it is a file for the pair check, not a typo.
    write(d.path(), "shw", "not xml");
    let out = samlcheck()
        .current_dir(d.path())
        .args(["shw", "f.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

// ---- --at ----

#[test]
fn at_says_what_is_wrong_with_the_date() {
    let sp = fx("aws-ic-sp.xml");
    for (at, why) in [
        ("2026-13-01", "month 13 is out of range"),
        ("2026-02-30T00:00:00Z", "day 30 is out of range for 2026-02"),
        ("2026-01-01", "a date without a time"),
        ("2026-01-01T25:00:00Z", "hour 25 is out of range"),
        ("2026-01-01T00:00:00", "no time zone"),
        ("yesterday", "not a date-time"),
    ] {
        let out = samlcheck()
            .args(["show", "--at", at])
            .arg(&sp)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{at}");
        let err = stderr(&out);
        assert!(err.contains(why), "{at}: {err}");
        assert!(err.contains("2026-01-01T00:00:00Z"), "an example: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.lines().all(|l| l == l.trim_end()),
            "trailing space: {err:?}"
        );
    }
}

#[test]
fn a_missing_file_is_named_once() {
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("missing-file.xml");
    for args in [vec!["show"], vec!["lint"], vec!["verify"]] {
        let out = samlcheck()
            .args(&args)
            .args(["--at", AT])
            .arg(&missing)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(
            err.matches("missing-file.xml").count(),
            1,
            "{args:?}: {err}"
        );
        assert!(err.lines().all(|l| l == l.trim_end()), "{err:?}");
    }
}

// ---- --format per command ----

#[test]
fn each_command_lists_and_accepts_only_its_formats() {
    let sp = fx("aws-ic-sp.xml");
    // The help lists what the command writes.
    samlcheck()
        .args(["show", "-h"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "[possible values: text, json, html]",
        ));
    samlcheck()
        .args(["rules", "-h"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("markdown"));
    // Unsupported after the subcommand: clap's usage error, exit 2, nothing on stdout.
    for (cmd, fmt) in [
        ("show", "sarif"),
        ("show", "junit"),
        ("lint", "markdown"),
        ("check", "markdown"),
    ] {
        let out = samlcheck()
            .args([cmd, "--at", AT, "--format", fmt])
            .arg(&sp)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd} --format {fmt}");
        assert!(
            out.stdout.is_empty(),
            "{cmd} --format {fmt}: never silently text"
        );
        assert!(stderr(&out).contains(fmt), "{}", stderr(&out));
    }
    // Before the subcommand: checked against the subcommand too.
    let out = samlcheck()
        .args(["--format", "sarif", "show", "--at", AT])
        .arg(&sp)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("--format sarif is not written by `samlcheck show`")
            && err.contains("text, json"),
        "{err}"
    );
    // And a supported one works in both places.
    for args in [
        vec!["show", "--format", "json", "--at", AT],
        vec!["--format", "json", "show", "--at", AT],
    ] {
        let out = samlcheck().args(&args).arg(&sp).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        json_of(&out);
    }
}

// ---- --quiet ----

#[test]
fn quiet_prints_only_what_reaches_fail_on() {
    let d = tempfile::tempdir().unwrap();
    let warn = write(d.path(), "warn.xml", &warning_only_idp());
    let both = write(d.path(), "both.xml", &error_and_warning_idp());
    let lint = || {
        let mut c = samlcheck();
        c.args(["lint", "--at", AT]);
        c
    };
    // Without --quiet the warning is shown; exit 0 at the default --fail-on error.
    lint()
        .arg(&warn)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("md.endpoint.location.http"));
    // With --quiet and exit 0: nothing at all, in every format.
    for fmt in ["text", "json", "sarif", "junit"] {
        lint()
            .arg(&warn)
            .args(["--quiet", "--format", fmt])
            .assert()
            .code(0)
            .stdout(predicate::str::is_empty());
    }
    // --fail-on warning: the warning reaches it and is printed.
    lint()
        .arg(&warn)
        .args(["--quiet", "--fail-on", "warning"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("md.endpoint.location.http"));
    // An error and a warning at --fail-on error: only the error is printed.
    let out = lint().arg(&both).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("x509.expired"), "{text}");
    assert!(!text.contains("md.endpoint.location.http"), "{text}");
}

// ---- completions and man ----

/// The subcommands, as `samlcheck --help` lists them.
fn subcommands() -> Vec<String> {
    let out = samlcheck().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let mut in_commands = false;
    let mut names = Vec::new();
    for line in help.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            if !line.starts_with("  ") {
                break;
            }
            let word = line.split_whitespace().next().unwrap();
            if word != "help" {
                names.push(word.to_string());
            }
        }
    }
    assert!(names.len() >= 10, "{names:?} from {help}");
    names
}

#[test]
fn completions_for_every_shell_mention_every_subcommand() {
    let subs = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = samlcheck().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        assert!(out.stderr.is_empty(), "{shell}: {}", stderr(&out));
        for s in &subs {
            assert!(script.contains(s.as_str()), "{shell} completion lacks {s}");
        }
    }
    samlcheck()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

#[test]
fn man_page_is_roff_and_mentions_every_subcommand() {
    let out = samlcheck().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH samlcheck"),
        "{page}"
    );
    assert!(page.contains(".SH"), "{page}");
    for s in subcommands() {
        assert!(page.contains(&s), "man page lacks {s}");
    }
}

// ---- explain ----

#[test]
fn explain_prints_the_whole_entry_of_a_rule() {
    let out = samlcheck()
        .args(["explain", "x509.expired"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("x509.expired (error)"), "{text}");
    for part in ["Why error:", "How to fix:", "Sources:"] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // The JSON form carries the same entry.
    let out = samlcheck()
        .args(["explain", "--format", "json", "x509.expired"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["rules"][0]["code"], "x509.expired");
    assert!(v["rules"][0]["fix"].as_str().is_some_and(|s| !s.is_empty()));
    // A typo gets close codes and exit 2.
    samlcheck()
        .args(["explain", "x509.expird"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("x509.expired"));
}

#[test]
fn explain_leads_from_an_aadsts_code_or_an_aws_message_to_rules() {
    // An AADSTS code, also inside a pasted message.
    for q in [
        "AADSTS50011",
        "AADSTS50011: The redirect URI 'https://x' specified in the request does not match",
    ] {
        let out = samlcheck().args(["explain", q]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{q}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Microsoft Entra ID"), "{text}");
        assert!(text.contains("pair.acs.not_in_reply_urls"), "{text}");
        assert!(text.contains("How to fix:"), "{text}");
    }
    // An AWS sign-in error message.
    let out = samlcheck()
        .args([
            "explain",
            "--format",
            "json",
            "Your request included an invalid SAML response. To logout, click here.",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["error"]["by"], "AWS");
    let codes: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"iam.role.missing"), "{codes:?}");
    // Nothing known: exit 2.
    samlcheck().args(["explain", "AADSTS0"]).assert().code(2);
}

// ---- progress ----

fn many_files(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("many");
    let idp = good_idp("https://idp.example.org/");
    for i in 0..n {
        write(&root, &format!("idp{i:03}.xml"), &idp);
    }
    root
}

#[test]
fn progress_is_never_drawn_when_piped() {
    let d = tempfile::tempdir().unwrap();
    let root = many_files(d.path(), 30);
    // Standard error is a pipe here, CI unset: no progress, not a byte.
    let out = samlcheck()
        .args(["lint", "--at", AT])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{:?}", stderr(&out));
}

/// The negative control: on a terminal (util-linux `script` gives one) the same run draws
/// progress, and with `CI` set it does not.
#[test]
fn progress_is_drawn_on_a_terminal_but_not_under_ci() {
    if !support::have("script", &["--version"]) {
        support::skip(
            "progress_is_drawn_on_a_terminal_but_not_under_ci",
            "util-linux `script` not found (apt-get install bsdutils)",
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let root = many_files(d.path(), 30);
    let bin = assert_cmd::cargo::cargo_bin("samlcheck");
    // Standard output goes to a file; standard error stays on the terminal `script` made.
    let cmd = format!(
        "'{}' lint --at {AT} '{}' > '{}'",
        bin.display(),
        root.display(),
        d.path().join("out.txt").display()
    );
    let run = |ci: bool| {
        let mut c = std::process::Command::new("script");
        c.args(["-q", "-e", "-c", &cmd, "/dev/null"]);
        if ci {
            c.env("CI", "true");
        } else {
            c.env_remove("CI");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let tty = run(false);
    assert!(tty.contains("files"), "no progress on a terminal: {tty:?}");
    let ci = run(true);
    assert!(!ci.contains("files"), "progress under CI: {ci:?}");
}
