//! An IAM Identity Center permission set (`aws sso-admin describe-permission-set`): its
//! session duration and relay state, and the SessionDuration claim Identity Center ignores.

use super::claims::{ClaimsConfig, ClaimsOrigin, AWS_NS};
use super::json::Node;
use super::rules::*;
use super::{at_json, Sourced, SpFacts};
use crate::error::Error;
use crate::finding::{Finding, Rule, Severity};
use serde_json::Value;

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static IC_SESSION_DURATION_CLAIM: Rule = Rule {
    code: "ic.session_duration.claim_ignored",
    severity: Severity::Info,
    summary: "The claims send SessionDuration to IAM Identity Center, where the permission set's session duration applies instead",
    fix: "Set the session length on the permission set (1 to 12 hours); the SessionDuration claim can be removed",
    source: S_IC_SESSION,
};
pub(crate) static IC_PS_SESSION: Rule = Rule {
    code: "ic.permission_set.session_duration",
    severity: Severity::Info,
    summary: "The permission set's session duration: how long an AWS account session lasts",
    fix: "Nothing to do; change it on the permission set (1 to 12 hours) and reprovision",
    source: S_IC_SESSION,
};
pub(crate) static IC_PS_SESSION_RANGE: Rule = Rule {
    code: "ic.permission_set.session_duration_range",
    severity: Severity::Error,
    summary: "The permission set's session duration is outside 1 to 12 hours, which IAM Identity Center does not accept",
    fix: "Set a session duration from PT1H to PT12H",
    source: S_IC_SESSION,
};
pub(crate) static IC_PS_RELAY_STATE: Rule = Rule {
    code: "ic.permission_set.relay_state",
    severity: Severity::Warning,
    summary: "The permission set's relay state is not an https URL of an AWS service console (unconfirmed: AWS documents only AWS service console URLs)",
    fix: "Set the relay state to an https AWS console URL such as https://console.aws.amazon.com/ec2/, or clear it",
    source: S_IC_RELAY,
};

/// What `aws sso-admin describe-permission-set` prints, as far as the checks use it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PermissionSet {
    /// The file it was read from, as given.
    pub file: String,
    /// `PermissionSet.Name`.
    pub name: Option<String>,
    /// `PermissionSet.PermissionSetArn`.
    pub arn: Option<String>,
    /// `PermissionSet.SessionDuration` as written (ISO 8601, `PT8H`), with its path.
    pub session_duration: Option<Sourced>,
    /// The session duration in seconds (parsed from [`PermissionSet::session_duration`]).
    pub session_seconds: Option<u64>,
    /// `PermissionSet.RelayState`, with its path.
    pub relay_state: Option<Sourced>,
}

impl PermissionSet {
    /// Reads `aws sso-admin describe-permission-set` output (`{"PermissionSet": {...}}`,
    /// or the inner object alone); `file` names it in messages and findings.
    pub fn from_json(text: &str, file: &str) -> Result<PermissionSet, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        PermissionSet::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<PermissionSet, Error> {
        let root = Node::root(v, file);
        let r = root.j();
        if !r.is_object() {
            return Err(r.err("expected an object (aws sso-admin describe-permission-set output)"));
        }
        let inner = match r.get("PermissionSet") {
            Some(n) => n,
            None if r.get("PermissionSetArn").is_some() || r.get("SessionDuration").is_some() => {
                Node::root(v, file)
            }
            None => return Err(r.err(
                "no PermissionSet member (expected aws sso-admin describe-permission-set output)",
            )),
        };
        let j = inner.j();
        if !j.is_object() {
            return Err(j.err("expected an object"));
        }
        let mut ps = PermissionSet {
            file: file.to_string(),
            name: j.str("Name")?,
            arn: j.str("PermissionSetArn")?,
            ..PermissionSet::default()
        };
        if let Some(n) = j.get("SessionDuration") {
            let s = n.j().as_str()?;
            let secs = iso8601_seconds(s).ok_or_else(|| {
                n.j().err(&format!(
                    "expected an ISO 8601 duration such as PT8H, found {s:?}"
                ))
            })?;
            ps.session_seconds = Some(secs);
            ps.session_duration = Some(Sourced {
                value: s.to_string(),
                path: n.path.clone(),
            });
        }
        if let Some(n) = j.get("RelayState") {
            let s = n.j().as_str()?;
            if !s.is_empty() {
                ps.relay_state = Some(Sourced {
                    value: s.to_string(),
                    path: n.path.clone(),
                });
            }
        }
        Ok(ps)
    }

    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.arn.clone())
            .unwrap_or_else(|| "the permission set".to_string())
    }
}

/// Seconds in an ISO 8601 duration of the form AWS uses (`PT1H`, `PT1H30M`, `PT3600S`,
/// `P1D`). Years and months are refused (their length varies); fractions only on seconds
/// (rounded down).
pub(crate) fn iso8601_seconds(s: &str) -> Option<u64> {
    let rest = s.trim().strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return None;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut total: u64 = 0;
    let mut add = |num: &str, unit: char, in_time: bool| -> Option<()> {
        let mult: u64 = match (unit, in_time) {
            ('W', false) => 604_800,
            ('D', false) => 86_400,
            ('H', true) => 3_600,
            ('M', true) => 60,
            ('S', true) => 1,
            _ => return None,
        };
        let whole = if unit == 'S' {
            let (w, f) = num.split_once('.').unwrap_or((num, "0"));
            if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            w
        } else {
            num
        };
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u64 = whole.parse().ok()?;
        total = total.checked_add(n.checked_mul(mult)?)?;
        Some(())
    };
    for (part, in_time) in [(date, false), (time.unwrap_or(""), true)] {
        let mut num = String::new();
        let mut last_unit: Option<usize> = None;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            // Units must come in order and once each.
            let order = if in_time { "HMS" } else { "WD" };
            let idx = order.find(c)?;
            if last_unit.is_some_and(|l| idx <= l) || num.is_empty() {
                return None;
            }
            last_unit = Some(idx);
            add(&num, c, in_time)?;
            num.clear();
        }
        if !num.is_empty() {
            return None;
        }
    }
    Some(total)
}

/// `8 hours`, `1 hour 30 minutes`, `90 seconds`.
pub(crate) fn human(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut parts = Vec::new();
    let unit = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    if h > 0 {
        parts.push(unit(h, "hour"));
    }
    if m > 0 {
        parts.push(unit(m, "minute"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second"));
    }
    parts.join(" ")
}

/// Whether a relay state is an https URL on an AWS console or service host.
fn aws_console_url(v: &str) -> bool {
    url::Url::parse(v)
        .ok()
        .filter(|u| u.scheme() == "https")
        .and_then(|u| {
            u.host_str().map(|h| {
                let h = h.to_ascii_lowercase();
                [
                    "aws.amazon.com",
                    "amazonaws-us-gov.com",
                    "amazonaws.cn",
                    "awsapps.com",
                ]
                .iter()
                .any(|d| h == *d || h.ends_with(&format!(".{d}")))
            })
        })
        .unwrap_or(false)
}

/// The IAM Identity Center checks: the SessionDuration claim, and the permission set.
pub(crate) fn check(
    sp: &SpFacts,
    claims: &ClaimsConfig,
    ps: Option<&PermissionSet>,
    out: &mut Vec<Finding>,
) {
    let ent = Some(sp.entity_id.as_str());
    let effective = ps.and_then(|p| p.session_seconds.map(|s| (p, s)));
    if claims.origin != ClaimsOrigin::AssumedDefault {
        let name = format!("{AWS_NS}/SessionDuration");
        if let Some(c) = claims.claims.iter().find(|c| c.name == name) {
            let cf = claims.file.as_str();
            let applies = match effective {
                Some((p, s)) => format!(
                    "the permission set's session duration applies: {} ({}: {})",
                    human(s),
                    p.file,
                    p.session_duration
                        .as_ref()
                        .map_or(String::new(), |d| d.path.clone())
                ),
                None => "the permission set's session duration applies (1 hour unless changed; give --permission-set to see it)".to_string(),
            };
            out.push(IC_SESSION_DURATION_CLAIM.at(
                ent,
                Some(at_json(cf, &c.path)),
                format!("the claims send SessionDuration ({cf}: {}), which IAM Identity Center ignores: {applies}", c.path),
            ));
        }
    }
    let Some(p) = ps else { return };
    let f = p.file.as_str();
    let label = p.label();
    match (&p.session_duration, p.session_seconds) {
        (Some(d), Some(s)) if !(3600..=43_200).contains(&s) => out.push(IC_PS_SESSION_RANGE.at(
            ent,
            Some(at_json(f, &d.path)),
            format!(
                "permission set {label}: session duration {} ({f}: {}) is {}, outside 1 to 12 hours",
                d.value,
                d.path,
                human(s)
            ),
        )),
        (Some(d), Some(s)) => out.push(IC_PS_SESSION.at(
            ent,
            Some(at_json(f, &d.path)),
            format!(
                "permission set {label}: AWS account sessions last {} ({f}: {}: {})",
                human(s),
                d.path,
                d.value
            ),
        )),
        _ => out.push(IC_PS_SESSION.at(
            ent,
            Some(at_json(f, "$.PermissionSet")),
            format!("permission set {label}: no SessionDuration in {f}; AWS account sessions last 1 hour, the default"),
        )),
    }
    if let Some(r) = &p.relay_state {
        if !aws_console_url(&r.value) {
            out.push(IC_PS_RELAY_STATE.at(
                ent,
                Some(at_json(f, &r.path)),
                format!(
                    "permission set {label}: relay state `{}` ({f}: {}) is not an https URL of an AWS service console",
                    r.value, r.path
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(iso8601_seconds("PT1H"), Some(3600));
        assert_eq!(iso8601_seconds("PT12H"), Some(43_200));
        assert_eq!(iso8601_seconds("PT1H30M"), Some(5400));
        assert_eq!(iso8601_seconds("PT3600S"), Some(3600));
        assert_eq!(iso8601_seconds("PT90.5S"), Some(90));
        assert_eq!(iso8601_seconds("P1D"), Some(86_400));
        assert_eq!(iso8601_seconds("P1DT1H"), Some(90_000));
        for bad in [
            "",
            "P",
            "PT",
            "8H",
            "PT8",
            "PTH",
            "PT1M1H",
            "PT1H1H",
            "P1Y",
            "P1M",
            "PT1.5H",
            "PT-1H",
            "PT99999999999999999999H",
        ] {
            assert_eq!(iso8601_seconds(bad), None, "{bad:?}");
        }
        assert_eq!(human(3600), "1 hour");
        assert_eq!(human(5460), "1 hour 31 minutes");
        assert_eq!(human(0), "0 seconds");
    }

    #[test]
    fn relay_urls() {
        assert!(aws_console_url("https://console.aws.amazon.com/ec2/"));
        assert!(aws_console_url(
            "https://us-east-2.console.aws.amazon.com/ec2/"
        ));
        assert!(!aws_console_url("http://console.aws.amazon.com/"));
        assert!(!aws_console_url("https://example.com/"));
        assert!(!aws_console_url("https://aws.amazon.com.example.com/"));
        assert!(!aws_console_url("ec2"));
    }
}
