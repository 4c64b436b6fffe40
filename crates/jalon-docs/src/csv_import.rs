//! Candidates from a CSV file as centres really export it — from Excel or a training
//! management tool: `;` or `,`, UTF-8 (with or without BOM) or Windows-1252, French headers in
//! any order, dates `JJ/MM/AAAA` or ISO — and back.
//!
//! Reading never stops at the first problem: every line is checked and every error reported
//! with its line number, so that a centre fixes its file once. Nothing here writes anywhere:
//! the caller imports all or nothing.

use std::collections::HashMap;

use jalon_core::candidate::{AccessRoute, CandidateInput, fold};
use jalon_core::fr;
use jiff::civil::Date;

/// More than this is not a session's list of candidates.
pub const MAX_CANDIDATES: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    LastName,
    FirstNames,
    BirthDate,
    Email,
    Phone,
    Address,
    Postcode,
    City,
    AccessRoute,
    TrainingEnd,
    Accommodation,
    AccommodationGrantedBy,
    AccommodationPlan,
    Civility,
    Employer,
    EmployerSiret,
    TrainedBy,
    TrainedBySiret,
}

/// Headers as centres write them, folded (lowercase, no accents, single spaces).
const ALIASES: &[(&str, Column)] = &[
    ("nom", Column::LastName),
    ("nom de famille", Column::LastName),
    ("nom d usage", Column::LastName),
    ("nom naissance", Column::LastName),
    ("prenom", Column::FirstNames),
    ("prenoms", Column::FirstNames),
    ("prenom s", Column::FirstNames),
    ("date de naissance", Column::BirthDate),
    ("date naissance", Column::BirthDate),
    ("ne e le", Column::BirthDate),
    ("ne le", Column::BirthDate),
    ("naissance", Column::BirthDate),
    ("telephone", Column::Phone),
    ("tel", Column::Phone),
    ("portable", Column::Phone),
    ("telephone portable", Column::Phone),
    ("adresse", Column::Address),
    ("adresse postale", Column::Address),
    ("code postal", Column::Postcode),
    ("cp", Column::Postcode),
    ("ville", Column::City),
    ("commune", Column::City),
    ("voie d acces", Column::AccessRoute),
    ("parcours", Column::AccessRoute),
    ("voie", Column::AccessRoute),
    ("fin de formation", Column::TrainingEnd),
    ("date de fin de formation", Column::TrainingEnd),
    ("amenagement", Column::Accommodation),
    ("amenagements", Column::Accommodation),
    ("amenagement accorde", Column::Accommodation),
    ("amenagement accorde par", Column::AccommodationGrantedBy),
    ("accorde par", Column::AccommodationGrantedBy),
    ("mise en oeuvre de l amenagement", Column::AccommodationPlan),
    ("amenagement prevu", Column::AccommodationPlan),
    ("civilite", Column::Civility),
    ("civ", Column::Civility),
    ("employeur", Column::Employer),
    ("entreprise", Column::Employer),
    ("siret employeur", Column::EmployerSiret),
    ("siret de l employeur", Column::EmployerSiret),
    ("siret entreprise", Column::EmployerSiret),
    ("organisme de formation", Column::TrainedBy),
    ("siret organisme de formation", Column::TrainedBySiret),
    ("siret de l organisme de formation", Column::TrainedBySiret),
    ("siret organisme", Column::TrainedBySiret),
];

/// « Mme », « M. », « Monsieur »… as the civility a convocation writes; anything else is
/// kept as typed, for the candidate's check to name it.
fn civility(typed: &str) -> String {
    match fold(typed).as_str() {
        "" => String::new(),
        "mme" | "madame" | "mademoiselle" | "mlle" => "Madame".to_owned(),
        "m" | "mr" | "monsieur" => "Monsieur".to_owned(),
        _ => typed.trim().to_owned(),
    }
}

/// The words of an e-mail column, alone or after « adresse » : « Mél », « Adresse e-mail »,
/// « E-mail », « Courriel », « Adresse électronique »…
const EMAIL_WORDS: &[&str] = &[
    "email",
    "e mail",
    "mail",
    "mel",
    "e mel",
    "courriel",
    "electronique",
    "courrier electronique",
];

/// The column a folded header names, if any.
fn column_of(folded: &str) -> Option<Column> {
    if let Some((_, col)) = ALIASES.iter().find(|(alias, _)| *alias == folded) {
        return Some(*col);
    }
    let word = folded.strip_prefix("adresse ").unwrap_or(folded);
    EMAIL_WORDS.contains(&word).then_some(Column::Email)
}

/// The headers written on export, read back on import.
pub const EXPORT_HEADERS: [&str; 18] = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "Courriel",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Ville",
    "Voie d'accès",
    "Fin de formation",
    "Aménagement",
    "Aménagement accordé par",
    "Aménagement prévu",
    "Civilité",
    "Employeur",
    "SIRET de l'employeur",
    "Organisme de formation",
    "SIRET de l'organisme de formation",
];

const REQUIRED: [(Column, &str); 3] = [
    (Column::LastName, "nom"),
    (Column::FirstNames, "prénom"),
    (Column::BirthDate, "date de naissance"),
];

/// One data line of the file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    /// Its line number in the file (the header is line 1).
    pub line: usize,
    pub candidate: CandidateInput,
    /// Every problem of the line, in French.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// `UTF-8` or `Windows-1252`.
    pub encoding: &'static str,
    pub separator: char,
    /// Problems with the whole file (missing columns, not a CSV…).
    pub file_errors: Vec<String>,
    pub lines: Vec<ImportLine>,
    /// Columns that were not recognised, and so not read.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    fn failed(message: String) -> ImportReport {
        ImportReport {
            encoding: "",
            separator: ';',
            file_errors: vec![message],
            lines: Vec::new(),
            ignored_columns: Vec::new(),
        }
    }

    /// Whether the file can be imported as it is.
    pub fn is_valid(&self) -> bool {
        self.file_errors.is_empty() && self.lines.iter().all(|l| l.problems.is_empty())
    }

    /// Every error, one French line each: « ligne 4 : … ».
    pub fn errors(&self) -> Vec<String> {
        let mut out = self.file_errors.clone();
        for l in &self.lines {
            out.extend(l.problems.iter().map(|p| format!("ligne {} : {p}", l.line)));
        }
        out
    }

    pub fn candidates(&self) -> Vec<CandidateInput> {
        self.lines.iter().map(|l| l.candidate.clone()).collect()
    }
}

/// Windows-1252 for the bytes 0x80–0x9F (the rest is Latin-1); `None` for the five unused.
const CP1252: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), "UTF-8"));
    }
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0x80..=0x9F => match CP1252[usize::from(b - 0x80)] {
                Some(c) => out.push(c),
                None => {
                    return Err(format!(
                        "octet 0x{b:02X} inconnu : le fichier n'est ni en UTF-8 ni en Windows-1252"
                    ));
                }
            },
            _ => out.push(char::from(b)),
        }
    }
    Ok((out, "Windows-1252"))
}

/// The separator of the header line: the most frequent of `;`, `,` and tab outside quotes.
fn separator(header: &str) -> char {
    let mut counts = [(';', 0), (',', 0), ('\t', 0)];
    let mut quoted = false;
    for c in header.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && let Some(e) = counts.iter_mut().find(|(s, _)| *s == c) {
            e.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(s, n)| (*n, *s == ';'))
        .map_or(';', |(s, _)| *s)
}

fn field_name(field: &str) -> &'static str {
    match field {
        "last_name" => "nom",
        "first_names" => "prénom",
        "birth_date" => "date de naissance",
        "email" => "courriel",
        "phone" => "téléphone",
        "postcode" => "code postal",
        "address" => "adresse",
        "city" => "ville",
        "accommodation" => "aménagement",
        "accommodation_plan" => "aménagement prévu",
        "civility" => "civilité",
        _ => "champ",
    }
}

/// A CSV file as read: its encoding and separator, its header, and each data line with
/// its number in the file (blank lines left out), or the number of a line that could not
/// be read.
pub(crate) struct Table {
    pub encoding: &'static str,
    pub separator: char,
    pub header: Vec<String>,
    pub rows: Vec<Result<(usize, Vec<String>), usize>>,
}

/// Reads a CSV file as centres export it; the refusal is a French sentence.
pub(crate) fn read_table(bytes: &[u8]) -> Result<Table, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("le fichier est vide".to_owned());
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
        .count();
    if bytes.contains(&0) || controls > 0 {
        return Err(
            "le fichier n'est pas un tableau CSV (contenu binaire) : enregistrez-le depuis le tableur au format « CSV »"
                .to_owned(),
        );
    }
    let (text, encoding) = decode(bytes)?;
    let header_line = text.lines().next().unwrap_or("");
    let sep = separator(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_owned).collect(),
        Some(Err(e)) => return Err(format!("ligne 1 illisible : {e}")),
        None => return Err("le fichier est vide".to_owned()),
    };
    // Line numbers as the file shows them: the reader's positions count from where it
    // started reading, blank lines included.
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |byte: usize| {
        let mut pos = byte;
        let rest = text.as_bytes();
        while pos < rest.len() && matches!(rest[pos], b'\n' | b'\r') {
            pos += 1;
        }
        1 + newlines.partition_point(|&nl| nl < pos)
    };
    let mut rows = Vec::new();
    for record in records {
        match record {
            Ok(r) => {
                if r.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let line = r.position().map_or(0, |p| line_of(p.byte() as usize));
                rows.push(Ok((line, r.iter().map(str::to_owned).collect())));
            }
            Err(e) => rows.push(Err(e.position().map_or(0, |p| line_of(p.byte() as usize)))),
        }
    }
    Ok(Table {
        encoding,
        separator: sep,
        header,
        rows,
    })
}

/// Reads and checks a file of candidates; `today` bounds the birth dates.
pub fn read_candidates(bytes: &[u8], today: Date) -> ImportReport {
    let table = match read_table(bytes) {
        Ok(t) => t,
        Err(e) => return ImportReport::failed(e),
    };
    let (header, sep) = (&table.header, table.separator);
    let mut report = ImportReport {
        encoding: table.encoding,
        separator: sep,
        file_errors: Vec::new(),
        lines: Vec::new(),
        ignored_columns: Vec::new(),
    };

    // Which column holds what.
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let folded = fold(name);
        match column_of(&folded) {
            Some(col) => {
                if let Some(first) = columns.insert(col, i) {
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
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|(c, _)| !columns.contains_key(c))
        .map(|(_, n)| *n)
        .collect();
    if !missing.is_empty() {
        let found: Vec<String> = header.iter().map(|h| format!("« {} »", h.trim())).collect();
        report.file_errors.push(format!(
            "colonne{} manquante{} : {} (colonnes trouvées : {}) ; la première ligne doit porter les titres des colonnes",
            if missing.len() > 1 { "s" } else { "" },
            if missing.len() > 1 { "s" } else { "" },
            fr::alternatives(&missing).replace(" ou ", " et "),
            found.join(", ")
        ));
        return report;
    }

    let mut seen: HashMap<(String, String, Option<Date>), usize> = HashMap::new();
    let mut count = 0usize;
    for row in &table.rows {
        let (line, record) = match row {
            Ok((line, cells)) => (*line, cells),
            Err(line) => {
                report.file_errors.push(format!(
                    "ligne {line} illisible : guillemets mal fermés ou caractères invalides"
                ));
                continue;
            }
        };
        count += 1;
        if count > MAX_CANDIDATES {
            continue;
        }
        let get = |c: Column| {
            jalon_core::text::composed(unguard(
                columns
                    .get(&c)
                    .and_then(|&i| record.get(i))
                    .map_or("", String::as_str)
                    .trim(),
            ))
        };
        let mut problems = Vec::new();
        if record.len() > header.len() {
            problems.push(format!(
                "{} valeurs pour {} colonnes : vérifiez le séparateur « {} » dans les cellules",
                record.len(),
                header.len(),
                if sep == '\t' {
                    "tabulation".to_owned()
                } else {
                    sep.to_string()
                }
            ));
        }
        let date = |c: Column, label: &str, problems: &mut Vec<String>| {
            let v = get(c);
            if v.is_empty() {
                return None;
            }
            fr::parse_date(&v)
                .map_err(|e| problems.push(format!("{label} : {e}")))
                .ok()
        };
        let birth_date = date(Column::BirthDate, "date de naissance", &mut problems);
        let training_end = date(Column::TrainingEnd, "fin de formation", &mut problems);
        let route_text = get(Column::AccessRoute);
        let access_route = AccessRoute::parse(&route_text).unwrap_or_else(|| {
            problems.push(format!(
                "voie d'accès « {route_text} » inconnue (attendu : formation, VAE ou apprentissage)"
            ));
            AccessRoute::Training
        });
        let candidate = CandidateInput {
            last_name: get(Column::LastName),
            first_names: get(Column::FirstNames),
            birth_date,
            email: get(Column::Email),
            phone: get(Column::Phone),
            address: get(Column::Address),
            postcode: get(Column::Postcode),
            city: get(Column::City),
            access_route,
            training_end,
            accommodation: get(Column::Accommodation),
            accommodation_granted_by: get(Column::AccommodationGrantedBy),
            accommodation_plan: get(Column::AccommodationPlan),
            civility: civility(&get(Column::Civility)),
            employer: get(Column::Employer),
            employer_siret: get(Column::EmployerSiret),
            trained_by: get(Column::TrainedBy),
            trained_by_siret: get(Column::TrainedBySiret),
            ..CandidateInput::default()
        };
        for p in candidate.problems(today) {
            // A date that did not parse was already reported.
            if p.field == "birth_date"
                && candidate.birth_date.is_none()
                && !get(Column::BirthDate).is_empty()
            {
                continue;
            }
            problems.push(format!("{} : {}", field_name(&p.field), p.message));
        }
        if candidate.birth_date.is_some() {
            match seen.get(&candidate.identity()) {
                Some(first) => problems.push(format!(
                    "même personne qu'à la ligne {first} ({})",
                    candidate.display()
                )),
                None => {
                    seen.insert(candidate.identity(), line);
                }
            }
        }
        report.lines.push(ImportLine {
            line,
            candidate,
            problems,
        });
    }
    if count > MAX_CANDIDATES {
        report.file_errors.push(format!(
            "{count} candidats dans le fichier : une session en compte au plus {MAX_CANDIDATES} ; vérifiez le fichier"
        ));
        report.lines.clear();
    } else if count == 0 {
        report
            .file_errors
            .push("aucun candidat dans le fichier (seulement la ligne des titres)".to_owned());
    }
    report
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written
/// with a leading apostrophe, which spreadsheets show as text; reading removes it.
fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\'']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

pub(crate) fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\'']) => rest,
        _ => cell,
    }
}

/// Candidates as CSV (`;`, UTF-8, French headers), readable again by [`read_candidates`].
pub fn write_candidates(candidates: &[CandidateInput]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let date = |d: Option<Date>| d.map(fr::short_date).unwrap_or_default();
    // Writing to memory cannot fail.
    let _ = w.write_record(EXPORT_HEADERS);
    for c in candidates {
        let cells = [
            c.last_name.as_str(),
            &c.first_names,
            &date(c.birth_date),
            &c.email,
            &c.phone,
            &c.address,
            &c.postcode,
            &c.city,
            c.access_route.label(),
            &date(c.training_end),
            &c.accommodation,
            &c.accommodation_granted_by,
            &c.accommodation_plan,
            &c.civility,
            &c.employer,
            &c.employer_siret,
            &c.trained_by,
            &c.trained_by_siret,
        ]
        .map(|cell| guard(cell).into_owned());
        let _ = w.write_record(cells);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 28);

    #[test]
    fn reads_excel_french_export_in_windows_1252_with_semicolons() {
        // « Prénom;Nom;Né(e) le;Courriel » in Windows-1252, columns in another order.
        let mut bytes = b"Pr\xe9nom;NOM;N\xe9(e) le;Courriel;Am\xe9nagement\r\n".to_vec();
        bytes.extend_from_slice(b"Jos\xe9;Dupont;01/02/1990;jose@exemple.fr;Tiers temps\r\n");
        bytes.extend_from_slice(b"Chlo\xe9;L\x92Hermite;1995-07-14;;\r\n");
        let r = read_candidates(&bytes, TODAY);
        assert!(r.is_valid(), "{:?}", r.errors());
        assert_eq!((r.encoding, r.separator), ("Windows-1252", ';'));
        let c = r.candidates();
        assert_eq!(c[0].first_names, "José");
        assert_eq!(c[0].birth_date, Some(date(1990, 2, 1)));
        assert_eq!(c[0].accommodation, "Tiers temps");
        assert_eq!(c[1].last_name, "L’Hermite");
        assert_eq!(c[1].birth_date, Some(date(1995, 7, 14)));
    }

    #[test]
    fn every_usual_spelling_of_the_email_column_is_read() {
        for header in [
            "Courriel",
            "E-mail",
            "e-mail",
            "Email",
            "Mail",
            "Mél",
            "Adresse e-mail",
            "Adresse mail",
            "Adresse mél",
            "Adresse électronique",
            "Adresse courriel",
            "Courrier électronique",
        ] {
            let text = format!(
                "Nom;Prénom;Date de naissance;{header}\nDupont;Jean;01/02/1990;jean@exemple.fr\n"
            );
            let r = read_candidates(text.as_bytes(), TODAY);
            assert!(r.is_valid(), "{header}: {:?}", r.errors());
            assert!(r.ignored_columns.is_empty(), "{header}");
            assert_eq!(r.candidates()[0].email, "jean@exemple.fr", "{header}");
        }
        // What Jalon does not know is ignored, and said.
        let text = "Nom;Prénom;Date de naissance;N° de dossier\nDupont;Jean;01/02/1990;A-12\n";
        let r = read_candidates(text.as_bytes(), TODAY);
        assert_eq!(r.ignored_columns, ["N° de dossier"]);
    }

    #[test]
    fn reads_utf8_with_bom_and_commas_and_quotes() {
        let text = "\u{feff}nom,prénom,date de naissance,adresse,ville\n\"Martin\",\"Anne, Marie\",3/4/1988,\"12, rue des Lilas\",Lyon\n";
        let r = read_candidates(text.as_bytes(), TODAY);
        assert!(r.is_valid(), "{:?}", r.errors());
        assert_eq!((r.encoding, r.separator), ("UTF-8", ','));
        assert_eq!(r.lines[0].candidate.first_names, "Anne, Marie");
        assert_eq!(r.lines[0].candidate.address, "12, rue des Lilas");
        assert_eq!(r.lines[0].line, 2);
    }

    #[test]
    fn every_error_of_every_line_with_its_number() {
        let text = "Nom;Prénom;Date de naissance;Courriel;Voie d'accès\n\
                    Dupont;Jean;31/02/1990;jean@;formation\n\
                    ;Anne;01/01/1985;anne@exemple.fr;stage\n\
                    \n\
                    Dupont;Jean;01/02/1990;;VAE\n\
                    DUPONT;jean;01/02/1990;;\n";
        let r = read_candidates(text.as_bytes(), TODAY);
        assert!(!r.is_valid());
        assert_eq!(
            r.errors(),
            [
                "ligne 2 : date de naissance : « 31/02/1990 » n'est pas une date valide : février 1990 n'a pas de jour 31 (forme attendue : AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2027-03-15 ou 15/03/2027)",
                "ligne 2 : courriel : « jean@ » n'est pas une adresse électronique valide",
                "ligne 3 : voie d'accès « stage » inconnue (attendu : formation, VAE ou apprentissage)",
                "ligne 3 : nom : le nom est obligatoire",
                "ligne 6 : même personne qu'à la ligne 5 (DUPONT jean, né(e) le 01/02/1990)",
            ]
        );
    }

    #[test]
    fn a_missing_column_names_what_was_found() {
        let r = read_candidates(b"Nom;Prenom;Email\nDupont;Jean;j@e.fr\n", TODAY);
        assert_eq!(
            r.file_errors,
            [
                "colonne manquante : date de naissance (colonnes trouvées : « Nom », « Prenom », « Email ») ; la première ligne doit porter les titres des colonnes"
            ]
        );
    }

    #[test]
    fn garbage_empty_and_huge_files_are_refused_with_a_reason() {
        assert!(read_candidates(b"", TODAY).file_errors[0].contains("vide"));
        assert!(
            read_candidates(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", TODAY).file_errors[0]
                .contains("contenu binaire")
        );
        assert!(
            read_candidates(b"Nom;Pr\x81nom", TODAY).file_errors[0]
                .contains("ni en UTF-8 ni en Windows-1252")
        );
        assert!(
            read_candidates("Nom;Prénom;Date de naissance\n".as_bytes(), TODAY).file_errors[0]
                .contains("aucun candidat")
        );
        let mut big = String::from("Nom;Prénom;Date de naissance\n");
        for i in 0..10_000 {
            big.push_str(&format!("Nom{i};Prénom;01/01/1990\n"));
        }
        let r = read_candidates(big.as_bytes(), TODAY);
        assert_eq!(
            r.file_errors,
            [
                "10000 candidats dans le fichier : une session en compte au plus 1000 ; vérifiez le fichier"
            ]
        );
        assert!(r.lines.is_empty());
    }

    #[test]
    fn formulas_are_not_run_when_the_export_is_opened() {
        let c = CandidateInput {
            last_name: "=HYPERLINK(\"http://x\")".into(),
            first_names: "@Anne".into(),
            birth_date: Some(date(1990, 2, 1)),
            phone: "+33 6 12 34 56 78".into(),
            ..Default::default()
        };
        let csv = write_candidates(std::slice::from_ref(&c));
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\";'@Anne;"),
            "{csv}"
        );
        assert!(csv.contains(";'+33 6 12 34 56 78;"), "{csv}");
        assert_eq!(read_candidates(csv.as_bytes(), TODAY).candidates(), vec![c]);
    }

    #[test]
    fn export_reads_back_the_same() {
        let c = CandidateInput {
            last_name: "Dupont".into(),
            first_names: "Jean, Pierre".into(),
            birth_date: Some(date(1990, 2, 1)),
            email: "jean@exemple.fr".into(),
            access_route: AccessRoute::Vae,
            training_end: Some(date(2026, 12, 4)),
            accommodation: "Tiers temps ; « salle à part »".into(),
            civility: "Monsieur".into(),
            employer: "Bâtir Lyon".into(),
            employer_siret: "48213795600017".into(),
            trained_by: "Centre de formation Les Tilleuls".into(),
            ..Default::default()
        };
        let csv = write_candidates(std::slice::from_ref(&c));
        assert!(csv.starts_with("Nom;Prénom;Date de naissance;"));
        let r = read_candidates(csv.as_bytes(), TODAY);
        assert!(r.is_valid(), "{:?}", r.errors());
        assert_eq!(r.candidates(), vec![c]);
    }
}
