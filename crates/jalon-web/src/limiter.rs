//! Login throttling that slows an attacker without locking the real user out (ASVS 2.2.1).
//!
//! Three counts of strikes, each with a few free attempts and then a delay that doubles with
//! every further strike (1 s, 2 s, 4 s … up to a ceiling) — a growing delay, never a wall:
//!
//! - per **account and source address**: someone guessing one account from one address
//!   (5 free, then up to 5 min between tries);
//! - per **source address**, whatever the account: password spraying from one address
//!   (20 free, then up to 5 min);
//! - per **account**, whatever the address (50 free, then up to 2 min): a guesser spread over
//!   many addresses gets fewer than 100 tries an hour on one account. Addresses from which the
//!   account signed in successfully are exempt, so that a stranger hammering the account does
//!   not keep its owner out of their usual office.
//!
//! An attempt counts as a strike when it is let through; a successful login takes its strike
//! back and clears its account-and-address count. A refused attempt counts nothing: the
//! attacker gets one try per delay, no more, no less. A count is forgiven after an hour
//! without strikes. Everything is in memory: a restart forgets it (and the attacker's lead).
//!
//! Why not `governor`: it limits a rate of requests, while this counts strikes that a success
//! clears, with delays that grow, and exempts known addresses; around governor's keyed
//! limiter all of that would be ours to write anyway.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A kind of count: free strikes, the ceiling of the delay, and when it is forgiven.
#[derive(Debug, Clone, Copy)]
struct Tier {
    free: u32,
    ceiling: Duration,
    forgive: Duration,
}

const PAIR: Tier = Tier {
    free: 5,
    ceiling: Duration::from_secs(300),
    forgive: Duration::from_secs(3600),
};
const ADDRESS: Tier = Tier {
    free: 20,
    ceiling: Duration::from_secs(300),
    forgive: Duration::from_secs(3600),
};
const ACCOUNT: Tier = Tier {
    free: 50,
    ceiling: Duration::from_secs(120),
    forgive: Duration::from_secs(3600),
};
/// How long an address stays known for an account after a successful login.
const KNOWN_FOR: Duration = Duration::from_secs(90 * 24 * 3600);
/// Past this many entries, forgiven counts are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Strikes {
    count: u32,
    last: Instant,
}

impl Strikes {
    /// How long until the next attempt is let through (zero: now).
    fn wait(&self, tier: Tier, now: Instant) -> Duration {
        let since = now.saturating_duration_since(self.last);
        if since >= tier.forgive || self.count < tier.free {
            return Duration::ZERO;
        }
        let doublings = (self.count - tier.free).min(20);
        let delay = Duration::from_secs(1u64 << doublings).min(tier.ceiling);
        delay.saturating_sub(since)
    }

    fn strike(entry: &mut Option<Strikes>, tier: Tier, now: Instant) {
        let count = match entry {
            Some(s) if now.saturating_duration_since(s.last) < tier.forgive => s.count,
            _ => 0,
        };
        *entry = Some(Strikes {
            count: count.saturating_add(1),
            last: now,
        });
    }
}

#[derive(Default)]
struct Counts {
    pairs: HashMap<(String, IpAddr), Strikes>,
    addresses: HashMap<IpAddr, Strikes>,
    accounts: HashMap<String, Strikes>,
    /// The addresses each account signed in from, and when last.
    known: HashMap<String, HashMap<IpAddr, Instant>>,
}

#[derive(Default)]
pub struct Limiter {
    counts: Mutex<Counts>,
}

/// Too many attempts: the whole seconds until the next one is let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Which count refused an attempt (for the security log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slowed {
    AccountFromAddress,
    Address,
    Account,
}

impl Slowed {
    pub fn as_str(self) -> &'static str {
        match self {
            Slowed::AccountFromAddress => "account_and_address",
            Slowed::Address => "address",
            Slowed::Account => "account",
        }
    }
}

/// An account as counted: trimmed, lower case (as the login compares addresses).
fn account_key(account: &str) -> String {
    account.trim().to_lowercase()
}

fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl Limiter {
    /// Lets an attempt on `account` from `address` through (and counts it as a strike until
    /// [`Limiter::success`] takes it back), or says how long to wait and which count refused.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), (RetryAfter, Slowed)> {
        self.check_at(account, address, Instant::now())
    }

    fn check_at(
        &self,
        account: &str,
        address: IpAddr,
        now: Instant,
    ) -> Result<(), (RetryAfter, Slowed)> {
        let account = account_key(account);
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.prune(now);
        let pair = (account.clone(), address);
        let known = c
            .known
            .get(&account)
            .and_then(|m| m.get(&address))
            .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_FOR);
        let mut waits = vec![
            (
                c.pairs.get(&pair).map(|s| s.wait(PAIR, now)),
                Slowed::AccountFromAddress,
            ),
            (
                c.addresses.get(&address).map(|s| s.wait(ADDRESS, now)),
                Slowed::Address,
            ),
        ];
        if !known {
            waits.push((
                c.accounts.get(&account).map(|s| s.wait(ACCOUNT, now)),
                Slowed::Account,
            ));
        }
        if let Some((wait, by)) = waits
            .into_iter()
            .filter_map(|(w, by)| w.map(|w| (w, by)))
            .max_by_key(|(w, _)| *w)
            .filter(|(w, _)| !w.is_zero())
        {
            return Err((RetryAfter(whole_seconds(wait).max(1)), by));
        }
        let mut e = c.pairs.remove(&pair);
        Strikes::strike(&mut e, PAIR, now);
        c.pairs.extend(e.map(|s| (pair, s)));
        let mut e = c.addresses.remove(&address);
        Strikes::strike(&mut e, ADDRESS, now);
        c.addresses.extend(e.map(|s| (address, s)));
        let mut e = c.accounts.remove(&account);
        Strikes::strike(&mut e, ACCOUNT, now);
        c.accounts.extend(e.map(|s| (account, s)));
        Ok(())
    }

    /// A successful login: its attempt was no strike, the account-and-address count is
    /// cleared, and the address becomes one the account is known to sign in from.
    pub fn success(&self, account: &str, address: IpAddr) {
        self.success_at(account, address, Instant::now());
    }

    fn success_at(&self, account: &str, address: IpAddr, now: Instant) {
        let account = account_key(account);
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.pairs.remove(&(account.clone(), address));
        if let Some(s) = c.addresses.get_mut(&address) {
            s.count = s.count.saturating_sub(1);
        }
        if let Some(s) = c.accounts.get_mut(&account) {
            s.count = s.count.saturating_sub(1);
        }
        let known = c.known.entry(account).or_default();
        if known.len() >= 32 {
            // The oldest address makes room.
            if let Some(oldest) = known.iter().min_by_key(|(_, at)| **at).map(|(a, _)| *a) {
                known.remove(&oldest);
            }
        }
        known.insert(address, now);
    }
}

impl Counts {
    fn prune(&mut self, now: Instant) {
        if self.pairs.len() > PRUNE_ABOVE {
            self.pairs
                .retain(|_, s| now.saturating_duration_since(s.last) < PAIR.forgive);
        }
        if self.addresses.len() > PRUNE_ABOVE {
            self.addresses
                .retain(|_, s| now.saturating_duration_since(s.last) < ADDRESS.forgive);
        }
        if self.accounts.len() > PRUNE_ABOVE {
            self.accounts
                .retain(|_, s| now.saturating_duration_since(s.last) < ACCOUNT.forgive);
        }
        if self.known.len() > PRUNE_ABOVE {
            self.known.retain(|_, m| {
                m.retain(|_, at| now.saturating_duration_since(*at) < KNOWN_FOR);
                !m.is_empty()
            });
        }
    }
}

/// A quota on the emails sent on request of strangers (password resets): at most
/// [`MailQuota::PER_ADDRESS`] an hour to one address, so that the form cannot flood someone's
/// mailbox, and [`MailQuota::PER_SOURCE`] requests an hour from one source address. Beyond,
/// the request is answered alike but nothing is sent. In memory, like the login counts.
#[derive(Default)]
pub struct MailQuota {
    recent: Mutex<HashMap<String, Vec<Instant>>>,
}

impl MailQuota {
    pub const PER_ADDRESS: usize = 3;
    pub const PER_SOURCE: usize = 20;
    const WINDOW: Duration = Duration::from_secs(3600);

    /// Counts a request for `email` from `from`, and says whether to send.
    pub fn allow(&self, email: &str, from: IpAddr) -> bool {
        self.allow_at(email, from, Instant::now())
    }

    fn allow_at(&self, email: &str, from: IpAddr, now: Instant) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() > PRUNE_ABOVE {
            recent.retain(|_, v| {
                v.iter()
                    .any(|t| now.saturating_duration_since(*t) < Self::WINDOW)
            });
        }
        let mut count = |key: String, limit: usize| {
            let times = recent.entry(key).or_default();
            times.retain(|t| now.saturating_duration_since(*t) < Self::WINDOW);
            times.len() < limit
        };
        let email = format!("mail:{}", account_key(email));
        let source = format!("from:{from}");
        if !(count(email.clone(), Self::PER_ADDRESS) && count(source.clone(), Self::PER_SOURCE)) {
            return false;
        }
        for key in [email, source] {
            recent.entry(key).or_default().push(now);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const ATTACKER: &str = "203.0.113.9";
    const OFFICE: &str = "192.0.2.10";

    #[test]
    fn five_free_tries_on_an_account_then_delays_that_double() {
        let l = Limiter::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(l.check_at("a@b.fr", ip(ATTACKER), t0), Ok(()));
        }
        // The sixth waits 1 s (the email as typed differently is the same account).
        let (wait, by) = l.check_at(" A@B.fr", ip(ATTACKER), t0).unwrap_err();
        assert_eq!((wait, by), (RetryAfter(1), Slowed::AccountFromAddress));
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(l.check_at("a@b.fr", ip(ATTACKER), t1), Ok(()));
        // Then 2 s, then 4 s: growing, never a wall.
        assert_eq!(
            l.check_at("a@b.fr", ip(ATTACKER), t1).unwrap_err().0,
            RetryAfter(2)
        );
        let t2 = t1 + Duration::from_secs(2);
        assert_eq!(l.check_at("a@b.fr", ip(ATTACKER), t2), Ok(()));
        assert_eq!(
            l.check_at("a@b.fr", ip(ATTACKER), t2).unwrap_err().0,
            RetryAfter(4)
        );
        // An hour of quiet forgives.
        let later = t2 + Duration::from_secs(3600);
        assert_eq!(l.check_at("a@b.fr", ip(ATTACKER), later), Ok(()));
    }

    #[test]
    fn the_owner_gets_in_from_their_usual_address_while_a_stranger_hammers() {
        let l = Limiter::default();
        let t0 = Instant::now();
        // Monday: the owner signs in from the office.
        l.check_at("claire@centre.fr", ip(OFFICE), t0).unwrap();
        l.success_at("claire@centre.fr", ip(OFFICE), t0);
        // A stranger tries a wrong password every second for an hour, from many addresses.
        let mut let_through = 0;
        let mut last_through = t0;
        let mut owner_kept_out = 0;
        for s in 1..3600u64 {
            let now = t0 + Duration::from_secs(s);
            let attacker = IpAddr::from([203, 0, 113, (s % 200) as u8]);
            if l.check_at("claire@centre.fr", attacker, now).is_ok() {
                let_through += 1;
                last_through = now;
            }
            // Every ten minutes the owner signs in from the office, and gets in.
            if s % 600 == 0 {
                match l.check_at("claire@centre.fr", ip(OFFICE), now) {
                    Ok(()) => l.success_at("claire@centre.fr", ip(OFFICE), now),
                    Err(_) => owner_kept_out += 1,
                }
            }
        }
        assert_eq!(owner_kept_out, 0);
        assert!(
            let_through < 100,
            "no more than 100 guesses an hour on one account (ASVS 2.2.1): {let_through}"
        );
        // An address the account never signed in from is slowed like the stranger.
        assert_eq!(
            l.check_at("claire@centre.fr", ip("198.51.100.7"), last_through)
                .unwrap_err()
                .1,
            Slowed::Account
        );
    }

    #[test]
    fn spraying_many_accounts_from_one_address_is_slowed() {
        let l = Limiter::default();
        let t0 = Instant::now();
        for n in 0..20 {
            assert_eq!(l.check_at(&format!("u{n}@b.fr"), ip(ATTACKER), t0), Ok(()));
        }
        let (wait, by) = l.check_at("u20@b.fr", ip(ATTACKER), t0).unwrap_err();
        assert_eq!((wait, by), (RetryAfter(1), Slowed::Address));
        // Another address is not slowed by it.
        assert_eq!(l.check_at("u20@b.fr", ip(OFFICE), t0), Ok(()));
    }

    #[test]
    fn successful_logins_from_a_shared_address_are_never_strikes() {
        let l = Limiter::default();
        let t0 = Instant::now();
        // A training centre's office behind one address: 200 people sign in in a morning.
        for n in 0..200 {
            let who = format!("p{n}@centre.fr");
            assert_eq!(l.check_at(&who, ip(OFFICE), t0), Ok(()), "{who}");
            l.success_at(&who, ip(OFFICE), t0);
        }
    }

    #[test]
    fn three_reset_emails_an_hour_to_one_address_then_none() {
        let q = MailQuota::default();
        let t0 = Instant::now();
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        // From several sources, the same address gets three, whatever its case.
        assert!(q.allow_at("claire@a.fr", ip(1), t0));
        assert!(q.allow_at("Claire@A.fr ", ip(2), t0));
        assert!(q.allow_at("claire@a.fr", ip(3), t0));
        assert!(!q.allow_at("claire@a.fr", ip(4), t0));
        // Another address is not held back by it.
        assert!(q.allow_at("paul@a.fr", ip(4), t0));
        // An hour later, one more.
        assert!(q.allow_at("claire@a.fr", ip(1), t0 + Duration::from_secs(3601)));
        // One source cannot spray many addresses.
        let q = MailQuota::default();
        for n in 0..MailQuota::PER_SOURCE {
            assert!(q.allow_at(&format!("p{n}@a.fr"), ip(9), t0));
        }
        assert!(!q.allow_at("last@a.fr", ip(9), t0));
    }
}
