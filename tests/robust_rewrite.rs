//! Issue 15: `rewrite --in-place` keeps mode, owner and group, leaves no temporary file
//! after an error or a caught signal, and removes one a killed run left.
// Drives the binary, which needs the `cli` feature.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture() -> Vec<u8> {
    // An Entra file: starts with a byte order mark, so --strip-bom is an edit.
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entra-idp.xml"))
        .unwrap()
}

fn samlcheck() -> Command {
    Command::cargo_bin("samlcheck").unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn temps(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".samlcheck-tmp-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn in_place_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("idp.xml");
    std::fs::write(&f, fixture()).unwrap();
    for mode in [0o600, 0o640, 0o644, 0o604] {
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
        std::fs::write(&f, fixture()).unwrap();
        samlcheck()
            .arg("rewrite")
            .arg(&f)
            .args(["--in-place", "--strip-bom", "-q"])
            .assert()
            .code(0);
        let m = std::fs::metadata(&f).unwrap();
        assert_eq!(m.permissions().mode() & 0o7777, mode);
        assert_eq!(std::fs::read(&f).unwrap(), fixture()[3..]);
    }
    assert_eq!(names(d.path()), ["idp.xml"]);
}

#[cfg(unix)]
#[test]
fn in_place_keeps_owner_and_group_as_root() {
    use std::os::unix::fs::MetadataExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("idp.xml");
    std::fs::write(&f, fixture()).unwrap();
    if std::fs::metadata(&f).unwrap().uid() != 0 {
        eprintln!("skipped: keeping another user's ownership needs root");
        return;
    }
    std::os::unix::fs::chown(&f, Some(31337), Some(31338)).unwrap();
    samlcheck()
        .arg("rewrite")
        .arg(&f)
        .args(["--in-place", "--strip-bom", "-q"])
        .assert()
        .code(0)
        .stderr("");
    let m = std::fs::metadata(&f).unwrap();
    assert_eq!((m.uid(), m.gid()), (31337, 31338));
    assert_eq!(std::fs::read(&f).unwrap(), fixture()[3..]);
}

#[test]
fn a_leftover_from_a_killed_run_is_removed_by_the_next_run() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("idp.xml");
    std::fs::write(&f, fixture()).unwrap();
    // PIDs no process has (above any pid_max), and an unrelated file of similar name.
    let dead = d.path().join(".idp.xml.samlcheck-tmp-4294967295");
    let dead2 = d.path().join(".idp.xml.samlcheck-tmp-4294967294");
    let other = d.path().join(".other.xml.samlcheck-tmp-4294967295");
    for p in [&dead, &dead2, &other] {
        std::fs::write(p, "partial").unwrap();
    }
    let a = samlcheck()
        .arg("rewrite")
        .arg(&f)
        .args(["--in-place", "--strip-bom"])
        .assert()
        .code(0);
    if !Path::new("/proc/self").exists() {
        eprintln!("skipped: without /proc only leftovers older than an hour are removed");
        return;
    }
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("a temporary file an interrupted run left"),
        "{err}"
    );
    assert_eq!(
        names(d.path()),
        [".other.xml.samlcheck-tmp-4294967295", "idp.xml"]
    );
    assert_eq!(std::fs::read(&f).unwrap(), fixture()[3..]);
}

#[test]
fn no_temporary_file_after_an_error() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("idp.xml");
    std::fs::write(&f, fixture()).unwrap();
    // The output is a non-empty directory: the final rename fails after the temporary
    // file was written.
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep"), "k").unwrap();
    samlcheck()
        .arg("rewrite")
        .arg(&f)
        .args(["--strip-bom", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(names(d.path()), ["idp.xml", "out"]);
    assert_eq!(names(&out), ["keep"]);
    // An edit that fails: nothing written, the input untouched.
    samlcheck()
        .arg("rewrite")
        .arg(&f)
        .args(["--in-place", "--set-valid-until", "not a date"])
        .assert()
        .code(2);
    samlcheck()
        .arg("rewrite")
        .arg(&f)
        .args(["--in-place", "--extract", "https://no.such.entity/"])
        .assert()
        .code(2);
    assert_eq!(names(d.path()), ["idp.xml", "out"]);
    assert_eq!(std::fs::read(&f).unwrap(), fixture());
}

/// Sends `sig` to `pid` with kill(1); false when there is no `kill` program.
#[cfg(unix)]
fn kill(sig: &str, pid: u32) -> bool {
    match std::process::Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .status()
    {
        Ok(s) => {
            assert!(s.success());
            true
        }
        Err(_) => false,
    }
}

#[cfg(unix)]
fn wait_for_temp(dir: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Some(t) = temps(dir).into_iter().next() {
            return t;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn a_caught_signal_removes_the_temporary_file() {
    let bin = assert_cmd::cargo::cargo_bin("samlcheck");
    for (sig, code) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("idp.xml");
        std::fs::write(&f, fixture()).unwrap();
        // The test hook keeps the finished temporary file for 30 s before the rename.
        let mut child = std::process::Command::new(&bin)
            .arg("rewrite")
            .arg(&f)
            .args(["--in-place", "--strip-bom", "-q"])
            .env("SAMLCHECK_TEST_HOLD_TEMP_MS", "30000")
            .spawn()
            .unwrap();
        let t = wait_for_temp(d.path());
        assert_eq!(t, format!(".idp.xml.samlcheck-tmp-{}", child.id()));
        if sig == "TERM" && Path::new("/proc/self").exists() {
            // A run on the same file meanwhile leaves the live run's temporary file alone.
            samlcheck()
                .arg("rewrite")
                .arg(&f)
                .args(["--in-place", "--strip-bom", "-q"])
                .assert()
                .code(0);
            assert_eq!(temps(d.path()), vec![t.clone()]);
            std::fs::write(&f, fixture()).unwrap();
        }
        if !kill(sig, child.id()) {
            let _ = child.kill();
            let _ = child.wait();
            assert!(std::env::var_os("CI").is_none(), "kill(1) is missing on CI");
            eprintln!("skipped: no kill(1)");
            return;
        }
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "SIG{sig}: {status:?}");
        assert_eq!(names(d.path()), ["idp.xml"], "SIG{sig}");
        assert_eq!(std::fs::read(&f).unwrap(), fixture(), "SIG{sig}: untouched");
    }
}
