//! The centre's jurors from a CSV file — a list extracted from CERES or kept in a
//! spreadsheet — with the candidates' reader conventions: `;` or `,`, UTF-8 or
//! Windows-1252, French headers in any order, dates `JJ/MM/AAAA` or ISO, every error with its
//! line. One line per habilitation: the lines of one juror (same name and address) are
//! merged, their habilitations and licences together.

use std::collections::HashMap;

use jalon_core::candidate::fold;
use jalon_core::fr;
use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Licence};

use crate::csv_import::{read_table, unguard};

/// More than this is not a centre's pool of jurors.
pub const MAX_LINES: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    LastName,
    FirstNames,
    Email,
    Phone,
    Profession,
    Employer,
    EmployerSiret,
    Status,
    Trainer,
    Title,
    GrantedBy,
    ValidFrom,
    ValidUntil,
    Reference,
    Licence,
    LicenceUntil,
}

/// Headers as centres write them, folded (lowercase, no accents, single spaces).
const ALIASES: &[(&str, Column)] = &[
    ("nom", Column::LastName),
    ("nom de famille", Column::LastName),
    ("nom d usage", Column::LastName),
    ("prenom", Column::FirstNames),
    ("prenoms", Column::FirstNames),
    ("courriel", Column::Email),
    ("email", Column::Email),
    ("e mail", Column::Email),
    ("mail", Column::Email),
    ("mel", Column::Email),
    ("adresse electronique", Column::Email),
    ("adresse mail", Column::Email),
    ("telephone", Column::Phone),
    ("tel", Column::Phone),
    ("portable", Column::Phone),
    ("metier", Column::Profession),
    ("profession", Column::Profession),
    ("fonction", Column::Profession),
    ("emploi", Column::Profession),
    ("employeur", Column::Employer),
    ("entreprise", Column::Employer),
    ("siret", Column::EmployerSiret),
    ("siret employeur", Column::EmployerSiret),
    ("siret de l employeur", Column::EmployerSiret),
    ("statut", Column::Status),
    ("situation", Column::Status),
    ("formateur du centre", Column::Trainer),
    ("formateur", Column::Trainer),
    ("titre", Column::Title),
    ("code rncp", Column::Title),
    ("rncp", Column::Title),
    ("titre habilite", Column::Title),
    ("habilitation", Column::Title),
    ("delivree par", Column::GrantedBy),
    ("service", Column::GrantedBy),
    ("service habilitant", Column::GrantedBy),
    ("debut", Column::ValidFrom),
    ("du", Column::ValidFrom),
    ("debut de validite", Column::ValidFrom),
    ("valable du", Column::ValidFrom),
    ("date de debut", Column::ValidFrom),
    ("fin", Column::ValidUntil),
    ("au", Column::ValidUntil),
    ("fin de validite", Column::ValidUntil),
    ("valable jusqu au", Column::ValidUntil),
    ("date de fin", Column::ValidUntil),
    ("reference", Column::Reference),
    ("numero d habilitation", Column::Reference),
    ("n d habilitation", Column::Reference),
    ("permis", Column::Licence),
    ("categorie de permis", Column::Licence),
    ("permis valable jusqu au", Column::LicenceUntil),
    ("fin du permis", Column::LicenceUntil),
];

/// The headers `write` would give, and the minimal file a centre can start from.
pub const HEADERS: [&str; 16] = [
    "Nom",
    "Prénom",
    "Courriel",
    "Téléphone",
    "Métier",
    "Employeur",
    "SIRET de l'employeur",
    "Statut",
    "Formateur du centre",
    "Code RNCP",
    "Délivrée par",
    "Début de validité",
    "Fin de validité",
    "Référence",
    "Permis",
    "Permis valable jusqu'au",
];

/// One juror read, with the lines they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurorLine {
    /// The first line of the juror in the file.
    pub line: usize,
    pub juror: JurorInput,
    /// Every problem of their lines, in French, each with its line.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurorsReport {
    pub encoding: &'static str,
    pub separator: char,
    pub file_errors: Vec<String>,
    pub jurors: Vec<JurorLine>,
    pub ignored_columns: Vec<String>,
}

impl JurorsReport {
    fn failed(message: String) -> JurorsReport {
        JurorsReport {
            encoding: "",
            separator: ';',
            file_errors: vec![message],
            jurors: Vec::new(),
            ignored_columns: Vec::new(),
        }
    }

    pub fn is_valid(&self) -> bool {
        self.file_errors.is_empty() && self.jurors.iter().all(|j| j.problems.is_empty())
    }

    /// Every error, one French line each.
    pub fn errors(&self) -> Vec<String> {
        let mut out = self.file_errors.clone();
        for j in &self.jurors {
            out.extend(j.problems.iter().cloned());
        }
        out
    }
}

fn status(typed: &str) -> Option<JurorStatus> {
    match fold(typed).as_str() {
        "" | "autre" => Some(JurorStatus::Other),
        "salarie" | "salariee" | "salarie e" => Some(JurorStatus::Salaried),
        "independant"
        | "independante"
        | "independant e"
        | "liberal"
        | "profession liberale"
        | "chef d entreprise" => Some(JurorStatus::Independent),
        "retraite" | "retraitee" | "retraite e" => Some(JurorStatus::Retired),
        _ => None,
    }
}

fn yes(typed: &str) -> Option<bool> {
    match fold(typed).as_str() {
        "" | "non" | "n" | "0" | "faux" => Some(false),
        "oui" | "o" | "x" | "1" | "vrai" => Some(true),
        _ => None,
    }
}

/// Reads a file of jurors; `titles` are the centre's titles (RNCP code, expiry), against
/// which each habilitation is checked as at entry.
pub fn read_jurors(bytes: &[u8], titles: &[(String, jiff::civil::Date)]) -> JurorsReport {
    let table = match read_table(bytes) {
        Ok(t) => t,
        Err(e) => return JurorsReport::failed(e),
    };
    let mut report = JurorsReport {
        encoding: table.encoding,
        separator: table.separator,
        file_errors: Vec::new(),
        jurors: Vec::new(),
        ignored_columns: Vec::new(),
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, name) in table.header.iter().enumerate() {
        let folded = fold(name);
        match ALIASES.iter().find(|(a, _)| *a == folded) {
            Some((_, col)) => {
                if let Some(first) = columns.insert(*col, i) {
                    report.file_errors.push(format!(
                        "les colonnes {} et {} (« {} ») ont le même sens : gardez-en une",
                        first + 1,
                        i + 1,
                        name.trim()
                    ));
                }
            }
            None if folded.is_empty() => {}
            None => report.ignored_columns.push(name.trim().to_owned()),
        }
    }
    let missing: Vec<&str> = [(Column::LastName, "nom"), (Column::FirstNames, "prénom")]
        .iter()
        .filter(|(c, _)| !columns.contains_key(c))
        .map(|(_, n)| *n)
        .collect();
    if !missing.is_empty() {
        report.file_errors.push(format!(
            "colonne{} manquante{} : {} ; la première ligne doit porter les titres des colonnes (par exemple : {})",
            if missing.len() > 1 { "s" } else { "" },
            if missing.len() > 1 { "s" } else { "" },
            missing.join(" et "),
            HEADERS.join(" ; ")
        ));
        return report;
    }
    if table.rows.len() > MAX_LINES {
        report.file_errors.push(format!(
            "{} lignes dans le fichier : une liste de jurés en compte au plus {MAX_LINES}",
            table.rows.len()
        ));
        return report;
    }
    // Each juror by their folded name and address, in the order of the file.
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for row in &table.rows {
        let (line, cells) = match row {
            Ok(r) => r,
            Err(line) => {
                report.file_errors.push(format!(
                    "ligne {line} illisible : guillemets mal fermés ou caractères invalides"
                ));
                continue;
            }
        };
        let get = |c: Column| {
            jalon_core::text::composed(unguard(
                columns
                    .get(&c)
                    .and_then(|&i| cells.get(i))
                    .map_or("", String::as_str)
                    .trim(),
            ))
        };
        let mut problems: Vec<String> = Vec::new();
        let date = |c: Column, label: &str, problems: &mut Vec<String>| {
            let v = get(c);
            if v.is_empty() {
                problems.push(format!("{label} manquante"));
                return None;
            }
            fr::parse_date(&v)
                .map_err(|e| problems.push(format!("{label} : {e}")))
                .ok()
        };
        let status_text = get(Column::Status);
        let juror_status = status(&status_text).unwrap_or_else(|| {
            problems.push(format!(
                "statut « {status_text} » inconnu (attendu : salarié, indépendant, retraité ou autre)"
            ));
            JurorStatus::Other
        });
        let trainer_text = get(Column::Trainer);
        let trainer = yes(&trainer_text).unwrap_or_else(|| {
            problems.push(format!(
                "formateur du centre « {trainer_text} » : répondez oui ou non"
            ));
            false
        });
        let mut habilitations = Vec::new();
        if !get(Column::Title).is_empty() {
            let from = date(
                Column::ValidFrom,
                "début de validité de l'habilitation",
                &mut problems,
            );
            let until = date(
                Column::ValidUntil,
                "fin de validité de l'habilitation",
                &mut problems,
            );
            if let (Some(valid_from), Some(valid_until)) = (from, until) {
                habilitations.push(Habilitation {
                    title: get(Column::Title),
                    granted_by: get(Column::GrantedBy),
                    valid_from,
                    valid_until,
                    reference: get(Column::Reference),
                });
            }
        }
        let mut licences = Vec::new();
        if !get(Column::Licence).is_empty()
            && let Some(valid_until) = date(
                Column::LicenceUntil,
                "fin de validité du permis",
                &mut problems,
            )
        {
            licences.push(Licence {
                category: get(Column::Licence),
                valid_until,
            });
        }
        let juror = JurorInput {
            last_name: get(Column::LastName),
            first_names: get(Column::FirstNames),
            email: get(Column::Email),
            phone: get(Column::Phone),
            profession: get(Column::Profession),
            employer: get(Column::Employer),
            employer_siret: get(Column::EmployerSiret),
            status: juror_status,
            trainer_of_centre: trainer,
            habilitations,
            licences,
        };
        let key = (
            fold(&juror.last_name),
            fold(&juror.first_names),
            juror.email.trim().to_lowercase(),
        );
        let problems = problems.into_iter().map(|p| format!("ligne {line} : {p}"));
        match index.get(&key) {
            // Another habilitation of the same juror.
            Some(&at) => {
                let kept = &mut report.jurors[at];
                kept.problems.extend(problems);
                kept.juror.habilitations.extend(juror.habilitations);
                kept.juror.licences.extend(juror.licences);
            }
            None => {
                index.insert(key, report.jurors.len());
                report.jurors.push(JurorLine {
                    line: *line,
                    juror,
                    problems: problems.collect(),
                });
            }
        }
    }
    // Each juror as at entry: names, SIRET, habilitations against the centre's titles.
    for j in &mut report.jurors {
        for p in j.juror.problems(titles) {
            j.problems.push(format!(
                "ligne {} ({}) : {}",
                j.line,
                j.juror.display().trim(),
                p.message
            ));
        }
    }
    if report.jurors.is_empty() && report.file_errors.is_empty() {
        report
            .file_errors
            .push("aucun juré dans le fichier (seulement la ligne des titres)".to_owned());
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn titles() -> Vec<(String, jiff::civil::Date)> {
        vec![
            ("RNCP35309".to_owned(), date(2030, 3, 31)),
            ("RNCP37674".to_owned(), date(2028, 9, 1)),
        ]
    }

    #[test]
    fn a_ceres_extract_gives_each_juror_once_with_every_habilitation() {
        let file = "Nom;Prénom;Courriel;Métier;Employeur;SIRET;Statut;Code RNCP;Délivrée par;Du;Au;N° d'habilitation\n\
                    Leroy;Marc;marc.leroy@exemple.fr;Chef de chantier;Bâtir Lyon;482 137 956 00017;Salarié;RNCP35309;DDETS du Rhône;01/09/2024;31/08/2029;H-118\n\
                    \n\
                    LEROY;Marc;marc.leroy@exemple.fr;Chef de chantier;Bâtir Lyon;48213795600017;salarié;RNCP37674;DDETS du Rhône;2025-01-01;2028-08-31;H-204\n\
                    Nguyen;Hélène;;Conductrice de travaux;;;indépendante;RNCP35309;DDETS de l'Ain;01/01/2025;31/12/2029;\n";
        let r = read_jurors(file.as_bytes(), &titles());
        assert!(r.is_valid(), "{:?}", r.errors());
        assert_eq!(r.jurors.len(), 2);
        let leroy = &r.jurors[0].juror;
        assert_eq!(leroy.status, JurorStatus::Salaried);
        assert_eq!(leroy.habilitations.len(), 2);
        assert_eq!(leroy.habilitations[1].valid_until, date(2028, 8, 31));
        assert_eq!(r.jurors[1].line, 5, "the blank line counts");
        assert_eq!(r.jurors[1].juror.status, JurorStatus::Independent);
    }

    #[test]
    fn every_error_is_given_with_its_line_and_the_juror() {
        // Windows-1252, « , » between cells.
        let mut file = b"Nom,Pr\xe9nom,Statut,Code RNCP,D\xe9but,Fin\n".to_vec();
        file.extend_from_slice(b"Roche,Paul,b\xe9n\xe9vole,RNCP35309,01/01/2025,31/02/2029\n");
        file.extend_from_slice(b"Marty,Sophie,salari\xe9e,RNCP37674,01/01/2025,31/12/2029\n");
        file.extend_from_slice(b",Yves,autre,,,\n");
        let r = read_jurors(&file, &titles());
        assert_eq!(r.encoding, "Windows-1252");
        let errors = r.errors();
        assert_eq!(
            errors,
            [
                "ligne 2 : statut « bénévole » inconnu (attendu : salarié, indépendant, retraité ou autre)",
                "ligne 2 : fin de validité de l'habilitation : « 31/02/2029 » n'est pas une date valide : février 2029 n'a pas de jour 31 (forme attendue : AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2027-03-15 ou 15/03/2027)",
                "ligne 3 (Sophie MARTY) : le service qui a délivré l'habilitation est obligatoire",
                "ligne 3 (Sophie MARTY) : une habilitation ne va pas au-delà de l'échéance du titre (vendredi 1ᵉʳ septembre 2028) : elle finit le lundi 31 décembre 2029",
                "ligne 4 (Yves) : le nom est obligatoire",
            ],
            "{errors:#?}"
        );
        // Not a list of jurors at all.
        let r = read_jurors(b"Titre;Date\nx;y\n", &titles());
        assert!(
            r.errors()[0].starts_with("colonnes manquantes : nom et prénom"),
            "{:?}",
            r.errors()
        );
        assert!(read_jurors(b"", &titles()).errors()[0].contains("vide"));
    }
}
