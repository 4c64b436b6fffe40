//! Jalon's HTTP server: `GET /healthz`, the French pages (server-rendered, htmx), the JSON API
//! under `/api/v1/`, authentication by cookie or bearer token, convocation emails.

pub mod account_mail;
mod api;
pub mod archive;
mod assets;
mod auth;
mod body;
pub mod documents;
mod error;
mod limiter;
pub mod mailer;
pub mod openapi;
mod replay;
mod security;
mod ui;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use jalon_store::Store;
use tokio::net::TcpListener;

pub use limiter::{Limiter, MailQuota};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Mark cookies `Secure` (the server is reached through HTTPS).
    pub secure_cookies: bool,
    pub limiter: Arc<Limiter>,
    /// The password-reset emails strangers may ask for.
    pub mail_quota: Arc<MailQuota>,
    /// Jalon is behind a reverse proxy: a request's address is the last one the proxy
    /// appended to `X-Forwarded-For`, not the proxy's own.
    pub behind_proxy: bool,
    /// How convocations are emailed.
    pub mail: Arc<mailer::MailSettings>,
    /// Typesets the PDF documents (the centre's templates, if any).
    pub docs: Arc<jalon_docs::pdf::Renderer>,
    /// When a write last went through, for `/healthz` (checked again after a few seconds,
    /// and at every call while writes fail).
    pub writes_seen: Arc<tokio::sync::Mutex<Option<std::time::Instant>>>,
}

impl AppState {
    pub fn new(store: Store, secure_cookies: bool) -> AppState {
        let outbox = std::env::temp_dir().join("jalon-outbox");
        AppState {
            store,
            secure_cookies,
            limiter: Arc::new(Limiter::default()),
            mail_quota: Arc::new(MailQuota::default()),
            behind_proxy: false,
            mail: Arc::new(mailer::MailSettings::outbox(
                outbox,
                "http://localhost:8080",
            )),
            docs: embedded_templates(),
            writes_seen: Arc::default(),
        }
    }

    pub fn with_docs(mut self, docs: jalon_docs::pdf::Renderer) -> AppState {
        self.docs = Arc::new(docs);
        self
    }

    pub fn with_mail(mut self, mail: mailer::MailSettings) -> AppState {
        self.mail = Arc::new(mail);
        self
    }
}

/// The embedded templates, loaded once per process (their fonts take a moment to read).
fn embedded_templates() -> Arc<jalon_docs::pdf::Renderer> {
    static EMBEDDED: std::sync::OnceLock<Arc<jalon_docs::pdf::Renderer>> =
        std::sync::OnceLock::new();
    EMBEDDED
        .get_or_init(|| Arc::new(jalon_docs::pdf::Renderer::embedded()))
        .clone()
}

pub fn router(state: AppState) -> Router {
    use tower_http::compression::CompressionLayer;
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::trace::TraceLayer;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/{name}", get(assets::serve))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .merge(api::routes())
        .merge(ui::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(french_rejections))
        // A phone photo of a signed convocation weighs a few megabytes.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            replay::replay,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(timeout))
        .layer(CompressionLayer::new())
        // Outermost: every request gets an id (or keeps the proxy's), which its span and
        // its response carry.
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// One span per request, named by its id, method and path (never its query: it may hold a
/// personal link's token).
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let path = req.uri().path();
    let path = if path.starts_with("/accuse/") {
        "/accuse/…"
    } else if path.starts_with("/jure/") {
        "/jure/…"
    } else {
        path
    };
    tracing::info_span!("request", id, method = %req.method(), path)
}

/// The longest a request may take: the largest documents (a ZIP of a hundred convocations)
/// take a few seconds.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A request that takes too long is answered, in French, rather than left hanging. (tower-http
/// has a timeout layer, but its answer has no body to read.)
async fn timeout(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let api = req.uri().path().starts_with("/api/");
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!("request timed out");
            let text = "la requête a pris trop de temps : réessayez dans un instant";
            if api {
                let body = error::ErrorBody::new(error::ErrorCode::Timeout, text);
                (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
            } else {
                ui::message_status(StatusCode::SERVICE_UNAVAILABLE, "Délai dépassé", text)
            }
        }
    }
}

/// The largest request body: a proof document (10 Mio) and its form.
pub const BODY_LIMIT: usize = jalon_core::upload::MAX_DOCUMENT_BYTES + 1024 * 1024;

/// How long a write that went through vouches for the next health checks.
const WRITES_CHECKED_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// `ok` when the database answers and takes writes; 503 and why, in French, otherwise (a
/// full disk, a read-only database), so that a monitor sees what every form would meet.
async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    if let Err(e) = state.store.ping().await {
        tracing::error!(error = %e, "health check failed");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "base de données injoignable".to_owned(),
        );
    }
    let mut seen = state.writes_seen.lock().await;
    if seen.is_some_and(|at| at.elapsed() < WRITES_CHECKED_FOR) {
        return (StatusCode::OK, "ok".to_owned());
    }
    match state.store.check_writes().await {
        Ok(()) => {
            *seen = Some(std::time::Instant::now());
            (StatusCode::OK, "ok".to_owned())
        }
        Err(why) => {
            *seen = None;
            tracing::error!(%why, "health check: writes refused");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("écritures refusées : {why}"),
            )
        }
    }
}

/// The framework's own refusals (a body too large, a content type, an address or a query
/// it cannot read, a method the address does not take) come as English plain text: they
/// are answered in French, as JSON under `/api/` and as a page elsewhere.
async fn french_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::CONTENT_TYPE;
    use axum::response::IntoResponse;
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let ours = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.starts_with("text/plain"));
    let (heading, text) = match status {
        _ if ours => return response,
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Envoi trop volumineux",
            format!(
                "l'envoi dépasse {} Mio : un justificatif pèse {} Mio au plus",
                BODY_LIMIT / (1024 * 1024),
                jalon_core::upload::MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Type de contenu refusé",
            "type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json), \
             un formulaire ou un fichier joint (multipart/form-data)"
                .to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Action impossible ici",
            "cette adresse ne prend pas cette méthode HTTP".to_owned(),
        ),
        StatusCode::BAD_REQUEST => (
            "Requête illisible",
            "requête mal formée : l'adresse, ses paramètres ou le contenu envoyé ne se lisent pas"
                .to_owned(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "Saisie refusée",
            "contenu envoyé illisible : vérifiez les champs et leur format".to_owned(),
        ),
        _ => return response,
    };
    let (mut parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    tracing::info!(
        status = status.as_u16(),
        detail = %String::from_utf8_lossy(&detail),
        "framework rejection answered in French"
    );
    let mut french = if api {
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNPROCESSABLE_ENTITY => {
                error::ErrorCode::Validation
            }
            _ => error::ErrorCode::BadRequest,
        };
        (status, axum::Json(error::ErrorBody::new(code, text))).into_response()
    } else {
        ui::message_status(status, heading, &text)
    };
    // Keep what the framework said besides (`Allow` for a 405).
    if let Some(allow) = parts.headers.remove(axum::http::header::ALLOW) {
        french
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    french
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        let body = error::ErrorBody::new(
            error::ErrorCode::NotFound,
            format!("adresse inconnue : {}", uri.path()),
        );
        (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
    } else {
        ui::not_found_page(&uri)
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
