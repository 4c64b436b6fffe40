//! The data directory holds personal data: created for its owner alone.

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_database_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("jalon-data");
    let store = jalon_store::Store::open_data_dir(&dir).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("jalon.db")), 0o600);
    store.close().await;
    // A directory made readable by others since is restricted again when Jalon opens it.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let store = jalon_store::Store::open_data_dir(&dir).await.unwrap();
    assert_eq!(mode(&dir), 0o700);
    store.close().await;
}
