//! Typed ids and timestamps: a session's id cannot be given where a candidate's is expected,
//! and every instant is written in UTC at the same precision, so that text order is time
//! order on both backends.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::any::{Any, AnyTypeInfo};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new id: UUID v7, time-ordered, the same shape on both backends.
            pub(crate) fn generate() -> $name {
                $name(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> $name {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                $name(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A training centre: everything else belongs to one.
    CentreId
);
id_type!(
    /// A user account of a centre.
    UserId
);
id_type!(
    /// A site where sessions are held.
    SiteId
);
id_type!(
    /// A title (titre professionnel) as a centre records it.
    TitleId
);
id_type!(
    /// An approval (agrément) of a centre for a title on a site.
    ApprovalId
);
id_type!(
    /// An exam session.
    SessionId
);
id_type!(
    /// A candidate registered to a session.
    CandidateId
);
id_type!(
    /// A file attached to a milestone as its evidence.
    FileId
);
id_type!(
    /// A piece kept in a session's secure archive.
    PieceId
);
id_type!(
    /// A juror of a centre.
    JurorId
);
id_type!(
    /// A sealed packet of a session's DTE.
    PacketId
);
id_type!(
    /// An incident reported during a session.
    IncidentId
);

/// An instant, stored as RFC 3339 text in UTC with six fraction digits
/// (`2026-12-01T08:30:00.000000Z`): text order is time order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, format = DateTime, example = "2026-12-01T08:30:00.000000Z")
)]
pub struct Stamp(Timestamp);

impl Stamp {
    pub fn new(t: Timestamp) -> Stamp {
        Stamp(t)
    }

    pub fn timestamp(self) -> Timestamp {
        self.0
    }

    /// The text stored and sent.
    pub fn text(self) -> String {
        self.0.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }

    /// The day it falls on in Paris, where the sessions happen.
    pub fn paris_date(self) -> jiff::civil::Date {
        self.0
            .in_tz("Europe/Paris")
            .map(|z| z.date())
            .unwrap_or_else(|_| self.0.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
    }
}

impl From<Timestamp> for Stamp {
    fn from(t: Timestamp) -> Stamp {
        Stamp(t)
    }
}

impl FromStr for Stamp {
    type Err = jiff::Error;
    fn from_str(s: &str) -> Result<Stamp, jiff::Error> {
        s.parse().map(Stamp)
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stamp({})", self.text())
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Type<Any> for Stamp {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl Encode<'_, Any> for Stamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<'_, Any>>::encode(self.text(), buf)
    }
}

impl<'r> Decode<'r, Any> for Stamp {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Stamp, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(text.parse::<Stamp>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_have_one_precision_so_text_order_is_time_order() {
        let a: Stamp = "2026-12-01T08:30:00Z".parse().unwrap();
        let b: Stamp = "2026-12-01T08:30:00.5Z".parse().unwrap();
        let c: Stamp = "2026-12-01T09:30:00.000001+01:00".parse().unwrap();
        assert_eq!(a.text(), "2026-12-01T08:30:00.000000Z");
        assert_eq!(b.text(), "2026-12-01T08:30:00.500000Z");
        assert_eq!(c.text(), "2026-12-01T08:30:00.000001Z");
        // Written with a variable precision, « …00Z » sorted after « …00.5Z ».
        assert!(a.text() < c.text() && c.text() < b.text());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            "\"2026-12-01T08:30:00.000000Z\""
        );
        assert_eq!(a.paris_date(), jiff::civil::date(2026, 12, 1));
    }

    #[test]
    fn ids_of_different_things_are_different_types() {
        let s = SessionId::from("abc");
        assert_eq!(s, "abc");
        assert_eq!(format!("{s:?}"), "SessionId(abc)");
        assert_ne!(SessionId::generate(), SessionId::generate());
    }
}
