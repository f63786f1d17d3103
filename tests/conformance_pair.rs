//! Conformance of the pair check on real files: every IdP file in ../shared/corpus paired with
//! a real AWS IAM Identity Center SP file, at a fixed instant, gives exactly the error codes
//! this table records (pair findings and the single-file findings a pair report keeps, as
//! `samlcheck SP IDP` reports them). A file PROVENANCE.tsv marks valid gets an error only where
//! the table says why. Skips (with a message) when the corpus is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use samlcheck::exports::PairInputs;
use samlcheck::lint::{lint_document, LintOptions};
use samlcheck::pair::{self, PairOptions, Side};
use samlcheck::{Finding, Limits, Severity, Trust};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The instant every row is judged at.
const AT: &str = "2026-12-01T00:00:00Z";

/// The real IAM Identity Center SP metadata (ap-northeast-1) every IdP is paired with.
const SP: &str = "1-aws-identity-center/aws_ic_sp__apne1_d-9567b34c60__extracted.xml";

/// Why an error is expected on a file PROVENANCE.tsv marks valid.
const EXPIRED: &str = "every signing certificate has expired at AT";
const TEST_CERTS: &str = "test fixture with placeholder certificates that are not X.509 (x509.unparseable), so no usable signing certificate";

struct Row {
    /// Folder and file under the corpus.
    file: &'static str,
    /// `--idp-entity` for files with several IdPs.
    idp_entity: Option<&'static str>,
    /// The error codes, sorted; `None` when the file holds no IdP that can be chosen.
    errors: Option<&'static [&'static str]>,
    /// Why those errors are right (required when the file is marked valid and errors exist).
    why: &'static str,
}

const fn row(
    file: &'static str,
    errors: Option<&'static [&'static str]>,
    why: &'static str,
) -> Row {
    Row {
        file,
        idp_entity: None,
        errors,
        why,
    }
}

const CERT_ERRS: &[&str] = &["pair.idp_cert.expired", "pair.idp_cert.none_valid"];

fn table() -> Vec<Row> {
    vec![
        // ---- IAM Identity Center acting as IdP: AWS's own metadata is clean.
        row("1-aws-identity-center/aws_ic_idp__sourcefuse__portal_sso_us-east-1.xml", Some(&[]), ""),
        row("1-aws-identity-center/aws_ic_idp__sourcefuse__variables_tf_default__extracted.xml", Some(&[]), ""),
        // ---- ADFS
        // The expired token-decrypting certificate is a warning (x509.expired_idp_encryption).
        row("3-entra/adfs__YAMABASS80__ja.xml", Some(CERT_ERRS), "the token-signing certificate has expired at AT"),
        row("3-entra/adfs__dtuait__dtu.xml", Some(&[]), ""),
        // The expired token-decrypting certificate is a warning (x509.expired_idp_encryption).
        row("3-entra/adfs__omebarki__bpce.xml", Some(CERT_ERRS), "the token-signing certificate has expired at AT"),
        // ---- Entra
        row("3-entra/entra_common__ErikGrootoonk__2026-02-17.xml", Some(&["pair.idp.tenant_independent"]),
            "the tenant-independent document ({tenantid}): no tenant's issuer, no app signing certificate"),
        row("3-entra/entra_common__ErikGrootoonk__2026-02-19.xml", Some(&["pair.idp.tenant_independent"]),
            "the tenant-independent document ({tenantid}): no tenant's issuer, no app signing certificate"),
        row("3-entra/entra_pretty__garashis.xml", Some(&["dsig.digest_mismatch", "pair.idp_cert.expired", "pair.idp_cert.none_valid"]),
            "pretty-printed by its user, so Microsoft's signature no longer verifies (PROVENANCE expects the failure); the app certificate has expired at AT"),
        // App-level metadata with a rollover left behind (an expired and a valid certificate):
        // a warning, no error.
        row("3-entra/entra_tenant81c1df79__ggtristams.xml", Some(&[]), ""),
        row("3-entra/entra_tenant8b966979__JmFixit_good.xml", Some(&["pair.idp.entra_tenant_metadata", "pair.idp_cert.expired", "pair.idp_cert.none_valid"]),
            "tenant-wide federation metadata (tenant token-signing keys, no application certificate): AWS could not verify an Enterprise app's responses; the tenant keys in this copy have expired at AT"),
        row("3-entra/entra_tenant8bd6e98d__xml-crypto_wsfederation_metadata.xml", Some(&["pair.idp.entra_tenant_metadata", "pair.idp_cert.expired", "pair.idp_cert.none_valid"]),
            "tenant-wide federation metadata (tenant token-signing keys, no application certificate); its keys have expired at AT"),
        // ---- other IdPs
        row("4-other-idp-sp/crewjam__google_IDPMetadata.xml", Some(&["pair.idp_cert.expired", "pair.idp_cert.none_valid"]),
            EXPIRED),
        row("4-other-idp-sp/crewjam__okta_IDPMetadata.xml", Some(&[]), ""),
        row("4-other-idp-sp/crewjam__onelogin_IDPMetadata.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/crewjam__samltest_id_IDPMetadata.xml", Some(&[]), ""),
        row("4-other-idp-sp/crewjam__secureworks_idp_metadata.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/crewjam__spn_entityid_metadata.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/google__ggtristams__GoogleIDPMetadata.xml", Some(&["pair.idp_cert.expired", "pair.idp_cert.none_valid"]),
            EXPIRED),
        row("4-other-idp-sp/google__ggtristams__GoogleIDPMetadataPortJ.xml", Some(&[]), ""),
        row("4-other-idp-sp/google__ggtristams__test-1.xml", Some(&[]), ""),
        // Keycloak's realm descriptor says WantAuthnRequestsSigned="true" for every client:
        // a warning naming the per-client setting, no error.
        row("4-other-idp-sp/keycloak__sourcefuse__realm_master.xml", Some(&[]), ""),
        row("4-other-idp-sp/pyFF__src__pyff__test__data__eidas__countries__FR.xml", None, "not SAML metadata (an eIDAS MetadataList)"),
        row("4-other-idp-sp/pyFF__src__pyff__test__data__metadata__sharav.abes.fr.xml", Some(&[]), ""),
        row("4-other-idp-sp/pyFF__src__pyff__test__data__metadata__test01.xml", Some(&["md.role.no_signing_key", "pair.idp_cert.missing"]),
            "the IdP role has no signing certificate at all: AWS cannot verify a response"),
        row("4-other-idp-sp/pyFF__src__pyff__test__data__simple-pipeline__idp.aco.net.xml", Some(&[]), ""),
        row("4-other-idp-sp/pysaml2__tests__entity_cat_sfs_hei.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/pysaml2__tests__idp_all.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/pysaml2__tests__metadata_example.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/pysaml2__tests__servera.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/pysaml2__tests__uu.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__entities_metadata.xml", None, "two SPs: no IdP to pair"),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__idp_metadata.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__idp_metadata_different_sign_and_encrypt_cert.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__idp_metadata_multi_certs.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__idp_metadata_multi_signing_certs.xml", Some(CERT_ERRS), EXPIRED),
        Row {
            file: "4-other-idp-sp/python3-saml__tests__data__metadata__idp_multiple_descriptors.xml",
            idp_entity: Some("https://foo.example.com/access/saml/idp.xml"),
            errors: Some(&["pair.authn_requests.unsigned", "pair.idp_cert.missing", "x509.unparseable"]),
            why: "test fixture: placeholder certificates, validUntil passed, and the IdP wants signed AuthnRequests",
        },
        Row {
            file: "4-other-idp-sp/python3-saml__tests__data__metadata__idp_multiple_descriptors.xml",
            idp_entity: Some("https://bar.example.com/access/saml/idp.xml"),
            errors: Some(&["pair.idp_cert.missing", "x509.unparseable"]),
            why: "test fixture: placeholder certificates and validUntil passed",
        },
        row("4-other-idp-sp/python3-saml__tests__data__metadata__no_expiration_mark_metadata.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__signed_metadata_settings1.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__signed_metadata_settings2.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/python3-saml__tests__data__metadata__testshib-providers.xml", Some(&[]),
            "the IdP's AttributeAuthority certificate expired in 2016: x509.expired_other, a warning (web sign-in does not use it)"),
        row("4-other-idp-sp/ruby-saml__test__metadata__idp_descriptor.xml", Some(&["pair.authn_requests.unsigned", "pair.idp_cert.missing", "x509.unparseable"]),
            "test fixture: placeholder certificates, validUntil passed, and the IdP wants signed AuthnRequests"),
        row("4-other-idp-sp/ruby-saml__test__metadata__idp_descriptor_2.xml", Some(&["pair.authn_requests.unsigned", "pair.idp_cert.expired", "pair.idp_cert.none_valid", "x509.unparseable"]),
            "test fixture: one placeholder and one expired certificate, validUntil passed, and the IdP wants signed AuthnRequests"),
        row("4-other-idp-sp/ruby-saml__test__metadata__idp_descriptor_3.xml", Some(&["pair.idp_cert.missing", "x509.unparseable"]), TEST_CERTS),
        row("4-other-idp-sp/ruby-saml__test__metadata__idp_metadata_multi_signing_certs.xml", Some(&["pair.idp_cert.expired", "pair.idp_cert.none_valid", "x509.unparseable"]),
            "test fixture: one placeholder certificate, the others expired at AT"),
        Row {
            file: "4-other-idp-sp/ruby-saml__test__metadata__idp_multiple_descriptors_2.xml",
            idp_entity: Some("https://foo.example.com/access/saml/idp.xml"),
            errors: Some(&["pair.authn_requests.unsigned", "pair.idp_cert.missing", "x509.unparseable"]),
            why: "test fixture: placeholder certificates, validUntil passed, and the IdP wants signed AuthnRequests",
        },
        Row {
            file: "4-other-idp-sp/ruby-saml__test__metadata__idp_multiple_descriptors_2.xml",
            idp_entity: Some("https://bar.example.com/access/saml/idp.xml"),
            errors: Some(&["pair.authn_requests.unsigned"]),
            why: "validUntil passed, and the IdP wants signed AuthnRequests",
        },
        row("4-other-idp-sp/ruby-saml__test__metadata__no_idp_descriptor.xml", None, "no IDPSSODescriptor: no IdP to pair"),
        row("4-other-idp-sp/salesforce__YAMABASS80__SFDC.xml", Some(CERT_ERRS), EXPIRED),
        row("4-other-idp-sp/samael__test_vectors__idp_2_metadata.xml", Some(&[]),
            "the SingleSignOnService Location ends in a space: md.endpoint.location.whitespace is a warning (xs:anyURI collapses surrounding white space)"),
        row("4-other-idp-sp/samael__test_vectors__idp_ecdsa_metadata.xml", Some(&[]), ""),
        row("4-other-idp-sp/samael__test_vectors__idp_metadata.xml", Some(&[]), ""),
        row("4-other-idp-sp/samael__test_vectors__idp_metadata_nested.xml", None,
            "two IdP entities with the same entityID: --idp-entity cannot choose one"),
        row("4-other-idp-sp/samael__test_vectors__sp_metadata.xml", None, "an SP: no IdP to pair"),
        row("4-other-idp-sp/saml__samlsp__testdata__testshib_metadata.xml", Some(&[]), ""),
        row("4-other-idp-sp/shib__ggtristams__utexas_enterprise.xml", Some(&["md.idp.sso.missing", "pair.sso.no_usable_binding"]),
            "the IDPSSODescriptor has no SingleSignOnService: AWS has nowhere to send the user"),
        row("4-other-idp-sp/shib__ggtristams__utexas_guest.xml", Some(&[]), ""),
    ]
}

/// `../shared/corpus` next to the checkout (or next to the worktrees folder).
fn corpus() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|r| here.join(r))
        .find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping: ../shared/corpus is absent");
    }
    found
}

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(AT).unwrap().to_utc()
}

/// The error codes of `samlcheck SP IDP --at AT`, or the selection error.
fn pair_errors(
    sp_path: &Path,
    idp_path: &Path,
    idp_entity: Option<&str>,
) -> Result<Vec<String>, String> {
    let limits = Limits::default();
    let lint_opts = LintOptions::at(at());
    let sp_dec = samlcheck::xml::read_path(sp_path, &limits).map_err(|e| e.to_string())?;
    let sp_doc =
        samlcheck::xml::XmlDoc::parse(sp_dec.text(), &limits).map_err(|e| e.to_string())?;
    let sp_md = samlcheck::Metadata::from_doc(&sp_doc, sp_dec.info()).map_err(|e| e.to_string())?;
    let idp_dec = samlcheck::xml::read_path(idp_path, &limits).map_err(|e| e.to_string())?;
    let idp_doc =
        samlcheck::xml::XmlDoc::parse(idp_dec.text(), &limits).map_err(|e| e.to_string())?;
    let idp_md =
        samlcheck::Metadata::from_doc(&idp_doc, idp_dec.info()).map_err(|e| e.to_string())?;
    let mut opts = PairOptions::at(at());
    opts.idp_entity = idp_entity.map(str::to_string);
    let sel = pair::select(&sp_md, "sp", &idp_md, "idp", &opts).map_err(|e| e.to_string())?;
    assert_eq!(sel.sp_side, Side::First, "the SP file holds the SP");
    let mut findings = pair::check(&sp_md, sel.sp, &idp_md, sel.idp, &opts);
    findings.extend(
        pair::check_exports(sel.sp, sel.idp, &PairInputs::default(), at())
            .findings
            .iter()
            .cloned(),
    );
    let sp_file = lint_document(&sp_doc, &sp_md, &Trust::embedded(), &lint_opts);
    let idp_file = lint_document(&idp_doc, &idp_md, &Trust::embedded(), &lint_opts);
    let mut all: Vec<Finding> = findings.clone();
    all.extend(pair::relevant_file_findings(
        sp_file, sel.sp, false, &findings,
    ));
    all.extend(pair::relevant_file_findings(
        idp_file, sel.idp, true, &findings,
    ));
    let set: BTreeSet<String> = all
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.to_string())
        .collect();
    Ok(set.into_iter().collect())
}

/// PROVENANCE.tsv's expected verdict per file name.
fn verdicts(root: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root.join("PROVENANCE.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let name = cols.first()?.rsplit('/').next()?.to_string();
            Some((name, cols.get(6)?.to_string()))
        })
        .collect()
}

#[test]
fn every_real_idp_file_paired_with_a_real_identity_center_sp_gives_the_recorded_errors() {
    let Some(root) = corpus() else { return };
    let sp = root.join(SP);
    if !sp.is_file() {
        eprintln!("skipping: {} is absent", sp.display());
        return;
    }
    let verdicts = verdicts(&root);
    let mut failures = Vec::new();
    for r in table() {
        let path = root.join(r.file);
        if !path.is_file() {
            eprintln!("skipping row: {} is absent", r.file);
            continue;
        }
        let got = pair_errors(&sp, &path, r.idp_entity);
        match (r.errors, &got) {
            (None, Err(_)) => {}
            (None, Ok(e)) => {
                failures.push(format!("{}: expected no pair, got errors {e:?}", r.file))
            }
            (Some(want), Ok(e)) => {
                let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
                if *e != want {
                    failures.push(format!(
                        "{} ({:?}): expected {want:?}, got {e:?}",
                        r.file, r.idp_entity
                    ));
                }
                let name = r.file.rsplit('/').next().unwrap_or(r.file);
                let valid = verdicts.iter().any(|(n, v)| {
                    n == name && v.trim_start().to_ascii_lowercase().starts_with("valid")
                });
                if valid && !want.is_empty() && r.why.is_empty() {
                    failures.push(format!(
                        "{}: marked valid, errors {want:?} without a reason",
                        r.file
                    ));
                }
            }
            (Some(want), Err(msg)) => {
                failures.push(format!("{}: expected {want:?}, got no pair: {msg}", r.file))
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every IdP-bearing corpus file has a row, so a new file cannot slip past the table.
#[test]
fn the_table_covers_every_file_of_the_idp_folders() {
    let Some(root) = corpus() else { return };
    let rows: Vec<&str> = table().iter().map(|r| r.file).collect();
    let mut missing = Vec::new();
    for dir in ["3-entra", "4-other-idp-sp", "1-aws-identity-center"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.ends_with(".xml")
                || (dir == "1-aws-identity-center" && !name.starts_with("aws_ic_idp"))
            {
                continue;
            }
            let key = format!("{dir}/{name}");
            if !rows.contains(&key.as_str()) {
                missing.push(key);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "corpus files without a row: {missing:?}"
    );
}
