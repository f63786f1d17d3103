//! An AWS IAM role (`aws iam get-role --role-name NAME`) for single-account SAML: its trust
//! policy against the Role claim, the ACS URL Entra posts to, session tags and
//! SessionDuration.

use super::abac;
use super::app::EntraApp;
use super::claims::{ClaimsConfig, ClaimsOrigin, Source, AWS_NS};
use super::json::{Node, J};
use super::rules::*;
use super::{at_json, SpFacts};
use crate::error::Error;
use crate::finding::{Finding, Rule, Severity};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static IAM_TRUST_NO_SAML: Rule = Rule {
    code: "iam.trust.no_saml_federation",
    severity: Severity::Error,
    summary: "The role's trust policy lets no SAML provider (Federated principal) perform sts:AssumeRoleWithSAML",
    fix: "Add a statement: Effect Allow, Principal {\"Federated\": \"arn:aws:iam::ACCOUNT:saml-provider/NAME\"}, Action sts:AssumeRoleWithSAML",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};
pub(crate) static IAM_TRUST_PROVIDER: Rule = Rule {
    code: "iam.trust.provider_mismatch",
    severity: Severity::Error,
    summary: "The Role claim pairs this role with a SAML provider that the role's trust policy does not trust",
    fix: "Make the Role value's saml-provider ARN and the trust policy's Federated principal the same provider",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};
pub(crate) static IAM_TRUST_ROLE_NOT_SENT: Rule = Rule {
    code: "iam.trust.role_not_sent",
    severity: Severity::Info,
    summary: "No Role value the claims send names this role",
    fix: "Nothing to do if this role is meant for another IdP; otherwise add roleARN,providerARN to the Role attribute the IdP sends",
    source: S_IAM_ASSERTIONS,
};
pub(crate) static IAM_TRUST_AUD: Rule = Rule {
    code: "iam.trust.saml_aud",
    severity: Severity::Error,
    summary: "The trust policy's SAML:aud condition does not allow the ACS URL the IdP posts to",
    fix: "Make SAML:aud list the AWS sign-in endpoint the IdP posts to (https://signin.aws.amazon.com/saml or https://REGION.signin.aws.amazon.com/saml), or change the ACS (Reply) URL at the IdP",
    source: "AWS IAM User Guide: Creating a role for SAML 2.0 federation <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>",
};
pub(crate) static IAM_TRUST_AUD_PARTIAL: Rule = Rule {
    code: "iam.trust.saml_aud_partial",
    severity: Severity::Warning,
    summary: "The trust policy's SAML:aud condition allows some of the AWS Reply URLs of the Entra app but not all",
    fix: "List in SAML:aud every AWS sign-in endpoint the IdP may post to, or remove the Reply URLs the role does not accept",
    source: S_IAM_ROLE_SAML,
};
pub(crate) static IAM_TRUST_TAG_SESSION: Rule = Rule {
    code: "iam.trust.tag_session",
    severity: Severity::Error,
    summary: "The claims send session tags (PrincipalTag) but the role's trust policy does not allow sts:TagSession",
    fix: "Add sts:TagSession to the Action of the trust policy statement for the SAML provider",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Troubleshooting SAML 2.0 federation with AWS <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html>",
};
pub(crate) static IAM_SESSION_OVER_MAX: Rule = Rule {
    code: "iam.role.session_duration_over_max",
    severity: Severity::Warning,
    summary: "The SessionDuration claim is longer than the role's MaxSessionDuration (unconfirmed what the console does; API requests longer than it fail)",
    fix: "Raise the role's maximum session duration or lower the SessionDuration claim",
    source: "AWS IAM User Guide: Update the maximum session duration for a role <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html>; AWS IAM User Guide: Configure SAML assertions for the authentication response <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html>",
};

/// What `aws iam get-role` prints, as far as the checks use it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IamRole {
    /// The file it was read from, as given.
    pub file: String,
    /// `Role.RoleName`.
    pub name: Option<String>,
    /// `Role.Arn`.
    pub arn: Option<String>,
    /// `Role.MaxSessionDuration`, seconds.
    pub max_session_duration: Option<i64>,
    /// The trust policy's statements.
    pub statements: Vec<TrustStatement>,
    /// Where the trust policy is (`$.Role.AssumeRolePolicyDocument`).
    pub policy_path: String,
}

/// One statement of a trust policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrustStatement {
    /// `Effect` is `Allow` (otherwise `Deny`).
    pub allow: bool,
    /// `Principal.Federated` values.
    pub federated: Vec<String>,
    /// `Principal` is `"*"` (or `{"AWS": "*"}`).
    pub any_principal: bool,
    /// `Action` values (`sts:AssumeRoleWithSAML`, `sts:TagSession`, wildcards).
    pub actions: Vec<String>,
    /// Whether the statement uses `NotAction` or `NotPrincipal` (not evaluated).
    pub negated: bool,
    /// `Condition` entries as (operator, key, values).
    pub conditions: Vec<(String, String, Vec<String>)>,
    /// Where it is in the file.
    pub path: String,
}

impl IamRole {
    /// Reads `aws iam get-role` output (`{"Role": {...}}`, or the inner object alone);
    /// `file` names it in messages and findings. The trust policy may be a JSON object (as
    /// the AWS CLI prints it) or a string holding URL-encoded or plain JSON (as the API returns it).
    pub fn from_json(text: &str, file: &str) -> Result<IamRole, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        IamRole::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<IamRole, Error> {
        let root = Node::root(v, file);
        let r = root.j();
        if !r.is_object() {
            return Err(r.err("expected an object (aws iam get-role output)"));
        }
        let inner = match r.get("Role") {
            Some(n) => n,
            None if r.get("AssumeRolePolicyDocument").is_some() => Node::root(v, file),
            None => {
                return Err(r.err("no Role member (expected aws iam get-role output)"));
            }
        };
        let j = inner.j();
        if !j.is_object() {
            return Err(j.err("expected an object"));
        }
        let mut role = IamRole {
            file: file.to_string(),
            name: j.str("RoleName")?,
            arn: j.str("Arn")?,
            max_session_duration: j.int("MaxSessionDuration")?,
            ..IamRole::default()
        };
        let doc = j
            .get("AssumeRolePolicyDocument")
            .ok_or_else(|| j.err("no AssumeRolePolicyDocument (the trust policy)"))?;
        role.policy_path = doc.path.clone();
        let parsed;
        let policy = match doc.v {
            Value::String(s) => {
                let text = if s.trim_start().starts_with('{') {
                    s.clone()
                } else {
                    percent_decode(s).ok_or_else(|| {
                        doc.j()
                            .err("the trust policy is neither JSON nor URL-encoded JSON")
                    })?
                };
                parsed = serde_json::from_str::<Value>(&text).map_err(|e| {
                    doc.j().err(&format!(
                        "the trust policy is not valid JSON: {}",
                        crate::error::lower_first(&e.to_string())
                    ))
                })?;
                Node::with_path(&parsed, file, format!("{}→$", doc.path))
            }
            Value::Object(_) => doc,
            _ => return Err(doc.j().err("expected a policy document (object or string)")),
        };
        let p = policy.j();
        if !p.is_object() {
            return Err(p.err("expected a policy document object"));
        }
        let stmts = match p.get("Statement") {
            None => return Err(p.err("no Statement in the trust policy")),
            Some(s) if s.v.is_array() => s.j().items()?,
            Some(s) => vec![s],
        };
        for s in &stmts {
            role.statements.push(statement(s.j(), &s.path)?);
        }
        Ok(role)
    }

    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.arn.clone())
            .unwrap_or_else(|| "the role".to_string())
    }
}

/// A string or an array of strings, as policies write them.
fn str_or_list(j: J<'_, '_>) -> Result<Vec<String>, Error> {
    match j.v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(_) => j
            .items()?
            .iter()
            .map(|n| n.j().as_str().map(str::to_string))
            .collect(),
        _ => Err(j.err("expected a string or an array of strings")),
    }
}

/// A condition value: a string, number or boolean, or an array of them.
fn condition_values(j: J<'_, '_>) -> Result<Vec<String>, Error> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match j.v {
        Value::Array(a) => a
            .iter()
            .map(|v| one(v).ok_or_else(|| j.err("expected strings, numbers or booleans")))
            .collect(),
        v => one(v)
            .map(|s| vec![s])
            .ok_or_else(|| j.err("expected a string, number, boolean or an array of them")),
    }
}

fn statement(j: J<'_, '_>, path: &str) -> Result<TrustStatement, Error> {
    if !j.is_object() {
        return Err(j.err("expected a policy statement object"));
    }
    let effect = j
        .str("Effect")?
        .ok_or_else(|| j.err("statement without Effect"))?;
    let mut st = TrustStatement {
        allow: effect.eq_ignore_ascii_case("allow"),
        negated: j.get("NotAction").is_some() || j.get("NotPrincipal").is_some(),
        path: path.to_string(),
        ..TrustStatement::default()
    };
    if let Some(p) = j.get("Principal") {
        match p.v {
            Value::String(s) if s == "*" => st.any_principal = true,
            Value::Object(_) => {
                if let Some(f) = p.j().get("Federated") {
                    st.federated = str_or_list(f.j())?;
                }
                if let Some(a) = p.j().get("AWS") {
                    st.any_principal = str_or_list(a.j())?.iter().any(|x| x == "*");
                }
            }
            _ => return Err(p.j().err("expected \"*\" or a principal object")),
        }
    }
    if let Some(a) = j.get("Action") {
        st.actions = str_or_list(a.j())?;
    }
    if let Some(c) = j.get("Condition") {
        let obj =
            c.v.as_object()
                .ok_or_else(|| c.j().err("expected a condition object"))?;
        for (op, keys) in obj {
            let Some(kobj) = keys.as_object() else {
                return Err(c.j().err(&format!("condition {op}: expected an object")));
            };
            for (k, vals) in kobj {
                let n = Node::with_path(
                    vals,
                    j.file,
                    format!(
                        "{path}.Condition[{}][{}]",
                        Value::String(op.clone()),
                        Value::String(k.clone())
                    ),
                );
                st.conditions
                    .push((op.clone(), k.clone(), condition_values(n.j())?));
            }
        }
    }
    Ok(st)
}

/// Percent-decodes `s` (RFC 3986, as IAM returns policy documents); `None` when the result
/// is not UTF-8 or an escape is malformed.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hi = (it.next()? as char).to_digit(16)?;
            let lo = (it.next()? as char).to_digit(16)?;
            out.push(u8::try_from(hi.checked_mul(16)?.checked_add(lo)?).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// `*` and `?` glob matching, as IAM's StringLike and action wildcards use it, ignoring
/// ASCII case when `fold` is set. Linear in |pattern| × |text| at worst (one backtrack point).
pub(crate) fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some('*'), _) => {
                star = Some((pi, ti));
                pi = pi.saturating_add(1);
            }
            (Some(&pc), Some(&tc)) if pc == '?' || eq(pc, tc) => {
                pi = pi.saturating_add(1);
                ti = ti.saturating_add(1);
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp.saturating_add(1);
                    ti = st.saturating_add(1);
                    star = Some((sp, ti));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

impl TrustStatement {
    fn allows_action(&self, action: &str) -> bool {
        self.allow && !self.negated && self.actions.iter().any(|a| glob(a, action, true))
    }

    /// The SAML:aud condition of this statement: `Some(Ok(patterns, like))`, `Some(Err(op))`
    /// for an operator not evaluated here, `None` without one.
    fn aud(&self) -> Option<Result<Vec<AudPattern>, String>> {
        let mut pats = Vec::new();
        let mut found = false;
        for (op, key, vals) in &self.conditions {
            if !key.eq_ignore_ascii_case("saml:aud") {
                continue;
            }
            found = true;
            let base = op
                .strip_prefix("ForAnyValue:")
                .or_else(|| op.strip_prefix("ForAllValues:"))
                .unwrap_or(op);
            let base = base.strip_suffix("IfExists").unwrap_or(base);
            let (like, fold) = match base {
                "StringEquals" => (false, false),
                "StringEqualsIgnoreCase" => (false, true),
                "StringLike" => (true, false),
                _ => return Some(Err(op.clone())),
            };
            pats.extend(vals.iter().map(|v| (v.clone(), like, fold)));
        }
        found.then_some(Ok(pats))
    }
}

/// A SAML:aud condition value: the pattern, whether it is a StringLike glob, whether case is ignored.
type AudPattern = (String, bool, bool);

fn aud_matches(pats: &[AudPattern], url: &str) -> bool {
    pats.iter().any(|(p, like, fold)| {
        if *like {
            glob(p, url, *fold)
        } else if *fold {
            p.eq_ignore_ascii_case(url)
        } else {
            p == url
        }
    })
}

pub(crate) struct RoleCtx<'a> {
    pub(crate) sp: &'a SpFacts,
    pub(crate) claims: &'a ClaimsConfig,
    pub(crate) app: Option<&'a EntraApp>,
    pub(crate) role: &'a IamRole,
}

/// Role values the claims send, when they can be known: constants, or the app roles of the
/// service principal for `user.assignedroles`. `None` when a value comes from elsewhere.
fn role_values(cx: &RoleCtx<'_>) -> Result<Vec<(String, String, String)>, String> {
    let cf = cx.claims.file.as_str();
    let name = format!("{AWS_NS}/Role");
    let claim = cx.claims.claims.iter().find(|c| c.name == name);
    let mut out = Vec::new();
    let from_roles = |out: &mut Vec<(String, String, String)>| {
        match cx.app {
        Some(app) if app.has_service_principal => {
            for r in &app.app_roles {
                if let Some(v) = r.value.as_deref().filter(|v| r.enabled && v.contains("arn:")) {
                    out.push((v.to_string(), app.file.clone(), r.path.clone()));
                }
            }
            Ok(())
        }
        _ => Err("the Role claim comes from user.assignedroles (app roles); give the service principal export (--entra-app) to read them".to_string()),
    }
    };
    match claim {
        None if cx.claims.origin == ClaimsOrigin::AssumedDefault => from_roles(&mut out)?,
        None => return Err(format!("{cf} configures no Role claim")),
        Some(c) => {
            for conf in &c.configurations {
                match conf.attribute.as_ref().map(|a| &a.source) {
                    Some(Source::Constant(v)) if conf.steps.is_empty() => {
                        out.push((v.clone(), cf.to_string(), conf.path.clone()))
                    }
                    Some(Source::User(id)) if id == "assignedroles" && conf.steps.is_empty() => {
                        from_roles(&mut out)?
                    }
                    Some(s) => {
                        return Err(format!(
                        "the Role claim ({cf}: {}) comes from {}{}, which the exports do not show",
                        conf.path,
                        s.describe(),
                        if conf.steps.is_empty() {
                            ""
                        } else {
                            " with transformations"
                        }
                    ))
                    }
                    None => {}
                }
            }
        }
    }
    Ok(out)
}

/// The (role ARN, provider ARN) of a Role value, in either order; spaces trimmed.
fn split_role_value(v: &str) -> Option<(String, String)> {
    let (a, b) = v.split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    if a.contains(":role/") && b.contains(":saml-provider/") {
        Some((a.to_string(), b.to_string()))
    } else if b.contains(":role/") && a.contains(":saml-provider/") {
        Some((b.to_string(), a.to_string()))
    } else {
        None
    }
}

/// At most this many URLs are compared with SAML:aud: Entra allows 256 Reply URLs per app.
const MAX_URLS: usize = 256;

/// The URLs Entra may post the response to: the app's Reply URLs on AWS sign-in hosts, else
/// the SP metadata's ACS URLs (at most [`MAX_URLS`], each at most 2048 characters). The bool
/// says whether they came from the app.
fn post_urls(cx: &RoleCtx<'_>) -> (Vec<String>, bool) {
    let (mut v, from_app) = post_urls_all(cx);
    v.retain(|u| u.len() <= 2048);
    v.truncate(MAX_URLS);
    (v, from_app)
}

fn post_urls_all(cx: &RoleCtx<'_>) -> (Vec<String>, bool) {
    if let Some(app) = cx.app.filter(|a| !a.reply_urls.is_empty()) {
        let v: Vec<String> = app
            .reply_urls
            .iter()
            .map(|r| r.value.clone())
            .filter(|u| {
                url::Url::parse(u)
                    .ok()
                    .and_then(|x| x.host_str().map(|h| h.to_ascii_lowercase()))
                    .is_some_and(|h| h.starts_with("signin.") || h.contains(".signin."))
            })
            .collect();
        if !v.is_empty() {
            return (v, true);
        }
    }
    (cx.sp.acs_urls.clone(), false)
}

pub(crate) fn check(cx: &RoleCtx<'_>, out: &mut Vec<Finding>, not_checkable: &mut Vec<String>) {
    let ent = Some(cx.sp.entity_id.as_str());
    let role = cx.role;
    let f = role.file.as_str();
    let label = role.label();
    let saml: Vec<&TrustStatement> = role
        .statements
        .iter()
        .filter(|s| {
            s.allows_action("sts:AssumeRoleWithSAML")
                && (!s.federated.is_empty() || s.any_principal)
        })
        .collect();
    if saml.is_empty() {
        let what = if role.statements.iter().any(|s| s.negated) {
            " (statements with NotAction or NotPrincipal are not evaluated)"
        } else {
            ""
        };
        out.push(IAM_TRUST_NO_SAML.at(
            ent,
            Some(at_json(f, &role.policy_path)),
            format!("the trust policy of role {label} ({f}: {}) has no Allow statement for sts:AssumeRoleWithSAML by a Federated principal{what}", role.policy_path),
        ));
        return;
    }

    // The Role claim against the trusted providers.
    let mut relevant: Vec<&TrustStatement> = saml.clone();
    match role_values(cx) {
        Err(why) => not_checkable.push(format!(
            "Whether role {label} trusts the SAML provider the Role claim names: {why}."
        )),
        Ok(values) => {
            let mine: Vec<(String, String, String, String)> = values
                .iter()
                .filter_map(|(v, file, path)| {
                    let (r, p) = split_role_value(v)?;
                    (Some(&r) == role.arn.as_ref()).then(|| (r, p, file.clone(), path.clone()))
                })
                .collect();
            if role.arn.is_none() {
                not_checkable.push(format!(
                    "Which Role value names role {label}: {f} has no Role.Arn."
                ));
            } else if mine.is_empty() {
                out.push(IAM_TRUST_ROLE_NOT_SENT.at(
                    ent,
                    Some(at_json(f, "$.Role.Arn")),
                    format!(
                        "no Role value the claims send names role {} ({f}); the values are {}",
                        role.arn.as_deref().unwrap_or_default(),
                        if values.is_empty() {
                            "none".to_string()
                        } else {
                            values
                                .iter()
                                .map(|(v, _, _)| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                ));
            } else {
                // Which SAML statements trust each provider (one pass over the policy).
                let mut by_provider: HashMap<&str, Vec<usize>> = HashMap::new();
                let mut any: Vec<usize> = Vec::new();
                for (i, st) in saml.iter().enumerate() {
                    if st.any_principal {
                        any.push(i);
                    }
                    for fed in &st.federated {
                        by_provider.entry(fed.as_str()).or_default().push(i);
                    }
                }
                let mut trusted: Vec<String> =
                    by_provider.keys().map(|x| format!("`{x}`")).collect();
                trusted.sort();
                let mut keep = vec![false; saml.len()];
                for (_, provider, file, path) in &mine {
                    let idx = by_provider.get(provider.as_str());
                    if idx.is_none() && any.is_empty() {
                        out.push(IAM_TRUST_PROVIDER.at(
                            ent,
                            Some(at_json(file, path)),
                            format!(
                                "the Role value ({file}: {path}) pairs role {label} with provider `{provider}`, but its trust policy ({f}: {}) trusts {} for sts:AssumeRoleWithSAML",
                                role.policy_path,
                                if trusted.is_empty() { "no SAML provider by name".to_string() } else { trusted.join(", ") }
                            ),
                        ));
                    }
                    for i in idx.into_iter().flatten().chain(any.iter()) {
                        if let Some(k) = keep.get_mut(*i) {
                            *k = true;
                        }
                    }
                }
                relevant = saml
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(s, _)| *s)
                    .collect();
            }
        }
    }
    if relevant.is_empty() {
        // No statement trusts the provider Entra names: judge the rest on every SAML statement.
        relevant = saml.clone();
    }

    // SAML:aud against the URLs Entra posts to.
    let (urls, from_app) = post_urls(cx);
    let default = cx
        .app
        .and_then(|a| a.default_reply_url.as_ref())
        .map(|d| d.value.clone())
        .filter(|d| urls.contains(d));
    let mut checked = false;
    let mut ok_urls: HashSet<&String> = HashSet::new();
    let mut unrestricted = false;
    for s in &relevant {
        match s.aud() {
            None => unrestricted = true,
            Some(Err(op)) => not_checkable.push(format!(
                "The SAML:aud condition of role {label} ({f}: {}) uses {op}, which is not evaluated here.",
                s.path
            )),
            Some(Ok(pats)) => {
                checked = true;
                ok_urls.extend(urls.iter().filter(|u| aud_matches(&pats, u)));
            }
        }
    }
    if checked && !unrestricted && !urls.is_empty() {
        let src = if from_app {
            "the Entra app's Reply URLs"
        } else {
            "the SP metadata's ACS URLs"
        };
        let bad: Vec<&String> = urls.iter().filter(|u| !ok_urls.contains(u)).collect();
        let at = relevant
            .first()
            .map_or(role.policy_path.clone(), |s| s.path.clone());
        let list = |v: &[&String]| {
            v.iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let default_bad = default.as_ref().is_some_and(|d| bad.contains(&d));
        if ok_urls.is_empty() || default_bad {
            out.push(IAM_TRUST_AUD.at(
                ent,
                Some(at_json(f, &at)),
                format!(
                    "the SAML:aud condition of role {label} ({f}: {at}) allows none of {}: {} from {src}{}",
                    if default_bad { "the default Reply URL" } else { "the URLs the IdP posts to" },
                    list(&bad),
                    if default_bad { " (the default Reply URL, used for IdP-initiated sign-in)" } else { "" }
                ),
            ));
        } else if !bad.is_empty() && from_app {
            out.push(IAM_TRUST_AUD_PARTIAL.at(
                ent,
                Some(at_json(f, &at)),
                format!(
                    "the SAML:aud condition of role {label} ({f}: {at}) does not allow {} from {src}; sign-in fails when Entra posts there (saml:aud comes from the Recipient, the Reply URL used)",
                    list(&bad)
                ),
            ));
        }
    }

    // Session tags.
    let tags = abac::principal_tags(cx.claims);
    if let Some((key, path)) = tags.first() {
        if !relevant.iter().any(|s| s.allows_action("sts:TagSession")) {
            let cf = cx.claims.file.as_str();
            out.push(IAM_TRUST_TAG_SESSION.at(
                ent,
                Some(at_json(f, &role.policy_path)),
                format!(
                    "the claims send {} session tag(s) (PrincipalTag:{key} at {cf}: {path}) but the trust policy of role {label} ({f}: {}) does not allow sts:TagSession",
                    tags.len(),
                    role.policy_path
                ),
            ));
        }
    }

    // SessionDuration against MaxSessionDuration.
    let sd = format!("{AWS_NS}/SessionDuration");
    if let (Some(max), Some(c)) = (
        role.max_session_duration,
        cx.claims.claims.iter().find(|c| c.name == sd),
    ) {
        for conf in &c.configurations {
            if let Some(Source::Constant(v)) = conf.attribute.as_ref().map(|a| &a.source) {
                if let Ok(n) = v.trim().parse::<i64>() {
                    if n > max {
                        let cf = cx.claims.file.as_str();
                        out.push(IAM_SESSION_OVER_MAX.at(
                            ent,
                            Some(at_json(cf, &conf.path)),
                            format!(
                                "SessionDuration {n} ({cf}: {}) is longer than MaxSessionDuration {max} of role {label} ({f})",
                                conf.path
                            ),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("sts:*", "sts:AssumeRoleWithSAML", true));
        assert!(glob("*", "", false));
        assert!(glob("sts:AssumeRoleWith*", "sts:assumerolewithsaml", true));
        assert!(!glob(
            "sts:AssumeRoleWith*",
            "sts:assumerolewithsaml",
            false
        ));
        assert!(glob(
            "https://*.signin.aws.amazon.com/saml",
            "https://eu-west-1.signin.aws.amazon.com/saml",
            false
        ));
        assert!(!glob(
            "https://*.signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/saml",
            false
        ));
        assert!(glob("a?c", "abc", false));
        assert!(!glob("a?c", "ac", false));
        assert!(glob("*a*b*", "xxaxxbxx", false));
        assert!(!glob("*a*b", "xxaxxbxxc", false));
    }

    #[test]
    fn percent() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A1%7D").as_deref(),
            Some("{\"a\":1}")
        );
        assert_eq!(percent_decode("%7"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
    }
}
