//! Static files, embedded at build time and served from memory under a name that carries a
//! digest of their content, so that browsers may keep them for a year.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    stem: &'static str,
    ext: &'static str,
    mime: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 5] = [
    Asset {
        stem: "jalon",
        ext: "css",
        mime: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/jalon.css"),
    },
    Asset {
        stem: "htmx",
        ext: "min.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/htmx.min.js"),
    },
    Asset {
        stem: "signature",
        ext: "js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/signature.js"),
    },
    Asset {
        stem: "timeline",
        ext: "js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/timeline.js"),
    },
    Asset {
        stem: "offline",
        ext: "js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/offline.js"),
    },
];

/// `jalon-1a2b3c4d5e.css`: the public name of each asset.
fn names() -> &'static [String; 5] {
    static NAMES: OnceLock<[String; 5]> = OnceLock::new();
    NAMES.get_or_init(|| {
        ASSETS.map(|a| {
            let digest: String = Sha256::digest(a.bytes)
                .iter()
                .take(5)
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{}-{digest}.{}", a.stem, a.ext)
        })
    })
}

pub fn css_path() -> String {
    format!("/static/{}", names()[0])
}

pub fn htmx_path() -> String {
    format!("/static/{}", names()[1])
}

/// The signature pad of the day's welcome.
pub fn signature_path() -> String {
    format!("/static/{}", names()[2])
}

/// The day-of pages' queue of actions while the network is down.
pub fn offline_path() -> String {
    format!("/static/{}", names()[4])
}

/// Opens the session's timeline on today when it scrolls sideways.
pub fn timeline_path() -> String {
    format!("/static/{}", names()[3])
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match names().iter().position(|n| *n == name) {
        Some(i) => (
            [
                (CONTENT_TYPE, ASSETS[i].mime),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            ASSETS[i].bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "fichier introuvable").into_response(),
    }
}
