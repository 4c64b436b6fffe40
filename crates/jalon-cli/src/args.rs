//! Command-line arguments, with French help and French errors.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use jalon_core::{Domain, Kind, Zone, fr};
use jiff::civil::Date;

const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "jalon",
    version,
    about = "Jalon — la chronologie des sessions d'examen de Titre Professionnel",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes ",
    subcommand_value_name = "COMMANDE",
    next_help_heading = "Options ",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Affiche l'aide
    #[arg(short, long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Affiche la version
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Calcule la chronologie d'une session : chaque jalon avec sa date limite et le jour
    /// ouvré conseillé
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Plan(PlanArgs),
    /// Démarre le serveur (SQLite dans le dossier de données, ou PostgreSQL)
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Serve(ServeArgs),
    /// Remplit une base de démonstration (si elle est vide) puis démarre le serveur
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Demo(ServeArgs),
    /// Gère les utilisateurs
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    User(UserCommand),
    /// Gère les centres d'une même instance
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    Centre(CentreCommand),
    /// Vérifie l'intégrité du journal
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    Journal(JournalCommand),
    /// Rapport de conformité des sessions ; code de sortie 1 si un jalon obligatoire est en retard
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Check(CheckArgs),
    /// Importe des données depuis un fichier
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    Import(ImportCommand),
    /// Exporte des données
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    Export(ExportCommand),
    /// Produit les documents PDF d'une session : convocations, affichage, feuilles d'émargement
    #[command(subcommand, help_template = HELP_TEMPLATE, subcommand_help_heading = "Commandes ", subcommand_value_name = "COMMANDE")]
    Docs(DocsCommand),
    /// Vérifie un dossier de conformité, hors ligne : nomme tout fichier modifié, ajouté ou
    /// retiré et toute entrée du journal modifiée ; code de sortie 1 si quelque chose ne va pas
    #[command(name = "verify-archive", help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    VerifyArchive(VerifyArchiveArgs),
    /// Anonymise les données personnelles des sessions dont la durée de conservation du centre
    /// est échue (noms, dates de naissance, coordonnées, signatures, documents) ; les effectifs
    /// et résultats restent ; une transaction et une entrée de journal par session
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Purge(PurgeArgs),
    /// Sauvegarde la base SQLite pendant que le serveur tourne : une copie cohérente, son
    /// manifeste (empreinte SHA-256, tête du journal de chaque centre) signé par la clé du
    /// journal, en un seul fichier
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Backup(BackupArgs),
    /// Restaure une sauvegarde dans un dossier de données vide ; refuse une sauvegarde
    /// antérieure à l'ancre du journal (elle perdrait des entrées) sauf --force
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Fichier de sauvegarde à écrire (par exemple jalon-2026-12-07.sauvegarde)
    #[arg(long, value_name = "FICHIER")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Fichier de sauvegarde (écrit par jalon backup)
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Dossier de données où restaurer : vide, ou ne contenant que la clé du journal et son
    /// ancre [défaut : jalon-data]
    #[arg(long, value_name = "DOSSIER", env = "JALON_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Clé du journal de la base sauvegardée (elle n'est pas dans la sauvegarde) ; son ancre
    /// est lue dans le même dossier [défaut : journal-key du dossier de données]
    #[arg(long, value_name = "FICHIER", env = "JALON_JOURNAL_KEY")]
    pub journal_key: Option<PathBuf>,
    /// Restaure même une sauvegarde antérieure à l'ancre du journal (les entrées écrites
    /// depuis sont perdues)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Liste les sessions concernées sans rien modifier
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// Les convocations des candidats : un seul PDF (--out convocations.pdf) ou un PDF par
    /// candidat dans un dossier (--out DOSSIER)
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Convocations(DocsArgs),
    /// L'affichage : liste des candidats et calendrier des épreuves (--out affichage.pdf)
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Affichage(DocsArgs),
    /// Les feuilles d'émargement, une par jour et par épreuve (--out emargement.pdf)
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Emargement(DocsArgs),
    /// Les trois documents sur des données d'exemple, pour essayer ses propres modèles
    /// (--templates) sans toucher à une session
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Exemple(SampleArgs),
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Identifiant de la session
    #[arg(long, value_name = "ID")]
    pub session: String,
    /// Seulement la convocation de ce candidat
    #[arg(long, value_name = "ID")]
    pub candidate: Option<String>,
    /// Fichier PDF à écrire, ou dossier (un PDF par candidat) pour les convocations
    #[arg(long, value_name = "FICHIER.pdf|DOSSIER")]
    pub out: PathBuf,
    /// Dossier des modèles du centre (Typst), qui remplacent les modèles intégrés de même nom
    #[arg(long, value_name = "DOSSIER", env = "JALON_TEMPLATES")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Dossier où écrire convocations.pdf, affichage.pdf et emargement.pdf
    #[arg(long, value_name = "DOSSIER")]
    pub out: PathBuf,
    /// Dossier des modèles du centre (Typst), qui remplacent les modèles intégrés de même nom
    #[arg(long, value_name = "DOSSIER", env = "JALON_TEMPLATES")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Inscrit les candidats d'un fichier CSV (tout ou rien) ; chaque erreur est donnée avec
    /// son numéro de ligne
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Candidates(ImportCandidatesArgs),
    /// Enregistre les jurés d'un fichier CSV, une ligne par habilitation (tout ou rien) ; un
    /// juré déjà connu est complété, jamais doublé
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Jurors(ImportJurorsArgs),
}

#[derive(Debug, Args)]
pub struct ImportJurorsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Nom du centre, quand la base en a plusieurs
    #[arg(long, value_name = "NOM")]
    pub centre: Option<String>,
    /// Vérifie le fichier sans rien enregistrer
    #[arg(long)]
    pub dry_run: bool,
    /// Le fichier CSV (« ; » ou « , », UTF-8 ou Windows-1252, titres de colonnes en français :
    /// Nom, Prénom, Courriel, Métier, Employeur, SIRET, Statut, Code RNCP, Délivrée par, Du, Au…)
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Écrit les candidats d'une session en CSV (UTF-8, « ; ») sur la sortie standard
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Candidates(ExportCandidatesArgs),
    /// Écrit le dossier de conformité d'une session (--out dossier.zip) : chaque document
    /// produit et chaque pièce jointe, le journal de la session et son chaînage, le manifeste
    /// des empreintes SHA-256 ; à vérifier avec « jalon verify-archive »
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Session(ExportSessionArgs),
}

#[derive(Debug, Args)]
pub struct ExportSessionArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Identifiant de la session
    #[arg(value_name = "ID")]
    pub session: String,
    /// Le fichier ZIP à écrire
    #[arg(long, value_name = "FICHIER")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArchiveArgs {
    /// Le dossier de conformité (ZIP) à vérifier, sans base de données
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// La clé publique du journal du centre (« jalon journal key ») : le dossier doit être
    /// signé par elle
    #[arg(long, value_name = "CLÉ")]
    pub public_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportCandidatesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Identifiant de la session
    #[arg(long, value_name = "ID")]
    pub session: String,
    /// Vérifie le fichier sans rien inscrire
    #[arg(long)]
    pub dry_run: bool,
    /// Le fichier CSV (« ; » ou « , », UTF-8 ou Windows-1252, titres de colonnes en français)
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExportCandidatesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Identifiant de la session
    #[arg(long, value_name = "ID")]
    pub session: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Crée un utilisateur ; sur une base vide, crée aussi le centre (--centre) et en fait
    /// l'administrateur. Le mot de passe est lu dans JALON_PASSWORD, sinon demandé.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Add(UserAddArgs),
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Recalcule la chaîne d'empreintes, vérifie la signature de chaque entrée et l'ancre
    /// hors de la base ; signale toute entrée modifiée, supprimée, insérée ou ajoutée, et une
    /// base restaurée depuis une copie plus ancienne
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Verify(DbArgs),
    /// Affiche la clé publique du journal, son empreinte et l'ancre signée : à garder hors
    /// du serveur, et à donner à qui vérifie un dossier de conformité
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Key(DbArgs),
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Dossier des données : la base SQLite jalon.db y est créée [défaut : jalon-data ;
    /// jalon-demo pour la démonstration]
    #[arg(long, value_name = "DOSSIER", env = "JALON_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Base PostgreSQL (postgres://utilisateur@hôte:5432/base) à la place de SQLite
    #[arg(long, value_name = "URL", env = "JALON_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Fichier de règles TOML qui remplace les règles intégrées
    #[arg(long, value_name = "FICHIER", env = "JALON_RULES")]
    pub rules: Option<PathBuf>,
    /// Clé qui signe le journal, hors de la base ; créée au premier lancement ; son ancre est
    /// écrite dans le même dossier [défaut : journal-key du dossier des données]
    #[arg(long, value_name = "FICHIER", env = "JALON_JOURNAL_KEY")]
    pub journal_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Adresse d'écoute [défaut : 127.0.0.1:8080]
    #[arg(long, value_name = "IP:PORT", env = "JALON_LISTEN", default_value = "127.0.0.1:8080", hide_default_value = true, value_parser = listen_arg)]
    pub listen: std::net::SocketAddr,
    /// Cookies « Secure » : à activer quand Jalon est servi en HTTPS (derrière un proxy)
    #[arg(long, env = "JALON_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Jalon est derrière un proxy inverse : l'adresse d'un visiteur est la dernière de
    /// l'en-tête X-Forwarded-For (pour limiter les tentatives de connexion par adresse)
    #[arg(long, env = "JALON_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// Anonymise chaque jour (au démarrage, puis toutes les 24 h) les données personnelles des
    /// sessions dont la durée de conservation du centre est échue, comme « jalon purge »
    #[arg(long, env = "JALON_PURGE_DAILY")]
    pub purge_daily: bool,
    /// Serveur de courriel pour les convocations (smtps://utilisateur:mot-de-passe@hôte:465) ;
    /// sans lui, les courriels sont écrits dans le dossier d'envoi (outbox du dossier de données)
    #[arg(long, value_name = "URL", env = "JALON_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Expéditeur des courriels [défaut : Jalon <ne-pas-repondre@jalon.invalid>]
    #[arg(
        long,
        value_name = "ADRESSE",
        env = "JALON_MAIL_FROM",
        default_value = "Jalon <ne-pas-repondre@jalon.invalid>",
        hide_default_value = true
    )]
    pub mail_from: String,
    /// Adresse publique de Jalon, pour les liens envoyés aux candidats (https://jalon.centre.fr)
    #[arg(long, value_name = "URL", env = "JALON_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Dossier des modèles du centre (Typst), qui remplacent les modèles intégrés de même nom
    /// (entete.typ pour le seul papier à en-tête)
    #[arg(long, value_name = "DOSSIER", env = "JALON_TEMPLATES")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CentreCommand {
    /// Crée un autre centre dans une instance existante, sans utilisateur : ajoutez ensuite
    /// son administrateur (jalon user add --centre NOM)
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    Add(CentreAddArgs),
    /// Liste les centres de l'instance
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options ")]
    List(CentreListArgs),
}

#[derive(Debug, Args)]
pub struct CentreAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Nom du centre à créer
    #[arg(value_name = "NOM")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CentreListArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Adresse électronique (identifiant de connexion)
    #[arg(long, value_name = "ADRESSE")]
    pub email: String,
    /// Nom affiché
    #[arg(long, value_name = "NOM")]
    pub name: String,
    /// Rôle : admin, manager (responsable de session) ou inspector (lecture seule) [défaut : admin]
    #[arg(long, value_name = "admin|manager|inspector", default_value = "admin", hide_default_value = true, value_parser = role_arg)]
    pub role: jalon_store::Role,
    /// Nom du centre : obligatoire sur une base vide (il est créé), sinon pour choisir parmi
    /// plusieurs centres
    #[arg(long, value_name = "NOM")]
    pub centre: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Sortie JSON
    #[arg(long)]
    pub json: bool,
    /// Date du jour pour le calcul des retards (par défaut aujourd'hui, heure de Paris)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub today: Option<Date>,
}

fn listen_arg(s: &str) -> Result<std::net::SocketAddr, String> {
    s.parse().map_err(|_| format!("« {s} » n'est pas une adresse d'écoute (forme attendue : IP:PORT, par exemple 127.0.0.1:8080)"))
}

fn role_arg(s: &str) -> Result<jalon_store::Role, String> {
    jalon_store::Role::parse(s)
        .ok_or_else(|| format!("rôle inconnu « {s} » (attendu : admin, manager ou inspector)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Ics,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Premier jour d'épreuves (D), AAAA-MM-JJ
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub start: Date,
    /// Dernier jour d'épreuves (F) ; par défaut le premier
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub end: Option<Date>,
    /// Titre de transport (transmission sous 48 h, pas de règle de nouvelle présentation)
    #[arg(long)]
    pub transport: bool,
    /// Délai de transmission propre au titre, quand son arrêté le fixe : « 5 », « 5 jours
    /// ouvrés », « 48 h » [défaut : 48 h pour un titre de transport, 5 jours sinon]
    #[arg(long, value_name = "DÉLAI", value_parser = transmit_arg)]
    pub transmit: Option<jalon_core::transmit::TransmitDelay>,
    /// Type de session : title (titre complet) ou ccp [défaut : title]
    #[arg(long, value_name = "title|ccp", default_value = "title", hide_default_value = true, value_parser = kind_arg)]
    pub kind: Kind,
    /// Domaine du titre, pour l'adresse de l'AFPA à relancer : btp, industry ou tertiary
    #[arg(long, value_name = "btp|industry|tertiary", value_parser = domain_arg)]
    pub domain: Option<Domain>,
    /// Date d'échéance du titre
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub title_expiry: Option<Date>,
    /// Fin de formation d'un candidat (T), pour le délai de nouvelle présentation
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub training_end: Option<Date>,
    /// Zone des jours fériés : metropole ou alsace-moselle [défaut : metropole]
    #[arg(long, value_name = "metropole|alsace-moselle", default_value = "metropole", hide_default_value = true, value_parser = zone_arg)]
    pub zone: Zone,
    /// Date du jour pour le calcul des retards (par défaut aujourd'hui, heure de Paris)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub today: Option<Date>,
    /// Fichier de règles TOML qui remplace les règles intégrées
    #[arg(long, value_name = "FICHIER", env = "JALON_RULES")]
    pub rules: Option<PathBuf>,
    /// Format de sortie : table, json ou ics [défaut : table]
    #[arg(long, value_name = "table|json|ics", default_value = "table", hide_default_value = true, value_parser = format_arg)]
    pub format: Format,
}

fn date_arg(s: &str) -> Result<Date, String> {
    fr::parse_date(s)
}

/// `jalon plan` plans title and CCP sessions (its contract); CCS sessions live in the server.
fn kind_arg(s: &str) -> Result<Kind, String> {
    match s.parse() {
        Ok(k @ (Kind::Title | Kind::Ccp)) => Ok(k),
        _ => Err(format!(
            "type de session inconnu « {s} » (attendu : title ou ccp)"
        )),
    }
}

fn transmit_arg(s: &str) -> Result<jalon_core::transmit::TransmitDelay, String> {
    jalon_core::transmit::parse(s)?.ok_or_else(|| {
        "délai vide (attendu : un nombre de jours, par exemple « 5 » ou « 5 jours ouvrés »)"
            .to_owned()
    })
}

fn domain_arg(s: &str) -> Result<Domain, String> {
    s.parse()
}

fn zone_arg(s: &str) -> Result<Zone, String> {
    s.parse()
}

fn format_arg(s: &str) -> Result<Format, String> {
    Format::from_str(s, false)
        .map_err(|_| format!("format inconnu « {s} » (attendu : table, json ou ics)"))
}

/// The first argument name of an error's context, without its value placeholder
/// (`--start <DATE>` gives `--start`).
fn arg_name(err: &clap::Error) -> Option<String> {
    match err.get(ContextKind::InvalidArg)? {
        ContextValue::String(s) => Some(s.split(' ').next().unwrap_or(s).to_owned()),
        ContextValue::Strings(v) => v
            .first()
            .map(|s| s.split(' ').next().unwrap_or(s).to_owned()),
        _ => None,
    }
}

/// The expected form of a flag, for messages about a missing value.
fn expected_form(flag: &str) -> &'static str {
    match flag {
        "--kind" => "title ou ccp",
        "--domain" => "btp, industry ou tertiary",
        "--zone" => "metropole ou alsace-moselle",
        "--format" => "table, json ou ics",
        "--rules" => "un chemin de fichier TOML",
        "--listen" => "IP:PORT, par exemple 127.0.0.1:8080",
        "--data-dir" => "un dossier",
        "--database-url" => "postgres://utilisateur@hôte:5432/base",
        "--role" => "admin, manager ou inspector",
        "--email" => "une adresse électronique",
        "--name" | "--centre" => "un nom",
        "--smtp-url" => "smtps://utilisateur:mot-de-passe@hôte:465",
        "--public-url" => "https://jalon.centre.fr",
        "--mail-from" => "Centre <examens@centre.fr>",
        "--start" | "--end" | "--title-expiry" | "--training-end" | "--today" => {
            "une date AAAA-MM-JJ ou JJ/MM/AAAA"
        }
        "--transport" | "--json" | "--secure-cookies" | "--dry-run" => {
            "l'option seule, sans valeur"
        }
        "--session" => "l'identifiant d'une session",
        "--candidate" => "l'identifiant d'un candidat",
        "--out" => "un fichier .pdf ou un dossier",
        "--templates" => "un dossier de modèles Typst",
        _ => "voir « jalon --help »",
    }
}

/// The commands that could stand where `name` was typed: those of the command named before
/// it (`jalon user list` → add), or the top-level ones.
fn subcommands_before(name: &str, args: &[String]) -> Vec<String> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    for a in args.iter().take_while(|a| *a != name) {
        match cmd.find_subcommand(a) {
            Some(sub) => cmd = sub.clone(),
            None => continue,
        }
    }
    cmd.get_subcommands()
        .map(|c| c.get_name().to_owned())
        .filter(|n| n != "help")
        .collect()
}

/// One French line for a command-line error clap found.
pub fn french_error(err: &clap::Error) -> String {
    let flag = arg_name(err).unwrap_or_default();
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    match err.kind() {
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(err)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("{flag} : {reason}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "{flag} est obligatoire (forme attendue : {flag} {})",
                expected_form(&flag)
            )
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!(
                "{flag} attend une valeur (forme attendue : {flag} {})",
                expected_form(&flag)
            )
        }
        ErrorKind::InvalidValue => format!(
            "{flag} : valeur « {value} » invalide (attendu : {})",
            expected_form(&flag)
        ),
        ErrorKind::UnknownArgument if flag.starts_with('-') => {
            format!("option inconnue : {flag} (voir « jalon --help »)")
        }
        ErrorKind::UnknownArgument => {
            format!("argument inattendu : « {flag} » (voir « jalon --help »)")
        }
        ErrorKind::InvalidSubcommand => {
            let name = match err.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let known = subcommands_before(&name, &std::env::args().skip(1).collect::<Vec<_>>());
            format!(
                "commande inconnue : {name} (commandes disponibles : {})",
                known.join(", ")
            )
        }
        ErrorKind::ArgumentConflict => format!("{flag} est donné plusieurs fois"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!(
                "{flag} : trop de valeurs (forme attendue : {flag} {})",
                expected_form(&flag)
            )
        }
        ErrorKind::InvalidUtf8 if !flag.is_empty() => {
            format!("{flag} : la valeur n'est pas du texte UTF-8 valide")
        }
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8 valide".to_owned(),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "indiquez une commande (voir « jalon --help »)".to_owned()
        }
        _ => "arguments invalides (voir « jalon --help »)".to_owned(),
    }
}
