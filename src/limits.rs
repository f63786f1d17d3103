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
    // Checked in the pre-scan, before roxmltree builds the tree.
    /// Most attributes on one element, namespace declarations not counted. Default 256:
    /// the files in the corpus of real metadata (aggregates included) carry at most 6, SAML
    /// metadata elements define at most about 10. roxmltree checks each attribute against
    /// the earlier ones of its element (quadratic in this number), so it is checked before
    /// the tree is built.
    pub max_attributes_per_element: u32,
    /// Most namespace declarations (`xmlns`, `xmlns:p`) on one element. Default 64: real
    /// metadata declares at most about 20 on one element (19 in the corpus of real files,
    /// aggregates included). roxmltree checks each declaration against the earlier ones of
    /// its element (quadratic in this number).
    pub max_namespaces_per_element: u32,
    /// Most namespace prefixes in scope at one element (declared on it or an ancestor; a
    /// re-declared prefix counts once). Default 64: at most 19 in the corpus of real files;
    /// a federation aggregate declares about 10 on its root and 10 to 20 per entity, mostly
    /// the same prefixes. roxmltree copies the prefixes in scope into every element that
    /// declares one, comparing each with those copied so far (this number squared, per
    /// element), and searches them for every prefixed name; the cap keeps that linear in
    /// the input (at 256 a 1 MB file of such elements took 4 s).
    pub max_namespaces_in_scope: u32,
    // Canonicalization and signature verification cost.
    /// Most canonical bytes one signature reference (or `SignedInfo`) may produce, as a
    /// multiple of the document's size in bytes. Default 8: the canonical form of real
    /// metadata is about the size of its input (each of the 133 files of the test corpus,
    /// aggregates included, whole or by signed element, stays under 1.2 times: empty
    /// elements written out and namespace declarations repeated on the elements that use
    /// them are what makes it grow). Only crafted input (a long namespace URI re-declared
    /// on thousands of elements) goes further. Past it verification stops with
    /// [`Error::LimitExceeded`](crate::Error::LimitExceeded).
    pub max_c14n_output_factor: u64,
    /// Most canonical bytes one signature reference (or `SignedInfo`) may produce, whatever
    /// the document's size. Default 2 GiB: four times the largest input accepted
    /// ([`Limits::max_bytes`]), and about ten times a 200 MB / 50,000-entity aggregate;
    /// canonicalizing and hashing it takes a few seconds.
    pub max_c14n_output_bytes: u64,
    /// Canonicalization work units (canonical bytes plus namespace steps) all signatures of
    /// a document may cost together, as a multiple of the document's size in bytes, plus
    /// 1 MiB. Default 4: a signed aggregate whose entities are signed too canonicalizes its
    /// content about twice. Signatures met once the budget is spent are reported as not
    /// checked (`dsig.profile`), not as an error: the root element's signature, checked
    /// first, still decides the verdict.
    pub max_c14n_work_factor: u64,
    /// Most prefixes in one `InclusiveNamespaces PrefixList`. Default 256: real lists name a
    /// handful (`xs`, `#default saml ds xs xsi`; one in the test corpus). Past it:
    /// [`Error::LimitExceeded`](crate::Error::LimitExceeded).
    pub max_prefix_list: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 512 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 40_000_000,
            max_attribute_len: 1024 * 1024,
            max_text_len: 16 * 1024 * 1024,
            // Checked in the pre-scan, before roxmltree builds the tree.
            max_attributes_per_element: 256,
            max_namespaces_per_element: 64,
            max_namespaces_in_scope: 64,
            // Canonicalization and signature verification cost.
            max_c14n_output_factor: 8,
            max_c14n_output_bytes: 2 * 1024 * 1024 * 1024,
            max_c14n_work_factor: 4,
            max_prefix_list: 256,
        }
    }
}
