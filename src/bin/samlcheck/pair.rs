//! `samlcheck SP.xml IDP.xml` (also `samlcheck check A B`): the pair check.

use crate::common::{self, Ctx, FailOn, Format};
use samlcheck::pair::{self, PairOptions, Side};
use samlcheck::report::{FileReport, Report, TextOptions};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of the pair check.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The two metadata files, SP and IdP in either order.
    #[arg(num_args = 2, value_names = ["FILE_A", "FILE_B"], required = true)]
    pub files: Vec<PathBuf>,
    /// Warn when a certificate expires within this many days.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
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
}

struct Input {
    name: String,
    md: samlcheck::Metadata,
}

fn load(path: &std::path::Path) -> Result<Input, ExitCode> {
    let decoded = common::read_input(path)?;
    let doc = common::parse_input(path, &decoded)?;
    let md = common::model_of(path, &doc, &decoded)?;
    Ok(Input {
        name: path.display().to_string(),
        md,
    })
}

pub fn run(args: &Args, ctx: &Ctx) -> ExitCode {
    let (Some(pa), Some(pb)) = (args.files.first(), args.files.get(1)) else {
        return common::usage_error("the pair check takes two metadata files");
    };
    let a = match load(pa) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let b = match load(pb) {
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
    let mut report = Report::new("check", ctx.at);
    for input in [sp_in, idp_in] {
        report.files.push(FileReport {
            file: input.name.clone(),
            entities: input
                .md
                .entities
                .iter()
                .map(|e| e.entity_id().to_string())
                .collect(),
            findings: Vec::new(),
        });
    }
    let mut findings = pair::check(&sp_in.md, sel.sp, &idp_in.md, sel.idp, &opts);
    for f in &mut findings {
        // Pair findings point into one of the two files: name it.
        let file = if f.entity.as_deref() == Some(sel.sp.entity_id()) {
            &sp_in.name
        } else {
            &idp_in.name
        };
        if let Some(l) = &mut f.location {
            l.file = file.clone();
        }
    }
    samlcheck::sort_findings(&mut findings);
    report.findings = findings;
    report.checks = samlcheck::pair::rule_codes();
    let out = match ctx.format {
        Format::Text => {
            let mut s = header(&sel, sp_in, idp_in);
            let o = TextOptions::color(ctx.color);
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
                })),
            )
        }
        _ => match common::render(&report, ctx) {
            Ok(s) => s,
            Err(msg) => return common::usage_error(&msg),
        },
    };
    let code = common::exit_for(&report.findings, args.fail_on);
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
    let _ = writeln!(s, "SP   {}  ({})", sel.sp.entity_id(), sp.name);
    let _ = writeln!(s, "     {}", sel.sp.flavor.label());
    let _ = writeln!(s, "IdP  {}  ({})", sel.idp.entity_id(), idp.name);
    let _ = writeln!(s, "     {}\n", sel.idp.flavor.label());
    s
}
