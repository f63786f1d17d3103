//! The pair check as one call: [`check_pair`].

use super::{InputError, Parsed, Source};
use crate::exports::{ExportKind, PairInputs, UserResult};
use crate::finding::{sort_findings, Finding, Severity};
use crate::flavor::Flavor;
use crate::lint::LintOptions;
use crate::pair::{self, PairOptions, Side};
use crate::report::{FileReport, Report};
use crate::Limits;
use serde::{Serialize, Serializer};

/// The inputs of the pair check: two metadata documents (SP and IdP, in either order) and
/// the optional JSON exports.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PairInput {
    /// The first document.
    pub first: Source,
    /// The second document.
    pub second: Source,
    /// The optional exports (Entra app, claims, users, permission set, IAM role).
    pub exports: Exports,
    /// Limits for reading the two documents.
    pub limits: Limits,
    /// Certificates pinned per entityID: a document that lists the entityID has its
    /// signatures checked against them (besides integrity with the embedded certificate).
    pub pinned: Vec<(String, crate::Trust)>,
    /// A captured SAML Response (XML, base64 form value, HAR) checked against the pair and
    /// the exports (`check --response`): each response becomes a file entry of the report.
    pub response: Option<Source>,
    /// Options of the response check (`at`: `None` judges a response at its IssueInstant;
    /// `redact`; `entry`). The entities are the pair's.
    pub response_options: crate::response::ResponseOptions,
}

impl PairInput {
    /// Two documents, no exports, default limits.
    pub fn new(first: Source, second: Source) -> PairInput {
        PairInput {
            first,
            second,
            exports: Exports::default(),
            limits: Limits::default(),
            pinned: Vec::new(),
            response: None,
            response_options: crate::response::ResponseOptions::new(),
        }
    }
}

/// The optional JSON exports of the pair check, each as bytes (UTF-8 with or without a byte
/// order mark, or UTF-16 as PowerShell writes it). Errors name the input and the JSON path.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Exports {
    /// The Entra service principal or application (`az ad sp show`, Graph JSON).
    pub entra_app: Option<Source>,
    /// The Entra claims configuration (customClaimsPolicy or claimsMappingPolicy).
    pub claims: Option<Source>,
    /// Entra users (`az ad user list`, Graph output).
    pub entra_users: Option<Source>,
    /// IAM Identity Center users (`aws identitystore list-users`).
    pub aws_users: Option<Source>,
    /// An IAM Identity Center permission set (`aws sso-admin describe-permission-set`).
    pub permission_set: Option<Source>,
    /// An IAM role for single-account SAML (`aws iam get-role`).
    pub aws_role: Option<Source>,
}

impl Exports {
    /// Parses every given export.
    ///
    /// ```
    /// use samlcheck::run::{Exports, Source};
    /// let mut e = Exports::default();
    /// e.aws_users = Some(Source::new("users.json", br#"{"Users": []}"#.to_vec()));
    /// assert!(e.parse()?.aws_users.is_some());
    /// e.claims = Some(Source::new("claims.json", b"not json".to_vec()));
    /// assert!(e.parse().is_err());
    /// # Ok::<(), samlcheck::run::InputError>(())
    /// ```
    pub fn parse(&self) -> Result<PairInputs, InputError> {
        let mut p = PairInputs::default();
        for (kind, src) in [
            (ExportKind::EntraApp, &self.entra_app),
            (ExportKind::Claims, &self.claims),
            (ExportKind::EntraUsers, &self.entra_users),
            (ExportKind::AwsUsers, &self.aws_users),
            (ExportKind::PermissionSet, &self.permission_set),
            (ExportKind::AwsRole, &self.aws_role),
        ] {
            if let Some(s) = src {
                let bytes = s.bytes_named()?;
                // The messages already name the file and the JSON path.
                p.set_from_bytes(kind, bytes, &s.name)
                    .map_err(InputError::of)?;
            }
        }
        Ok(p)
    }
}

/// One side of the pair as chosen: the file, the entity and its flavour.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct PairSide {
    /// The input it came from (its [`Source::name`]).
    pub file: String,
    /// The entityID.
    pub entity_id: String,
    /// What the entity is (AWS IAM Identity Center SP, Entra IdP, ...).
    pub flavor: Flavor,
    /// Which input holds it.
    #[serde(skip)]
    pub side: Side,
}

/// What the pair check found: exactly what `samlcheck check` renders (its `--format json`
/// is this value serialized).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PairReport {
    /// Per-file findings (lint and signatures of each document, about the chosen entity or
    /// the document), pair and export findings, notes, and the checks evaluated.
    pub report: Report,
    /// The SP chosen.
    pub sp: PairSide,
    /// The IdP chosen.
    pub idp: PairSide,
    /// One result per Entra user given (the NameID Entra would send, against the IAM
    /// Identity Center usernames).
    pub users: Vec<UserResult>,
    /// How many findings [`PairOptions::show`] left out.
    pub hidden: usize,
    /// The highest severity of every finding, the hidden ones included.
    pub worst: Option<Severity>,
    /// Every certificate of both documents, as bars of the certificate timeline (for the
    /// HTML report; not part of the JSON).
    pub certificates: Vec<crate::report::timeline::CertBar>,
}

impl PairReport {
    /// Whether a finding (shown or hidden) reaches `threshold`: what makes the command exit 1
    /// with `--fail-on`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.worst.is_some_and(|w| w >= threshold)
    }

    /// The JSON document `samlcheck check --format json` prints.
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut extra = serde_json::json!({
            "sp": self.sp,
            "idp": self.idp,
            "users": self.users,
        });
        if let (true, Some(m)) = (self.hidden > 0, extra.as_object_mut()) {
            m.insert("hidden".into(), serde_json::json!(self.hidden));
        }
        crate::report::to_value(&self.report, Some(extra))
    }
}

impl Serialize for PairReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_value().serialize(s)
    }
}

/// One document read for the pair check.
struct Loaded {
    name: String,
    md: crate::Metadata,
    findings: Vec<Finding>,
    coverage: crate::dsig::Coverage,
}

fn load(
    src: &Source,
    limits: &Limits,
    lint: &LintOptions,
    pinned: &[(String, crate::Trust)],
) -> Result<Loaded, InputError> {
    let p = Parsed::decode(src, limits)?;
    let named = |e| InputError::new(Some(&src.name), e);
    let doc = crate::xml::XmlDoc::parse(p.decoded.text(), limits).map_err(named)?;
    let md = crate::Metadata::from_doc(&doc, p.decoded.info()).map_err(named)?;
    let trust = super::pinned_trust(&md.entity_ids(), pinned);
    let (findings, coverage) = crate::lint::lint_document_coverage(&doc, &md, &trust, lint);
    if let Some(e) = coverage.limit_exceeded() {
        return Err(named(e.clone()));
    }
    Ok(Loaded {
        findings: findings.into_iter().map(|f| f.in_file(&src.name)).collect(),
        name: src.name.clone(),
        md,
        coverage,
    })
}

/// The pair check in one call: reads both documents, lints them (signatures included),
/// chooses the SP and the IdP (either order; [`PairOptions::sp_entity`] /
/// [`PairOptions::idp_entity`] for aggregates), cross-checks them, runs the export checks,
/// names the files in locations, applies the selection (`only`, `disabled`, `show`) and
/// sorts.
///
/// An input that cannot be read or parsed, or two documents without one SP and one IdP,
/// give an [`InputError`] (exit 2 in the binary).
///
/// ```
/// use samlcheck::pair::PairOptions;
/// use samlcheck::run::{check_pair, PairInput, Source};
/// let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc();
/// // Either order: the IdP first here.
/// let mut input = PairInput::new(
///     Source::read("tests/fixtures/entra-idp.xml"),
///     Source::read("tests/fixtures/aws-ic-sp.xml"),
/// );
/// input.exports.entra_app = Some(Source::read("tests/fixtures/entra/app-ic-bad.json"));
/// let report = check_pair(&input, &PairOptions::at(at))?;
/// assert_eq!(report.idp.file, "tests/fixtures/entra-idp.xml");
/// // The Entra app's Identifier is left over from an earlier identity source.
/// assert!(report.report.findings.iter().any(|f| f.code == "pair.entity_id.not_identifier"));
/// assert!(report.fails(samlcheck::Severity::Error));
/// # Ok::<(), samlcheck::run::InputError>(())
/// ```
pub fn check_pair(input: &PairInput, opts: &PairOptions) -> Result<PairReport, InputError> {
    let mut lint = LintOptions::at(opts.at);
    lint.warn_days = opts.warn_days;
    let a = load(&input.first, &input.limits, &lint, &input.pinned)?;
    let b = load(&input.second, &input.limits, &lint, &input.pinned)?;
    let sel = pair::select(&a.md, &a.name, &b.md, &b.name, opts).map_err(InputError::of)?;
    let (sp_in, idp_in) = match sel.sp_side {
        Side::First => (&a, &b),
        Side::Second => (&b, &a),
    };
    let exports_in = input.exports.parse()?;
    let mut findings = pair::check(&sp_in.md, sel.sp, &idp_in.md, sel.idp, opts);
    let exports = pair::check_exports(sel.sp, sel.idp, &exports_in, opts.at);
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
    sort_findings(&mut findings);
    let mut report = Report::new("check", opts.at);
    for (input, entity, is_idp) in [(sp_in, sel.sp, false), (idp_in, sel.idp, true)] {
        report.files.push(FileReport::new(
            input.name.clone(),
            input.md.entity_ids(),
            pair::relevant_file_findings(input.findings.clone(), entity, is_idp, &findings),
        ));
    }
    report.findings = findings;
    report.checks = pair::rule_codes();
    report.checks.extend(crate::lint::rule_codes());
    if let Some(src) = &input.response {
        let mut ro = input.response_options.clone();
        ro.idp_entity = Some(sel.idp.entity_id().to_string());
        ro.sp_entity = Some(sel.sp.entity_id().to_string());
        let result = crate::response::check(
            src.bytes_named()?,
            &idp_in.md,
            Some(&sp_in.md),
            &exports_in,
            &ro,
        )
        .map_err(|e| InputError::new(Some(&src.name), e))?;
        super::response::merge_into(&mut report, &result, &src.name);
    }
    report.checks.retain(|c| opts.wants(c));
    report
        .notes
        .extend(exports.assumptions.iter().map(|a| format!("assumed: {a}")));
    report.notes.extend(
        exports
            .not_checkable
            .iter()
            .map(|n| format!("not checkable from these files: {n}")),
    );
    // Selection, then the display threshold (what fails the run sees every selected one).
    let keep = |f: &Finding| opts.wants(f.code);
    report.findings.retain(keep);
    for file in &mut report.files {
        file.findings.retain(keep);
    }
    let worst = report.max_severity();
    let before = report.all_findings().count();
    report.findings.retain(|f| f.severity >= opts.show);
    for file in &mut report.files {
        file.findings.retain(|f| f.severity >= opts.show);
    }
    let hidden = before.saturating_sub(report.all_findings().count());
    let side = |e: &crate::model::EntityDescriptor, file: &str, side: Side| PairSide {
        file: file.to_string(),
        entity_id: e.entity_id().to_string(),
        flavor: e.flavor.clone(),
        side,
    };
    let mut certificates = crate::report::timeline::certificates(&sp_in.md, &sp_in.name);
    certificates.extend(crate::report::timeline::certificates(
        &idp_in.md,
        &idp_in.name,
    ));
    Ok(PairReport {
        certificates,
        sp: side(sel.sp, &sp_in.name, sel.sp_side),
        idp: side(sel.idp, &idp_in.name, sel.idp_side),
        users: exports.users,
        report,
        hidden,
        worst,
    })
}
