//! Checks of the claims configuration that need no user: the NameID format and source,
//! transformations, regular expressions and group conditions.

use super::rules::*;
use super::*;
use crate::finding::{Rule, Severity};

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static NAMEID_FORMAT: Rule = Rule {
    code: "claims.nameid.format",
    severity: Severity::Error,
    summary: "The NameID format is not emailAddress, which IAM Identity Center requires",
    fix: "Set the Name identifier format to Email address (urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress)",
    source: A_IC,
};
pub(crate) static NAMEID_SOURCE: Rule = Rule {
    code: "claims.nameid.source_not_allowed",
    severity: Severity::Error,
    summary: "The NameID source is not one Entra allows for NameID",
    fix: "Source NameID from user.userprincipalname, user.mail, user.onpremisessamaccountname, user.employeeid, user.telephonenumber or an extension attribute",
    source: E_CMP,
};
pub(crate) static NAMEID_TRANSFORMATION: Rule = Rule {
    code: "claims.nameid.transformation_not_allowed",
    severity: Severity::Error,
    summary: "A claims mapping policy applies a transformation other than ExtractMailPrefix or Join to NameID",
    fix: "Use only ExtractMailPrefix or Join (with a verified domain) on NameID in a claims mapping policy",
    source: E_CMP,
};
pub(crate) static TOO_MANY_TRANSFORMATIONS: Rule = Rule {
    code: "claims.transformations.too_many",
    severity: Severity::Error,
    summary: "A claim has more than two transformations",
    fix: "Entra applies at most two transformations to a claim; reduce the chain to two",
    source: E_CLM,
};
pub(crate) static TRANSFORMATION_UNKNOWN: Rule = Rule {
    code: "claims.transformation.unknown",
    severity: Severity::Warning,
    summary: "A transformation this checker cannot evaluate, so the NameID cannot be computed",
    fix: "Check the values this transformation produces in the Entra portal's Test transformation",
    source: E_CLM,
};
pub(crate) static REGEX_UNSUPPORTED: Rule = Rule {
    code: "claims.regex.unsupported",
    severity: Severity::Warning,
    summary: "A RegexReplace pattern uses .NET constructs that cannot be evaluated here (lookaround, backreferences, or anything Rust's regex does not compile)",
    fix: "Check the result with the Entra portal's Test transformation, or rewrite the pattern without lookaround and backreferences",
    source: E_CLM,
};
pub(crate) static REGEX_INVALID: Rule = Rule {
    code: "claims.regex.invalid",
    severity: Severity::Error,
    summary: "A RegexReplace replacement names a group that is neither in the pattern nor an additional input",
    fix: "Every {name} in the replacement must be a named group of the pattern or an additional input attribute",
    source: E_CLM,
};
pub(crate) static CONDITION_UNEVALUATED: Rule = Rule {
    code: "claims.condition.group",
    severity: Severity::Info,
    summary: "A claim condition depends on group membership, which the exports do not show",
    fix: "Check group-conditioned claims with a real sign-in; the exported user lists carry no memberships",
    source: E_CLM,
};
pub(crate) static NAMEID_FORMAT_DEFAULT: Rule = Rule {
    code: "claims.nameid.format_default",
    severity: Severity::Warning,
    summary: "The NameID format is Default: Entra sends the source's default format, which Microsoft does not document to be emailAddress, the format IAM Identity Center requires (unconfirmed)",
    fix: "Set the Name identifier format to Email address explicitly (Graph: samlNameIdClaim.nameIdFormat = emailAddress)",
    source: "Microsoft Entra: Customize SAML token claims (NameID format) <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; AWS IAM Identity Center User Guide: Connect to an external identity provider <https://docs.aws.amazon.com/singlesignon/latest/userguide/other-idps.html>",
};

/// Checks of the claims configuration that need no user.
pub(super) fn lint_claims(
    sp: &SpFacts,
    c: &ClaimsConfig,
    iam: bool,
    engine: &mut Engine,
    r: &mut EntraReport,
) {
    let ent = Some(sp.entity_id.as_str());
    let f = c.file.as_str();
    let ic = matches!(sp.kind, SpKind::IdentityCenter { .. });
    let fmt_path = c
        .name_id_format_path
        .clone()
        .unwrap_or_else(|| c.name_id.path.clone());
    if ic {
        match &c.name_id_format {
            NameIdFormat::EmailAddress => {}
            NameIdFormat::Default => r.findings.push(NAMEID_FORMAT_DEFAULT.at(
                ent,
                Some(at_json(f, &fmt_path)),
                format!("the NameID format is Default ({f}: {fmt_path}): Entra then sends the source's default format, which Microsoft does not document to be emailAddress"),
            )),
            other => r.findings.push(NAMEID_FORMAT.at(
                ent,
                Some(at_json(f, &fmt_path)),
                format!("the NameID format is `{}` ({f}: {fmt_path}); IAM Identity Center accepts only emailAddress", other.urn()),
            )),
        }
    }
    let legacy = c.origin == ClaimsOrigin::ClaimsMappingPolicy;
    let allowed_sources = [
        "mail",
        "userprincipalname",
        "onpremisessamaccountname",
        "employeeid",
        "telephonenumber",
    ];
    let mut all: Vec<(&Claim, bool)> = vec![(&c.name_id, true)];
    all.extend(c.claims.iter().map(|x| (x, false)));
    for (claim, is_nameid) in all {
        for conf in &claim.configurations {
            if conf.steps.len() > 2 {
                r.findings.push(TOO_MANY_TRANSFORMATIONS.at(
                    ent,
                    Some(at_json(f, &conf.path)),
                    format!(
                        "{} transformations on claim {} ({f}: {}); Entra applies at most two",
                        conf.steps.len(),
                        claim.name,
                        conf.path
                    ),
                ));
            }
            if !conf.groups.is_empty() && (is_nameid || iam) {
                r.findings.push(CONDITION_UNEVALUATED.at(
                    ent,
                    Some(at_json(f, &conf.path)),
                    format!("claim {} has a configuration limited to {} group(s) ({f}: {}); it is left out of the computed values", claim.name, conf.groups.len(), conf.path),
                ));
            }
            if is_nameid && legacy {
                let srcs = conf
                    .attribute
                    .iter()
                    .chain(conf.steps.iter().filter_map(|s| s.input.as_ref()));
                for a in srcs {
                    let ok = match &a.source {
                        Source::User(id) => {
                            allowed_sources.contains(&id.as_str())
                                || (id.starts_with("extensionattribute"))
                        }
                        Source::Extension(_) => true,
                        _ => false,
                    };
                    if !ok {
                        r.findings.push(NAMEID_SOURCE.at(
                            ent,
                            Some(at_json(f, &conf.path)),
                            format!("NameID is sourced from {} ({f}: {}), which a claims mapping policy does not allow for NameID", a.source.describe(), conf.path),
                        ));
                    }
                }
                for s in &conf.steps {
                    if !matches!(
                        s.transformation,
                        Transformation::ExtractMailPrefix | Transformation::Join { .. }
                    ) {
                        r.findings.push(NAMEID_TRANSFORMATION.at(
                            ent,
                            Some(at_json(f, &s.path)),
                            format!("NameID uses the transformation {} ({f}: {}); a claims mapping policy allows only ExtractMailPrefix and Join on NameID", s.transformation.name(), s.path),
                        ));
                    }
                }
            }
            if !(is_nameid || iam) {
                continue;
            }
            for s in &conf.steps {
                match &s.transformation {
                    Transformation::Unknown(name) => r.findings.push(TRANSFORMATION_UNKNOWN.at(
                        ent,
                        Some(at_json(f, &s.path)),
                        format!("the transformation {name} on claim {} ({f}: {}) is not evaluated, so its values are unknown", claim.name, s.path),
                    )),
                    Transformation::RegexReplace { pattern, replacement, additional } => {
                        match engine.check_regex(pattern, replacement, additional) {
                            Ok(()) => {}
                            Err(RegexProblem::Unsupported(what)) => r.findings.push(REGEX_UNSUPPORTED.at(
                                ent,
                                Some(at_json(f, &s.path)),
                                format!("the RegexReplace pattern `{pattern}` ({f}: {}) uses {what}, which cannot be evaluated here; values of claim {} are unknown", s.path, claim.name),
                            )),
                            Err(RegexProblem::Invalid(what)) => r.findings.push(REGEX_INVALID.at(
                                ent,
                                Some(at_json(f, &s.path)),
                                format!("the RegexReplace of claim {} ({f}: {}) is invalid: {what}", claim.name, s.path),
                            )),
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
