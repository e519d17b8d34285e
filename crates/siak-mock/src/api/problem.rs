//! Every error leaves the server as RFC 9457 `application/problem+json` with a stable `code` and
//! the message in Bahasa Indonesia and English. Internal failures become a generic message: no
//! SQL, no stack, no file path ever reaches a client (GitButler's rule, axum's `AppError` shape).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ikd_core::{Lang, Localized};

use crate::text::pick;

pub use ikd_core::wire::Problem;

/// An error a handler returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// Indonesian message.
    pub message_id: String,
    /// English message.
    pub message_en: String,
    /// Seconds to wait, when it applies.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with its own code and messages.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            message_id: id.into(),
            message_en: en.into(),
            retry_after: None,
        }
    }

    /// An error from the core (or any [`Localized`] error) with the given status.
    pub fn localized(status: StatusCode, err: &dyn Localized) -> Self {
        ApiError::new(
            status,
            err.code(),
            err.message(Lang::Id),
            err.message(Lang::En),
        )
    }

    /// 400 with a core error.
    pub fn bad_request(err: &dyn Localized) -> Self {
        ApiError::localized(StatusCode::BAD_REQUEST, err)
    }

    /// Adds `Retry-After`.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// A failure inside the server: logged in full, shown to the client as a generic message.
    pub fn internal(err: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Terjadi gangguan pada server. Coba lagi beberapa saat lagi.",
            "Something went wrong on the server. Please try again in a moment.",
        )
    }

    /// 401: missing, expired or unknown session.
    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "session_invalid",
            "Sesi Anda sudah berakhir. Masuk kembali dengan PIN.",
            "Your session has ended. Log in again with your PIN.",
        )
    }

    /// 404 for a thing the client named.
    pub fn not_found(code: &'static str, id: &str, en: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, id, en)
    }

    /// Renders the problem body for `lang`.
    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            kind: format!("urn:ikd:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            code: self.code.to_owned(),
            detail: pick(lang, &self.message_id, &self.message_en).clone(),
            message_id: self.message_id.clone(),
            message_en: self.message_en.clone(),
            retry_after: self.retry_after,
        }
    }
}

impl ApiError {
    /// The full response in `lang`; the error rides along in the extensions so the
    /// [`language`] middleware can render it again in the language the client asked for.
    fn render(self, lang: Lang) -> Response {
        let mut response = (self.status, Json(self.problem(lang))).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.render(Lang::Id)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        use JsonRejection as R;
        match rejection {
            R::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "json_content_type_required",
                "Permintaan harus berformat JSON (Content-Type: application/json).",
                "The request must be JSON (Content-Type: application/json).",
            ),
            R::JsonSyntaxError(e) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "json_malformed",
                "Isi permintaan bukan JSON yang benar.",
                format!("The request body is not valid JSON: {}", e.body_text()),
            ),
            R::JsonDataError(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "json_invalid_fields",
                "Isi permintaan tidak sesuai format: ada kolom yang hilang, salah jenis, atau tidak dikenal.",
                format!(
                    "The request body does not match the expected fields: {}",
                    e.body_text()
                ),
            ),
            R::BytesRejection(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Isi permintaan terlalu besar.",
                "The request body is too large.",
            ),
            other => ApiError::new(
                StatusCode::BAD_REQUEST,
                "request_invalid",
                "Permintaan tidak dapat dibaca.",
                format!("The request could not be read: {}", other.body_text()),
            ),
        }
    }
}

/// Renders problem bodies in the language of `Accept-Language` (Indonesian by default).
pub async fn language(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| Lang::from_tag(tag.split(';').next().unwrap_or_default().trim()))
        })
        .unwrap_or_default();
    let response = next.run(request).await;
    match response.extensions().get::<ApiError>() {
        Some(err) if lang != Lang::Id => {
            let mut rendered = err.clone().render(lang);
            // A `Date` set by a handler (the server's clock, for a stale request proof) stays.
            if let Some(date) = response.headers().get(header::DATE) {
                rendered.headers_mut().insert(header::DATE, date.clone());
            }
            rendered
        }
        Some(_) => response,
        None if is_bare_error(&response) => as_problem(response, lang).await,
        None => response,
    }
}

/// An error answered by axum itself (a path or query rejection, a method the route lacks): no
/// body or plain text. HTML pages of the operator console keep their own error pages.
fn is_bare_error(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|ct| ct.starts_with("text/plain"))
}

/// Turns a bare error into problem+json, keeping the framework's short explanation in English
/// and headers such as `Allow`.
async fn as_problem(response: Response, lang: Lang) -> Response {
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 2048)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let explained = |en: &str| {
        if text.is_empty() {
            en.to_owned()
        } else {
            format!("{en} {text}")
        }
    };
    let status = parts.status;
    let err = match status {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "Metode HTTP ini tidak didukung di alamat ini.",
            "This HTTP method is not supported at this address.",
        ),
        StatusCode::NOT_FOUND => ApiError::new(
            status,
            "not_found",
            "Alamat ini tidak ada di server SIAK.",
            "There is no such address on the SIAK server.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            "body_too_large",
            "Isi permintaan terlalu besar.",
            "The request body is too large.",
        ),
        // The request timeout (`api::limits`) answers an empty 503.
        StatusCode::SERVICE_UNAVAILABLE => ApiError::new(
            status,
            "request_timeout",
            "Server terlalu lama menjawab permintaan ini. Coba lagi sebentar lagi.",
            "The server took too long to answer this request. Try again in a moment.",
        ),
        s if s.is_server_error() => ApiError::internal(&format!("bare {s} response: {text}")),
        _ => ApiError::new(
            status,
            "request_invalid",
            "Permintaan tidak dapat dibaca.",
            explained("The request could not be read:"),
        ),
    };
    let mut rendered = err.render(lang);
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        rendered.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rendered
}
