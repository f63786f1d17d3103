//! The pair check: an SP's metadata against an IdP's, before anyone signs in.
//!
//! [`select`] finds the SP and the IdP in two documents (either order); [`check`] cross-checks
//! them. Single-file rules run on each input separately (see the lint module); the findings
//! here are about the two together.

mod rules;

use crate::error::Error;
use crate::finding::{Finding, Location};
use crate::flavor::{Flavor, IdpVendor};
use crate::model::{EndpointKind, EntityDescriptor, Metadata};
use chrono::{DateTime, Utc};

pub(crate) use rules::RULES;

/// SAML 2.0 binding URIs the pair check reasons about.
pub mod bindings {
    /// HTTP-Redirect.
    pub const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    /// HTTP-POST.
    pub const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
}

/// NameID format URIs.
pub mod nameid {
    /// emailAddress (SAML 1.1 URN, as SAML 2.0 uses it).
    pub const EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    /// unspecified.
    pub const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
}

/// Options of the pair check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PairOptions {
    /// The instant certificate validity is judged at.
    pub at: DateTime<Utc>,
    /// Warn when an IdP signing certificate expires within this many days.
    pub warn_days: i64,
    /// Choose the SP entity by entityID (for aggregates or dual-role files).
    pub sp_entity: Option<String>,
    /// Choose the IdP entity by entityID.
    pub idp_entity: Option<String>,
    /// Codes not to report (exact codes; expand `PREFIX.*` with
    /// [`run::expand_codes`](crate::run::expand_codes)). Applies to every finding of
    /// [`run::check_pair`](crate::run::check_pair): pair, export, lint and signature.
    pub disabled: Vec<String>,
    /// When not empty, report only these codes.
    pub only: Vec<String>,
    /// The display threshold of [`run::check_pair`](crate::run::check_pair): findings below
    /// it are left out of the report (and counted in its `hidden`); default
    /// [`Severity::Info`](crate::Severity::Info), everything. Independent of what fails a
    /// run ([`PairReport::fails`](crate::run::PairReport::fails) sees every finding).
    pub show: crate::Severity,
}

impl PairOptions {
    /// Defaults at an instant: warn 30 days ahead, no explicit choice of entities.
    pub fn at(at: DateTime<Utc>) -> PairOptions {
        PairOptions {
            at,
            warn_days: 30,
            sp_entity: None,
            idp_entity: None,
            disabled: Vec::new(),
            only: Vec::new(),
            show: crate::Severity::Info,
        }
    }

    /// Whether a finding with this code is reported under `only` and `disabled` (the same
    /// semantics as [`LintOptions::wants`](crate::lint::LintOptions::wants)).
    pub fn wants(&self, code: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|c| c == code))
            && !self.disabled.iter().any(|c| c == code)
    }
}

/// Which input holds which side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first input given.
    First,
    /// The second input given.
    Second,
}

/// The SP and IdP entities chosen from the two inputs.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'m> {
    /// The SP entity.
    pub sp: &'m EntityDescriptor,
    /// Which input holds it.
    pub sp_side: Side,
    /// The IdP entity.
    pub idp: &'m EntityDescriptor,
    /// Which input holds it.
    pub idp_side: Side,
}

fn candidates<'m>(
    md: &'m Metadata,
    want_sp: bool,
    pick: Option<&str>,
) -> Vec<&'m EntityDescriptor> {
    md.entities
        .iter()
        .filter(|e| if want_sp { e.is_sp() } else { e.is_idp() })
        .filter(|e| pick.is_none_or(|p| e.entity_id() == p))
        .collect()
}

fn describe(md: &Metadata, name: &str) -> String {
    let sp = md.entities.iter().filter(|e| e.is_sp()).count();
    let idp = md.entities.iter().filter(|e| e.is_idp()).count();
    if md.entities.len() == 1 {
        let role = match (sp, idp) {
            (1, 1) => "both an SP and an IdP",
            (1, 0) => "an SP",
            (0, 1) => "an IdP",
            _ => "neither an SP nor an IdP (no SPSSODescriptor or IDPSSODescriptor)",
        };
        format!("{name} is {role}")
    } else {
        format!(
            "{name} holds {} entities ({sp} SP, {idp} IdP)",
            md.entities.len()
        )
    }
}

/// Finds the SP and the IdP in two documents given in either order.
///
/// Fails (an input problem, exit 2 in the binary) when the roles cannot be told apart:
/// both SPs, both IdPs, or an aggregate with more than one candidate and no choice made
/// with `sp_entity` / `idp_entity`.
pub fn select<'m>(
    first: &'m Metadata,
    first_name: &str,
    second: &'m Metadata,
    second_name: &str,
    opts: &PairOptions,
) -> Result<Selection<'m>, Error> {
    let sp_pick = opts.sp_entity.as_deref();
    let idp_pick = opts.idp_entity.as_deref();
    let orient = |sp_md: &'m Metadata, idp_md: &'m Metadata| {
        (
            candidates(sp_md, true, sp_pick),
            candidates(idp_md, false, idp_pick),
        )
    };
    let (a_sp, b_idp) = orient(first, second);
    let (b_sp, a_idp) = orient(second, first);
    let one = |v: &[&'m EntityDescriptor]| {
        if v.len() == 1 {
            v.first().copied()
        } else {
            None
        }
    };
    let forward = one(&a_sp).zip(one(&b_idp));
    let backward = one(&b_sp).zip(one(&a_idp));
    match (forward, backward) {
        (Some((sp, idp)), None) => Ok(Selection {
            sp,
            sp_side: Side::First,
            idp,
            idp_side: Side::Second,
        }),
        (None, Some((sp, idp))) => Ok(Selection {
            sp,
            sp_side: Side::Second,
            idp,
            idp_side: Side::First,
        }),
        (Some((sp, idp)), Some((sp2, idp2))) => {
            // Both orders possible (dual-role entities): prefer the one where the SP is
            // not also an IdP.
            let score = |sp: &EntityDescriptor, idp: &EntityDescriptor| {
                u8::from(!sp.is_idp()) + u8::from(!idp.is_sp())
            };
            let (s1, s2) = (score(sp, idp), score(sp2, idp2));
            if s1 > s2 {
                Ok(Selection {
                    sp,
                    sp_side: Side::First,
                    idp,
                    idp_side: Side::Second,
                })
            } else if s2 > s1 {
                Ok(Selection {
                    sp: sp2,
                    sp_side: Side::Second,
                    idp: idp2,
                    idp_side: Side::First,
                })
            } else {
                Err(Error::input(format!(
                    "cannot tell which file is the SP: {} and {}; choose with --sp-entity ENTITYID or --idp-entity ENTITYID",
                    describe(first, first_name),
                    describe(second, second_name)
                )))
            }
        }
        (None, None) => {
            let a_sp_all = candidates(first, true, None).len();
            let b_sp_all = candidates(second, true, None).len();
            let a_idp_all = candidates(first, false, None).len();
            let b_idp_all = candidates(second, false, None).len();
            let msg = if a_idp_all == 0 && b_idp_all == 0 {
                format!(
                    "no IdP found: {} and {}; the pair check needs one SP and one IdP",
                    describe(first, first_name),
                    describe(second, second_name)
                )
            } else if a_sp_all == 0 && b_sp_all == 0 {
                format!(
                    "no SP found: {} and {}; the pair check needs one SP and one IdP",
                    describe(first, first_name),
                    describe(second, second_name)
                )
            } else if sp_pick.is_some() || idp_pick.is_some() {
                format!(
                    "no SP/IdP pair matches the entity chosen with --sp-entity/--idp-entity ({}; {})",
                    describe(first, first_name),
                    describe(second, second_name)
                )
            } else {
                format!(
                    "more than one candidate entity: {} and {}; choose with --sp-entity ENTITYID and/or --idp-entity ENTITYID",
                    describe(first, first_name),
                    describe(second, second_name)
                )
            };
            Err(Error::input(msg))
        }
    }
}

fn loc(pos: crate::Pos, path: &str) -> Option<Location> {
    Some(Location::new(pos, path))
}

/// Cross-checks a chosen SP and IdP. `sp_md`/`idp_md` are the documents holding them (for
/// document-level facts such as size and BOM).
///
/// Each rule is a small check next to its catalogue entry (`src/pair/rules.rs`); this runs
/// them in order.
pub fn check(
    sp_md: &Metadata,
    sp: &EntityDescriptor,
    idp_md: &Metadata,
    idp: &EntityDescriptor,
    opts: &PairOptions,
) -> Vec<Finding> {
    let _ = sp_md;
    let cx = rules::Cx::new(sp, idp_md, idp, opts);
    let mut out = Vec::new();
    for c in rules::CHECKS {
        (c.run)(&cx, &mut out);
    }
    out
}

/// Whether the IdP is a Keycloak realm's descriptor: entityID `https://host[/auth]/realms/NAME`
/// and a SingleSignOnService at `.../realms/NAME/protocol/saml`.
fn keycloak_realm(idp: &EntityDescriptor) -> bool {
    let id = idp.entity_id().trim().trim_end_matches('/');
    let Some((_, realm)) = id.rsplit_once("/realms/") else {
        return false;
    };
    if realm.is_empty() || realm.contains('/') {
        return false;
    }
    let want = format!("{id}/protocol/saml");
    idp.idp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::SingleSignOnService))
        .any(|e| e.location().trim() == want)
}

/// Whether the IdP is Entra's tenant-wide federation metadata rather than an application's:
/// every signing certificate is a tenant token-signing key (`CN=accounts.accesscontrol.windows.net`
/// and the national clouds' equivalents), none an application's SAML signing certificate.
fn entra_tenant_wide(idp: &EntityDescriptor) -> bool {
    if !matches!(idp.flavor, Flavor::Entra { .. }) {
        return false;
    }
    let mut any = false;
    for c in idp
        .idp_roles()
        .flat_map(|r| r.signing_keys())
        .flat_map(|k| k.certificates.iter())
    {
        let Ok(f) = &c.facts else { continue };
        any = true;
        let s = f.subject.to_ascii_lowercase();
        if !(s.contains("accounts.accesscontrol.windows.net")
            || s.contains("accounts.accesscontrol.chinacloudapi.cn")
            || s.contains("login.microsoftonline.us"))
        {
            return false;
        }
    }
    any
}

/// How to finish a rollover, in the SP's and the IdP's terms.
fn rollover_hint(sp: &EntityDescriptor, vendor: IdpVendor, expired: &str, valid: &str) -> String {
    let remove = match sp.flavor {
        Flavor::AwsIdentityCenterSp { .. } => format!(
            "Remove the expired certificate (SHA-1 {expired}) from IAM Identity Center (Settings > Identity source > Manage authentication > IdP certificates)"
        ),
        Flavor::AwsIamSp { .. } => format!(
            "Update the IAM SAML provider with metadata that no longer lists the expired certificate (SHA-1 {expired}; samlcheck rewrite --remove-cert {expired} FILE -o OUT makes such a copy)"
        ),
        _ => format!("Remove the expired certificate (SHA-1 {expired}) from the SP's copy of the IdP metadata"),
    };
    let check = match vendor {
        IdpVendor::Entra => format!(
            "; in Entra (Enterprise applications > the app > Single sign-on > SAML Certificates) check that the certificate marked Active is {valid}"
        ),
        IdpVendor::Adfs => format!(
            "; in AD FS (Service > Certificates) check that the primary token-signing certificate is {valid}"
        ),
        _ => format!("; check at the IdP that it signs with {valid}"),
    };
    format!("{remove}{check}")
}

fn expiring_hint(vendor: IdpVendor) -> &'static str {
    match vendor {
        IdpVendor::Entra => "Start the rollover now: create a new SAML signing certificate in Entra (SAML Certificates > Edit > New Certificate, not yet active), import it into AWS, then make it active in Entra",
        IdpVendor::Adfs => "Start the rollover now: add the new token-signing certificate in AD FS as secondary, import the new metadata at the SP, then make it primary",
        _ => "Start the rollover now: create the new certificate at the IdP (not yet active), import it at the SP, then make the IdP sign with it",
    }
}

/// Where the NameID is configured, in the IdP's own terms.
fn nameid_hint(vendor: IdpVendor) -> &'static str {
    match vendor {
        IdpVendor::Entra => "In Entra set Unique User Identifier (Name ID) to the attribute that equals the Identity Center username (default user.userprincipalname), format Email address; check users with --entra-users/--aws-users",
        IdpVendor::Adfs => "In AD FS, add to the relying party trust's claim issuance rules a rule whose outgoing claim type is Name ID with the format Email, valued with the attribute that equals the Identity Center username",
        IdpVendor::AwsIdentityCenter => "In the IAM Identity Center application's attribute mappings, map Subject to the user attribute that equals the other instance's username, format emailAddress",
        IdpVendor::Other => "Configure the AWS application at the IdP to send as NameID, in format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress, the attribute that equals the Identity Center username",
    }
}

fn short(thumb: &str) -> &str {
    thumb.get(..8).unwrap_or(thumb)
}

/// Codes of the pair check's own rules (single-file rules are listed by the lint module).
pub fn rule_codes() -> Vec<&'static str> {
    rules::CHECKS
        .iter()
        .flat_map(|c| c.rules.iter().map(|r| r.code))
        .collect()
}

/// The plain facts the Entra export checks need, taken from the chosen SP and IdP.
pub fn entra_facts(
    sp: &EntityDescriptor,
    idp: &EntityDescriptor,
) -> (crate::exports::SpFacts, crate::exports::IdpFacts) {
    let acs = sp
        .sp_roles()
        .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
        .map(|e| e.location().trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let mut sp_facts = crate::exports::SpFacts::new(sp.entity_id(), acs);
    sp_facts.want_assertions_signed = sp
        .sp_roles()
        .find_map(|r| r.want_assertions_signed.as_ref())
        .map(|a| matches!(a.value.trim(), "true" | "1"));
    let idp_facts = crate::exports::IdpFacts {
        entity_id: Some(idp.entity_id().to_string()),
        signing_cert_sha1_thumbprints: idp
            .idp_roles()
            .flat_map(|r| r.signing_keys())
            .flat_map(|k| k.certificates.iter())
            .filter_map(|c| c.facts.as_ref().ok().map(|f| f.sha1_thumbprint.clone()))
            .collect(),
    };
    (sp_facts, idp_facts)
}

/// Runs the checks that use the optional Entra/AWS exports, when any was given.
pub fn check_exports(
    sp: &EntityDescriptor,
    idp: &EntityDescriptor,
    inputs: &crate::exports::PairInputs,
    at: DateTime<Utc>,
) -> crate::exports::EntraReport {
    let (s, i) = entra_facts(sp, idp);
    crate::exports::check_for(&s, &i, inputs, at, idp.flavor.idp_vendor())
}

/// Single-file codes the pair check restates in context for the IdP file (with the SP's
/// requirements deciding the severity); the single-file finding is dropped there.
const RESTATED_FOR_IDP: &[&str] = &[
    "aws.iam.idp.bom",
    "aws.iam.idp.encoding",
    "aws.ic.idp.too_large",
    "aws.ic.idp.encryption_key",
    "entra.tenant.placeholder",
];

/// Certificate codes the pair check restates per IdP signing certificate (same place).
const RESTATED_CERT: &[&str] = &[
    "x509.expired",
    "x509.expired_rollover",
    "x509.expiring",
    "x509.not_yet_valid",
];

/// Keeps the single-file findings that belong in a pair report: those about the chosen
/// entity or the document as a whole, minus what `pair` says again in context.
pub fn relevant_file_findings(
    file_findings: Vec<Finding>,
    entity: &EntityDescriptor,
    is_idp_file: bool,
    pair: &[Finding],
) -> Vec<Finding> {
    let idp_cert_places: Vec<u64> = pair
        .iter()
        .filter(|f| f.code.starts_with("pair.idp_cert."))
        .filter_map(|f| f.location.as_ref().map(|l| l.pos.offset))
        .collect();
    file_findings
        .into_iter()
        .filter(|f| f.entity.as_deref().is_none_or(|e| e == entity.entity_id()))
        .filter(|f| !(is_idp_file && RESTATED_FOR_IDP.contains(&f.code)))
        .filter(|f| {
            !(is_idp_file
                && RESTATED_CERT.contains(&f.code)
                && f.location
                    .as_ref()
                    .is_some_and(|l| idp_cert_places.contains(&l.pos.offset)))
        })
        .collect()
}
