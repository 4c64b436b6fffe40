//! A small in-memory limit on login attempts: 10 failures a minute per account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
const MAX_ATTEMPTS: u32 = 10;

#[derive(Default)]
pub struct Limiter {
    attempts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    /// Counts an attempt for `key`; `false` when there were too many in the last minute.
    pub fn check(&self, key: &str) -> bool {
        let key = key.trim().to_lowercase();
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = map.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= MAX_ATTEMPTS
    }

    /// A successful login clears the account's count.
    pub fn success(&self, key: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&key.trim().to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_attempts_a_minute_then_refused_until_success() {
        let l = Limiter::default();
        for _ in 0..10 {
            assert!(l.check("a@b.fr"));
        }
        assert!(!l.check("A@B.fr "));
        assert!(l.check("other@b.fr"));
        l.success("a@b.fr");
        assert!(l.check("a@b.fr"));
    }
}
