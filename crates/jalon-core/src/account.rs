//! The accounts of a centre's staff: what a new account, a new password and a display name
//! must be.
//!
//! A password is refused when it is short, common, made of one repeated character or of a
//! repeated short pattern, a simple sequence (`1234567890ab`, `abcdefghijkl`), or when it
//! holds the local part of its owner's address. The common passwords are those of
//! `common_passwords.txt`: the most frequent of the zxcvbn list (MIT licence, Dan Wheeler,
//! Dropbox, zxcvbn-ts) that are 6 characters long or more, plus every one of 12 or more, and a
//! few French ones.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::Problem;

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// What the journal shows for what was done from the command line: no person may take that
/// name (nor one that reads the same).
pub const COMMAND_LINE_NAME: &str = "ligne de commande";

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// An address that can receive mail: `local@domain.tld`, without spaces.
pub fn valid_email(email: &str) -> bool {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Whether the password is one of the common ones, as typed or once the digits and signs
/// added before or after a common word are taken away (`motdepasse2026!`).
fn is_common(lower: &str) -> bool {
    let set = common_passwords();
    if set.contains(lower) {
        return true;
    }
    let padding = |c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ';
    let core = lower.trim_matches(padding);
    core.chars().count() >= 6 && set.contains(core)
}

/// Whether the password repeats one short pattern of up to 4 characters (`aaaaaaaaaaaa`,
/// `abcabcabcabc`).
fn is_repetition(chars: &[char]) -> bool {
    (1..=4).any(|period| {
        chars.len() > period && (period..chars.len()).all(|i| chars[i] == chars[i - period])
    })
}

/// Whether each character follows the previous one by the same step of one, up or down
/// (`123456789012`, `zyxwvutsrqpo`); digits go round from 9 to 0.
fn is_sequence(chars: &[char]) -> bool {
    let step = |a: char, b: char| -> Option<i32> {
        if a.is_ascii_digit() && b.is_ascii_digit() {
            let d = (b as i32 - a as i32).rem_euclid(10);
            return match d {
                1 => Some(1),
                9 => Some(-1),
                _ => None,
            };
        }
        let d = b.to_ascii_lowercase() as i32 - a.to_ascii_lowercase() as i32;
        (d == 1 || d == -1).then_some(d)
    };
    let Some(first) = chars.get(..2).and_then(|w| step(w[0], w[1])) else {
        return false;
    };
    chars.windows(2).all(|w| step(w[0], w[1]) == Some(first))
}

/// What is wrong with `password` as the password of the account of `email` (`field` names the
/// input), or `None` when it may be used.
pub fn password_problem(field: &str, password: &str, email: &str) -> Option<Problem> {
    let chars: Vec<char> = password.chars().collect();
    let message = if chars.len() < MIN_PASSWORD_LEN {
        format!("le mot de passe doit compter {MIN_PASSWORD_LEN} caractères au moins")
    } else if is_repetition(&chars) {
        "le mot de passe ne doit pas répéter un même caractère ou un même motif".to_owned()
    } else if is_sequence(&chars) {
        "le mot de passe ne doit pas être une simple suite (123456…, abcdef…)".to_owned()
    } else if is_common(&password.to_lowercase()) {
        "ce mot de passe figure parmi les plus courants : les attaquants l'essaient en premier, \
         choisissez-en un autre (une phrase de quelques mots, par exemple)"
            .to_owned()
    } else if email_local_part(email).is_some_and(|local| password.to_lowercase().contains(&local))
    {
        "le mot de passe ne doit pas contenir l'adresse électronique du compte".to_owned()
    } else {
        return None;
    };
    Some(Problem::new(field, message))
}

/// The part of an address before `@`, in lower case, when it is long enough to matter.
fn email_local_part(email: &str) -> Option<String> {
    let local = email.trim().split('@').next()?.to_lowercase();
    (local.chars().count() >= 3).then_some(local)
}

/// A name reduced to what a reader sees: lower case, without accents, with the characters
/// that look like letters read as those letters, and without anything else.
fn as_read(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            Some(match c {
                'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'а' => 'a',
                'ç' | 'с' => 'c',
                'è' | 'é' | 'ê' | 'ë' | 'е' => 'e',
                'ì' | 'í' | 'î' | 'ï' | 'і' | '1' | '!' | '|' => 'i',
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'о' | '0' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ñ' => 'n',
                'р' => 'p',
                'ℓ' => 'l',
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            })
        })
        // `l` and `i` are alike on screen; so are `1` and either.
        .map(|c| if c == 'l' { 'i' } else { c })
        .collect()
}

/// What is wrong with a person's display name: empty, or one that reads as the name the
/// journal gives to the command line (« Ligne de Commande », « ligne-de-commande »,
/// « (ligne de commande) »…), which would let a person pass their actions for the server's.
pub fn display_name_problem(display_name: &str) -> Option<Problem> {
    if display_name.trim().is_empty() {
        return Some(Problem::new("display_name", "le nom est obligatoire"));
    }
    if as_read(display_name).contains(&as_read(COMMAND_LINE_NAME)) {
        return Some(Problem::new(
            "display_name",
            format!(
                "« {} » ressemble au nom que le journal donne à la ligne de commande : \
                 choisissez le nom de la personne",
                display_name.trim()
            ),
        ));
    }
    None
}

/// How the journal names who acted: a person whose name reads as the command line's (an
/// account named before the rule above) is marked as a person, so that their entries cannot
/// pass for the server's.
pub fn journal_actor(is_person: bool, name: &str) -> String {
    if is_person && as_read(name).contains(&as_read(COMMAND_LINE_NAME)) {
        format!("{name} (compte utilisateur)")
    } else {
        name.to_owned()
    }
}

fn email_problem(email: &str) -> Option<Problem> {
    (!valid_email(email)).then(|| {
        Problem::new(
            "email",
            format!(
                "« {} » n'est pas une adresse électronique valide (exemple : prenom.nom@centre.fr)",
                email.trim()
            ),
        )
    })
}

/// What is wrong with an invitation as typed: the address and the name (the invited person
/// chooses the password).
pub fn invitation_problems(email: &str, display_name: &str) -> Vec<Problem> {
    // Whatever the way in (the command line too): no control character nor direction
    // override, one line, a length.
    let typed = crate::text::problems([("email", email), ("display_name", display_name)]);
    if !typed.is_empty() {
        return typed;
    }
    email_problem(email)
        .into_iter()
        .chain(display_name_problem(display_name))
        .collect()
}

/// What is wrong with a new account as typed.
pub fn new_account_problems(email: &str, display_name: &str, password: &str) -> Vec<Problem> {
    let mut errs = invitation_problems(email, display_name);
    errs.extend(password_problem("password", password, email));
    errs
}

/// What is wrong with a new password chosen by the owner of `email` to replace `current`
/// (checked by the caller).
pub fn new_password_problem(current: &str, new: &str, email: &str) -> Option<Problem> {
    if let Some(p) = password_problem("new_password", new, email) {
        Some(Problem::new(
            "new_password",
            p.message
                .replacen("le mot de passe", "le nouveau mot de passe", 1),
        ))
    } else if new == current {
        Some(Problem::new(
            "new_password",
            "le nouveau mot de passe doit différer de l'actuel",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(password: &str) -> String {
        password_problem("password", password, "claire.martin@centre.fr")
            .map(|p| p.message)
            .unwrap_or_default()
    }

    #[test]
    fn an_account_needs_an_address_a_name_and_twelve_characters() {
        assert!(
            new_account_problems("claire.martin@centre.fr", "Claire", "trois mots au hasard")
                .is_empty()
        );
        let p = new_account_problems("claire@centre", " ", "court");
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "password"]);
        assert!(p[2].message.contains("12 caractères au moins"));
        for bad in ["", "a@", "@b.fr", "a b@c.fr", "a@.fr", "a@b."] {
            assert!(!valid_email(bad), "{bad}");
        }
        // Eleven characters are too few, twelve are enough.
        assert!(refused("fleuve-vert").contains("12 caractères"));
        assert_eq!(refused("fleuve-vert!"), "");
    }

    #[test]
    fn the_passwords_the_attacker_tried_are_refused() {
        // The findings: both were accepted with the old rule (10 characters).
        assert!(refused("aaaaaaaaaa").contains("12 caractères"));
        assert!(refused("1234567890").contains("12 caractères"));
        // Long enough, still refused.
        assert!(refused("aaaaaaaaaaaa").contains("répéter"));
        assert!(refused("abcabcabcabc").contains("répéter"));
        assert!(refused("123456789012").contains("suite"));
        assert!(refused("abcdefghijklm").contains("suite"));
        assert!(refused("ZYXWVUTSRQPO").contains("suite"));
        assert!(refused("987654321098").contains("suite"));
        assert!(refused("qwertyuiop123").contains("plus courants"));
        assert!(refused("administrator").contains("plus courants"));
        assert!(refused("Motdepasse2026!").contains("plus courants"));
        assert!(refused("1234football!").contains("plus courants"));
        assert!(refused("secret-claire.martin").contains("adresse"));
        assert!(refused("CLAIRE.MARTIN-2026").contains("adresse"));
    }

    #[test]
    fn good_passwords_pass_including_the_demo_one() {
        for ok in [
            "demo-jalon-2026",
            "correct horse battery",
            "un mot de passe sûr",
            "trois mots au hasard",
            "Vl8#qT2!pZ0m",
        ] {
            assert_eq!(refused(ok), "", "{ok}");
        }
        // A short local part is not looked for: « al » is in too many words.
        assert_eq!(
            password_problem("password", "palais royal 1998", "al@centre.fr"),
            None
        );
    }

    #[test]
    fn the_list_is_compact_and_lower_case() {
        let set = common_passwords();
        assert!(set.len() > 3000 && set.len() < 10_000, "{}", set.len());
        assert!(set.contains("password") && set.contains("azertyuiop"));
        assert!(set.iter().all(|p| *p == p.to_lowercase()));
    }

    #[test]
    fn a_new_password_must_be_strong_and_differ() {
        let email = "paul@centre.fr";
        assert!(
            new_password_problem("ancien-mot-de-passe", "court", email)
                .unwrap()
                .message
                .contains("nouveau mot de passe doit compter 12")
        );
        assert!(
            new_password_problem("ancien-mot-de-passe", "aaaaaaaaaaaaaa", email)
                .unwrap()
                .message
                .contains("répéter")
        );
        assert!(
            new_password_problem("même-mot-de-passe", "même-mot-de-passe", email)
                .unwrap()
                .message
                .contains("différer")
        );
        assert_eq!(
            new_password_problem("ancien-mot-de-passe", "nouveau-mot-de-passe", email),
            None
        );
    }

    #[test]
    fn no_person_may_be_named_like_the_command_line() {
        for fake in [
            "ligne de commande",
            "Ligne de Commande",
            "LIGNE DE COMMANDE",
            "ligne-de-commande",
            "(ligne de commande)",
            "  ligne  de   commande ",
            "Ligne dé commandé",
            "1igne de c0mmande",
            "ligne de commande (serveur)",
            "ligne de сommande", // Cyrillic « с »
        ] {
            let p = display_name_problem(fake).unwrap_or_else(|| panic!("{fake} accepted"));
            assert_eq!(p.field, "display_name");
            assert!(p.message.contains("ligne de commande"), "{}", p.message);
        }
        for ok in [
            "Claire Martin",
            "Paul Ligne",
            "Commandant Dupont",
            "Ligne D. Commande-Martin",
        ] {
            assert_eq!(display_name_problem(ok), None, "{ok}");
        }
        assert_eq!(
            display_name_problem("  ").unwrap().message,
            "le nom est obligatoire"
        );
        assert_eq!(invitation_problems("x@y.fr", "ligne de commande").len(), 1);
    }

    #[test]
    fn the_journal_marks_a_person_named_like_the_command_line() {
        assert_eq!(journal_actor(false, COMMAND_LINE_NAME), "ligne de commande");
        assert_eq!(
            journal_actor(true, "Ligne de commande"),
            "Ligne de commande (compte utilisateur)"
        );
        assert_eq!(journal_actor(true, "Claire Martin"), "Claire Martin");
        assert_eq!(
            journal_actor(false, "Marc LEROY (lien personnel)"),
            "Marc LEROY (lien personnel)"
        );
    }

    #[test]
    fn a_name_typed_anywhere_passes_the_text_boundary() {
        let p = invitation_problems("a@b.fr", "Claire\u{202e}nitraM");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "display_name");
        assert!(p[0].message.contains("U+202E"), "{}", p[0].message);
        let p = invitation_problems("a@b.fr", &"C".repeat(201));
        assert!(
            p[0].message.starts_with("texte trop long"),
            "{}",
            p[0].message
        );
        assert!(invitation_problems("a@b.fr", "Claire Martin").is_empty());
    }
}
