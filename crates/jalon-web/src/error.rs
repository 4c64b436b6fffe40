//! Errors as HTTP responses: a status, and a JSON body with a French message that never
//! leaks internals.
//!
//! - 401 `unauthenticated` / `bad_credentials`, 403 `forbidden`, 404 `not_found`,
//! - 429 `too_many_attempts` (logins; `Retry-After` says when to try again),
//! - 410 `gone` (a personal link whose session is over or cancelled),
//! - 409 `conflict` (stale version: reload and retry),
//! - 422 `validation` (`fields`: each field in error) or `rules_broken` (`violations`, which
//!   a written `override_justification` may waive),
//! - 500 `internal` (logged, never details), `document` (a template could not be typeset:
//!   the message names the template and the error, for the centre to fix it).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jalon_store::{FieldError, RuleViolation, StoreError};
use serde::Serialize;

/// What an error answer says: its kind, a French message, and what is wrong field by field
/// or rule by rule. The OpenAPI description of errors is derived from this type.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// In French, for a person to read.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Rules a written `override_justification` may waive.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<RuleViolation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthenticated,
    BadCredentials,
    Forbidden,
    NotFound,
    Gone,
    Conflict,
    Validation,
    RulesBroken,
    Internal,
    Document,
    TooManyAttempts,
    Timeout,
    /// The request itself cannot be read (its address, its method, its content type).
    BadRequest,
    /// The database cannot write for now (a full disk, a read-only mount).
    Unavailable,
}

impl ErrorBody {
    pub fn new(error: ErrorCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error,
            message: message.into(),
            fields: Vec::new(),
            violations: Vec::new(),
        }
    }
}

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

fn fields_body(message: &str, fields: Vec<FieldError>) -> ErrorBody {
    ErrorBody {
        fields,
        ..ErrorBody::new(ErrorCode::Validation, message)
    }
}

fn rules_body(violations: Vec<RuleViolation>) -> ErrorBody {
    let n = violations.len();
    let message = format!(
        "{} règle{} non respectée{} : pour passer outre, ajoutez une justification écrite (override_justification).",
        n,
        if n > 1 { "s" } else { "" },
        if n > 1 { "s" } else { "" }
    );
    ErrorBody {
        violations,
        ..ErrorBody::new(ErrorCode::RulesBroken, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        use ErrorCode as C;
        let (status, body) = match self {
            ApiError::TooManyAttempts(secs) => {
                let body = ErrorBody::new(
                    C::TooManyAttempts,
                    format!("trop de tentatives : réessayez dans {secs} s"),
                );
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, secs.to_string())],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(C::Unauthenticated, "connectez-vous pour continuer"),
            ),
            ApiError::Body(field) => {
                let message = format!("{} : {}", field.field, field.message);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields_body(&message, vec![field]),
                )
            }
            ApiError::Document(e) => {
                tracing::error!(error = %e, "document failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new(C::Document, e.to_string()),
                )
            }
            ApiError::Store(e) => {
                let message = e.to_string();
                match e {
                    StoreError::NotFound { .. } => {
                        (StatusCode::NOT_FOUND, ErrorBody::new(C::NotFound, message))
                    }
                    StoreError::Forbidden { .. } => {
                        (StatusCode::FORBIDDEN, ErrorBody::new(C::Forbidden, message))
                    }
                    StoreError::Conflict { .. } => {
                        (StatusCode::CONFLICT, ErrorBody::new(C::Conflict, message))
                    }
                    StoreError::Expired(_) => (StatusCode::GONE, ErrorBody::new(C::Gone, message)),
                    StoreError::BadCredentials => (
                        StatusCode::UNAUTHORIZED,
                        ErrorBody::new(C::BadCredentials, message),
                    ),
                    StoreError::Invalid(fields) => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        fields_body(&message, fields),
                    ),
                    StoreError::RulesBroken(v) => (StatusCode::UNPROCESSABLE_ENTITY, rules_body(v)),
                    StoreError::Database(_) if e.unwritable().is_some() => {
                        let why = e.unwritable().unwrap_or_default();
                        tracing::error!(error = %message, "write refused by the database");
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            ErrorBody::new(
                                C::Unavailable,
                                format!(
                                    "enregistrement impossible, rien n'a été enregistré : {why}"
                                ),
                            ),
                        )
                    }
                    StoreError::Database(_) | StoreError::Migration(_) | StoreError::Corrupt(_) => {
                        tracing::error!(error = %message, "request failed");
                        (
                            StatusCode::INTERNAL_SERVER_ERROR,
                            ErrorBody::new(
                                C::Internal,
                                "erreur interne : l'incident est consigné dans les journaux du serveur",
                            ),
                        )
                    }
                }
            }
        };
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
