//! Whole session plans per second: `cargo bench -p jalon-core --bench plan`.
//!
//! Each iteration plans one session of a rotating set of 512 sessions (starts spread over
//! 2027–2029, both zones, with and without transport, title expiry and training end), so
//! the figure is not one cached date. Target: ≥ 50 000 plans/s on one core (≤ 20 µs a plan).

use divan::{Bencher, black_box};
use jalon_core::plan::PlanInput;
use jalon_core::{Domain, Kind, Rulebook, Zone, plan};
use jiff::ToSpan;
use jiff::civil::date;

fn main() {
    divan::main();
}

fn sessions() -> Vec<PlanInput> {
    (0..512i64)
        .map(|n| {
            let start = date(2027, 1, 4).checked_add((n * 2).days()).unwrap();
            let mut i = PlanInput::new(start, date(2026, 11, 28));
            i.end = Some(start.checked_add((n % 5).days()).unwrap());
            i.transport = n % 7 == 0;
            i.kind = if n % 3 == 0 { Kind::Ccp } else { Kind::Title };
            i.domain = Some([Domain::Btp, Domain::Industry, Domain::Tertiary][(n % 3) as usize]);
            i.zone = if n % 2 == 0 {
                Zone::Metropole
            } else {
                Zone::AlsaceMoselle
            };
            i.title_expiry = (n % 4 == 0).then(|| start.checked_add(-100.days()).unwrap());
            i.training_end = (n % 2 == 0).then(|| start.checked_add(-3.days()).unwrap());
            i
        })
        .collect()
}

#[divan::bench]
fn whole_plan(bencher: Bencher) {
    let book = Rulebook::embedded();
    let inputs = sessions();
    let mut n = 0usize;
    bencher
        .counter(divan::counter::ItemsCount::new(1usize))
        .bench_local(|| {
            n = (n + 1) % inputs.len();
            black_box(plan(&book, black_box(&inputs[n])).unwrap().milestones.len())
        });
}

#[divan::bench]
fn load_embedded_rulebook() -> Rulebook {
    Rulebook::embedded()
}
