//! Documents that Jalon produces from a session: its convocations, postings and sign-in
//! sheets as PDF, its chronology as an iCalendar file, and the candidate files it reads.

#[cfg(feature = "pdf")]
pub mod archive;
pub mod csv_import;
pub mod csv_jurors;
pub mod ics;
#[cfg(feature = "pdf")]
pub mod pdf;
