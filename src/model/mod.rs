//! The metadata model: what a SAML 2.0 metadata document says, each value with its place.
//!
//! Built from the one `roxmltree` tree by [`Metadata::from_doc`]; elements are matched by
//! namespace URI, never by prefix. The model owns its values so findings, diffs and
//! reports can outlive the input.
//!
//! ```
//! let md = samlcheck::parse_metadata(
//!     std::fs::read("tests/fixtures/entra-idp.xml")?,
//!     &samlcheck::Limits::default(),
//! )?;
//! let idp = &md.entities[0];
//! assert!(idp.is_idp());
//! for role in idp.idp_roles() {
//!     for key in role.signing_keys() {
//!         for cert in &key.certificates {
//!             // One line: subject, serial, validity, SHA-256 fingerprint.
//!             println!("{cert}");
//!         }
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;

use crate::error::Pos;
use crate::flavor::Flavor;
use crate::time::XsDuration;
use crate::x509::{CertFacts, CertProblem};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub(crate) use build::is_text_valued;
pub use build::ModelOptions;

/// A value read from an attribute, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Attr {
    /// The (normalized) attribute value.
    pub value: String,
    /// Position of the attribute value.
    pub pos: Pos,
}

/// Text content of an element: all its text concatenated (comments and processing
/// instructions skipped), with whether something interrupted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Text {
    /// The concatenated text.
    pub value: String,
    /// Where the element starts.
    pub pos: Pos,
    /// Element path.
    pub path: String,
    /// Whether a comment or processing instruction split the value.
    pub interrupted: bool,
}

/// A timestamp attribute (`validUntil`): the raw value, where, and the parsed instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Timestamp {
    /// The value as written.
    pub raw: Attr,
    /// The instant, when it parses as `xs:dateTime`.
    pub value: Option<DateTime<Utc>>,
}

/// A `cacheDuration` attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Duration {
    /// The value as written.
    pub raw: Attr,
    /// The duration, when it parses as `xs:duration`.
    pub value: Option<XsDuration>,
}

/// Where an element stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Place {
    /// Position of the start tag.
    pub pos: Pos,
    /// Element path, e.g. `/EntitiesDescriptor/EntityDescriptor[3]/SPSSODescriptor`.
    pub path: String,
    /// Byte range of the element in the decoded text.
    #[serde(skip)]
    pub range: std::ops::Range<usize>,
}

/// A `ds:Signature` element found as a child of a descriptor (not verified here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignaturePresence {
    /// Where it is.
    pub place: Place,
    /// `Reference/@URI`, if readable.
    pub reference_uri: Option<String>,
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Metadata {
    /// Facts about the raw input.
    pub source: crate::xml::SourceInfo,
    /// Whether the root is an `EntitiesDescriptor`.
    pub is_aggregate: bool,
    /// Every `EntitiesDescriptor`, in document order; the root one first.
    pub groups: Vec<EntitiesDescriptor>,
    /// Every `EntityDescriptor`, in document order.
    pub entities: Vec<EntityDescriptor>,
    /// Every `ID` attribute value in the document with where it stands (any element).
    pub ids: Vec<Attr>,
    /// Comments or processing instructions that split a value, anywhere.
    pub split_values: Vec<Place>,
}

/// An `EntitiesDescriptor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EntitiesDescriptor {
    /// `Name`.
    pub name: Option<Attr>,
    /// `ID`.
    pub id: Option<Attr>,
    /// `validUntil`.
    pub valid_until: Option<Timestamp>,
    /// `cacheDuration`.
    pub cache_duration: Option<Duration>,
    /// A `ds:Signature` child.
    pub signature: Option<SignaturePresence>,
    /// Index of the enclosing group in [`Metadata::groups`].
    pub parent: Option<usize>,
    /// Extensions (registration info, entity attributes).
    pub extensions: Extensions,
    /// Where.
    pub place: Place,
}

/// An `EntityDescriptor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EntityDescriptor {
    /// `entityID` (absent only in broken files).
    pub entity_id: Option<Attr>,
    /// `ID`.
    pub id: Option<Attr>,
    /// `validUntil`.
    pub valid_until: Option<Timestamp>,
    /// `cacheDuration`.
    pub cache_duration: Option<Duration>,
    /// A `ds:Signature` child.
    pub signature: Option<SignaturePresence>,
    /// Index of the enclosing group in [`Metadata::groups`].
    pub group: Option<usize>,
    /// Role descriptors, in document order.
    pub roles: Vec<Role>,
    /// `AffiliationDescriptor` present.
    pub affiliation: bool,
    /// Organization.
    pub organization: Option<Organization>,
    /// Contact persons.
    pub contacts: Vec<Contact>,
    /// Extensions.
    pub extensions: Extensions,
    /// What kind of deployment this is (AWS, Entra, ADFS, generic), from the data.
    pub flavor: Flavor,
    /// Where.
    pub place: Place,
}

impl EntityDescriptor {
    /// The entityID, or `""` when missing.
    pub fn entity_id(&self) -> &str {
        self.entity_id.as_ref().map_or("", |a| a.value.as_str())
    }

    /// The SP SSO roles.
    pub fn sp_roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.iter().filter(|r| r.kind == RoleKind::SpSso)
    }

    /// The IdP SSO roles.
    pub fn idp_roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.iter().filter(|r| r.kind == RoleKind::IdpSso)
    }

    /// Whether the entity has an SP SSO role.
    pub fn is_sp(&self) -> bool {
        self.sp_roles().next().is_some()
    }

    /// Whether the entity has an IdP SSO role.
    pub fn is_idp(&self) -> bool {
        self.idp_roles().next().is_some()
    }
}

/// The kind of a role descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RoleKind {
    /// `SPSSODescriptor`.
    SpSso,
    /// `IDPSSODescriptor`.
    IdpSso,
    /// `AttributeAuthorityDescriptor`.
    AttributeAuthority,
    /// `AuthnAuthorityDescriptor`.
    AuthnAuthority,
    /// `PDPDescriptor`.
    Pdp,
    /// WS-Federation `RoleDescriptor xsi:type="fed:SecurityTokenServiceType"`.
    WsFedSecurityTokenService,
    /// WS-Federation `RoleDescriptor xsi:type="fed:ApplicationServiceType"`.
    WsFedApplicationService,
    /// Another `RoleDescriptor` extension type (`{namespace}local` of its `xsi:type`).
    Other(String),
}

impl RoleKind {
    /// The element name used in reports.
    pub fn label(&self) -> String {
        match self {
            RoleKind::SpSso => "SPSSODescriptor".into(),
            RoleKind::IdpSso => "IDPSSODescriptor".into(),
            RoleKind::AttributeAuthority => "AttributeAuthorityDescriptor".into(),
            RoleKind::AuthnAuthority => "AuthnAuthorityDescriptor".into(),
            RoleKind::Pdp => "PDPDescriptor".into(),
            RoleKind::WsFedSecurityTokenService => {
                "RoleDescriptor (fed:SecurityTokenServiceType)".into()
            }
            RoleKind::WsFedApplicationService => {
                "RoleDescriptor (fed:ApplicationServiceType)".into()
            }
            RoleKind::Other(t) => format!("RoleDescriptor ({t})"),
        }
    }

    /// Whether this is a WS-Federation role.
    pub fn is_wsfed(&self) -> bool {
        matches!(
            self,
            RoleKind::WsFedSecurityTokenService | RoleKind::WsFedApplicationService
        )
    }
}

/// A role descriptor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Role {
    /// Which role.
    pub kind: RoleKind,
    /// `protocolSupportEnumeration`, as written.
    pub protocols_attr: Option<Attr>,
    /// The protocol URIs, split on white space.
    pub protocols: Vec<String>,
    /// `validUntil`.
    pub valid_until: Option<Timestamp>,
    /// `cacheDuration`.
    pub cache_duration: Option<Duration>,
    /// `errorURL`.
    pub error_url: Option<Attr>,
    /// Key descriptors.
    pub keys: Vec<KeyDescriptor>,
    /// `NameIDFormat` values.
    pub nameid_formats: Vec<Text>,
    /// Endpoints of every kind, in document order.
    pub endpoints: Vec<Endpoint>,
    /// `AuthnRequestsSigned` (SP).
    pub authn_requests_signed: Option<Attr>,
    /// `WantAssertionsSigned` (SP).
    pub want_assertions_signed: Option<Attr>,
    /// `WantAuthnRequestsSigned` (IdP).
    pub want_authn_requests_signed: Option<Attr>,
    /// `AttributeConsumingService` (SP).
    pub attribute_consuming_services: Vec<AttributeConsumingService>,
    /// `saml:Attribute` offered (IdP, attribute authority).
    pub attributes: Vec<SamlAttribute>,
    /// WS-Federation `ClaimTypesOffered` / `ClaimTypesRequested` URIs.
    pub claim_types: Vec<Attr>,
    /// WS-Federation `TargetScopes` addresses.
    pub target_scopes: Vec<Text>,
    /// Extensions of the role (mdui).
    pub extensions: Extensions,
    /// Where.
    pub place: Place,
}

impl Role {
    /// Endpoints of one kind.
    pub fn endpoints_of(&self, kind: EndpointKind) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(move |e| e.kind == kind)
    }

    /// Keys usable for signing (`use="signing"` or no `use`).
    pub fn signing_keys(&self) -> impl Iterator<Item = &KeyDescriptor> {
        self.keys.iter().filter(|k| k.usage.signing())
    }

    /// Whether it lists SAML 2.0 in `protocolSupportEnumeration`.
    pub fn supports_saml2(&self) -> bool {
        self.protocols.iter().any(|p| p == crate::xml::ns::SAMLP)
    }
}

/// Endpoint kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum EndpointKind {
    /// `AssertionConsumerService`.
    AssertionConsumerService,
    /// `SingleSignOnService`.
    SingleSignOnService,
    /// `SingleLogoutService`.
    SingleLogoutService,
    /// `ArtifactResolutionService`.
    ArtifactResolutionService,
    /// `ManageNameIDService`.
    ManageNameIdService,
    /// `NameIDMappingService`.
    NameIdMappingService,
    /// `AssertionIDRequestService`.
    AssertionIdRequestService,
    /// `AttributeService`.
    AttributeService,
    /// `AuthnQueryService`.
    AuthnQueryService,
    /// `AuthzService`.
    AuthzService,
    /// `idpdisc:DiscoveryResponse`.
    DiscoveryResponse,
    /// `init:RequestInitiator`.
    RequestInitiator,
    /// WS-Federation `PassiveRequestorEndpoint`.
    PassiveRequestorEndpoint,
    /// WS-Federation `SecurityTokenServiceEndpoint`.
    SecurityTokenServiceEndpoint,
    /// WS-Federation `ApplicationServiceEndpoint`.
    ApplicationServiceEndpoint,
    /// WS-Federation `SingleSignOutNotificationEndpoint`.
    SingleSignOutNotificationEndpoint,
}

impl EndpointKind {
    /// The element's local name.
    pub fn name(self) -> &'static str {
        match self {
            EndpointKind::AssertionConsumerService => "AssertionConsumerService",
            EndpointKind::SingleSignOnService => "SingleSignOnService",
            EndpointKind::SingleLogoutService => "SingleLogoutService",
            EndpointKind::ArtifactResolutionService => "ArtifactResolutionService",
            EndpointKind::ManageNameIdService => "ManageNameIDService",
            EndpointKind::NameIdMappingService => "NameIDMappingService",
            EndpointKind::AssertionIdRequestService => "AssertionIDRequestService",
            EndpointKind::AttributeService => "AttributeService",
            EndpointKind::AuthnQueryService => "AuthnQueryService",
            EndpointKind::AuthzService => "AuthzService",
            EndpointKind::DiscoveryResponse => "DiscoveryResponse",
            EndpointKind::RequestInitiator => "RequestInitiator",
            EndpointKind::PassiveRequestorEndpoint => "PassiveRequestorEndpoint",
            EndpointKind::SecurityTokenServiceEndpoint => "SecurityTokenServiceEndpoint",
            EndpointKind::ApplicationServiceEndpoint => "ApplicationServiceEndpoint",
            EndpointKind::SingleSignOutNotificationEndpoint => "SingleSignOutNotificationEndpoint",
        }
    }

    /// Whether this is a WS-Federation (WS-Addressing EPR) endpoint.
    pub fn is_wsfed(self) -> bool {
        matches!(
            self,
            EndpointKind::PassiveRequestorEndpoint
                | EndpointKind::SecurityTokenServiceEndpoint
                | EndpointKind::ApplicationServiceEndpoint
                | EndpointKind::SingleSignOutNotificationEndpoint
        )
    }
}

/// An endpoint (SAML `EndpointType` / `IndexedEndpointType`, or a WS-Federation EPR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Endpoint {
    /// Which endpoint.
    pub kind: EndpointKind,
    /// `Binding` (SAML endpoints).
    pub binding: Option<Attr>,
    /// `Location`, or the EPR `Address` for WS-Federation.
    pub location: Option<Attr>,
    /// `ResponseLocation`.
    pub response_location: Option<Attr>,
    /// `index` as written.
    pub index: Option<Attr>,
    /// `isDefault` as written.
    pub is_default: Option<Attr>,
    /// Where.
    pub place: Place,
}

impl Endpoint {
    /// The binding URI, or `""`.
    pub fn binding(&self) -> &str {
        self.binding.as_ref().map_or("", |a| a.value.as_str())
    }

    /// The location, or `""`.
    pub fn location(&self) -> &str {
        self.location.as_ref().map_or("", |a| a.value.as_str())
    }

    /// `index` as a number, when it is one.
    pub fn index(&self) -> Option<u32> {
        self.index
            .as_ref()
            .and_then(|a| a.value.trim().parse().ok())
    }

    /// Whether `isDefault` is true (`true` or `1`).
    pub fn is_default(&self) -> bool {
        self.is_default
            .as_ref()
            .is_some_and(|a| matches!(a.value.trim(), "true" | "1"))
    }
}

/// What a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyUse {
    /// `use="signing"`.
    Signing,
    /// `use="encryption"`.
    Encryption,
    /// No `use`: both signing and encryption (SAML metadata 2.4.1.1).
    Both,
    /// Some other value (schema-invalid).
    Invalid,
}

impl KeyUse {
    /// Usable for signing.
    pub fn signing(self) -> bool {
        matches!(self, KeyUse::Signing | KeyUse::Both)
    }

    /// Usable for encryption.
    pub fn encryption(self) -> bool {
        matches!(self, KeyUse::Encryption | KeyUse::Both)
    }
}

/// A `KeyDescriptor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KeyDescriptor {
    /// What it is for.
    pub usage: KeyUse,
    /// `use` as written.
    pub use_attr: Option<Attr>,
    /// Certificates (`ds:X509Data/ds:X509Certificate`).
    pub certificates: Vec<Certificate>,
    /// `ds:KeyName` values.
    pub key_names: Vec<Text>,
    /// Whether a `ds:KeyValue` (bare key) is present.
    pub has_key_value: bool,
    /// `EncryptionMethod/@Algorithm` values.
    pub encryption_methods: Vec<Attr>,
    /// Where.
    pub place: Place,
}

/// One `X509Certificate`.
///
/// `Debug` is concise (subject, issuer, serial, validity, SHA-256 fingerprint, DER length;
/// no byte dump), and `Display` is one line that honours width and alignment.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Certificate {
    /// The base64 text.
    pub text: Text,
    /// The DER bytes, when the base64 decodes.
    #[serde(skip)]
    pub der: Vec<u8>,
    /// The facts, or why there are none.
    pub facts: Result<CertFacts, CertProblem>,
}

/// An `AttributeConsumingService`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AttributeConsumingService {
    /// `index`.
    pub index: Option<Attr>,
    /// `isDefault`.
    pub is_default: Option<Attr>,
    /// `ServiceName` values.
    pub service_names: Vec<Text>,
    /// Requested attributes.
    pub requested: Vec<SamlAttribute>,
    /// Where.
    pub place: Place,
}

/// A `saml:Attribute` or `md:RequestedAttribute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SamlAttribute {
    /// `Name`.
    pub name: Option<Attr>,
    /// `NameFormat`.
    pub name_format: Option<Attr>,
    /// `FriendlyName`.
    pub friendly_name: Option<Attr>,
    /// `isRequired` (requested attributes).
    pub is_required: Option<Attr>,
    /// `AttributeValue` texts.
    pub values: Vec<Text>,
    /// Where.
    pub place: Place,
}

/// `Organization`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Organization {
    /// `OrganizationName` values.
    pub names: Vec<Text>,
    /// `OrganizationDisplayName` values.
    pub display_names: Vec<Text>,
    /// `OrganizationURL` values.
    pub urls: Vec<Text>,
    /// Where.
    pub place: Place,
}

/// `ContactPerson`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Contact {
    /// `contactType`.
    pub contact_type: Option<Attr>,
    /// `Company`.
    pub company: Option<Text>,
    /// `GivenName`.
    pub given_name: Option<Text>,
    /// `SurName`.
    pub sur_name: Option<Text>,
    /// `EmailAddress` values.
    pub emails: Vec<Text>,
    /// `TelephoneNumber` values.
    pub phones: Vec<Text>,
    /// Where.
    pub place: Place,
}

/// The common metadata extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[non_exhaustive]
pub struct Extensions {
    /// `mdui:UIInfo/mdui:DisplayName` values (with `xml:lang`, if any, in `lang`).
    pub display_names: Vec<(Option<String>, Text)>,
    /// `mdrpi:RegistrationInfo/@registrationAuthority`.
    pub registration_authority: Option<Attr>,
    /// `mdrpi:RegistrationInfo/@registrationInstant`.
    pub registration_instant: Option<Attr>,
    /// `mdattr:EntityAttributes` attributes.
    pub entity_attributes: Vec<SamlAttribute>,
    /// `shibmd:Scope` values.
    pub scopes: Vec<Text>,
    /// Whether an `Extensions` element is present.
    pub present: bool,
}

impl Metadata {
    /// Builds the model from a parsed document with default options.
    ///
    /// Fails when the root is not `md:EntityDescriptor` or `md:EntitiesDescriptor`.
    pub fn from_doc(
        doc: &crate::xml::XmlDoc<'_>,
        source: &crate::xml::SourceInfo,
    ) -> Result<Metadata, crate::Error> {
        build::build(doc, doc.root(), source, &ModelOptions::default())
    }

    /// Builds the model from one element of a parsed document (for example the element a
    /// verified signature covers).
    pub fn from_node(
        doc: &crate::xml::XmlDoc<'_>,
        node: roxmltree::Node<'_, '_>,
        source: &crate::xml::SourceInfo,
        opts: &ModelOptions,
    ) -> Result<Metadata, crate::Error> {
        build::build(doc, node, source, opts)
    }

    /// The entity with this entityID.
    pub fn entity(&self, entity_id: &str) -> Option<&EntityDescriptor> {
        self.entities.iter().find(|e| e.entity_id() == entity_id)
    }

    /// Every entityID, in document order (as reports list them).
    pub fn entity_ids(&self) -> Vec<String> {
        self.entities
            .iter()
            .map(|e| e.entity_id().to_string())
            .collect()
    }
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Certificate");
        match &self.facts {
            Ok(c) => d
                .field("subject", &c.subject)
                .field("issuer", &c.issuer)
                .field("serial", &c.serial)
                .field("not_before", &c.not_before)
                .field("not_after", &c.not_after)
                .field("sha256", &c.sha256_fingerprint),
            Err(p) => d.field("problem", p),
        };
        d.field("der_len", &self.der.len())
            .field("pos", &self.text.pos)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for Certificate {
    /// `CN=idp, serial 01:02, valid 2024-01-01 to 2027-01-01, SHA-256 AB12...`, or why
    /// the certificate is unusable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::padded(f, |f| match &self.facts {
            Ok(c) => write!(
                f,
                "{}, serial {}, valid {} to {}, SHA-256 {}",
                c.subject,
                c.serial,
                c.not_before.format("%Y-%m-%d"),
                c.not_after.format("%Y-%m-%d"),
                c.sha256_fingerprint
            ),
            Err(p) => write!(f, "unusable certificate: {p}"),
        })
    }
}
