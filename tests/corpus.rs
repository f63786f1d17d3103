//! Conformance: every real file in ../shared/corpus parses or fails with a clear error, and
//! AWS, Entra and ADFS files get the right flavour. Skips when the corpus is absent.
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

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

#[test]
fn show_succeeds_or_fails_clearly_on_every_metadata_file() {
    let Some(root) = corpus() else { return };
    let mut ok = 0;
    for sub in [
        "1-aws-identity-center",
        "3-entra",
        "4-other-idp-sp",
        "5-aggregates",
        "6-attacks-broken",
        "7-responses",
    ] {
        for f in xml_files(&root.join(sub)) {
            let out = Command::cargo_bin("samlcheck")
                .unwrap()
                .args(["show", "--format", "json", "--at", "2026-01-01T00:00:00Z"])
                .arg(&f)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!err.contains("panicked"), "{}: {err}", f.display());
            match out.status.code() {
                Some(0) => {
                    let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    ok += 1;
                }
                Some(2) => {
                    assert_eq!(err.lines().count(), 1, "{}: {err}", f.display());
                    // Only files that are not metadata (responses, attacks, a list of
                    // metadata) may be refused among the metadata folders.
                    if ["1-aws-identity-center", "3-entra", "5-aggregates"].contains(&sub) {
                        panic!("{} refused: {err}", f.display());
                    }
                    if sub == "4-other-idp-sp" {
                        assert!(err.contains("MetadataList"), "{}: {err}", f.display());
                    }
                }
                c => panic!("{}: exit {c:?}: {err}", f.display()),
            }
        }
    }
    assert!(ok > 50, "only {ok} files parsed");
}

fn flavor_kinds(f: &Path) -> Vec<String> {
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["show", "--format", "json"])
        .arg(f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", f.display());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["metadata"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["flavor"]["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn flavours_of_aws_entra_and_adfs_files() {
    let Some(root) = corpus() else { return };
    for f in xml_files(&root.join("1-aws-identity-center")) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let want = if name.starts_with("aws_ic_sp") {
            "aws-identity-center-sp"
        } else {
            "aws-identity-center-idp"
        };
        assert_eq!(flavor_kinds(&f), vec![want.to_string()], "{name}");
    }
    for f in xml_files(&root.join("3-entra")) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let want = if name.starts_with("adfs") {
            "adfs"
        } else {
            "entra"
        };
        assert_eq!(flavor_kinds(&f), vec![want.to_string()], "{name}");
    }
}

#[test]
fn real_aws_sp_and_real_entra_pair_gives_an_actionable_report() {
    let Some(root) = corpus() else { return };
    let sp = root.join("1-aws-identity-center/aws_ic_sp__apne1_d-9567b34c60__extracted.xml");
    let idp = root.join("3-entra/entra_tenant81c1df79__ggtristams.xml");
    let out = Command::cargo_bin("samlcheck")
        .unwrap()
        .args(["--format", "json", "--at", "2026-01-01T00:00:00Z"])
        .arg(&sp)
        .arg(&idp)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sp"]["flavor"]["region"], "ap-northeast-1");
    assert_eq!(
        v["idp"]["flavor"]["tenant"]["id"],
        "81c1df79-e153-4f9d-a101-8dcf04af6c2c"
    );
    for f in v["findings"].as_array().unwrap() {
        assert!(!f["message"].as_str().unwrap().is_empty());
        assert!(!f["hint"].as_str().unwrap().is_empty());
    }
}
