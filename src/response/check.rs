//! The checks of one response. Security-relevant order: structure (IDs, assertion count
//! and place) and signatures first; content is read only from the one Assertion that is a
//! child of the Response, and that Assertion counts as signed only when a verified
//! signature's node is it or its parent Response.

use super::input::{self, Captured};
use super::rules::*;
use super::{
    AttributeValues, Covered, ResponseOptions, ResponseReport, ResponseResult, Signer, Summary,
};
use crate::dsig::{self, Failure, Trust, TrustBasis, Violation};
use crate::error::Error;
use crate::exports::{PairInputs, SpKind};
use crate::finding::{Finding, Location, Rule, Severity};
use crate::model::{EndpointKind, EntityDescriptor, Metadata};
use crate::xml::{self, ns, XmlDoc};
use chrono::{DateTime, Duration, Utc};
use roxmltree::Node;
use std::collections::HashMap;

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const AWS_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/";
const ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_NAME_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const SESSION_DURATION_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
const ACCESS_CONTROL: &str = "https://aws.amazon.com/SAML/Attributes/AccessControl:";
const OBJECT_ID_CLAIM: &str = "http://schemas.microsoft.com/identity/claims/objectidentifier";
const NAME_CLAIM: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const MAIL_CLAIM: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

/// The IdP entity and its signing certificates.
struct Idp<'m> {
    entity: &'m EntityDescriptor,
    certs: Vec<crate::dsig::CertInfo>,
    trust: Trust,
}

/// What every response is checked against.
struct Ctx<'m> {
    idp: Idp<'m>,
    sp: Option<&'m EntityDescriptor>,
    kind: Option<SpKind>,
    acs: Vec<String>,
    want_assertions_signed: bool,
    exports: &'m PairInputs,
    opts: &'m ResponseOptions,
}

pub(super) fn run(
    input: &[u8],
    idp_md: &Metadata,
    sp_md: Option<&Metadata>,
    exports: &PairInputs,
    opts: &ResponseOptions,
) -> Result<ResponseReport, Error> {
    let idp = choose(idp_md, opts.idp_entity.as_deref(), true)?;
    let sp = match sp_md {
        Some(m) => Some(choose(m, opts.sp_entity.as_deref(), false)?),
        None => None,
    };
    let mut certs = Vec::new();
    let mut trust = Trust::embedded();
    for c in idp
        .idp_roles()
        .flat_map(|r| r.signing_keys())
        .flat_map(|k| k.certificates.iter())
    {
        if let Ok(info) = crate::dsig::CertInfo::from_der(&c.der) {
            if !certs
                .iter()
                .any(|x: &crate::dsig::CertInfo| x.sha256 == info.sha256)
            {
                trust.add_der(&c.der)?;
                certs.push(info);
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::input(format!(
            "the IdP metadata ({}) lists no readable signing certificate: nothing to verify the response with",
            idp.entity_id()
        )));
    }
    let acs: Vec<String> = sp
        .map(|s| {
            s.sp_roles()
                .flat_map(|r| r.endpoints_of(EndpointKind::AssertionConsumerService))
                .map(|e| e.location().trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let want_assertions_signed = sp.is_some_and(|s| {
        s.sp_roles().any(|r| {
            r.want_assertions_signed
                .as_ref()
                .is_some_and(|a| matches!(a.value.trim(), "true" | "1"))
        })
    });
    let ctx = Ctx {
        idp: Idp {
            entity: idp,
            certs,
            trust,
        },
        sp,
        kind: sp.map(|s| SpKind::from_entity_id(s.entity_id())),
        acs,
        want_assertions_signed,
        exports,
        opts,
    };
    let captured = input::read(input, opts.entry, &opts.limits)?;
    let mut report = ResponseReport {
        idp_entity_id: idp.entity_id().to_string(),
        sp_entity_id: sp.map(|s| s.entity_id().to_string()),
        responses: Vec::new(),
        notes: Vec::new(),
    };
    if sp.is_none() {
        report.notes.push("No SP metadata given (--sp): Destination, Recipient and Audience are not compared with the SP; the SP kind is taken from the Audience.".into());
    }
    for c in captured {
        let r = check_one(c, &ctx, &mut report.notes)?;
        report.responses.push(r);
    }
    report.notes.dedup();
    if opts.redact {
        super::redact::redact(&mut report);
    }
    Ok(report)
}

fn choose<'m>(
    md: &'m Metadata,
    wanted: Option<&str>,
    idp: bool,
) -> Result<&'m EntityDescriptor, Error> {
    let role = if idp { "IdP" } else { "SP" };
    let fits = |e: &&EntityDescriptor| if idp { e.is_idp() } else { e.is_sp() };
    let mut it = md
        .entities
        .iter()
        .filter(fits)
        .filter(|e| wanted.is_none_or(|w| e.entity_id() == w));
    let first = it.next().ok_or_else(|| {
        Error::input(match wanted {
            Some(w) => format!("no {role} entity with entityID {w:?} in the {role} metadata"),
            None => format!("the {role} metadata has no {role} entity"),
        })
    })?;
    if it.next().is_some() {
        return Err(Error::input(format!(
            "the {role} metadata has several {role} entities: choose one by entityID"
        )));
    }
    Ok(first)
}

/// Findings of one response, with positions.
struct Out<'d, 'i> {
    doc: &'d XmlDoc<'i>,
    findings: Vec<Finding>,
    entity: Option<String>,
}

impl Out<'_, '_> {
    fn at(&mut self, rule: &'static Rule, node: Option<Node<'_, '_>>, msg: impl Into<String>) {
        let loc = node.map(|n| Location::new(self.doc.node_pos(n), xml::element_path(n)));
        self.findings
            .push(rule.at(self.entity.as_deref(), loc, msg));
    }
    fn has(&self, rule: &Rule) -> bool {
        self.findings.iter().any(|f| f.code == rule.code)
    }
}

fn is_id_attr(a: &roxmltree::Attribute<'_, '_>) -> bool {
    match a.namespace() {
        None => matches!(a.name(), "ID" | "Id" | "id"),
        Some(n) => n == ns::XML && a.name() == "id",
    }
}

fn text(n: Node<'_, '_>, out: &mut Out<'_, '_>, what: &str) -> String {
    let (t, split) = xml::text_of(n);
    if split {
        out.at(
            &COMMENT_SPLIT,
            Some(n),
            format!(
                "a comment splits the text of {what}; read in full as `{}`",
                t.trim()
            ),
        );
    }
    t.trim().to_string()
}

fn child<'a, 'i>(n: Node<'a, 'i>, ns_: &'static str, local: &'static str) -> Option<Node<'a, 'i>> {
    xml::child(n, ns_, local)
}

fn check_one(c: Captured, ctx: &Ctx<'_>, notes: &mut Vec<String>) -> Result<ResponseResult, Error> {
    let limits = &ctx.opts.limits;
    let decoded = xml::decode_checked(c.xml, limits)?;
    let doc = XmlDoc::parse(decoded.text(), limits)?;
    let root = doc.root();
    if !xml::is(root, ns::SAMLP, "Response") {
        return Err(Error::input(format!(
            "{}: the root element is <{}> (namespace {:?}), not samlp:Response ({})",
            c.label,
            xml::qname(root),
            root.tag_name().namespace().unwrap_or(""),
            ns::SAMLP
        )));
    }
    let mut out = Out {
        doc: &doc,
        findings: Vec::new(),
        entity: Some(ctx.idp.entity.entity_id().to_string()),
    };

    // 1. Structure: unique IDs, one Assertion as a child of the Response.
    let mut ids: HashMap<&str, Vec<Node<'_, '_>>> = HashMap::new();
    let mut assertions = Vec::new();
    let mut encrypted = Vec::new();
    for n in doc.tree().descendants().filter(|n| n.is_element()) {
        for a in n.attributes().filter(is_id_attr) {
            let v = ids.entry(a.value()).or_default();
            if v.len() < 2 {
                v.push(n);
            }
        }
        if n.tag_name().name() == "Assertion" {
            assertions.push(n);
        } else if xml::is(n, ns::SAML, "EncryptedAssertion") {
            encrypted.push(n);
        }
    }
    let mut dups: Vec<(&str, Node<'_, '_>)> = ids
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .filter_map(|(k, v)| v.get(1).map(|n| (*k, *n)))
        .collect();
    dups.sort_by_key(|(_, n)| n.range().start);
    for (id, n) in dups {
        out.at(
            &DUPLICATE_ID,
            Some(n),
            format!(
                "the ID {id:?} is carried by more than one element (here <{}>)",
                xml::qname(n)
            ),
        );
    }
    let in_place = |n: &Node<'_, '_>| n.parent_element() == Some(root);
    let proper: Vec<Node<'_, '_>> = assertions
        .iter()
        .copied()
        .filter(|n| xml::is(*n, ns::SAML, "Assertion") && in_place(n))
        .collect();
    for n in assertions
        .iter()
        .filter(|n| !(xml::is(**n, ns::SAML, "Assertion") && in_place(n)))
    {
        let parent = n.parent_element().map(xml::qname).unwrap_or_default();
        out.at(
            &WRAPPING,
            Some(*n),
            format!(
                "an <{}> inside <{parent}>: the only assertion allowed is a saml:Assertion child of the Response (signature wrapping)",
                xml::qname(*n)
            ),
        );
    }
    let total = proper.len() + encrypted.len();
    if total > 1 {
        out.at(
            &WRAPPING,
            proper.get(1).or(encrypted.first()).copied(),
            format!("the Response carries {total} assertions (Assertion or EncryptedAssertion); exactly one is allowed"),
        );
    }
    for e in encrypted.iter().filter(|n| !in_place(n)) {
        out.at(
            &WRAPPING,
            Some(*e),
            "an EncryptedAssertion that is not a child of the Response",
        );
    }
    let wrapped = out.has(&WRAPPING) || out.has(&DUPLICATE_ID);
    let assertion = match proper.as_slice() {
        [one] if !wrapped => Some(*one),
        _ => None,
    };

    // 2. Signatures, with the IdP metadata's keys as the only trust anchors.
    let report = dsig::verify_with_limits(&doc, &ctx.idp.trust, limits);
    if let Some(e) = report.limit_exceeded() {
        return Err(e.clone());
    }
    let mut resp_ok = false;
    let mut asrt_ok = false;
    let mut signed_assertion = false;
    let mut signers = Vec::new();
    let mut signature_failed = false;
    let on_root: Vec<_> = report
        .signatures
        .iter()
        .filter(|s| s.signature.parent_element() == Some(root))
        .collect();
    let on_assertion: Vec<_> = report
        .signatures
        .iter()
        .filter(|s| {
            s.signature
                .parent_element()
                .is_some_and(|p| proper.contains(&p))
        })
        .collect();
    for (group, what) in [(&on_root, "Response"), (&on_assertion, "Assertion")] {
        if group.len() > 1 && (what == "Response" || proper.len() == 1) {
            out.at(
                &WRAPPING,
                group.get(1).map(|c| c.signature),
                format!(
                    "the {what} has {} signatures; exactly one is allowed",
                    group.len()
                ),
            );
        }
    }
    for c in on_root.iter().chain(on_assertion.iter()) {
        let parent = c.signature.parent_element();
        let what = if parent == Some(root) {
            "Response"
        } else {
            "Assertion"
        };
        match &c.outcome {
            Ok(v) => {
                let trusted = matches!(
                    v.info().trust,
                    TrustBasis::PinnedCert | TrustBasis::PinnedFingerprint
                );
                if !trusted {
                    signature_failed = true;
                    out.at(
                        &SIG_UNTRUSTED,
                        Some(c.signature),
                        format!(
                            "the {what}'s signature verifies only with the certificate embedded in it ({}, SHA-256 {}), which is not a signing certificate of the IdP metadata",
                            v.info().signer.subject, v.info().signer.sha256
                        ),
                    );
                    continue;
                }
                if v.info().is_weak() {
                    out.at(
                        &SIG_SHA1,
                        Some(c.signature),
                        format!(
                            "the {what}'s signature uses {} with a {} digest",
                            v.info().signature.name(),
                            v.info().digest.name()
                        ),
                    );
                }
                // Node identity: the verified node is the signature's parent, and it is
                // the Response or the one Assertion that is read.
                if v.node() == root && on_root.len() == 1 {
                    resp_ok = true;
                } else if Some(v.node()) == assertion && on_assertion.len() == 1 {
                    asrt_ok = true;
                }
                if what == "Assertion" {
                    signed_assertion = true;
                }
                signers.push(signer(ctx, what, v.info()));
            }
            Err(f) => {
                signature_failed = true;
                let rule = classify(f);
                out.at(
                    rule,
                    Some(c.signature),
                    format!("the {what}'s signature: {f}"),
                );
            }
        }
    }
    let covered = match (resp_ok, asrt_ok) {
        _ if assertion.is_none() => None,
        (true, true) => Some(Covered::Both),
        (true, false) => Some(Covered::Response),
        (false, true) => Some(Covered::Assertion),
        (false, false) => None,
    };
    if let Some(a) = assertion {
        if covered.is_none() && !signature_failed {
            let msg = if report.signatures.is_empty() {
                "neither the Response nor the Assertion is signed".to_string()
            } else {
                format!(
                    "no signature on the Response or on the Assertion verified with the IdP metadata's keys ({} signature(s) elsewhere in the document do not count)",
                    report.signatures.len()
                )
            };
            out.at(&SIG_MISSING, Some(a), msg);
        }
        if resp_ok && !signed_assertion && ctx.want_assertions_signed {
            out.at(
                &SIG_ASSERTION_UNSIGNED,
                Some(a),
                "only the Response is signed; the SP metadata has WantAssertionsSigned=\"true\"",
            );
        }
    }
    for s in &signers {
        let mut msg = format!(
            "the {} is signed with the IdP metadata's signing certificate {} of {} ({}, SHA-256 {}), {}",
            s.signed, s.position, s.of, s.subject, s.sha256, s.algorithm
        );
        if let Some(na) = s.not_after {
            msg.push_str(&format!("; valid until {}", na.format("%Y-%m-%d")));
        }
        if s.of > 1 {
            msg.push_str("; the metadata lists more than one signing certificate (a rollover): AWS must hold the one that signs");
        }
        out.at(&SIG_SIGNER, None, msg);
    }

    // 3. Protocol: status, issuers, destination, time.
    let mut summary = Summary {
        id: root.attribute("ID").map(str::to_string),
        issue_instant: root.attribute("IssueInstant").map(str::to_string),
        destination: root.attribute("Destination").map(str::to_string),
        in_response_to: root.attribute("InResponseTo").map(str::to_string),
        encrypted: !encrypted.is_empty(),
        ..Summary::default()
    };
    let idp_id = ctx.idp.entity.entity_id();
    if let Some(i) = child(root, ns::SAML, "Issuer") {
        let v = text(i, &mut out, "the Response's Issuer");
        if v != idp_id {
            out.at(
                &ISSUER_MISMATCH,
                Some(i),
                format!(
                    "the Response's Issuer is `{v}`, the IdP metadata's entityID is `{idp_id}`"
                ),
            );
        }
        summary.issuer = Some(v);
    }
    let status = child(root, ns::SAMLP, "Status");
    let code = status.and_then(|s| child(s, ns::SAMLP, "StatusCode"));
    summary.status = code.and_then(|c| c.attribute("Value")).map(str::to_string);
    summary.sub_status = code
        .and_then(|c| child(c, ns::SAMLP, "StatusCode"))
        .and_then(|c| c.attribute("Value"))
        .map(str::to_string);
    summary.status_message = status
        .and_then(|s| child(s, ns::SAMLP, "StatusMessage"))
        .map(|m| xml::text_of(m).0.trim().to_string());
    let success = summary.status.as_deref() == Some(SUCCESS);
    if !success {
        let mut msg = match &summary.status {
            Some(s) => format!("the status is {s}"),
            None => "the Response has no Status/StatusCode".to_string(),
        };
        if let Some(s) = &summary.sub_status {
            msg.push_str(&format!(" ({s})"));
        }
        if let Some(m) = &summary.status_message {
            msg.push_str(&format!(": {}", m.chars().take(500).collect::<String>()));
            if let Some(x) = explain_aadsts(m) {
                msg.push_str(&format!(" -- {x}"));
            }
        }
        out.at(&STATUS_FAILURE, status.or(Some(root)), msg);
    }
    if let Some(e) = encrypted
        .first()
        .filter(|_| assertion.is_none() && !wrapped)
    {
        let kind = ctx.kind.clone();
        if matches!(kind, Some(SpKind::IdentityCenter { .. })) {
            out.at(&ENCRYPTED_IC, Some(*e), "the assertion is encrypted (EncryptedAssertion); IAM Identity Center does not accept encrypted assertions");
        } else {
            out.at(&ENCRYPTED_UNREAD, Some(*e), "the assertion is encrypted (EncryptedAssertion): subject, conditions and attributes are not checked");
        }
    }
    if success && proper.is_empty() && encrypted.is_empty() && assertions.is_empty() {
        out.at(
            &ASSERTION_MISSING,
            Some(root),
            "the status is Success, but the Response has no Assertion",
        );
    }
    let instant = summary
        .issue_instant
        .as_deref()
        .and_then(crate::time::parse_datetime)
        .or_else(|| {
            assertion
                .and_then(|a| a.attribute("IssueInstant"))
                .and_then(crate::time::parse_datetime)
        });
    let (at, at_source) = match (ctx.opts.at, instant) {
        (Some(t), _) => (t, "--at".to_string()),
        (None, Some(i)) => (
            i + Duration::seconds(ctx.opts.allowance_secs),
            format!("the response's IssueInstant plus {} s (give --at to change)", ctx.opts.allowance_secs),
        ),
        (None, None) => {
            return Err(Error::input(format!(
                "{}: the Response has no readable IssueInstant; give --at to evaluate its time conditions",
                c.label
            )))
        }
    };
    if let Some(d) = summary.destination.clone() {
        if ctx.sp.is_some() {
            match acs_match(ctx, &d) {
                Some(_) => {}
                None => out.at(
                    &DESTINATION_MISMATCH,
                    Some(root),
                    format!(
                        "Destination `{d}` is none of the SP's ACS URLs ({})",
                        ctx.acs.join(", ")
                    ),
                ),
            }
        }
    }

    // 4. The assertion's content, read from the one Assertion (the covered node).
    let mut kind = ctx.kind.clone();
    if let Some(a) = assertion {
        read_assertion(a, ctx, &mut out, &mut summary, at, &mut kind, notes);
    }
    // IdP- or SP-initiated.
    let irt = summary.in_response_to.clone();
    let accepts = match &kind {
        Some(SpKind::IdentityCenter { .. }) => "IAM Identity Center accepts both IdP-initiated and SP-initiated sign-in",
        Some(SpKind::IamSingleAccount { .. }) => "AWS IAM single-account SAML is documented for IdP-initiated sign-in (SP-initiated at this SP is unconfirmed)",
        _ => "whether the SP accepts unsolicited responses depends on the SP",
    };
    let flow = match &irt {
        Some(id) => {
            format!("SP-initiated: InResponseTo `{id}` names the SP's AuthnRequest; {accepts}")
        }
        None => format!("IdP-initiated (no InResponseTo); {accepts}"),
    };
    if assertion.is_some() {
        out.at(&FLOW, None, flow);
    }
    if let Some(a) = assertion {
        identity(a, ctx, &mut out, &summary, kind.as_ref(), notes);
    }

    let accepted = covered.is_some() && !out.findings.iter().any(|f| f.severity == Severity::Error);
    let mut findings = out.findings;
    crate::finding::sort_findings(&mut findings);
    let result = ResponseResult {
        source: c.label,
        form: c.form,
        entry: c.entry,
        at,
        at_source,
        covered,
        signers,
        summary,
        findings,
        accepted,
    };
    Ok(result)
}

fn classify(f: &Failure) -> &'static Rule {
    match f {
        Failure::DigestMismatch { .. }
        | Failure::SignatureMismatch { .. }
        | Failure::NoKey { .. } => &SIG_INVALID,
        Failure::UntrustedKey { .. } => &SIG_UNTRUSTED,
        Failure::Profile(Violation::UnsupportedAlgorithm { what, .. })
            if matches!(*what, "SignatureMethod" | "DigestMethod") =>
        {
            &SIG_ALGORITHM
        }
        Failure::Profile(
            Violation::NotParent { .. }
            | Violation::IdNotFound { .. }
            | Violation::Object
            | Violation::Misplaced { .. }
            | Violation::ReferenceCount(_)
            | Violation::SignedInfoCount(_),
        ) => &WRAPPING,
        Failure::Profile(Violation::DuplicateId { .. }) => &DUPLICATE_ID,
        _ => &SIG_PROFILE,
    }
}

fn signer(ctx: &Ctx<'_>, what: &str, info: &crate::dsig::SignatureInfo) -> Signer {
    let position = ctx
        .idp
        .certs
        .iter()
        .position(|c| c.sha256 == info.signer.sha256)
        .map_or(0, |i| i + 1);
    Signer {
        signed: what.to_string(),
        position,
        of: ctx.idp.certs.len(),
        subject: info.signer.subject.clone(),
        sha256: info.signer.sha256.clone(),
        not_after: ctx
            .idp
            .entity
            .idp_roles()
            .flat_map(|r| r.signing_keys())
            .flat_map(|k| k.certificates.iter())
            .filter_map(|c| c.facts.as_ref().ok())
            .find(|f| {
                f.sha256_fingerprint
                    .eq_ignore_ascii_case(&info.signer.sha256.replace(':', ""))
            })
            .map(|f| f.not_after),
        algorithm: format!(
            "{} with a {} digest",
            info.signature.name(),
            info.digest.name()
        ),
    }
}

/// The SP ACS URL a URL names exactly, or (for IAM single-account SAML) an AWS sign-in
/// endpoint of the same shape; with the Region when known.
fn acs_match(ctx: &Ctx<'_>, url: &str) -> Option<String> {
    if let Some(a) = ctx.acs.iter().find(|a| a.as_str() == url) {
        return Some(match crate::flavor::ic_acs(a) {
            Some(ic) => format!(
                "the IAM Identity Center ACS URL of Region {} ({})",
                ic.region,
                ic.form.label()
            ),
            None => match iam_region(a) {
                Some(r) => format!("the AWS sign-in endpoint of Region {r}"),
                None => format!("the SP's ACS URL {a}"),
            },
        });
    }
    if matches!(ctx.kind, Some(SpKind::IamSingleAccount { .. })) {
        return iam_region(url).map(|r| format!("the AWS sign-in endpoint of Region {r} (not listed in the SP metadata, but an AWS IAM SAML endpoint)"));
    }
    None
}

/// The Region of an AWS IAM SAML endpoint (`https://signin.aws.amazon.com/saml` is
/// us-east-1), when `url` is one.
fn iam_region(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    let path = u.path();
    let saml_path = path == "/saml" || path == "/static/saml" || path.starts_with("/saml/acs/");
    if !saml_path {
        return None;
    }
    for base in [
        "signin.aws.amazon.com",
        "signin.amazonaws-us-gov.com",
        "signin.amazonaws.cn",
    ] {
        if host == base {
            return Some(match base {
                "signin.aws.amazon.com" => "us-east-1 (global endpoint)".into(),
                "signin.amazonaws-us-gov.com" => "us-gov-west-1 (GovCloud global endpoint)".into(),
                _ => "cn-north-1 (China global endpoint)".into(),
            });
        }
        if let Some(r) = host.strip_suffix(&format!(".{base}")) {
            if crate::flavor::is_region(r) {
                return Some(r.to_string());
            }
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn read_assertion(
    a: Node<'_, '_>,
    ctx: &Ctx<'_>,
    out: &mut Out<'_, '_>,
    summary: &mut Summary,
    at: DateTime<Utc>,
    kind: &mut Option<SpKind>,
    _notes: &mut Vec<String>,
) {
    let idp_id = ctx.idp.entity.entity_id();
    match child(a, ns::SAML, "Issuer") {
        Some(i) => {
            let v = text(i, out, "the Assertion's Issuer");
            if v != idp_id {
                out.at(&ISSUER_MISMATCH, Some(i), format!("the Assertion's Issuer is `{v}`, the IdP metadata's entityID is `{idp_id}` (AWS: 'Issuer not present in specified provider')"));
            }
            summary.assertion_issuer = Some(v);
        }
        None => out.at(&ISSUER_MISMATCH, Some(a), "the Assertion has no Issuer"),
    }
    // Conditions and audience.
    let conditions = child(a, ns::SAML, "Conditions");
    if let Some(cn) = conditions {
        for ar in xml::children(cn, ns::SAML, "AudienceRestriction") {
            for au in xml::children(ar, ns::SAML, "Audience") {
                let v = text(au, out, "an Audience");
                summary.audiences.push(v);
            }
        }
        summary.not_before = cn.attribute("NotBefore").map(str::to_string);
        summary.not_on_or_after = cn.attribute("NotOnOrAfter").map(str::to_string);
        time_window(cn, "Conditions", at, out);
    }
    if kind.is_none() {
        // Without SP metadata, the audience says which AWS service this is for.
        *kind = summary
            .audiences
            .iter()
            .map(|a| SpKind::from_entity_id(a))
            .find(|k| !matches!(k, SpKind::Other));
    }
    if let Some(sp) = ctx.sp {
        let id = sp.entity_id();
        let iam = matches!(ctx.kind, Some(SpKind::IamSingleAccount { .. }));
        let ok = summary.audiences.iter().any(|x| {
            x == id || (iam && matches!(SpKind::from_entity_id(x), SpKind::IamSingleAccount { .. }))
        });
        if !ok {
            let msg = if summary.audiences.is_empty() {
                format!("the assertion has no Audience; the SP's entityID is `{id}`")
            } else {
                format!(
                    "the Audience is {}; the SP's entityID is `{id}` (AWS: 'Response does not contain the required audience')",
                    summary.audiences.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
                )
            };
            out.at(&AUDIENCE_MISMATCH, conditions.or(Some(a)), msg);
        }
    }
    // Subject.
    let subject = child(a, ns::SAML, "Subject");
    if let Some(n) = subject.and_then(|s| child(s, ns::SAML, "NameID")) {
        summary.name_id = Some(text(n, out, "the NameID"));
        summary.name_id_format = n.attribute("Format").map(str::to_string);
    }
    let bearers: Vec<Node<'_, '_>> = subject
        .map(|s| {
            xml::children(s, ns::SAML, "SubjectConfirmation")
                .filter(|c| c.attribute("Method") == Some(BEARER))
                .collect()
        })
        .unwrap_or_default();
    if bearers.is_empty() {
        out.at(&NO_BEARER, subject.or(Some(a)), "the Subject has no SubjectConfirmation with Method urn:oasis:names:tc:SAML:2.0:cm:bearer");
    }
    let mut matched = None;
    for b in &bearers {
        let Some(d) = child(*b, ns::SAML, "SubjectConfirmationData") else {
            out.at(
                &RECIPIENT_MISSING,
                Some(*b),
                "the bearer SubjectConfirmation has no SubjectConfirmationData",
            );
            continue;
        };
        let recipient = d.attribute("Recipient");
        if recipient.is_none() || d.attribute("NotOnOrAfter").is_none() {
            let missing = match (recipient.is_none(), d.attribute("NotOnOrAfter").is_none()) {
                (true, true) => "Recipient and NotOnOrAfter",
                (true, false) => "Recipient",
                _ => "NotOnOrAfter",
            };
            out.at(
                &RECIPIENT_MISSING,
                Some(d),
                format!("the bearer SubjectConfirmationData has no {missing}"),
            );
        }
        time_window(d, "SubjectConfirmationData", at, out);
        if let Some(r) = recipient {
            summary.recipient.get_or_insert_with(|| r.to_string());
            if ctx.sp.is_some() {
                match acs_match(ctx, r) {
                    Some(m) => matched = matched.or(Some((r.to_string(), m))),
                    None => out.at(
                        &RECIPIENT_MISMATCH,
                        Some(d),
                        format!(
                            "Recipient `{r}` is none of the SP's ACS URLs ({})",
                            ctx.acs.join(", ")
                        ),
                    ),
                }
            }
        }
        if summary.in_response_to.is_none() {
            summary.in_response_to = d.attribute("InResponseTo").map(str::to_string);
        }
    }
    if let Some((url, what)) = matched {
        out.at(&ACS_MATCHED, None, format!("posted to `{url}`: {what}"));
    }
    // Attributes.
    for st in xml::children(a, ns::SAML, "AttributeStatement") {
        for at_ in xml::children(st, ns::SAML, "Attribute") {
            let name = at_.attribute("Name").unwrap_or("").to_string();
            let values = xml::children(at_, ns::SAML, "AttributeValue")
                .map(|v| text(v, out, &format!("a value of attribute {name}")))
                .collect();
            summary.attributes.push(AttributeValues { name, values });
        }
    }
}

fn time_window(n: Node<'_, '_>, what: &str, at: DateTime<Utc>, out: &mut Out<'_, '_>) {
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    if let Some(v) = n.attribute("NotBefore") {
        match crate::time::parse_datetime(v) {
            Some(t) if t > at => out.at(
                &NOT_YET_VALID,
                Some(n),
                format!(
                    "{what} NotBefore {v} is after {} ({} s early)",
                    fmt(at),
                    (t - at).num_seconds()
                ),
            ),
            Some(_) => {}
            None => out.at(
                &NOT_YET_VALID,
                Some(n),
                format!("{what} NotBefore `{v}` is not an xs:dateTime"),
            ),
        }
    }
    if let Some(v) = n.attribute("NotOnOrAfter") {
        match crate::time::parse_datetime(v) {
            Some(t) if t <= at => out.at(
                &EXPIRED,
                Some(n),
                format!(
                    "{what} NotOnOrAfter {v} is at or before {} ({} s late)",
                    fmt(at),
                    (at - t).num_seconds()
                ),
            ),
            Some(_) => {}
            None => out.at(
                &EXPIRED,
                Some(n),
                format!("{what} NotOnOrAfter `{v}` is not an xs:dateTime"),
            ),
        }
    }
}

fn attr<'s>(summary: &'s Summary, name: &str) -> Vec<&'s AttributeValues> {
    summary
        .attributes
        .iter()
        .filter(|a| a.name == name)
        .collect()
}

fn first_value<'s>(summary: &'s Summary, name: &str) -> Option<&'s str> {
    attr(summary, name)
        .first()
        .and_then(|a| a.values.first())
        .map(String::as_str)
}

fn identity(
    a: Node<'_, '_>,
    ctx: &Ctx<'_>,
    out: &mut Out<'_, '_>,
    summary: &Summary,
    kind: Option<&SpKind>,
    notes: &mut Vec<String>,
) {
    let ic = matches!(kind, Some(SpKind::IdentityCenter { .. }));
    let iam = matches!(kind, Some(SpKind::IamSingleAccount { .. }));
    let subject = child(a, ns::SAML, "Subject").or(Some(a));
    let Some(name_id) = summary.name_id.as_deref() else {
        if ic || iam {
            out.at(&NAMEID_MISSING, subject, "the assertion has no Subject/NameID (AWS IAM: 'Not authorized to perform sts:AssumeRoleWithSAML'; IAM Identity Center: 'An unexpected error has occurred')");
        }
        return;
    };
    if name_id.contains("#EXT#") {
        out.at(
            &NAMEID_GUEST,
            subject,
            format!("the NameID `{name_id}` is a guest's #EXT# UPN"),
        );
    }
    if ic {
        let f = summary
            .name_id_format
            .as_deref()
            .unwrap_or("(none: unspecified)");
        if f != EMAIL_FORMAT {
            out.at(
                &NAMEID_FORMAT,
                subject,
                format!("the NameID format is {f}; IAM Identity Center needs {EMAIL_FORMAT}"),
            );
        }
        if !crate::exports::is_addr_spec(name_id) {
            out.at(
                &NAMEID_NOT_EMAIL,
                subject,
                format!("the NameID `{name_id}` is not an email address"),
            );
        }
        if let Some(users) = &ctx.exports.aws_users {
            let mail = first_value(summary, MAIL_CLAIM)
                .map(str::to_string)
                .or_else(|| entra_user(ctx, summary).and_then(|u| u.mail.clone()));
            let folded = crate::exports::fold(name_id);
            if let Some(u) = users.users.iter().find(|u| u.user_name == name_id) {
                out.at(
                    &NAMEID_USER_MATCH,
                    subject,
                    format!(
                        "the NameID equals the IAM Identity Center UserName `{}` ({}: {})",
                        u.user_name, users.file, u.path
                    ),
                );
            } else if let Some(u) = users
                .users
                .iter()
                .find(|u| crate::exports::fold(&u.user_name) == folded)
            {
                out.at(&NAMEID_CASE_ONLY, subject, format!("the NameID `{name_id}` equals the IAM Identity Center UserName `{}` ({}: {}) only when case is ignored", u.user_name, users.file, u.path));
            } else if let Some((m, u)) = mail.as_ref().and_then(|m| {
                let fm = crate::exports::fold(m);
                users
                    .users
                    .iter()
                    .find(|u| crate::exports::fold(&u.user_name) == fm)
                    .map(|u| (m, u))
            }) {
                out.at(&NAMEID_MATCHES_MAIL, subject, format!("the NameID `{name_id}` is no IAM Identity Center UserName, but the user's mail `{m}` is (`{}`, {}: {})", u.user_name, users.file, u.path));
            } else if users.next_token.is_some() {
                notes.push(format!("{}: NextToken is set: the NameID `{name_id}` is on none of the listed users, but the list is partial", users.file));
            } else {
                out.at(&NAMEID_NO_USER, subject, format!("no IAM Identity Center UserName in {} equals the NameID `{name_id}` (AWS: 'An unexpected error has occurred')", users.file));
            }
        }
    }
    // The NameID the claims configuration predicts for this user.
    if ctx.exports.entra_users.is_some() {
        match entra_user(ctx, summary) {
            Some(u) => {
                let default_claims;
                let claims = match &ctx.exports.claims {
                    Some(c) => c,
                    None => {
                        default_claims = if iam {
                            crate::exports::ClaimsConfig::assumed_iam_default()
                        } else {
                            crate::exports::ClaimsConfig::assumed_default()
                        };
                        notes.push("No claims configuration given (--claims): the predicted NameID uses the gallery default (user.userprincipalname).".into());
                        &default_claims
                    }
                };
                match crate::exports::claim_value(claims, crate::exports::NAMEID_CLAIM, u) {
                    Some(crate::exports::ClaimValue::Value { value, source }) if value != name_id => {
                        out.at(&NAMEID_PREDICTION, subject, format!("the claims configuration predicts the NameID `{value}` for {} (from {source}), but `{name_id}` was sent", u.label()));
                    }
                    Some(crate::exports::ClaimValue::Value { .. }) => {}
                    Some(crate::exports::ClaimValue::Empty(w)) => {
                        out.at(&NAMEID_PREDICTION, subject, format!("the claims configuration predicts no NameID for {} ({w}), but `{name_id}` was sent", u.label()));
                    }
                    Some(crate::exports::ClaimValue::Unknown(w)) => notes.push(format!("The NameID for {} cannot be predicted: {w}", u.label())),
                    _ => {}
                }
            }
            None => notes.push("No user of --entra-users matches the response (objectidentifier, name or NameID): the predicted NameID is not compared.".into()),
        }
    }
    if iam {
        iam_checks(subject, ctx, out, summary, notes);
    }
    if ic {
        abac(subject, out, summary);
    }
}

/// The Entra user the response is about: by object id, then by name (UPN), then by NameID.
fn entra_user<'c>(ctx: &'c Ctx<'_>, summary: &Summary) -> Option<&'c crate::exports::EntraUser> {
    let users = &ctx.exports.entra_users.as_ref()?.users;
    if let Some(oid) = first_value(summary, OBJECT_ID_CLAIM) {
        if let Some(u) = users
            .iter()
            .find(|u| u.id.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(oid)))
        {
            return Some(u);
        }
    }
    let fold = crate::exports::fold;
    for v in [first_value(summary, NAME_CLAIM), summary.name_id.as_deref()]
        .into_iter()
        .flatten()
    {
        let f = fold(v);
        if let Some(u) = users
            .iter()
            .find(|u| u.upn.as_deref().is_some_and(|x| fold(x) == f))
        {
            return Some(u);
        }
    }
    None
}

fn iam_checks(
    at: Option<Node<'_, '_>>,
    ctx: &Ctx<'_>,
    out: &mut Out<'_, '_>,
    summary: &Summary,
    notes: &mut Vec<String>,
) {
    let roles = attr(summary, ROLE);
    if roles.is_empty() {
        let near = summary
            .attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(ROLE))
            .map(|a| {
                format!(
                    " (`{}` differs in case: AWS attribute names are case-sensitive)",
                    a.name
                )
            })
            .unwrap_or_default();
        out.at(&ROLE_MISSING, at, format!("no attribute {ROLE}{near}"));
    }
    let mut pairs = Vec::new();
    for v in roles.iter().flat_map(|a| a.values.iter()) {
        match role_pair(v) {
            Ok(p) => pairs.push(p),
            Err(why) => out.at(&ROLE_VALUE, at, format!("the Role value `{v}` {why}")),
        }
    }
    if let Some(role) = &ctx.exports.aws_role {
        if let Some(arn) = &role.arn {
            let named: Vec<&(String, String)> = pairs.iter().filter(|(r, _)| r == arn).collect();
            if named.is_empty() && !pairs.is_empty() {
                notes.push(format!(
                    "The role {arn} of {} is none of the response's Role values: its trust policy is not compared (AWS offers only the roles the response names)",
                    role.file
                ));
            }
            for (_, provider) in named {
                let trusted = role.statements.iter().any(|s| {
                    s.allow
                        && !s.negated
                        && s.federated.iter().any(|f| f == provider)
                        && s.actions
                            .iter()
                            .any(|a| matches!(a.as_str(), "sts:AssumeRoleWithSAML" | "sts:*" | "*"))
                });
                if !trusted {
                    out.at(&ROLE_NOT_TRUSTED, at, format!("the role {arn} ({}) does not allow sts:AssumeRoleWithSAML for the provider {provider} the response names (AWS: 'Not authorized to perform sts:AssumeRoleWithSAML')", role.file));
                }
            }
        }
    }
    let names = attr(summary, SESSION_NAME_ATTR);
    let values: Vec<&String> = names.iter().flat_map(|a| a.values.iter()).collect();
    match values.as_slice() {
        [] => out.at(&SESSION_NAME, at, format!("no {SESSION_NAME_ATTR} value (AWS: 'RoleSessionName is required in AuthnResponse')")),
        [one] => {
            let ok = (2..=64).contains(&one.chars().count())
                && one.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
            if !ok {
                out.at(&SESSION_NAME, at, format!("RoleSessionName `{one}` does not match [a-zA-Z_0-9+=,.@-]{{2,64}}"));
            }
        }
        many => out.at(&SESSION_NAME, at, format!("RoleSessionName has {} values; exactly one is allowed", many.len())),
    }
    let durations: Vec<&String> = attr(summary, SESSION_DURATION_ATTR)
        .iter()
        .flat_map(|a| a.values.iter())
        .collect();
    match durations.as_slice() {
        [] => {}
        [one] => {
            if !one.parse::<i64>().is_ok_and(|d| (900..=43200).contains(&d)) {
                out.at(
                    &SESSION_DURATION,
                    at,
                    format!("SessionDuration `{one}` is not an integer from 900 to 43200"),
                );
            }
        }
        many => out.at(
            &SESSION_DURATION,
            at,
            format!("SessionDuration has {} values; one is allowed", many.len()),
        ),
    }
}

/// `(role ARN, provider ARN)` of a Role value (either order), or why not.
fn role_pair(v: &str) -> Result<(String, String), String> {
    let parts: Vec<&str> = v.split(',').map(str::trim).collect();
    let [x, y] = parts.as_slice() else {
        return Err(format!(
            "has {} comma-separated parts; expected a role ARN and a SAML provider ARN",
            parts.len()
        ));
    };
    let parse = |s: &str| -> Option<(String, String, String)> {
        // arn:PARTITION:iam::ACCOUNT:role/NAME or saml-provider/NAME
        let f: Vec<&str> = s.splitn(6, ':').collect();
        match f.as_slice() {
            ["arn", p, "iam", "", acct, res]
                if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let kind = if res.starts_with("role/") && res.len() > 5 {
                    "role"
                } else if res.starts_with("saml-provider/") && res.len() > 14 {
                    "provider"
                } else {
                    return None;
                };
                Some((p.to_string(), acct.to_string(), kind.to_string()))
            }
            _ => None,
        }
    };
    let (Some(a), Some(b)) = (parse(x), parse(y)) else {
        return Err("is not 'arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME' (either order)".into());
    };
    let (role, provider) = match (a.2.as_str(), b.2.as_str()) {
        ("role", "provider") => (x, y),
        ("provider", "role") => (y, x),
        _ => return Err("does not pair one role ARN with one saml-provider ARN".into()),
    };
    if a.0 != b.0 || a.1 != b.1 {
        return Err(format!("names two accounts or partitions ({}:{} and {}:{}); the SAML provider must be in the role's account", a.0, a.1, b.0, b.1));
    }
    Ok((role.to_string(), provider.to_string()))
}

fn abac(at: Option<Node<'_, '_>>, out: &mut Out<'_, '_>, summary: &Summary) {
    let ac: Vec<&AttributeValues> = summary
        .attributes
        .iter()
        .filter(|a| a.name.starts_with(ACCESS_CONTROL))
        .collect();
    if ac.is_empty() {
        return;
    }
    let mut problems = Vec::new();
    if ac.len() > 50 {
        problems.push(format!(
            "{} AccessControl attributes (at most 50)",
            ac.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for a in &ac {
        let key = a.name.get(ACCESS_CONTROL.len()..).unwrap_or("");
        if !seen.insert(a.name.as_str()) {
            problems.push(format!("`{key}` appears more than once"));
        }
        if a.values.len() != 1 {
            problems.push(format!(
                "`{key}` has {} values (exactly one)",
                a.values.len()
            ));
        }
        if key.chars().count() > 128 || key.is_empty() {
            problems.push(format!(
                "key `{key}` is empty or longer than 128 characters"
            ));
        }
        if a.values.iter().any(|v| v.chars().count() > 256) {
            problems.push(format!("a value of `{key}` is longer than 256 characters"));
        }
    }
    if !problems.is_empty() {
        problems.truncate(20);
        out.at(
            &ABAC_LIMITS,
            at,
            format!("AccessControl attributes: {}", problems.join("; ")),
        );
    }
    let _ = AWS_ATTR;
}

/// Plain words for the AADSTS codes an Entra StatusMessage may carry.
fn explain_aadsts(msg: &str) -> Option<String> {
    let i = msg.find("AADSTS")?;
    let digits: String = msg
        .get(i + 6..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let text = match digits.as_str() {
        "50011" => "the reply URL (ACS URL) in the request is not a Reply URL of the Entra app",
        "700016" => "no Entra app has the Identifier the SP sent as Issuer (wrong tenant, or the Identifier differs from the SP entityID)",
        "75011" => "the authentication method used differs from the RequestedAuthnContext the SP asked for",
        "50105" => "the user is not assigned to the Entra app (Assignment required; nested groups and unactivated PIM memberships do not count)",
        "900236" => "the AuthnRequest carries a property Entra does not support",
        "75005" | "7500514" | "750054" => "the SAML request is malformed or uses the wrong binding",
        "75016" => "the NameIDPolicy format of the request is not one Entra allows",
        "76021" => "the request is not signed although the app requires signed requests",
        "76026" => "the request's IssueInstant is too old (clock skew)",
        "50003" | "50146" => "the Entra app has no (custom) signing key",
        "501241" => "the NameID source is empty for this user",
        "501621" => "a regex claims transformation timed out",
        _ => return Some(format!("AADSTS{digits}: see Microsoft Entra's error code reference")),
    };
    Some(format!("AADSTS{digits}: {text}"))
}
