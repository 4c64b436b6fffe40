//! The attributes of a session that the chronology depends on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::fr;

/// What the session certifies: the full title, CCPs taken separately, or a certificat
/// complémentaire de spécialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Title,
    Ccp,
    Ccs,
}

/// The family of the title, which decides the AFPA mailbox for the DTE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Btp,
    Industry,
    #[default]
    Tertiary,
}

macro_rules! named_enum {
    ($ty:ident, $what:literal, [$(($variant:ident, $name:literal, $label:literal)),+ $(,)?]) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }

            /// French name, for the UI.
            pub fn label(self) -> &'static str {
                match self { $($ty::$variant => $label),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!(concat!($what, " inconnu « {} » (attendu : {})"), s, fr::alternatives(&names))
                })
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    Kind,
    "type de session",
    [
        (Title, "title", "titre complet"),
        (Ccp, "ccp", "CCP"),
        (Ccs, "ccs", "CCS")
    ]
);
named_enum!(
    Domain,
    "domaine",
    [
        (Btp, "btp", "BTP"),
        (Industry, "industry", "industrie"),
        (Tertiary, "tertiary", "tertiaire")
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_explained() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>(), Ok(*k));
        }
        for d in Domain::ALL {
            assert_eq!(d.as_str().parse::<Domain>(), Ok(*d));
        }
        assert_eq!(
            "vae".parse::<Kind>(),
            Err("type de session inconnu « vae » (attendu : title, ccp ou ccs)".to_owned())
        );
        assert!(
            "agriculture"
                .parse::<Domain>()
                .unwrap_err()
                .contains("btp, industry ou tertiary")
        );
    }
}
