//! Resource limits for untrusted input, with documented defaults.

/// Limits applied while reading untrusted XML. Every limit is checked before or while the
/// tree is built; exceeding one is [`Error::LimitExceeded`](crate::Error::LimitExceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes. Default 512 MiB: the largest federation
    /// aggregates in use (eduGAIN, InCommon) are under 300 MB, so this leaves room while
    /// still bounding memory (the tree costs a few times the input).
    pub max_bytes: u64,
    /// Deepest element nesting accepted. Default 256: real metadata nests fewer than 20
    /// levels (EntitiesDescriptor > EntityDescriptor > role > KeyDescriptor > KeyInfo >
    /// X509Data > X509Certificate), nested aggregates add a few more; 256 is far above any
    /// real file and far below what could exhaust a stack.
    pub max_depth: u32,
    /// Most nodes (elements, text, comments, processing instructions) in the tree.
    /// Default 40,000,000: a 300 MB aggregate has about 15 million nodes.
    pub max_nodes: u32,
    /// Longest attribute value, in bytes. Default 1 MiB: the longest real attribute values
    /// (data: URIs for logos in mdui:Logo are text, entity IDs and URLs are short) are far
    /// below it.
    pub max_attribute_len: u64,
    /// Longest run of character data between two markup tags, in bytes. Default 16 MiB:
    /// base64 certificates and logos are at most a few hundred KiB.
    pub max_text_len: u64,
    // #15 reader
    /// Most attributes on one element, namespace declarations not counted. Default 256:
    /// the files in the corpus of real metadata (aggregates included) carry at most 6, SAML
    /// metadata elements define at most about 10. roxmltree checks each attribute against
    /// the earlier ones of its element (quadratic in this number), so it is checked before
    /// the tree is built.
    pub max_attributes_per_element: u32,
    /// Most namespace declarations (`xmlns`, `xmlns:p`) on one element. Default 128: real
    /// metadata declares at most about 20 on one element (19 in the corpus). roxmltree
    /// checks each declaration against the earlier ones of its element (quadratic).
    pub max_namespaces_per_element: u32,
    /// Most namespace declarations in scope at one element: the declarations on it and on
    /// all its ancestors, a re-declared prefix counted again. Default 256: the corpus has at
    /// most 19, and a federation aggregate declares about 10 on its root and 10 to 20 per
    /// entity. roxmltree copies the inherited declarations into every element that declares
    /// one and searches them for every prefixed name, so its work is this number times the
    /// number of elements; the cap keeps that linear in the input.
    pub max_namespaces_in_scope: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 512 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 40_000_000,
            max_attribute_len: 1024 * 1024,
            max_text_len: 16 * 1024 * 1024,
            // #15 reader
            max_attributes_per_element: 256,
            max_namespaces_per_element: 128,
            max_namespaces_in_scope: 256,
        }
    }
}
