//! `samlcheck verify FILE [--cert FILE]... [--fingerprint HEX]...`
//!
//! Exit 0: the root element's signature verified, and every other signature verified or lies
//! inside the verified root, and no finding reaches `--fail-on` (default error: the warnings
//! that weaken a verdict fail the run only with `--fail-on warning`). Exit 1: not verified
//! (including no signature), or a finding at or above `--fail-on`. Exit 2: unreadable input
//! or bad arguments.
//!
//! JSON shape (`--format json`), stable:
//! `{"file", "root", "is_metadata", "trust": "pinned"|"embedded_only", "verified": bool,
//!   "signatures": [{"path", "line", "col", "element", "entity", "on_root",
//!   "under_verified_root", "verified",
//!   "failure": {"code", "message"}|null, "trust": "pinned_cert"|"pinned_fingerprint"|
//!   "embedded_only"|null, "reference_uri", "algorithms": {"signature", "digest",
//!   "signed_info_c14n", "reference_c14n"}, "signer": {"sha1", "sha256", "subject",
//!   "issuer", "not_before", "not_after", "key_kind", "key_bits", "valid_at", "days_left"}}],
//!   "findings": [Finding]}`

use crate::common::read_path;
use crate::common::{emit, exit_for, input_error, Ctx, FailOn, Format};
use samlcheck::dsig::{self, Trust, TrustBasis};
use samlcheck::report::escape_text as esc;
use samlcheck::xml::XmlDoc;
use samlcheck::Limits;
use serde_json::json;
use std::fmt::Write;
use std::process::ExitCode;

/// Arguments of `samlcheck verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The signed XML file (metadata; any root element is verified the same way).
    pub file: std::path::PathBuf,
    /// A trusted signing certificate (PEM or DER); repeatable.
    #[arg(long = "cert", value_name = "FILE")]
    pub certs: Vec<std::path::PathBuf>,
    /// A trusted certificate fingerprint, SHA-256 or SHA-1 hex (colons allowed); repeatable.
    #[arg(long = "fingerprint", value_name = "HEX")]
    pub fingerprints: Vec<String>,
    /// Warn when a signing or pinned certificate expires within this many days of --at (0
    /// to 36500).
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = crate::common::days())]
    pub warn_days: i64,
    /// Also exit 1 when a finding reaches this severity (`warning`: fail on what weakens
    /// the verdict, such as an expired signer or SHA-1). A signature that does not verify
    /// always exits 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    if args.warn_days < 0 {
        return crate::common::usage_error("--warn-days must not be negative");
    }
    let mut trust = Trust::embedded();
    for c in &args.certs {
        let bytes = match std::fs::read(c) {
            Ok(b) => b,
            Err(e) => return input_error(&format!("{}: {e}", c.display())),
        };
        if let Err(e) = trust.add_cert_bytes(&bytes) {
            return input_error(&e.in_file(&c.display().to_string()));
        }
    }
    for f in &args.fingerprints {
        if let Err(e) = trust.add_fingerprint(f) {
            return input_error(&format!("--fingerprint: {e}"));
        }
    }
    let file = crate::common::display_name(&args.file);
    let limits = Limits::default();
    let decoded = match read_path(&args.file, &limits) {
        Ok(d) => d,
        Err(e) => return input_error(&crate::common::read_error(&args.file, &e)),
    };
    let doc = match XmlDoc::parse(decoded.text(), &limits) {
        Ok(d) => d,
        Err(e) => return input_error(&e.in_file(&file)),
    };
    let report = dsig::verify_with_limits(&doc, &trust, &limits);
    if let Some(e) = report.limit_exceeded() {
        return input_error(&e.in_file(&file));
    }
    let ok = report.is_verified();
    let mut opts = dsig::VerifyOptions::at(ctx.at);
    opts.warn_days = args.warn_days;
    let findings: Vec<samlcheck::Finding> = dsig::verify_findings(&report, &trust, &opts)
        .into_iter()
        .map(|f| f.in_file(&file))
        .collect();
    let code = if ok {
        exit_for(&findings, args.fail_on)
    } else {
        ExitCode::from(1)
    };
    let out = match ctx.format {
        Format::Json => json_report(&file, &report, &trust, ok, &findings, ctx),
        Format::Sarif | Format::Junit => {
            let mut r = samlcheck::report::Report::new("verify", ctx.at);
            r.files.push(samlcheck::report::FileReport {
                file: file.clone(),
                entities: report
                    .signatures
                    .iter()
                    .filter_map(|c| c.entity.clone())
                    .collect(),
                findings: findings.clone(),
            });
            r.checks = dsig::rule_codes();
            match crate::common::render(&r, ctx) {
                Ok(s) => s,
                Err(m) => return crate::common::usage_error(&m),
            }
        }
        Format::Markdown => {
            return crate::common::usage_error("--format markdown is only for `samlcheck rules`")
        }
        Format::Text => text_report(&file, &report, &trust, ok, &findings, ctx),
    };
    if !(ctx.quiet && code == ExitCode::SUCCESS) {
        if let Err(code) = emit(&out) {
            return code;
        }
    }
    // The process ends next: freeing a tree of millions of nodes would only cost time.
    std::mem::forget(report);
    std::mem::forget(doc);
    std::mem::forget(decoded);
    code
}

fn trust_word(b: TrustBasis) -> &'static str {
    match b {
        TrustBasis::PinnedCert => "pinned certificate",
        TrustBasis::PinnedFingerprint => "pinned fingerprint",
        TrustBasis::EmbeddedOnly => "embedded certificate only",
    }
}

fn text_report(
    file: &str,
    r: &dsig::Report<'_>,
    trust: &Trust,
    ok: bool,
    findings: &[samlcheck::Finding],
    ctx: &Ctx,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: <{}>{}",
        esc(file),
        r.root_name,
        if r.is_metadata {
            ""
        } else {
            " (not SAML metadata; enveloped signatures verified the same way)"
        }
    );
    if r.signatures.is_empty() {
        let _ = writeln!(s, "  no signature: <{}> is not signed", r.root_name);
    }
    for c in &r.signatures {
        let who = c
            .entity
            .as_deref()
            .map(|e| format!(" {}", esc(e)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  signature at {} ({}) on <{}>{who}",
            c.pos,
            esc(&c.path),
            c.parent_name
        );
        match &c.outcome {
            Ok(v) => {
                let i = v.info();
                let at = ctx.at;
                let validity = if i.signer.is_valid_at(at) {
                    format!(
                        "valid at {}, {} days left",
                        at.format("%Y-%m-%d"),
                        i.signer.days_left(at)
                    )
                } else if at < i.signer.not_before {
                    format!("NOT YET VALID at {}", at.format("%Y-%m-%d"))
                } else {
                    format!(
                        "EXPIRED at {} ({} days ago)",
                        at.format("%Y-%m-%d"),
                        -i.signer.days_left(at)
                    )
                };
                let _ = writeln!(
                    s,
                    "    signed element: <{}> reference URI \"{}\"",
                    i.element,
                    esc(&i.reference_uri)
                );
                let _ = writeln!(s, "    signer: {}", esc(&i.signer.subject));
                let _ = writeln!(s, "      thumbprint (SHA-1): {}", i.signer.sha1);
                let _ = writeln!(s, "      SHA-256: {}", i.signer.sha256);
                let _ = writeln!(
                    s,
                    "      validity: {} .. {} ({validity})",
                    i.signer.not_before.format("%Y-%m-%d"),
                    i.signer.not_after.format("%Y-%m-%d")
                );
                let _ = writeln!(
                    s,
                    "    algorithms: {}, digest {}, c14n {}{}",
                    i.signature.name(),
                    i.digest.name(),
                    i.reference_c14n,
                    if i.is_weak() { " (SHA-1: weak)" } else { "" }
                );
                let _ = writeln!(s, "    trust: {}", trust_word(i.trust));
                if c.under_verified_root && i.trust == TrustBasis::EmbeddedOnly {
                    let _ = writeln!(s, "    verdict: VERIFIED with its embedded certificate (integrity only; the verified root signature covers this content)");
                } else if i.trust == TrustBasis::EmbeddedOnly {
                    let _ = writeln!(s, "    verdict: VERIFIED (integrity only: the embedded certificate proves the file is unchanged since it was signed, not who signed it; pin with --cert or --fingerprint)");
                } else {
                    let _ = writeln!(s, "    verdict: VERIFIED");
                }
            }
            Err(f) if c.under_verified_root => {
                let _ = writeln!(
                    s,
                    "    verdict: NOT VERIFIED (a warning: the verified root signature covers this content): {}",
                    esc(&f.to_string())
                );
            }
            Err(f) => {
                let _ = writeln!(s, "    verdict: NOT VERIFIED: {}", esc(&f.to_string()));
            }
        }
    }
    let weakening: Vec<&samlcheck::Finding> = findings
        .iter()
        .filter(|f| f.severity == samlcheck::Severity::Warning)
        .collect();
    let n_warnings = weakening.len();
    if !weakening.is_empty() {
        let _ = writeln!(s, "warnings (what weakens the verdict):");
        let o = samlcheck::report::TextOptions::color(ctx.color);
        for f in weakening {
            samlcheck::report::write_finding(&mut s, &o, f, "  ");
        }
    }
    let _ = writeln!(
        s,
        "{}{}",
        if ok {
            if trust.is_embedded_only() {
                "result: verified (integrity only, no pinned certificate)"
            } else {
                "result: verified"
            }
        } else {
            "result: NOT verified"
        },
        match n_warnings {
            0 => String::new(),
            1 => ", with 1 warning".to_string(),
            n => format!(", with {n} warnings"),
        }
    );
    s
}

fn json_report(
    file: &str,
    r: &dsig::Report<'_>,
    trust: &Trust,
    ok: bool,
    findings: &[samlcheck::Finding],
    ctx: &Ctx,
) -> String {
    let sigs: Vec<serde_json::Value> = r
        .signatures
        .iter()
        .map(|c| {
            let (failure, info) = match &c.outcome {
                Ok(v) => (serde_json::Value::Null, Some(v.info())),
                Err(f) => (json!({"code": f.code(), "message": f.to_string()}), None),
            };
            json!({
                "path": c.path,
                "line": c.pos.line,
                "col": c.pos.col,
                "element": c.parent_name,
                "entity": c.entity,
                "on_root": c.on_root,
                "under_verified_root": c.under_verified_root,
                "verified": info.is_some(),
                "failure": failure,
                "trust": info.map(|i| i.trust),
                "reference_uri": info.map(|i| i.reference_uri.clone()),
                "algorithms": info.map(|i| json!({
                    "signature": i.signature.name(),
                    "digest": i.digest.name(),
                    "signed_info_c14n": i.signed_info_c14n,
                    "reference_c14n": i.reference_c14n,
                })),
                "signer": info.map(|i| {
                    let mut v = serde_json::to_value(&i.signer).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("valid_at".into(), json!(i.signer.is_valid_at(ctx.at)));
                        o.insert("days_left".into(), json!(i.signer.days_left(ctx.at)));
                    }
                    v
                }),
            })
        })
        .collect();
    let v = json!({
        "tool": "samlcheck",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "verify",
        "file": file,
        "root": r.root_name,
        "is_metadata": r.is_metadata,
        "trust": if trust.is_embedded_only() { "embedded_only" } else { "pinned" },
        "at": ctx.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "verified": ok,
        "signatures": sigs,
        "findings": findings,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
