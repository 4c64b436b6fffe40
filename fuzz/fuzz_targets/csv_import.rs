//! Any bytes given as a file of candidates: the reader never panics, and every line it
//! accepts writes back to a CSV that reads again to the same candidates.
#![no_main]

use jalon_docs::csv_import::{read_candidates, write_candidates};
use jiff::civil::date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = date(2026, 11, 28);
    let report = read_candidates(data, today);
    if report.is_valid() {
        let again = read_candidates(write_candidates(&report.candidates()).as_bytes(), today);
        assert!(again.is_valid(), "{:?}", again.errors());
        assert_eq!(again.candidates(), report.candidates());
    }
});
