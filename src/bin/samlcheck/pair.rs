//! `samlcheck SP.xml IDP.xml` (also `samlcheck check A B`): the pair check.

use crate::common::{self, Ctx, FailOn, Format};
use samlcheck::lint::LintOptions;
use samlcheck::pair::{self, PairOptions, Side};
use samlcheck::report::{escape_text as esc, FileReport, Report, TextOptions};
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
    /// A captured SAML Response (XML, base64 SAMLResponse value, HAR, or -) checked against
    /// this pair and the exports, as `samlcheck response` does.
    #[arg(long, value_name = "FILE")]
    pub response: Option<PathBuf>,
    /// With --response: replace NameID and attribute values with placeholders.
    #[arg(long, requires = "response")]
    pub redact: bool,
}

struct Input {
    name: String,
    md: samlcheck::Metadata,
    /// Single-file findings (lint and signatures) for the whole file.
    findings: Vec<samlcheck::Finding>,
    /// What the file's verified signatures cover.
    coverage: samlcheck::dsig::Coverage,
}

fn load(path: &std::path::Path, lint: &LintOptions) -> Result<Input, ExitCode> {
    let decoded = common::read_input(path)?;
    let doc = common::parse_input(path, &decoded)?;
    let md = common::model_of(path, &doc, &decoded)?;
    let name = path.display().to_string();
    let (findings, coverage) =
        samlcheck::lint::lint_document_coverage(&doc, &md, &samlcheck::Trust::embedded(), lint);
    if let Some(e) = coverage.limit_exceeded() {
        return Err(common::input_error(&e.in_file(&name)));
    }
    let findings = findings.into_iter().map(|f| f.in_file(&name)).collect();
    Ok(Input {
        name,
        md,
        findings,
        coverage,
    })
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let (Some(pa), Some(pb)) = (args.files.first(), args.files.get(1)) else {
        return common::usage_error("the pair check takes two metadata files");
    };
    let mut lint = LintOptions::at(ctx.at);
    lint.warn_days = args.warn_days;
    let a = match load(pa, &lint) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let b = match load(pb, &lint) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let mut opts = PairOptions::at(ctx.at);
    opts.warn_days = args.warn_days;
    opts.sp_entity = args.sp_entity.clone();
    opts.idp_entity = args.idp_entity.clone();
    let sel = match pair::select(&a.md, &a.name, &b.md, &b.name, &opts) {
        Ok(s) => s,
        Err(e) => return common::input_error(&e.to_string()),
    };
    let (sp_in, idp_in) = match sel.sp_side {
        Side::First => (&a, &b),
        Side::Second => (&b, &a),
    };
    let paths = samlcheck::entra::InputPaths {
        entra_app: args.entra_app.as_deref(),
        claims: args.claims.as_deref(),
        entra_users: args.entra_users.as_deref(),
        aws_users: args.aws_users.as_deref(),
        permission_set: args.permission_set.as_deref(),
        aws_role: args.aws_role.as_deref(),
    };
    let inputs = match samlcheck::entra::PairInputs::load(&paths) {
        Ok(i) => i,
        Err(e) => return common::input_error(&e.to_string()),
    };
    let mut findings = pair::check(&sp_in.md, sel.sp, &idp_in.md, sel.idp, &opts);
    let exports = pair::check_exports(sel.sp, sel.idp, &inputs, ctx.at);
    findings.extend(exports.findings.iter().cloned());
    // A chosen entity that no verified signature of its (signed) file covers.
    findings.extend(sp_in.coverage.check(sel.sp));
    findings.extend(idp_in.coverage.check(sel.idp));
    for f in &mut findings {
        // Pair findings point into one of the two files: name it.
        let file = if f.entity.as_deref() == Some(sel.sp.entity_id()) {
            &sp_in.name
        } else {
            &idp_in.name
        };
        if let Some(l) = &mut f.location {
            // Findings about the JSON exports have no line; their message names the file.
            if l.file.is_empty() && l.pos.line > 0 {
                l.file = file.clone();
            }
        }
    }
    samlcheck::sort_findings(&mut findings);
    let mut report = Report::new("check", ctx.at);
    for (input, entity, is_idp) in [(sp_in, sel.sp, false), (idp_in, sel.idp, true)] {
        report.files.push(FileReport {
            file: input.name.clone(),
            entities: input.md.entity_ids(),
            findings: pair::relevant_file_findings(
                input.findings.clone(),
                entity,
                is_idp,
                &findings,
            ),
        });
    }
    report.findings = findings;
    report.checks = samlcheck::pair::rule_codes();
    report.checks.extend(samlcheck::lint::rule_codes());
    if let Some(path) = &args.response {
        let pair = crate::response::Pair {
            sp: &sp_in.md,
            sp_entity: sel.sp.entity_id(),
            idp: &idp_in.md,
            idp_entity: sel.idp.entity_id(),
            exports: &inputs,
        };
        if let Err(c) = crate::response::add_to_check(&mut report, path, &pair, args.redact, ctx) {
            return c;
        }
    }
    report
        .notes
        .extend(exports.assumptions.iter().map(|a| format!("assumed: {a}")));
    report.notes.extend(
        exports
            .not_checkable
            .iter()
            .map(|n| format!("not checkable from these files: {n}")),
    );
    let out = match ctx.format {
        Format::Text => {
            let mut s = header(&sel, sp_in, idp_in);
            let o = TextOptions::color(ctx.color);
            if !exports.users.is_empty() {
                let _ = writeln!(
                    s,
                    "users (NameID Entra would send, against IAM Identity Center usernames)"
                );
                for u in &exports.users {
                    let _ = writeln!(s, "  {}", esc(&user_line(u)));
                }
                s.push('\n');
            }
            s.push_str(&samlcheck::report::to_text(&report, &o));
            s
        }
        Format::Json => {
            let side = |e: &samlcheck::model::EntityDescriptor, file: &str| serde_json::json!({"file": file, "entity_id": e.entity_id(), "flavor": e.flavor});
            samlcheck::report::to_json(
                &report,
                Some(serde_json::json!({
                    "sp": side(sel.sp, &sp_in.name),
                    "idp": side(sel.idp, &idp_in.name),
                    "users": exports.users,
                })),
            )
        }
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

fn header(sel: &pair::Selection<'_>, sp: &Input, idp: &Input) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "SP   {}  ({})", esc(sel.sp.entity_id()), esc(&sp.name));
    let _ = writeln!(s, "     {}", esc(&sel.sp.flavor.label()));
    let _ = writeln!(s, "IdP  {}  ({})", esc(sel.idp.entity_id()), esc(&idp.name));
    let _ = writeln!(s, "     {}\n", esc(&sel.idp.flavor.label()));
    s
}

fn user_line(u: &samlcheck::entra::UserResult) -> String {
    use samlcheck::entra::UserOutcome;
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
