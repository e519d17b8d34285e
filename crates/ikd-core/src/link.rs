//! The links in the SIAK's mails that open the app where the resident needs it, with the code
//! filled in: the activation code after approval and the device-change code after a recovery
//! selfie.
//!
//! Two forms carry the same query:
//! - the app's own scheme, `ikd://activate?registration=<id>&code=<code>` and
//!   `ikd://recover?recovery=<id>&code=<code>` (works on any phone with the app, no domain);
//! - a verified app link on the SIAK server's domain, `https://<host>/app/activate?…` and
//!   `https://<host>/app/recover?…` (Android App Links / iOS universal links: the OS opens the app
//!   only for the domain that lists it in `/.well-known/`; without the app the page explains).
//!
//! A link only pre-fills a screen: the code is checked here for its form, then by the server,
//! where it is single use. Anything else — another scheme or host, an unknown action, a missing
//! or malformed id or code — is refused with its reason, never half-opened.

use thiserror::Error;
use url::Url;

use crate::i18n::{Lang, Localized, pick};
use crate::protocol::{ActivationCode, CodeError};

/// The app's URL scheme.
pub const SCHEME: &str = "ikd";
/// Path prefix of the app links on the SIAK server's domain.
pub const APP_LINK_PREFIX: &str = "/app/";
/// Hex characters in a registration or recovery id (16 random bytes).
pub const ID_HEX_LEN: usize = 32;

/// What a link asks the app to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// The activation screen of this registration, with the mailed code.
    Activate {
        /// The registration id (lower-case hex).
        registration: String,
        /// The activation code.
        code: ActivationCode,
    },
    /// The device-change confirmation of this recovery, with the mailed code.
    Recover {
        /// The recovery id (lower-case hex).
        recovery: String,
        /// The confirmation code.
        code: ActivationCode,
    },
}

/// Why a link is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    /// Not a URL at all.
    #[error("not a link")]
    NotALink,
    /// A URL that is not one of this app's (another scheme, host or path).
    #[error("not a KTP Digital link")]
    Foreign,
    /// This app's link, for something it does not do.
    #[error("unknown link action {0:?}")]
    UnknownAction(String),
    /// A query field is missing (or given twice).
    #[error("link without one {0}")]
    Missing(&'static str),
    /// The id is not 32 hex characters.
    #[error("link with a malformed {0}")]
    BadId(&'static str),
    /// The code is not an activation code.
    #[error("link with a malformed code: {0}")]
    Code(CodeError),
}

impl Localized for LinkError {
    fn code(&self) -> &'static str {
        match self {
            LinkError::NotALink | LinkError::Foreign => "link_foreign",
            LinkError::UnknownAction(_) => "link_unknown_action",
            LinkError::Missing(_) | LinkError::BadId(_) | LinkError::Code(_) => "link_damaged",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            LinkError::NotALink | LinkError::Foreign => pick(
                lang,
                "Tautan ini bukan tautan KTP Digital. Buka tautan dari email Dukcapil, atau ketik kodenya.".into(),
                "This is not a KTP Digital link. Open the link in the Dukcapil email, or type the code.".into(),
            ),
            LinkError::UnknownAction(_) => pick(
                lang,
                "Aplikasi ini belum mengenal tautan tersebut. Perbarui aplikasi, atau ketik kode dari email.".into(),
                "This version of the app does not know that link. Update the app, or type the code from the email.".into(),
            ),
            LinkError::Missing(_) | LinkError::BadId(_) | LinkError::Code(_) => pick(
                lang,
                "Tautan terpotong atau rusak. Ketik kode dari email secara manual.".into(),
                "The link is cut off or damaged. Type the code from the email instead.".into(),
            ),
        }
    }
}

/// Parses a link the OS handed to the app. `app_link_host` is the SIAK server's domain whose
/// `https://<host>/app/…` links are this app's (`None`: only the `ikd:` scheme is accepted).
pub fn parse(input: &str, app_link_host: Option<&str>) -> Result<Link, LinkError> {
    let url = Url::parse(input.trim()).map_err(|_| LinkError::NotALink)?;
    let action = match url.scheme() {
        SCHEME => {
            // `ikd://activate?…`: the action is the host; `ikd:activate?…` the path.
            let action = url.host_str().unwrap_or_else(|| url.path());
            if url.host_str().is_some() && !matches!(url.path(), "" | "/") {
                return Err(LinkError::UnknownAction(format!("{action}{}", url.path())));
            }
            action.to_ascii_lowercase()
        }
        "https" => {
            let host = url.host_str().ok_or(LinkError::Foreign)?;
            let ours = app_link_host.is_some_and(|h| h.eq_ignore_ascii_case(host));
            if !ours || url.port().is_some() {
                return Err(LinkError::Foreign);
            }
            let action = url
                .path()
                .strip_prefix(APP_LINK_PREFIX)
                .ok_or(LinkError::Foreign)?;
            action.trim_end_matches('/').to_ascii_lowercase()
        }
        _ => return Err(LinkError::Foreign),
    };
    let field = |name: &'static str| -> Result<String, LinkError> {
        let mut values = url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v);
        match (values.next(), values.next()) {
            (Some(v), None) => Ok(v.into_owned()),
            _ => Err(LinkError::Missing(name)),
        }
    };
    let id = |name: &'static str| -> Result<String, LinkError> {
        let value = field(name)?;
        if value.len() == ID_HEX_LEN && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(value.to_ascii_lowercase())
        } else {
            Err(LinkError::BadId(name))
        }
    };
    let code = || ActivationCode::parse(&field("code")?).map_err(LinkError::Code);
    match action.as_str() {
        "activate" => Ok(Link::Activate {
            registration: id("registration")?,
            code: code()?,
        }),
        "recover" => Ok(Link::Recover {
            recovery: id("recovery")?,
            code: code()?,
        }),
        _ => Err(LinkError::UnknownAction(action)),
    }
}

impl Link {
    /// The link in the app's own scheme (what the mail carries for phones without app links).
    pub fn to_app_url(&self) -> String {
        let (action, field, id, code) = self.parts();
        format!("{SCHEME}://{action}?{field}={id}&code={}", code.as_str())
    }

    /// The app link on `host` (the SIAK server's domain).
    pub fn to_https_url(&self, host: &str) -> String {
        let (action, field, id, code) = self.parts();
        format!(
            "https://{host}{APP_LINK_PREFIX}{action}?{field}={id}&code={}",
            code.as_str()
        )
    }

    fn parts(&self) -> (&'static str, &'static str, &str, &ActivationCode) {
        match self {
            Link::Activate { registration, code } => {
                ("activate", "registration", registration, code)
            }
            Link::Recover { recovery, code } => ("recover", "recovery", recovery, code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const HOST: Option<&str> = Some("ikd.example.id");

    fn code(s: &str) -> ActivationCode {
        ActivationCode::parse(s).expect("code")
    }

    #[test]
    fn the_mails_links_open_activation_and_device_change_with_the_code() {
        let activate = Link::Activate {
            registration: ID.into(),
            code: code("ABCD-EFGH"),
        };
        for url in [
            format!("ikd://activate?registration={ID}&code=ABCDEFGH"),
            format!(
                "ikd://ACTIVATE/?code=abcd-efgh&registration={}",
                ID.to_uppercase()
            ),
            format!("ikd:activate?registration={ID}&code=ABCD%2DEFGH"),
            format!("https://ikd.example.id/app/activate?registration={ID}&code=ABCDEFGH"),
            format!("https://IKD.example.id/app/activate/?registration={ID}&code=ABCD+EFGH&utm=x"),
            format!("  ikd://activate?registration={ID}&code=ABCDEFGH\n"),
        ] {
            assert_eq!(parse(&url, HOST), Ok(activate.clone()), "{url}");
        }
        assert_eq!(
            parse(&format!("ikd://recover?recovery={ID}&code=23456789"), None),
            Ok(Link::Recover {
                recovery: ID.into(),
                code: code("23456789")
            })
        );
    }

    #[test]
    fn other_links_are_refused_with_their_reason() {
        let cases = [
            ("not a url", LinkError::NotALink),
            ("", LinkError::NotALink),
            (
                "http://ikd.example.id/app/activate?registration=x&code=y",
                LinkError::Foreign,
            ),
            (
                "https://evil.example/app/activate?registration=x&code=y",
                LinkError::Foreign,
            ),
            (
                "https://ikd.example.id:8443/app/activate?registration=x&code=y",
                LinkError::Foreign,
            ),
            ("https://ikd.example.id/activate", LinkError::Foreign),
            ("javascript:alert(1)", LinkError::Foreign),
            ("file:///etc/passwd", LinkError::Foreign),
            ("ikd://pay?to=me", LinkError::UnknownAction("pay".into())),
            (
                "ikd://activate/x?code=ABCDEFGH",
                LinkError::UnknownAction("activate/x".into()),
            ),
            (
                "ikd://activate?code=ABCDEFGH",
                LinkError::Missing("registration"),
            ),
            (
                "ikd://activate?registration=abc&code=ABCDEFGH",
                LinkError::BadId("registration"),
            ),
            (
                "ikd://recover?registration=0123456789abcdef0123456789abcdef&code=ABCDEFGH",
                LinkError::Missing("recovery"),
            ),
            (
                "ikd://activate?registration=0123456789abcdef0123456789abcdef",
                LinkError::Missing("code"),
            ),
            (
                "ikd://activate?registration=0123456789abcdef0123456789abcdef&code=A&code=B",
                LinkError::Missing("code"),
            ),
            (
                "ikd://activate?registration=0123456789abcdef0123456789abcdef&code=ABCD",
                LinkError::Code(CodeError::ActivationWrongLength { found: 4 }),
            ),
            (
                "ikd://activate?registration=0123456789abcdef0123456789abcdef&code=ABCDEFG0",
                LinkError::Code(CodeError::ActivationBadCharacter('0')),
            ),
        ];
        for (url, want) in cases {
            assert_eq!(parse(url, HOST), Err(want), "{url}");
        }
        // Without a configured domain, https links are never the app's.
        assert_eq!(
            parse(
                &format!("https://ikd.example.id/app/activate?registration={ID}&code=ABCDEFGH"),
                None
            ),
            Err(LinkError::Foreign)
        );
    }

    #[test]
    fn every_refusal_speaks_both_languages() {
        for e in [
            LinkError::NotALink,
            LinkError::UnknownAction("x".into()),
            LinkError::Missing("code"),
        ] {
            assert_ne!(e.message(Lang::Id), e.message(Lang::En));
            assert!(!e.message(Lang::Id).is_empty());
        }
    }

    fn id_strategy() -> impl Strategy<Value = String> {
        "[0-9a-f]{32}"
    }

    fn code_strategy() -> impl Strategy<Value = ActivationCode> {
        proptest::collection::vec(any::<u8>(), 32)
            .prop_filter_map("enough bytes", |b| ActivationCode::from_random(&b))
    }

    proptest! {
        #[test]
        fn links_the_server_writes_parse_back_to_themselves(
            id in id_strategy(),
            code in code_strategy(),
            recover in any::<bool>(),
        ) {
            let link = if recover {
                Link::Recover { recovery: id, code }
            } else {
                Link::Activate { registration: id, code }
            };
            prop_assert_eq!(parse(&link.to_app_url(), None), Ok(link.clone()));
            prop_assert_eq!(parse(&link.to_https_url("ikd.example.id"), HOST), Ok(link));
        }

        #[test]
        fn any_input_is_parsed_or_refused_without_panicking(input in "\\PC{0,200}") {
            let _ = parse(&input, HOST);
        }

        #[test]
        fn anything_in_the_query_is_parsed_or_refused(query in "[ -~]{0,120}") {
            for base in ["ikd://activate?", "ikd://recover?", "https://ikd.example.id/app/activate?"] {
                if let Ok(link) = parse(&format!("{base}{query}"), HOST) {
                    // Whatever got through is well formed.
                    let (_, _, id, _) = link.parts();
                    prop_assert_eq!(id.len(), ID_HEX_LEN);
                }
            }
        }
    }
}
