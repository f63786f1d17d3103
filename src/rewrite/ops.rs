//! Each operation as a planner: read the current tree, push splices and notes.

use super::edit::{self, Kind, Splice};
use super::{EditNote, Op};
use crate::error::Error;
use crate::xml::{self, ns, XmlDoc};
use chrono::SecondsFormat;
use roxmltree::Node;

const HTTP_POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/// The roles a metadata entity can have.
const ROLES: &[&str] = &[
    "SPSSODescriptor",
    "IDPSSODescriptor",
    "AttributeAuthorityDescriptor",
    "AuthnAuthorityDescriptor",
    "PDPDescriptor",
    "RoleDescriptor",
];

/// Checks an operation's arguments before anything is read.
pub(super) fn validate(op: &Op) -> Result<(), Error> {
    match op {
        Op::RemoveCert(t) => thumbprint(t).map(|_| ()),
        Op::Extract(id) => non_empty("entityID", id),
        Op::AddAcs { url, binding, .. } => {
            check_url(url)?;
            binding_uri(binding.as_deref()).map(|_| ())
        }
        Op::ReplaceAcs { old, new } => {
            non_empty("old ACS URL", old)?;
            check_url(new)
        }
        Op::RemoveAcs(u) => non_empty("ACS URL", u),
        Op::SetEntityId(id) => {
            non_empty("entityID", id)?;
            if id.chars().count() > 1024 {
                return Err(Error::input(
                    "the entityID is longer than 1024 characters (SAML metadata 2.3.2 limit)",
                ));
            }
            Ok(())
        }
        Op::SetCacheDuration(d) => match crate::time::parse_duration(d) {
            Some(x) if !x.negative => Ok(()),
            _ => Err(Error::input(format!(
                "{d:?} is not a positive xs:duration (for example PT6H or P1D)"
            ))),
        },
        _ => Ok(()),
    }
}

fn non_empty(what: &str, v: &str) -> Result<(), Error> {
    if v.trim().is_empty() {
        return Err(Error::input(format!("the {what} is empty")));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::input(format!(
            "the {what} {v:?} contains a control character"
        )));
    }
    if v.trim() != v {
        return Err(Error::input(format!(
            "the {what} {v:?} has leading or trailing white space"
        )));
    }
    Ok(())
}

fn check_url(u: &str) -> Result<(), Error> {
    non_empty("URL", u)?;
    url::Url::parse(u)
        .map(|_| ())
        .map_err(|e| Error::input(format!("{u:?} is not an absolute URL: {e}")))
}

/// The binding URI for a short name or URI.
pub(super) fn binding_uri(b: Option<&str>) -> Result<String, Error> {
    let Some(b) = b else {
        return Ok(HTTP_POST.to_string());
    };
    let short = match b.to_ascii_lowercase().as_str() {
        "http-post" | "post" => Some(HTTP_POST),
        "http-redirect" | "redirect" => Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
        "http-artifact" | "artifact" => Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"),
        "paos" => Some("urn:oasis:names:tc:SAML:2.0:bindings:PAOS"),
        _ => None,
    };
    match short {
        Some(s) => Ok(s.to_string()),
        None if b.starts_with("urn:") => {
            non_empty("binding", b)?;
            Ok(b.to_string())
        }
        None => Err(Error::input(format!(
            "unknown binding {b:?} (use HTTP-POST, HTTP-Redirect, HTTP-Artifact, PAOS or a urn: URI)"
        ))),
    }
}

/// Normalises a thumbprint: hex digits only, uppercase; 40 (SHA-1) or 64 (SHA-256).
pub(super) fn thumbprint(t: &str) -> Result<String, Error> {
    let hex: String = t
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) || !(hex.len() == 40 || hex.len() == 64) {
        return Err(Error::input(format!(
            "{t:?} is not a certificate thumbprint: expected 40 (SHA-1) or 64 (SHA-256) hex digits"
        )));
    }
    Ok(hex)
}

/// An element path (see [`crate::xml::element_path`]).
pub(super) fn path(n: Node<'_, '_>) -> String {
    crate::xml::element_path(n)
}

/// One step: the current text and tree, the operation, and what it produces.
pub(super) struct Step<'s, 'd, 'a> {
    pub text: &'s str,
    pub doc: &'d XmlDoc<'a>,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub op: &'s Op,
    pub splices: Vec<Splice>,
    pub notes: &'s mut Vec<EditNote>,
}

impl<'d, 'a> Step<'_, 'd, 'a> {
    fn note(&mut self, n: Option<Node<'_, '_>>, message: String) {
        self.notes.push(EditNote {
            op: self.op.name(),
            path: n.map(path),
            message,
        });
    }

    pub fn run(&mut self) -> Result<(), Error> {
        let op = self.op;
        match op {
            Op::Extract(id) => self.extract(id),
            Op::Saml2Only => self.saml2_only(),
            Op::RemoveExpiredCerts => self.remove_certs(None),
            Op::RemoveCert(t) => self.remove_certs(Some(thumbprint(t)?)),
            Op::ReplaceAcs { old, new } => self.replace_acs(old, new),
            Op::RemoveAcs(url) => self.remove_acs(url),
            Op::AddAcs {
                url,
                binding,
                make_default,
            } => self.add_acs(url, &binding_uri(binding.as_deref())?, *make_default),
            Op::SetEntityId(id) => self.set_entity_id(id),
            Op::SetValidUntil(t) => {
                self.set_root_attr("validUntil", &t.to_rfc3339_opts(SecondsFormat::Secs, true))
            }
            Op::RemoveValidUntil => self.remove_root_attr("validUntil"),
            Op::SetCacheDuration(d) => self.set_root_attr("cacheDuration", d),
            Op::RemoveCacheDuration => self.remove_root_attr("cacheDuration"),
            Op::StripSignature => {
                self.strip_signatures(Kind::StripSignature, "removed");
                Ok(())
            }
            Op::Pretty | Op::Minify => {
                self.format(matches!(op, Op::Pretty));
                Ok(())
            }
            Op::Sign | Op::StripBom => Ok(()),
        }
    }

    fn entities(&self) -> Vec<Node<'d, 'a>> {
        // As the model reads them: the root, or children of the root group and of the
        // groups nested in it. An `EntityDescriptor` anywhere else (inside `Extensions`, or
        // inside a certificate's text) is content, not an entity.
        let mut out = Vec::new();
        let mut stack = vec![self.doc.root()];
        while let Some(n) = stack.pop() {
            if xml::is(n, ns::MD, "EntityDescriptor") {
                out.push(n);
            } else if xml::is(n, ns::MD, "EntitiesDescriptor") {
                let kids: Vec<_> = n.children().filter(|c| c.is_element()).collect();
                stack.extend(kids.into_iter().rev());
            }
        }
        out
    }

    /// The root, which must be an `EntityDescriptor` for single-entity operations.
    fn single_entity(&self) -> Result<Node<'d, 'a>, Error> {
        let root = self.doc.root();
        if xml::is(root, ns::MD, "EntityDescriptor") {
            Ok(root)
        } else {
            Err(Error::input(format!(
                "--{} works on a single entity but the document is an aggregate; add --extract ENTITYID",
                self.op.name()
            )))
        }
    }

    fn extract(&mut self, id: &str) -> Result<(), Error> {
        let found: Vec<_> = self
            .entities()
            .into_iter()
            .filter(|e| edit::plain_attr(*e, "entityID").is_some_and(|a| a.value() == id))
            .collect();
        let ent = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::input(format!(
                    "no EntityDescriptor with entityID {id:?} in the document"
                )))
            }
            _ => {
                return Err(Error::input(format!(
                    "{} EntityDescriptors have entityID {id:?}; cannot choose one",
                    found.len()
                )))
            }
        };
        let root = self.doc.root();
        if ent == root {
            self.note(Some(ent), format!("{id} is already the whole document"));
            return Ok(());
        }
        let Some(parent) = ent.parent_element() else {
            return Ok(());
        };
        // Which c14n the entity's own signature uses decides which declarations to carry.
        let own_sig = ent.children().find(|c| xml::is(*c, ns::DS, "Signature"));
        let inclusive = own_sig.is_some_and(|s| !signature_is_exclusive(s));
        let declared = edit::declared_prefixes(self.text, ent);
        let used = used_prefixes(self.text, ent);
        let mut decls = Vec::new();
        let mut names = Vec::new();
        for nsd in parent.namespaces() {
            let prefix = nsd.name();
            if prefix == Some("xml") {
                continue;
            }
            let owned = prefix.map(str::to_string);
            if declared.contains(&owned) {
                continue;
            }
            if !inclusive && !used.contains(&owned) {
                continue;
            }
            let name = match prefix {
                Some(p) => format!("xmlns:{p}"),
                None => "xmlns".to_string(),
            };
            decls.push(format!(" {}", edit::attr_text(&name, nsd.uri())));
            names.push(prefix.unwrap_or("(default)").to_string());
        }
        // Inclusive c14n also inherits xml:* attributes from ancestors; those cannot be
        // carried over without changing the element, so such a signature breaks.
        let inherits_xml_attrs = ent
            .ancestors()
            .skip(1)
            .any(|a| a.attributes().any(|at| at.namespace() == Some(ns::XML)));
        let kind = if inclusive && inherits_xml_attrs {
            Kind::Content
        } else {
            Kind::Neutral
        };
        let rr = root.range();
        let er = ent.range();
        self.splices
            .push(Splice::remove(rr.start..er.start, Kind::Content));
        self.splices
            .push(Splice::remove(er.end..rr.end, Kind::Content));
        if !decls.is_empty() {
            self.splices.push(Splice::insert(
                edit::after_qname(self.text, ent),
                decls.concat(),
                kind,
            ));
        }
        let carried = if names.is_empty() {
            "no namespace declarations needed from the aggregate".to_string()
        } else {
            format!(
                "namespace declarations carried over from the aggregate: {}",
                names.join(", ")
            )
        };
        self.note(
            Some(ent),
            format!("extracted {id} as a standalone document; {carried}"),
        );
        if own_sig.is_some() && kind == Kind::Neutral {
            let how = if inclusive {
                "every in-scope declaration was carried over, as its inclusive c14n needs"
            } else {
                "exclusive c14n does not see where a declaration is written"
            };
            self.note(
                Some(ent),
                format!("the entity's own signature is kept and still verifies ({how})"),
            );
        }
        Ok(())
    }

    fn saml2_only(&mut self) -> Result<(), Error> {
        for ent in self.entities() {
            let roles: Vec<_> = ent
                .children()
                .filter(|c| {
                    c.tag_name().namespace() == Some(ns::MD) && ROLES.contains(&c.tag_name().name())
                })
                .collect();
            let drop: Vec<_> = roles
                .iter()
                .copied()
                .filter(|r| {
                    r.tag_name().name() == "RoleDescriptor"
                        || !edit::plain_attr(*r, "protocolSupportEnumeration")
                            .is_some_and(|a| a.value().split_whitespace().any(|p| p == ns::SAMLP))
                })
                .collect();
            if drop.is_empty() {
                continue;
            }
            let affiliation = ent
                .children()
                .any(|c| xml::is(c, ns::MD, "AffiliationDescriptor"));
            if drop.len() == roles.len() && !affiliation {
                let id = edit::plain_attr(ent, "entityID").map_or("", |a| a.value());
                return Err(Error::input(format!(
                    "entity {id:?} has no SAML 2.0 role: keeping only SAML 2.0 roles would leave it empty"
                )));
            }
            for r in drop {
                let label = match r.attribute((ns::XSI, "type")) {
                    Some(t) => format!("RoleDescriptor xsi:type=\"{t}\""),
                    None => edit::elem_qname(self.text, r).to_string(),
                };
                self.splices
                    .push(edit::remove_element(self.text, r, Kind::Content));
                self.note(Some(r), format!("removed {label} (not a SAML 2.0 role)"));
            }
        }
        Ok(())
    }

    fn remove_certs(&mut self, thumb: Option<String>) -> Result<(), Error> {
        let at = self.at;
        let matches = |cert: Node<'_, '_>| -> Option<String> {
            let (b64, _) = xml::text_of(cert);
            let der = crate::x509::decode_base64(&b64).ok()?;
            let facts = crate::x509::facts_from_der(&der).ok()?;
            let hit = match &thumb {
                Some(t) => facts.sha1_thumbprint == *t || facts.sha256_fingerprint == *t,
                None => at.is_some_and(|at| facts.not_after < at),
            };
            hit.then(|| {
                format!(
                    "certificate {} (SHA-1 {}, expires {})",
                    facts.subject,
                    facts.sha1_thumbprint,
                    facts.not_after.to_rfc3339_opts(SecondsFormat::Secs, true)
                )
            })
        };
        let mut any = false;
        let kds: Vec<_> = self
            .doc
            .root()
            .descendants()
            .filter(|n| xml::is(*n, ns::MD, "KeyDescriptor"))
            .collect();
        for kd in kds {
            let certs: Vec<_> = kd
                .descendants()
                .filter(|n| xml::is(*n, ns::DS, "X509Certificate"))
                .collect();
            let hits: Vec<_> = certs
                .iter()
                .filter_map(|c| matches(*c).map(|d| (*c, d)))
                .collect();
            if hits.is_empty() {
                continue;
            }
            any = true;
            if hits.len() == certs.len() {
                self.splices
                    .push(edit::remove_element(self.text, kd, Kind::Content));
                for (_, d) in &hits {
                    self.note(Some(kd), format!("removed KeyDescriptor with {d}"));
                }
            } else {
                for (c, d) in &hits {
                    // The X509Data goes too when the certificate is all it holds.
                    let target = match c.parent_element() {
                        Some(x) if x.children().filter(Node::is_element).count() == 1 => x,
                        _ => *c,
                    };
                    self.splices
                        .push(edit::remove_element(self.text, target, Kind::Content));
                    self.note(Some(*c), format!("removed {d}"));
                }
            }
            if let Some(role) = kd.parent_element() {
                let left = role
                    .children()
                    .filter(|k| xml::is(*k, ns::MD, "KeyDescriptor") && *k != kd)
                    .any(|k| k.attribute("use").is_none_or(|u| u.trim() == "signing"))
                    || (hits.len() < certs.len()
                        && kd.attribute("use").is_none_or(|u| u.trim() == "signing"));
                if !left && xml::is(role, ns::MD, "IDPSSODescriptor") {
                    self.note(
                        Some(role),
                        "warning: this IdP role has no signing certificate left".into(),
                    );
                }
            }
        }
        if !any {
            match &thumb {
                Some(t) => {
                    return Err(Error::input(format!(
                        "no KeyDescriptor certificate has thumbprint {t}"
                    )))
                }
                None => self.note(None, "no expired certificate found".into()),
            }
        }
        Ok(())
    }

    fn all_acs(&self) -> Vec<Node<'d, 'a>> {
        self.doc
            .root()
            .descendants()
            .filter(|n| xml::is(*n, ns::MD, "AssertionConsumerService"))
            .collect()
    }

    fn replace_acs(&mut self, old: &str, new: &str) -> Result<(), Error> {
        let mut n = 0;
        for acs in self.all_acs() {
            if let Some(a) = edit::plain_attr(acs, "Location").filter(|a| a.value() == old) {
                if old == new {
                    // Nothing to change: no splice, so a signature over it stays.
                    self.note(Some(acs), format!("Location is already {new}"));
                } else {
                    self.splices.push(edit::set_attr_value(self.text, &a, new)?);
                    self.note(Some(acs), format!("Location {old} -> {new}"));
                }
                n += 1;
            }
        }
        if n == 0 {
            return Err(Error::input(format!(
                "no AssertionConsumerService has Location {old:?}"
            )));
        }
        Ok(())
    }

    fn remove_acs(&mut self, url: &str) -> Result<(), Error> {
        let hits: Vec<_> = self
            .all_acs()
            .into_iter()
            .filter(|a| edit::plain_attr(*a, "Location").is_some_and(|l| l.value() == url))
            .collect();
        if hits.is_empty() {
            return Err(Error::input(format!(
                "no AssertionConsumerService has Location {url:?}"
            )));
        }
        let mut roles: Vec<Node<'_, '_>> = hits.iter().filter_map(|h| h.parent_element()).collect();
        roles.dedup();
        for role in roles {
            let all: Vec<_> = role
                .children()
                .filter(|c| xml::is(*c, ns::MD, "AssertionConsumerService"))
                .collect();
            let (gone, kept): (Vec<_>, Vec<_>) = all.iter().partition(|a| hits.contains(a));
            if kept.is_empty() {
                return Err(Error::input(format!(
                    "removing {url} would leave {} without an AssertionConsumerService (SAML requires one)",
                    path(role)
                )));
            }
            for g in &gone {
                self.splices
                    .push(edit::remove_element(self.text, *g, Kind::Content));
                let idx = g.attribute("index").unwrap_or("?");
                self.note(Some(*g), format!("removed {url} (index {idx})"));
            }
            let was_default = gone.iter().any(|g| is_default(*g));
            if was_default && !kept.iter().any(|k| is_default(*k)) {
                // The default moves to the remaining endpoint with the lowest index.
                let Some(next) = kept
                    .iter()
                    .copied()
                    .min_by_key(|k| index_of(*k).unwrap_or(u32::MAX))
                else {
                    continue;
                };
                match edit::plain_attr(next, "isDefault") {
                    Some(a) => self
                        .splices
                        .push(edit::set_attr_value(self.text, &a, "true")?),
                    None => self
                        .splices
                        .push(edit::add_attr(self.text, next, "isDefault", "true")),
                }
                let loc = next.attribute("Location").unwrap_or("");
                let idx = next.attribute("index").unwrap_or("?");
                self.note(
                    Some(next),
                    format!("the removed endpoint was the default; isDefault moved to {loc} (index {idx})"),
                );
            }
        }
        Ok(())
    }

    fn add_acs(&mut self, url: &str, binding: &str, make_default: bool) -> Result<(), Error> {
        let ent = self.single_entity()?;
        let sps: Vec<_> = ent
            .children()
            .filter(|c| xml::is(*c, ns::MD, "SPSSODescriptor"))
            .collect();
        let sp = match sps.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::input(
                    "the entity has no SPSSODescriptor to add an AssertionConsumerService to",
                ))
            }
            _ => {
                return Err(Error::input(
                    "the entity has more than one SPSSODescriptor; cannot choose one",
                ))
            }
        };
        let acs: Vec<_> = sp
            .children()
            .filter(|c| xml::is(*c, ns::MD, "AssertionConsumerService"))
            .collect();
        if acs.iter().any(|a| {
            a.attribute("Location") == Some(url) && a.attribute("Binding") == Some(binding)
        }) {
            self.note(
                Some(sp),
                format!(
                    "{url} is already an AssertionConsumerService with that binding; nothing added"
                ),
            );
            return Ok(());
        }
        let index = acs
            .iter()
            .filter_map(|a| index_of(*a))
            .max()
            .map_or(0, |m| m.saturating_add(1));
        let qname = match edit::elem_prefix(self.text, sp) {
            Some(p) => format!("{p}:AssertionConsumerService"),
            None => "AssertionConsumerService".to_string(),
        };
        let idx = index.to_string();
        let mut el = quick_xml::events::BytesStart::new(qname.as_str());
        el.push_attribute(("Binding", binding));
        el.push_attribute(("Location", url));
        el.push_attribute(("index", idx.as_str()));
        if make_default {
            el.push_attribute(("isDefault", "true"));
        }
        let mut w = quick_xml::Writer::new(Vec::new());
        w.write_event(quick_xml::events::Event::Empty(el))
            .map_err(|e| Error::input(format!("cannot write the new element: {e}")))?;
        let new = String::from_utf8(w.into_inner())
            .map_err(|_| Error::input("internal error: the new element is not UTF-8"))?;
        if let Some(last) = acs.last() {
            let ws = edit::indent_before(self.text, *last);
            self.splices.push(Splice::insert(
                last.range().end,
                format!("{ws}{new}"),
                Kind::Content,
            ));
        } else if let Some(svc) = sp
            .children()
            .find(|c| xml::is(*c, ns::MD, "AttributeConsumingService"))
        {
            let ws = edit::indent_before(self.text, svc);
            self.splices.push(Splice::insert(
                svc.range().start,
                format!("{new}{ws}"),
                Kind::Content,
            ));
        } else if let Some(last) = sp.children().rfind(Node::is_element) {
            let ws = edit::indent_before(self.text, last);
            self.splices.push(Splice::insert(
                last.range().end,
                format!("{ws}{new}"),
                Kind::Content,
            ));
        } else {
            return Err(Error::input(
                "the SPSSODescriptor has no child elements to place an AssertionConsumerService after",
            ));
        }
        if make_default {
            for a in &acs {
                if let Some(d) = edit::plain_attr(*a, "isDefault").filter(|_| is_default(*a)) {
                    self.splices
                        .push(edit::set_attr_value(self.text, &d, "false")?);
                    let loc = a.attribute("Location").unwrap_or("");
                    self.note(
                        Some(*a),
                        format!("{loc} is no longer the default (isDefault=\"false\")"),
                    );
                }
            }
        }
        let default = if make_default { ", the default" } else { "" };
        self.note(
            Some(sp),
            format!("added AssertionConsumerService {url} (index {index}{default}, {binding})"),
        );
        Ok(())
    }

    fn set_entity_id(&mut self, id: &str) -> Result<(), Error> {
        let ent = self.single_entity()?;
        match edit::plain_attr(ent, "entityID") {
            Some(a) => {
                let old = a.value().to_string();
                if old == id {
                    self.note(Some(ent), format!("the entityID is already {id}"));
                    return Ok(());
                }
                self.splices.push(edit::set_attr_value(self.text, &a, id)?);
                self.note(Some(ent), format!("entityID {old} -> {id}"));
            }
            None => {
                self.splices
                    .push(edit::add_attr(self.text, ent, "entityID", id));
                self.note(Some(ent), format!("entityID set to {id}"));
            }
        }
        Ok(())
    }

    fn set_root_attr(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let root = self.doc.root();
        match edit::plain_attr(root, name) {
            Some(a) if a.value() == value => {
                self.note(Some(root), format!("{name} is already {value}"));
            }
            Some(a) => {
                let old = a.value().to_string();
                self.splices
                    .push(edit::set_attr_value(self.text, &a, value)?);
                self.note(Some(root), format!("{name} {old} -> {value}"));
            }
            None => {
                self.splices
                    .push(edit::add_attr(self.text, root, name, value));
                self.note(Some(root), format!("{name} set to {value}"));
            }
        }
        Ok(())
    }

    fn remove_root_attr(&mut self, name: &str) -> Result<(), Error> {
        let root = self.doc.root();
        match edit::plain_attr(root, name) {
            Some(a) => {
                let old = a.value().to_string();
                self.splices.push(edit::remove_attr(self.text, &a));
                self.note(Some(root), format!("removed {name}=\"{old}\""));
            }
            None => self.note(Some(root), format!("no {name} to remove")),
        }
        Ok(())
    }

    /// Removes every signature; `verb` goes into the notes.
    pub fn strip_signatures(&mut self, kind: Kind, verb: &str) {
        let sigs: Vec<_> = self
            .doc
            .root()
            .descendants()
            .filter(|n| xml::is(*n, ns::DS, "Signature"))
            .filter(|n| {
                !n.ancestors()
                    .skip(1)
                    .any(|a| xml::is(a, ns::DS, "Signature"))
            })
            .collect();
        if sigs.is_empty() {
            self.note(None, "no signature to remove".into());
        }
        for s in sigs {
            self.splices.push(edit::remove_element(self.text, s, kind));
            let of = s
                .parent_element()
                .map(|p| edit::elem_qname(self.text, p).to_string())
                .unwrap_or_default();
            self.note(
                s.parent_element(),
                format!("{verb} the signature of <{of}>"),
            );
        }
    }

    /// Pretty-prints (`pretty`) or minifies: only white-space-only text between elements
    /// changes; tags, comments and values keep their bytes. Elements with text content,
    /// elements whose text the model reads as a value (even when it is only white space
    /// around child elements), elements under `xml:space="preserve"`, and everything
    /// inside them, are left as they are.
    fn format(&mut self, pretty: bool) {
        let nl = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let root = self.doc.root();
        if pretty {
            let head = self.text.get(..root.range().start).unwrap_or("");
            if head.ends_with("?>") {
                self.splices.push(Splice::insert(
                    root.range().start,
                    nl.to_string(),
                    Kind::Content,
                ));
            }
        }
        let ws_only = |k: &Node<'_, '_>| {
            self.text
                .get(k.range())
                .is_some_and(|t| t.chars().all(|c| c.is_ascii_whitespace()))
        };
        let mut changed = 0usize;
        // Elements in document order with their depth. A subtree under
        // `xml:space="preserve"`, under a text-valued element or under an element with
        // text content is not entered: inside it, every space is part of that text.
        let mut stack = vec![(root, 0usize)];
        while let Some((e, depth)) = stack.pop() {
            if e.attribute((ns::XML, "space")) == Some("preserve")
                || crate::model::is_text_valued(e)
            {
                continue;
            }
            let kids: Vec<_> = e.children().collect();
            if kids.iter().any(|k| k.is_text() && !ws_only(k)) {
                continue;
            }
            stack.extend(
                kids.iter()
                    .rev()
                    .filter(|k| k.is_element())
                    .map(|k| (*k, depth + 1)),
            );
            if !kids.iter().any(|k| !k.is_text()) {
                continue;
            }
            // Gaps: before each non-text child, and before the end tag.
            let mut gaps: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
            let mut pending: Option<std::ops::Range<usize>> = None;
            for k in &kids {
                if k.is_text() {
                    pending = Some(k.range());
                } else {
                    let r = pending.take().unwrap_or(k.range().start..k.range().start);
                    gaps.push((r, depth + 1));
                }
            }
            let end = match (pending, kids.last()) {
                (Some(r), _) => r,
                (None, Some(last)) => last.range().end..last.range().end,
                (None, None) => continue,
            };
            gaps.push((end, depth));
            for (r, d) in gaps {
                let want = if pretty {
                    format!("{nl}{}", "  ".repeat(d))
                } else {
                    String::new()
                };
                if self.text.get(r.clone()) != Some(want.as_str()) {
                    changed += 1;
                    self.splices.push(Splice {
                        range: r,
                        text: want,
                        kind: Kind::Content,
                    });
                }
            }
        }
        let what = if pretty { "indented" } else { "minified" };
        self.note(
            None,
            format!("{what} the document ({changed} white-space runs changed; tags and values untouched)"),
        );
    }
}

fn is_default(n: Node<'_, '_>) -> bool {
    n.attribute("isDefault")
        .is_some_and(|v| matches!(v.trim(), "true" | "1"))
}

fn index_of(n: Node<'_, '_>) -> Option<u32> {
    n.attribute("index").and_then(|v| v.trim().parse().ok())
}

/// Whether a signature's SignedInfo and Reference both use exclusive c14n.
fn signature_is_exclusive(sig: Node<'_, '_>) -> bool {
    let Some(si) = xml::child(sig, ns::DS, "SignedInfo") else {
        return false;
    };
    let cm = xml::child(si, ns::DS, "CanonicalizationMethod")
        .and_then(|c| c.attribute("Algorithm"))
        .is_some_and(|a| a.starts_with(ns::EXC_C14N));
    let tr = xml::child(si, ns::DS, "Reference")
        .and_then(|r| xml::child(r, ns::DS, "Transforms"))
        .is_some_and(|t| {
            xml::children(t, ns::DS, "Transform").any(|x| {
                x.attribute("Algorithm")
                    .is_some_and(|a| a.starts_with(ns::EXC_C14N))
            })
        });
    cm && tr
}

/// Prefixes (`None` = default namespace) the subtree uses: element and attribute names,
/// `xsi:type` values, and exclusive c14n `PrefixList`s.
fn used_prefixes(text: &str, ent: Node<'_, '_>) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    let mut add = |p: Option<&str>| {
        let p = p.map(str::to_string);
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for d in ent.descendants().filter(Node::is_element) {
        add(edit::elem_prefix(text, d));
        for a in d.attributes() {
            if let Some((p, _)) = text.get(a.range_qname()).and_then(|q| q.split_once(':')) {
                add(Some(p));
            }
            if a.namespace() == Some(ns::XSI) && a.name() == "type" {
                if let Some((p, _)) = a.value().trim().split_once(':') {
                    add(Some(p));
                }
            }
        }
        if xml::is(d, ns::EXC_C14N, "InclusiveNamespaces") {
            for p in d.attribute("PrefixList").unwrap_or("").split_whitespace() {
                add(if p == "#default" { None } else { Some(p) });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_normalise_or_are_refused() {
        let sha1 = "ab:cd:".to_string() + &"0".repeat(36);
        assert_eq!(
            thumbprint(&sha1).unwrap(),
            format!("ABCD{}", "0".repeat(36))
        );
        assert_eq!(thumbprint(&"f".repeat(64)).unwrap(), "F".repeat(64));
        assert!(thumbprint("abc").is_err());
        assert!(thumbprint(&"g".repeat(40)).is_err());
    }

    #[test]
    fn bindings_by_short_name_or_uri() {
        assert_eq!(binding_uri(None).unwrap(), HTTP_POST);
        assert!(binding_uri(Some("redirect"))
            .unwrap()
            .ends_with("HTTP-Redirect"));
        assert_eq!(binding_uri(Some("urn:x:y")).unwrap(), "urn:x:y");
        assert!(binding_uri(Some("smoke-signals")).is_err());
    }

    #[test]
    fn arguments_are_checked_before_reading() {
        assert!(validate(&Op::AddAcs {
            url: "not a url".into(),
            binding: None,
            make_default: false
        })
        .is_err());
        assert!(validate(&Op::SetEntityId(" x".into())).is_err());
        assert!(validate(&Op::SetEntityId("x".repeat(1025))).is_err());
        assert!(validate(&Op::SetCacheDuration("-PT1H".into())).is_err());
        assert!(validate(&Op::SetCacheDuration("PT1H".into())).is_ok());
        assert!(validate(&Op::RemoveAcs("https://x/\n".into())).is_err());
    }
}
