//! `GET /dev/outbox`: the local outbox over HTTP, a development aid of the mock, routed only in
//! development mode (`serve --dev`, loopback only): it needs no login and shows the codes.

use axum::Json;

use super::problem::ApiError;
use super::state::AppState;
use crate::store::outbox::{self, OutboxEntry};

/// Query of `GET /dev/outbox`.
#[derive(Debug, serde::Deserialize)]
pub struct OutboxQuery {
    /// Only mail to this address.
    pub to: Option<String>,
    /// At most this many (default 50).
    pub limit: Option<u32>,
}

/// The local outbox, newest first: where a developer reads the activation code when no SMTP
/// relay is configured. A development endpoint of the mock, routed only by `serve --dev`; a real
/// SIAK has no such thing.
#[utoipa::path(get, path = "/dev/outbox", tag = "development",
    description = "Only in development mode (`siak-mock serve --dev`, loopback only); otherwise 404.",
    params(("to" = Option<String>, Query, description = "Only mail to this address"),
        ("limit" = Option<u32>, Query, description = "At most this many, newest first (default 50, at most 500)")),
    responses((status = 200, description = "Mails, newest first", body = [OutboxEntry])))]
pub async fn dev_outbox(
    axum::extract::State(app): axum::extract::State<AppState>,
    axum::extract::Query(q): axum::extract::Query<OutboxQuery>,
) -> Result<Json<Vec<OutboxEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(50).min(500);
    app.db(move |store| {
        let conn = store.connection();
        Ok(Json(outbox::newest(conn, q.to.as_deref(), limit)?))
    })
    .await
}
