//! Documents that Jalon produces from a session: for now, its chronology as an iCalendar file.

pub mod csv_import;
pub mod ics;
