//! `samlcheck response FILE --idp IDP.xml [--sp SP.xml]`: a captured SAML Response checked
//! against the IdP metadata's keys (and the SP metadata and exports when given).

use crate::common::{self, Ctx, FailOn, Format};
use samlcheck::report::escape_text as esc;
use samlcheck::response::{ResponseOptions, ResponseReport};
use std::fmt::Write;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--entry`: 0 to 100000 (a HAR file of a sign-in has a few hundred entries).
const ENTRY: (i128, i128) = (0, 100_000);

fn entry_index() -> impl Fn(&str) -> Result<usize, String> + Clone + Send + Sync + 'static {
    |s: &str| {
        let (lo, hi) = ENTRY;
        let msg = || format!("expected a whole number of entries from {lo} to {hi}");
        match s.trim().parse::<i128>() {
            Ok(n) if (lo..=hi).contains(&n) => usize::try_from(n).map_err(|_| msg()),
            _ => Err(msg()),
        }
    }
}

/// Arguments of `samlcheck response`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The captured response: the XML, the base64 SAMLResponse value (URL-encoded or not), a
    /// HAR file from the browser, or - for standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The IdP's metadata: its signing certificates are the only trust anchors.
    #[arg(long, value_name = "IDP.xml")]
    pub idp: PathBuf,
    /// The SP's metadata (ACS URLs, entityID, AWS flavour).
    #[arg(long, value_name = "SP.xml")]
    pub sp: Option<PathBuf>,
    /// For a HAR file: check only this entry of log.entries (0-based, 0 to 100000).
    #[arg(long, value_name = "N", value_parser = entry_index())]
    pub entry: Option<usize>,
    /// Replace NameID and attribute values with stable placeholders in all output.
    #[arg(long)]
    pub redact: bool,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Choose the IdP entity by entityID (aggregates).
    #[arg(long, value_name = "ENTITYID")]
    pub idp_entity: Option<String>,
    /// Choose the SP entity by entityID (aggregates).
    #[arg(long, value_name = "ENTITYID")]
    pub sp_entity: Option<String>,
    /// The Entra claims configuration (Graph customClaimsPolicy or claimsMappingPolicy).
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// Entra users (`az ad user list`, Graph output).
    #[arg(long, value_name = "FILE")]
    pub entra_users: Option<PathBuf>,
    /// AWS IAM Identity Center users (`aws identitystore list-users` output).
    #[arg(long, value_name = "FILE")]
    pub aws_users: Option<PathBuf>,
    /// An AWS IAM role for single-account SAML (`aws iam get-role` output).
    #[arg(long, value_name = "FILE")]
    pub aws_role: Option<PathBuf>,
}

/// Reads the response input (a file or `-`), refusing it past the size limit before
/// reading all of it.
pub fn read_capture(path: &Path, limits: &samlcheck::Limits) -> Result<Vec<u8>, ExitCode> {
    let name = path.display().to_string();
    let too_big = || {
        common::input_error(&format!(
            "{name}: input size in bytes exceeds the limit of {}",
            limits.max_bytes
        ))
    };
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        let stdin = std::io::stdin();
        let mut take = stdin.lock().take(limits.max_bytes.saturating_add(1));
        take.read_to_end(&mut buf)
            .map_err(|e| common::input_error(&format!("standard input: {e}")))?;
    } else {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(common::input_error(&format!("{name}: is a directory")))
            }
            Ok(m) if m.len() > limits.max_bytes => return Err(too_big()),
            Ok(_) => {}
            Err(e) => return Err(common::input_error(&format!("{name}: {e}"))),
        }
        buf = std::fs::read(path).map_err(|e| common::input_error(&format!("{name}: {e}")))?;
    }
    if buf.len() as u64 > limits.max_bytes {
        return Err(too_big());
    }
    Ok(buf)
}

fn metadata(path: &Path) -> Result<samlcheck::Metadata, ExitCode> {
    let decoded = common::read_input(path)?;
    let doc = common::parse_input(path, &decoded)?;
    common::model_of(path, &doc, &decoded)
}

pub fn run(args: &Args, ctx: &Ctx, at_given: Option<&str>) -> ExitCode {
    let mut opts = ResponseOptions::new();
    // `--at now` reads the clock (once, in Ctx); no --at: the response's own IssueInstant.
    opts.at = at_given.map(|_| ctx.at).or(ctx.at_given.then_some(ctx.at));
    opts.entry = args.entry;
    opts.redact = args.redact;
    opts.idp_entity = args.idp_entity.clone();
    opts.sp_entity = args.sp_entity.clone();
    let idp = match metadata(&args.idp) {
        Ok(m) => m,
        Err(c) => return c,
    };
    let sp = match args.sp.as_deref().map(metadata) {
        Some(Ok(m)) => Some(m),
        Some(Err(c)) => return c,
        None => None,
    };
    let paths = samlcheck::entra::InputPaths {
        entra_app: None,
        claims: args.claims.as_deref(),
        entra_users: args.entra_users.as_deref(),
        aws_users: args.aws_users.as_deref(),
        permission_set: None,
        aws_role: args.aws_role.as_deref(),
    };
    let exports = match samlcheck::entra::PairInputs::load(&paths) {
        Ok(i) => i,
        Err(e) => return common::input_error(&e.to_string()),
    };
    let input = match read_capture(&args.file, &opts.limits) {
        Ok(b) => b,
        Err(c) => return c,
    };
    let name = if args.file.as_os_str() == "-" {
        "(stdin)".to_string()
    } else {
        args.file.display().to_string()
    };
    let result = match samlcheck::response::check(&input, &idp, sp.as_ref(), &exports, &opts) {
        Ok(r) => r,
        Err(e) => return common::input_error(&e.in_file(&name)),
    };
    let report = result.to_report(&name);
    let out = match ctx.format {
        Format::Text => {
            let mut s = header(&result, &name);
            let mut o = samlcheck::report::TextOptions::color(ctx.color);
            o.hide_info = ctx.quiet;
            s.push_str(&samlcheck::report::to_text(&report, &o));
            s
        }
        Format::Json => samlcheck::report::to_json(
            &report,
            Some(serde_json::json!({
                "idp": result.idp_entity_id,
                "sp": result.sp_entity_id,
                "responses": result.responses,
            })),
        ),
        _ => match common::render(&report, ctx) {
            Ok(s) => s,
            Err(msg) => return common::usage_error(&msg),
        },
    };
    let all: Vec<samlcheck::Finding> = report.all_findings().cloned().collect();
    let code = common::exit_for(&all, args.fail_on);
    if ctx.quiet && code == ExitCode::SUCCESS {
        return code;
    }
    match common::emit(&out) {
        Ok(()) => code,
        Err(c) => c,
    }
}

/// What each response says and what AWS will do with it, before the findings.
fn header(r: &ResponseReport, file: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "IdP  {}", esc(&r.idp_entity_id));
    if let Some(sp) = &r.sp_entity_id {
        let _ = writeln!(s, "SP   {}", esc(sp));
    }
    for x in &r.responses {
        let m = &x.summary;
        let _ = writeln!(s, "\n{} ({})", esc(&r.file_name(file, x)), esc(&x.source));
        let verdict = if x.accepted {
            "AWS accepts it (as far as checked)"
        } else {
            "AWS rejects it"
        };
        let _ = writeln!(s, "  verdict      {verdict}");
        let signed = match x.covered {
            Some(samlcheck::response::Covered::Both) => "Response and Assertion".to_string(),
            Some(samlcheck::response::Covered::Response) => "Response".to_string(),
            Some(samlcheck::response::Covered::Assertion) => "Assertion".to_string(),
            _ => "no trusted signature covers the assertion".to_string(),
        };
        let _ = writeln!(s, "  signed       {signed}");
        for g in &x.signers {
            let _ = writeln!(
                s,
                "  signer       {}: certificate {} of {} ({})",
                g.signed,
                g.position,
                g.of,
                esc(&g.subject)
            );
        }
        let line = |s: &mut String, k: &str, v: &Option<String>| {
            if let Some(v) = v {
                let _ = writeln!(s, "  {k:<12} {}", esc(v));
            }
        };
        line(&mut s, "status", &m.status);
        line(
            &mut s,
            "issuer",
            &m.assertion_issuer.clone().or(m.issuer.clone()),
        );
        line(&mut s, "destination", &m.destination);
        line(&mut s, "in-resp-to", &m.in_response_to);
        line(&mut s, "nameid", &m.name_id);
        line(&mut s, "format", &m.name_id_format);
        if !m.audiences.is_empty() {
            let _ = writeln!(s, "  {:<12} {}", "audience", esc(&m.audiences.join(", ")));
        }
        line(&mut s, "not-before", &m.not_before);
        line(&mut s, "not-after", &m.not_on_or_after);
        for a in &m.attributes {
            let _ = writeln!(
                s,
                "  attribute    {} = {}",
                esc(&a.name),
                esc(&a.values.join(" | "))
            );
        }
    }
    s.push('\n');
    s
}

/// The pair `check --response` has chosen.
pub struct Pair<'a> {
    pub sp: &'a samlcheck::Metadata,
    pub sp_entity: &'a str,
    pub idp: &'a samlcheck::Metadata,
    pub idp_entity: &'a str,
    pub exports: &'a samlcheck::entra::PairInputs,
}

/// `check SP IDP --response FILE`: each response found in FILE becomes a file entry of the
/// pair's report (its findings, the rule codes and a verdict note), so every output format
/// and the exit code include it. Time conditions are evaluated at `--at` when given, else
/// at the response's IssueInstant plus the allowance (as `samlcheck response` does).
pub fn add_to_check(
    report: &mut samlcheck::report::Report,
    path: &Path,
    pair: &Pair<'_>,
    redact: bool,
    ctx: &Ctx,
) -> Result<(), ExitCode> {
    let mut opts = ResponseOptions::new();
    opts.at = ctx.at_given.then_some(ctx.at);
    opts.redact = redact;
    opts.idp_entity = Some(pair.idp_entity.to_string());
    opts.sp_entity = Some(pair.sp_entity.to_string());
    let input = read_capture(path, &opts.limits)?;
    let name = if path.as_os_str() == "-" {
        "(stdin)".to_string()
    } else {
        path.display().to_string()
    };
    let result = samlcheck::response::check(&input, pair.idp, Some(pair.sp), pair.exports, &opts)
        .map_err(|e| common::input_error(&e.in_file(&name)))?;
    let part = result.to_report(&name);
    report.files.extend(part.files);
    for code in part.checks {
        if !report.checks.contains(&code) {
            report.checks.push(code);
        }
    }
    for x in &result.responses {
        let verdict = if x.accepted {
            "AWS accepts it (as far as checked)"
        } else {
            "AWS rejects it"
        };
        report.notes.push(format!(
            "response {}: {verdict}",
            result.file_name(&name, x)
        ));
    }
    report.notes.extend(part.notes);
    Ok(())
}
