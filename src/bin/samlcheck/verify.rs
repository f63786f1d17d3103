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

use crate::common::{emit, input_error, Ctx, FailOn, Format};
use samlcheck::dsig::{self, Trust, TrustBasis};
use samlcheck::report::escape_text as esc;
use samlcheck::run::VerifyReport;
use samlcheck::Limits;
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
    let mut opts = dsig::VerifyOptions::at(ctx.at);
    opts.warn_days = args.warn_days;
    let r = match samlcheck::run::verify_source(
        &crate::common::source(&args.file),
        &trust,
        &opts,
        &Limits::default(),
    ) {
        Ok(r) => r,
        Err(e) => return input_error(&e.to_string()),
    };
    let code = if r.fails(args.fail_on.severity()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let out = match ctx.format {
        Format::Json => crate::common::pretty(&r),
        Format::Sarif | Format::Junit => {
            let mut rep = samlcheck::report::Report::new("verify", ctx.at);
            rep.files.push(samlcheck::report::FileReport::new(
                r.file.clone(),
                r.signatures
                    .iter()
                    .filter_map(|c| c.entity.clone())
                    .collect(),
                r.findings.clone(),
            ));
            rep.checks = dsig::rule_codes();
            match crate::common::render(&rep, ctx) {
                Ok(s) => s,
                Err(m) => return crate::common::usage_error(&m),
            }
        }
        Format::Markdown | Format::Html => {
            return crate::common::usage_error("--format markdown is only for `samlcheck rules`")
        }
        Format::Text => text_report(&r, ctx),
    };
    if !(ctx.quiet && code == ExitCode::SUCCESS) {
        if let Err(code) = emit(&out) {
            return code;
        }
    }
    code
}

fn trust_word(b: TrustBasis) -> &'static str {
    match b {
        TrustBasis::PinnedCert => "pinned certificate",
        TrustBasis::PinnedFingerprint => "pinned fingerprint",
        TrustBasis::EmbeddedOnly => "embedded certificate only",
    }
}

fn text_report(r: &VerifyReport, ctx: &Ctx) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: <{}>{}",
        esc(&r.file),
        r.root,
        if r.is_metadata {
            ""
        } else {
            " (not SAML metadata; enveloped signatures verified the same way)"
        }
    );
    if r.signatures.is_empty() {
        let _ = writeln!(s, "  no signature: <{}> is not signed", r.root);
    }
    for c in &r.signatures {
        let who = c
            .entity
            .as_deref()
            .map(|e| format!(" {}", esc(e)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  signature at {}:{} ({}) on <{}>{who}",
            c.line,
            c.col,
            esc(&c.path),
            c.element
        );
        match (&c.signer, &c.algorithms, c.trust, &c.failure) {
            (Some(signer), Some(alg), Some(trust), _) => {
                let cert = &signer.cert;
                let at = ctx.at;
                let validity = if signer.valid_at {
                    format!(
                        "valid at {}, {} days left",
                        at.format("%Y-%m-%d"),
                        signer.days_left
                    )
                } else if at < cert.not_before {
                    format!("NOT YET VALID at {}", at.format("%Y-%m-%d"))
                } else {
                    format!(
                        "EXPIRED at {} ({} days ago)",
                        at.format("%Y-%m-%d"),
                        -signer.days_left
                    )
                };
                let _ = writeln!(
                    s,
                    "    signed element: <{}> reference URI \"{}\"",
                    c.signed_element.as_deref().unwrap_or(""),
                    esc(c.reference_uri.as_deref().unwrap_or(""))
                );
                let _ = writeln!(s, "    signer: {}", esc(&cert.subject));
                let _ = writeln!(s, "      thumbprint (SHA-1): {}", cert.sha1);
                let _ = writeln!(s, "      SHA-256: {}", cert.sha256);
                let _ = writeln!(
                    s,
                    "      validity: {} .. {} ({validity})",
                    cert.not_before.format("%Y-%m-%d"),
                    cert.not_after.format("%Y-%m-%d")
                );
                let _ = writeln!(
                    s,
                    "    algorithms: {}, digest {}, c14n {}{}",
                    alg.signature,
                    alg.digest,
                    alg.reference_c14n,
                    if c.weak { " (SHA-1: weak)" } else { "" }
                );
                let _ = writeln!(s, "    trust: {}", trust_word(trust));
                if c.under_verified_root && trust == TrustBasis::EmbeddedOnly {
                    let _ = writeln!(s, "    verdict: VERIFIED with its embedded certificate (integrity only; the verified root signature covers this content)");
                } else if trust == TrustBasis::EmbeddedOnly {
                    let _ = writeln!(s, "    verdict: VERIFIED (integrity only: the embedded certificate proves the file is unchanged since it was signed, not who signed it; pin with --cert or --fingerprint)");
                } else {
                    let _ = writeln!(s, "    verdict: VERIFIED");
                }
            }
            (_, _, _, Some(f)) if c.under_verified_root => {
                let _ = writeln!(
                    s,
                    "    verdict: NOT VERIFIED (a warning: the verified root signature covers this content): {}",
                    esc(&f.message)
                );
            }
            (_, _, _, f) => {
                let msg = f.as_ref().map_or("", |f| f.message.as_str());
                let _ = writeln!(s, "    verdict: NOT VERIFIED: {}", esc(msg));
            }
        }
    }
    let weakening: Vec<&samlcheck::Finding> = r
        .findings
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
        if r.verified {
            if !r.pinned {
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
