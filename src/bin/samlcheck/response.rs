//! `samlcheck response FILE --idp IDP.xml [--sp SP.xml]`: a captured SAML Response checked
//! against the IdP metadata's keys (and the SP metadata and exports when given).

use crate::common::{self, Ctx, FailOn, Format};
use samlcheck::report::escape_text as esc;
use samlcheck::response::{ResponseOptions, ResponseReport};
use samlcheck::run::ResponseInput;
use std::fmt::Write;
use std::path::PathBuf;
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
    /// For a HAR file: check only this entry of log.entries, counted from 0 (0 to 100000).
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

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let mut opts = ResponseOptions::new();
    // `--at` (or `--at now`, the clock read once in Ctx); none: the response's IssueInstant.
    opts.at = ctx.at_given.then_some(ctx.at);
    opts.entry = args.entry;
    opts.redact = args.redact;
    opts.idp_entity = args.idp_entity.clone();
    opts.sp_entity = args.sp_entity.clone();
    let mut input = ResponseInput::new(common::source(&args.file), common::source(&args.idp));
    input.sp = args.sp.as_deref().map(common::source);
    let opt = |p: &Option<PathBuf>| p.as_deref().map(common::source);
    input.exports.claims = opt(&args.claims);
    input.exports.entra_users = opt(&args.entra_users);
    input.exports.aws_users = opt(&args.aws_users);
    input.exports.aws_role = opt(&args.aws_role);
    let r = match samlcheck::run::check_response(&input, &opts) {
        Ok(r) => r,
        Err(e) => return common::input_error(&e.to_string()),
    };
    let out = match ctx.format {
        Format::Text => {
            let mut s = header(&r.result, &r.file);
            let mut o = samlcheck::report::TextOptions::color(ctx.color);
            o.hide_info = ctx.quiet;
            s.push_str(&samlcheck::report::to_text(&r.report, &o));
            s
        }
        Format::Json => common::pretty(&r),
        Format::Html => {
            let details = [("Responses", header(&r.result, &r.file))];
            common::html(&r.report, Vec::new(), 30, &details)
        }
        _ => match common::render(&r.report, ctx) {
            Ok(s) => s,
            Err(msg) => return common::usage_error(&msg),
        },
    };
    let code = match args.fail_on.severity() {
        Some(t) if r.fails(t) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    };
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
