//! AWS IAM single-account SAML: the Role, RoleSessionName and SessionDuration attributes.

use super::app::EntraApp;
use super::claims::{ClaimsConfig, ClaimsOrigin, Source, AWS_NS};
use super::engine::{Engine, Eval};
use super::rules::*;
use super::users::EntraUsers;
use super::{at_json, SpFacts};
use crate::finding::{Finding, Rule, Severity};

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static IAM_ROLE_MISSING: Rule = Rule {
    code: "iam.role.missing",
    severity: Severity::Error,
    summary: "No Role attribute is configured for AWS IAM SAML",
    fix: "Emit https://aws.amazon.com/SAML/Attributes/Role (user.assignedroles in the AWS Single-Account Access app); without it AWS says 'Your request included an invalid SAML response'",
    source: A_IAM,
};
pub(crate) static IAM_ROLE_MALFORMED: Rule = Rule {
    code: "iam.role.malformed",
    severity: Severity::Error,
    summary: "A Role value is not a role ARN and a saml-provider ARN separated by a comma",
    fix: "Write each Role value as arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME",
    source: A_IAM,
};
pub(crate) static IAM_ROLE_MISMATCH: Rule = Rule {
    code: "iam.role.account_mismatch",
    severity: Severity::Error,
    summary:
        "The role ARN and the saml-provider ARN of a Role value differ in account or partition",
    fix: "The SAML provider must be in the same account (and partition) as the role",
    source: A_IAM,
};
pub(crate) static IAM_ROLE_WHITESPACE: Rule = Rule {
    code: "iam.role.whitespace",
    severity: Severity::Warning,
    summary: "A Role value has spaces around its ARNs",
    fix: "Remove the spaces: the console accepts them but several CLI tools fail",
    source: "saml2aws issue 287 (community report) <https://github.com/Versent/saml2aws/issues/287>; aws-azure-login issue 4 (community report) <https://github.com/aws-azure-login/aws-azure-login/issues/4>",
};
pub(crate) static IAM_ROLE_TOO_LONG: Rule = Rule {
    code: "iam.role.too_long",
    severity: Severity::Warning,
    summary: "A Role value is 240 characters or longer, too long for Entra's role import",
    fix: "Shorten the role or provider name: Entra imports roles only when len(role ARN)+len(provider ARN) < 240",
    source: "Microsoft Entra: Configure AWS Single-Account Access for single sign-on <https://learn.microsoft.com/en-us/entra/identity/saas-apps/amazon-web-service-tutorial>",
};
pub(crate) static IAM_RSN_MISSING: Rule = Rule {
    code: "iam.rsn.missing",
    severity: Severity::Error,
    summary: "No RoleSessionName attribute is configured for AWS IAM SAML",
    fix: "Emit https://aws.amazon.com/SAML/Attributes/RoleSessionName (user.userprincipalname in the gallery app)",
    source: A_IAM,
};
pub(crate) static IAM_RSN_INVALID: Rule = Rule {
    code: "iam.rsn.invalid",
    severity: Severity::Error,
    summary: "A user's RoleSessionName value does not match [A-Za-z0-9_+=,.@-]{2,64}",
    fix: "Source RoleSessionName from an attribute that is 2 to 64 characters of letters, digits and _+=,.@- (the UPN usually is)",
    source: A_IAM,
};
pub(crate) static IAM_SESSION_DURATION: Rule = Rule {
    code: "iam.session_duration.range",
    severity: Severity::Error,
    summary: "SessionDuration is not an integer from 900 to 43200",
    fix: "Set SessionDuration to a number of seconds from 900 (15 minutes) to 43200 (12 hours)",
    source: A_IAM,
};

/// A parsed ARN: partition, account, resource.
struct Arn<'a> {
    partition: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut it = s.splitn(6, ':');
    let (arn, partition, service, _region, account, resource) = (
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    );
    (arn == "arn"
        && service == "iam"
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit()))
    .then_some(Arn {
        partition,
        account,
        resource,
    })
}

/// Problems of one Role value, as (rule, message) pairs.
pub(crate) fn role_value_problems(
    v: &str,
    partition: &str,
) -> Vec<(&'static crate::finding::Rule, String)> {
    let mut out = Vec::new();
    let parts: Vec<&str> = v.split(',').collect();
    let [a, b] = parts.as_slice() else {
        out.push((
            &IAM_ROLE_MALFORMED,
            format!(
                "has {} comma-separated parts, not two (a role ARN and a saml-provider ARN)",
                parts.len()
            ),
        ));
        return out;
    };
    if a.trim() != *a || b.trim() != *b {
        out.push((&IAM_ROLE_WHITESPACE, "has spaces around an ARN".to_string()));
    }
    let (a, b) = (a.trim(), b.trim());
    let (Some(x), Some(y)) = (parse_arn(a), parse_arn(b)) else {
        out.push((
            &IAM_ROLE_MALFORMED,
            "does not hold two IAM ARNs (arn:PARTITION:iam::ACCOUNT:...)".to_string(),
        ));
        return out;
    };
    let (role, provider, role_s, prov_s) =
        if x.resource.starts_with("role/") && y.resource.starts_with("saml-provider/") {
            (x, y, a, b)
        } else if y.resource.starts_with("role/") && x.resource.starts_with("saml-provider/") {
            (y, x, b, a)
        } else {
            out.push((
                &IAM_ROLE_MALFORMED,
                "does not pair a role/ ARN with a saml-provider/ ARN".to_string(),
            ));
            return out;
        };
    if role.account != provider.account || role.partition != provider.partition {
        out.push((
            &IAM_ROLE_MISMATCH,
            format!(
                "pairs a role in {}:{} with a provider in {}:{}",
                role.partition, role.account, provider.partition, provider.account
            ),
        ));
    } else if role.partition != partition {
        out.push((
            &IAM_ROLE_MISMATCH,
            format!(
                "is in partition {} but the SP is in partition {partition}",
                role.partition
            ),
        ));
    }
    let len = role_s
        .chars()
        .count()
        .saturating_add(prov_s.chars().count());
    if len >= 240 {
        out.push((
            &IAM_ROLE_TOO_LONG,
            format!("has ARNs of {len} characters together, not fewer than 240"),
        ));
    }
    out
}

/// Whether a RoleSessionName value is accepted by STS.
pub(crate) fn rsn_ok(v: &str) -> bool {
    let n = v.chars().count();
    (2..=64).contains(&n)
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

pub(crate) struct IamCtx<'a> {
    pub(crate) sp: &'a SpFacts,
    pub(crate) partition: &'a str,
    pub(crate) claims: &'a ClaimsConfig,
    pub(crate) app: Option<&'a EntraApp>,
    pub(crate) users: Option<&'a EntraUsers>,
}

pub(crate) fn check(
    cx: &IamCtx<'_>,
    engine: &mut Engine,
    out: &mut Vec<Finding>,
    not_checkable: &mut Vec<String>,
) {
    let ent = Some(cx.sp.entity_id.as_str());
    let cf = cx.claims.file.as_str();
    let real = cx.claims.origin != ClaimsOrigin::AssumedDefault;

    // Role.
    let role = cx.claims.claim(&format!("{AWS_NS}/Role"));
    if role.is_none() && real {
        out.push(IAM_ROLE_MISSING.at(
            ent,
            Some(at_json(cf, "$")),
            format!("{cf}: no claim named {AWS_NS}/Role"),
        ));
    }
    let mut values: Vec<(String, String, String)> = Vec::new(); // value, file, path
    let mut from_roles = role.is_none();
    if let Some(r) = role {
        for c in &r.configurations {
            match c.attribute.as_ref().map(|a| &a.source) {
                Some(Source::Constant(v)) => {
                    values.push((v.clone(), cf.to_string(), c.path.clone()))
                }
                Some(Source::User(id)) if id == "assignedroles" => from_roles = true,
                _ => {}
            }
        }
    }
    if from_roles {
        match cx.app {
            Some(app) if app.has_service_principal => {
                for r in &app.app_roles {
                    let Some(v) = r.value.as_deref().filter(|v| !v.is_empty()) else {
                        continue;
                    };
                    if !r.enabled || v.eq_ignore_ascii_case("msiam_access") || !v.contains("arn:") {
                        continue;
                    }
                    values.push((v.to_string(), app.file.clone(), r.path.clone()));
                }
            }
            _ => not_checkable.push(
                "The Role values (app roles of the AWS Single-Account Access app): give the service principal export (--entra-app) to check them.".to_string(),
            ),
        }
    }
    for (v, file, path) in &values {
        for (rule, why) in role_value_problems(v, cx.partition) {
            out.push(rule.at(
                ent,
                Some(at_json(file, path)),
                format!("Role value `{v}` ({file}: {path}) {why}"),
            ));
        }
    }

    // RoleSessionName.
    let rsn_name = format!("{AWS_NS}/RoleSessionName");
    match cx.claims.claim(&rsn_name) {
        None if real => out.push(IAM_RSN_MISSING.at(
            ent,
            Some(at_json(cf, "$")),
            format!("{cf}: no claim named {rsn_name}"),
        )),
        None => {}
        Some(rsn) => {
            if let Some(users) = cx.users {
                for u in &users.users {
                    let (bad, shown) = match engine.eval(rsn, u, false) {
                        Eval::Value(v, _) => (!rsn_ok(&v), v),
                        Eval::Empty(_) => (true, String::new()),
                        Eval::Unknown(_) => continue,
                    };
                    if bad {
                        out.push(IAM_RSN_INVALID.at(
                            ent,
                            Some(at_json(&users.file, &u.path)),
                            format!(
                                "RoleSessionName for {} would be `{shown}` ({}: {}), which does not match [A-Za-z0-9_+=,.@-]{{2,64}}",
                                u.label(),
                                users.file,
                                u.path
                            ),
                        ));
                    }
                }
            }
        }
    }

    // SessionDuration.
    if let Some(sd) = cx.claims.claim(&format!("{AWS_NS}/SessionDuration")) {
        for c in &sd.configurations {
            match c.attribute.as_ref().map(|a| &a.source) {
                Some(Source::Constant(v)) => {
                    let ok = v.trim().parse::<u32>().is_ok_and(|n| (900..=43200).contains(&n));
                    if !ok {
                        out.push(IAM_SESSION_DURATION.at(
                            ent,
                            Some(at_json(cf, &c.path)),
                            format!("SessionDuration `{v}` ({cf}: {}) is not an integer from 900 to 43200", c.path),
                        ));
                    }
                }
                Some(s) => not_checkable.push(format!(
                    "The SessionDuration value: it comes from {}, which the exports do not show; it must be 900 to 43200 seconds.",
                    s.describe()
                )),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_values() {
        let ok =
            "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra";
        assert!(role_value_problems(ok, "aws").is_empty());
        let rev =
            "arn:aws:iam::123456789012:saml-provider/Entra,arn:aws:iam::123456789012:role/Admin";
        assert!(role_value_problems(rev, "aws").is_empty());
        let sp =
            "arn:aws:iam::123456789012:role/Admin, arn:aws:iam::123456789012:saml-provider/Entra";
        assert_eq!(
            role_value_problems(sp, "aws")[0].0.code,
            "iam.role.whitespace"
        );
        let other =
            "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::210987654321:saml-provider/Entra";
        assert_eq!(
            role_value_problems(other, "aws")[0].0.code,
            "iam.role.account_mismatch"
        );
        assert_eq!(
            role_value_problems("Admin", "aws")[0].0.code,
            "iam.role.malformed"
        );
    }

    #[test]
    fn rsn() {
        assert!(rsn_ok("alice@contoso.com"));
        assert!(!rsn_ok("Alice Smith"));
        assert!(!rsn_ok("a"));
        assert!(!rsn_ok(&"a".repeat(65)));
    }
}
