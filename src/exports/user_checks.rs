//! Checks of the user lists: for each Entra user, the NameID Entra would send against
//! the IAM Identity Center usernames, and the other way round.

use super::rules::*;
use super::*;
use crate::finding::{Rule, Severity};

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static USER_NO_MATCH: Rule = Rule {
    code: "users.nameid.no_match",
    severity: Severity::Error,
    summary: "The NameID Entra sends for a user is no IAM Identity Center UserName",
    fix: "Make the IAM Identity Center UserName equal the NameID exactly (fix the SCIM userName mapping or the NameID source); otherwise AWS shows 'An unexpected error has occurred'",
    source: A_IC,
};
pub(crate) static USER_NO_MATCH_PARTIAL: Rule = Rule {
    code: "users.nameid.no_match_partial_list",
    severity: Severity::Warning,
    summary: "The NameID Entra sends for a user is no UserName in the given page of IAM Identity Center users (the list has a NextToken, so the user may be on another page)",
    fix: "Export every page of IAM Identity Center users (follow NextToken) and check again; if no page holds the NameID as UserName, AWS shows 'An unexpected error has occurred'",
    source: "AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS CLI User Guide: Using AWS CLI pagination options <https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html>",
};
pub(crate) static USER_CASE_ONLY: Rule = Rule {
    code: "users.nameid.case_only",
    severity: Severity::Warning,
    summary: "The NameID equals an IAM Identity Center UserName only when case is ignored",
    fix: "Make the case equal: AWS documents an exact match; a ToLowercase transformation or a corrected UPN/userName removes the doubt",
    source: A_IC,
};
pub(crate) static USER_MAIL_MATCH: Rule = Rule {
    code: "users.nameid.matches_mail",
    severity: Severity::Error,
    summary: "The NameID is no IAM Identity Center UserName, but the user's mail is",
    fix: "Source NameID from user.mail, or provision the value the NameID carries as the IAM Identity Center UserName",
    source: "AWS IAM Identity Center User Guide: Troubleshooting <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>",
};
pub(crate) static USER_EMPTY: Rule = Rule {
    code: "users.nameid.empty",
    severity: Severity::Error,
    summary: "The NameID source is empty for a user",
    fix: "Fill the attribute or choose another NameID source: Entra answers AADSTS501241 for a missing mandatory input, or falls back to a pairwise persistent ID that IAM Identity Center rejects",
    source: "Microsoft Entra: Customize SAML token claims <https://learn.microsoft.com/en-us/entra/identity-platform/saml-claims-customization>; Microsoft Entra: Authentication and authorization error codes <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>",
};
pub(crate) static USER_NOT_EMAIL: Rule = Rule {
    code: "users.nameid.not_email",
    severity: Severity::Error,
    summary: "The NameID value for a user is not an email address (addr-spec)",
    fix: "IAM Identity Center needs a NameID of the form name@domain; choose a source or transformation that yields one",
    source: A_IC,
};
pub(crate) static USER_GUEST: Rule = Rule {
    code: "users.guest_upn",
    severity: Severity::Warning,
    summary: "A guest user's UPN (#EXT#) becomes the NameID",
    fix: "For guests, source NameID from user.mail (claim condition on user type) and provision that as the IAM Identity Center UserName",
    source: E_CLM,
};
pub(crate) static USER_NAME_INVALID: Rule = Rule {
    code: "users.username.invalid",
    severity: Severity::Error,
    summary: "The NameID breaks IAM Identity Center UserName rules (at most 128 characters, no < > ; : % tab or line breaks, not a reserved name)",
    fix: "Choose a NameID source that IAM Identity Center accepts as a UserName",
    source: A_API,
};
pub(crate) static AWS_UNMAPPED: Rule = Rule {
    code: "users.aws.unmapped",
    severity: Severity::Info,
    summary: "An IAM Identity Center user whom no given Entra user signs in as",
    fix: "Nothing to do if the Entra list is a subset (one group); otherwise the user cannot sign in through Entra",
    source: A_IC,
};
pub(crate) static LIST_PARTIAL: Rule = Rule {
    code: "users.list.partial",
    severity: Severity::Info,
    summary: "A user list is one page of several (@odata.nextLink or NextToken present)",
    fix: "Export every page (az ad user list pages itself; aws identitystore list-users without --max-results, or follow NextToken)",
    source: "Microsoft Graph: Paging Microsoft Graph data in your app <https://learn.microsoft.com/en-us/graph/paging>; AWS CLI User Guide: Using the AWS CLI pagination options <https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html>",
};

/// Checks of the user lists: the NameID Entra would send for each user against the IAM
/// Identity Center usernames.
pub(super) fn check_users(
    sp: &SpFacts,
    claims: &ClaimsConfig,
    inputs: &PairInputs,
    engine: &mut Engine,
    r: &mut EntraReport,
) {
    let ent = Some(sp.entity_id.as_str());
    let ic = matches!(sp.kind, SpKind::IdentityCenter { .. });
    let iam = matches!(sp.kind, SpKind::IamSingleAccount { .. });
    if iam && inputs.aws_users.is_some() {
        r.assumptions.push("The IAM Identity Center user list is not used: the SP is AWS IAM single-account SAML, where users assume roles and no username has to match.".to_string());
    }
    let aws = inputs.aws_users.as_ref().filter(|_| !iam);
    if let Some(a) = aws {
        if let Some(t) = &a.next_token {
            r.findings.push(LIST_PARTIAL.at(
                ent,
                Some(at_json(&a.file, "$.NextToken")),
                format!("{}: NextToken is set ({} characters): more IAM Identity Center users exist than this page holds, so 'no match' may be wrong", a.file, t.len()),
            ));
        }
    }
    let Some(eu) = inputs.entra_users.as_ref() else {
        return;
    };
    if eu.next_link.is_some() {
        r.findings.push(LIST_PARTIAL.at(
            ent,
            Some(at_json(&eu.file, "$[\"@odata.nextLink\"]")),
            format!("{}: @odata.nextLink is set: more Entra users exist than this page holds; unmapped IAM Identity Center users are not reported", eu.file),
        ));
    }
    if eu.skipped > 0 {
        r.assumptions.push(format!(
            "{}: {} members that are not users (groups, devices, service principals) were skipped; nested group members are not expanded.",
            eu.file, eu.skipped
        ));
    }
    if claims
        .name_id
        .configurations
        .iter()
        .any(|c| c.user_type != UserTypeCondition::Any)
    {
        r.assumptions.push("Claim conditions on user type: a user is a guest when userType is Guest or, when the export has no userType (az ad user list omits it), when the UPN holds #EXT#; Entra guests and external guests are not told apart.".to_string());
    }
    let mut mapped = vec![false; aws.map_or(0, |a| a.users.len())];
    for u in &eu.users {
        let loc = Some(at_json(&eu.file, &u.path));
        let label = u.label();
        let mut res = UserResult {
            user: label.clone(),
            object_id: u.id.clone(),
            name_id: None,
            name_id_source: String::new(),
            aws_user_name: None,
            outcome: UserOutcome::NotCompared,
        };
        match engine.eval(&claims.name_id, u, true) {
            Eval::Unknown(why) => {
                res.outcome = UserOutcome::Unknown(why);
            }
            Eval::Empty(src) => {
                res.name_id_source = src.clone();
                res.outcome = UserOutcome::Empty;
                if ic {
                    r.findings.push(USER_EMPTY.at(
                        ent,
                        loc.clone(),
                        format!(
                            "the NameID source ({src}) is empty for {label} ({}: {})",
                            eu.file, u.path
                        ),
                    ));
                }
            }
            Eval::Value(v, src) => {
                res.name_id = Some(v.clone());
                res.name_id_source = src;
                if u.upn.as_deref().is_some_and(|x| x.contains("#EXT#")) && v.contains("#EXT#") {
                    r.findings.push(USER_GUEST.at(
                        ent,
                        loc.clone(),
                        format!(
                            "guest {label} ({}: {}) would send the NameID `{v}`, an #EXT# UPN",
                            eu.file, u.path
                        ),
                    ));
                }
                if ic {
                    if !users::is_addr_spec(&v) {
                        r.findings.push(USER_NOT_EMAIL.at(
                            ent,
                            loc.clone(),
                            format!("the NameID for {label} would be `{v}` ({}: {}), not an email address", eu.file, u.path),
                        ));
                    }
                    if let Some(p) = users::username_problem(&v) {
                        r.findings.push(USER_NAME_INVALID.at(
                            ent,
                            loc.clone(),
                            format!(
                                "the NameID for {label} would be `{v}` ({}: {}), which {p}",
                                eu.file, u.path
                            ),
                        ));
                    }
                }
                if let Some(a) = aws {
                    let exact = a.users.iter().position(|x| x.user_name == v);
                    // Unicode case folding (not ASCII only): `Ö` and `ö` differ in case only.
                    let v_folded = users::fold(&v);
                    let ci = a
                        .users
                        .iter()
                        .position(|x| users::fold(&x.user_name) == v_folded);
                    let mail = u
                        .mail
                        .as_deref()
                        .map(users::fold)
                        .filter(|m| *m != v_folded)
                        .and_then(|m| a.users.iter().position(|x| users::fold(&x.user_name) == m));
                    if let Some(i) = exact {
                        res.outcome = UserOutcome::Match;
                        if let Some(m) = mapped.get_mut(i) {
                            *m = true;
                        }
                        res.aws_user_name = a.users.get(i).map(|x| x.user_name.clone());
                    } else if let Some((i, outcome)) = ci
                        .map(|i| (i, UserOutcome::CaseOnly))
                        .or(mail.map(|i| (i, UserOutcome::MatchesMail)))
                    {
                        // Matched a username only by ignoring case, or only through the
                        // user's mail: the NameID still differs from it.
                        let (name, path) = a
                            .users
                            .get(i)
                            .map(|x| (x.user_name.clone(), x.path.clone()))
                            .unwrap_or_default();
                        if let Some(m) = mapped.get_mut(i) {
                            *m = true;
                        }
                        let f = if outcome == UserOutcome::CaseOnly {
                            USER_CASE_ONLY.at(
                                ent,
                                loc.clone(),
                                format!(
                                    "the NameID for {label} would be `{v}` ({}: {}); the IAM Identity Center UserName is `{name}` ({}: {path}), equal only when case is ignored",
                                    eu.file, u.path, a.file
                                ),
                            )
                        } else {
                            USER_MAIL_MATCH.at(
                                ent,
                                loc.clone(),
                                format!(
                                    "the NameID for {label} would be `{v}` (from {}; {}: {}), but the IAM Identity Center UserName is `{name}` ({}: {path}), the user's mail",
                                    if res.name_id_source.is_empty() { "the configured source" } else { res.name_id_source.as_str() },
                                    eu.file, u.path, a.file
                                ),
                            )
                        };
                        res.outcome = outcome;
                        res.aws_user_name = Some(name);
                        r.findings.push(f);
                    } else {
                        res.outcome = UserOutcome::NoMatch;
                        // With NextToken set the list is one page: the user may be on another.
                        let f = if a.next_token.is_some() {
                            USER_NO_MATCH_PARTIAL.at(
                                ent,
                                loc.clone(),
                                format!("the NameID for {label} would be `{v}` ({}: {}), and no IAM Identity Center user in this page of {} (NextToken is set) has that UserName", eu.file, u.path, a.file),
                            )
                        } else {
                            USER_NO_MATCH.at(
                                ent,
                                loc.clone(),
                                format!("the NameID for {label} would be `{v}` ({}: {}), and no IAM Identity Center user in {} has that UserName", eu.file, u.path, a.file),
                            )
                        };
                        r.findings.push(f);
                    }
                }
            }
        }
        r.users.push(res);
    }
    if let Some(a) = aws {
        if eu.next_link.is_none() && ic {
            for (i, x) in a.users.iter().enumerate() {
                if mapped.get(i).copied().unwrap_or(true) {
                    continue;
                }
                r.findings.push(AWS_UNMAPPED.at(
                    ent,
                    Some(at_json(&a.file, &x.path)),
                    format!(
                        "IAM Identity Center user `{}` ({}: {}) is the NameID of no user in {}",
                        x.user_name, a.file, x.path, eu.file
                    ),
                ));
            }
        }
    }
}
