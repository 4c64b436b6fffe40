//! `jalon`: the command line of Jalon.

mod args;
mod backup_cmd;
mod candidates_cmd;
mod check_cmd;
mod db;
mod demo;
mod docs_cmd;
mod journal_cmd;
mod jurors_cmd;
mod plan_cmd;
mod purge_cmd;
mod serve_cmd;
mod table;
mod user_cmd;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use args::{Cli, Command};

/// A failure to report: one French message, and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// The user's input is wrong (exit code 2, like a usage error).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// The work could not be done (exit code 1).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

/// The flag whose value is not UTF-8, if an argument is not: « --start », or the position.
fn non_utf8_argument() -> Option<String> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let bad = args.iter().position(|a| a.to_str().is_none())?;
    let lossy = args[bad].to_string_lossy();
    let flag = match lossy.split_once('=') {
        Some((flag, _)) if flag.starts_with("--") => flag.to_owned(),
        _ => match args.get(bad.wrapping_sub(1)).and_then(|a| a.to_str()) {
            Some(prev) if prev.starts_with("--") => prev.to_owned(),
            _ => format!("l'argument n° {bad}"),
        },
    };
    Some(flag)
}

fn main() -> ExitCode {
    if let Some(flag) = non_utf8_argument() {
        eprintln!("jalon : {flag} : la valeur n'est pas du texte UTF-8 valide");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("jalon : {}", args::french_error(&e));
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Plan(a) => plan_cmd::run(a),
        Command::Serve(a) => serve_cmd::run(a),
        Command::Demo(a) => demo::run(a),
        Command::User(c) => user_cmd::run(c),
        Command::Centre(c) => user_cmd::centre(c),
        Command::Journal(c) => journal_cmd::run(c),
        Command::Check(a) => check_cmd::run(a),
        Command::Import(c) => candidates_cmd::import(c),
        Command::Export(c) => candidates_cmd::export(c),
        Command::Docs(c) => docs_cmd::run(c),
        Command::VerifyArchive(a) => docs_cmd::verify_archive(a),
        Command::Purge(a) => purge_cmd::run(a),
        Command::Backup(a) => backup_cmd::backup(a),
        Command::Restore(a) => backup_cmd::restore(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("jalon : {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
