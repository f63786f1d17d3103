//! The Entra claims configuration: Graph `customClaimsPolicy`, legacy
//! `claimsMappingPolicy`, or the gallery default, read into one model.

use super::json::{Node, J};
use crate::error::Error;
use serde_json::Value;

/// The SAML claim type of NameID in a claims mapping policy.
pub(crate) const NAMEID_CLAIM: &str =
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
/// The namespace of AWS IAM SAML attributes.
pub(crate) const AWS_NS: &str = "https://aws.amazon.com/SAML/Attributes";

/// Where a claim value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A user property, by its lower-case claims id (`userprincipalname`, `mail`,
    /// `extensionattribute1`, `objectid`, ...).
    User(String),
    /// A directory extension (`extension_<appid>_<name>`).
    Extension(String),
    /// A constant.
    Constant(String),
    /// Another source (`application`, `company`, ...) with its id; not evaluated.
    Other {
        /// The source name.
        source: String,
        /// The property id.
        id: String,
    },
}

impl Source {
    /// How the portal writes it: `user.mail`, `"constant"`.
    pub fn describe(&self) -> String {
        match self {
            Source::User(id) => format!("user.{id}"),
            Source::Extension(id) => format!("user.{id}"),
            Source::Constant(v) => format!("constant {v:?}"),
            Source::Other { source, id } => format!("{source}.{id}"),
        }
    }
}

/// A claim input: a source, and whether every value of a multi-valued source is used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attr {
    /// Where the value comes from.
    pub source: Source,
    /// `treatAsMultiValue`.
    pub multi: bool,
}

impl Attr {
    pub(crate) fn user(id: &str) -> Attr {
        Attr {
            source: Source::User(id.to_string()),
            multi: false,
        }
    }
}

/// One transformation step, as Entra offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transformation {
    /// `ToLowercase()`.
    ToLowercase,
    /// `ToUppercase()`.
    ToUppercase,
    /// `ExtractMailPrefix()`: the part before `@`, or the input unchanged.
    ExtractMailPrefix,
    /// `Join()`: input, separator, second input. On NameID the input's domain is dropped first.
    Join {
        /// The second value.
        input2: Option<Attr>,
        /// The separator.
        separator: String,
    },
    /// `RegexReplace()` with a .NET pattern and a `{group}` replacement.
    RegexReplace {
        /// The pattern, in .NET syntax.
        pattern: String,
        /// The replacement, with `{name}` placeholders.
        replacement: String,
        /// Additional inputs usable as `{id}` in the replacement.
        additional: Vec<Attr>,
    },
    /// `Contains()`: `output` (or the input) when the input contains `value`.
    Contains {
        /// The value looked for.
        value: String,
        /// What is emitted on a match (the input when absent).
        output: Option<Attr>,
    },
    /// `StartWith()`.
    StartsWith {
        /// The prefix.
        value: String,
        /// What is emitted on a match.
        output: Option<Attr>,
    },
    /// `EndWith()`.
    EndsWith {
        /// The suffix.
        value: String,
        /// What is emitted on a match.
        output: Option<Attr>,
    },
    /// `IfEmpty()`: `output` when the input is null or empty.
    IfEmpty {
        /// What is emitted when the input is empty.
        output: Option<Attr>,
    },
    /// `IfNotEmpty()`: `output` when the input is not empty.
    IfNotEmpty {
        /// What is emitted when the input is not empty.
        output: Option<Attr>,
    },
    /// `Extract()` after matching.
    ExtractAfter(String),
    /// `Extract()` before matching.
    ExtractBefore(String),
    /// `Extract()` between matching.
    ExtractBetween(String, String),
    /// `ExtractAlpha()` prefix (false) or suffix (true).
    ExtractAlpha {
        /// Suffix rather than prefix.
        suffix: bool,
    },
    /// `ExtractNumeric()` prefix (false) or suffix (true).
    ExtractNumeric {
        /// Suffix rather than prefix.
        suffix: bool,
    },
    /// `Substring()`: zero-based start, optional length.
    Substring {
        /// Start index in characters.
        start: usize,
        /// Length in characters; to the end when absent.
        length: Option<usize>,
    },
    /// A transformation this checker does not know, by its name.
    Unknown(String),
}

impl Transformation {
    /// The portal name: `ToLowercase`, `Join`, ...
    pub fn name(&self) -> String {
        match self {
            Transformation::ToLowercase => "ToLowercase".into(),
            Transformation::ToUppercase => "ToUppercase".into(),
            Transformation::ExtractMailPrefix => "ExtractMailPrefix".into(),
            Transformation::Join { .. } => "Join".into(),
            Transformation::RegexReplace { .. } => "RegexReplace".into(),
            Transformation::Contains { .. } => "Contains".into(),
            Transformation::StartsWith { .. } => "StartWith".into(),
            Transformation::EndsWith { .. } => "EndWith".into(),
            Transformation::IfEmpty { .. } => "IfEmpty".into(),
            Transformation::IfNotEmpty { .. } => "IfNotEmpty".into(),
            Transformation::ExtractAfter(_)
            | Transformation::ExtractBefore(_)
            | Transformation::ExtractBetween(..) => "Extract".into(),
            Transformation::ExtractAlpha { .. } => "ExtractAlpha".into(),
            Transformation::ExtractNumeric { .. } => "ExtractNumeric".into(),
            Transformation::Substring { .. } => "Substring".into(),
            Transformation::Unknown(n) => n.clone(),
        }
    }
}

/// A transformation with its explicit input (the first step's input; later steps take the
/// previous output) and its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The transformation.
    pub transformation: Transformation,
    /// Its explicit input, if any.
    pub input: Option<Attr>,
    /// Where it is in the file.
    pub path: String,
}

/// The user type a claim condition applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UserTypeCondition {
    /// Any user.
    #[default]
    Any,
    /// Members of the tenant.
    Members,
    /// Guests (all, Entra or external; the exports cannot tell the last two apart).
    Guests,
}

/// One configuration of a claim: a condition, an attribute and transformations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimConfiguration {
    /// The user type it applies to.
    pub user_type: UserTypeCondition,
    /// The groups it is limited to (object ids); not evaluable from the exports.
    pub groups: Vec<String>,
    /// The source attribute.
    pub attribute: Option<Attr>,
    /// The ordered transformations.
    pub steps: Vec<Step>,
    /// Where it is in the file.
    pub path: String,
}

/// A claim and its configurations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim {
    /// The full claim name (namespace and name joined by `/`, or the SAML claim type).
    pub name: String,
    /// The configurations, in file order.
    pub configurations: Vec<ClaimConfiguration>,
    /// Where it is in the file.
    pub path: String,
}

/// Where the claims configuration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimsOrigin {
    /// No file: the Entra gallery default was assumed.
    AssumedDefault,
    /// A Graph `customClaimsPolicy`.
    CustomClaimsPolicy,
    /// A legacy `claimsMappingPolicy` definition.
    ClaimsMappingPolicy,
}

/// The NameID format Entra is configured to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameIdFormat {
    /// "Default": the source's default format.
    Default,
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`.
    EmailAddress,
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent`.
    Persistent,
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified`.
    Unspecified,
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName`.
    WindowsDomainQualifiedName,
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:transient`.
    Transient,
    /// Something else, as written.
    Other(String),
}

impl NameIdFormat {
    /// From a Graph enum value or a URN.
    pub fn parse(s: &str) -> NameIdFormat {
        let last = s.rsplit(':').next().unwrap_or(s).to_ascii_lowercase();
        match last.as_str() {
            "default" => NameIdFormat::Default,
            "emailaddress" => NameIdFormat::EmailAddress,
            "persistent" => NameIdFormat::Persistent,
            "unspecified" => NameIdFormat::Unspecified,
            "windowsdomainqualifiedname" => NameIdFormat::WindowsDomainQualifiedName,
            "transient" => NameIdFormat::Transient,
            _ => NameIdFormat::Other(s.to_string()),
        }
    }

    /// The URN Entra emits (or "default").
    pub fn urn(&self) -> String {
        match self {
            NameIdFormat::Default => "default".into(),
            NameIdFormat::EmailAddress => {
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()
            }
            NameIdFormat::Persistent => {
                "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into()
            }
            NameIdFormat::Unspecified => {
                "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified".into()
            }
            NameIdFormat::WindowsDomainQualifiedName => {
                "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName".into()
            }
            NameIdFormat::Transient => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient".into(),
            NameIdFormat::Other(s) => s.clone(),
        }
    }
}

/// The claims configuration of the Entra app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimsConfig {
    /// The file it was read from (empty for the assumed default).
    pub file: String,
    /// Where it came from.
    pub origin: ClaimsOrigin,
    /// The NameID format and its JSON path.
    pub name_id_format: NameIdFormat,
    /// Where the format is set, if anywhere.
    pub name_id_format_path: Option<String>,
    /// The NameID claim.
    pub name_id: Claim,
    /// Every other claim.
    pub claims: Vec<Claim>,
    /// `audienceOverride` (customClaimsPolicy; `audienceOverride` in a claims mapping
    /// policy): the Audience Entra writes instead of the app's Identifier, with its path.
    pub audience_override: Option<super::Sourced>,
    /// Where `includeApplicationIdInIssuer` (customClaimsPolicy) or `issuerWithApplicationId`
    /// (claims mapping policy) is true: Entra then adds the application ID to the Issuer.
    pub application_id_in_issuer: Option<String>,
}

impl ClaimsConfig {
    /// What Entra's AWS IAM Identity Center gallery app sends when nobody changed it:
    /// NameID = `user.userprincipalname`, format emailAddress.
    pub fn assumed_default() -> ClaimsConfig {
        ClaimsConfig {
            file: String::new(),
            origin: ClaimsOrigin::AssumedDefault,
            name_id_format: NameIdFormat::EmailAddress,
            name_id_format_path: None,
            name_id: simple_claim(NAMEID_CLAIM, "userprincipalname"),
            claims: Vec::new(),
            audience_override: None,
            application_id_in_issuer: None,
        }
    }

    /// The AWS Single-Account Access gallery app's default: NameID = UPN; Role from
    /// `user.assignedroles`, RoleSessionName from `user.userprincipalname`, SessionDuration
    /// from `user.sessionduration`.
    pub fn assumed_iam_default() -> ClaimsConfig {
        let mut c = ClaimsConfig::assumed_default();
        c.claims = vec![
            simple_claim(&format!("{AWS_NS}/Role"), "assignedroles"),
            simple_claim(&format!("{AWS_NS}/RoleSessionName"), "userprincipalname"),
            simple_claim(&format!("{AWS_NS}/SessionDuration"), "sessionduration"),
        ];
        c
    }

    /// The claim with exactly this full name. AWS compares attribute names exactly
    /// (case-sensitive), so a claim that differs only in case is not returned.
    pub fn claim(&self, name: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.name == name)
    }

    /// Reads a claims export from JSON text; `file` names it in messages.
    pub fn from_json(text: &str, file: &str) -> Result<ClaimsConfig, Error> {
        let v = super::json::parse(text.as_bytes(), file)?;
        ClaimsConfig::from_value(&v, file)
    }

    pub(crate) fn from_value(v: &Value, file: &str) -> Result<ClaimsConfig, Error> {
        let root = Node::root(v, file);
        let r = root.j();
        // A Graph collection ({"value": [policy]}) holding one policy.
        if let Some(list) = r.get("value").filter(|n| n.v.is_array()) {
            let items = list.j().items()?;
            return match items.as_slice() {
                [one] => from_policy(one.j(), file),
                [] => Err(list.j().err("no claims policy in the collection")),
                _ => Err(list
                    .j()
                    .err("several claims policies; export the one assigned to the app")),
            };
        }
        from_policy(r, file)
    }
}

fn simple_claim(name: &str, user_attr: &str) -> Claim {
    Claim {
        name: name.to_string(),
        configurations: vec![ClaimConfiguration {
            user_type: UserTypeCondition::Any,
            groups: Vec::new(),
            attribute: Some(Attr::user(user_attr)),
            steps: Vec::new(),
            path: String::new(),
        }],
        path: String::new(),
    }
}

fn from_policy(r: J<'_, '_>, file: &str) -> Result<ClaimsConfig, Error> {
    if let Some(def) = r.get("definition") {
        let items = def.j().items()?;
        let first = items
            .first()
            .ok_or_else(|| def.j().err("empty definition array"))?;
        let text = first.j().as_str()?;
        let inner: Value = serde_json::from_str(text).map_err(|e| {
            first.j().err(&format!(
                "the definition is not valid JSON: {}",
                crate::error::lower_first(&e.to_string())
            ))
        })?;
        let base = format!("{}→$", first.path);
        let node = Node::with_path(&inner, file, base);
        return legacy(node.j(), file);
    }
    if r.get("ClaimsMappingPolicy").is_some() {
        return legacy(r, file);
    }
    if r.get("claims").is_some()
        || r.get("includeBasicClaimSet").is_some()
        || r.get("audienceOverride").is_some()
        || r.get("includeApplicationIdInIssuer").is_some()
    {
        return custom(r, file);
    }
    Err(r.err(
        "neither a customClaimsPolicy (claims) nor a claimsMappingPolicy (definition or ClaimsMappingPolicy)",
    ))
}

// ---- Graph customClaimsPolicy ----

fn custom(r: J<'_, '_>, file: &str) -> Result<ClaimsConfig, Error> {
    let mut cfg = ClaimsConfig {
        file: file.to_string(),
        origin: ClaimsOrigin::CustomClaimsPolicy,
        ..ClaimsConfig::assumed_default()
    };
    let mut saw_nameid = false;
    for c in r.arr("claims")? {
        let j = c.j();
        let t = j
            .str("@odata.type")?
            .unwrap_or_default()
            .to_ascii_lowercase();
        let configurations = j
            .arr("configurations")?
            .iter()
            .map(|n| configuration(n))
            .collect::<Result<Vec<_>, _>>()?;
        if t.ends_with("samlnameidclaim") {
            saw_nameid = true;
            if let Some(f) = j.get("nameIdFormat") {
                cfg.name_id_format = NameIdFormat::parse(f.j().as_str()?);
                cfg.name_id_format_path = Some(f.path.clone());
            } else {
                cfg.name_id_format = NameIdFormat::Default;
            }
            // No configuration leaves the source at Entra's default, the UPN.
            if !configurations.is_empty() {
                cfg.name_id = Claim {
                    name: NAMEID_CLAIM.to_string(),
                    configurations,
                    path: c.path.clone(),
                };
            } else {
                cfg.name_id.path = c.path.clone();
            }
        } else {
            let name = j
                .str("name")?
                .ok_or_else(|| j.err("claim without a name"))?;
            let full = match j.str("namespace")?.filter(|s| !s.is_empty()) {
                Some(ns) => format!("{}/{name}", ns.trim_end_matches('/')),
                None => name,
            };
            cfg.claims.push(Claim {
                name: full,
                configurations,
                path: c.path.clone(),
            });
        }
    }
    if !saw_nameid {
        // The policy leaves NameID at Entra's default: the UPN.
        cfg.name_id_format = NameIdFormat::Default;
    }
    read_token_settings(r, &mut cfg, "includeApplicationIdInIssuer")?;
    Ok(cfg)
}

/// Reads `audienceOverride` and the issuer setting (`key`) of a policy object. Empty
/// strings count as not set.
fn read_token_settings(p: J<'_, '_>, cfg: &mut ClaimsConfig, key: &str) -> Result<(), Error> {
    if let Some(a) = p.get("audienceOverride") {
        let v = a.j().as_str()?.trim().to_string();
        if !v.is_empty() {
            cfg.audience_override = Some(super::Sourced {
                value: v,
                path: a.path.clone(),
            });
        }
    }
    if p.bool(key)? == Some(true) {
        cfg.application_id_in_issuer = p.get(key).map(|n| n.path);
    }
    Ok(())
}

fn configuration(n: &Node<'_>) -> Result<ClaimConfiguration, Error> {
    let j = n.j();
    let mut user_type = UserTypeCondition::Any;
    let mut groups = Vec::new();
    if let Some(cond) = j.get("condition") {
        let cj = cond.j();
        if let Some(ut) = cond_user_type(cj)? {
            user_type = ut;
        }
        groups = cj.strs("memberOf")?.into_iter().map(|(g, _)| g).collect();
    }
    let attribute = match j.get("attribute") {
        None => None,
        Some(a) => Some(attr(a.j(), false)?),
    };
    let mut steps = Vec::new();
    for t in j.arr("transformations")? {
        steps.push(graph_step(&t)?);
    }
    Ok(ClaimConfiguration {
        user_type,
        groups,
        attribute,
        steps,
        path: n.path.clone(),
    })
}

fn cond_user_type(cj: J<'_, '_>) -> Result<Option<UserTypeCondition>, Error> {
    Ok(cj
        .str("userType")?
        .map(|u| match u.to_ascii_lowercase().as_str() {
            "members" | "member" => UserTypeCondition::Members,
            "allguests" | "aadguests" | "externalguests" | "guests" | "guest" => {
                UserTypeCondition::Guests
            }
            _ => UserTypeCondition::Any,
        }))
}

/// A customClaimAttributeBase (sourcedAttribute or valueBasedAttribute), or a
/// transformationAttribute wrapping one.
fn attr(j: J<'_, '_>, multi: bool) -> Result<Attr, Error> {
    if let Some(inner) = j.get("attribute") {
        let m = j.bool("treatAsMultiValue")?.unwrap_or(false);
        return attr(inner.j(), m);
    }
    let t = j
        .str("@odata.type")?
        .unwrap_or_default()
        .to_ascii_lowercase();
    if t.ends_with("valuebasedattribute") || (j.get("value").is_some() && j.get("id").is_none()) {
        let v = j.scalar("value")?.unwrap_or_default();
        return Ok(Attr {
            source: Source::Constant(v),
            multi,
        });
    }
    let id = j
        .str("id")?
        .ok_or_else(|| j.err("attribute without an id or a value"))?;
    let source = j.str("source")?.unwrap_or_else(|| "user".to_string());
    let ext = j.bool("isExtensionAttribute")?.unwrap_or(false) || id.starts_with("extension_");
    let s = if !source.eq_ignore_ascii_case("user") {
        Source::Other {
            source: source.to_ascii_lowercase(),
            id,
        }
    } else if ext {
        Source::Extension(id.to_ascii_lowercase())
    } else {
        Source::User(id.to_ascii_lowercase())
    };
    Ok(Attr { source: s, multi })
}

fn opt_attr(j: J<'_, '_>, key: &str) -> Result<Option<Attr>, Error> {
    match j.get(key) {
        None => Ok(None),
        Some(n) => attr(n.j(), false).map(Some),
    }
}

fn graph_step(n: &Node<'_>) -> Result<Step, Error> {
    let j = n.j();
    let t = j
        .str("@odata.type")?
        .ok_or_else(|| j.err("transformation without @odata.type"))?;
    let short = t.rsplit('.').next().unwrap_or(&t).to_ascii_lowercase();
    let value = || -> Result<String, Error> { Ok(j.str("value")?.unwrap_or_default()) };
    let transformation = match short.as_str() {
        "tolowercasetransformation" => Transformation::ToLowercase,
        "touppercasetransformation" => Transformation::ToUppercase,
        "extractmailprefixtransformation" => Transformation::ExtractMailPrefix,
        "jointransformation" => Transformation::Join {
            input2: opt_attr(j, "input2")?,
            separator: j.str("separator")?.unwrap_or_default(),
        },
        "regexreplacetransformation" => Transformation::RegexReplace {
            pattern: j.str("regex")?.unwrap_or_default(),
            replacement: j.str("replacement")?.unwrap_or_default(),
            additional: j
                .arr("additionalAttributes")?
                .iter()
                .map(|a| attr(a.j(), false))
                .collect::<Result<_, _>>()?,
        },
        "containstransformation" => Transformation::Contains {
            value: value()?,
            output: opt_attr(j, "output")?,
        },
        "startswithtransformation" => Transformation::StartsWith {
            value: value()?,
            output: opt_attr(j, "output")?,
        },
        "endswithtransformation" => Transformation::EndsWith {
            value: value()?,
            output: opt_attr(j, "output")?,
        },
        "ifemptytransformation" => Transformation::IfEmpty {
            output: opt_attr(j, "output")?,
        },
        "ifnotemptytransformation" => Transformation::IfNotEmpty {
            output: opt_attr(j, "output")?,
        },
        "extractnumbertransformation" => Transformation::ExtractNumeric {
            suffix: j
                .str("type")?
                .is_some_and(|t| t.eq_ignore_ascii_case("suffix")),
        },
        "substringtransformation" => {
            let start = j.int("index")?.unwrap_or(0);
            let length = j.int("length")?;
            Transformation::Substring {
                start: usize::try_from(start).map_err(|_| j.err("negative substring index"))?,
                length: match length {
                    None => None,
                    Some(l) => {
                        Some(usize::try_from(l).map_err(|_| j.err("negative substring length"))?)
                    }
                },
            }
        }
        _ => Transformation::Unknown(t.trim_start_matches('#').to_string()),
    };
    Ok(Step {
        transformation,
        input: opt_attr(j, "input")?,
        path: n.path.clone(),
    })
}

// ---- legacy claimsMappingPolicy ----

fn legacy(r: J<'_, '_>, file: &str) -> Result<ClaimsConfig, Error> {
    let pol_node = r
        .get("ClaimsMappingPolicy")
        .ok_or_else(|| r.err("no ClaimsMappingPolicy object"))?;
    let p = pol_node.j();
    let schema = p.arr("ClaimsSchema")?;
    let transforms = {
        let mut t = p.arr("ClaimsTransformations")?;
        t.extend(p.arr("ClaimsTransformation")?);
        t
    };
    let mut cfg = ClaimsConfig {
        file: file.to_string(),
        origin: ClaimsOrigin::ClaimsMappingPolicy,
        ..ClaimsConfig::assumed_default()
    };
    let mut saw_nameid = false;
    for e in &schema {
        let j = e.j();
        let Some(claim_type) = j.str("SamlClaimType")? else {
            continue; // an input-only entry, or a JWT claim
        };
        let (attribute, steps) = legacy_source(j, &schema, &transforms)?;
        let conf = ClaimConfiguration {
            user_type: UserTypeCondition::Any,
            groups: Vec::new(),
            attribute,
            steps,
            path: e.path.clone(),
        };
        let claim = Claim {
            name: claim_type.clone(),
            configurations: vec![conf],
            path: e.path.clone(),
        };
        if claim_type.eq_ignore_ascii_case(NAMEID_CLAIM) {
            saw_nameid = true;
            cfg.name_id = claim;
            match j.get_any(&["SamlNameIdFormat", "SAMLNameIdFormat", "SamlNameIDFormat"]) {
                Some(f) => {
                    cfg.name_id_format = NameIdFormat::parse(f.j().as_str()?);
                    cfg.name_id_format_path = Some(f.path.clone());
                }
                None => cfg.name_id_format = NameIdFormat::Default,
            }
        } else {
            cfg.claims.push(claim);
        }
    }
    if !saw_nameid {
        // No NameID entry: Entra keeps its default NameID (the UPN) in the default format.
        cfg.name_id_format = NameIdFormat::Default;
    }
    read_token_settings(p, &mut cfg, "issuerWithApplicationId")?;
    Ok(cfg)
}

/// The attribute or transformation chain of one ClaimsSchema entry.
fn legacy_source(
    j: J<'_, '_>,
    schema: &[Node<'_>],
    transforms: &[Node<'_>],
) -> Result<(Option<Attr>, Vec<Step>), Error> {
    if let Some(v) = j.scalar("Value")? {
        return Ok((
            Some(Attr {
                source: Source::Constant(v),
                multi: false,
            }),
            Vec::new(),
        ));
    }
    let source = j.str("Source")?.unwrap_or_default();
    if source.eq_ignore_ascii_case("transformation") {
        let tid = j
            .get_any(&["TransformationId", "TransformationID"])
            .ok_or_else(|| j.err("a transformation claim without TransformationId"))?;
        let tid_s = tid.j().as_str()?.to_string();
        let t = transforms
            .iter()
            .find(|t| {
                t.j()
                    .get("ID")
                    .and_then(|n| n.v.as_str().map(|s| s == tid_s))
                    .unwrap_or(false)
            })
            .ok_or_else(|| {
                tid.j()
                    .err(&format!("no ClaimsTransformation with ID {tid_s:?}"))
            })?;
        let step = legacy_step(t, schema)?;
        return Ok((None, vec![step]));
    }
    Ok((Some(legacy_attr(j)?), Vec::new()))
}

fn legacy_attr(j: J<'_, '_>) -> Result<Attr, Error> {
    if let Some(v) = j.scalar("Value")? {
        return Ok(Attr {
            source: Source::Constant(v),
            multi: false,
        });
    }
    let source = j.str("Source")?.unwrap_or_else(|| "user".to_string());
    if let Some(ext) = j.str("ExtensionID")? {
        return Ok(Attr {
            source: Source::Extension(ext.to_ascii_lowercase()),
            multi: false,
        });
    }
    let id = j
        .str("ID")?
        .ok_or_else(|| j.err("claim schema entry without ID, ExtensionID or Value"))?;
    Ok(Attr {
        source: if source.eq_ignore_ascii_case("user") {
            Source::User(id.to_ascii_lowercase())
        } else {
            Source::Other {
                source: source.to_ascii_lowercase(),
                id,
            }
        },
        multi: false,
    })
}

fn legacy_step(t: &Node<'_>, schema: &[Node<'_>]) -> Result<Step, Error> {
    let j = t.j();
    let method = j
        .str("TransformationMethod")?
        .ok_or_else(|| j.err("transformation without TransformationMethod"))?;
    // Inputs by TransformationClaimType, each resolved to its schema entry.
    let mut claims: Vec<(String, Attr)> = Vec::new();
    for ic in j.arr("InputClaims")? {
        let icj = ic.j();
        let r = icj
            .str("ClaimTypeReferenceId")?
            .ok_or_else(|| icj.err("input claim without ClaimTypeReferenceId"))?;
        let role = icj
            .str("TransformationClaimType")?
            .unwrap_or_default()
            .to_ascii_lowercase();
        let multi = icj.bool("TreatAsMultiValue")?.unwrap_or(false);
        let entry = schema
            .iter()
            .find(|e| {
                e.j()
                    .get("ID")
                    .and_then(|n| n.v.as_str().map(|s| s == r))
                    .unwrap_or(false)
            })
            .ok_or_else(|| icj.err(&format!("no ClaimsSchema entry with ID {r:?}")))?;
        let mut a = legacy_attr(entry.j())?;
        a.multi = multi;
        claims.push((role, a));
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for ip in j.arr("InputParameters")? {
        let ipj = ip.j();
        let id = ipj
            .str("ID")?
            .or(ipj.str("Id")?)
            .unwrap_or_default()
            .to_ascii_lowercase();
        params.push((id, ipj.scalar("Value")?.unwrap_or_default()));
    }
    let claim = |k: &str| claims.iter().find(|(r, _)| r == k).map(|(_, a)| a.clone());
    let param = |k: &str| params.iter().find(|(r, _)| r == k).map(|(_, v)| v.clone());
    let first = claims.first().map(|(_, a)| a.clone());
    let (transformation, input) = match method.to_ascii_lowercase().as_str() {
        "join" => {
            let input2 = claim("string2").or_else(|| {
                param("string2").map(|v| Attr {
                    source: Source::Constant(v),
                    multi: false,
                })
            });
            (
                Transformation::Join {
                    input2,
                    separator: param("separator").unwrap_or_default(),
                },
                claim("string1").or(first),
            )
        }
        "extractmailprefix" => (Transformation::ExtractMailPrefix, claim("mail").or(first)),
        "tolowercase" | "tolowercase()" | "tolower" => (Transformation::ToLowercase, first),
        "touppercase" | "touppercase()" | "toupper" => (Transformation::ToUppercase, first),
        _ => (Transformation::Unknown(method.clone()), first),
    };
    Ok(Step {
        transformation,
        input,
        path: t.path.clone(),
    })
}
