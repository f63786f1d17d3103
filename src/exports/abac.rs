//! Attributes for access control (ABAC) sent to IAM Identity Center:
//! `https://aws.amazon.com/SAML/Attributes/AccessControl:{key}` claims, which become STS
//! session tags.

use super::claims::{Attr, ClaimsConfig, Source, AWS_NS};
use super::rules::*;
use super::{at_json, SpFacts};
use crate::finding::{Finding, Rule, Severity};
use std::collections::HashMap;

// ---- The rules this module reports (the catalogue lists them in `rules.rs`) ----

pub(crate) static IC_ABAC_TOO_MANY: Rule = Rule {
    code: "ic.abac.too_many",
    severity: Severity::Error,
    summary: "More than 50 AccessControl attributes: IAM Identity Center with attributes for access control and STS allow at most 50",
    fix: "Send at most 50 https://aws.amazon.com/SAML/Attributes/AccessControl:{key} claims",
    source: "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>",
};
pub(crate) static IC_ABAC_MULTI: Rule = Rule {
    code: "ic.abac.multi_valued",
    severity: Severity::Error,
    summary: "An AccessControl attribute comes from a multi-valued source, which attributes for access control do not accept",
    fix: "Source each AccessControl claim from a single-valued attribute (not user.assignedroles, groups, or an input treated as multi-valued)",
    source: "AWS IAM Identity Center User Guide: Troubleshooting IAM Identity Center issues <https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html>; AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>",
};
pub(crate) static IC_ABAC_DUPLICATE: Rule = Rule {
    code: "ic.abac.duplicate",
    severity: Severity::Error,
    summary: "Two AccessControl attributes have the same name, which attributes for access control do not accept",
    fix: "Keep one claim per AccessControl key",
    source: S_IC_TROUBLE,
};
pub(crate) static IC_ABAC_KEY: Rule = Rule {
    code: "ic.abac.key_invalid",
    severity: Severity::Error,
    summary: "An AccessControl key breaks the session tag rules (1 to 128 characters; letters, digits, spaces and _ . : / = + - @; no aws: prefix)",
    fix: "Rename the key so that it is a valid session tag key",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Tags for AWS Identity and Access Management resources, rules for naming tags <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>",
};
pub(crate) static IC_ABAC_VALUE: Rule = Rule {
    code: "ic.abac.value_invalid",
    severity: Severity::Error,
    summary: "A constant AccessControl value breaks the session tag rules (at most 256 characters; letters, digits, spaces and _ . : / = + - @)",
    fix: "Shorten the value or remove the characters session tags do not allow",
    source: "AWS IAM User Guide: Passing session tags in AWS STS <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>; AWS IAM User Guide: Tags for AWS Identity and Access Management resources, rules for naming tags <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>",
};

/// At most this many AccessControl attributes (IAM Identity Center troubleshooting; STS
/// session tags).
pub(crate) const MAX_TAGS: usize = 50;
/// Longest session tag key, in characters.
pub(crate) const MAX_KEY: usize = 128;
/// Longest session tag value, in characters.
pub(crate) const MAX_VALUE: usize = 256;

/// Sources Entra fills with several values.
const MULTI_SOURCES: &[&str] = &["assignedroles", "groups"];

/// Why a session tag key or value breaks the naming rules, if it does.
pub(crate) fn tag_text_problem(s: &str, max: usize, is_key: bool) -> Option<String> {
    let n = s.chars().count();
    if is_key && n == 0 {
        return Some("is empty".to_string());
    }
    if n > max {
        return Some(format!("is {n} characters long, more than {max}"));
    }
    if is_key && s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Some("starts with the reserved prefix aws:".to_string());
    }
    let bad: String = s
        .chars()
        .filter(|c| !(c.is_alphanumeric() || *c == ' ' || "_.:/=+-@".contains(*c)))
        .take(5)
        .collect();
    if !bad.is_empty() {
        return Some(format!(
            "contains {}, which session tags do not allow",
            bad.chars()
                .map(|c| format!("{:?}", c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    None
}

fn is_multi(a: &Attr) -> bool {
    a.multi || matches!(&a.source, Source::User(id) if MULTI_SOURCES.contains(&id.as_str()))
}

/// The AccessControl checks; only meaningful for an IAM Identity Center SP.
pub(crate) fn check(sp: &SpFacts, claims: &ClaimsConfig, out: &mut Vec<Finding>) {
    let ent = Some(sp.entity_id.as_str());
    let f = claims.file.as_str();
    let prefix = format!("{AWS_NS}/AccessControl:");
    let tags: Vec<_> = claims
        .claims
        .iter()
        .filter_map(|c| c.name.strip_prefix(&prefix).map(|k| (k, c)))
        .collect();
    if tags.len() > MAX_TAGS {
        let first = tags.get(MAX_TAGS).map_or("$", |(_, c)| c.path.as_str());
        out.push(IC_ABAC_TOO_MANY.at(
            ent,
            Some(at_json(f, first)),
            format!(
                "{} AccessControl attributes are configured ({f}), more than {MAX_TAGS}; the 51st is at {first}",
                tags.len()
            ),
        ));
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (key, c) in &tags {
        if let Some(p) = tag_text_problem(key, MAX_KEY, true) {
            out.push(IC_ABAC_KEY.at(
                ent,
                Some(at_json(f, &c.path)),
                format!("AccessControl key `{key}` ({f}: {}) {p}", c.path),
            ));
        }
        if let Some(first) = seen.get(key) {
            out.push(IC_ABAC_DUPLICATE.at(
                ent,
                Some(at_json(f, &c.path)),
                format!(
                    "AccessControl:{key} is configured twice ({f}: {first} and {})",
                    c.path
                ),
            ));
        } else {
            seen.insert(key, c.path.as_str());
        }
        for conf in &c.configurations {
            let multi = conf
                .attribute
                .iter()
                .chain(conf.steps.iter().filter_map(|s| s.input.as_ref()))
                .find(|a| is_multi(a));
            if let Some(a) = multi {
                out.push(IC_ABAC_MULTI.at(
                    ent,
                    Some(at_json(f, &conf.path)),
                    format!(
                        "AccessControl:{key} ({f}: {}) comes from {}{}, which can hold several values",
                        conf.path,
                        a.source.describe(),
                        if a.multi { " treated as multi-valued" } else { "" }
                    ),
                ));
            }
            if let (
                Some(Attr {
                    source: Source::Constant(v),
                    ..
                }),
                true,
            ) = (&conf.attribute, conf.steps.is_empty())
            {
                if let Some(p) = tag_text_problem(v, MAX_VALUE, false) {
                    out.push(IC_ABAC_VALUE.at(
                        ent,
                        Some(at_json(f, &conf.path)),
                        format!("the value of AccessControl:{key} ({f}: {}) {p}", conf.path),
                    ));
                }
            }
        }
    }
}

/// How many PrincipalTag session tags the claims send (for AWS IAM roles).
pub(crate) fn principal_tags(claims: &ClaimsConfig) -> Vec<(&str, &str)> {
    let prefix = format!("{AWS_NS}/PrincipalTag:");
    claims
        .claims
        .iter()
        .filter_map(|c| c.name.strip_prefix(&prefix).map(|k| (k, c.path.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_rules() {
        assert_eq!(tag_text_problem("Department", MAX_KEY, true), None);
        assert_eq!(
            tag_text_problem("cost-center/eu:1 @x=+_.", MAX_KEY, true),
            None
        );
        assert_eq!(tag_text_problem("Abteilung-Ü", MAX_KEY, true), None);
        assert!(tag_text_problem("", MAX_KEY, true).is_some());
        assert!(tag_text_problem("", MAX_VALUE, false).is_none());
        assert!(tag_text_problem("aws:foo", MAX_KEY, true).is_some());
        assert!(tag_text_problem("AWS:foo", MAX_KEY, true).is_some());
        assert!(tag_text_problem("aws:foo", MAX_VALUE, false).is_none());
        assert!(tag_text_problem("a,b", MAX_KEY, true)
            .unwrap()
            .contains("','"));
        assert!(tag_text_problem(&"k".repeat(129), MAX_KEY, true).is_some());
        assert!(tag_text_problem(&"k".repeat(128), MAX_KEY, true).is_none());
        assert!(tag_text_problem(&"v".repeat(257), MAX_VALUE, false).is_some());
    }
}
