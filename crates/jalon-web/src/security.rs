//! Protections shared by every response and every form: security headers (a
//! Content-Security-Policy with no inline script, no caching of what carries personal data),
//! CSRF tokens and same-origin checks.

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    // Pages, API answers, CSV, PDF and archives carry personal data: never kept by a
    // browser's or a proxy's cache. The static assets and the logo say their own.
    if !h.contains_key(axum::http::header::CACHE_CONTROL) {
        h.insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    res
}

/// The CSRF token of a login: derived from its secret (which never leaves the cookie), so it
/// needs no storage and dies with the login.
pub fn csrf_token(login_token: &str) -> String {
    let digest = Sha256::digest(format!("jalon-csrf\n{login_token}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A form posted from another site is refused: `Origin` (or, failing it, `Referer`) must be
/// this server when the browser sends one.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        None => true,
        Some(url) => url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
            .is_some_and(|authority| authority == host),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_must_be_this_host() {
        let mut h = HeaderMap::new();
        h.insert(HOST, "jalon.example:8080".parse().unwrap());
        assert!(same_origin(&h), "no origin: a same-site navigation");
        h.insert(ORIGIN, "http://jalon.example:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.remove(ORIGIN);
        h.insert(
            REFERER,
            "http://jalon.example:8080/sessions/1".parse().unwrap(),
        );
        assert!(same_origin(&h));
        h.insert(
            REFERER,
            "http://jalon.example.evil.example/".parse().unwrap(),
        );
        assert!(!same_origin(&h));
    }

    #[test]
    fn csrf_tokens_differ_per_login_and_compare_exactly() {
        let a = csrf_token("token-a");
        assert_eq!(a.len(), 32);
        assert_ne!(a, csrf_token("token-b"));
        assert!(same_token(&a, &csrf_token("token-a")));
        assert!(!same_token(&a, &csrf_token("token-b")));
        assert!(!same_token(&a, ""));
    }
}
