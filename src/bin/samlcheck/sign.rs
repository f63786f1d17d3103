//! `samlcheck sign --key KEY.pem --cert CERT.pem FILE -o OUT`
//!
//! Writes the signed document to OUT through a temporary file in the same directory and a
//! rename, so OUT is never half-written. OUT may not be FILE.

use crate::common::read_path;
use crate::common::{input_error, usage_error, Ctx};
use samlcheck::dsig::{self, SignOptions, SigningKey};
use samlcheck::Limits;
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
    let file = crate::common::display_name(&args.file);
    let limits = Limits::default();
    let decoded = match read_path(&args.file, &limits) {
        Ok(d) => d,
        Err(e) => return input_error(&e.in_file(&file)),
    };
    // The output is written as UTF-8 with the input's other bytes unchanged, so an input
    // in another encoding would keep a declaration that no longer tells the truth.
    let info = decoded.info();
    let declared_ok = info.declared_encoding.as_deref().is_none_or(|e| {
        ["UTF-8", "UTF8", "US-ASCII", "ASCII"]
            .iter()
            .any(|ok| e.eq_ignore_ascii_case(ok))
    });
    let ascii_or_utf8 = matches!(
        info.encoding,
        samlcheck::xml::Encoding::Utf8 | samlcheck::xml::Encoding::Ascii
    );
    if !ascii_or_utf8 || !declared_ok {
        return input_error(&format!(
            "{file}: sign needs UTF-8 input (this file is {}); convert it first, e.g. with iconv -t UTF-8, and fix its encoding declaration",
            info.declared_encoding.as_deref().unwrap_or(info.encoding.name())
        ));
    }
    let mut signed = match dsig::sign(decoded.text(), &key, &SignOptions::default()) {
        Ok(s) => s,
        Err(e) => return input_error(&e.in_file(&file)),
    };
    // Byte-faithful: a byte order mark stays.
    if info.bom {
        signed.insert(0, '\u{FEFF}');
    }
    let dir = match args.output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let write = || -> std::io::Result<()> {
        let (path, mut f) = tempfile_in(&dir)?;
        let r = f
            .write_all(signed.as_bytes())
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
    if !ctx.quiet {
        eprintln!(
            "signed <{}> with {} ({}, SHA-1 {}) -> {}",
            samlcheck::report::escape_text(&file),
            samlcheck::report::escape_text(&key.cert().subject),
            key.method().name(),
            key.cert().sha1,
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
