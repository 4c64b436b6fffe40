//! One contract, two backends: every test of `contract.rs` runs on a fresh SQLite file and,
//! when `JALON_TEST_POSTGRES` gives a server URL, on a fresh PostgreSQL database dropped after.

#![allow(dead_code)]

use std::io::Write;
use std::sync::Once;

use jalon_store::{Clock, Store};

/// 28 November 2026, 10:00 in Paris: "today" for every contract test.
pub fn clock() -> Clock {
    Clock::Fixed("2026-11-28T09:00:00Z".parse().unwrap())
}

pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.drop_pg.take() {
            // Runs even when the test failed; FORCE ends the pool's connections.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_data_dir(dir.path())
        .await
        .unwrap()
        .with_clock(clock());
    TestDb {
        store,
        _dir: Some(dir),
        drop_pg: None,
    }
}

/// A fresh PostgreSQL database, or `None` (and a note on stderr) without `JALON_TEST_POSTGRES`.
pub async fn postgres() -> Option<TestDb> {
    let Ok(admin_url) = std::env::var("JALON_TEST_POSTGRES") else {
        static NOTE: Once = Once::new();
        NOTE.call_once(|| {
            // Written past the test harness's capture, so that it shows in every run.
            let _ = writeln!(
                std::io::stderr(),
                "PostgreSQL contract tests skipped: JALON_TEST_POSTGRES is not set \
                 (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
        });
        return None;
    };
    use sqlx::Connection;
    let name = format!("jalon_test_{}", uuid_like());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("JALON_TEST_POSTGRES reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    let url = match admin_url.rfind('/') {
        Some(i) if admin_url[..i].contains("//") && i > admin_url.find("//").unwrap() + 1 => {
            format!("{}/{name}", &admin_url[..i])
        }
        _ => format!("{}/{name}", admin_url.trim_end_matches('/')),
    };
    let store = Store::open(&url).await.unwrap().with_clock(clock());
    Some(TestDb {
        store,
        _dir: None,
        drop_pg: Some((admin_url, name)),
    })
}

/// A name no other test database has: this process, a counter within it, and the time.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{n}_{nanos}", std::process::id())
}

/// Declares each `async fn name(store: Store)` as a test on both backends:
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::common::sqlite().await;
                super::$name(db.store.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::common::postgres().await else { return };
                super::$name(db.store.clone()).await;
            }
        }
    )*};
}
