//! Namespace URIs. Elements are always matched by URI, never by prefix.

/// SAML 2.0 metadata.
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// SAML 2.0 assertion.
pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 protocol (also the value of `protocolSupportEnumeration`).
pub const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// XML Signature.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// XML Signature 1.1.
pub const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
/// XML Encryption.
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// XML Schema instance.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// WS-Federation.
pub const FED: &str = "http://docs.oasis-open.org/wsfed/federation/200706";
/// WS-Federation authorization (claim types).
pub const AUTH: &str = "http://docs.oasis-open.org/wsfed/authorization/200706";
/// WS-Addressing.
pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
/// Metadata UI extensions.
pub const MDUI: &str = "urn:oasis:names:tc:SAML:metadata:ui";
/// Metadata registration and publication info.
pub const MDRPI: &str = "urn:oasis:names:tc:SAML:metadata:rpi";
/// Metadata entity attributes.
pub const MDATTR: &str = "urn:oasis:names:tc:SAML:metadata:attribute";
/// Shibboleth metadata extensions (Scope).
pub const SHIBMD: &str = "urn:mace:shibboleth:metadata:1.0";
/// Exclusive XML canonicalization.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// The XML namespace.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
