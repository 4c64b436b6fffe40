//! What an uploaded proof may be: a PDF or a photo (a signed copy, scanned or taken with a
//! phone). The content decides, never the name.

/// The largest proof accepted: a scanned page or a phone photo fits well under it.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The media type of a PDF or an image, from its first bytes; `None` for anything else.
pub fn document_type(bytes: &[u8]) -> Option<&'static str> {
    let has = |prefix: &[u8]| bytes.starts_with(prefix);
    if has(b"%PDF-") {
        Some("application/pdf")
    } else if has(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if has(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if has(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else if bytes.get(4..8) == Some(b"ftyp")
        && matches!(
            bytes.get(8..12),
            Some(b"heic" | b"heix" | b"mif1" | b"heim")
        )
    {
        Some("image/heic")
    } else {
        None
    }
}

/// Checks an upload; the error is a French sentence.
pub fn check_document(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("le fichier est vide".to_owned());
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "le fichier pèse {} Mio : 10 Mio au plus",
            bytes.len().div_ceil(1024 * 1024)
        ));
    }
    document_type(bytes).ok_or_else(|| {
        "ce fichier n'est ni un PDF ni une image (PNG, JPEG, WebP, HEIC) : envoyez la copie signée scannée ou photographiée"
            .to_owned()
    })
}

/// The largest drawn signature: a PNG of a tablet's pad weighs a few dozen kilobytes.
pub const MAX_SIGNATURE_BYTES: usize = 512 * 1024;

/// Checks a signature drawn on the tablet: a PNG, not empty, not huge.
pub fn check_signature(bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("la signature est vide : faites signer le candidat dans le cadre".to_owned());
    }
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err("la signature dessinée est trop lourde (512 Kio au plus)".to_owned());
    }
    if document_type(bytes) != Some("image/png") {
        return Err("la signature dessinée n'est pas une image PNG".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_signature_is_a_small_png() {
        assert_eq!(check_signature(b"\x89PNG\r\n\x1a\n\0\0"), Ok(()));
        assert!(check_signature(b"").unwrap_err().contains("vide"));
        assert!(check_signature(b"%PDF-1.7").unwrap_err().contains("PNG"));
        let huge = [
            b"\x89PNG\r\n\x1a\n".as_slice(),
            &vec![0u8; MAX_SIGNATURE_BYTES],
        ]
        .concat();
        assert!(check_signature(&huge).unwrap_err().contains("512 Kio"));
    }

    #[test]
    fn pdfs_and_photos_only_whatever_their_name() {
        assert_eq!(check_document(b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(check_document(b"\x89PNG\r\n\x1a\n\0\0"), Ok("image/png"));
        assert_eq!(
            check_document(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Ok("image/jpeg")
        );
        assert_eq!(check_document(b"RIFF\x10\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(check_document(b"\0\0\0\x18ftypheic\0\0"), Ok("image/heic"));
        let e = check_document(b"PK\x03\x04 a Word file").unwrap_err();
        assert!(
            e.starts_with("ce fichier n'est ni un PDF ni une image"),
            "{e}"
        );
        assert!(check_document(b"<html><script>").is_err());
        assert_eq!(check_document(b""), Err("le fichier est vide".to_owned()));
        assert!(
            check_document(&vec![b'%'; MAX_DOCUMENT_BYTES + 1])
                .unwrap_err()
                .contains("10 Mio au plus")
        );
    }
}
