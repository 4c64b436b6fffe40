//! Request bodies read as JSON with errors that name the field, in French.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use jalon_store::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body the API reads.
const MAX_BODY: usize = 1024 * 1024;

/// A JSON body: `Content-Type: application/json` required (which also keeps other sites'
/// forms from posting here), and every decoding error turned into a 422 naming its field.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiError::Body(FieldError::new(
                "body",
                "le corps de la requête doit être du JSON (Content-Type: application/json)",
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                ApiError::Body(FieldError::new(
                    "body",
                    "corps de requête illisible ou trop long (1 Mio au plus)",
                ))
            })?;
        if bytes.len() > MAX_BODY {
            return Err(ApiError::Body(FieldError::new(
                "body",
                "corps de requête trop long (1 Mio au plus)",
            )));
        }
        decode(&bytes).map(Body).map_err(ApiError::Body)
    }
}

/// Decodes JSON, naming the field in error and saying what was expected, in French.
///
/// Every text in it passes the boundary of [`jalon_core::text`] first: put in composed form,
/// refused when it holds a control character, a direction override, a line break where one
/// line is expected, or more characters than its field takes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        clean(&mut value, "")?;
        return serde_path_to_error::deserialize(value).map_err(explain);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(explain)
}

/// A decoding error as a field and a French message.
fn explain(e: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let msg = inner.to_string();
    // serde_json appends " at line L column C": not useful to a person.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    if let Some(name) = between(&msg, "missing field `", "`") {
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return FieldError::new(field, "champ obligatoire manquant");
    }
    if let Some(name) = between(&msg, "unknown field `", "`") {
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return FieldError::new(field, "champ inconnu");
    }
    let field = if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path
    };
    if inner.is_syntax() || inner.is_eof() {
        return FieldError::new("body", "JSON mal formé");
    }
    FieldError::new(field, french(&msg))
}

/// Every text of a JSON value through the boundary, in place; the first refused one as a
/// field error, by its path (`candidates[2].last_name`).
fn clean(value: &mut serde_json::Value, path: &str) -> Result<(), FieldError> {
    use serde_json::Value;
    let refused = |p: jalon_core::Problem| {
        let field = if path.is_empty() { "body" } else { path };
        FieldError::new(field, p.message)
    };
    match value {
        Value::String(s) => {
            *s = jalon_core::text::clean(path, s).map_err(refused)?;
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                clean(v, &format!("{path}[{i}]"))?;
            }
        }
        Value::Object(map) => {
            for key in map.keys() {
                if let Err(p) = jalon_core::text::clean("key", key) {
                    return Err(FieldError::new(
                        "body",
                        format!("nom de champ : {}", p.message),
                    ));
                }
            }
            for (k, v) in map.iter_mut() {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                clean(v, &at)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// serde's and jiff's messages, in French where they are predictable.
fn french(msg: &str) -> String {
    if msg.contains("date") || msg.contains("failed to parse") {
        return "date invalide (attendu : AAAA-MM-JJ, par exemple 2027-03-15)".to_owned();
    }
    if let Some(v) = between(msg, "unknown variant `", "`") {
        let expected = msg.split("expected ").nth(1).unwrap_or("").replace('`', "");
        // « one of a, b, c » → « a, b ou c » ; « a or b » → « a ou b ».
        let mut expected = expected
            .trim_start_matches("one of ")
            .replace(" or ", " ou ");
        if !expected.contains(" ou ")
            && let Some(at) = expected.rfind(", ")
        {
            expected.replace_range(at..at + 2, " ou ");
        }
        return format!("valeur inconnue « {v} » (attendu : {expected})");
    }
    let mut m = msg.to_owned();
    for (en, fr) in [
        ("invalid type: ", "type invalide : "),
        ("invalid value: ", "valeur invalide : "),
        (", expected ", ", attendu "),
        ("string ", "texte "),
        ("integer ", "entier "),
        ("a string", "un texte"),
        ("a boolean", "un booléen"),
        ("i64", "un entier"),
        ("u32", "un entier positif"),
        ("null", "null"),
        ("a sequence", "une liste"),
    ] {
        m = m.replace(en, fr);
    }
    m
}

/// A signature drawn on a tablet, as the pad (`data:image/png;base64,…`) or an API client
/// (the base64 alone) sends it; `None` when nothing was drawn. Whether it is a PNG is the
/// store's check.
pub fn drawn_signature(text: &str) -> Result<Option<Vec<u8>>, String> {
    use base64::Engine;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let data = text.strip_prefix("data:image/png;base64,").unwrap_or(text);
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map(Some)
        .map_err(|_| "la signature dessinée n'est pas une image PNG lisible (base64)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Input {
        start: jiff::civil::Date,
        kind: jalon_core::Kind,
        version: i64,
    }

    fn err(json: &str) -> FieldError {
        decode::<Input>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn errors_name_the_field_in_french() {
        assert_eq!(
            err(r#"{"kind":"title","version":1}"#),
            FieldError::new("start", "champ obligatoire manquant")
        );
        let e = err(r#"{"start":"2027-02-30","kind":"title","version":1}"#);
        assert_eq!(e.field, "start");
        assert!(e.message.starts_with("date invalide"), "{e:?}");
        let e = err(r#"{"start":"2027-03-15","kind":"vae","version":1}"#);
        assert_eq!(e.field, "kind");
        assert!(e.message.contains("valeur inconnue « vae »"), "{e:?}");
        let e = err(r#"{"start":"2027-03-15","kind":"title","version":"1"}"#);
        assert_eq!(e.field, "version");
        assert!(e.message.contains("type invalide"), "{e:?}");
        assert_eq!(err("{").field, "body");
        assert_eq!(err("\u{0}\u{1}garbage").message, "JSON mal formé");
    }

    #[test]
    fn a_drawn_signature_comes_as_a_data_url_or_plain_base64() {
        use super::drawn_signature;
        let png = b"\x89PNG\r\n\x1a\n".to_vec();
        assert_eq!(
            drawn_signature("data:image/png;base64,iVBORw0KGgo="),
            Ok(Some(png.clone()))
        );
        assert_eq!(drawn_signature(" iVBORw0KGgo= "), Ok(Some(png)));
        assert_eq!(drawn_signature("  "), Ok(None));
        assert!(
            drawn_signature("pas du base64 !")
                .unwrap_err()
                .contains("PNG")
        );
    }
}
