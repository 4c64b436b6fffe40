//! A session's conformity file: every document Jalon produces for it and every scan it keeps,
//! its journal with the hash chain, and the manifest of SHA-256 (`jalon_docs::archive`) —
//! what an inspector takes away and verifies on their own machine
//! (`jalon verify-archive`). Built for the page, the API and the command line.

use std::collections::BTreeMap;
use std::sync::Arc;

use jalon_core::fr;
use jalon_docs::pdf::{Kind, Renderer};
use jalon_store::{SessionHandle, Store, StoreError};

use crate::documents;

/// The archive's file name: « dossier-conformite-macon-2026-12-02.zip ».
pub fn file_name(session: &SessionHandle<'_>) -> String {
    let s = session.session();
    let slug: String = jalon_docs::pdf::file_stem(&s.title_name);
    format!("dossier-conformite-{slug}-{}.zip", s.start)
}

async fn render(
    renderer: &Arc<Renderer>,
    kind: Kind,
    data: jalon_docs::pdf::SessionDocument,
) -> Result<Vec<u8>, StoreError> {
    documents::render(renderer.clone(), kind, data)
        .await
        .map_err(|e| StoreError::invalid("document", e.0))
}

/// The conformity file of a session as an HTTP answer to download (the page's and the API's).
pub async fn download(
    store: &Store,
    renderer: Arc<Renderer>,
    session: &SessionHandle<'_>,
) -> Result<axum::response::Response, StoreError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use axum::response::IntoResponse;
    let bytes = session_archive(store, renderer, session).await?;
    let name = file_name(session);
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The conformity file of a session, as the bytes of a ZIP.
pub async fn session_archive(
    store: &Store,
    renderer: Arc<Renderer>,
    session: &SessionHandle<'_>,
) -> Result<Vec<u8>, StoreError> {
    let s = session.session();
    let base = documents::session_document(store, session, None).await?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if !base.candidates.is_empty() {
        for (kind, name) in [
            (Kind::Convocation, "documents/convocations.pdf"),
            (Kind::Posting, "documents/affichage.pdf"),
            (Kind::SignIn, "documents/emargement.pdf"),
        ] {
            files.push((
                name.to_owned(),
                render(&renderer, kind, base.clone()).await?,
            ));
        }
    }
    if !base.jury.is_empty() {
        files.push((
            "documents/convocations-jury.pdf".to_owned(),
            render(&renderer, Kind::JurorConvocation, base.clone()).await?,
        ));
    }
    let dte = store.dte(session).await?;
    for day in jalon_core::calendar::days_from(s.start, s.end) {
        if let Some(records) = crate::ui::custody::opening_record(&dte, day) {
            let mut d = base.clone();
            d.custody = Some(records);
            files.push((
                format!("documents/attestation-ouverture-{day}.pdf"),
                render(&renderer, Kind::OpeningAttestation, d).await?,
            ));
        }
    }
    if let Some(records) = crate::ui::custody::destruction_records(store, session).await? {
        let mut d = base.clone();
        d.custody = Some(records);
        files.push((
            "documents/pv-destruction.pdf".to_owned(),
            render(&renderer, Kind::DestructionRecord, d).await?,
        ));
    }
    for (n, i) in store.incidents(session).await?.iter().enumerate() {
        let mut d = base.clone();
        d.custody = Some(crate::ui::custody::incident_record(i));
        files.push((
            format!("documents/pv-incident-{}-{}.pdf", i.input.day, n + 1),
            render(&renderer, Kind::IncidentReport, d).await?,
        ));
    }
    if store.minutes(session).await?.ready {
        let d = documents::minutes_document(store, session, None).await?;
        files.push((
            "documents/pv-session.pdf".to_owned(),
            render(&renderer, Kind::Minutes, d.clone()).await?,
        ));
        files.push((
            "documents/releves-resultats.pdf".to_owned(),
            render(&renderer, Kind::ResultSheet, d).await?,
        ));
    }
    // What the centre joined: the milestones' evidence, the signed convocations, the
    // minutes signed on paper, the photos of the packets' seals.
    for f in store.milestone_files(session).await? {
        let (name, _, bytes) = store.milestone_file(session, &f.id).await?;
        files.push((format!("pieces/jalons/{}-{name}", f.milestone), bytes));
    }
    let candidates = store.candidates(session).await?;
    for c in &candidates {
        if let Ok((name, _, bytes)) = store.signed_document(session, &c.id).await {
            let who = jalon_docs::pdf::file_stem(&c.input.short_name());
            files.push((format!("pieces/convocations/{who}-{name}"), bytes));
        }
    }
    if let Some((name, _, bytes)) = store.minutes_scan(session).await? {
        files.push((format!("pieces/pv-signe-{name}"), bytes));
    }
    for p in dte.packets.iter().filter(|p| p.has_photo) {
        if let Some((bytes, kind)) = store.packet_photo(session, &p.id).await? {
            let ext = match kind.as_str() {
                "image/png" => "png",
                "image/webp" => "webp",
                "image/heic" => "heic",
                _ => "jpg",
            };
            let label = jalon_docs::pdf::file_stem(&p.label);
            files.push((format!("pieces/plis/{label}.{ext}"), bytes));
        }
    }
    // The secure archive: each piece kept, produced by Jalon once signed or scanned.
    for p in store.archive_pieces(session).await? {
        let (name, _, bytes) = store.archive_piece(session, &p.id).await?;
        let name = name.replace(['/', '\\'], "-");
        files.push((
            format!("archive/{}/{}-{name}", p.kind.slug(), &p.sha256[..8]),
            bytes,
        ));
    }
    let journal = store.journal_extract(session).await?;
    let mut about = BTreeMap::new();
    about.insert("titre".to_owned(), s.title_name.clone());
    about.insert("dates".to_owned(), fr::date_range(s.start, s.end));
    about.insert("centre".to_owned(), base.centre.name.clone());
    about.insert("session".to_owned(), s.id.to_string());
    about.insert(
        "ceres".to_owned(),
        s.ceres_number.clone().unwrap_or_default(),
    );
    about.insert("agrement".to_owned(), base.approval.clone());
    about.insert("site".to_owned(), base.site.name.clone());
    if let Some(t) = &s.transmission {
        about.insert(
            "transmission".to_owned(),
            jalon_core::transmit::describe_act(t.sent_on, t.channel, &t.reference),
        );
    }
    let made_at = jiff::Timestamp::now().to_string();
    let sign = |bytes: &[u8]| store.sign_bytes(bytes).unwrap_or_default();
    let signer: Option<jalon_docs::archive::Signer<'_>> = match store.journal_public_key() {
        Some(_) => Some(&sign),
        None => None,
    };
    jalon_docs::archive::build(files, &journal, about, made_at, signer)
        .map_err(|e| StoreError::invalid("archive", e.0))
}

/// The document Jalon archives for a kind, typeset from what the store holds: the minutes
/// with the jurors' signatures, the signed sign-in, the jurors' sworn statements. Its name
/// and bytes.
pub async fn produce(
    store: &Store,
    renderer: &Arc<Renderer>,
    session: &SessionHandle<'_>,
    kind: jalon_core::archiving::ArchiveKind,
) -> Result<(String, Vec<u8>), StoreError> {
    use jalon_core::archiving::ArchiveKind;
    // Refused before typesetting while a signature is missing (the grids, always).
    store.archive_producible(session, kind).await?;
    match kind {
        ArchiveKind::Minutes => {
            let d = documents::minutes_document(store, session, None).await?;
            Ok((
                "pv-session-signe.pdf".to_owned(),
                render(renderer, Kind::Minutes, d).await?,
            ))
        }
        ArchiveKind::SignIn | ArchiveKind::Statements => {
            typeset_signed(store, renderer, session, kind).await
        }
        ArchiveKind::Grids => Err(StoreError::invalid(
            "kind",
            "les grilles d'évaluation sont remplies sur papier : joignez-en le scan",
        )),
    }
}

/// The signed sign-in (`SignIn`) or the jurors' statements (`Statements`) as they stand.
pub async fn typeset_signed(
    store: &Store,
    renderer: &Arc<Renderer>,
    session: &SessionHandle<'_>,
    kind: jalon_core::archiving::ArchiveKind,
) -> Result<(String, Vec<u8>), StoreError> {
    use jalon_core::archiving::ArchiveKind;
    let d = documents::signed_document(store, session).await?;
    let (pdf, name) = match kind {
        ArchiveKind::Statements => {
            if d.signed.as_ref().is_none_or(|s| s.statements.is_empty()) {
                return Err(StoreError::invalid(
                    "kind",
                    "aucun juré n'est pointé présent : il n'y a pas de déclaration à éditer",
                ));
            }
            (Kind::JurorStatements, "declarations-jury.pdf")
        }
        _ => (Kind::SignedSignIn, "emargement-signe.pdf"),
    };
    Ok((name.to_owned(), render(renderer, pdf, d).await?))
}
