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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 512 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 40_000_000,
            max_attribute_len: 1024 * 1024,
            max_text_len: 16 * 1024 * 1024,
        }
    }
}
