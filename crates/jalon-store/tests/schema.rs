//! The two migration folders describe the same schema: the same tables, the same columns,
//! the same nullability. A column added on one backend only fails here.

mod common;

use std::collections::BTreeSet;

use jalon_store::Store;

/// `table.column` and whether it may be NULL, for every table of the application.
type Shape = BTreeSet<(String, String, bool)>;

async fn sqlite_shape(store: &Store) -> Shape {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut shape = Shape::new();
    for (table,) in tables {
        let columns: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT name, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(&table)
                .fetch_all(store.pool())
                .await
                .unwrap();
        for (column, not_null, pk) in columns {
            // SQLite lets a text primary key hold NULL unless told otherwise; PostgreSQL
            // never does. Jalon never writes one.
            shape.insert((table.clone(), column, not_null == 0 && pk == 0));
        }
    }
    shape
}

async fn postgres_shape(store: &Store) -> Shape {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(is_nullable AS TEXT) \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(t, c, nullable)| (t, c, nullable == "YES"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgresql_migrations_give_the_same_schema() {
    let Some(pg) = common::postgres().await else {
        return;
    };
    let sqlite = common::sqlite().await;
    let (a, b) = (
        sqlite_shape(&sqlite.store).await,
        postgres_shape(&pg.store).await,
    );
    assert!(a.len() > 50, "the SQLite schema was read: {a:?}");
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "SQLite only: {only_sqlite:?}\nPostgreSQL only: {only_postgres:?}"
    );
}
