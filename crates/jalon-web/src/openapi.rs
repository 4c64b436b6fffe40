//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. A test checks
//! that it lists exactly the routes the server has.

use serde_json::{Value, json};

/// The schemas of every body the API sends or reads, derived from the types themselves (and
/// what they refer to), so that they cannot drift apart.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(
    crate::error::ErrorBody,
    crate::api::Me,
    crate::api::UserInput,
    crate::api::dto::SiteBody,
    jalon_core::catalog::CentreSettings,
    crate::api::dto::TitleBody,
    crate::api::dto::ApprovalBody,
    crate::api::dto::SessionBody,
    crate::api::dto::UserUpdateBody,
    crate::api::dto::SlotBody,
    jalon_store::catalog::Site,
    jalon_store::catalog::Title,
    jalon_store::catalog::Approval,
    jalon_store::users::User,
    jalon_store::accounts::Invitation,
    jalon_store::sessions::SessionDetail,
    jalon_store::sessions::SessionMilestone,
    jalon_store::sessions::ChecklistItem,
    jalon_store::sessions::MilestoneFile,
    jalon_store::journal::JournalEntry,
    jalon_store::candidates::Candidate,
    jalon_core::candidate::CandidateInput,
    jalon_store::convocations::Convocation,
    jalon_store::conformity::SessionConformity,
    jalon_store::schedule::SessionSchedule,
    jalon_store::attendance::Attendance,
    jalon_store::attendance::AttendanceInput,
    jalon_store::jurors::Juror,
    jalon_core::jury::JurorInput,
    jalon_core::jury::Seat,
    jalon_store::jury::SessionJury,
    jalon_store::jury::LinkInput,
    jalon_store::custody::Dte,
    jalon_store::custody::DteOrder,
    jalon_store::custody::ReceptionInput,
    jalon_store::custody::MoveInput,
    jalon_store::custody::Packet,
    jalon_store::custody::Incident,
    jalon_store::sessions::ComplementsAnswer,
    jalon_store::represent::Eligible,
    jalon_store::results::ResultsSheet,
    jalon_store::results::ResultRow,
    jalon_store::results::PassageView,
    jalon_store::results::CandidateResult,
    jalon_core::results::ResultInput,
    jalon_core::launch::IncidentInput,
    jalon_store::launch::LaunchDay,
    jalon_store::launch::Launch,
    jalon_store::launch::LaunchRecord,
    jalon_core::checks::Finding,
    jalon_core::transmit::TransmissionInput,
    jalon_store::sessions::Transmission,
    jalon_store::closing::ArchiveKindState,
    jalon_store::closing::ArchivePiece,
)))]
struct Schemas;

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn err(description: &str) -> Value {
    ok(description, r("Error"))
}

fn list(schema: Value) -> Value {
    json!({"type": "array", "items": schema})
}

/// Standard error answers for an operation.
fn errors(write: bool) -> Value {
    let mut e = json!({
        "401": err("Non connecté."),
        "404": err("Introuvable dans le centre de l'utilisateur."),
    });
    if write {
        e["403"] = err(
            "Rôle insuffisant (un inspecteur ne modifie rien ; les titres, agréments, sites et utilisateurs sont réservés aux administrateurs).",
        );
        e["409"] = err(
            "Version périmée : quelqu'un d'autre a modifié l'objet ; rechargez puis recommencez.",
        );
        e["422"] = err(
            "Données invalides (champ par champ) ou règle non respectée (dérogeable avec override_justification).",
        );
    }
    e
}

fn op(summary: &str, request: Option<Value>, status: &str, response: Value, write: bool) -> Value {
    let mut responses = errors(write);
    responses[status] = response;
    let mut o = json!({"summary": summary, "responses": responses});
    if let Some(b) = request {
        o["requestBody"] = body(b);
    }
    o
}

fn id_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn with_params(mut path_item: Value, params: &[&str]) -> Value {
    path_item["parameters"] = Value::Array(params.iter().map(|p| id_param(p)).collect());
    path_item
}

fn versioned(name: &str) -> Value {
    json!({"allOf": [r(name), {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]})
}

pub fn document() -> Value {
    let date = json!({"type": "string", "format": "date", "example": "2027-03-15"});
    let binary_content = json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}},
        "application/zip": {"schema": {"type": "string", "format": "binary"}}});
    let slot_input = json!({"type": "object", "required": ["date", "start"], "properties": {
        "date": {"type": "string", "example": "2027-03-15", "description": "AAAA-MM-JJ ou JJ/MM/AAAA, dans les dates de la session."},
        "start": {"type": "string", "example": "8:30", "description": "8:30, 08h30 ou 8 h 30."}}});
    let opt_date = json!({"type": ["string", "null"], "format": "date"});
    let opt_str = json!({"type": ["string", "null"]});
    let personal_data = json!({"type": "object", "required": ["kind", "exported_at", "journal", "documents"],
        "properties": {"kind": {"type": "string", "enum": ["candidate", "juror"]}, "exported_at": {"type": "string"},
            "journal": {"type": "array", "items": r("JournalEntry")},
            "documents": {"type": "array", "items": {"type": "object", "required": ["name", "media_type", "size", "base64"],
                "properties": {"name": {"type": "string"}, "media_type": {"type": "string"}, "size": {"type": "integer"}, "base64": {"type": "string"}}}}}});
    // Checklists item by item, and the validation's other outcome.
    // The timetable and the presence at each épreuve; the jurors.
    let timetable_paths = json!({
        "/api/v1/jurors": {
            "get": op("Les jurés du centre, avec leurs habilitations et leurs permis.", None, "200", ok("Jurés.", list(r("Juror"))), false),
            "post": op("Enregistrer un juré (responsables et administrateurs) : une habilitation nomme un titre du centre et ne va pas au-delà de son échéance ; toutes les erreurs ensemble.",
                Some(r("JurorInput")), "201", ok("Enregistré.", r("Juror")), true)},
        "/api/v1/jurors/{id}": with_params(json!({
            "get": op("Un juré du centre.", None, "200", ok("Juré.", r("Juror")), false),
            "put": op("Corriger un juré, avec la version lue.",
                Some(json!({"allOf": [r("JurorInput"), {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]})),
                "200", ok("Corrigé.", r("Juror")), true)}), &["id"]),
        "/api/v1/sessions/{id}/packets": with_params(json!({
            "get": op("Les DTE de la session : la commande, la réception (quand, par qui, le lieu fermé à clé, les détenteurs de la clé), les relances de l'AFPA (et le jour conseillé, J−14, et la boîte à écrire), chaque pli et sa garde.", None, "200", ok("DTE.", r("Dte")), false),
            "post": op("Enregistrer la réception des DTE avec la version lue : chaque pli (pli réservé à l'organisateur, pli sujets d'une épreuve, autre ; libellé ; scellés intacts). Tout ou rien.",
                Some(versioned("ReceptionInput")), "201", ok("Enregistrée.", r("Dte")), true)}), &["id"]),
        "/api/v1/sessions/{id}/packets/{packet}/store": with_params(json!({
            "post": op("Ranger un pli sous clé (place : le lieu), avec la version du pli.", Some(r("MoveInput")), "200", ok("Rangé.", r("Packet")), true)}), &["id", "packet"]),
        "/api/v1/sessions/{id}/packets/{packet}/open": with_params(json!({
            "post": op("Ouvrir un pli (témoins, devant qui) : refus 422 sous packet.already_opened, packet.destroyed, packet.returned, packet.too_early (le pli de l'organisateur avant J−5, un pli sujets avant le jour de son épreuve), packet.not_its_day.", Some(r("MoveInput")), "200", ok("Ouvert.", r("Packet")), true)}), &["id", "packet"]),
        "/api/v1/sessions/{id}/packets/{packet}/destroy": with_params(json!({
            "post": op("Détruire un pli (témoin, comment) ; non ouvert, seulement avec un motif écrit (packet.destroy_unopened).", Some(r("MoveInput")), "200", ok("Détruit.", r("Packet")), true)}), &["id", "packet"]),
        "/api/v1/sessions/{id}/packets/{packet}/return": with_params(json!({
            "post": op("Retourner un pli non ouvert (place : à qui ; reason : pourquoi).", Some(r("MoveInput")), "200", ok("Retourné.", r("Packet")), true)}), &["id", "packet"]),
        "/api/v1/sessions/{id}/dte/order": with_params(json!({
            "put": op("Enregistrer la commande des DTE (date, référence, qui) avec la version lue.", Some(versioned("DteOrder")), "200", ok("Enregistrée.", r("Dte")), true)}), &["id"]),
        "/api/v1/sessions/{id}/validation": with_params(json!({
            "post": op("Enregistrer l'issue de la validation par le service départemental, avec la version lue de la session : outcome = validated (on : le jour de la validation ; refusée avant la transmission, avant la fin de la session, dans le futur ou une seconde fois — elle seule lève l'embargo sur les résultats), complements (on, request, due : ce qui est demandé et pour quand) ou answer (on, answer : ce que le centre a envoyé).",
                Some(json!({"type": "object", "required": ["outcome", "version", "on"], "properties": {
                    "outcome": {"type": "string", "enum": ["validated", "complements", "answer"]},
                    "version": {"type": "integer"},
                    "on": {"type": "string", "format": "date"},
                    "request": {"type": "string"},
                    "due": {"type": "string", "format": "date"},
                    "answer": {"type": "string"}}})),
                "200", ok("Enregistrée.", r("SessionDetail")), true)}), &["id"]),
        "/api/v1/sessions/{id}/transmission": with_params(json!({
            "post": op("Enregistrer la transmission des documents au service départemental, avec la version lue de la session : sent_on (le jour, après la dernière épreuve et pas dans le futur), channel (transfer_link, registered_post, email, hand_delivery, other), reference (le lien, le numéro du recommandé, l'adresse… ; requise sauf en main propre), contents (ce qui a été transmis). Une seule fois ; elle marque le jalon close.transmit fait (en retard si elle passe le délai : 48 h pour un titre de transport, 5 jours sinon, ou le délai du titre).",
                Some(versioned("TransmissionInput")), "200", ok("Enregistrée.", r("SessionDetail")), true)}), &["id"]),
        "/api/v1/sessions/{id}/archive": with_params(json!({
            "get": op("L'archive sécurisée de la session, type par type (minutes, grids, sign_in, statements) : les pièces gardées avec leur SHA-256, et pourquoi Jalon ne peut pas encore produire le document (not_producible).", None, "200", ok("Archive.", list(r("ArchiveKindState"))), false)}), &["id"]),
        "/api/v1/sessions/{id}/archive/{kind}": with_params(json!({
            "post": {"summary": "Archiver le scan du papier pour un type de pièce (minutes, grids, sign_in, statements) : PDF ou image, vérifié par son contenu (10 Mio au plus) ; son nom dans l'en-tête X-File-Name ; son SHA-256 va au journal.",
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"201": ok("Archivé.", r("ArchivePiece")), "401": err("Non connecté."), "403": err("Rôle insuffisant."),
                    "404": err("Session ou type de pièce introuvable dans le centre de l'utilisateur."), "422": err("Fichier refusé (type ou taille), en français.")}}}), &["id", "kind"]),
        "/api/v1/sessions/{id}/archive/{kind}/produce": with_params(json!({
            "post": op("Archiver le document que Jalon produit pour un type de pièce (minutes : le PV signé de chaque juré présent ; sign_in : l'émargement signé sur la tablette ; statements : les déclarations sur l'honneur signées) ; refus 422 tant qu'une signature manque (elle est nommée), et pour grids (toujours un scan).", None, "201", ok("Archivé.", r("ArchivePiece")), true)}), &["id", "kind"]),
        "/api/v1/sessions/{id}/archive/pieces/{piece}": with_params(json!({
            "get": {"summary": "Le contenu d'une pièce archivée.", "responses": {"200": {"description": "La pièce.", "content": binary_content.clone()},
                "401": err("Non connecté."), "404": err("Pièce introuvable dans le centre de l'utilisateur.")}}}), &["id", "piece"]),
        "/api/v1/sessions/{id}/export.zip": with_params(json!({
            "get": op("Le dossier de conformité de la session (ZIP) : chaque document produit et chaque pièce jointe, le journal de la session avec son chaînage (journal.jsonl), le manifeste de leurs empreintes SHA-256 (manifest.json). « jalon verify-archive » le vérifie hors ligne.", None, "200", json!({"description": "Archive ZIP.", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}), false)}), &["id"]),
        "/api/v1/represent": {
            "get": op("Les candidats du centre qui peuvent être présentés de nouveau (échec, réussite partielle ou absence à une session validée) : la date limite (12 mois après la fin de formation, ou la règle du référentiel du titre) et ce qui reste.", None, "200", ok("Candidats.", list(r("Eligible"))), false)},
        "/api/v1/sessions/{id}/candidates/represent": with_params(json!({
            "post": op("Présenter de nouveau, à cette session, un candidat d'une session antérieure du même titre (from_session, candidate) : inscrit avec ce qu'on sait de lui, relié à sa première présentation. Refus 422 sous represent.limit_reached, represent.too_late, represent.rule_unknown, represent.training_end_unknown ou represent.not_eligible.",
                Some(json!({"type": "object", "required": ["from_session", "candidate"], "properties": {
                    "from_session": {"type": "string"}, "candidate": {"type": "string"}}})),
                "201", ok("Inscrit.", r("Candidate")), true)}), &["id"]),
        "/api/v1/sessions/{id}/results": with_params(json!({
            "get": op("Les résultats de la session : les CCP évalués, et pour chaque candidat ses épreuves (dernier jour de passage, présence notée à l'émargement) et son résultat une fois enregistré. Visibles du centre et de l'inspecteur ; jamais d'un candidat avant la validation.", None, "200", ok("Résultats.", r("ResultsSheet")), false)}), &["id"]),
        "/api/v1/sessions/{id}/results/{candidate}": with_params(json!({
            "get": op("Le résultat d'un candidat et ses épreuves.", None, "200", ok("Résultat.", r("ResultRow")), false),
            "put": op("Enregistrer ou corriger le résultat d'un candidat avec la version lue (0 pour un premier) : chaque épreuve (done, absent), chaque CCP (acquired, not_acquired), la décision (obtained, partial, not_obtained, absent_justified, absent_unjustified), ceres_entered_on, dp_handed. Refus 422 sous results.incomplete_passage tant que le passage n'est pas complet, entretien final compris (ce qui manque est nommé), ou results.inconsistent ; 409 pour une version périmée.",
                Some(json!({"allOf": [r("ResultInput"), {"type": "object", "required": ["version"], "properties": {
                    "version": {"type": "integer"},
                    "ceres_entered_on": {"type": "string", "format": "date"},
                    "dp_handed": {"type": "boolean"}}}]})),
                "200", ok("Enregistré.", r("CandidateResult")), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/dte/chases": with_params(json!({
            "post": op("Enregistrer une relance de l'AFPA (« relancé le … »).",
                Some(json!({"type": "object", "required": ["on", "by"], "properties": {"on": {"type": "string", "format": "date"}, "by": {"type": "string"}}})),
                "201", ok("Enregistrée.", r("Dte")), true)}), &["id"]),
        "/api/v1/sessions/{id}/launch/{day}": with_params(json!({
            "get": op("Le lancement d'un jour (AAAA-MM-JJ) : le responsable de session présent, et pour chaque épreuve du jour ses heures prévues et officielles (et l'écart), les retards admis, les sujets non utilisés détruits.", None, "200", ok("Lancement.", r("LaunchDay")), false),
            "post": op("Enregistrer, pour une épreuve du jour (champ epreuve), son début (what = start, at), sa fin (end), un candidat admis en retard (late : candidate, arrived) ou la destruction des sujets non utilisés (destroy_unused : count, witness). Refus 422 launch.no_manager sans responsable présent ce jour-là.",
                Some(json!({"allOf": [r("LaunchRecord"), {"type": "object", "required": ["epreuve"], "properties": {"epreuve": {"type": "string"}}}]})),
                "200", ok("Enregistré.", r("LaunchDay")), true)}), &["id", "day"]),
        "/api/v1/sessions/{id}/launch/{day}/manager": with_params(json!({
            "put": op("Enregistrer le responsable de session présent ce jour-là (le jour même ou après).",
                Some(json!({"type": "object", "required": ["manager"], "properties": {"manager": {"type": "string"}}})),
                "200", ok("Enregistré.", r("LaunchDay")), true)}), &["id", "day"]),
        "/api/v1/sessions/{id}/incidents": with_params(json!({
            "get": op("Les incidents de la session, dans l'ordre où ils sont survenus.", None, "200", ok("Incidents.", list(r("Incident"))), false),
            "post": op("Consigner un incident (retard, fraude suspectée, malaise, matériel, interruption, autre ; jour et heure ; candidats ; description ; mesure ; témoins). Une fraude suspectée nomme ses candidats.",
                Some(r("IncidentInput")), "201", ok("Consigné.", r("Incident")), true)}), &["id"]),
        "/api/v1/sessions/{id}/jury": with_params(json!({
            "get": op("Le jury de la session : chaque siège (juré, jour, jury), les jurés désignés avec leur convocation et leur déclaration sur l'honneur, les liens déclarés, les besoins de l'emploi du temps, la matrice d'éligibilité (par candidat, épreuve et jour : qui peut l'évaluer, qui est écarté et pourquoi) et ce qui ne va pas (findings).", None, "200", ok("Jury.", r("SessionJury")), false),
            "put": op("Désigner le jury : tous les sièges et les liens que déclare le responsable, avec la version lue (une version périmée : 409). Refus 422 nommant le juré, le titre et la date, sous les règles jury.not_habilitated, jury.habilitation_ends, jury.licence_invalid, jury.overlapping_sessions ; une fois désigné, la réponse dit dans findings jury.too_few, jury.linked_to_candidate, jury.capacity_exceeded, jury.convocation_late.",
                Some(json!({"type": "object", "required": ["version", "seats"], "properties": {
                    "version": {"type": "integer"},
                    "seats": list(r("Seat")),
                    "links": list(r("LinkInput"))}})),
                "200", ok("Enregistré.", r("SessionJury")), true)}), &["id"]),
        "/api/v1/sessions/{id}/passage-order": with_params(json!({
            "put": op("Fixer l'ordre de passage aux épreuves individuelles : chaque candidat de la session une fois (une liste vide revient à l'ordre alphabétique) ; l'emploi du temps est déroulé à nouveau.",
                Some(json!({"type": "object", "required": ["candidates"], "properties": {"candidates": list(json!({"type": "string"}))}})),
                "200", ok("Enregistré.", r("SessionSchedule")), true)}), &["id"]),
        "/api/v1/sessions/{id}/candidates/{candidate}/attendance": with_params(json!({
            "post": op("Émargement d'une épreuve : le candidat présent (identité vérifiée, feuille signée) ou absent à une épreuve d'un jour, ce jour-là ou après, pour un passage que l'emploi du temps lui donne ce jour-là ; la dernière note compte.",
                Some(r("AttendanceInput")), "201", ok("Noté.", r("Attendance")), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/attendance": with_params(json!({
            "get": op("Les présences notées, par jour, épreuve et candidat.", None, "200", ok("Présences.", list(r("Attendance"))), false)}), &["id"]),
        "/api/v1/sessions/{id}/timetable": with_params(json!({
            "get": op("L'emploi du temps : chaque épreuve sur ses jours (parts), pour le groupe (candidate nul) ou pour un candidat (épreuve individuelle, temps supplémentaire), avec sa salle et son jury ; clashes dit ce qui est à revoir.", None, "200", ok("Emploi du temps.", r("SessionSchedule")), false),
            "put": op("Fixer l'emploi du temps passage par passage (une liste vide revient à celui que Jalon déroule des heures de début). Refus 422, tous ensemble, sous les règles timetable.overlap_candidate, timetable.overlap_room, timetable.overlap_jury, timetable.outside_session, timetable.past_evening, timetable.final_not_last (champ field).",
                Some(json!({"type": "object", "required": ["passages"], "properties": {"passages": list(r("Passage"))}})),
                "200", ok("Enregistré.", r("SessionSchedule")), true)}), &["id"]),
    });
    let seed_paths = json!({
        "/api/v1/sessions/{id}/milestones/{milestone}/items": with_params(json!({
            "post": op("Cocher un point de la liste d'un jalon (state = done), ou le déclarer sans objet avec un motif (state = not_applicable). Le jalon doit être à faire.",
                Some(json!({"type": "object", "required": ["item", "state"], "properties": {"item": {"type": "string", "description": "Le texte du point, tel que la liste le donne."}, "state": {"type": "string", "enum": ["done", "not_applicable"]}, "reason": {"type": "string"}}})),
                "201", ok("Coché.", r("ChecklistItem")), true)}), &["id", "milestone"]),
        "/api/v1/sessions/{id}/milestones/{milestone}/items/untick": with_params(json!({
            "post": op("Décocher un point coché par erreur, en disant pourquoi.",
                Some(json!({"type": "object", "required": ["item", "reason"], "properties": {"item": {"type": "string"}, "reason": {"type": "string"}}})),
                "204", json!({"description": "Décoché."}), true)}), &["id", "milestone"]),
        "/api/v1/sessions/{id}/checklists": with_params(json!({
            "get": op("Les listes à cocher des jalons de la session, point par point (qui, quand, ou sans objet et pourquoi).", None, "200",
                ok("Par jalon.", json!({"type": "object", "additionalProperties": list(r("ChecklistItem"))})), false)}), &["id"]),
        "/api/v1/sessions/{id}/milestones/{milestone}/files": with_params(json!({
            "post": {"summary": "Joindre un fichier à un jalon, comme preuve : PDF ou image, vérifié par son contenu (10 Mo au plus) ; son nom dans l'en-tête X-File-Name ; son SHA-256 va au journal.",
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"201": ok("Joint.", r("MilestoneFile")), "401": err("Non connecté."), "403": err("Rôle insuffisant."),
                    "404": err("Session ou jalon introuvable dans le centre de l'utilisateur."), "422": err("Fichier refusé (type ou taille), en français.")}}}), &["id", "milestone"]),
        "/api/v1/sessions/{id}/files": with_params(json!({
            "get": op("Les fichiers joints aux jalons de la session (sans leur contenu).", None, "200", ok("Fichiers.", list(r("MilestoneFile"))), false)}), &["id"]),
        "/api/v1/sessions/{id}/files/{file}": with_params(json!({
            "get": {"summary": "Le contenu d'un fichier joint.", "responses": {"200": {"description": "Le fichier.", "content": binary_content.clone()},
                "401": err("Non connecté."), "404": err("Fichier introuvable dans le centre de l'utilisateur.")}}}), &["id", "file"]),
        "/api/v1/centre": {
            "get": op("Paramètres du centre : nom, coordonnées, adresse de réponse aux candidats.", None, "200", ok("Paramètres.", versioned("CentreSettings")), false),
            "put": op("Changer les paramètres du centre (administrateurs), avec la version lue.", Some(versioned("CentreSettings")), "200", ok("Enregistrés.", versioned("CentreSettings")), true)},
        "/api/v1/centre/logo": {
            "get": {"summary": "Le logo du centre, tel que les documents l'impriment en en-tête.",
                "responses": {"200": {"description": "L'image.", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}, "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                    "401": err("Non connecté."), "404": err("Le centre n'a pas de logo.")}},
            "put": {"summary": "Donner (ou remplacer) le logo du centre (administrateurs) : une image PNG ou JPEG de 1 Mio au plus, 4000 pixels de côté au plus, vérifiée par son contenu ; son SHA-256 va au journal.",
                "requestBody": {"required": true, "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}, "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"204": {"description": "Enregistré."}, "401": err("Non connecté."), "403": err("Réservé aux administrateurs."),
                    "422": err("Image refusée (type, taille, fichier illisible), en français.")}},
            "delete": {"summary": "Retirer le logo des documents (administrateurs).",
                "responses": {"204": {"description": "Retiré."}, "401": err("Non connecté."), "403": err("Réservé aux administrateurs."), "404": err("Le centre n'a pas de logo.")}}},
        "/api/v1/sessions/{id}/candidates/{candidate}": with_params(json!({
            "put": op("Corriger un candidat : tous ses champs, avec la version lue ; une même personne n'est pas inscrite deux fois.",
                Some(json!({"allOf": [r("CandidateInput"), {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}]})),
                "200", ok("Corrigé.", r("Candidate")), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/candidates/{candidate}/personal-data": with_params(json!({
            "post": op("Droit d'accès (RGPD) : tout ce que Jalon conserve d'un candidat — fiche, convocation et preuves, passages, résultat, entrées du journal qui le nomment — et ses documents (signature d'émargement, convocation signée renvoyée) en base64 ; responsables et administrateurs du centre ; consigné au journal.",
                None, "200", ok("Les données du candidat.", personal_data.clone()), true)}), &["id", "candidate"]),
        "/api/v1/jurors/{id}/personal-data": with_params(json!({
            "post": op("Droit d'accès (RGPD) : tout ce que Jalon conserve d'un juré — fiche et habilitations, sessions (convocation, lecture, liens déclarés, déclaration sur l'honneur, signature du PV), liens personnels, entrées du journal qui le nomment ; responsables et administrateurs du centre ; consigné au journal.",
                None, "200", ok("Les données du juré.", personal_data.clone()), true)}), &["id"]),
        "/api/v1/sessions/{id}/candidates/{candidate}/withdraw": with_params(json!({
            "post": op("Enregistrer le désistement d'un candidat (date, motif) : il sort des documents, de l'accueil et des contrôles ; sa convocation est annulée.",
                Some(json!({"type": "object", "required": ["version", "reason"], "properties": {"version": {"type": "integer"}, "on": date.clone(), "reason": {"type": "string"}}})),
                "200", ok("Enregistré.", r("Candidate")), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/complements": with_params(json!({
            "post": op("Enregistrer une demande de compléments du service départemental (la session attend alors sa validation).",
                Some(json!({"type": "object", "required": ["version", "on", "request"], "properties": {"version": {"type": "integer"}, "on": date.clone(), "request": {"type": "string"}}})),
                "200", ok("Enregistrée.", r("SessionDetail")), true)}), &["id"]),
    });
    let mut paths = json!({
        "/api/v1/login": {"post": {
            "summary": "Se connecter : renvoie un jeton (aussi posé en cookie HttpOnly).",
            "requestBody": body(json!({"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}})),
            "responses": {"200": ok("Connecté.", json!({"type": "object", "properties": {"token": {"type": "string"}, "me": r("Me")}})),
                          "401": err("Identifiant ou mot de passe incorrect."),
                          "429": err("Trop de tentatives : réessayez après le délai de l'en-tête Retry-After."),
                          "422": err("Corps invalide.")}}},
        "/api/v1/logout": {"post": {"summary": "Se déconnecter.", "responses": {"204": {"description": "Déconnecté."}}}},
        "/api/v1/me": {"get": op("L'utilisateur connecté.", None, "200", ok("Utilisateur.", r("Me")), false)},
        "/api/v1/me/password": {"post": {
            "summary": "Changer son propre mot de passe (tout rôle) ; les autres connexions de l'utilisateur prennent fin.",
            "requestBody": body(json!({"type": "object", "required": ["current_password", "new_password"], "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 12}}})),
            "responses": {"204": {"description": "Changé."}, "401": err("Non connecté."), "422": err("Mot de passe actuel incorrect, ou nouveau refusé : moins de 12 caractères, courant, une suite ou une répétition, ou contenant l'adresse.")}}},
        "/api/v1/sites": {
            "get": op("Sites (plateaux techniques) du centre.", None, "200", ok("Sites.", list(r("Site"))), false),
            "post": op("Créer un site (administrateur).", Some(r("SiteInput")), "201", ok("Créé.", r("Site")), true)},
        "/api/v1/sites/{id}": with_params(json!({
            "get": op("Un site.", None, "200", ok("Site.", r("Site")), false),
            "put": op("Modifier un site (administrateur).", Some(versioned("SiteInput")), "200", ok("Modifié.", r("Site")), true)}), &["id"]),
        "/api/v1/titles": {
            "get": op("Titres du centre.", None, "200", ok("Titres.", list(r("Title"))), false),
            "post": op("Enregistrer un titre (administrateur).", Some(r("TitleInput")), "201", ok("Créé.", r("Title")), true)},
        "/api/v1/titles/{id}": with_params(json!({
            "get": op("Un titre.", None, "200", ok("Titre.", r("Title")), false),
            "put": op("Modifier un titre (administrateur).", Some(versioned("TitleInput")), "200", ok("Modifié.", r("Title")), true)}), &["id"]),
        "/api/v1/approvals": {
            "get": op("Agréments du centre.", None, "200", ok("Agréments.", list(r("Approval"))), false),
            "post": op("Enregistrer un agrément (administrateur).", Some(r("ApprovalInput")), "201", ok("Créé.", r("Approval")), true)},
        "/api/v1/approvals/{id}": with_params(json!({
            "get": op("Un agrément.", None, "200", ok("Agrément.", r("Approval")), false),
            "put": op("Modifier un agrément (administrateur).", Some(versioned("ApprovalInput")), "200", ok("Modifié.", r("Approval")), true)}), &["id"]),
        "/api/v1/users": {
            "get": op("Utilisateurs du centre.", None, "200", ok("Utilisateurs.", list(r("User"))), false),
            "post": op("Inviter un utilisateur (administrateur) : la personne reçoit par courriel un lien personnel, valable 7 jours et une seule fois, pour choisir son mot de passe ; son compte existe alors. La réponse est la même que l'adresse ait ou non un compte dans un autre centre (dans ce cas, aucun compte n'est créé et l'adresse reçoit un avis).", Some(r("UserInput")), "202", ok("Invitation enregistrée.", r("Invitation")), true)},
        "/api/v1/users/{id}": with_params(json!({
            "get": op("Un utilisateur.", None, "200", ok("Utilisateur.", r("User")), false),
            "put": op("Modifier le nom, le rôle ou l'activité d'un utilisateur (administrateur) ; le centre garde au moins un administrateur actif.",
                Some(json!({"type": "object", "required": ["version", "display_name", "role", "active"], "properties": {
                    "version": {"type": "integer"}, "display_name": {"type": "string"}, "role": r("Role"), "active": {"type": "boolean"}}})),
                "200", ok("Modifié.", r("User")), true)}), &["id"]),
        "/api/v1/sessions": {
            "get": op("Sessions du centre avec leur chronologie.", None, "200", ok("Sessions.", list(r("SessionDetail"))), false),
            "post": op("Créer une session ; ses jalons sont calculés.", Some(r("SessionInput")), "201", ok("Créée.", r("SessionDetail")), true)},
        "/api/v1/sessions/{id}": with_params(json!({
            "get": op("Une session et ses jalons.", None, "200", ok("Session.", r("SessionDetail")), false),
            "put": op("Modifier (ou déplacer) une session : les dates des jalons sont recalculées, ce qui est fait le reste.", Some(versioned("SessionInput")), "200", ok("Modifiée.", r("SessionDetail")), true)}), &["id"]),
        "/api/v1/sessions/{id}/duplicate": with_params(json!({
            "post": op("Dupliquer une session à d'autres dates (rien de ce qui était fait n'est copié).",
                Some(json!({"type": "object", "required": ["start"], "properties": {"start": date, "end": opt_date, "override_justification": opt_str}})),
                "201", ok("Créée.", r("SessionDetail")), true)}), &["id"]),
        "/api/v1/sessions/{id}/cancel": with_params(json!({
            "post": op("Annuler une session, en disant pourquoi (elle reste, avec son historique).",
                Some(json!({"type": "object", "required": ["version", "reason"], "properties": {"version": {"type": "integer"}, "reason": {"type": "string"}}})),
                "200", ok("Annulée.", r("SessionDetail")), true)}), &["id"]),
        "/api/v1/sessions/{id}/candidates": with_params(json!({
            "get": op("Candidats de la session ; une inscription après J−30 est signalée (late_registration).", None, "200", ok("Candidats.", list(r("Candidate"))), false),
            "post": op("Inscrire un candidat.", Some(r("CandidateInput")), "201", ok("Inscrit.", r("Candidate")), true)}), &["id"]),
        "/api/v1/sessions/{id}/candidates/import": with_params(json!({
            "post": {
                "summary": "Importer des candidats depuis un fichier CSV (corps de la requête) : tout ou rien, chaque erreur avec son numéro de ligne. « ; » ou « , », UTF-8 (avec ou sans BOM) ou Windows-1252, titres de colonnes en français (nom, prénom, date de naissance, courriel…) dans n'importe quel ordre.",
                "parameters": [{"name": "dry_run", "in": "query", "required": false, "schema": {"type": "boolean"}, "description": "Vérifier sans rien inscrire."}],
                "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": ok("Importé (ou vérifié).", json!({"type": "object", "properties": {"imported": {"type": "integer"}, "dry_run": {"type": "boolean"}, "encoding": {"type": "string"}, "ignored_columns": list(json!({"type": "string"}))}})),
                    "401": err("Non connecté."), "403": err("Rôle insuffisant."), "404": err("Introuvable dans le centre de l'utilisateur."),
                    "422": ok("Fichier refusé : rien n'a été importé.", json!({"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "errors": list(json!({"type": "string", "example": "ligne 4 : courriel : « jean@ » n'est pas une adresse électronique valide"}))}}))
                }}}), &["id"]),
        "/api/v1/sessions/{id}/candidates/{candidate}/check-in": with_params(json!({
            "post": op("Accueil du jour : candidat présent (identité vérifiée, convocation présentée, émargement) ou absent.",
                Some(json!({"type": "object", "required": ["version", "present"], "properties": {
                    "version": {"type": "integer"}, "present": {"type": "boolean"}, "identity_checked": {"type": "boolean"},
                    "convocation_presented": {"type": "boolean"}, "documents_presented": {"type": "boolean"}, "signed": {"type": "boolean"},
                    "signature_png": {"type": "string", "description": "Signature dessinée sur tablette : PNG en base64 (512 Kio au plus) ; vaut émargement."}}})),
                "200", ok("Enregistré.", r("Candidate")), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/convocations": with_params(json!({
            "get": op("Convocations de la session, et qui manque quoi pour « Envoyer les convocations ».", None, "200",
                ok("Convocations.", json!({"type": "object", "properties": {"convocations": list(r("Convocation")), "missing": list(json!({"type": "string"}))}})), false)}), &["id"]),
        "/api/v1/sessions/{id}/convocations/send": with_params(json!({
            "post": op("Envoyer par courriel les convocations qui ne l'ont pas encore été (chacune une fois, avec un lien personnel d'accusé de lecture).", None, "200",
                ok("Compte rendu.", json!({"type": "object", "properties": {"sent": {"type": "integer"}, "failed": list(json!({"type": "string"})), "without_address": list(json!({"type": "string"}))}})), true)}), &["id"]),
        "/api/v1/sessions/{id}/convocations/{candidate}": with_params(json!({
            "put": op("Choisir le mode de convocation d'un candidat (changer de mode recommence la preuve).",
                Some(json!({"type": "object", "required": ["mode"], "properties": {"mode": {"type": "string", "enum": ["hand", "email_receipts", "email_signed_return"]}}})),
                "204", json!({"description": "Enregistré."}), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/convocations/{candidate}/hand-delivery": with_params(json!({
            "post": op("Enregistrer la remise en main propre contre signature.", None, "204", json!({"description": "Enregistré."}), true)}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/convocations/{candidate}/document": with_params(json!({
            "get": {"summary": "Le document signé conservé.", "responses": {"200": {"description": "PDF ou image."}, "401": err("Non connecté."), "404": err("Introuvable.")}},
            "post": {"summary": "Joindre le document signé (corps : un PDF ou une image, nom dans l'en-tête X-File-Name).",
                     "requestBody": {"required": true, "content": {"application/pdf": {}, "image/*": {}}},
                     "responses": {"204": {"description": "Conservé."}, "401": err("Non connecté."), "403": err("Rôle insuffisant."), "404": err("Introuvable."), "422": err("Ni un PDF ni une image, ou mode sans document signé.")}}}), &["id", "candidate"]),
        "/api/v1/sessions/{id}/candidates.csv": with_params(json!({
            "get": {"summary": "Les candidats de la session en CSV (UTF-8 avec BOM, « ; »), relisible par l'import.",
                    "responses": {"200": {"description": "CSV.", "content": {"text/csv": {"schema": {"type": "string"}}}}, "401": err("Non connecté."), "404": err("Introuvable dans le centre de l'utilisateur.")}}}), &["id"]),
        "/api/v1/sessions/{id}/schedule": with_params(json!({
            "get": op("Calendrier des épreuves : celui du responsable, ou la proposition de Jalon (proposed).", None, "200", ok("Calendrier.", r("SessionSchedule")), false),
            "put": op("Fixer la date et l'heure de chaque épreuve (une entrée par épreuve du titre, dans son ordre) ; toutes les erreurs sont rendues ensemble, rien n'est écrit.",
                Some(json!({"type": "object", "required": ["slots"], "properties": {"slots": list(slot_input.clone())}})),
                "200", ok("Enregistré.", r("SessionSchedule")), true)}), &["id"]),
        "/api/v1/sessions/{id}/documents/{name}": with_params(json!({
            "get": {"summary": "Documents PDF de la session : convocations.pdf (toutes, ou ?candidate=ID pour une), convocations.zip (un PDF par candidat), affichage.pdf (candidats et calendrier), emargement.pdf (une feuille par jour et par épreuve).",
                    "parameters": [{"name": "candidate", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Seulement la convocation de ce candidat."}],
                    "responses": {"200": {"description": "Le document.", "content": binary_content},
                        "401": err("Non connecté."), "404": err("Document, session ou candidat introuvable dans le centre de l'utilisateur."),
                        "422": err("Aucun candidat inscrit : pas de convocation à produire."), "500": err("Un modèle du centre n'a pas pu être composé (error = document, le message dit lequel et pourquoi).")}}}), &["id", "name"]),
        "/api/v1/sessions/{id}/journal": with_params(json!({
            "get": op("Journal de la session (le plus récent d'abord).", None, "200", ok("Entrées.", list(r("JournalEntry"))), false)}), &["id"]),
        "/api/v1/sessions/{id}/milestones/{milestone}/complete": with_params(json!({
            "post": op("Marquer un jalon comme fait, avec sa preuve ; un contrôle automatique en échec demande une justification.",
                Some(json!({"type": "object", "required": ["version", "evidence"], "properties": {"version": {"type": "integer"}, "evidence": {"type": "string"}, "override_justification": opt_str}})),
                "200", ok("Fait.", r("SessionMilestone")), true)}), &["id", "milestone"]),
        "/api/v1/sessions/{id}/milestones/{milestone}/reopen": with_params(json!({
            "post": op("Rouvrir un jalon fait, en disant pourquoi.",
                Some(json!({"type": "object", "required": ["version", "reason"], "properties": {"version": {"type": "integer"}, "reason": {"type": "string"}}})),
                "200", ok("Rouvert.", r("SessionMilestone")), true)}), &["id", "milestone"]),
        "/api/v1/journal": {"get": op("Journal du centre (le plus récent d'abord).", None, "200", ok("Entrées.", list(r("JournalEntry"))), false)},
        "/api/v1/check": {"get": op("Rapport de conformité : jalons en retard et contrôles en échec.", None, "200",
            ok("Rapport.", json!({"type": "object", "properties": {"sessions": list(r("SessionConformity"))}})), false)},
        "/api/v1/openapi.json": {"get": {"summary": "Ce document.", "responses": {"200": {"description": "OpenAPI 3.1."}}}},
    });
    let account_paths = json!({
        "/api/v1/password/forgot": {"post": {
            "summary": "Mot de passe oublié : si l'adresse a un compte, lui envoie un lien (valable une heure, une seule fois) pour choisir un nouveau mot de passe, qui met fin à toutes ses connexions. La réponse est la même quelle que soit l'adresse ; trois courriels par heure au plus pour une adresse.",
            "requestBody": body(json!({"type": "object", "required": ["email"], "properties": {"email": {"type": "string"}}})),
            "responses": {"202": ok("Demande reçue (même réponse pour toute adresse).", json!({"type": "object", "properties": {"message": {"type": "string"}}})),
                          "422": err("Corps invalide.")}}},
        "/api/v1/invitations": {
            "get": op("Invitations en attente du centre (administrateur).", None, "200", ok("Invitations.", list(r("Invitation"))), false)},
        "/api/v1/invitations/{id}": with_params(json!({
            "delete": op("Annuler une invitation (administrateur) : son lien ne sert plus.", None, "204", json!({"description": "Annulée."}), true)}), &["id"]),
        "/api/v1/invitations/{id}/resend": with_params(json!({
            "post": op("Renvoyer une invitation (administrateur) : nouveau lien, valable 7 jours ; l'ancien ne sert plus.", None, "202", ok("Renvoyée.", r("Invitation")), true)}), &["id"])
    });
    if let (Some(all), Value::Object(more)) = (paths.as_object_mut(), account_paths) {
        all.extend(more);
    }
    if let (Some(all), Value::Object(more)) = (paths.as_object_mut(), timetable_paths) {
        all.extend(more);
    }
    if let (Some(all), Value::Object(more)) = (paths.as_object_mut(), seed_paths) {
        all.extend(more);
    }
    let schemas = serde_json::to_value(
        <Schemas as utoipa::OpenApi>::openapi()
            .components
            .map(|c| c.schemas)
            .unwrap_or_default(),
    )
    .expect("the schemas serialise");
    close_all_of(&mut paths, &schemas);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Jalon", "version": env!("CARGO_PKG_VERSION"),
                 "description": "API de Jalon : sessions d'examen de Titre Professionnel et leur chronologie. \
                                 Authentification par cookie (jalon_session) ou en-tête Authorization: Bearer."},
        "paths": paths,
        "components": {"schemas": schemas,
            "securitySchemes": {"cookie": {"type": "apiKey", "in": "cookie", "name": "jalon_session"}, "bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"cookie": []}, {"bearer": []}],
    })
}

/// A body that adds fields (the version read…) to a type that refuses unknown fields
/// (`additionalProperties: false`) cannot be an `allOf` of the two — no object satisfies both —
/// so such an `allOf` becomes one object schema: the type's, with the other parts' fields.
fn close_all_of(v: &mut Value, schemas: &Value) {
    match v {
        Value::Object(m) => {
            if let Some(merged) = m
                .get("allOf")
                .and_then(|parts| merged_closed(parts, schemas))
            {
                m.remove("allOf");
                for (k, x) in merged {
                    m.entry(k).or_insert(x);
                }
            }
            m.values_mut().for_each(|x| close_all_of(x, schemas));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| close_all_of(x, schemas)),
        _ => {}
    }
}

/// The one schema of `allOf` parts whose first is a reference to a closed type, if it is one.
fn merged_closed(parts: &Value, schemas: &Value) -> Option<serde_json::Map<String, Value>> {
    let parts = parts.as_array()?;
    let name = parts.first()?.get("$ref")?.as_str()?.rsplit('/').next()?;
    let base = schemas.get(name)?;
    if base.get("additionalProperties") != Some(&Value::Bool(false)) {
        return None;
    }
    let mut merged = base.as_object()?.clone();
    for part in &parts[1..] {
        let part = part.as_object()?;
        if part
            .keys()
            .any(|k| !matches!(k.as_str(), "type" | "properties" | "required"))
        {
            return None;
        }
        for (k, x) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let properties = merged.entry("properties").or_insert_with(|| json!({}));
            properties.as_object_mut()?.insert(k.clone(), x.clone());
        }
        for x in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let required = merged.entry("required").or_insert_with(|| json!([]));
            let required = required.as_array_mut()?;
            if !required.contains(x) {
                required.push(x.clone());
            }
        }
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `allOf` of the document can be satisfied: none names a type that refuses the
    /// fields the other parts add (the three versioned bodies of DTE, sessions and orders did).
    #[test]
    fn no_all_of_joins_a_closed_type() {
        let doc = document();
        fn walk(v: &Value, schemas: &Value, found: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for part in m
                        .get("allOf")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let name = part.get("$ref").and_then(Value::as_str).unwrap_or("");
                        let name = name.rsplit('/').next().unwrap_or(name);
                        if schemas[name]["additionalProperties"] == Value::Bool(false) {
                            found.push(name.to_owned());
                        }
                    }
                    m.values().for_each(|x| walk(x, schemas, found));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, schemas, found)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(&doc["paths"], &doc["components"]["schemas"], &mut found);
        assert!(found.is_empty(), "allOf with a closed type: {found:?}");

        let body = &doc["paths"]["/api/v1/sessions/{id}"]["put"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert_eq!(body["additionalProperties"], false);
        assert_eq!(body["properties"]["version"]["type"], "integer");
        assert!(body["properties"]["title_id"].is_object());
        let required = body["required"].as_array().unwrap();
        assert!(required.contains(&json!("version")));
        assert!(required.contains(&json!("title_id")));
        let order = &doc["paths"]["/api/v1/sessions/{id}/dte/order"]["put"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(order["properties"]["version"]["type"], "integer");
        assert!(order["properties"]["on"].is_object());
    }
}
