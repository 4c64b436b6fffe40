//! One boundary for text: what a person may type, whatever the way in (a page, the API, a
//! CSV file, the command line).
//!
//! Every text is put in Unicode's composed form (NFC), so that « é » typed as one character
//! or as « e » and an accent is the same name. A text is refused, with a French message
//! naming the character, when it holds a control character (NUL and the others), a
//! direction override that could disguise what it says (U+202E…), or a line break where a
//! single line is expected; and when it is longer than its field allows. Names are compared
//! by their [`skeleton`]: case, accents, invisible characters and letters of other alphabets
//! that look like Latin ones do not make a second person.

use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::Problem;
use crate::fr;

/// What a field holds, which says which characters and how many it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One line: a name, an address, a number.
    Line,
    /// Several lines: a reason, a description, a list typed one per line.
    Block,
    /// Read by a program, not shown as typed: a password (kept exactly as typed), a file
    /// carried by a form (a CSV checked cell by cell later), a drawn signature.
    Raw,
}

/// The shape and the longest text a field takes, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub shape: Shape,
    pub max: usize,
}

/// The longest line of text a field takes when nothing more precise is known: a name, an
/// address, a title's intitulé all fit.
pub const MAX_LINE: usize = 300;
/// The longest text of several lines (a reason, a description, a list of épreuves).
pub const MAX_BLOCK: usize = 10_000;
/// The longest file carried by a form field (a CSV to confirm, a drawn signature).
pub const MAX_RAW: usize = 4 * 1024 * 1024;

/// The rule of a field, by its name: the last part of a path (`candidates[2].last_name`),
/// or the first part of a form field's name (`answer.c-12`).
pub fn rule_for(field: &str) -> Rule {
    let line = |max| Rule {
        shape: Shape::Line,
        max,
    };
    // The last part that names a known field: `candidates[2].last_name` is a last name,
    // `answer.c-12` an answer.
    field
        .rsplit('.')
        .map(|part| part.split('[').next().unwrap_or(part))
        .find_map(known)
        .unwrap_or(line(MAX_LINE))
}

/// The rule of a field by its own name, when it is one Jalon knows.
fn known(name: &str) -> Option<Rule> {
    let line = |max| Rule {
        shape: Shape::Line,
        max,
    };
    Some(match name {
        "password" | "current_password" | "new_password" | "confirm_password"
        | "password_confirm" => Rule {
            shape: Shape::Raw,
            max: 1024,
        },
        "csv" | "data" | "signature" | "signature_png" | "csrf" => Rule {
            shape: Shape::Raw,
            max: MAX_RAW,
        },
        "answer"
        | "reason"
        | "request"
        | "override_justification"
        | "evidence"
        | "description"
        | "measure"
        | "habilitations"
        | "licences"
        | "packets"
        | "contents"
        | "rooms"
        | "ccps"
        | "epreuves"
        | "accommodation"
        | "accommodation_plan"
        | "notes"
        | "note"
        | "comment"
        | "message"
        | "equipment" => Rule {
            shape: Shape::Block,
            max: MAX_BLOCK,
        },
        "email" | "reply_to" => line(254),
        "last_name" | "first_names" | "display_name" | "name" | "city" | "profession"
        | "employer" | "trained_by" | "place" | "key_holder" | "witnesses" | "by" => line(200),
        _ => return None,
    })
}

/// A character that has no place in a typed text: what it is and what to do, or `None`
/// when it is fine in a text of this shape.
fn refused(c: char, shape: Shape) -> Option<(&'static str, &'static str)> {
    const REMOVE: &str = "retirez-le du texte";
    const ONE_LINE: &str = "ce champ tient sur une ligne";
    match c {
        '\0' => Some(("caractère nul refusé", REMOVE)),
        '\n' | '\r' if shape == Shape::Line => Some(("retour à la ligne refusé", ONE_LINE)),
        '\n' | '\r' | '\t' => None,
        '\u{2028}' | '\u{2029}' if shape == Shape::Line => {
            Some(("séparateur de ligne refusé", ONE_LINE))
        }
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some((
            "marque invisible de sens d'écriture refusée",
            "elle peut déguiser le texte, retirez-la",
        )),
        c if c.is_control() => Some(("caractère de contrôle refusé", REMOVE)),
        '\u{FFF9}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}' => {
            Some(("caractère non imprimable refusé", REMOVE))
        }
        _ => None,
    }
}

/// « U+202E »
fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The text in composed form (NFC), the byte-order mark and zero-width spaces dropped:
/// what a text read from a file becomes before its fields are checked.
pub fn composed(value: &str) -> String {
    value
        .nfc()
        .filter(|c| !matches!(c, '\u{FEFF}' | '\u{200B}'))
        .collect()
}

/// The text as kept: in composed form (NFC), the byte-order mark and zero-width spaces
/// dropped, or what is wrong with it. A raw field is kept exactly as given (a password must
/// hash as typed) and only refused for a NUL character or its length.
pub fn clean(field: &str, value: &str) -> Result<String, Problem> {
    let rule = rule_for(field);
    if rule.shape == Shape::Raw {
        if value.contains('\0') {
            return Err(Problem::new(
                field,
                "caractère nul (U+0000) refusé : retirez-le du texte",
            ));
        }
        if value.len() > rule.max {
            return Err(too_long(field, rule.max, value.len()));
        }
        return Ok(value.to_owned());
    }
    let kept = composed(value);
    if let Some(p) = problem(field, &kept, rule) {
        return Err(p);
    }
    Ok(kept)
}

/// What is wrong with a text for a field of this rule: a refused character (the first one,
/// named by its code and position) or its length.
pub fn problem(field: &str, value: &str, rule: Rule) -> Option<Problem> {
    if let Some((at, c, (what, advice))) = value
        .chars()
        .enumerate()
        .find_map(|(i, c)| refused(c, rule.shape).map(|why| (i + 1, c, why)))
    {
        let rank = if at == 1 {
            "1er".to_owned()
        } else {
            format!("{at}e")
        };
        return Some(Problem::new(
            field,
            format!("{what} ({}, {rank} caractère) : {advice}", code(c)),
        ));
    }
    let count = value.chars().count();
    (count > rule.max).then(|| too_long(field, rule.max, count))
}

fn too_long(field: &str, max: usize, given: usize) -> Problem {
    Problem::new(
        field,
        format!(
            "texte trop long : {} caractères au plus ({} donnés)",
            fr::integer(max as u64),
            fr::integer(given as u64)
        ),
    )
}

/// The problems of several fields at once: `(field, text)` checked by the field's rule.
pub fn problems<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Problem> {
    fields
        .into_iter()
        .filter_map(|(field, value)| problem(field, value, rule_for(field)))
        .collect()
}

/// A file's name as sent by a browser, made safe to keep and show: composed, without the
/// characters a typed line refuses (control characters, line breaks, direction overrides),
/// 200 characters at most; `fallback` when nothing is left.
pub fn file_name(name: &str, fallback: &str) -> String {
    let kept: String = composed(name)
        .chars()
        .filter(|c| refused(*c, Shape::Line).is_none())
        .take(200)
        .collect();
    match kept.trim() {
        "" => fallback.to_owned(),
        name => name.to_owned(),
    }
}

/// The refused characters of several fields at once, their lengths apart (for inputs that
/// set their own, shorter, limits).
pub fn character_problems<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Problem> {
    fields
        .into_iter()
        .filter_map(|(field, value)| {
            let rule = Rule {
                max: usize::MAX,
                ..rule_for(field)
            };
            problem(field, value, rule)
        })
        .collect()
}

/// A letter of another alphabet drawn like a Latin one (the Cyrillic « о », the Greek
/// « Α »), as that Latin letter; other characters unchanged.
fn latin_look_alike(c: char) -> char {
    match c {
        // Cyrillic.
        'А' | 'а' => 'a',
        'В' | 'в' => 'b',
        'Е' | 'е' | 'Ё' | 'ё' => 'e',
        'К' | 'к' => 'k',
        'М' | 'м' => 'm',
        'Н' | 'н' | 'һ' => 'h',
        'О' | 'о' => 'o',
        'Р' | 'р' => 'p',
        'С' | 'с' => 'c',
        'Т' | 'т' => 't',
        'Х' | 'х' => 'x',
        'У' | 'у' => 'y',
        'І' | 'і' | 'Ї' | 'ї' => 'i',
        'Ј' | 'ј' => 'j',
        'Ѕ' | 'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Greek.
        'Α' | 'α' => 'a',
        'Β' | 'β' => 'b',
        'Ε' | 'ε' => 'e',
        'Ζ' => 'z',
        'Η' => 'h',
        'Ι' | 'ι' => 'i',
        'Κ' | 'κ' => 'k',
        'Μ' => 'm',
        'Ν' => 'n',
        'ν' => 'v',
        'Ο' | 'ο' => 'o',
        'Ρ' | 'ρ' => 'p',
        'Τ' => 't',
        'Υ' | 'υ' => 'y',
        'Χ' | 'χ' => 'x',
        // Latin letters that look like others.
        'ı' => 'i',
        'ɡ' => 'g',
        c => c,
    }
}

/// An invisible character that changes nothing a reader sees: zero-width spaces and
/// joiners, the soft hyphen, direction marks, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// How two names are compared: lowercase, without accents nor invisible characters, letters
/// of other alphabets drawn like Latin ones as those, compatibility forms as their letters
/// (« ﬁ » is « fi », a full-width « Ａ » is « a »), ligatures as two letters (« Cœur » is
/// « coeur »), punctuation and spaces as single spaces.
pub fn skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text
        .nfkd()
        .filter(|c| !is_combining_mark(*c) && !invisible(*c))
        .map(latin_look_alike)
        .flat_map(char::to_lowercase)
    {
        let two = match c {
            'œ' => Some("oe"),
            'æ' => Some("ae"),
            'ß' => Some("ss"),
            _ => None,
        };
        if let Some(two) = two {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(two);
        } else if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(latin_look_alike(c));
        } else {
            space = true;
        }
    }
    out
}

/// The first day a date typed for an administrative fact (a title's expiry, an approval, a
/// session) may fall on, and the last.
pub const FIRST_YEAR: i16 = 1990;
pub const LAST_YEAR: i16 = 2100;

/// A date outside the years Jalon deals with (a title expiring in year 0 is a typing
/// error), as a problem on `field`.
pub fn date_problem(field: &str, what: &str, date: Date) -> Option<Problem> {
    (!(FIRST_YEAR..=LAST_YEAR).contains(&date.year())).then(|| {
        Problem::new(
            field,
            format!(
                "{what} ({}) hors des années prises en charge ({FIRST_YEAR} à {LAST_YEAR}) : vérifiez l'année",
                fr::short_date(date)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_name_typed_decomposed_is_kept_composed() {
        let typed = "Le\u{301}a Durand";
        let kept = clean("first_names", typed).unwrap();
        assert_eq!(kept, "Léa Durand");
        assert_eq!(kept.chars().count(), 10);
        // A zero-width space or a byte-order mark are dropped, not refused.
        assert_eq!(
            clean("last_name", "\u{feff}Du\u{200b}pont").unwrap(),
            "Dupont"
        );
    }

    #[test]
    fn control_characters_and_direction_overrides_are_refused_by_name() {
        let p = clean("last_name", "Dupont\u{202e}tnemevuom").unwrap_err();
        assert_eq!(p.field, "last_name");
        assert!(p.message.contains("U+202E"), "{}", p.message);
        assert_eq!(
            p.message,
            "marque invisible de sens d'écriture refusée (U+202E, 7e caractère) : \
             elle peut déguiser le texte, retirez-la"
        );
        let p = clean("city", "Lyon\u{7}").unwrap_err();
        assert!(
            p.message
                .starts_with("caractère de contrôle refusé (U+0007")
        );
        let p = clean("name", "a\0b").unwrap_err();
        assert_eq!(
            p.message,
            "caractère nul refusé (U+0000, 2e caractère) : retirez-le du texte"
        );
        let p = clean("password", "a\0b").unwrap_err();
        assert!(p.message.contains("U+0000"));
    }

    #[test]
    fn a_line_break_is_refused_where_one_line_is_expected_only() {
        let p = clean("last_name", "Dupont\r\nBcc: x@y.fr").unwrap_err();
        assert_eq!(
            p.message,
            "retour à la ligne refusé (U+000D, 7e caractère) : ce champ tient sur une ligne"
        );
        assert_eq!(
            clean("reason", "Salle inondée.\r\nSession reportée.").unwrap(),
            "Salle inondée.\r\nSession reportée."
        );
        assert_eq!(
            clean("answer.c-12", "ligne 1\nligne 2").unwrap(),
            "ligne 1\nligne 2"
        );
        assert!(clean("candidates[3].city", "a\nb").is_err());
    }

    #[test]
    fn each_field_has_its_length() {
        let site = "S".repeat(1_000_000);
        let p = clean("name", &site).unwrap_err();
        assert_eq!(
            p.message,
            "texte trop long : 200 caractères au plus (1\u{202f}000\u{202f}000 donnés)"
        );
        assert!(clean("name", &"é".repeat(200)).is_ok());
        assert!(clean("reference", &"x".repeat(MAX_LINE + 1)).is_err());
        assert!(clean("reason", &"x\n".repeat(4000)).is_ok());
        assert!(clean("reason", &"x".repeat(MAX_BLOCK + 1)).is_err());
        assert!(clean("csv", &"a;b\n".repeat(100_000)).is_ok());
    }

    #[test]
    fn a_password_is_kept_exactly_as_typed() {
        let typed = "Ame\u{301}lie \u{202e} 2026\n";
        assert_eq!(clean("new_password", typed).unwrap(), typed);
    }

    #[test]
    fn look_alike_names_share_a_skeleton() {
        let plain = skeleton("Dupont");
        assert_eq!(plain, "dupont");
        assert_eq!(skeleton("Du\u{200b}pont"), plain);
        assert_eq!(skeleton("Dup\u{43e}nt"), plain, "Cyrillic о");
        assert_eq!(skeleton("DUP\u{39f}NT"), plain, "Greek Ο");
        assert_eq!(skeleton("Ｄｕｐｏｎｔ"), plain, "full width");
        assert_eq!(skeleton("Du\u{ad}pont"), plain, "soft hyphen");
        assert_eq!(skeleton("Héloïse-Anaïs"), "heloise anais");
        assert_eq!(skeleton("He\u{301}loi\u{308}se"), "heloise");
        assert_eq!(skeleton("LE CŒUR Lætitia"), "le coeur laetitia");
        assert_eq!(skeleton("  Prénom(s) "), "prenom s");
        assert_eq!(skeleton("Strauß"), "strauss");
        assert_ne!(skeleton("Dupond"), plain);
        assert_ne!(skeleton("Martin"), skeleton("Martine"));
    }

    #[test]
    fn dates_outside_the_years_jalon_deals_with_are_refused() {
        let p = date_problem("expiry", "l'échéance du titre", date(0, 1, 1)).unwrap();
        assert_eq!(p.field, "expiry");
        assert!(p.message.contains("1990 à 2100"), "{}", p.message);
        assert!(date_problem("expiry", "l'échéance", date(2031, 12, 31)).is_none());
        assert!(date_problem("expiry", "l'échéance", date(9999, 12, 31)).is_some());
    }

    #[test]
    fn a_file_name_loses_what_could_disguise_it() {
        assert_eq!(
            file_name("facture\u{202e}fdp.exe", "document"),
            "facturefdp.exe"
        );
        assert_eq!(file_name("pv\r\n.pdf", "document"), "pv.pdf");
        assert_eq!(file_name("\u{7}", "document"), "document");
        assert_eq!(file_name(&"a".repeat(500), "x").chars().count(), 200);
    }

    #[test]
    fn several_fields_are_checked_at_once() {
        let p = problems([
            ("name", "Site\u{202e}"),
            ("address", "12 rue\nde la Paix"),
            ("city", "Lyon"),
        ]);
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "address"]);
    }
}
