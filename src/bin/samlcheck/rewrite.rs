//! `samlcheck rewrite FILE [OPS...] -o OUT`: byte-faithful edits (see docs/rewrite.md).

use crate::common::{Ctx, Format};
use samlcheck::rewrite::{self, Op, RewriteOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `samlcheck rewrite`. Operations run in a fixed order whatever order they
/// are given in: extract, saml2-only, certificates, ACS URLs, entityID, validUntil /
/// cacheDuration, strip-signature, pretty/minify, sign, strip-bom.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The metadata file to rewrite.
    pub file: PathBuf,
    /// Where to write the result (`-` for standard output). Required unless --in-place.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<String>,
    /// Replace FILE itself, through a temporary file `.FILE.samlcheck-tmp-PID` and a rename: a
    /// failure or an interrupt loses nothing and leaves no temporary file; the new file keeps
    /// FILE's mode, owner and group (owner: as root).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
    /// Drop the UTF-8 byte order mark (AWS IAM refuses files that start with one).
    #[arg(long)]
    pub strip_bom: bool,
    /// Remove every certificate that has expired (at --at, or now).
    #[arg(long)]
    pub remove_expired_certs: bool,
    /// Remove the certificate with this SHA-1 thumbprint or SHA-256 fingerprint (hex,
    /// colons allowed). Repeatable.
    #[arg(long, value_name = "THUMBPRINT")]
    pub remove_cert: Vec<String>,
    /// Keep only SAML 2.0 roles: drop WS-Federation RoleDescriptors (Entra, ADFS) and other
    /// non-SAML 2.0 roles.
    #[arg(long)]
    pub saml2_only: bool,
    /// Output only the EntityDescriptor with this entityID, as a standalone document.
    #[arg(long, value_name = "ENTITYID")]
    pub extract: Option<String>,
    /// Add an AssertionConsumerService URL (index = highest + 1). Repeatable.
    #[arg(long, value_name = "URL")]
    pub add_acs: Vec<String>,
    /// Binding of the URLs added with --add-acs (HTTP-POST, HTTP-Redirect, HTTP-Artifact,
    /// PAOS or a URI; default HTTP-POST).
    #[arg(long, value_name = "BINDING", requires = "add_acs")]
    pub acs_binding: Option<String>,
    /// Make the URL added with --add-acs the default (isDefault="true"; the previous
    /// default gets isDefault="false").
    #[arg(long, requires = "add_acs")]
    pub acs_default: bool,
    /// Change an AssertionConsumerService Location: OLD=NEW (split before NEW's scheme).
    /// Repeatable.
    #[arg(long, value_name = "OLD=NEW")]
    pub replace_acs: Vec<String>,
    /// Remove the AssertionConsumerService at this URL (the default moves to the lowest
    /// remaining index). Repeatable.
    #[arg(long, value_name = "URL")]
    pub remove_acs: Vec<String>,
    /// Set the entityID.
    #[arg(long, value_name = "ID")]
    pub set_entity_id: Option<String>,
    /// Set validUntil on the root element (RFC 3339).
    #[arg(long, value_name = "RFC3339", conflicts_with = "remove_valid_until")]
    pub set_valid_until: Option<String>,
    /// Remove validUntil from the root element.
    #[arg(long)]
    pub remove_valid_until: bool,
    /// Set cacheDuration on the root element (xs:duration, e.g. PT6H).
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "remove_cache_duration"
    )]
    pub set_cache_duration: Option<String>,
    /// Remove cacheDuration from the root element.
    #[arg(long)]
    pub remove_cache_duration: bool,
    /// Remove every signature.
    #[arg(long)]
    pub strip_signature: bool,
    /// Sign the result with this private key (PEM).
    #[arg(long, value_name = "KEY.pem")]
    pub sign_key: Option<PathBuf>,
    /// The certificate to put in the signature's KeyInfo (PEM).
    #[arg(long, value_name = "CERT.pem")]
    pub sign_cert: Option<PathBuf>,
    /// Indent the document: only white space between elements changes; values, and
    /// elements with text, keep their bytes (breaks any signature unless it is signed
    /// again).
    #[arg(long, conflicts_with = "minify")]
    pub pretty: bool,
    /// Remove white space between elements; values, and elements with text, keep their
    /// bytes (breaks any signature unless signed again).
    #[arg(long)]
    pub minify: bool,
}

/// The operations the flags ask for.
fn ops(a: &Args) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    if let Some(id) = &a.extract {
        ops.push(Op::Extract(id.clone()));
    }
    if a.saml2_only {
        ops.push(Op::Saml2Only);
    }
    if a.remove_expired_certs {
        ops.push(Op::RemoveExpiredCerts);
    }
    ops.extend(a.remove_cert.iter().cloned().map(Op::RemoveCert));
    for r in &a.replace_acs {
        let (old, new) = split_replace(r)?;
        ops.push(Op::ReplaceAcs { old, new });
    }
    ops.extend(a.remove_acs.iter().cloned().map(Op::RemoveAcs));
    if a.acs_default && a.add_acs.len() > 1 {
        return Err(
            "--acs-default with more than one --add-acs: only one URL can be the default".into(),
        );
    }
    for url in &a.add_acs {
        ops.push(Op::AddAcs {
            url: url.clone(),
            binding: a.acs_binding.clone(),
            make_default: a.acs_default,
        });
    }
    if let Some(id) = &a.set_entity_id {
        ops.push(Op::SetEntityId(id.clone()));
    }
    if let Some(t) = &a.set_valid_until {
        let t = chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("--set-valid-until {t:?} is not an RFC 3339 date-time: {e}"))?;
        ops.push(Op::SetValidUntil(t.with_timezone(&chrono::Utc)));
    }
    if a.remove_valid_until {
        ops.push(Op::RemoveValidUntil);
    }
    if let Some(d) = &a.set_cache_duration {
        ops.push(Op::SetCacheDuration(d.clone()));
    }
    if a.remove_cache_duration {
        ops.push(Op::RemoveCacheDuration);
    }
    if a.strip_signature {
        ops.push(Op::StripSignature);
    }
    if a.pretty {
        ops.push(Op::Pretty);
    }
    if a.minify {
        ops.push(Op::Minify);
    }
    match (&a.sign_key, &a.sign_cert) {
        (Some(_), Some(_)) => ops.push(Op::Sign),
        (None, None) => {}
        _ => return Err("--sign-key and --sign-cert go together".into()),
    }
    if a.strip_bom {
        ops.push(Op::StripBom);
    }
    Ok(ops)
}

/// Splits `OLD=NEW` before NEW's scheme (URLs may contain `=` in their query).
fn split_replace(s: &str) -> Result<(String, String), String> {
    let cut = ["=https://", "=http://", "=urn:"]
        .iter()
        .filter_map(|m| s.find(m))
        .min()
        .or_else(|| s.find('='));
    match cut {
        Some(i) if i > 0 => Ok((
            s.get(..i).unwrap_or("").to_string(),
            s.get(i + 1..).unwrap_or("").to_string(),
        )),
        _ => Err(format!("--replace-acs {s:?}: expected OLD=NEW")),
    }
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let target = match (&args.output, args.in_place) {
        (Some(o), false) if o == "-" => Target::Stdout,
        (Some(o), false) => Target::File(PathBuf::from(o)),
        // The real file behind a symbolic link is replaced; the link stays a link.
        (None, true) => Target::File(
            std::fs::canonicalize(&args.file).unwrap_or_else(|_| args.file.clone()),
        ),
        (None, false) => {
            return crate::common::usage_error(
                "rewrite needs -o OUT (or -o - for standard output), or --in-place to replace the input",
            )
        }
        (Some(_), true) => {
            return crate::common::usage_error("--in-place and -o cannot be combined")
        }
    };
    if let Target::File(out) = &target {
        if !args.in_place && same_file(out, &args.file) {
            return crate::common::usage_error(
                "-o names the input file; use --in-place to replace it",
            );
        }
    }
    let ops = match ops(args) {
        Ok(o) => o,
        Err(m) => return crate::common::usage_error(&m),
    };
    let file = crate::common::display_name(&args.file);
    let limits = samlcheck::Limits::default();
    let input = match crate::common::read_path(&args.file, &limits) {
        Ok(d) => d,
        Err(e) => return crate::common::input_error(&e.in_file(&file)),
    };
    let key = match (&args.sign_key, &args.sign_cert) {
        (Some(k), Some(c)) => match crate::sign::load_key(k, c) {
            Ok(key) => Some(key),
            Err(code) => return code,
        },
        _ => None,
    };
    let sign_opts = samlcheck::dsig::SignOptions::default();
    let signer = |text: &str| -> Result<String, samlcheck::Error> {
        match &key {
            Some(k) => samlcheck::dsig::sign(text, k, &sign_opts),
            None => Err(samlcheck::Error::Input {
                what: "no signing key given".into(),
            }),
        }
    };
    let mut opts = RewriteOptions::default();
    opts.at = Some(ctx.at);
    opts.limits = limits;
    if key.is_some() {
        opts.signer = Some(&signer);
    }
    let out = match rewrite::rewrite(&input, &ops, &opts) {
        Ok(o) => o,
        Err(e) => return crate::common::input_error(&e.in_file(&file)),
    };
    let summary = summary(&out, ctx, &file, &target);
    match &target {
        Target::Stdout => {
            if let Err(code) = emit_bytes(&out.bytes) {
                return code;
            }
            if !ctx.quiet {
                eprint!("{summary}");
            }
        }
        Target::File(path) => {
            // --in-place: the new file keeps the original's mode, owner and group (the path
            // is the real file when the input is a symbolic link).
            let keep = args.in_place.then_some(path.as_path());
            match crate::atomic::write(path, &out.bytes, keep) {
                Ok(w) => {
                    for p in &w.removed {
                        if !ctx.quiet {
                            eprintln!(
                                "samlcheck: removed {}, a temporary file an interrupted run left",
                                p.display()
                            );
                        }
                    }
                    for m in &w.warnings {
                        eprintln!("samlcheck: warning: {m}");
                    }
                }
                Err(e) => return crate::common::input_error(&format!("{}: {e}", path.display())),
            }
            if !ctx.quiet {
                if let Err(code) = crate::common::emit(&summary) {
                    return code;
                }
            }
        }
    }
    ExitCode::SUCCESS
}

enum Target {
    Stdout,
    File(PathBuf),
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn summary(out: &rewrite::Rewritten, ctx: &Ctx, file: &str, target: &Target) -> String {
    let dest = match target {
        Target::Stdout => "-".to_string(),
        Target::File(p) => p.display().to_string(),
    };
    if ctx.format == Format::Json {
        let v = serde_json::json!({
            "input": file,
            "output": dest,
            "bytes": out.bytes.len(),
            "edits": out.edits,
            "signature": out.signature,
        });
        return format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    let mut s = String::new();
    for e in &out.edits {
        let at = e
            .path
            .as_deref()
            .map(|p| format!(" {p}:"))
            .unwrap_or_default();
        let line = format!("{}:{at} {}", e.op, e.message);
        s.push_str(&samlcheck::report::escape_text(&line));
        s.push('\n');
    }
    if out.edits.is_empty() {
        s.push_str("no edits: the output equals the input\n");
    }
    s.push_str(&format!(
        "signature: {} ({})\nwrote {} bytes to {dest}\n",
        out.signature.label(),
        match out.signature {
            rewrite::SignatureEffect::Unsigned => "the document is not signed",
            rewrite::SignatureEffect::Untouched =>
                "signed content unchanged; the signature still verifies",
            rewrite::SignatureEffect::Removed =>
                "the output is not signed where it was; the notes say which signature went and why",
            rewrite::SignatureEffect::Resigned => "signed again with the given key",
            rewrite::SignatureEffect::Broken => "a signature remains that no longer verifies",
            _ => "",
        },
        out.bytes.len()
    ));
    s
}

/// Writes the document to standard output; a closed pipe is not an error.
fn emit_bytes(b: &[u8]) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(b).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("samlcheck: cannot write output: {e}");
            Err(ExitCode::from(2))
        }
    }
}
