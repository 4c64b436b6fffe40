//! A small in-memory limit on login attempts: 10 a minute per account.
//!
//! Why not `governor`: it limits a rate of requests, while this counts attempts in a window
//! that a successful login clears, and tells how long until the next try (`Retry-After`);
//! with governor's keyed limiter the reset on success and the per-key cleanup would be ours
//! to write anyway, around a dependency. Issue « Trust under attack » makes it per address
//! as well.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
const MAX_ATTEMPTS: u32 = 10;

#[derive(Default)]
pub struct Limiter {
    attempts: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Too many attempts: the whole seconds until the next one is counted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl Limiter {
    /// Counts an attempt for `key`; refused when there were too many in the last minute.
    pub fn check(&self, key: &str) -> Result<(), RetryAfter> {
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
        if entry.1 <= MAX_ATTEMPTS {
            Ok(())
        } else {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            Err(RetryAfter(left.as_secs().max(1)))
        }
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
            assert_eq!(l.check("a@b.fr"), Ok(()));
        }
        let refused = l.check("A@B.fr ").unwrap_err();
        assert!((1..=60).contains(&refused.0), "{refused:?}");
        assert_eq!(l.check("other@b.fr"), Ok(()));
        l.success("a@b.fr");
        assert_eq!(l.check("a@b.fr"), Ok(()));
    }
}
