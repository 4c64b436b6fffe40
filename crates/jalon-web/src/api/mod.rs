//! The JSON API, version 1. Every route is scoped to the caller's centre; writes require the
//! role that allows them (the store's types see to it).

mod account;
mod candidates;
mod catalog;
mod closing;
mod custody;
mod documents;
pub mod dto;
pub mod privacy;
mod results;
mod sessions;

pub use account::Me;
pub use catalog::UserInput;

use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/login", post(account::login))
        .route("/api/v1/logout", post(account::logout))
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/me/password", post(account::change_password))
        .route("/api/v1/password/forgot", post(account::forgot_password))
        .route("/api/v1/invitations", get(catalog::list_invitations))
        .route(
            "/api/v1/invitations/{id}",
            axum::routing::delete(catalog::cancel_invitation),
        )
        .route(
            "/api/v1/invitations/{id}/resend",
            post(catalog::resend_invitation),
        )
        .route(
            "/api/v1/centre",
            get(catalog::get_centre).put(catalog::update_centre),
        )
        .route(
            "/api/v1/jurors",
            get(catalog::list_jurors).post(catalog::create_juror),
        )
        .route(
            "/api/v1/jurors/{id}",
            get(catalog::get_juror).put(catalog::update_juror),
        )
        .route(
            "/api/v1/centre/logo",
            get(catalog::get_logo)
                .put(catalog::set_logo)
                .delete(catalog::remove_logo),
        )
        .route(
            "/api/v1/sites",
            get(catalog::list_sites).post(catalog::create_site),
        )
        .route(
            "/api/v1/sites/{id}",
            get(catalog::get_site).put(catalog::update_site),
        )
        .route(
            "/api/v1/titles",
            get(catalog::list_titles).post(catalog::create_title),
        )
        .route(
            "/api/v1/titles/{id}",
            get(catalog::get_title).put(catalog::update_title),
        )
        .route(
            "/api/v1/approvals",
            get(catalog::list_approvals).post(catalog::create_approval),
        )
        .route(
            "/api/v1/approvals/{id}",
            get(catalog::get_approval).put(catalog::update_approval),
        )
        .route(
            "/api/v1/users",
            get(catalog::list_users).post(catalog::create_user),
        )
        .route(
            "/api/v1/users/{id}",
            get(catalog::get_user).put(catalog::update_user),
        )
        .route(
            "/api/v1/sessions",
            get(sessions::list_sessions).post(sessions::create_session),
        )
        .route(
            "/api/v1/sessions/{id}",
            get(sessions::get_session).put(sessions::update_session),
        )
        .route(
            "/api/v1/sessions/{id}/duplicate",
            post(sessions::duplicate_session),
        )
        .route(
            "/api/v1/sessions/{id}/cancel",
            post(sessions::cancel_session),
        )
        .route(
            "/api/v1/sessions/{id}/journal",
            get(sessions::session_journal),
        )
        .route(
            "/api/v1/sessions/{id}/candidates",
            get(candidates::list_candidates).post(candidates::add_candidate),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}",
            axum::routing::put(candidates::update_candidate),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}/personal-data",
            post(privacy::export_candidate),
        )
        .route(
            "/api/v1/jurors/{id}/personal-data",
            post(privacy::export_juror),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}/withdraw",
            post(candidates::withdraw_candidate),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/import",
            post(candidates::import_candidates),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}/check-in",
            post(candidates::check_in),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}/attendance",
            post(candidates::record_attendance),
        )
        .route(
            "/api/v1/sessions/{id}/attendance",
            get(candidates::list_attendance),
        )
        .route(
            "/api/v1/sessions/{id}/convocations",
            get(candidates::list_convocations),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/send",
            post(candidates::send_convocations),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}",
            axum::routing::put(candidates::set_convocation_mode),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}/hand-delivery",
            post(candidates::hand_delivery),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}/document",
            get(candidates::get_signed_document).post(candidates::attach_signed_document),
        )
        .route(
            "/api/v1/sessions/{id}/candidates.csv",
            get(candidates::export_candidates),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/complete",
            post(sessions::complete_milestone),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/reopen",
            post(sessions::reopen_milestone),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/items",
            post(sessions::tick_item),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/items/untick",
            post(sessions::untick_item),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/files",
            post(sessions::attach_file),
        )
        .route("/api/v1/sessions/{id}/files", get(sessions::list_files))
        .route(
            "/api/v1/sessions/{id}/files/{file}",
            get(sessions::get_file),
        )
        .route(
            "/api/v1/sessions/{id}/checklists",
            get(sessions::get_checklists),
        )
        .route(
            "/api/v1/sessions/{id}/complements",
            post(sessions::request_complements),
        )
        .route(
            "/api/v1/sessions/{id}/schedule",
            get(sessions::get_schedule).put(sessions::set_schedule),
        )
        .route(
            "/api/v1/sessions/{id}/timetable",
            get(sessions::get_schedule).put(sessions::set_timetable),
        )
        .route(
            "/api/v1/sessions/{id}/packets",
            get(custody::get_packets).post(custody::receive),
        )
        .route(
            "/api/v1/sessions/{id}/packets/{packet}/store",
            post(custody::store_packet),
        )
        .route(
            "/api/v1/sessions/{id}/packets/{packet}/open",
            post(custody::open_packet),
        )
        .route(
            "/api/v1/sessions/{id}/packets/{packet}/destroy",
            post(custody::destroy_packet),
        )
        .route(
            "/api/v1/sessions/{id}/packets/{packet}/return",
            post(custody::return_packet),
        )
        .route("/api/v1/sessions/{id}/dte/order", put(custody::order))
        .route("/api/v1/sessions/{id}/results", get(results::sheet))
        .route("/api/v1/represent", get(results::eligible))
        .route("/api/v1/sessions/{id}/export.zip", get(results::export_zip))
        .route(
            "/api/v1/sessions/{id}/candidates/represent",
            post(results::represent),
        )
        .route(
            "/api/v1/sessions/{id}/validation",
            post(sessions::validation),
        )
        .route(
            "/api/v1/sessions/{id}/transmission",
            post(closing::transmission),
        )
        .route("/api/v1/sessions/{id}/archive", get(closing::archive))
        .route("/api/v1/sessions/{id}/archive/{kind}", post(closing::scan))
        .route(
            "/api/v1/sessions/{id}/archive/{kind}/produce",
            post(closing::produce),
        )
        .route(
            "/api/v1/sessions/{id}/archive/pieces/{piece}",
            get(closing::piece),
        )
        .route(
            "/api/v1/sessions/{id}/results/{candidate}",
            get(results::get_result).put(results::put_result),
        )
        .route("/api/v1/sessions/{id}/dte/chases", post(custody::chase))
        .route(
            "/api/v1/sessions/{id}/launch/{day}",
            get(custody::get_launch).post(custody::launch),
        )
        .route(
            "/api/v1/sessions/{id}/launch/{day}/manager",
            put(custody::day_manager),
        )
        .route(
            "/api/v1/sessions/{id}/incidents",
            get(custody::list_incidents).post(custody::report_incident),
        )
        .route(
            "/api/v1/sessions/{id}/jury",
            get(sessions::get_jury).put(sessions::set_jury),
        )
        .route(
            "/api/v1/sessions/{id}/passage-order",
            put(sessions::set_passage_order),
        )
        .route(
            "/api/v1/sessions/{id}/documents/{name}",
            get(documents::session_document),
        )
        .route("/api/v1/journal", get(sessions::centre_journal))
        .route("/api/v1/check", get(sessions::check))
}

pub(super) async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// A replacement of something that has a version: the version read, and the new content.
#[derive(Deserialize)]
pub(super) struct Versioned<T> {
    pub(super) version: i64,
    #[serde(flatten)]
    pub(super) data: T,
}

/// A stored file, as an attachment: its media type, and its name made safe for the header.
pub(crate) fn download(
    name: &str,
    kind: impl Into<String>,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, kind.into()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
