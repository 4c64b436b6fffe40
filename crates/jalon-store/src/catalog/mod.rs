//! What an administrator records once: sites, titles (with their CCPs and épreuves) and
//! approvals (agréments) with their declared session managers.

mod approvals;
mod sites;
mod titles;

pub use approvals::{Approval, ApprovalInput};
pub use sites::{Site, SiteInput};
pub use titles::{Ccp, Epreuve, EpreuveKind, Title, TitleInput, TitleStructure};
