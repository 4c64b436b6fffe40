//! Actions sent again by a day-of page that queued them offline: a POST carrying an
//! `X-Action-Id` is applied once; a repeat is answered « déjà enregistré » with the first
//! one's status, never applied twice.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jalon_store::actions::Arrival;

use crate::AppState;

pub async fn replay(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = match req
        .headers()
        .get("x-action-id")
        .and_then(|v| v.to_str().ok())
    {
        Some(id) if req.method() == Method::POST => id.to_owned(),
        _ => return next.run(req).await,
    };
    // Only a signed-in user's actions are counted; others go on to be refused as usual.
    let Some(token) = crate::auth::token(req.headers()) else {
        return next.run(req).await;
    };
    let actor = match state.store.authenticate(&token).await {
        Ok(Some(actor)) => actor,
        _ => return next.run(req).await,
    };
    let path = req.uri().path().to_owned();
    match state.store.claim_action(&actor, &id, &path).await {
        Ok(Arrival::New) => {
            let response = next.run(req).await;
            let status = response.status().as_u16();
            if let Err(e) = state.store.finish_action(&actor, &id, status).await {
                tracing::error!(error = %e, "recording a queued action failed");
            }
            response
        }
        Ok(Arrival::Seen(status)) => {
            let mut r = (StatusCode::OK, "Déjà enregistré.").into_response();
            r.headers_mut().insert(
                "x-action-replayed",
                HeaderValue::from_str(&status.to_string()).unwrap_or(HeaderValue::from_static("0")),
            );
            r
        }
        Err(e) => crate::ui::error_page(&e),
    }
}
