//! The claim rule engine: computes the value Entra emits for a claim and a user.

use super::claims::{
    Attr, Claim, ClaimConfiguration, Source, Step, Transformation, UserTypeCondition,
};
use super::users::EntraUser;
use std::collections::HashMap;

/// The value a claim takes for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Eval {
    /// The value, and which configuration or source produced it.
    Value(String, String),
    /// No value: every applicable source was empty (named).
    Empty(String),
    /// The value cannot be computed here, with the reason.
    Unknown(String),
}

/// The value a claim takes for one user, as computed from the exports (see
/// [`claim_value`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimValue {
    /// The value, and how it was computed (`user.mail → ToLowercase()`).
    Value {
        /// The value Entra emits.
        value: String,
        /// The configuration that produced it.
        source: String,
    },
    /// No value: every applicable source was empty (named).
    Empty(String),
    /// The value cannot be computed exactly (the reason: an undocumented detail, a
    /// source the exports do not show, a pattern that cannot be evaluated).
    Unknown(String),
}

/// The value of the claim named `name` for `user` under `claims`, computed with the
/// semantics Microsoft documents ("Customize SAML token claims", "Claims mapping policy
/// type", Graph customClaimConfiguration); `None` when no such claim is configured.
/// `name` is the full claim name, compared exactly; the NameID claim type
/// (`http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier`) selects NameID.
pub fn claim_value(
    claims: &super::ClaimsConfig,
    name: &str,
    user: &EntraUser,
) -> Option<ClaimValue> {
    let nameid = name == super::claims::NAMEID_CLAIM;
    let claim = if nameid {
        &claims.name_id
    } else {
        claims.claim(name)?
    };
    let mut e = Engine {
        legacy: claims.origin == super::ClaimsOrigin::ClaimsMappingPolicy,
        ..Engine::default()
    };
    Some(match e.eval(claim, user, nameid) {
        Eval::Value(value, source) => ClaimValue::Value { value, source },
        Eval::Empty(w) => ClaimValue::Empty(w),
        Eval::Unknown(w) => ClaimValue::Unknown(w),
    })
}

/// Why a .NET pattern cannot be used with Rust's `regex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RegexProblem {
    /// A .NET construct without a Rust equivalent (lookaround, backreference, ...).
    Unsupported(String),
    /// The pattern does not compile, or the replacement names an unknown group.
    Invalid(String),
}

/// Translates a .NET pattern to Rust `regex` syntax: `(?'name'…)` and `(?<name>…)` become
/// `(?P<name>…)`; lookaround, atomic groups, backreferences, conditionals and class
/// subtraction are refused rather than guessed at.
pub(crate) fn translate_regex(p: &str) -> Result<String, RegexProblem> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0usize;
    let mut in_class = false;
    let unsupported = |what: &str| Err(RegexProblem::Unsupported(what.to_string()));
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i.saturating_add(1)).copied();
        if c == '\\' {
            match next {
                Some(d) if d.is_ascii_digit() && d != '0' && !in_class => {
                    return unsupported("a backreference (\\1 … \\9)");
                }
                Some('k') if !in_class => return unsupported("a named backreference (\\k<name>)"),
                Some('G') => return unsupported("the \\G anchor"),
                Some('Z') => {
                    // .NET \Z: end or before a final newline.
                    out.push_str(r"(?:\n?\z)");
                    i = i.saturating_add(2);
                    continue;
                }
                Some(d) => {
                    out.push('\\');
                    out.push(d);
                    i = i.saturating_add(2);
                    continue;
                }
                None => {
                    out.push('\\');
                    i = i.saturating_add(1);
                    continue;
                }
            }
        }
        if in_class {
            if c == ']' {
                in_class = false;
            } else if c == '-' && next == Some('[') {
                return unsupported("character class subtraction ([a-z-[aeiou]])");
            } else if c == '[' {
                // A literal '[' inside a class: Rust would read a nested class.
                out.push_str("\\[");
                i = i.saturating_add(1);
                continue;
            }
            out.push(c);
            i = i.saturating_add(1);
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            i = i.saturating_add(1);
            // A leading ']' (or '^]') is a literal in .NET.
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i = i.saturating_add(1);
            }
            if chars.get(i) == Some(&']') {
                out.push_str("\\]");
                i = i.saturating_add(1);
            }
            continue;
        }
        if c == '(' && next == Some('?') {
            let rest: String = chars.iter().skip(i.saturating_add(2)).take(3).collect();
            if rest.starts_with('=') || rest.starts_with('!') {
                return unsupported("a lookahead ((?=…) or (?!…))");
            }
            if rest.starts_with("<=") || rest.starts_with("<!") {
                return unsupported("a lookbehind ((?<=…) or (?<!…))");
            }
            if rest.starts_with('>') {
                return unsupported("an atomic group ((?>…))");
            }
            if rest.starts_with('(') {
                return unsupported("a conditional ((?(…)…))");
            }
            if rest.starts_with('#') {
                return unsupported("an inline comment ((?#…))");
            }
            let open = rest.chars().next();
            if open == Some('\'') || open == Some('<') {
                let close = if open == Some('\'') { '\'' } else { '>' };
                let start = i.saturating_add(3);
                let mut j = start;
                let mut name = String::new();
                while let Some(&x) = chars.get(j) {
                    if x == close {
                        break;
                    }
                    name.push(x);
                    j = j.saturating_add(1);
                }
                if chars.get(j) != Some(&close) {
                    return Err(RegexProblem::Invalid(
                        "an unterminated group name".to_string(),
                    ));
                }
                if name.contains('-') {
                    return unsupported("a balancing group ((?<a-b>…))");
                }
                out.push_str("(?P<");
                out.push_str(&name);
                out.push('>');
                i = j.saturating_add(1);
                continue;
            }
        }
        out.push(c);
        i = i.saturating_add(1);
    }
    Ok(out)
}

/// The `{name}` placeholders of a replacement pattern.
pub(crate) fn placeholders(replacement: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = replacement;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open.saturating_add(1)..).unwrap_or("");
        match after.find('}') {
            Some(close) => {
                out.push(after.get(..close).unwrap_or("").to_string());
                rest = after.get(close.saturating_add(1)..).unwrap_or("");
            }
            None => break,
        }
    }
    out
}

/// Compiles and caches patterns; evaluates claims for users.
#[derive(Default)]
pub(crate) struct Engine {
    cache: HashMap<String, Result<regex::Regex, RegexProblem>>,
    /// The claims come from a legacy claims mapping policy (whose Join on NameID Microsoft
    /// documents less than the portal's).
    pub(crate) legacy: bool,
}

impl Engine {
    pub(crate) fn regex(&mut self, pattern: &str) -> Result<regex::Regex, RegexProblem> {
        self.cache
            .entry(pattern.to_string())
            .or_insert_with(|| {
                let t = translate_regex(pattern)?;
                regex::RegexBuilder::new(&t)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| {
                        // Entra accepted the pattern when it was saved, so a pattern Rust
                        // cannot compile most likely uses a .NET construct: unsupported,
                        // not invalid.
                        RegexProblem::Unsupported(format!(
                            "a construct Rust's regex does not compile ({})",
                            first_line(&e.to_string())
                        ))
                    })
            })
            .clone()
    }

    /// Checks a RegexReplace's pattern and placeholders, without a user.
    pub(crate) fn check_regex(
        &mut self,
        pattern: &str,
        replacement: &str,
        additional: &[Attr],
    ) -> Result<(), RegexProblem> {
        let re = self.regex(pattern)?;
        let groups: Vec<&str> = re.capture_names().flatten().collect();
        for p in placeholders(replacement) {
            let known = groups.contains(&p.as_str())
                || p.parse::<usize>().is_ok_and(|n| n < re.captures_len())
                || additional.iter().any(|a| attr_name_matches(a, &p));
            if !known {
                return Err(RegexProblem::Invalid(format!(
                    "the replacement's {{{p}}} is neither a group of the pattern nor an additional input"
                )));
            }
        }
        Ok(())
    }

    /// The value of `claim` for `user`. `nameid` turns on NameID's Join behaviour.
    pub(crate) fn eval(&mut self, claim: &Claim, user: &EntraUser, nameid: bool) -> Eval {
        let applicable: Vec<&ClaimConfiguration> = claim
            .configurations
            .iter()
            .filter(|c| c.groups.is_empty() && applies(c.user_type, user))
            .collect();
        if applicable.is_empty() {
            return Eval::Empty("no claim configuration applies to this user".to_string());
        }
        // Configurations with a plain attribute first, then those with transformations;
        // within each, top to bottom; the last one that yields a value wins.
        let mut order: Vec<&ClaimConfiguration> = applicable
            .iter()
            .copied()
            .filter(|c| c.steps.is_empty())
            .collect();
        order.extend(applicable.iter().copied().filter(|c| !c.steps.is_empty()));
        let mut result: Option<(String, String)> = None;
        let mut empties: Vec<String> = Vec::new();
        for c in order {
            match self.eval_config(c, user, nameid) {
                Ok(Some(v)) => result = Some(v),
                Ok(None) => empties.push(describe_config(c)),
                Err(reason) => return Eval::Unknown(reason),
            }
        }
        match result {
            Some((v, d)) => Eval::Value(v, d),
            None => Eval::Empty(empties.join("; ")),
        }
    }

    fn eval_config(
        &mut self,
        c: &ClaimConfiguration,
        user: &EntraUser,
        nameid: bool,
    ) -> Result<Option<(String, String)>, String> {
        let base = match &c.attribute {
            Some(a) => value_of(a, user)?,
            None => None,
        };
        if c.steps.is_empty() {
            return Ok(base.map(|v| (v, describe_config(c))));
        }
        let mut cur: Option<String> = None;
        let mut no_match: Option<String> = None;
        for (i, s) in c.steps.iter().enumerate() {
            let input = if i == 0 {
                match &s.input {
                    Some(a) => {
                        multi_valued(a, s)?;
                        value_of(a, user)?
                    }
                    None => base.clone(),
                }
            } else {
                cur.clone()
            };
            match self.apply(s, input, user, nameid)? {
                Out::Value(v) => cur = Some(v),
                Out::None => cur = None,
                Out::NoMatch(why) => {
                    cur = None;
                    no_match = Some(why);
                    break;
                }
            }
        }
        if let Some(v) = cur.filter(|v| !v.is_empty()) {
            return Ok(Some((v, describe_config(c))));
        }
        // Graph customClaimConfiguration: "If the transform results in no output then the
        // attribute value is used" (the portal's "output if no match").
        if let Some(v) = base {
            return Ok(Some((v, describe_config(c))));
        }
        match no_match {
            Some(why) => Err(why),
            None => Ok(None),
        }
    }

    fn apply(
        &mut self,
        s: &Step,
        input: Option<String>,
        user: &EntraUser,
        nameid: bool,
    ) -> Result<Out, String> {
        let out_or_input = |o: &Option<Attr>, input: &str| -> Result<Out, String> {
            match o {
                Some(a) => Ok(Out::from(value_of(a, user)?)),
                None => Ok(Out::Value(input.to_string())),
            }
        };
        let t = &s.transformation;
        match t {
            Transformation::IfEmpty { output } => {
                return if input.as_deref().unwrap_or("").is_empty() {
                    out_or_input(output, "")
                } else {
                    Ok(Out::None)
                };
            }
            Transformation::IfNotEmpty { output } => {
                return match input.as_deref().filter(|v| !v.is_empty()) {
                    Some(v) => out_or_input(output, v),
                    None => Ok(Out::None),
                };
            }
            Transformation::Unknown(name) => {
                return Err(format!(
                    "the transformation {name} ({}) is not evaluated by this checker",
                    s.path
                ));
            }
            _ => {}
        }
        let Some(input) = input.filter(|v| !v.is_empty()) else {
            return Ok(Out::None);
        };
        let r = match t {
            Transformation::ToLowercase => Some(input.to_lowercase()),
            Transformation::ToUppercase => Some(input.to_uppercase()),
            Transformation::ExtractMailPrefix => Some(extract_mail_prefix(&input).to_string()),
            Transformation::Join { input2, separator } => {
                let second = match input2 {
                    Some(a) => {
                        multi_valued(a, s)?;
                        value_of(a, user)?
                    }
                    None => None,
                };
                let Some(second) = second else {
                    return Err(format!(
                        "the second input of Join ({}) is {} for this user; what Entra joins then is not documented",
                        s.path,
                        input2.as_ref().map_or("not configured".to_string(), |a| format!("empty ({})", a.source.describe()))
                    ));
                };
                let first = if nameid && input.contains('@') {
                    if self.legacy {
                        return Err(format!(
                            "Join on NameID in a claims mapping policy ({}) with an input that has a domain part (`{input}`): Microsoft documents that the portal's Join drops the input's domain part on NameID, but not whether a claims mapping policy's Join does",
                            s.path
                        ));
                    }
                    // "Customize SAML token claims": on NameID, Join removes the domain
                    // part from the input before joining.
                    extract_mail_prefix(&input)
                } else {
                    input.as_str()
                };
                Some(format!("{first}{separator}{second}"))
            }
            Transformation::Contains { value, output } => {
                return condition(s, "Contains", &input, value, output, user, |a, b| {
                    a.contains(b)
                });
            }
            Transformation::StartsWith { value, output } => {
                return condition(s, "StartWith", &input, value, output, user, |a, b| {
                    a.starts_with(b)
                });
            }
            Transformation::EndsWith { value, output } => {
                return condition(s, "EndWith", &input, value, output, user, |a, b| {
                    a.ends_with(b)
                });
            }
            Transformation::ExtractAfter(m) => input
                .find(m.as_str())
                .and_then(|p| input.get(p.saturating_add(m.len())..))
                .map(str::to_string),
            Transformation::ExtractBefore(m) => input
                .find(m.as_str())
                .and_then(|p| input.get(..p))
                .map(str::to_string),
            Transformation::ExtractBetween(a, b) => input
                .find(a.as_str())
                .and_then(|p| input.get(p.saturating_add(a.len())..))
                .and_then(|rest| rest.find(b.as_str()).and_then(|q| rest.get(..q)))
                .map(str::to_string),
            Transformation::ExtractAlpha { suffix } => affix(&input, *suffix, char::is_alphabetic),
            Transformation::ExtractNumeric { suffix } => {
                affix(&input, *suffix, |c| c.is_ascii_digit())
            }
            Transformation::Substring { start, length } => {
                let n = input.chars().count();
                if *start >= n {
                    None
                } else {
                    let take = length.unwrap_or(n);
                    Some(input.chars().skip(*start).take(take).collect())
                }
            }
            Transformation::RegexReplace {
                pattern,
                replacement,
                additional,
            } => return self.regex_replace(s, &input, pattern, replacement, additional, user),
            Transformation::IfEmpty { .. }
            | Transformation::IfNotEmpty { .. }
            | Transformation::Unknown(_) => None,
        };
        Ok(Out::from(r))
    }

    /// RegexReplace as "Customize SAML token claims" documents it: applied only when the
    /// input matches the pattern ("the transformation is skipped" otherwise), `{name}`
    /// placeholders for the pattern's groups and the additional inputs.
    fn regex_replace(
        &mut self,
        s: &Step,
        input: &str,
        pattern: &str,
        replacement: &str,
        additional: &[Attr],
        user: &EntraUser,
    ) -> Result<Out, String> {
        let re = self.regex(pattern).map_err(|p| match p {
            RegexProblem::Unsupported(w) => {
                format!("the RegexReplace pattern ({}) uses {w}", s.path)
            }
            RegexProblem::Invalid(w) => {
                format!("the RegexReplace pattern ({}) is invalid: {w}", s.path)
            }
        })?;
        let mut matches = re.captures_iter(input);
        let Some(caps) = matches.next() else {
            return Ok(Out::NoMatch(format!(
                "the RegexReplace pattern ({}) does not match `{input}`: Entra then skips the transformation and adds \"the default claim value\", which Microsoft does not define, and no \"output if no match\" attribute is configured",
                s.path
            )));
        };
        let whole = caps
            .get(0)
            .is_some_and(|m| m.start() == 0 && m.end() == input.len());
        if !whole || matches.next().is_some() {
            return Err(format!(
                "the RegexReplace pattern ({}) matches only part of `{input}`: whether Entra keeps the text around the match (as a regular-expression replace would) or emits only the replacement is not documented",
                s.path
            ));
        }
        if re.find_at(input, input.len()).is_some() {
            return Err(format!(
                "the RegexReplace pattern ({}) also matches the empty string at the end of `{input}`: a .NET regular-expression replace would add the replacement a second time there; Microsoft does not document whether Entra does",
                s.path
            ));
        }
        let mut extra: Vec<(String, String)> = Vec::new();
        for a in additional {
            multi_valued(a, s)?;
            let v = value_of(a, user)?.ok_or_else(|| {
                format!(
                    "the RegexReplace additional input {} ({}) is empty for this user; what Entra substitutes then is not documented",
                    a.source.describe(),
                    s.path
                )
            })?;
            extra.push((attr_id(a), v));
        }
        expand(replacement, &caps, &re, &extra)
            .map(|v| Out::from(Some(v)))
            .map_err(|e| format!("the RegexReplace replacement ({}) {e}", s.path))
    }
}

/// What one transformation step yields.
enum Out {
    /// A value.
    Value(String),
    /// No output: the condition did not hold, or the input was empty.
    None,
    /// A RegexReplace that did not match (the reason the value is then undefined).
    NoMatch(String),
}

impl From<Option<String>> for Out {
    fn from(v: Option<String>) -> Out {
        match v.filter(|v| !v.is_empty()) {
            Some(v) => Out::Value(v),
            None => Out::None,
        }
    }
}

/// Contains / StartWith / EndWith: the output when the condition holds, else no output
/// (the configuration's attribute then applies). Microsoft does not say whether the test
/// ignores case, so an input where the answer depends on it cannot be computed.
fn condition(
    s: &Step,
    name: &str,
    input: &str,
    value: &str,
    output: &Option<Attr>,
    user: &EntraUser,
    test: impl Fn(&str, &str) -> bool,
) -> Result<Out, String> {
    let exact = test(input, value);
    if exact != test(&input.to_lowercase(), &value.to_lowercase()) {
        return Err(format!(
            "{name}({value:?}) ({}) holds for `{input}` only when case is ignored, and Microsoft does not document whether {name} ignores case",
            s.path
        ));
    }
    if !exact {
        return Ok(Out::None);
    }
    match output {
        Some(a) => {
            multi_valued(a, s)?;
            Ok(Out::from(value_of(a, user)?))
        }
        None => Err(format!(
            "{name} ({}) has no output attribute; what Entra emits then is not documented",
            s.path
        )),
    }
}

/// Refuses inputs marked "treat source as multivalued" whose source can hold several
/// values: the user exports hold one value per attribute.
fn multi_valued(a: &Attr, s: &Step) -> Result<(), String> {
    let multi_source = match &a.source {
        Source::Extension(_) => true,
        Source::User(id) => matches!(
            id.as_str(),
            "proxyaddresses" | "othermail" | "othermails" | "assignedroles"
        ),
        _ => false,
    };
    if a.multi && multi_source {
        return Err(format!(
            "{} is treated as multi-valued ({}): the transformation applies to every value, and the user export holds only one",
            a.source.describe(),
            s.path
        ));
    }
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

fn expand(
    replacement: &str,
    caps: &regex::Captures<'_>,
    re: &regex::Regex,
    extra: &[(String, String)],
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = replacement;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open.saturating_add(1)..).unwrap_or("");
        let Some(close) = after.find('}') else {
            out.push_str(rest.get(open..).unwrap_or(""));
            return Ok(out);
        };
        let name = after.get(..close).unwrap_or("");
        let val = if re.capture_names().flatten().any(|n| n == name) {
            caps.name(name)
                .map(|m| m.as_str().to_string())
                .unwrap_or_default()
        } else if name.parse::<usize>().is_ok() {
            return Err(format!(
                "names the numbered group {{{name}}}; Microsoft documents only named groups ({{group-name}})"
            ));
        } else if let Some((_, v)) = extra.iter().find(|(k, _)| {
            k.eq_ignore_ascii_case(name) || format!("user.{k}").eq_ignore_ascii_case(name)
        }) {
            v.clone()
        } else {
            return Err(format!(
                "names {{{name}}}, which is neither a group nor an additional input"
            ));
        };
        out.push_str(&val);
        rest = after.get(close.saturating_add(1)..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

fn attr_id(a: &Attr) -> String {
    match &a.source {
        Source::User(id) | Source::Extension(id) => id.clone(),
        Source::Constant(v) => v.clone(),
        Source::Other { id, .. } => id.clone(),
    }
}

fn attr_name_matches(a: &Attr, name: &str) -> bool {
    let id = attr_id(a);
    id.eq_ignore_ascii_case(name) || format!("user.{id}").eq_ignore_ascii_case(name)
}

/// The part before the first `@`, or the input unchanged.
pub(crate) fn extract_mail_prefix(v: &str) -> &str {
    v.split_once('@').map_or(v, |(p, _)| p)
}

fn affix(input: &str, suffix: bool, keep: impl Fn(char) -> bool) -> Option<String> {
    let s: String = if suffix {
        let mut v: Vec<char> = input.chars().rev().take_while(|c| keep(*c)).collect();
        v.reverse();
        v.into_iter().collect()
    } else {
        input.chars().take_while(|c| keep(*c)).collect()
    };
    (!s.is_empty()).then_some(s)
}

fn applies(t: UserTypeCondition, user: &EntraUser) -> bool {
    match t {
        UserTypeCondition::Members => !user.is_guest(),
        UserTypeCondition::Guests => user.is_guest(),
        _ => true,
    }
}

fn describe_config(c: &ClaimConfiguration) -> String {
    let mut s = match &c.attribute {
        Some(a) => a.source.describe(),
        None => String::new(),
    };
    for st in &c.steps {
        if !s.is_empty() {
            s.push_str(" → ");
        }
        if let (Some(i), true) = (&st.input, s.is_empty()) {
            s.push_str(&i.source.describe());
            s.push_str(" → ");
        }
        s.push_str(&st.transformation.name());
        s.push_str("()");
    }
    s
}

/// The value of an attribute for a user; `Err` for sources the exports cannot show.
fn value_of(a: &Attr, user: &EntraUser) -> Result<Option<String>, String> {
    match &a.source {
        Source::Constant(v) => Ok(Some(v.clone()).filter(|v| !v.is_empty())),
        Source::User(id) => {
            Ok(match id.as_str() {
                "pairwiseid" => return Err(
                    "the NameID source pairwiseid is a per-app persistent id, not a user property"
                        .to_string(),
                ),
                _ => user.attr(id).map(str::to_string),
            })
        }
        Source::Extension(id) => Ok(user.attr(id).map(str::to_string)),
        Source::Other { source, id } => Err(format!(
            "the source {source}.{id} is not in the user exports"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        translate_regex(p).unwrap()
    }

    #[test]
    fn translates_named_groups() {
        assert_eq!(
            t("(?'domain'^.*?)(?i)(\\@fabrikam\\.com)$"),
            "(?P<domain>^.*?)(?i)(\\@fabrikam\\.com)$"
        );
        assert_eq!(t("(?<x>a)"), "(?P<x>a)");
        assert_eq!(t("[(?']x"), "[(?']x");
    }

    #[test]
    fn refuses_what_rust_cannot_do() {
        for p in [
            "a(?=b)",
            "a(?!b)",
            "(?<=a)b",
            "(?<!a)b",
            "(a)\\1",
            "(?<n>a)\\k<n>",
            "(?>a)",
            "[a-z-[aeiou]]",
            "(?<a-b>x)",
        ] {
            assert!(
                matches!(translate_regex(p), Err(RegexProblem::Unsupported(_))),
                "{p}"
            );
        }
    }

    #[test]
    fn no_panic_on_any_short_pattern() {
        let alphabet: Vec<char> = "(?'<>)\\[]-{}a1=!^".chars().collect();
        let mut pats = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &pats {
                for c in &alphabet {
                    next.push(format!("{p}{c}"));
                }
            }
            for p in &next {
                let _ = translate_regex(p);
                let _ = placeholders(p);
            }
            pats = next;
        }
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(
            placeholders("{country}.{domain}@xyz.com"),
            vec!["country", "domain"]
        );
    }
}

/// Every transformation against the examples in Microsoft's documentation ("Customize SAML
/// token claims" and "Claims mapping policy type").
#[cfg(test)]
mod doc_examples {
    use super::*;
    use crate::exports::claims::{Claim, ClaimConfiguration};

    fn user(pairs: &[(&str, &str)]) -> EntraUser {
        let mut u = EntraUser::default();
        for (k, v) in pairs {
            u.attrs.insert(k.to_string(), v.to_string());
        }
        u
    }

    fn step(t: Transformation, input: Option<Attr>) -> Step {
        Step {
            transformation: t,
            input,
            path: "$".into(),
        }
    }

    fn claim(attribute: Option<&str>, steps: Vec<Step>) -> Claim {
        Claim {
            name: "c".into(),
            configurations: vec![ClaimConfiguration {
                user_type: UserTypeCondition::Any,
                groups: vec![],
                attribute: attribute.map(Attr::user),
                steps,
                path: "$".into(),
            }],
            path: "$".into(),
        }
    }

    fn run(c: &Claim, u: &EntraUser, nameid: bool) -> Option<String> {
        match Engine::default().eval(c, u, nameid) {
            Eval::Value(v, _) => Some(v),
            Eval::Empty(_) => None,
            Eval::Unknown(w) => panic!("unknown: {w}"),
        }
    }

    fn constant(v: &str) -> Attr {
        Attr {
            source: Source::Constant(v.into()),
            multi: false,
        }
    }

    #[test]
    fn extract_mail_prefix() {
        let c = claim(
            Some("mail"),
            vec![step(Transformation::ExtractMailPrefix, None)],
        );
        assert_eq!(
            run(&c, &user(&[("mail", "joe_smith@contoso.com")]), false).as_deref(),
            Some("joe_smith")
        );
        assert_eq!(
            run(&c, &user(&[("mail", "foo@bar.com")]), false).as_deref(),
            Some("foo")
        );
        assert_eq!(
            run(&c, &user(&[("mail", "no-at-sign")]), false).as_deref(),
            Some("no-at-sign")
        );
    }

    #[test]
    fn join_on_nameid_drops_the_domain() {
        let t = Transformation::Join {
            input2: Some(constant("fabrikam.com")),
            separator: "@".into(),
        };
        let c = claim(Some("userprincipalname"), vec![step(t, None)]);
        let u = user(&[("userprincipalname", "joe_smith@contoso.com")]);
        assert_eq!(run(&c, &u, true).as_deref(), Some("joe_smith@fabrikam.com"));
    }

    #[test]
    fn join_elsewhere_keeps_the_input() {
        let t = Transformation::Join {
            input2: Some(constant("sandbox")),
            separator: ".".into(),
        };
        let c = claim(Some("mail"), vec![step(t, None)]);
        assert_eq!(
            run(&c, &user(&[("mail", "foo@bar.com")]), false).as_deref(),
            Some("foo@bar.com.sandbox")
        );
    }

    #[test]
    fn case_conversions_and_a_chain_of_two() {
        let u = user(&[("mail", "Joe.Smith@Contoso.com")]);
        let lower = claim(Some("mail"), vec![step(Transformation::ToLowercase, None)]);
        assert_eq!(
            run(&lower, &u, false).as_deref(),
            Some("joe.smith@contoso.com")
        );
        // "first extract the email prefix of the user.mail. Then, make the string upper case."
        let chain = claim(
            Some("mail"),
            vec![
                step(Transformation::ExtractMailPrefix, None),
                step(Transformation::ToUppercase, None),
            ],
        );
        assert_eq!(run(&chain, &u, false).as_deref(), Some("JOE.SMITH"));
    }

    #[test]
    fn contains_with_fallback_to_upn() {
        // Parameter 1 user.email, value "@contoso.com", output user.email, else the UPN.
        let t = Transformation::Contains {
            value: "@contoso.com".into(),
            output: Some(Attr::user("mail")),
        };
        let c = claim(
            Some("userprincipalname"),
            vec![step(t, Some(Attr::user("mail")))],
        );
        let yes = user(&[
            ("mail", "joe@contoso.com"),
            ("userprincipalname", "joe@contoso.onmicrosoft.com"),
        ]);
        let no = user(&[
            ("mail", "joe@fabrikam.com"),
            ("userprincipalname", "joe@contoso.onmicrosoft.com"),
        ]);
        assert_eq!(run(&c, &yes, false).as_deref(), Some("joe@contoso.com"));
        assert_eq!(
            run(&c, &no, false).as_deref(),
            Some("joe@contoso.onmicrosoft.com")
        );
    }

    #[test]
    fn ends_with_and_starts_with() {
        // EndWith: employee ID if it ends with 000, else extension attribute 1.
        let t = Transformation::EndsWith {
            value: "000".into(),
            output: Some(Attr::user("employeeid")),
        };
        let c = claim(
            Some("extensionattribute1"),
            vec![step(t, Some(Attr::user("employeeid")))],
        );
        assert_eq!(
            run(
                &c,
                &user(&[("employeeid", "123000"), ("extensionattribute1", "x1")]),
                false
            )
            .as_deref(),
            Some("123000")
        );
        assert_eq!(
            run(
                &c,
                &user(&[("employeeid", "123001"), ("extensionattribute1", "x1")]),
                false
            )
            .as_deref(),
            Some("x1")
        );
        // StartWith: employee ID if the country starts with US, else extension attribute 1.
        let t = Transformation::StartsWith {
            value: "US".into(),
            output: Some(Attr::user("employeeid")),
        };
        let c = claim(
            Some("extensionattribute1"),
            vec![step(t, Some(Attr::user("country")))],
        );
        let us = user(&[
            ("country", "US"),
            ("employeeid", "42"),
            ("extensionattribute1", "x1"),
        ]);
        let de = user(&[
            ("country", "DE"),
            ("employeeid", "42"),
            ("extensionattribute1", "x1"),
        ]);
        assert_eq!(run(&c, &us, false).as_deref(), Some("42"));
        assert_eq!(run(&c, &de, false).as_deref(), Some("x1"));
    }

    #[test]
    fn if_empty_and_if_not_empty() {
        // IfEmpty: extension attribute 1 when the employee ID is empty, else the employee ID.
        let t = Transformation::IfEmpty {
            output: Some(Attr::user("extensionattribute1")),
        };
        let c = claim(
            Some("employeeid"),
            vec![step(t, Some(Attr::user("employeeid")))],
        );
        assert_eq!(
            run(&c, &user(&[("extensionattribute1", "x1")]), false).as_deref(),
            Some("x1")
        );
        assert_eq!(
            run(
                &c,
                &user(&[("employeeid", "42"), ("extensionattribute1", "x1")]),
                false
            )
            .as_deref(),
            Some("42")
        );
        // IfNotEmpty: extension attribute 1 when the employee ID is not empty.
        let t = Transformation::IfNotEmpty {
            output: Some(Attr::user("extensionattribute1")),
        };
        let c = claim(None, vec![step(t, Some(Attr::user("employeeid")))]);
        assert_eq!(
            run(
                &c,
                &user(&[("employeeid", "42"), ("extensionattribute1", "x1")]),
                false
            )
            .as_deref(),
            Some("x1")
        );
        assert_eq!(
            run(&c, &user(&[("extensionattribute1", "x1")]), false),
            None
        );
    }

    #[test]
    fn regex_replace_doc_example() {
        let t = Transformation::RegexReplace {
            pattern: r"(?'domain'^.*?)(?i)(\@fabrikam\.com)$".into(),
            replacement: "{country}.{domain}@xyz.com".into(),
            additional: vec![Attr::user("country")],
        };
        let c = claim(Some("mail"), vec![step(t, None)]);
        let u = user(&[("mail", "swmal@fabrikam.com"), ("country", "US")]);
        assert_eq!(run(&c, &u, false).as_deref(), Some("US.swmal@xyz.com"));
        // The (?i) makes the domain match case-insensitively.
        let u = user(&[("mail", "swmal@FABRIKAM.COM"), ("country", "US")]);
        assert_eq!(run(&c, &u, false).as_deref(), Some("US.swmal@xyz.com"));
        // No match: the transformation is skipped and the attribute value stays.
        let u = user(&[("mail", "swmal@contoso.com"), ("country", "US")]);
        assert_eq!(run(&c, &u, false).as_deref(), Some("swmal@contoso.com"));
    }

    #[test]
    fn regex_whole_match_only() {
        let re = |p: &str| Transformation::RegexReplace {
            pattern: p.into(),
            replacement: "{x}@y.com".into(),
            additional: vec![],
        };
        let u = user(&[("mail", "abc")]);
        let mut e = Engine::default();
        // Anchored: one match covering the input.
        let c = claim(Some("mail"), vec![step(re("^(?'x'.*)$"), None)]);
        assert_eq!(
            e.eval(&c, &u, false),
            Eval::Value("abc@y.com".into(), "user.mail → RegexReplace()".into())
        );
        // `.*` also matches the empty string at the end: .NET's Replace would emit the
        // replacement twice; not guessed.
        let c = claim(Some("mail"), vec![step(re("(?'x'.*)"), None)]);
        assert!(matches!(e.eval(&c, &u, false), Eval::Unknown(w) if w.contains("empty string")));
    }

    #[test]
    fn regex_problems_are_reported_not_guessed() {
        let mut e = Engine::default();
        assert!(matches!(
            e.check_regex("(?<=a)b", "x", &[]),
            Err(RegexProblem::Unsupported(_))
        ));
        assert!(matches!(
            e.check_regex("(?'d'a)", "{nope}", &[]),
            Err(RegexProblem::Invalid(_))
        ));
        assert!(matches!(
            e.check_regex("(?n)(a)", "x", &[]),
            Err(RegexProblem::Unsupported(_))
        ));
        assert!(e
            .check_regex("(?'d'a)(b)", "{d}{1}{country}", &[Attr::user("country")])
            .is_ok());
        let t = Transformation::RegexReplace {
            pattern: "(?<=a)b".into(),
            replacement: "x".into(),
            additional: vec![],
        };
        let c = claim(Some("mail"), vec![step(t, None)]);
        assert!(matches!(
            e.eval(&c, &user(&[("mail", "ab")]), false),
            Eval::Unknown(_)
        ));
    }

    #[test]
    fn extract_family_and_substring() {
        let one = |t: Transformation, v: &str| {
            run(
                &claim(Some("x"), vec![step(t, None)]),
                &user(&[("x", v)]),
                false,
            )
        };
        assert_eq!(
            one(
                Transformation::ExtractAfter("Finance_".into()),
                "Finance_BSimon"
            )
            .as_deref(),
            Some("BSimon")
        );
        assert_eq!(
            one(Transformation::ExtractBefore("_US".into()), "BSimon_US").as_deref(),
            Some("BSimon")
        );
        assert_eq!(
            one(
                Transformation::ExtractBetween("Finance_".into(), "_US".into()),
                "Finance_BSimon_US"
            )
            .as_deref(),
            Some("BSimon")
        );
        assert_eq!(
            one(Transformation::ExtractAlpha { suffix: false }, "BSimon_123").as_deref(),
            Some("BSimon")
        );
        assert_eq!(
            one(Transformation::ExtractAlpha { suffix: true }, "123_Simon").as_deref(),
            Some("Simon")
        );
        assert_eq!(
            one(
                Transformation::ExtractNumeric { suffix: false },
                "123_BSimon"
            )
            .as_deref(),
            Some("123")
        );
        assert_eq!(
            one(
                Transformation::ExtractNumeric { suffix: true },
                "BSimon_123"
            )
            .as_deref(),
            Some("123")
        );
        assert_eq!(
            one(
                Transformation::Substring {
                    start: 6,
                    length: Some(11)
                },
                "PleaseExtractThisNow"
            )
            .as_deref(),
            Some("ExtractThis")
        );
        assert_eq!(
            one(
                Transformation::Substring {
                    start: 6,
                    length: None
                },
                "PleaseExtractThisNow"
            )
            .as_deref(),
            Some("ExtractThisNow")
        );
    }

    #[test]
    fn conditions_last_match_wins_and_empty_is_skipped() {
        // Attribute configurations first, then transformations; the last match wins and an
        // empty source is ignored (Britta Simon example).
        let mut c = claim(Some("extensionattribute1"), vec![]);
        c.configurations[0].user_type = UserTypeCondition::Guests;
        c.configurations.push(ClaimConfiguration {
            user_type: UserTypeCondition::Guests,
            groups: vec![],
            attribute: Some(Attr::user("othermail")),
            steps: vec![],
            path: "$".into(),
        });
        let mut britta = user(&[
            ("extensionattribute1", "x1"),
            ("othermail", "britta@fabrikam.com"),
        ]);
        britta.user_type = Some("Guest".into());
        assert_eq!(
            run(&c, &britta, false).as_deref(),
            Some("britta@fabrikam.com")
        );
        britta.attrs.remove("othermail");
        assert_eq!(run(&c, &britta, false).as_deref(), Some("x1"));
        let member = user(&[("extensionattribute1", "x1")]);
        assert_eq!(run(&c, &member, false), None);
    }
}
