//! `samlcheck sign --key KEY.pem --cert CERT.pem FILE -o OUT`
//!
//! Writes the signed document to OUT through a temporary file in the same directory and a
//! rename, so OUT is never half-written. OUT may not be FILE.

use crate::common::{input_error, usage_error, Ctx};
use samlcheck::dsig::{SignOptions, SigningKey};
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `samlcheck sign`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The XML file to sign.
    pub file: std::path::PathBuf,
    /// Private key, PEM (PKCS#8 RSA/ECDSA P-256/P-384, or PKCS#1 RSA).
    #[arg(long, value_name = "KEY.pem")]
    pub key: std::path::PathBuf,
    /// The key's certificate, PEM (embedded in KeyInfo).
    #[arg(long, value_name = "CERT.pem")]
    pub cert: std::path::PathBuf,
    /// Where to write the signed file (never the input file).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: std::path::PathBuf,
}

fn read_text(p: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Loads a signing key and its certificate (PEM); on failure prints the error, exit 2.
pub fn load_key(key: &std::path::Path, cert: &std::path::Path) -> Result<SigningKey, ExitCode> {
    let (key_pem, cert_pem) = match (read_text(key), read_text(cert)) {
        (Ok(k), Ok(c)) => (k, c),
        (Err(e), _) | (_, Err(e)) => return Err(input_error(&e)),
    };
    SigningKey::from_pem(&key_pem, &cert_pem).map_err(|e| input_error(&e.to_string()))
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let same = match (args.file.canonicalize(), args.output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => args.file == args.output,
    };
    if same {
        return usage_error("refusing to overwrite the input file: give another path with -o");
    }
    let key = match load_key(&args.key, &args.cert) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let r = match samlcheck::run::sign_source(
        &crate::common::source(&args.file),
        &key,
        &SignOptions::default(),
        &args.output.display().to_string(),
    ) {
        Ok(r) => r,
        Err(e) => return input_error(&e.to_string()),
    };
    let dir = match args.output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let write = || -> std::io::Result<()> {
        let (path, mut f) = tempfile_in(&dir)?;
        let r = f
            .write_all(&r.bytes)
            .and_then(|()| f.sync_all())
            .and_then(|()| std::fs::rename(&path, &args.output));
        if r.is_err() {
            let _ = std::fs::remove_file(&path);
        }
        r
    };
    if let Err(e) = write() {
        return input_error(&format!("{}: {e}", args.output.display()));
    }
    if ctx.format == crate::common::Format::Json {
        // The summary as JSON on standard output (the document itself is in OUT).
        if let Err(code) = crate::common::emit(&crate::common::pretty(&r)) {
            return code;
        }
    } else if !ctx.quiet {
        eprintln!(
            "signed <{}> with {} ({}, SHA-1 {}) -> {}",
            samlcheck::report::escape_text(&r.input),
            samlcheck::report::escape_text(&r.signer.subject),
            r.method,
            r.signer.sha1,
            args.output.display()
        );
    }
    ExitCode::SUCCESS
}

/// A new file in `dir` with a unique name (created exclusively).
fn tempfile_in(dir: &std::path::Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let pid = std::process::id();
    for n in 0..1000u32 {
        let p = dir.join(format!(".samlcheck-sign-{pid}-{n}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("cannot create a temporary file"))
}
