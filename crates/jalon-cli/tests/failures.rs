//! Jalon refuses to start, at once and in French, where it could not write: a full disk, a
//! data directory that is not its own. (Before, it started or hung for half a minute, then
//! said « pool timed out ».)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `jalon serve` on `data`, through `wrapper` (e.g. `setpriv …`) when given; its output and
/// how long it took to give up.
fn serve(data: &Path, wrapper: &[&str]) -> (Output, Duration) {
    let bin = env!("CARGO_BIN_EXE_jalon");
    let data = data.to_str().unwrap();
    let args = ["serve", "--data-dir", data, "--listen", "127.0.0.1:0"];
    let mut c = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(bin).args(args);
            c
        }
        None => {
            let mut c = Command::new(bin);
            c.args(args);
            c
        }
    };
    let started = Instant::now();
    let out = c
        .env_remove("JALON_DATA_DIR")
        .env_remove("JALON_JOURNAL_KEY")
        .env("JALON_LOG", "warn")
        .output()
        .unwrap();
    (out, started.elapsed())
}

/// A small disk, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| SmallDisk(at.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_refused_at_start_in_french() {
    if !is_root() {
        println!("skipped: mounting a small disk needs root (this test runs as another user)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(&dir.path().join("petit-disque"), "1m") else {
        println!("skipped: this machine does not let the tests mount a tmpfs");
        return;
    };
    // Fill it to the last byte.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(disk.0.join("plein")).unwrap();
        while f.write_all(&[7u8; 16 * 1024]).is_ok() {}
        while f.write_all(&[7u8; 512]).is_ok() {}
    }
    let (out, took) = serve(&disk.0.join("donnees"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("Jalon ne peut pas écrire dans le dossier de données")
            && err.contains("le disque est plein"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "gave up after {took:?}");
}

#[test]
fn a_data_directory_that_is_not_writable_is_refused_at_start_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("donnees");
    std::fs::create_dir(&data).unwrap();
    let mode = |p: &Path, m: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    mode(dir.path(), 0o755);
    // Root writes everywhere: the server then runs as « nobody », whom the directory is
    // not open to; another user finds it read-only.
    let wrapper: &[&str] = if is_root() {
        if Command::new("setpriv").arg("--version").output().is_err() {
            println!("skipped: running as root without setpriv to drop the rights");
            return;
        }
        mode(&data, 0o755);
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        mode(&data, 0o555);
        &[]
    };
    let (out, took) = serve(&data, wrapper);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("Jalon ne peut pas écrire dans le dossier de données")
            && err.contains("accès refusé : donnez à Jalon un dossier où il peut écrire"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "gave up after {took:?}");
}

#[test]
fn a_read_only_database_is_refused_at_start_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_jalon");
    let key = dir.path().join("journal-key");
    let key = key.to_str().unwrap();
    // A database created and sealed, then opened read-only.
    let made = Command::new(bin)
        .args(["journal", "verify", "--data-dir"])
        .arg(dir.path())
        .args(["--journal-key", key])
        .env_remove("JALON_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let url = format!("sqlite://{}?mode=ro", dir.path().join("jalon.db").display());
    let started = Instant::now();
    let out = Command::new(bin)
        .args(["serve", "--database-url", &url, "--journal-key", key])
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("JALON_DATA_DIR")
        .env("JALON_LOG", "warn")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("Jalon ne démarre pas : la base de données refuse les écritures")
            && err.contains("lecture seule"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}
