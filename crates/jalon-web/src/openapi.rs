//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`. A test checks
//! that it lists exactly the routes the server has.

use serde_json::{Value, json};

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
    let paths = json!({
        "/api/v1/login": {"post": {
            "summary": "Se connecter : renvoie un jeton (aussi posé en cookie HttpOnly).",
            "requestBody": body(json!({"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}})),
            "responses": {"200": ok("Connecté.", json!({"type": "object", "properties": {"token": {"type": "string"}, "me": r("Me")}})),
                          "401": err("Identifiant ou mot de passe incorrect."),
                          "403": err("Trop de tentatives : réessayez dans une minute."),
                          "422": err("Corps invalide.")}}},
        "/api/v1/logout": {"post": {"summary": "Se déconnecter.", "responses": {"204": {"description": "Déconnecté."}}}},
        "/api/v1/me": {"get": op("L'utilisateur connecté.", None, "200", ok("Utilisateur.", r("Me")), false)},
        "/api/v1/me/password": {"post": {
            "summary": "Changer son propre mot de passe (tout rôle) ; les autres connexions de l'utilisateur prennent fin.",
            "requestBody": body(json!({"type": "object", "required": ["current_password", "new_password"], "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 10}}})),
            "responses": {"204": {"description": "Changé."}, "401": err("Non connecté."), "422": err("Mot de passe actuel incorrect, ou nouveau trop court.")}}},
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
            "post": op("Créer un utilisateur (administrateur).", Some(r("UserInput")), "201", ok("Créé.", r("User")), true)},
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
                    "convocation_presented": {"type": "boolean"}, "signed": {"type": "boolean"},
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
            "get": op("Calendrier des épreuves : celui du responsable, ou la proposition de Jalon (proposed).", None, "200", ok("Calendrier.", r("Schedule")), false),
            "put": op("Fixer la date et l'heure de chaque épreuve (une entrée par épreuve du titre, dans son ordre) ; toutes les erreurs sont rendues ensemble, rien n'est écrit.",
                Some(json!({"type": "object", "required": ["slots"], "properties": {"slots": list(slot_input.clone())}})),
                "200", ok("Enregistré.", r("Schedule")), true)}), &["id"]),
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
    let milestone_ids = json!({"type": "string", "description": "Identifiant de jalon de la chronologie (par exemple ceres.create_session)."});
    let schemas = json!({
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string", "enum": ["unauthenticated", "bad_credentials", "forbidden", "not_found", "conflict", "validation", "rules_broken", "internal", "document"]},
            "message": {"type": "string", "description": "Message en français."},
            "fields": list(json!({"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}})),
            "violations": list(r("Violation"))}},
        "Schedule": {"type": "object", "properties": {
            "slots": list(json!({"type": "object", "properties": {"name": {"type": "string"}, "date": date, "start": {"type": "string", "example": "08:30:00"}, "minutes": {"type": "integer"}}})),
            "proposed": {"type": "boolean", "description": "Des horaires sont encore ceux proposés par Jalon."},
            "outside": list(json!({"type": "string", "description": "Épreuve placée hors des dates de la session."}))}},
        "Violation": {"type": "object", "properties": {"rule": {"type": "string"}, "milestone": milestone_ids, "message": {"type": "string"}}},
        "Me": {"type": "object", "properties": {"user_id": opt_str, "name": {"type": "string"}, "role": r("Role"), "centre_id": {"type": "string"}, "centre": {"type": "string"}}},
        "Role": {"type": "string", "enum": ["admin", "manager", "inspector"]},
        "Zone": {"type": "string", "enum": ["metropole", "alsace-moselle"]},
        "Domain": {"type": "string", "enum": ["btp", "industry", "tertiary"]},
        "Kind": {"type": "string", "enum": ["title", "ccp", "ccs"]},
        "SiteInput": {"type": "object", "required": ["name", "address", "postcode", "city"], "properties": {
            "name": {"type": "string"}, "address": {"type": "string"}, "postcode": {"type": "string", "pattern": "^[0-9]{5}$"}, "city": {"type": "string"}, "zone": r("Zone")}},
        "Site": {"allOf": [r("SiteInput"), {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}}]},
        "TitleStructure": {"type": "object", "properties": {
            "ccps": list(json!({"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}})),
            "epreuves": list(json!({"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": ["practical", "technical_interview", "questionnaire", "final_interview", "other"]}, "minutes": {"type": "integer", "minimum": 1}}}))},
            "description": "Les épreuves dans l'ordre ; l'entretien final une fois, en dernier."},
        "TitleInput": {"type": "object", "required": ["rncp_code", "name", "domain", "expiry"], "properties": {
            "rncp_code": {"type": "string", "example": "RNCP37674"}, "name": {"type": "string"}, "domain": r("Domain"), "transport": {"type": "boolean"}, "expiry": date, "structure": r("TitleStructure")}},
        "Title": {"allOf": [r("TitleInput"), {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}}]},
        "ApprovalInput": {"type": "object", "required": ["title_id", "site_id", "number", "valid_from", "valid_until"], "properties": {
            "title_id": {"type": "string"}, "site_id": {"type": "string"}, "number": {"type": "string"}, "valid_from": date, "valid_until": date,
            "managers": list(json!({"type": "string", "description": "Utilisateurs déclarés responsables de session."}))}},
        "Approval": {"allOf": [r("ApprovalInput"), {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}}]},
        "UserInput": {"type": "object", "required": ["email", "display_name", "role", "password"], "properties": {
            "email": {"type": "string"}, "display_name": {"type": "string"}, "role": r("Role"), "password": {"type": "string", "minLength": 10}}},
        "User": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"}, "display_name": {"type": "string"}, "role": r("Role"), "active": {"type": "boolean"}, "created_at": {"type": "string"}, "version": {"type": "integer"}}},
        "SessionInput": {"type": "object", "required": ["title_id", "site_id", "start"], "properties": {
            "title_id": {"type": "string"}, "approval_id": opt_str, "site_id": {"type": "string"}, "kind": r("Kind"), "start": date, "end": opt_date,
            "ceres_number": opt_str, "manager_id": opt_str,
            "override_justification": {"type": ["string", "null"], "description": "Justification écrite pour passer outre une règle (15 caractères au moins), gardée au journal."}}},
        "SessionMilestone": {"type": "object", "properties": {
            "id": milestone_ids, "phase": {"type": "string"}, "label": {"type": "string"}, "severity": {"type": "string", "enum": ["mandatory", "recommended"]},
            "applicable": {"type": "boolean"}, "opens": opt_date, "deadline": opt_date, "advised": opt_date,
            "state": {"type": "string", "enum": ["todo", "done", "not_applicable"]}, "late": {"type": "boolean"},
            "done_at": opt_str, "done_by": opt_str, "evidence": opt_str, "override_justification": opt_str, "version": {"type": "integer"}}},
        "SessionDetail": {"type": "object", "properties": {
            "id": {"type": "string"}, "title_id": {"type": "string"}, "title_name": {"type": "string"}, "approval_id": opt_str, "site_id": {"type": "string"},
            "kind": r("Kind"), "start": date, "end": date, "ceres_number": opt_str, "manager_id": opt_str,
            "status": {"type": "string", "enum": ["draft", "planned", "in_progress", "to_close", "transmitted", "validated", "cancelled"]},
            "version": {"type": "integer"}, "milestones": list(r("SessionMilestone"))}},
        "JournalEntry": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "at": {"type": "string"}, "actor_id": opt_str, "actor_name": {"type": "string"},
            "action": {"type": "string", "example": "milestone.completed"}, "subject_type": {"type": "string"}, "subject_id": {"type": "string"},
            "data": {"type": "object", "description": "before / after, et la justification d'une dérogation."}, "hash": {"type": "string"}}},
        "CandidateInput": {"type": "object", "required": ["last_name", "first_names", "birth_date"], "properties": {
            "last_name": {"type": "string"}, "first_names": {"type": "string"}, "birth_date": date.clone(),
            "email": {"type": "string"}, "phone": {"type": "string"}, "address": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
            "access_route": {"type": "string", "enum": ["training", "vae", "apprenticeship"]}, "training_end": opt_date.clone(),
            "accommodation": {"type": "string", "description": "Aménagement accordé (handicap)."}, "accommodation_granted_by": {"type": "string"}, "accommodation_plan": {"type": "string"}}},
        "Candidate": {"allOf": [r("CandidateInput"), {"type": "object", "properties": {
            "id": {"type": "string"}, "presence": {"type": "string", "enum": ["expected", "present", "absent"]},
            "identity_checked": {"type": "boolean"}, "convocation_presented": {"type": "boolean"}, "signed": {"type": "boolean"},
            "drawn_signature": {"type": "boolean", "description": "Le candidat a signé sur la tablette."},
            "checked_in_at": opt_str.clone(), "checked_in_by": opt_str.clone(),
            "registered_at": {"type": "string"}, "late_registration": {"type": "boolean"}, "version": {"type": "integer"}}}]},
        "Convocation": {"type": "object", "properties": {
            "candidate_id": {"type": "string"}, "mode": {"type": "string", "enum": ["hand", "email_receipts", "email_signed_return"]},
            "send_status": {"type": "string", "enum": ["pending", "sent", "failed"]}, "send_error": opt_str.clone(), "sent_at": opt_str.clone(),
            "hand_signed_at": opt_str.clone(), "hand_signed_by": opt_str.clone(), "read_at": opt_str.clone(), "read_from": opt_str.clone(),
            "document_name": opt_str.clone(), "document_type": opt_str.clone(), "document_at": opt_str.clone(), "version": {"type": "integer"}}},
        "SessionConformity": {"type": "object", "properties": {
            "id": {"type": "string"}, "centre": {"type": "string"}, "title": {"type": "string"}, "start": date, "end": date,
            "late": list(milestone_ids.clone()), "late_mandatory": list(milestone_ids.clone()), "failing": list(milestone_ids), "reasons": list(r("Violation"))}},
    });
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
