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

/// Checks a photo (of a packet's seals): an image, not a PDF; the error is a French sentence.
pub fn check_photo(bytes: &[u8]) -> Result<&'static str, String> {
    match check_document(bytes)? {
        "application/pdf" => Err(
            "ce fichier est un PDF : envoyez une photo (PNG, JPEG, WebP, HEIC) du pli et de ses scellés"
                .to_owned(),
        ),
        kind => Ok(kind),
    }
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

/// The heaviest logo: a letterhead's image weighs a few dozen kilobytes.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// The largest side of a logo, in pixels: enough for print, not a photo to decode.
pub const MAX_LOGO_PIXELS: u32 = 4000;

/// The width and height of a PNG or JPEG image, read from its header; `None` if it has none.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| {
        Some(u32::from(u16::from_be_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let be32 = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    match document_type(bytes)? {
        // The IHDR chunk comes first: width and height after its length and name.
        "image/png" if bytes.get(12..16) == Some(b"IHDR") => Some((be32(16)?, be32(20)?)),
        "image/jpeg" => {
            // Segments follow the start marker; a start-of-frame one (SOF0 to SOF15 but
            // DHT, JPG and DAC) gives the height then the width.
            let mut at = 2;
            loop {
                if *bytes.get(at)? != 0xFF {
                    return None;
                }
                let marker = *bytes.get(at + 1)?;
                if marker == 0xFF {
                    at += 1;
                    continue;
                }
                let length = be16(at + 2)? as usize;
                if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                    return Some((be16(at + 7)?, be16(at + 5)?));
                }
                at += 2 + length;
            }
        }
        _ => None,
    }
}

/// Checks a centre's logo: a PNG or JPEG image, light, of a sensible size. Returns its media
/// type; the error is a French sentence.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("le fichier du logo est vide".to_owned());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "le logo pèse {} Kio : 1 Mio au plus (une image de 600 pixels de large suffit)",
            bytes.len().div_ceil(1024)
        ));
    }
    let kind = match document_type(bytes) {
        Some(kind @ ("image/png" | "image/jpeg")) => kind,
        _ => return Err("le logo doit être une image PNG ou JPEG".to_owned()),
    };
    match image_size(bytes) {
        None => Err("cette image est illisible : son en-tête ne donne pas sa taille".to_owned()),
        Some((0, _) | (_, 0)) => Err("cette image est vide (0 pixel)".to_owned()),
        Some((w, h)) if w > MAX_LOGO_PIXELS || h > MAX_LOGO_PIXELS => Err(format!(
            "le logo mesure {w} × {h} pixels : {MAX_LOGO_PIXELS} pixels de côté au plus"
        )),
        Some(_) => Ok(kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of a PNG of `w` × `h` pixels.
    fn png(w: u32, h: u32) -> Vec<u8> {
        [
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".as_slice(),
            &w.to_be_bytes(),
            &h.to_be_bytes(),
            b"\x08\x06\0\0\0",
        ]
        .concat()
    }

    /// The first segments of a JPEG of `w` × `h` pixels: JFIF, then its frame.
    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        [
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".as_slice(),
            b"\xFF\xC0\0\x11\x08",
            &h.to_be_bytes(),
            &w.to_be_bytes(),
            b"\x03\x01\x22\0",
        ]
        .concat()
    }

    #[test]
    fn a_logo_is_a_light_png_or_jpeg_of_sensible_size() {
        assert_eq!(image_size(&png(600, 200)), Some((600, 200)));
        assert_eq!(image_size(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(check_logo(&png(600, 200)), Ok("image/png"));
        assert_eq!(check_logo(&jpeg(640, 480)), Ok("image/jpeg"));
        assert_eq!(
            check_logo(&png(20_000, 100)),
            Err("le logo mesure 20000 × 100 pixels : 4000 pixels de côté au plus".to_owned())
        );
        assert!(check_logo(&png(0, 10)).unwrap_err().contains("0 pixel"));
        assert_eq!(
            check_logo(b"%PDF-1.7"),
            Err("le logo doit être une image PNG ou JPEG".to_owned())
        );
        assert!(check_logo(b"RIFF\x10\0\0\0WEBPVP8 ").is_err());
        assert!(check_logo(b"").unwrap_err().contains("vide"));
        // A PNG whose header is cut short says so.
        assert!(
            check_logo(b"\x89PNG\r\n\x1a\n\0\0")
                .unwrap_err()
                .contains("illisible")
        );
        let heavy = [png(600, 200), vec![0; MAX_LOGO_BYTES]].concat();
        assert!(check_logo(&heavy).unwrap_err().contains("1 Mio au plus"));
    }

    #[test]
    fn a_drawn_signature_is_a_small_png() {
        assert_eq!(check_signature(b"\x89PNG\r\n\x1a\n\0\0"), Ok(()));
        assert_eq!(check_photo(b"\xFF\xD8\xFF\xE0 photo"), Ok("image/jpeg"));
        assert!(
            check_photo(b"%PDF-1.7")
                .unwrap_err()
                .contains("envoyez une photo")
        );
        assert!(check_photo(b"").unwrap_err().contains("vide"));
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
