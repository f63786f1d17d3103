//! `samlcheck SP.xml IDP.xml` (also `samlcheck check A B`): the pair check.

use crate::common::{self, source, Ctx, FailOn, Format, ShowLevel};
use samlcheck::pair::PairOptions;
use samlcheck::report::{escape_text as esc, TextOptions};
use samlcheck::run::{PairInput, PairReport};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of the pair check.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The two metadata files, SP and IdP in either order.
    #[arg(num_args = 2, value_names = ["FILE_A", "FILE_B"], required = true)]
    pub files: Vec<PathBuf>,
    /// Warn when a certificate expires within this many days (0 to 36500).
    #[arg(long, default_value_t = 30, value_name = "DAYS", value_parser = common::days())]
    pub warn_days: i64,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Choose the SP entity by entityID (aggregates, dual-role files).
    #[arg(long, value_name = "ENTITYID")]
    pub sp_entity: Option<String>,
    /// Choose the IdP entity by entityID (aggregates, dual-role files).
    #[arg(long, value_name = "ENTITYID")]
    pub idp_entity: Option<String>,
    /// The Entra service principal or application (`az ad sp show --id APPID`, Graph JSON).
    #[arg(long, value_name = "FILE")]
    pub entra_app: Option<PathBuf>,
    /// The Entra claims configuration (Graph customClaimsPolicy or claimsMappingPolicy).
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// Entra users (`az ad user list`, `az ad group member list` or Graph output).
    #[arg(long, value_name = "FILE")]
    pub entra_users: Option<PathBuf>,
    /// AWS IAM Identity Center users (`aws identitystore list-users` output).
    #[arg(long, value_name = "FILE")]
    pub aws_users: Option<PathBuf>,
    /// An IAM Identity Center permission set (`aws sso-admin describe-permission-set` output).
    #[arg(long, value_name = "FILE")]
    pub permission_set: Option<PathBuf>,
    /// An AWS IAM role for single-account SAML (`aws iam get-role --role-name NAME` output).
    #[arg(long, value_name = "FILE")]
    pub aws_role: Option<PathBuf>,
    /// Do not report this code (repeatable; `PREFIX.*` disables a family, e.g. `entra.*`).
    #[arg(long, value_name = "CODE")]
    pub disable: Vec<String>,
    /// Report only this code (repeatable; `PREFIX.*` selects a family).
    #[arg(long, value_name = "CODE")]
    pub only: Vec<String>,
    /// The lowest severity shown (display only: --fail-on still sees every finding).
    #[arg(long, value_enum, default_value_t = ShowLevel::Info)]
    pub show: ShowLevel,
    /// A captured SAML Response (XML, base64 SAMLResponse value, HAR, or -) checked against
    /// this pair and the exports, as `samlcheck response` does.
    #[arg(long, value_name = "FILE")]
    pub response: Option<PathBuf>,
    /// With --response: replace NameID and attribute values with placeholders.
    #[arg(long, requires = "response")]
    pub redact: bool,
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let (Some(pa), Some(pb)) = (args.files.first(), args.files.get(1)) else {
        return common::usage_error("the pair check takes two metadata files");
    };
    let mut opts = PairOptions::at(ctx.at);
    opts.warn_days = args.warn_days;
    opts.sp_entity = args.sp_entity.clone();
    opts.idp_entity = args.idp_entity.clone();
    opts.disabled = match samlcheck::run::expand_codes(&args.disable, "--disable") {
        Ok(c) => c,
        Err(e) => return common::usage_error(&e.to_string()),
    };
    opts.only = match samlcheck::run::expand_codes(&args.only, "--only") {
        Ok(c) => c,
        Err(e) => return common::usage_error(&e.to_string()),
    };
    opts.show = args.show.severity();
    let mut input = PairInput::new(source(pa), source(pb));
    let opt = |p: &Option<PathBuf>| p.as_deref().map(source);
    input.exports.entra_app = opt(&args.entra_app);
    input.exports.claims = opt(&args.claims);
    input.exports.entra_users = opt(&args.entra_users);
    input.exports.aws_users = opt(&args.aws_users);
    input.exports.permission_set = opt(&args.permission_set);
    input.exports.aws_role = opt(&args.aws_role);
    input.response = args.response.as_deref().map(source);
    // A response is judged at `--at` when given, else at its own IssueInstant.
    input.response_options.at = ctx.at_given.then_some(ctx.at);
    input.response_options.redact = args.redact;
    input.pinned = match crate::config::pinned() {
        Ok(p) => p,
        Err(msg) => return common::input_error(&msg),
    };
    let r = match samlcheck::run::check_pair(&input, &opts) {
        Ok(r) => r,
        Err(e) => return common::input_error(&e.to_string()),
    };
    let out = match ctx.format {
        Format::Text => {
            let mut s = header(&r);
            let o = TextOptions::color(ctx.color);
            if !r.users.is_empty() {
                let _ = writeln!(
                    s,
                    "users (NameID Entra would send, against IAM Identity Center usernames)"
                );
                for u in &r.users {
                    let _ = writeln!(s, "  {}", esc(&user_line(u)));
                }
                s.push('\n');
            }
            s.push_str(&samlcheck::report::to_text(&r.report, &o));
            if r.hidden > 0 {
                let _ = writeln!(s, "({} finding(s) below --show not shown)", r.hidden);
            }
            s
        }
        Format::Json => common::pretty(&r),
        Format::Html => {
            let pair = header(&r);
            common::html(
                &r.report,
                r.certificates.clone(),
                args.warn_days,
                &[("Pair", pair)],
            )
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

fn header(r: &PairReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "SP   {}  ({})", esc(&r.sp.entity_id), esc(&r.sp.file));
    let _ = writeln!(s, "     {}", esc(&r.sp.flavor.label()));
    let _ = writeln!(s, "IdP  {}  ({})", esc(&r.idp.entity_id), esc(&r.idp.file));
    let _ = writeln!(s, "     {}\n", esc(&r.idp.flavor.label()));
    s
}

fn user_line(u: &samlcheck::exports::UserResult) -> String {
    use samlcheck::exports::UserOutcome;
    let outcome = match &u.outcome {
        UserOutcome::Match => "matches an Identity Center username".to_string(),
        UserOutcome::CaseOnly => {
            "matches an Identity Center username only when ignoring case".to_string()
        }
        UserOutcome::MatchesMail => {
            "matches only an Identity Center e-mail, not a username".to_string()
        }
        UserOutcome::NoMatch => "no Identity Center user has this username".to_string(),
        UserOutcome::Empty => "empty NameID (Entra would send a pairwise ID)".to_string(),
        UserOutcome::Unknown(r) => format!("cannot be computed: {r}"),
        UserOutcome::NotCompared => "not compared (no --aws-users)".to_string(),
        _ => "other".to_string(),
    };
    format!(
        "{}: NameID {} ({}) - {}{}",
        u.user,
        u.name_id.as_deref().unwrap_or("-"),
        u.name_id_source,
        outcome,
        u.aws_user_name
            .as_deref()
            .map_or(String::new(), |a| format!(" [{a}]"))
    )
}
