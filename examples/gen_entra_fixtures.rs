//! Writes the JSON exports in `tests/fixtures/entra/`: Entra service principals and
//! application objects, claims policies, and user lists, in the shapes `az`, Graph and
//! `aws identitystore` print them (including @odata annotations, paging links and missing
//! optional fields). Every name, id and key in them is made up.
//!
//! Run: `cargo run --example gen_entra_fixtures` (tests/entra.rs checks the committed files
//! are what this writes).

// A generator run by developers: a panic is a failed generation, not a bug in the crate.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use base64::Engine as _;
use serde_json::{json, Value};

/// The IAM Identity Center instance of the scenario.
pub const IC_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670a1b2c";
/// Its IPv4 ACS URL.
pub const IC_ACS: &str =
    "https://eu-west-1.signin.aws/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
/// Its legacy ACS URL (instances enabled before February 2026).
pub const IC_ACS_LEGACY: &str =
    "https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
/// The SHA-1 thumbprint of the Entra signing certificate in the IdP metadata.
pub const THUMBPRINT: &str = "CEFC1A2C9A9D7840E13080F2AA700625B95106C1";
/// An identifier left over from an earlier identity source.
pub const OLD_ENTITY: &str = "https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93670f0f0f";

fn thumbprint_b64() -> String {
    let bytes: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&THUMBPRINT[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn key_credentials(end: &str) -> Value {
    let kid = thumbprint_b64();
    json!([
        {
            "customKeyIdentifier": kid,
            "displayName": "CN=Microsoft Azure Federated SSO Certificate",
            "endDateTime": end,
            "key": null,
            "keyId": "8a7b6c5d-0000-4000-8000-000000000001",
            "startDateTime": "2026-01-15T09:00:00Z",
            "type": "AsymmetricX509Cert",
            "usage": "Sign"
        },
        {
            "customKeyIdentifier": kid,
            "displayName": "CN=Microsoft Azure Federated SSO Certificate",
            "endDateTime": end,
            "key": null,
            "keyId": "8a7b6c5d-0000-4000-8000-000000000002",
            "startDateTime": "2026-01-15T09:00:00Z",
            "type": "AsymmetricX509Cert",
            "usage": "Verify"
        }
    ])
}

fn service_principal(identifier: &str, reply: &[&str]) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
        "accountEnabled": true,
        "appDisplayName": "AWS IAM Identity Center",
        "appId": "2c4e6a80-1111-4222-8333-444455556666",
        "appRoleAssignmentRequired": true,
        "appRoles": [
            {
                "allowedMemberTypes": ["User"],
                "description": "msiam_access",
                "displayName": "msiam_access",
                "id": "7dfd756e-8c27-4472-b2b7-38c17fc5de5e",
                "isEnabled": true,
                "origin": "Application",
                "value": null
            }
        ],
        "displayName": "AWS IAM Identity Center",
        "id": "0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff",
        "keyCredentials": key_credentials("2029-01-15T09:00:00Z"),
        "loginUrl": "https://d-93670a1b2c.awsapps.com/start",
        "logoutUrl": null,
        "notificationEmailAddresses": ["it-admins@contoso.com"],
        "passwordCredentials": [],
        "preferredSingleSignOnMode": "saml",
        "preferredTokenSigningKeyThumbprint": THUMBPRINT,
        "replyUrls": reply,
        "samlSingleSignOnSettings": { "relayState": null },
        "servicePrincipalNames": [identifier, "2c4e6a80-1111-4222-8333-444455556666"],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp", "WindowsAzureActiveDirectoryCustomSingleSignOnApplication"]
    })
}

fn application(identifier: &str, reply: &[&str], default: Option<&str>) -> Value {
    let settings: Vec<Value> = reply
        .iter()
        .enumerate()
        .map(|(i, u)| json!({ "uri": u, "index": i }))
        .collect();
    json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#applications/$entity",
        "appId": "2c4e6a80-1111-4222-8333-444455556666",
        "defaultRedirectUri": default,
        "displayName": "AWS IAM Identity Center",
        "id": "5a6b7c8d-1234-4abc-9def-0123456789ab",
        "identifierUris": [identifier],
        "keyCredentials": [],
        "signInAudience": "AzureADMyOrg",
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": reply,
            "redirectUriSettings": settings,
            "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false }
        }
    })
}

fn entra_user(id: &str, upn: &str, mail: Option<&str>, given: &str, surname: &str) -> Value {
    json!({
        "businessPhones": [],
        "displayName": format!("{given} {surname}"),
        "givenName": given,
        "id": id,
        "jobTitle": null,
        "mail": mail,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": null,
        "surname": surname,
        "userPrincipalName": upn
    })
}

fn scenario_entra_users() -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
        "value": [
            entra_user("11111111-0000-4000-8000-000000000001", "alice@contoso.com", Some("alice@contoso.com"), "Alice", "Adams"),
            entra_user("11111111-0000-4000-8000-000000000002", "Bob.Jones@contoso.com", Some("bob.jones@contoso.com"), "Bob", "Jones"),
            entra_user("11111111-0000-4000-8000-000000000003", "carol.w@contoso.com", Some("carol.white@contoso.com"), "Carol", "White"),
            entra_user("11111111-0000-4000-8000-000000000004", "dave@contoso.com", Some("dave@contoso.com"), "Dave", "Doe")
        ]
    })
}

fn aws_user(n: u32, user_name: &str, email: &str, given: &str, family: &str) -> Value {
    json!({
        "IdentityStoreId": "d-93670a1b2c",
        "UserId": format!("9067a1b2c3-{n:08x}-aaaa-bbbb-cccc-ddddeeee0000"),
        "UserName": user_name,
        "Name": { "FamilyName": family, "GivenName": given, "Formatted": format!("{given} {family}") },
        "DisplayName": format!("{given} {family}"),
        "Emails": [{ "Value": email, "Type": "work", "Primary": true }],
        "ExternalIds": [{ "Issuer": "https://scim.eu-west-1.amazonaws.com/9367a1b2c3/scim/v2", "Id": format!("ext-{n}") }]
    })
}

fn aws_users(bob: &str, carol: &str) -> Value {
    json!({
        "Users": [
            aws_user(1, "alice@contoso.com", "alice@contoso.com", "Alice", "Adams"),
            aws_user(2, bob, "bob.jones@contoso.com", "Bob", "Jones"),
            aws_user(3, carol, "carol.white@contoso.com", "Carol", "White"),
            aws_user(4, "dave@contoso.com", "dave@contoso.com", "Dave", "Doe")
        ]
    })
}

fn sourced(id: &str) -> Value {
    json!({ "@odata.type": "#microsoft.graph.sourcedAttribute", "id": id, "source": "user", "isExtensionAttribute": false })
}

fn custom_policy(claims: Value) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff')/claimsPolicy/$entity",
        "id": "0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff",
        "includeBasicClaimSet": true,
        "includeApplicationIdInIssuer": false,
        "audienceOverride": null,
        "groupFilter": null,
        "claims": claims
    })
}

fn legacy_definition() -> Value {
    let inner = json!({
        "ClaimsMappingPolicy": {
            "Version": 1,
            "IncludeBasicClaimSet": "true",
            "ClaimsSchema": [
                { "Source": "user", "ID": "userprincipalname" },
                {
                    "Source": "transformation",
                    "ID": "JoinedNameId",
                    "TransformationId": "JoinTheDomain",
                    "SamlClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
                    "SamlNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
                },
                { "Source": "user", "ID": "givenname", "SamlClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname" }
            ],
            "ClaimsTransformations": [
                {
                    "ID": "JoinTheDomain",
                    "TransformationMethod": "Join",
                    "InputClaims": [{ "ClaimTypeReferenceId": "userprincipalname", "TransformationClaimType": "string1" }],
                    "InputParameters": [
                        { "ID": "string2", "Value": "contoso.com" },
                        { "ID": "separator", "Value": "@" }
                    ],
                    "OutputClaims": [{ "ClaimTypeReferenceId": "JoinedNameId", "TransformationClaimType": "outputClaim" }]
                }
            ]
        }
    });
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/claimsMappingPolicies/$entity",
        "id": "c0ffee00-1111-4222-8333-444455556666",
        "deletedDateTime": null,
        "definition": [inner.to_string()],
        "displayName": "AWS IC NameID from the contoso.com domain",
        "isOrganizationDefault": false
    })
}

/// Every fixture: file name and content.
pub fn fixtures() -> Vec<(&'static str, String)> {
    let pretty = |v: Value| serde_json::to_string_pretty(&v).unwrap() + "\n";
    let aws_ns = "https://aws.amazon.com/SAML/Attributes";
    vec![
        // The "done when" scenario: identifier from an earlier identity source, the IPv4 ACS
        // URL missing, Bob's UPN differs by case and Carol's is not her mail.
        (
            "app-ic-bad.json",
            pretty(service_principal(OLD_ENTITY, &[IC_ACS_LEGACY])),
        ),
        (
            "aws-users-bad.json",
            pretty(aws_users(
                "bob.jones@contoso.com",
                "carol.white@contoso.com",
            )),
        ),
        ("entra-users.json", pretty(scenario_entra_users())),
        // The same scenario with correct exports: service principal and application object.
        (
            "app-ic-good.json",
            pretty(json!([
                service_principal(IC_ENTITY, &[IC_ACS, IC_ACS_LEGACY]),
                application(IC_ENTITY, &[IC_ACS, IC_ACS_LEGACY], Some(IC_ACS))
            ])),
        ),
        (
            "aws-users-good.json",
            pretty(aws_users("Bob.Jones@contoso.com", "carol.w@contoso.com")),
        ),
        // Odd but real shapes.
        (
            "entra-users-page.json",
            pretty(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(userPrincipalName,mail,userType,employeeId,onPremisesExtensionAttributes)",
                "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=RFNwdAIAAQAAAA",
                "value": [
                    {
                        "userPrincipalName": "erin@contoso.com",
                        "mail": null,
                        "userType": "Member",
                        "employeeId": "E-1000",
                        "onPremisesExtensionAttributes": { "extensionAttribute1": "erin.e@contoso.com", "extensionAttribute2": null }
                    },
                    {
                        "id": "11111111-0000-4000-8000-000000000006",
                        "userPrincipalName": "frank_fabrikam.com#EXT#@contoso.onmicrosoft.com",
                        "mail": "frank@fabrikam.com",
                        "userType": "Guest",
                        "extension_2c4e6a8011114222833344445555666_costCenter": "CC-7"
                    },
                    { "userPrincipalName": "grace@contoso.com" }
                ]
            })),
        ),
        (
            "entra-group-members.json",
            pretty(json!([
                {
                    "@odata.type": "#microsoft.graph.user",
                    "id": "11111111-0000-4000-8000-000000000001",
                    "businessPhones": [],
                    "displayName": "Alice Adams",
                    "mail": "alice@contoso.com",
                    "userPrincipalName": "alice@contoso.com"
                },
                {
                    "@odata.type": "#microsoft.graph.group",
                    "id": "22222222-0000-4000-8000-000000000001",
                    "displayName": "AWS-Admins-Nested",
                    "mail": null,
                    "securityEnabled": true
                }
            ])),
        ),
        (
            "aws-users-page.json",
            pretty(json!({
                "Users": [aws_user(1, "alice@contoso.com", "alice@contoso.com", "Alice", "Adams")],
                "NextToken": "AAMA-EFRSURBSGg4dGZlcXpabmlBPQ"
            })),
        ),
        (
            "claims-custom.json",
            pretty(custom_policy(json!([
                {
                    "@odata.type": "#microsoft.graph.samlNameIdClaim",
                    "nameIdFormat": "emailAddress",
                    "serviceProviderNameQualifier": null,
                    "configurations": [{
                        "condition": null,
                        "attribute": sourced("mail"),
                        "transformations": [{
                            "@odata.type": "#microsoft.graph.toLowercaseTransformation",
                            "input": { "treatAsMultiValue": false, "attribute": sourced("mail") }
                        }]
                    }]
                },
                {
                    "@odata.type": "#microsoft.graph.customClaim",
                    "name": "emailaddress",
                    "namespace": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims",
                    "tokenFormat": ["saml"],
                    "samlAttributeNameFormat": null,
                    "configurations": [{ "condition": null, "attribute": sourced("mail"), "transformations": [] }]
                }
            ]))),
        ),
        (
            "claims-regex.json",
            pretty(custom_policy(json!([{
                "@odata.type": "#microsoft.graph.samlNameIdClaim",
                "nameIdFormat": "emailAddress",
                "configurations": [{
                    "attribute": sourced("mail"),
                    "transformations": [{
                        "@odata.type": "#microsoft.graph.regexReplaceTransformation",
                        "input": { "treatAsMultiValue": false, "attribute": sourced("mail") },
                        "regex": "(?'domain'^.*?)(?i)(\\@fabrikam\\.com)$",
                        "replacement": "{domain}@contoso.com",
                        "additionalAttributes": []
                    }]
                }]
            }]))),
        ),
        ("claims-mapping.json", pretty(legacy_definition())),
        (
            "app-iam.json",
            pretty(json!({
                "appDisplayName": "AWS Single-Account Access",
                "appId": "3d5f7b91-2222-4333-8444-555566667777",
                "appRoles": [
                    {
                        "allowedMemberTypes": ["User"],
                        "description": "msiam_access",
                        "displayName": "msiam_access",
                        "id": "7dfd756e-8c27-4472-b2b7-38c17fc5de5e",
                        "isEnabled": true,
                        "origin": "Application",
                        "value": null
                    },
                    {
                        "allowedMemberTypes": ["User"],
                        "description": "Admin,Entra",
                        "displayName": "Admin,Entra",
                        "id": "1e2d3c4b-0000-4000-8000-000000000001",
                        "isEnabled": true,
                        "origin": "ServicePrincipal",
                        "value": "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Entra"
                    }
                ],
                "id": "0f1e2d3c-bbbb-4ccc-8ddd-eeeeffff0000",
                "keyCredentials": key_credentials("2029-01-15T09:00:00Z"),
                "preferredTokenSigningKeyThumbprint": THUMBPRINT,
                "replyUrls": ["https://signin.aws.amazon.com/saml"],
                "samlSingleSignOnSettings": { "relayState": "https://console.aws.amazon.com/ec2/home" },
                "servicePrincipalNames": ["https://signin.aws.amazon.com/saml#1", "3d5f7b91-2222-4333-8444-555566667777"],
                "servicePrincipalType": "Application"
            })),
        ),
        (
            "claims-iam.json",
            pretty(custom_policy(json!([
                {
                    "@odata.type": "#microsoft.graph.customClaim",
                    "name": "Role",
                    "namespace": aws_ns,
                    "configurations": [{ "attribute": sourced("assignedroles"), "transformations": [] }]
                },
                {
                    "@odata.type": "#microsoft.graph.customClaim",
                    "name": "RoleSessionName",
                    "namespace": aws_ns,
                    "configurations": [{ "attribute": sourced("userprincipalname"), "transformations": [] }]
                },
                {
                    "@odata.type": "#microsoft.graph.customClaim",
                    "name": "SessionDuration",
                    "namespace": aws_ns,
                    "configurations": [{ "attribute": { "@odata.type": "#microsoft.graph.valueBasedAttribute", "value": "28800" }, "transformations": [] }]
                }
            ]))),
        ),
        (
            "app-aadgraph.json",
            pretty(json!({
                "odata.metadata": "https://graph.windows.net/contoso.onmicrosoft.com/$metadata#directoryObjects/@Element",
                "odata.type": "Microsoft.DirectoryServices.ServicePrincipal",
                "objectType": "ServicePrincipal",
                "objectId": "0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff",
                "appId": "2c4e6a80-1111-4222-8333-444455556666",
                "keyCredentials": [{
                    "customKeyIdentifier": THUMBPRINT,
                    "endDate": "2026-07-01T09:00:00Z",
                    "keyId": "8a7b6c5d-0000-4000-8000-000000000002",
                    "startDate": "2023-07-01T09:00:00Z",
                    "type": "AsymmetricX509Cert",
                    "usage": "Verify",
                    "value": null
                }],
                "preferredTokenSigningKeyThumbprint": THUMBPRINT,
                "replyUrls": [IC_ACS, IC_ACS_LEGACY],
                "servicePrincipalNames": [IC_ENTITY]
            })),
        ),
    ]
}

#[allow(dead_code)]
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entra");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in fixtures() {
        std::fs::write(dir.join(name), text).unwrap();
        println!("wrote tests/fixtures/entra/{name}");
    }
}
