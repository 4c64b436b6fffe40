//! The secure archive of a session (`close.archive`): four kinds of pieces — the minutes
//! (PV), the evaluation grids, the sign-in sheets and the jurors' sworn statements — each
//! either produced by Jalon from what it recorded (the minutes once every juror present
//! signed, the sign-in once every candidate present signed on the tablet, the statements once
//! every juror present signed theirs) or a scan of the paper, checked by its content; each
//! kept with its SHA-256. The check `archive_complete` holds when each kind has a piece.

use std::collections::HashSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::candidate::Presence;
use crate::checks::SessionFacts;
use crate::fr;

/// The four kinds of pieces the seed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArchiveKind {
    /// Procès-verbaux (PV).
    Minutes,
    /// Grilles d'évaluation.
    Grids,
    /// Feuilles d'émargement.
    SignIn,
    /// Déclarations sur l'honneur des jurys.
    Statements,
}

impl ArchiveKind {
    pub const ALL: [ArchiveKind; 4] = [
        ArchiveKind::Minutes,
        ArchiveKind::Grids,
        ArchiveKind::SignIn,
        ArchiveKind::Statements,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveKind::Minutes => "minutes",
            ArchiveKind::Grids => "grids",
            ArchiveKind::SignIn => "sign_in",
            ArchiveKind::Statements => "statements",
        }
    }

    pub fn parse(s: &str) -> Option<ArchiveKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// As the seed names it.
    pub fn label(self) -> &'static str {
        match self {
            ArchiveKind::Minutes => "Procès-verbaux (PV)",
            ArchiveKind::Grids => "Grilles d'évaluation",
            ArchiveKind::SignIn => "Feuilles d'émargement",
            ArchiveKind::Statements => "Déclarations sur l'honneur des jurys",
        }
    }

    /// The folder of the conformity file its pieces go in, and the start of their names.
    pub fn slug(self) -> &'static str {
        match self {
            ArchiveKind::Minutes => "pv",
            ArchiveKind::Grids => "grilles-evaluation",
            ArchiveKind::SignIn => "emargement",
            ArchiveKind::Statements => "declarations-jury",
        }
    }

    /// Jalon can produce this kind from what it recorded (the grids are filled on paper).
    pub fn produced_by_jalon(self) -> bool {
        self != ArchiveKind::Grids
    }
}

/// How a piece came into the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Produced by Jalon from what it recorded, signatures included.
    Produced,
    /// A scan or photo of the paper, uploaded.
    Scan,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Produced => "produced",
            Origin::Scan => "scan",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        [Origin::Produced, Origin::Scan]
            .into_iter()
            .find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Origin::Produced => "produit par Jalon",
            Origin::Scan => "scan du papier",
        }
    }
}

/// Why Jalon cannot yet produce a kind of piece for this session, in French; `None` when it
/// can. Produced pieces carry signatures: they wait for each one.
pub fn not_producible(kind: ArchiveKind, f: &SessionFacts, today: Date) -> Option<String> {
    let over = || {
        (today < f.end).then(|| {
            format!(
                "la session n'est pas finie : elle se termine le {}",
                fr::long_date(f.end)
            )
        })
    };
    match kind {
        ArchiveKind::Grids => Some(
            "les grilles d'évaluation sont remplies sur papier par les jurés : joignez-en le scan"
                .to_owned(),
        ),
        ArchiveKind::Minutes => {
            if f.candidates.is_empty() || f.candidates.iter().any(|c| c.decision.is_none()) {
                return Some(
                    "le procès-verbal s'édite une fois le résultat de chaque candidat enregistré"
                        .to_owned(),
                );
            }
            let present = f.jury.present();
            if present.is_empty() {
                return Some("aucun juré n'est pointé présent pour signer le procès-verbal".into());
            }
            let unsigned: Vec<&str> = present
                .iter()
                .filter(|j| !f.minutes_signed.contains(&j.id))
                .map(|j| j.name.as_str())
                .collect();
            (!unsigned.is_empty()).then(|| {
                format!(
                    "le procès-verbal attend la signature de {}",
                    unsigned.join(", ")
                )
            })
        }
        ArchiveKind::SignIn => {
            if let Some(why) = over() {
                return Some(why);
            }
            if f.candidates.is_empty() {
                return Some("aucun candidat n'est inscrit".to_owned());
            }
            let expected = f
                .candidates
                .iter()
                .filter(|c| c.presence == Presence::Expected)
                .count();
            if expected > 0 {
                return Some(format!(
                    "{} ni pointé(s) présent(s) ni absent(s)",
                    fr::count(expected, "candidat", "candidats")
                ));
            }
            // « DUPONT Jean, né(e) le 01/02/1990 »: the name is enough here.
            let on_paper: Vec<&str> = f
                .candidates
                .iter()
                .filter(|c| c.presence == Presence::Present && !c.drawn_signature)
                .map(|c| c.name.split(", né").next().unwrap_or(&c.name))
                .collect();
            let n = on_paper.len();
            (n > 0).then(|| {
                let who = if n > 3 {
                    format!(
                        "{} et {}",
                        on_paper[..3].join(", "),
                        fr::count(n - 3, "autre", "autres")
                    )
                } else {
                    on_paper.join(", ")
                };
                format!(
                    "{who} {} pas signé sur la tablette : joignez le scan des feuilles signées \
                     sur papier",
                    if n > 1 { "n'ont" } else { "n'a" }
                )
            })
        }
        ArchiveKind::Statements => {
            if let Some(why) = over() {
                return Some(why);
            }
            let findings = f.jury.declaration_findings();
            findings.first().map(|first| {
                let mut m = first.message.trim_end_matches('.').to_owned();
                if let Some(c) = m.get(..1) {
                    let lower = c.to_lowercase();
                    m.replace_range(..1, &lower);
                }
                m
            })
        }
    }
}

/// The kinds that have no piece yet, in the seed's order.
pub fn missing(archived: &HashSet<ArchiveKind>) -> Vec<ArchiveKind> {
    ArchiveKind::ALL
        .into_iter()
        .filter(|k| !archived.contains(k))
        .collect()
}

/// The archive's finding: `None` when each kind has a piece.
pub fn finding(f: &SessionFacts) -> Option<(&'static str, String)> {
    let missing = missing(&f.archived);
    if missing.is_empty() {
        return None;
    }
    let n = missing.len();
    let names: Vec<String> = missing
        .iter()
        .map(|k| k.label().to_lowercase().replace("(pv)", "(PV)"))
        .collect();
    Some((
        "archive.incomplete",
        format!(
            "{} à l'archive : {}. Archivez le document produit par Jalon une fois signé, ou \
             joignez le scan du papier (onglet « Résultats »).",
            if n > 1 {
                format!("{n} pièces manquent")
            } else {
                "Une pièce manque".to_owned()
            },
            names.join(" ; ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::tests::{candidate, facts};
    use crate::results::Decision;
    use jiff::civil::date;

    const AFTER: Date = Date::constant(2027, 3, 22);

    /// A held session: DURAND Léa present and signed on the tablet, her result recorded;
    /// both jurors present on the first day.
    fn held() -> SessionFacts {
        let mut f = facts();
        f.candidates = vec![{
            let mut c = candidate("DURAND Léa");
            c.presence = Presence::Present;
            c.signed = true;
            c.drawn_signature = true;
            c.decision = Some(Decision::Obtained);
            c
        }];
        let d = date(2027, 3, 15);
        f.jury.noted = vec![("j1".into(), d, true), ("j2".into(), d, true)];
        f
    }

    #[test]
    fn the_minutes_are_produced_once_every_juror_present_signed() {
        let mut f = held();
        let why = not_producible(ArchiveKind::Minutes, &f, AFTER).unwrap();
        assert!(why.contains("Marc LEROY, Sophie MARTY"), "{why}");
        f.minutes_signed.insert("j1".into());
        let why = not_producible(ArchiveKind::Minutes, &f, AFTER).unwrap();
        assert_eq!(why, "le procès-verbal attend la signature de Sophie MARTY");
        f.minutes_signed.insert("j2".into());
        assert_eq!(not_producible(ArchiveKind::Minutes, &f, AFTER), None);
        // A result missing: no minutes at all.
        f.candidates[0].decision = None;
        assert!(
            not_producible(ArchiveKind::Minutes, &f, AFTER)
                .unwrap()
                .contains("résultat de chaque candidat")
        );
    }

    #[test]
    fn the_sign_in_is_produced_once_every_candidate_present_signed_on_the_tablet() {
        let mut f = held();
        // Not before the last day.
        let why = not_producible(ArchiveKind::SignIn, &f, date(2027, 3, 16)).unwrap();
        assert!(why.contains("vendredi 19 mars 2027"), "{why}");
        assert_eq!(not_producible(ArchiveKind::SignIn, &f, AFTER), None);
        // An absent candidate does not sign.
        f.candidates.push({
            let mut c = candidate("MARTIN Paul");
            c.presence = Presence::Absent;
            c
        });
        assert_eq!(not_producible(ArchiveKind::SignIn, &f, AFTER), None);
        // One who signed on paper: the scan is what proves it.
        f.candidates[0].drawn_signature = false;
        let why = not_producible(ArchiveKind::SignIn, &f, AFTER).unwrap();
        assert!(
            why.starts_with("DURAND Léa n'a pas signé sur la tablette"),
            "{why}"
        );
        f.candidates[1].presence = Presence::Expected;
        let why = not_producible(ArchiveKind::SignIn, &f, AFTER).unwrap();
        assert!(why.contains("1 candidat ni pointé"), "{why}");
    }

    #[test]
    fn the_statements_are_produced_once_every_juror_present_signed_theirs() {
        let mut f = held();
        let why = not_producible(ArchiveKind::Statements, &f, AFTER).unwrap();
        assert!(why.contains("Marc LEROY"), "{why}");
        f.jury.signed = vec!["j1".into(), "j2".into()];
        assert_eq!(not_producible(ArchiveKind::Statements, &f, AFTER), None);
        // The grids never are: they are filled on paper.
        assert!(
            not_producible(ArchiveKind::Grids, &f, AFTER)
                .unwrap()
                .contains("scan")
        );
    }

    #[test]
    fn the_archive_names_each_kind_still_missing() {
        let mut f = held();
        let (rule, m) = finding(&f).unwrap();
        assert_eq!(rule, "archive.incomplete");
        assert!(
            m.starts_with(
                "4 pièces manquent à l'archive : procès-verbaux (PV) ; grilles d'évaluation ; \
                 feuilles d'émargement ; déclarations sur l'honneur des jurys."
            ),
            "{m}"
        );
        f.archived = [
            ArchiveKind::Minutes,
            ArchiveKind::SignIn,
            ArchiveKind::Statements,
        ]
        .into_iter()
        .collect();
        let (_, m) = finding(&f).unwrap();
        assert!(
            m.starts_with("Une pièce manque à l'archive : grilles d'évaluation."),
            "{m}"
        );
        f.archived.insert(ArchiveKind::Grids);
        assert_eq!(finding(&f), None);
    }
}
