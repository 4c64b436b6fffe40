//! `jalon user add`: the first administrator of a new centre, or another user;
//! `jalon centre add`/`list`: the centres of an instance.

use std::io::{BufRead, IsTerminal};

use jalon_store::users::NewUser;
use jalon_store::{Actor, Role};

use crate::Failure;
use crate::args::{CentreCommand, UserAddArgs, UserCommand};

pub fn run(c: UserCommand) -> Result<(), Failure> {
    match c {
        UserCommand::Add(a) => add(a),
    }
}

pub fn centre(c: CentreCommand) -> Result<(), Failure> {
    match c {
        CentreCommand::Add(a) => crate::db::runtime()?.block_on(async {
            let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
            let c = store.add_centre(&a.name).await?;
            println!(
                "Centre « {} » créé. Ajoutez son administrateur : jalon user add --centre \"{}\" --email … --name …",
                c.name, c.name
            );
            Ok(())
        }),
        CentreCommand::List(a) => crate::db::runtime()?.block_on(async {
            let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
            for c in store.centres().await? {
                println!("{}", c.name);
            }
            Ok(())
        }),
    }
}

fn password() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("JALON_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Mot de passe : ")
            .map_err(|e| Failure::runtime(e.to_string()))?;
        let again = rpassword::prompt_password("Confirmez : ")
            .map_err(|e| Failure::runtime(e.to_string()))?;
        if p != again {
            return Err(Failure::usage("les deux mots de passe diffèrent"));
        }
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::runtime(e.to_string()))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn add(a: UserAddArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let centres = store.centres().await?;
        let new = |password| NewUser {
            email: a.email.clone(),
            display_name: a.name.clone(),
            role: a.role,
            password,
        };
        if centres.is_empty() {
            let Some(centre) = &a.centre else {
                return Err(Failure::usage(
                    "--centre est obligatoire sur une base vide : c'est le nom du centre à créer",
                ));
            };
            if a.role != Role::Admin {
                return Err(Failure::usage(
                    "--role : le premier utilisateur d'un centre en est l'administrateur (admin)",
                ));
            }
            let (c, u) = store.create_centre(centre, new(password()?)).await?;
            println!(
                "Centre « {} » créé ; administrateur : {} <{}>.",
                c.name, u.display_name, u.email
            );
            return Ok(());
        }
        let centre = pick_centre(&centres, a.centre.as_deref())?;
        let actor = Actor::command_line(centre.id.clone());
        if a.role != Role::Admin && store.users(&actor).await?.is_empty() {
            return Err(Failure::usage(format!(
                "--role : le premier utilisateur du centre « {} » en est l'administrateur (admin)",
                centre.name
            )));
        }
        let u = store.add_user(actor.admin()?, new(password()?)).await?;
        println!(
            "Utilisateur {} <{}> ajouté au centre « {} » ({}).",
            u.display_name,
            u.email,
            centre.name,
            u.role.label()
        );
        Ok(())
    })
}

/// The centre `--centre` names, or the only one of the database.
pub fn pick_centre<'a>(
    centres: &'a [jalon_store::users::Centre],
    name: Option<&str>,
) -> Result<&'a jalon_store::users::Centre, Failure> {
    let names = || {
        centres
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => centres.iter().find(|c| c.name == name).ok_or_else(|| {
            Failure::usage(format!(
                "--centre : centre inconnu « {name} » (centres : {}) ; pour le créer : jalon centre add \"{name}\"",
                names()
            ))
        }),
        None if centres.len() == 1 => Ok(&centres[0]),
        None if centres.is_empty() => Err(Failure::usage(
            "la base n'a encore aucun centre : créez-le d'abord (jalon user add --centre …)",
        )),
        None => Err(Failure::usage(format!(
            "--centre est obligatoire : la base a plusieurs centres ({})",
            names()
        ))),
    }
}
