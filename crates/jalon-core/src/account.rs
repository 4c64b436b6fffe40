//! The accounts of a centre's staff: what a new account and a new password must be.

use crate::Problem;

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

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

/// What is wrong with a new account as typed.
pub fn new_account_problems(email: &str, display_name: &str, password: &str) -> Vec<Problem> {
    let mut errs = Vec::new();
    if !valid_email(email) {
        errs.push(Problem::new(
            "email",
            format!(
                "« {} » n'est pas une adresse électronique valide (exemple : prenom.nom@centre.fr)",
                email.trim()
            ),
        ));
    }
    if display_name.trim().is_empty() {
        errs.push(Problem::new("display_name", "le nom est obligatoire"));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        errs.push(Problem::new(
            "password",
            format!("le mot de passe doit compter au moins {MIN_PASSWORD_LEN} caractères"),
        ));
    }
    errs
}

/// What is wrong with a new password chosen to replace `current` (checked by the caller).
pub fn new_password_problem(current: &str, new: &str) -> Option<Problem> {
    if new.chars().count() < MIN_PASSWORD_LEN {
        Some(Problem::new(
            "new_password",
            format!("le nouveau mot de passe doit compter au moins {MIN_PASSWORD_LEN} caractères"),
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

    #[test]
    fn an_account_needs_an_address_a_name_and_ten_characters() {
        assert!(new_account_problems("claire.martin@centre.fr", "Claire", "0123456789").is_empty());
        let p = new_account_problems("claire@centre", " ", "court");
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "password"]);
        for bad in ["", "a@", "@b.fr", "a b@c.fr", "a@.fr", "a@b."] {
            assert!(!valid_email(bad), "{bad}");
        }
        assert!(new_password_problem("ancien-mot-de-passe", "court").is_some());
        assert!(
            new_password_problem("même-mot-de-passe", "même-mot-de-passe")
                .unwrap()
                .message
                .contains("différer")
        );
        assert_eq!(
            new_password_problem("ancien-mot-de-passe", "nouveau-mot-de-passe"),
            None
        );
    }
}
