//! The automatic checks of a session's milestones: pure functions from what is known of one
//! session ([`SessionFacts`]) and today's date to findings, each named by the rulebook
//! (`check = { id = "…", text = "…" }` on the milestone it belongs to).
//!
//! A check that fails on a milestone still to do is work to do; on a milestone marked done,
//! it is a failure the conformity report shows. Marking a milestone done while its check
//! fails needs a written justification, which the journal keeps.

use std::collections::{HashMap, HashSet};
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::candidate::Presence;
use crate::convocation::{self, Proof};
use crate::jury::{JuryFacts, JuryFinding};
use crate::milestone::MilestoneId;
use crate::rulebook::{MilestoneRule, Rulebook};
use crate::{Zone, calendar, checklist, fr};

/// A broken rule, found by a check or when a session is created or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Stable name of the rule: `ceres.number_missing`, `title.expired`…
    pub rule: &'static str,
    /// The milestone of the chronology the rule belongs to.
    pub milestone: MilestoneId,
    pub message: String,
    /// A written justification may override it.
    pub overridable: bool,
}

impl Finding {
    fn new(rule: &'static str, milestone: &MilestoneId, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            milestone: milestone.clone(),
            message: message.into(),
            overridable: true,
        }
    }
}

/// The checks Jalon runs by itself, as the rulebook names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The title's expiry is more than 6 months away.
    TitleExpiryMargin,
    /// A CERES session number is recorded, before the title's expiry.
    CeresSession,
    /// A manager is appointed and declared in the approval.
    ManagerDeclared,
    /// At least one candidate is registered.
    CandidatesRegistered,
    /// Every candidate's convocation is proven.
    ConvocationsProven,
    /// Every candidate is marked present or absent; every present one checked and signed.
    CandidatesWelcomed,
    /// Every item of the milestone's checklist is ticked, or marked « sans objet ».
    ChecklistTicked,
    /// At least two habilitated jurors with no link may assess each candidate at each
    /// épreuve; none sits elsewhere that day; the juries within the title's cap.
    JuryAppointed,
    /// Every juror seated on the days gone by pointed present or absent, the quorum held,
    /// and the briefing's checklist ticked.
    JuryWelcomed,
    /// Every juror present signed their sworn statement.
    JuryDeclarations,
    /// The DTE order is recorded.
    DteOrdered,
    /// The DTE reception is recorded: packets, locked place, key holders.
    DteReceived,
    /// The DTE received, or the AFPA chased.
    DteChased,
    /// The organiser's envelope received, then opened.
    OrganiserOpened,
    /// Each subject envelope of an épreuve begun opened.
    SubjectsOpened,
    /// Each day gone by: the manager present, each épreuve's official start.
    EpreuvesStarted,
    /// Each épreuve begun: its unused subjects destroyed.
    UnusedDestroyed,
    /// After each épreuve: its opened subjects destroyed.
    SubjectsDestroyed,
    /// Every candidate has the jury's result, entered in CERES.
    ResultsEntered,
    /// The departmental service's validation is recorded with its date.
    ValidationRecorded,
    /// Every juror present signed the minutes as they stand.
    MinutesSigned,
    /// The departmental service's launch of the candidates' documents is recorded.
    DocumentsLaunched,
    /// The general minutes, validated and signed, are joined to their milestone.
    GeneralMinutesReceived,
    /// Each of the four kinds of pieces is in the secure archive, with its SHA-256.
    ArchiveComplete,
    /// The transmission is recorded — day, channel, what was sent — within the delay.
    TransmissionRecorded,
    /// Each candidate in failure or partial success has the centre's letter, which offers
    /// them a new presentation.
    RepresentOffered,
}

impl CheckId {
    pub const ALL: [CheckId; 26] = [
        CheckId::TitleExpiryMargin,
        CheckId::CeresSession,
        CheckId::ManagerDeclared,
        CheckId::CandidatesRegistered,
        CheckId::ConvocationsProven,
        CheckId::CandidatesWelcomed,
        CheckId::ChecklistTicked,
        CheckId::JuryAppointed,
        CheckId::JuryWelcomed,
        CheckId::JuryDeclarations,
        CheckId::DteOrdered,
        CheckId::DteReceived,
        CheckId::DteChased,
        CheckId::OrganiserOpened,
        CheckId::SubjectsOpened,
        CheckId::EpreuvesStarted,
        CheckId::UnusedDestroyed,
        CheckId::SubjectsDestroyed,
        CheckId::ResultsEntered,
        CheckId::ValidationRecorded,
        CheckId::MinutesSigned,
        CheckId::DocumentsLaunched,
        CheckId::GeneralMinutesReceived,
        CheckId::ArchiveComplete,
        CheckId::TransmissionRecorded,
        CheckId::RepresentOffered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::TitleExpiryMargin => "title_expiry_margin",
            CheckId::CeresSession => "ceres_session",
            CheckId::ManagerDeclared => "manager_declared",
            CheckId::CandidatesRegistered => "candidates_registered",
            CheckId::ConvocationsProven => "convocations_proven",
            CheckId::CandidatesWelcomed => "candidates_welcomed",
            CheckId::ChecklistTicked => "checklist_ticked",
            CheckId::JuryAppointed => "jury_appointed",
            CheckId::JuryWelcomed => "jury_welcomed",
            CheckId::JuryDeclarations => "jury_declarations",
            CheckId::DteOrdered => "dte_ordered",
            CheckId::DteReceived => "dte_received",
            CheckId::DteChased => "dte_chased",
            CheckId::OrganiserOpened => "organiser_opened",
            CheckId::SubjectsOpened => "subjects_opened",
            CheckId::EpreuvesStarted => "epreuves_started",
            CheckId::UnusedDestroyed => "unused_destroyed",
            CheckId::SubjectsDestroyed => "subjects_destroyed",
            CheckId::ResultsEntered => "results_entered",
            CheckId::ValidationRecorded => "validation_recorded",
            CheckId::MinutesSigned => "minutes_signed",
            CheckId::DocumentsLaunched => "documents_launched",
            CheckId::GeneralMinutesReceived => "general_minutes_received",
            CheckId::ArchiveComplete => "archive_complete",
            CheckId::TransmissionRecorded => "transmission_recorded",
            CheckId::RepresentOffered => "represent_offered",
        }
    }

    pub fn parse(s: &str) -> Option<CheckId> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalFacts {
    pub number: String,
    pub valid_from: Date,
    pub valid_until: Date,
}

impl ApprovalFacts {
    pub fn covers(&self, start: Date, end: Date) -> bool {
        self.valid_from <= start && end <= self.valid_until
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerFacts {
    pub name: String,
    /// Declared in the session's approval.
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFacts {
    /// « DUPONT Jean, né(e) le 01/02/1990 ».
    pub name: String,
    pub presence: Presence,
    pub identity_checked: bool,
    pub signed: bool,
    /// The convocation was shown at the welcome.
    pub convocation_presented: bool,
    /// The documents the convocation asks for (an identity document, the dossier
    /// professionnel) were shown at the welcome.
    pub documents_presented: bool,
    /// `None` while no convocation mode is chosen.
    pub convocation: Option<Proof>,
    /// The day the convocation's proof was complete (handed over against signature, sent and
    /// read, or sent and returned signed), in Paris.
    pub convoked_on: Option<Date>,
    /// The accommodation granted to a candidate with a disability, and what is planned.
    pub accommodation: Option<(String, String)>,
    /// The jury's decision, once recorded.
    pub decision: Option<crate::results::Decision>,
    /// The result is entered in CERES (« saisi dans CERES le … »).
    pub result_in_ceres: bool,
    /// They signed the welcome on the tablet (a drawn signature Jalon keeps).
    pub drawn_signature: bool,
    /// The centre's letter after the validation went to them (by email or by hand).
    pub letter_sent: bool,
}

/// Everything the checks need to know about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub start: Date,
    pub end: Date,
    pub ceres_number: Option<String>,
    /// The day the session was created in CERES, when recorded.
    pub ceres_created_on: Option<Date>,
    pub title_expiry: Date,
    /// The site's zone, for the session's working days.
    pub zone: Zone,
    pub approval: Option<ApprovalFacts>,
    /// `None` while no manager is appointed.
    pub manager: Option<ManagerFacts>,
    /// In the order the documents list them.
    pub candidates: Vec<CandidateFacts>,
    /// The checklist items ticked or marked « sans objet », by milestone.
    pub ticked: HashMap<MilestoneId, HashSet<String>>,
    /// Presence at each épreuve, once the session keeps its sign-in per épreuve (`None`
    /// before: the welcome alone is checked).
    pub attendance: Option<AttendanceFacts>,
    /// The jury: its seats, the jurors, what the timetable has them assess, the day's
    /// presence and statements.
    pub jury: JuryFacts,
    /// The sealed papers and the day's launch.
    pub custody: crate::custody::CustodyFacts,
    /// The day the departmental service validated the session, once recorded.
    pub validated_on: Option<Date>,
    /// The jurors (ids) whose signature of the minutes stands (a result changed since
    /// undoes them).
    pub minutes_signed: HashSet<String>,
    /// The day the departmental service launched the candidates' documents, once recorded.
    pub documents_launched_on: Option<Date>,
    /// The milestones with a file joined as their evidence.
    pub with_files: HashSet<MilestoneId>,
    /// The kinds of pieces kept in the secure archive.
    pub archived: HashSet<crate::archiving::ArchiveKind>,
    /// The day the documents were transmitted to the departmental service, once recorded.
    pub transmitted_on: Option<Date>,
    /// The transmission's deadline (48 h, 5 days, or the title's own delay).
    pub transmit_deadline: Option<Date>,
}

/// What the sign-in per épreuve must hold: each passage of the days gone by noted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttendanceFacts {
    /// Each passage of a day up to today: the day, the épreuve, the candidate's name.
    pub due: Vec<(Date, String, String)>,
    /// Those noted (present or absent), the same way.
    pub noted: HashSet<(Date, String, String)>,
}

/// The passages of the days gone by whose presence is not noted, one French line each:
/// « mardi 16 mars 2027, Entretien final : MARTIN Léa ».
pub fn attendance_missing(f: &SessionFacts) -> Vec<String> {
    let Some(a) = &f.attendance else {
        return Vec::new();
    };
    a.due
        .iter()
        .filter(|d| !a.noted.contains(*d))
        .map(|(day, epreuve, name)| format!("{}, {epreuve} : {name}", fr::long_date(*day)))
        .collect()
}

impl SessionFacts {
    /// Created in CERES before the title's expiry, as the regulation demands: a number, and a
    /// creation date before the expiry — or, the date unknown, a title not yet expired today
    /// (the creation, already done, precedes today).
    pub fn created_in_time(&self, today: Date) -> bool {
        self.ceres_number.is_some()
            && match self.ceres_created_on {
                Some(on) => on < self.title_expiry,
                None => today < self.title_expiry,
            }
    }
}

/// Days before the start by which every convocation must be proven (« au moins 30 jours
/// avant le début de la session »).
pub const CONVOCATION_DAYS_BEFORE: i32 = 30;

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// The minutes need every result, then the signature of every juror present.
fn minutes_signed(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    if f.candidates.iter().any(|c| c.decision.is_none()) || f.candidates.is_empty() {
        return Some(Finding::new(
            "minutes.results_missing",
            milestone,
            "Le procès-verbal s'édite une fois le résultat de chaque candidat enregistré.",
        ));
    }
    let present = f.jury.present();
    if present.is_empty() {
        return Some(Finding::new(
            "minutes.no_juror_present",
            milestone,
            "Aucun juré n'est pointé présent : personne ne peut signer le procès-verbal.",
        ));
    }
    let unsigned: Vec<String> = present
        .iter()
        .filter(|j| !f.minutes_signed.contains(&j.id))
        .map(|j| j.name.clone())
        .collect();
    (!unsigned.is_empty()).then(|| {
        let (n, s) = (unsigned.len(), plural(unsigned.len()));
        Finding::new(
            "minutes.unsigned",
            milestone,
            format!(
                "{n} juré{s} présent{s} n'{} pas signé le procès-verbal : {}.",
                if n > 1 { "ont" } else { "a" },
                first_three(&unsigned)
            ),
        )
    })
}

/// The transmission recorded with its day, within its delay. Without it the milestone cannot
/// be marked done: recording it is what marks it.
fn transmission(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    match (f.transmitted_on, f.transmit_deadline) {
        (None, _) => Some(Finding {
            overridable: false,
            ..Finding::new(
                "transmission.not_recorded",
                milestone,
                "La transmission des documents n'est pas enregistrée : indiquez le jour, le moyen \
                 (lien de transfert, recommandé avec son numéro…) et ce qui a été transmis.",
            )
        }),
        (Some(on), Some(limit)) if on > limit => {
            let late = calendar::days_between(limit, on);
            Some(Finding::new(
                "transmission.late",
                milestone,
                format!(
                    "Documents transmis le {}, après la limite du {} ({} de retard).",
                    fr::long_date(on),
                    fr::long_date(limit),
                    fr::count(late as usize, "jour", "jours")
                ),
            ))
        }
        _ => None,
    }
}

/// « Les candidats en échec ou en réussite partielle peuvent se voir proposer jusqu'à deux
/// nouvelles présentations » : after the validation, each of them has the centre's letter,
/// which says what is left to them.
fn represent_offered(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    if f.validated_on.is_none() {
        return Some(Finding::new(
            "represent.not_validated",
            milestone,
            "Une nouvelle présentation se propose une fois la session validée, par le courrier \
             du centre à chaque candidat en échec ou en réussite partielle.",
        ));
    }
    let waiting: Vec<String> = f
        .candidates
        .iter()
        .filter(|c| c.decision.is_some_and(|d| d.may_represent()) && !c.letter_sent)
        .map(|c| c.name.clone())
        .collect();
    let n = waiting.len();
    (n > 0).then(|| {
        let s = plural(n);
        Finding::new(
            "represent.not_offered",
            milestone,
            format!(
                "{n} candidat{s} en échec ou en réussite partielle sans le courrier du centre qui \
                 propose une nouvelle présentation : {}.",
                first_three(&waiting)
            ),
        )
    })
}

/// Every candidate has the jury's result, and each result is entered in CERES.
fn results_entered(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    let names = |keep: &dyn Fn(&CandidateFacts) -> bool| -> Vec<String> {
        f.candidates
            .iter()
            .filter(|c| keep(c))
            .map(|c| c.name.clone())
            .collect()
    };
    let missing = names(&|c| c.decision.is_none());
    if !missing.is_empty() {
        let (n, s) = (missing.len(), plural(missing.len()));
        return Some(Finding::new(
            "results.missing",
            milestone,
            format!("{n} candidat{s} sans résultat : {}.", first_three(&missing)),
        ));
    }
    let unentered = names(&|c| c.decision.is_some() && !c.result_in_ceres);
    (!unentered.is_empty()).then(|| {
        let (n, s) = (unentered.len(), plural(unentered.len()));
        Finding::new(
            "results.not_in_ceres",
            milestone,
            format!(
                "{n} résultat{s} non saisi{s} dans CERES : {}.",
                first_three(&unentered)
            ),
        )
    })
}

/// What one check says of a session today, reported on the milestone `rule`: `None` when it
/// holds.
pub fn evaluate(
    check: CheckId,
    rule: &MilestoneRule,
    f: &SessionFacts,
    today: Date,
) -> Option<Finding> {
    let milestone = &rule.id;
    let found = |rule, message: String| Some(Finding::new(rule, milestone, message));
    match check {
        CheckId::TitleExpiryMargin => title_expiry_margin(milestone, f),
        CheckId::CeresSession => ceres_session(milestone, f, today),
        CheckId::ManagerDeclared => match &f.manager {
            None => found(
                "manager.missing",
                "Aucun responsable de session n'est désigné.".to_owned(),
            ),
            Some(m) if !m.declared => found(
                "manager.not_declared",
                "Le responsable désigné n'est pas déclaré dans l'agrément : demandez la \
                 modification de l'agrément dans CERES (DRIEETS)."
                    .to_owned(),
            ),
            Some(_) => None,
        },
        CheckId::CandidatesRegistered if f.candidates.is_empty() => found(
            "candidates.none",
            "Aucun candidat n'est inscrit à cette session.".to_owned(),
        ),
        CheckId::CandidatesRegistered => None,
        CheckId::ConvocationsProven if f.candidates.is_empty() => found(
            "candidates.none",
            "Aucun candidat n'est inscrit : il n'y a personne à convoquer.".to_owned(),
        ),
        CheckId::ConvocationsProven => convocations(milestone, f),
        CheckId::CandidatesWelcomed => match welcome_missing(f) {
            Some(m) => Some(Finding::new("candidates.welcome_incomplete", milestone, m)),
            None => {
                let missing = attendance_missing(f);
                let n = missing.len();
                (n > 0).then(|| {
                    let s = plural(n);
                    Finding::new(
                        "attendance.incomplete",
                        milestone,
                        format!(
                            "{n} présence{s} à une épreuve non notée{s} : {}.",
                            first_three(&missing)
                        ),
                    )
                })
            }
        },
        CheckId::JuryAppointed => jury_finding(milestone, f.jury.findings(today)),
        CheckId::JuryWelcomed => jury_finding(milestone, f.jury.welcome_findings(today))
            .or_else(|| evaluate(CheckId::ChecklistTicked, rule, f, today)),
        CheckId::JuryDeclarations => jury_finding(milestone, f.jury.declaration_findings()),
        CheckId::DteOrdered => custody(milestone, f.custody.order()),
        CheckId::DteReceived => custody(milestone, f.custody.reception()),
        CheckId::DteChased => custody(milestone, f.custody.chase()),
        CheckId::OrganiserOpened => custody(milestone, f.custody.organiser()),
        CheckId::SubjectsOpened => custody(milestone, f.custody.subjects_opened(today)),
        CheckId::EpreuvesStarted => custody(milestone, f.custody.started()),
        CheckId::UnusedDestroyed => custody(milestone, f.custody.unused()),
        CheckId::SubjectsDestroyed => custody(milestone, f.custody.subjects_destroyed(today)),
        CheckId::ResultsEntered => results_entered(milestone, f),
        CheckId::MinutesSigned => minutes_signed(milestone, f),
        CheckId::GeneralMinutesReceived => match (f.validated_on, f.with_files.contains(milestone))
        {
            (_, true) => None,
            (None, false) => found(
                "general_minutes.not_validated",
                "Le PV général suit la validation de la session, pas encore enregistrée."
                    .to_owned(),
            ),
            (Some(_), false) => found(
                "general_minutes.missing",
                "Le PV général validé et signé n'est pas joint : joignez-le à ce jalon (PDF ou \
                 scan)."
                    .to_owned(),
            ),
        },
        CheckId::DocumentsLaunched => match (f.validated_on, f.documents_launched_on) {
            (_, Some(_)) => None,
            (None, None) => found(
                "documents.not_validated",
                "Les documents des candidats suivent la validation de la session, pas encore \
                 enregistrée."
                    .to_owned(),
            ),
            (Some(_), None) => found(
                "documents.not_launched",
                "Le lancement par le service départemental de l'édition et de l'envoi des \
                 documents aux candidats n'est pas enregistré."
                    .to_owned(),
            ),
        },
        CheckId::ArchiveComplete => crate::archiving::finding(f)
            .map(|(rule, message)| Finding::new(rule, milestone, message)),
        CheckId::TransmissionRecorded => transmission(milestone, f),
        CheckId::RepresentOffered => represent_offered(milestone, f),
        CheckId::ValidationRecorded => f.validated_on.is_none().then(|| Finding {
            overridable: false,
            ..Finding::new(
                "validation.not_recorded",
                milestone,
                "La validation du service départemental n'est pas enregistrée avec sa date : \
                 enregistrez-la (« Session validée le … ») ; elle seule permet de communiquer \
                 les résultats aux candidats.",
            )
        }),
        CheckId::ChecklistTicked => {
            let missing = checklist::missing(rule, f);
            let n = missing.len();
            (n > 0).then(|| {
                let s = plural(n);
                Finding::new(
                    "checklist.incomplete",
                    milestone,
                    format!(
                        "{n} point{s} de la liste non coché{s} : {}.",
                        first_three(&missing)
                    ),
                )
            })
        }
    }
}

/// A custody check's finding under its milestone.
fn custody(
    milestone: &MilestoneId,
    found: Option<crate::custody::CustodyFinding>,
) -> Option<Finding> {
    found.map(|(rule, message)| Finding::new(rule, milestone, message))
}

/// The jury's findings as one, under the first one's rule: « a ; b ; c ; et 2 autres ».
fn jury_finding(milestone: &MilestoneId, found: Vec<JuryFinding>) -> Option<Finding> {
    let first = found.first()?.rule;
    let lines: Vec<String> = found.into_iter().map(|f| f.message).collect();
    let mut message = first_three(&lines);
    if !message.ends_with('.') {
        message.push('.');
    }
    Some(Finding::new(first, milestone, message))
}

/// « a ; b ; c ; et 2 autres ».
fn first_three(items: &[String]) -> String {
    let n = items.len();
    let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
    let more = if n > 3 {
        format!(" ; et {} autre{}", n - 3, plural(n - 3))
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(" ; "))
}

/// « Toutes les sessions doivent impérativement être créées avant la date d'échéance du
/// titre » : the day of creation in CERES is compared with the expiry, so a session created
/// in time stays conform once its title has expired.
fn ceres_session(milestone: &MilestoneId, f: &SessionFacts, today: Date) -> Option<Finding> {
    let expired = |message: String| Some(Finding::new("title.expired", milestone, message));
    if f.ceres_number.is_none() {
        return Some(Finding::new(
            "ceres.number_missing",
            milestone,
            "Aucun numéro de session CERES n'est enregistré : saisissez-le dans la session.",
        ));
    }
    match f.ceres_created_on {
        Some(on) if on >= f.title_expiry => expired(format!(
            "La session a été créée dans CERES le {}, pas avant l'échéance du titre ({}) : \
             toute session doit être créée avant l'échéance (arrêté du 21 juillet 2016, article 1.2).",
            fr::long_date(on),
            fr::long_date(f.title_expiry)
        )),
        None if today >= f.title_expiry => expired(format!(
            "Le titre a expiré le {} et la date de création de la session dans CERES n'est pas \
             enregistrée : indiquez-la pour montrer qu'elle précède l'échéance.",
            fr::long_date(f.title_expiry)
        )),
        _ => None,
    }
}

/// Every candidate convoked with a proof, at least 30 days before the start.
fn convocations(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    let missing = convocations_missing(f);
    let late = convocations_late(f);
    let mut parts = Vec::new();
    if !missing.is_empty() {
        let n = missing.len();
        parts.push(format!(
            "{n} candidat{} sans convocation prouvée : {}.",
            plural(n),
            first_three(&missing)
        ));
    }
    if !late.is_empty() {
        let n = late.len();
        parts.push(format!(
            "{n} convocation{} en retard : {}.",
            plural(n),
            first_three(&late)
        ));
    }
    let rule = if !missing.is_empty() {
        "convocations.unproven"
    } else if !late.is_empty() {
        "convocations.late"
    } else {
        return None;
    };
    Some(Finding::new(rule, milestone, parts.join(" ")))
}

/// The last day a convocation may be proven: D − 30 days.
pub fn convocation_limit(start: Date) -> Option<Date> {
    calendar::add_days(start, -CONVOCATION_DAYS_BEFORE)
}

/// Who was convoked after D − 30, one French line per candidate.
pub fn convocations_late(f: &SessionFacts) -> Vec<String> {
    let Some(limit) = convocation_limit(f.start) else {
        return Vec::new();
    };
    f.candidates
        .iter()
        .filter_map(|c| {
            let on = c.convoked_on.filter(|on| *on > limit)?;
            Some(format!(
                "{} : convocation prouvée le {}, après la limite du {}",
                c.name,
                fr::long_date(on),
                fr::long_date(limit)
            ))
        })
        .collect()
}

/// « Plus de 6 mois avant le début de la session, vérifier que la date d'échéance du titre est
/// supérieure à 6 mois » — judged against the session, not the day it is looked at: at the
/// check's deadline (D − 6 months), the expiry must be more than six months away, that is
/// after the session's start; a title that expires before the session's end is said too,
/// with what the regulation then allows.
fn title_expiry_margin(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    let check_by = calendar::add_months(f.start, -6)?;
    // Six months after D − 6 months is D itself, or a day or three before it at a month's
    // end (31 August − 6 months = 28 February): the session's start is what must be covered.
    if f.title_expiry <= f.start {
        return Some(Finding::new(
            "title.expiry_within_6_months",
            milestone,
            format!(
                "L'échéance du titre ({}) n'est pas à plus de 6 mois de la vérification (au plus tard \
                 le {}) : le titre expire avant le début de la session ({}).",
                fr::long_date(f.title_expiry),
                fr::long_date(check_by),
                fr::long_date(f.start)
            ),
        ));
    }
    (f.title_expiry < f.end).then(|| {
        Finding::new(
            "title.expires_during_session",
            milestone,
            format!(
                "Le titre expire le {}, pendant la session (qui finit le {}) : après l'échéance, seuls \
                 les candidats en échec, en réussite partielle ou entrés en formation avant l'échéance \
                 peuvent être présentés, pendant un an, dans une session créée dans CERES avant \
                 l'échéance.",
                fr::long_date(f.title_expiry),
                fr::long_date(f.end)
            ),
        )
    })
}

/// Who is still missing what for their convocation, one French line per candidate.
pub fn convocations_missing(f: &SessionFacts) -> Vec<String> {
    f.candidates
        .iter()
        .filter_map(|c| {
            convocation::missing(c.convocation.as_ref()).map(|w| format!("{} : {w}", c.name))
        })
        .collect()
}

/// What the day's welcome of candidates still lacks, if anything: each present candidate's
/// identity checked, convocation and required documents shown, sign-in sheet signed.
fn welcome_missing(f: &SessionFacts) -> Option<String> {
    if f.candidates.is_empty() {
        return Some("Aucun candidat n'est inscrit.".to_owned());
    }
    let expected = f
        .candidates
        .iter()
        .filter(|c| c.presence == Presence::Expected)
        .count();
    if expected > 0 {
        let s = plural(expected);
        return Some(format!(
            "{expected} candidat{s} ni pointé{s} présent{s} ni absent{s}."
        ));
    }
    let incomplete: Vec<String> = f
        .candidates
        .iter()
        .filter(|c| c.presence == Presence::Present)
        .filter_map(|c| {
            let lacks: Vec<&str> = [
                (c.identity_checked, "identité non vérifiée"),
                (c.convocation_presented, "convocation non présentée"),
                (c.documents_presented, "documents requis non présentés"),
                (c.signed, "pas d'émargement"),
            ]
            .into_iter()
            .filter(|(ok, _)| !ok)
            .map(|(_, what)| what)
            .collect();
            (!lacks.is_empty()).then(|| format!("{} : {}", c.name, lacks.join(", ")))
        })
        .collect();
    let n = incomplete.len();
    (n > 0).then(|| {
        let s = plural(n);
        format!(
            "{n} candidat{s} présent{s} à l'accueil incomplet : {}.",
            first_three(&incomplete)
        )
    })
}

/// The check the rulebook names for a milestone, if any.
pub fn check_of(rules: &Rulebook, milestone: &str) -> Option<CheckId> {
    rules.milestone(milestone)?.check.as_ref()?.id
}

/// What a milestone's automatic check says now: `None` when it holds or there is none.
pub fn milestone(
    rules: &Rulebook,
    milestone: &MilestoneId,
    f: &SessionFacts,
    today: Date,
) -> Option<Finding> {
    let rule = rules.milestone(milestone)?;
    evaluate(rule.check.as_ref()?.id?, rule, f, today)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::convocation::{Mode, SendState};
    use crate::milestone::ids;
    use jiff::civil::date;

    pub(crate) fn facts() -> SessionFacts {
        SessionFacts {
            start: date(2027, 3, 15),
            end: date(2027, 3, 19),
            ceres_number: Some("2027-001".to_owned()),
            ceres_created_on: Some(date(2026, 12, 1)),
            title_expiry: date(2030, 1, 1),
            zone: Zone::Metropole,
            approval: Some(ApprovalFacts {
                number: "AGR-75-001".to_owned(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
            }),
            manager: Some(ManagerFacts {
                name: "Claire Martin".to_owned(),
                declared: true,
            }),
            candidates: vec![candidate("DURAND Léa")],
            ticked: HashMap::new(),
            attendance: None,
            jury: jury(),
            custody: custody(),
            validated_on: None,
            minutes_signed: HashSet::new(),
            documents_launched_on: None,
            with_files: HashSet::new(),
            archived: HashSet::new(),
            transmitted_on: None,
            transmit_deadline: None,
        }
    }

    /// DTE ordered and received (locked away, one key holder), the organiser's envelope
    /// opened; the subjects still sealed before their day.
    fn custody() -> crate::custody::CustodyFacts {
        use crate::custody::{CustodyFacts, PacketFacts, PacketKind, PacketState};
        CustodyFacts {
            ordered: true,
            received: Some((2, true, 1)),
            chased: false,
            packets: vec![
                PacketFacts {
                    kind: PacketKind::Organiser,
                    label: "Pli organisateur".into(),
                    epreuve: None,
                    state: PacketState::Opened,
                },
                PacketFacts {
                    kind: PacketKind::Subjects,
                    label: "Pli 1".into(),
                    epreuve: Some("Mise en situation professionnelle".into()),
                    state: PacketState::Stored,
                },
            ],
            epreuve_days: vec![(
                "Mise en situation professionnelle".into(),
                date(2027, 3, 15),
            )],
            days: Vec::new(),
        }
    }

    /// Two jurors habilitated for the title seated on the first day, where DURAND Léa passes
    /// the group's épreuve.
    fn jury() -> JuryFacts {
        use crate::jury::{Habilitation, Juror, Seat};
        use crate::timetable::{Part, Passage};
        let juror = |id: &str, name: &str| Juror {
            id: id.into(),
            name: name.into(),
            habilitations: vec![Habilitation {
                title: "RNCP35309".into(),
                granted_by: "DDETS du Rhône".into(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 1, 1),
                reference: String::new(),
            }],
            ..Juror::default()
        };
        let d = date(2027, 3, 15);
        JuryFacts {
            title: crate::jury::JuryTitle {
                rncp: "RNCP35309".into(),
                name: "Maçon".into(),
                ..Default::default()
            },
            start: Some(d),
            jurors: vec![juror("j1", "Marc LEROY"), juror("j2", "Sophie MARTY")],
            seats: ["j1", "j2"]
                .map(|j| Seat {
                    juror: j.into(),
                    day: d,
                    jury: 1,
                })
                .to_vec(),
            candidates: vec![crate::jury::CandidateTies {
                id: "c1".into(),
                name: "DURAND Léa".into(),
                ..Default::default()
            }],
            passages: vec![Passage {
                epreuve: "Mise en situation professionnelle".into(),
                candidate: None,
                room: None,
                jury: None,
                parts: vec![Part {
                    date: d,
                    start: jiff::civil::time(9, 0, 0, 0),
                    end: jiff::civil::time(12, 0, 0, 0),
                }],
            }],
            ..JuryFacts::default()
        }
    }

    pub(crate) fn candidate(name: &str) -> CandidateFacts {
        CandidateFacts {
            name: name.to_owned(),
            presence: Presence::Expected,
            identity_checked: false,
            signed: false,
            convocation_presented: false,
            documents_presented: false,
            convoked_on: Some(date(2027, 2, 1)),
            accommodation: None,
            decision: None,
            result_in_ceres: false,
            drawn_signature: false,
            letter_sent: false,
            convocation: Some(Proof {
                mode: Mode::Hand,
                send: SendState::Sent,
                sent: true,
                hand_signed: true,
                read: false,
                signed_document: true,
            }),
        }
    }

    const TODAY: Date = Date::constant(2026, 11, 30);

    /// The embedded rule of a milestone.
    pub(crate) fn on(id: &MilestoneId) -> MilestoneRule {
        Rulebook::embedded().milestone(id).unwrap().clone()
    }

    fn rule(check: CheckId, f: &SessionFacts, today: Date) -> Option<&'static str> {
        evaluate(check, &on(&ids::CERES_CREATE_SESSION), f, today).map(|x| x.rule)
    }

    #[test]
    fn once_kept_per_epreuve_the_sign_in_of_each_day_gone_by_is_complete() {
        let rule = Rulebook::embedded();
        let welcome = rule.milestone("day.welcome_candidates").unwrap().clone();
        let mut f = facts();
        for c in f.candidates.iter_mut() {
            c.presence = Presence::Present;
            c.identity_checked = true;
            c.convocation_presented = true;
            c.documents_presented = true;
            c.signed = true;
        }
        let today = jiff::civil::date(2027, 3, 16);
        assert_eq!(
            evaluate(CheckId::CandidatesWelcomed, &welcome, &f, today),
            None
        );
        let d = |day| jiff::civil::date(2027, 3, day);
        let due = vec![
            (
                d(15),
                "Mise en situation".to_owned(),
                "DUPONT Jean".to_owned(),
            ),
            (
                d(16),
                "Entretien final".to_owned(),
                "DUPONT Jean".to_owned(),
            ),
        ];
        f.attendance = Some(AttendanceFacts {
            noted: [due[0].clone()].into(),
            due,
        });
        let found = evaluate(CheckId::CandidatesWelcomed, &welcome, &f, today).unwrap();
        assert_eq!(found.rule, "attendance.incomplete");
        assert_eq!(
            found.message,
            "1 présence à une épreuve non notée : mardi 16 mars 2027, Entretien final : DUPONT Jean."
        );
        f.attendance.as_mut().unwrap().noted.insert((
            d(16),
            "Entretien final".to_owned(),
            "DUPONT Jean".to_owned(),
        ));
        assert_eq!(
            evaluate(CheckId::CandidatesWelcomed, &welcome, &f, today),
            None
        );
    }

    #[test]
    fn a_prepared_session_passes_every_check_but_the_welcome() {
        let f = facts();
        for c in CheckId::ALL {
            let found = rule(c, &f, TODAY);
            if c == CheckId::CandidatesWelcomed {
                assert_eq!(found, Some("candidates.welcome_incomplete"));
            } else if c == CheckId::JuryDeclarations {
                assert_eq!(found, Some("jury.not_checked_in"), "nobody pointed yet");
            } else if c == CheckId::ResultsEntered {
                assert_eq!(found, Some("results.missing"), "no épreuve taken yet");
            } else if c == CheckId::ValidationRecorded {
                assert_eq!(found, Some("validation.not_recorded"), "not held yet");
            } else if c == CheckId::MinutesSigned {
                assert_eq!(found, Some("minutes.results_missing"), "not held yet");
            } else if c == CheckId::DocumentsLaunched {
                assert_eq!(found, Some("documents.not_validated"), "not held yet");
            } else if c == CheckId::GeneralMinutesReceived {
                assert_eq!(found, Some("general_minutes.not_validated"), "not held yet");
            } else if c == CheckId::ArchiveComplete {
                assert_eq!(found, Some("archive.incomplete"), "not held yet");
            } else if c == CheckId::TransmissionRecorded {
                assert_eq!(found, Some("transmission.not_recorded"), "not held yet");
            } else if c == CheckId::RepresentOffered {
                assert_eq!(found, Some("represent.not_validated"), "not held yet");
            } else {
                assert_eq!(found, None, "{c}");
            }
        }
    }

    #[test]
    fn the_title_expiry_is_judged_against_the_session_whatever_the_day() {
        // Session from Monday 15 to Friday 19 March 2027; checked by 15 September 2026.
        let mut f = facts();
        f.title_expiry = date(2027, 2, 1);
        // Whatever day it is looked at, even long before.
        for today in [date(2026, 6, 1), TODAY, date(2027, 3, 1)] {
            assert_eq!(
                rule(CheckId::TitleExpiryMargin, &f, today),
                Some("title.expiry_within_6_months"),
                "{today}"
            );
        }
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &on(&ids::TITLE_CHECK_EXPIRY),
            &f,
            TODAY,
        )
        .unwrap()
        .message;
        assert!(m.contains("lundi 1ᵉʳ février 2027"), "{m}");
        assert!(m.contains("mardi 15 septembre 2026"), "{m}");
        assert!(
            m.contains("avant le début de la session (lundi 15 mars 2027)"),
            "{m}"
        );
        // Expiring on the first day is not more than six months after D − 6 months.
        f.title_expiry = date(2027, 3, 15);
        assert_eq!(
            rule(CheckId::TitleExpiryMargin, &f, TODAY),
            Some("title.expiry_within_6_months")
        );
        // During the session: said, with what the regulation allows.
        f.title_expiry = date(2027, 3, 17);
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &on(&ids::TITLE_CHECK_EXPIRY),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(m.rule, "title.expires_during_session");
        assert!(m.message.contains("pendant un an"), "{}", m.message);
        // On the last day or after: conform, even once the title has expired.
        f.title_expiry = date(2027, 3, 19);
        assert_eq!(rule(CheckId::TitleExpiryMargin, &f, date(2028, 1, 1)), None);
        // Month ends: D = 31 August 2027, checked by 28 February 2027; a title expiring on
        // 29 August is six months and a day after the check, but before the session.
        f.start = date(2027, 8, 31);
        f.end = date(2027, 8, 31);
        f.title_expiry = date(2027, 8, 29);
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &on(&ids::TITLE_CHECK_EXPIRY),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(m.rule, "title.expiry_within_6_months");
        assert!(
            m.message.contains("dimanche 28 février 2027"),
            "{}",
            m.message
        );
        f.title_expiry = date(2027, 9, 1);
        assert_eq!(rule(CheckId::TitleExpiryMargin, &f, TODAY), None);
    }

    #[test]
    fn ceres_needs_a_number_created_before_the_title_expires() {
        let mut f = facts();
        f.ceres_number = None;
        let found = evaluate(
            CheckId::CeresSession,
            &on(&ids::CERES_CREATE_SESSION),
            &f,
            TODAY,
        )
        .expect("no number");
        assert_eq!(found.rule, "ceres.number_missing");
        assert_eq!(found.milestone, ids::CERES_CREATE_SESSION);
        assert!(found.overridable);
        // Created on Monday 14 December 2026, the title expiring on Friday 1 January 2027:
        // conform before the expiry, on it, and a year after it.
        let mut f = facts();
        f.ceres_created_on = Some(date(2026, 12, 14));
        f.title_expiry = date(2027, 1, 1);
        for today in [TODAY, date(2027, 1, 1), date(2028, 1, 1)] {
            assert_eq!(rule(CheckId::CeresSession, &f, today), None, "{today}");
        }
        // Created on the day of the expiry: too late, whatever the day it is looked at.
        f.ceres_created_on = Some(date(2027, 1, 1));
        let found = evaluate(
            CheckId::CeresSession,
            &on(&ids::CERES_CREATE_SESSION),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(found.rule, "title.expired");
        assert_eq!(
            found.message,
            "La session a été créée dans CERES le vendredi 1ᵉʳ janvier 2027, pas avant l'échéance \
             du titre (vendredi 1ᵉʳ janvier 2027) : toute session doit être créée avant l'échéance \
             (arrêté du 21 juillet 2016, article 1.2)."
        );
        // No date recorded: conform while the title runs (created before today), a failure
        // once it has expired.
        f.ceres_created_on = None;
        assert_eq!(rule(CheckId::CeresSession, &f, date(2026, 12, 31)), None);
        assert_eq!(
            rule(CheckId::CeresSession, &f, date(2027, 1, 1)),
            Some("title.expired")
        );
        assert!(!f.created_in_time(date(2027, 1, 1)));
        f.ceres_created_on = Some(date(2026, 12, 31));
        assert!(f.created_in_time(date(2027, 1, 1)));
    }

    #[test]
    fn a_convocation_proven_after_d_minus_30_is_named_late() {
        // D Monday 15 March 2027: D − 30 is Saturday 13 February 2027.
        let mut f = facts();
        f.candidates[0].convoked_on = Some(date(2027, 2, 13));
        assert_eq!(rule(CheckId::ConvocationsProven, &f, TODAY), None);
        // Handed over at D − 29, Sunday 14 February.
        f.candidates[0].convoked_on = Some(date(2027, 2, 14));
        let found = evaluate(
            CheckId::ConvocationsProven,
            &on(&ids::CONVOCATIONS_SEND),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(found.rule, "convocations.late");
        assert_eq!(
            found.message,
            "1 convocation en retard : DURAND Léa : convocation prouvée le dimanche 14 février 2027, \
             après la limite du samedi 13 février 2027."
        );
        // Unproven and late together: both said, unproven first.
        let mut b = candidate("MARTIN Paul");
        b.convocation = None;
        b.convoked_on = None;
        f.candidates.push(b);
        let found = evaluate(
            CheckId::ConvocationsProven,
            &on(&ids::CONVOCATIONS_SEND),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(found.rule, "convocations.unproven");
        assert!(
            found.message.starts_with(
                "1 candidat sans convocation prouvée : MARTIN Paul : aucun mode de convocation choisi. \
                 1 convocation en retard : DURAND Léa"
            ),
            "{}",
            found.message
        );
    }

    #[test]
    fn the_manager_must_be_appointed_and_declared() {
        let mut f = facts();
        f.manager = None;
        assert_eq!(
            rule(CheckId::ManagerDeclared, &f, TODAY),
            Some("manager.missing")
        );
        f.manager = Some(ManagerFacts {
            name: "Paul".to_owned(),
            declared: false,
        });
        let m = evaluate(
            CheckId::ManagerDeclared,
            &on(&ids::MANAGER_APPOINT),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(m.rule, "manager.not_declared");
        assert!(m.message.contains("DRIEETS"), "{}", m.message);
    }

    #[test]
    fn convocations_name_who_lacks_what_three_at_most() {
        let mut f = facts();
        f.candidates.clear();
        assert_eq!(
            rule(CheckId::CandidatesRegistered, &f, TODAY),
            Some("candidates.none")
        );
        assert_eq!(
            rule(CheckId::ConvocationsProven, &f, TODAY),
            Some("candidates.none")
        );
        for name in ["A", "B", "C", "D", "E"] {
            let mut c = candidate(name);
            c.convocation = None;
            f.candidates.push(c);
        }
        f.candidates[1].convocation = Some(Proof {
            mode: Mode::EmailReceipts,
            send: SendState::Sent,
            sent: true,
            hand_signed: false,
            read: false,
            signed_document: false,
        });
        let found = evaluate(
            CheckId::ConvocationsProven,
            &on(&ids::CERES_CREATE_SESSION),
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(
            found.message,
            "5 candidats sans convocation prouvée : A : aucun mode de convocation choisi ; \
             B : accusé de lecture attendu ; C : aucun mode de convocation choisi ; et 2 autres."
        );
        f.candidates.truncate(4);
        let found = evaluate(
            CheckId::ConvocationsProven,
            &on(&ids::CERES_CREATE_SESSION),
            &f,
            TODAY,
        )
        .unwrap();
        assert!(
            found.message.ends_with("; et 1 autre."),
            "{}",
            found.message
        );
    }

    #[test]
    fn the_welcome_covers_identity_convocation_documents_and_signature() {
        let mut f = facts();
        f.candidates.push(candidate("B"));
        let welcome = |f: &SessionFacts| {
            evaluate(
                CheckId::CandidatesWelcomed,
                &on(&ids::DAY_WELCOME_CANDIDATES),
                f,
                TODAY,
            )
            .map(|x| x.message)
        };
        assert_eq!(
            welcome(&f).unwrap(),
            "2 candidats ni pointés présents ni absents."
        );
        f.candidates[0].presence = Presence::Absent;
        f.candidates[1].presence = Presence::Present;
        f.candidates[1].identity_checked = true;
        f.candidates[1].signed = true;
        assert_eq!(
            welcome(&f).unwrap(),
            "1 candidat présent à l'accueil incomplet : B : convocation non présentée, documents \
             requis non présentés."
        );
        f.candidates[1].convocation_presented = true;
        assert_eq!(
            welcome(&f).unwrap(),
            "1 candidat présent à l'accueil incomplet : B : documents requis non présentés."
        );
        f.candidates[1].documents_presented = true;
        assert_eq!(welcome(&f), None);
        f.candidates[1].signed = false;
        assert!(welcome(&f).unwrap().ends_with("B : pas d'émargement."));
    }

    #[test]
    fn a_checklist_holds_once_every_item_is_dealt_with() {
        let rule = on(&MilestoneId::new("prep.compliance"));
        let mut f = facts();
        let found = evaluate(CheckId::ChecklistTicked, &rule, &f, TODAY).unwrap();
        assert_eq!(found.rule, "checklist.incomplete");
        let n = rule.checklist.len();
        assert!(n > 3);
        assert!(
            found.message.starts_with(&format!(
                "{n} points de la liste non cochés : {} ; ",
                rule.checklist[0]
            )),
            "{}",
            found.message
        );
        assert!(found.message.ends_with(&format!("et {} autres.", n - 3)));
        f.ticked
            .insert(rule.id.clone(), rule.checklist.iter().cloned().collect());
        assert_eq!(evaluate(CheckId::ChecklistTicked, &rule, &f, TODAY), None);
    }

    #[test]
    fn a_new_presentation_is_offered_by_the_centres_letter_after_the_validation() {
        use crate::results::Decision;
        let rules = Rulebook::embedded();
        let r = ids::FOLLOWUP_REPRESENT;
        let mut f = facts();
        f.candidates = vec![candidate("A"), candidate("B"), candidate("C")];
        f.candidates[0].decision = Some(Decision::Obtained);
        f.candidates[1].decision = Some(Decision::Partial);
        f.candidates[2].decision = Some(Decision::AbsentUnjustified);
        assert_eq!(
            milestone(&rules, &r, &f, TODAY).unwrap().rule,
            "represent.not_validated"
        );
        f.validated_on = Some(date(2027, 4, 2));
        let found = milestone(&rules, &r, &f, TODAY).unwrap();
        assert_eq!(found.rule, "represent.not_offered");
        assert_eq!(
            found.message,
            "2 candidats en échec ou en réussite partielle sans le courrier du centre qui \
             propose une nouvelle présentation : B ; C."
        );
        // The one who obtained the title needs no offer.
        f.candidates[1].letter_sent = true;
        f.candidates[2].letter_sent = true;
        assert_eq!(milestone(&rules, &r, &f, TODAY), None);
    }

    #[test]
    fn the_transmission_is_recorded_within_its_delay_or_said_late() {
        let rules = Rulebook::embedded();
        let t = ids::CLOSE_TRANSMIT;
        let mut f = facts();
        f.transmit_deadline = Some(date(2027, 3, 24));
        // Not recorded: no justification can mark it done.
        let found = milestone(&rules, &t, &f, TODAY).unwrap();
        assert_eq!(found.rule, "transmission.not_recorded");
        assert!(!found.overridable);
        f.transmitted_on = Some(date(2027, 3, 24));
        assert_eq!(milestone(&rules, &t, &f, TODAY), None);
        f.transmitted_on = Some(date(2027, 3, 26));
        let found = milestone(&rules, &t, &f, TODAY).unwrap();
        assert_eq!(found.rule, "transmission.late");
        assert_eq!(
            found.message,
            "Documents transmis le vendredi 26 mars 2027, après la limite du mercredi 24 mars \
             2027 (2 jours de retard)."
        );
    }

    #[test]
    fn the_general_minutes_are_joined_once_the_session_is_validated() {
        let rules = Rulebook::embedded();
        let pv = MilestoneId::new("validation.general_minutes");
        let mut f = facts();
        f.validated_on = Some(date(2027, 4, 2));
        let found = milestone(&rules, &pv, &f, TODAY).unwrap();
        assert_eq!(found.rule, "general_minutes.missing");
        f.with_files.insert(pv.clone());
        assert_eq!(milestone(&rules, &pv, &f, TODAY), None);
    }

    #[test]
    fn the_minutes_are_signed_by_every_juror_present() {
        use crate::results::Decision;
        let rules = Rulebook::embedded();
        let sign = MilestoneId::new("close.sign_minutes");
        let mut f = facts();
        f.candidates = vec![candidate("DURAND Léa")];
        assert_eq!(
            milestone(&rules, &sign, &f, TODAY).unwrap().rule,
            "minutes.results_missing"
        );
        f.candidates[0].decision = Some(Decision::Obtained);
        f.jury.noted.clear();
        assert_eq!(
            milestone(&rules, &sign, &f, TODAY).unwrap().rule,
            "minutes.no_juror_present"
        );
        let ids: Vec<String> = f.jury.jurors.iter().map(|j| j.id.clone()).collect();
        for id in &ids {
            f.jury.noted.push((id.clone(), f.start, true));
        }
        let found = milestone(&rules, &sign, &f, TODAY).unwrap();
        assert_eq!(found.rule, "minutes.unsigned");
        assert!(
            found.message.starts_with(&format!("{} juré", ids.len())),
            "{}",
            found.message
        );
        f.minutes_signed = ids.iter().cloned().collect();
        assert_eq!(milestone(&rules, &sign, &f, TODAY), None);
    }

    #[test]
    fn every_candidate_needs_a_result_entered_in_ceres() {
        use crate::results::Decision;
        let rules = Rulebook::embedded();
        let enter = MilestoneId::new("close.enter_results");
        let mut f = facts();
        f.candidates = vec![candidate("DURAND Léa"), candidate("MARTIN Hugo")];
        let found = milestone(&rules, &enter, &f, TODAY).unwrap();
        assert_eq!(found.rule, "results.missing");
        assert_eq!(
            found.message,
            "2 candidats sans résultat : DURAND Léa ; MARTIN Hugo."
        );
        f.candidates[0].decision = Some(Decision::Obtained);
        f.candidates[1].decision = Some(Decision::Partial);
        f.candidates[1].result_in_ceres = true;
        let found = milestone(&rules, &enter, &f, TODAY).unwrap();
        assert_eq!(found.rule, "results.not_in_ceres");
        assert_eq!(
            found.message,
            "1 résultat non saisi dans CERES : DURAND Léa."
        );
        f.candidates[0].result_in_ceres = true;
        assert_eq!(milestone(&rules, &enter, &f, TODAY), None);
    }

    #[test]
    fn the_embedded_rulebook_names_each_check_on_its_milestones() {
        let rules = Rulebook::embedded();
        let named: Vec<(CheckId, &str)> = rules
            .milestones
            .iter()
            .filter_map(|m| Some((m.check.as_ref()?.id?, m.id.as_str())))
            .collect();
        assert_eq!(
            named,
            [
                (CheckId::TitleExpiryMargin, "title.check_expiry"),
                (CheckId::ChecklistTicked, "approval.apply"),
                (CheckId::CeresSession, "ceres.create_session"),
                (CheckId::DteOrdered, "dte.order"),
                (CheckId::ManagerDeclared, "manager.appoint"),
                (CheckId::CandidatesRegistered, "candidates.register"),
                (CheckId::JuryAppointed, "jury.appoint"),
                (CheckId::ConvocationsProven, "convocations.send"),
                (CheckId::DteReceived, "dte.receive"),
                (CheckId::DteChased, "dte.chase_afpa"),
                (CheckId::OrganiserOpened, "prep.open_organiser_envelope"),
                (CheckId::ChecklistTicked, "prep.compliance"),
                (CheckId::ChecklistTicked, "day.final_checks"),
                (CheckId::ChecklistTicked, "day.trainers_absent"),
                (CheckId::JuryWelcomed, "day.welcome_jury"),
                (CheckId::CandidatesWelcomed, "day.welcome_candidates"),
                (CheckId::JuryDeclarations, "launch.jury_declarations"),
                (CheckId::SubjectsOpened, "launch.open_subjects"),
                (CheckId::ChecklistTicked, "launch.briefing_candidates"),
                (CheckId::EpreuvesStarted, "launch.start"),
                (CheckId::UnusedDestroyed, "launch.destroy_unused"),
                (CheckId::SubjectsDestroyed, "close.destroy_subjects"),
                (CheckId::ResultsEntered, "close.enter_results"),
                (CheckId::MinutesSigned, "close.sign_minutes"),
                (CheckId::ArchiveComplete, "close.archive"),
                (CheckId::TransmissionRecorded, "close.transmit"),
                (CheckId::ValidationRecorded, "validation.decision"),
                (
                    CheckId::GeneralMinutesReceived,
                    "validation.general_minutes"
                ),
                (CheckId::DocumentsLaunched, "validation.send_documents"),
                (CheckId::RepresentOffered, "followup.represent"),
            ]
        );
        let mut f = facts();
        f.ceres_number = None;
        let found = milestone(&rules, &ids::CERES_CREATE_SESSION, &f, TODAY).unwrap();
        assert_eq!(found.rule, "ceres.number_missing");
        assert_eq!(milestone(&rules, &ids::DTE_RECEIVE, &f, TODAY), None);
    }

    #[test]
    fn check_names_round_trip() {
        for c in CheckId::ALL {
            assert_eq!(CheckId::parse(c.as_str()), Some(c));
        }
        assert_eq!(CheckId::parse("ceres"), None);
    }
}
