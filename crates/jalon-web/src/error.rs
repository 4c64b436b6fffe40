//! Errors as HTTP responses: a status, and a JSON body with a French message that never
//! leaks internals.
//!
//! - 401 `unauthenticated` / `bad_credentials`, 403 `forbidden`, 404 `not_found`,
//! - 429 `too_many_attempts` (logins; `Retry-After` says when to try again),
//! - 409 `conflict` (stale version: reload and retry),
//! - 422 `validation` (`fields`: each field in error) or `rules_broken` (`violations`, which
//!   a written `override_justification` may waive),
//! - 500 `internal` (logged, never details), `document` (a template could not be typeset:
//!   the message names the template and the error, for the centre to fix it).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jalon_store::{FieldError, RuleViolation, StoreError};
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    /// Too many login attempts: retry after so many seconds (429, `Retry-After`).
    TooManyAttempts(u64),
    Store(StoreError),
    /// The request body could not be read as the expected JSON.
    Body(FieldError),
    /// A document could not be typeset (a centre's template is broken).
    Document(jalon_docs::pdf::PdfError),
}

impl From<jalon_docs::pdf::PdfError> for ApiError {
    fn from(e: jalon_docs::pdf::PdfError) -> ApiError {
        ApiError::Document(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Store(e)
    }
}

fn fields_body(message: &str, fields: &[FieldError]) -> serde_json::Value {
    json!({"error": "validation", "message": message, "fields": fields})
}

fn rules_body(violations: &[RuleViolation]) -> serde_json::Value {
    let n = violations.len();
    json!({
        "error": "rules_broken",
        "message": format!(
            "{} règle{} non respectée{} : pour passer outre, ajoutez une justification écrite (override_justification).",
            n,
            if n > 1 { "s" } else { "" },
            if n > 1 { "s" } else { "" }
        ),
        "violations": violations,
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::TooManyAttempts(secs) => {
                let body = json!({
                    "error": "too_many_attempts",
                    "message": format!("trop de tentatives de connexion : réessayez dans {secs} s"),
                });
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, secs.to_string())],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                json!({"error": "unauthenticated", "message": "connectez-vous pour continuer"}),
            ),
            ApiError::Body(field) => {
                let message = format!("{} : {}", field.field, field.message);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields_body(&message, &[field]),
                )
            }
            ApiError::Document(e) => {
                tracing::error!(error = %e, "document failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "document", "message": e.to_string()}),
                )
            }
            ApiError::Store(e) => match e {
                StoreError::NotFound { .. } => (
                    StatusCode::NOT_FOUND,
                    json!({"error": "not_found", "message": e.to_string()}),
                ),
                StoreError::Forbidden { .. } => (
                    StatusCode::FORBIDDEN,
                    json!({"error": "forbidden", "message": e.to_string()}),
                ),
                StoreError::Conflict { .. } => (
                    StatusCode::CONFLICT,
                    json!({"error": "conflict", "message": e.to_string()}),
                ),
                StoreError::BadCredentials => (
                    StatusCode::UNAUTHORIZED,
                    json!({"error": "bad_credentials", "message": e.to_string()}),
                ),
                StoreError::Invalid(ref fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields_body(&e.to_string(), fields),
                ),
                StoreError::RulesBroken(ref v) => (StatusCode::UNPROCESSABLE_ENTITY, rules_body(v)),
                StoreError::Database(_) | StoreError::Migration(_) | StoreError::Corrupt(_) => {
                    tracing::error!(error = %e, "request failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        json!({"error": "internal", "message": "erreur interne : l'incident est consigné dans les journaux du serveur"}),
                    )
                }
            },
        };
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
