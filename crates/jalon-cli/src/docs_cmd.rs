//! `jalon docs`: a session's PDF documents, written to a file or, for convocations, one file
//! per candidate in a directory (with a progress bar).

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use jalon_docs::pdf::{self, Kind, Renderer};
use jalon_store::{Actor, StoreError};

use crate::Failure;
use crate::args::{DocsArgs, DocsCommand, SampleArgs};

pub fn run(c: DocsCommand) -> Result<(), Failure> {
    match c {
        DocsCommand::Convocations(a) => session(Kind::Convocation, a),
        DocsCommand::Affichage(a) => session(Kind::Posting, a),
        DocsCommand::Emargement(a) => session(Kind::SignIn, a),
        DocsCommand::Exemple(a) => sample(a),
    }
}

fn renderer(templates: Option<&Path>) -> Result<Renderer, Failure> {
    Renderer::new(templates).map_err(|e| Failure::usage(format!("--templates : {e}")))
}

fn is_pdf(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

fn session(kind: Kind, a: DocsArgs) -> Result<(), Failure> {
    let renderer = renderer(a.templates.as_deref())?;
    let split = kind == Kind::Convocation && !is_pdf(&a.out);
    if !split && !is_pdf(&a.out) {
        return Err(Failure::usage(format!(
            "--out : « {} » doit être un fichier .pdf",
            a.out.display()
        )));
    }
    if a.candidate.is_some() && kind != Kind::Convocation {
        return Err(Failure::usage(
            "--candidate ne vaut que pour « jalon docs convocations »",
        ));
    }
    let data = crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let session_id = jalon_store::SessionId::from(a.session.as_str());
        let centre = store
            .centre_of_session(&session_id)
            .await
            .map_err(|e| crate::db::unknown_session(&a.session, e))?;
        let actor = Actor::command_line(centre);
        let session = store.open_session(&actor, &session_id).await?;
        let only = a.candidate.as_deref().map(jalon_store::CandidateId::from);
        jalon_web::documents::session_document(&store, &session, only.as_ref())
            .await
            .map_err(|e| match &a.candidate {
                Some(c) => unknown_candidate(c, e),
                None => e.into(),
            })
    })?;
    if kind == Kind::Convocation && data.candidates.is_empty() {
        return Err(Failure::runtime(
            "aucun candidat n'est inscrit à cette session : il n'y a pas de convocation à produire",
        ));
    }
    if split {
        let bar = progress(data.candidates.len());
        let files = renderer
            .render_each(&data, |done| bar.set_position(done as u64))
            .map_err(|e| Failure::runtime(e.to_string()))?;
        bar.finish_and_clear();
        std::fs::create_dir_all(&a.out).map_err(|e| {
            Failure::runtime(format!(
                "dossier « {} » impossible à créer : {e}",
                a.out.display()
            ))
        })?;
        let named: Vec<(String, Vec<u8>)> = data
            .candidates
            .iter()
            .zip(files)
            .map(|(c, bytes)| (pdf::file_name("convocation", c), bytes))
            .collect();
        let mut written = Vec::new();
        for (name, bytes) in pdf::unique_names(named) {
            let path = a.out.join(&name);
            write(&path, &bytes)?;
            written.push(path);
        }
        println!(
            "{} convocation{} écrite{} dans « {} »",
            written.len(),
            plural(written.len()),
            plural(written.len()),
            a.out.display()
        );
    } else {
        let spinner = ProgressBar::new_spinner()
            .with_message(format!("Composition : {}…", kind.label().to_lowercase()));
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        let bytes = renderer
            .render(kind, &data)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        spinner.finish_and_clear();
        write(&a.out, &bytes)?;
        let what = match kind {
            Kind::Convocation => format!(
                "{} convocation{}",
                data.candidates.len(),
                plural(data.candidates.len())
            ),
            Kind::Posting => "affichage".to_owned(),
            Kind::SignIn => format!(
                "{} feuille{} d'émargement",
                sheets(&data),
                plural(sheets(&data))
            ),
            other => other.label().to_lowercase(),
        };
        println!("{what} : « {} »", a.out.display());
    }
    Ok(())
}

fn sheets(data: &pdf::SessionDocument) -> usize {
    data.schedule.iter().map(|d| d.slots.len()).sum()
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

fn progress(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta} restantes)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("Convocations");
    bar
}

/// Written whole or not at all: a temporary file renamed into place.
fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::runtime(format!(
            "écriture de « {} » impossible : {e}",
            path.display()
        ))
    };
    let mut tmp: PathBuf = path.to_path_buf();
    tmp.set_extension("pdf.partiel");
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

fn unknown_candidate(id: &str, e: StoreError) -> Failure {
    match e {
        StoreError::NotFound { .. } => Failure::usage(format!(
            "--candidate : aucun candidat « {id} » dans cette session"
        )),
        other => other.into(),
    }
}

fn sample(a: SampleArgs) -> Result<(), Failure> {
    let renderer = renderer(a.templates.as_deref())?;
    std::fs::create_dir_all(&a.out).map_err(|e| {
        Failure::runtime(format!(
            "dossier « {} » impossible à créer : {e}",
            a.out.display()
        ))
    })?;
    let mut data = pdf::sample(12);
    data.absence = Some(pdf::Absence {
        day: "lundi 14 décembre 2026".to_owned(),
        present: vec!["Sophie MARTY".to_owned()],
        absent: vec!["Marc LEROY".to_owned()],
        short: data
            .candidates
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "{} {} — Entretien final : 1 seul juré présent (Sophie MARTY)",
                    c.last_name, c.first_names
                )
            })
            .collect(),
    });
    for (kind, name) in [
        (Kind::Convocation, "convocations.pdf"),
        (Kind::Posting, "affichage.pdf"),
        (Kind::SignIn, "emargement.pdf"),
        (Kind::JurorConvocation, "convocations-jury.pdf"),
        (Kind::EmployerLetter, "demandes-employeur.pdf"),
        (Kind::AbsenceReport, "rapport-absence-jury.pdf"),
        (Kind::OpeningAttestation, "attestation-ouverture.pdf"),
        (Kind::DestructionRecord, "pv-destruction.pdf"),
        (Kind::IncidentReport, "pv-incident.pdf"),
        (Kind::Minutes, "pv-session.pdf"),
        (Kind::SignedSignIn, "emargement-signe.pdf"),
        (Kind::JurorStatements, "declarations-jury.pdf"),
        (Kind::ResultSheet, "releves-resultats.pdf"),
        (Kind::ResultLetter, "courrier-resultat.pdf"),
    ] {
        let bytes = renderer
            .render(kind, &data)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        write(&a.out.join(name), &bytes)?;
    }
    println!(
        "Documents d'exemple écrits dans « {} » : convocations.pdf, affichage.pdf, emargement.pdf, convocations-jury.pdf, demandes-employeur.pdf, rapport-absence-jury.pdf, attestation-ouverture.pdf, pv-destruction.pdf, pv-incident.pdf, pv-session.pdf, releves-resultats.pdf, courrier-resultat.pdf",
        a.out.display()
    );
    Ok(())
}

/// `jalon export session ID --out FILE.zip`: the conformity file of a session.
pub fn export_session(a: crate::args::ExportSessionArgs) -> Result<(), Failure> {
    let (bytes, files) = crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let id = jalon_store::SessionId::from(a.session.as_str());
        let centre = store
            .centre_of_session(&id)
            .await
            .map_err(|e| crate::db::unknown_session(&a.session, e))?;
        let actor = jalon_store::Actor::command_line(centre);
        let session = store.open_session(&actor, &id).await?;
        let renderer = std::sync::Arc::new(Renderer::embedded());
        let bytes = jalon_web::archive::session_archive(&store, renderer, &session).await?;
        let files = jalon_docs::archive::verify(&bytes, None).intact;
        Ok::<_, Failure>((bytes, files))
    })?;
    write(&a.out, &bytes)?;
    println!(
        "Dossier de conformité écrit dans « {} » : {files} fichiers et leur manifeste SHA-256 ; \
         vérifiez-le avec « jalon verify-archive {} ».",
        a.out.display(),
        a.out.display()
    );
    Ok(())
}

/// `jalon verify-archive FILE.zip`: offline, without the database.
pub fn verify_archive(a: crate::args::VerifyArchiveArgs) -> Result<(), Failure> {
    let bytes = std::fs::read(&a.file)
        .map_err(|e| Failure::usage(format!("« {} » illisible : {e}", a.file.display())))?;
    let expected = a
        .public_key
        .as_deref()
        .map(jalon_core::journal_chain::PublicKey::from_hex)
        .transpose()
        .map_err(|e| Failure::usage(format!("--public-key : {e}")))?;
    let report = jalon_docs::archive::verify(&bytes, expected.as_ref());
    if let (Some(t), Some(d)) = (report.session.get("titre"), report.session.get("dates")) {
        println!("Dossier de conformité : {t}, {d}");
    }
    if report.ok() {
        println!(
            "Intact : {} fichiers conformes à leur empreinte SHA-256, {} entrées du journal chaînées.",
            report.intact, report.journal_entries
        );
        match (&report.signed_by, &expected) {
            (Some(f), Some(_)) => println!("Signé par la clé donnée (empreinte {f})."),
            (Some(f), None) => println!(
                "Signé par la clé d'empreinte {f} : comparez-la à celle que le centre vous a donnée (ou vérifiez avec --public-key)."
            ),
            (None, _) => println!("Ce dossier n'est pas signé."),
        }
        return Ok(());
    }
    for p in &report.problems {
        println!("  ✗ {p}");
    }
    Err(Failure {
        code: 1,
        message: format!(
            "le dossier n'est pas intact : {} problème(s)",
            report.problems.len()
        ),
    })
}
