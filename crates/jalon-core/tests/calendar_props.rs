//! Properties of the working calendar, over random dates of 1900–2200 in both zones.

use jalon_core::Zone;
use jalon_core::calendar::{add_months, advised, easter, is_working_day};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn any_date() -> impl Strategy<Value = Date> {
    // Every day from 1900-01-01 to 2200-12-31.
    (0i64..110_206).prop_map(|n| date(1900, 1, 1).checked_add(n.days()).unwrap())
}

fn any_zone() -> impl Strategy<Value = Zone> {
    prop_oneof![Just(Zone::Metropole), Just(Zone::AlsaceMoselle)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn advised_is_a_working_day_on_or_before_the_deadline_with_none_in_between(
        deadline in any_date(), zone in any_zone()
    ) {
        let a = advised(deadline, zone).unwrap();
        prop_assert!(a <= deadline);
        prop_assert!(is_working_day(a, zone), "{a} is not a working day");
        let mut d = a.tomorrow().unwrap();
        while d <= deadline {
            prop_assert!(!is_working_day(d, zone), "{d} lies between {a} and {deadline}");
            d = d.tomorrow().unwrap();
        }
        // French holidays never chain more than four days with a weekend.
        prop_assert!((deadline - a).get_days() <= 4);
    }

    #[test]
    fn month_arithmetic_lands_in_the_target_month_clamped(
        start in any_date(), months in -120i32..=120
    ) {
        let got = add_months(start, months).unwrap();
        let index = |d: Date| i32::from(d.year()) * 12 + i32::from(d.month());
        prop_assert_eq!(index(got), index(start) + months, "{} + {} months = {}", start, months, got);
        prop_assert_eq!(got.day(), start.day().min(got.days_in_month()));
    }

    #[test]
    fn alsace_moselle_has_every_holiday_of_metropole(d in any_date()) {
        if !is_working_day(d, Zone::AlsaceMoselle) {
            return Ok(());
        }
        prop_assert!(is_working_day(d, Zone::Metropole));
    }
}

/// Easter by the Gregorian epact method (Knuth, TAOCP vol. 1, §1.3.2, algorithm E):
/// golden number, century corrections and epact, an independent formulation of the computus.
fn easter_by_epact(year: i32) -> Date {
    let g = year % 19 + 1;
    let c = year / 100 + 1;
    let x = 3 * c / 4 - 12;
    let z = (8 * c + 5) / 25 - 5;
    let d = 5 * year / 4 - x - 10;
    let mut e = (11 * g + 20 + z - x).rem_euclid(30);
    if (e == 25 && g > 11) || e == 24 {
        e += 1;
    }
    let mut n = 44 - e;
    if n < 21 {
        n += 30;
    }
    n = n + 7 - (d + n).rem_euclid(7);
    if n > 31 {
        date(year as i16, 4, (n - 31) as i8)
    } else {
        date(year as i16, 3, n as i8)
    }
}

#[test]
fn easter_agrees_with_the_epact_method_from_1900_to_2200() {
    for year in 1900..=2200 {
        let e = easter(year as i16);
        assert_eq!(e, easter_by_epact(year), "Easter {year}");
        assert_eq!(
            e.weekday(),
            jiff::civil::Weekday::Sunday,
            "Easter {year} is a Sunday"
        );
        assert!(e >= date(year as i16, 3, 22) && e <= date(year as i16, 4, 25));
    }
}
