//! `jalon serve` and the serving half of `jalon demo`.

use jalon_store::Store;
use jalon_web::AppState;

use crate::Failure;
use crate::args::ServeArgs;

pub const DEFAULT_DIR: &str = "jalon-data";

pub fn run(a: ServeArgs) -> Result<(), Failure> {
    init_logs();
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, DEFAULT_DIR).await?;
        if store.is_demo().await? {
            eprintln!("Attention : ces données sont une démonstration (jalon demo).");
        }
        serve(store, &a).await
    })
}

pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("JALON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub async fn serve(store: Store, a: &ServeArgs) -> Result<(), Failure> {
    // A server that cannot write would answer every form with an error: it does not start.
    store.check_writes().await.map_err(|why| {
        Failure::runtime(format!(
            "Jalon ne démarre pas : la base de données refuse les écritures — {why}."
        ))
    })?;
    // The centre's templates, if any; the embedded ones otherwise (AppState's default).
    let docs = match &a.templates {
        Some(dir) => {
            let docs = jalon_docs::pdf::Renderer::new(Some(dir))
                .map_err(|e| Failure::usage(format!("--templates : {e}")))?;
            println!("Modèles de documents du centre : « {} »", dir.display());
            Some(docs)
        }
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(a.listen)
        .await
        .map_err(|e| Failure::runtime(format!("impossible d'écouter sur {} : {e}", a.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::runtime(e.to_string()))?;
    println!("Jalon écoute sur http://{addr}  (Ctrl+C pour arrêter)");
    if store.centre_count().await? == 0 {
        println!(
            "Base vide : ouvrez http://{addr} pour créer votre centre et son administrateur \
             (ou utilisez « jalon user add »)."
        );
    }
    let public_url = a
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let mail = match &a.smtp_url {
        Some(url) => jalon_web::mailer::MailSettings::smtp(url, &a.mail_from, &public_url)
            .map_err(Failure::usage)?,
        None => {
            let outbox = crate::db::data_dir(&a.db, DEFAULT_DIR).join("outbox");
            println!(
                "Courriels écrits dans « {} » (pas de --smtp-url)",
                outbox.display()
            );
            let mut m = jalon_web::mailer::MailSettings::outbox(outbox, &public_url);
            m.from = a.mail_from.parse().map_err(|_| Failure::usage(format!("--mail-from : « {} » n'est pas une adresse (forme attendue : Centre <examens@centre.fr>)", a.mail_from)))?;
            m
        }
    };
    if a.purge_daily {
        tokio::spawn(purge_daily(store.clone()));
    }
    let mut state = AppState::new(store.clone(), a.secure_cookies).with_mail(mail);
    state.behind_proxy = a.behind_proxy;
    if let Some(docs) = docs {
        state = state.with_docs(docs);
    }
    jalon_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| Failure::runtime(format!("le serveur s'est arrêté : {e}")))?;
    store.close().await;
    println!("Jalon arrêté proprement.");
    Ok(())
}

/// `--purge-daily`: the sessions whose retention period is over are anonymised at start,
/// then every 24 hours (several servers on one database never purge a session twice).
async fn purge_daily(store: Store) {
    loop {
        match crate::purge_cmd::purge_due(&store, false).await {
            Ok(r) if r.purged > 0 => {
                for line in &r.lines {
                    println!("Anonymisation quotidienne — {line}");
                }
            }
            Ok(_) => {}
            Err(f) => tracing::error!(error = %f.message, "anonymisation quotidienne impossible"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 60 * 60)).await;
    }
}

/// Ctrl+C or SIGTERM: stop accepting, finish the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
