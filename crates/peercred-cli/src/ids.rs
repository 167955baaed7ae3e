//! A uid or gid as the command prints it: the number, and its account name only
//! when the number really is that account's here. An id that the reader's user
//! namespace cannot name reaches us as the kernel's overflow id
//! (/proc/sys/kernel/overflowuid, usually 65534, whose account is "nobody"),
//! which must not be printed as that account.

use std::fmt;

use peercred::{Error, IdMapping};

use crate::names;

pub struct Id {
    number: u32,
    name: Option<String>,
    mapping: Result<IdMapping, Error>,
}

impl Id {
    pub fn user(uid: libc::uid_t) -> Id {
        Id {
            number: uid,
            name: names::user(uid),
            mapping: peercred::uid_mapping(uid),
        }
    }

    pub fn group(gid: libc::gid_t) -> Id {
        Id {
            number: gid,
            name: names::group(gid),
            mapping: peercred::gid_mapping(gid),
        }
    }

    /// The account name, only when the number is proven to be that account's.
    pub fn account(&self) -> Option<&str> {
        match self.mapping {
            Ok(IdMapping::Mapped) => self.name.as_deref(),
            _ => None,
        }
    }

    /// `"mapped"`, `"unmapped"`, `"unknown"`, or None when it could not be told.
    pub fn mapping(&self) -> Option<&'static str> {
        self.mapping.as_ref().ok().map(IdMapping::as_str)
    }
}

/// `1000 (alice)`; for the overflow id, what it may stand for instead of a name.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.number;
        match (&self.mapping, &self.name) {
            (Ok(IdMapping::Mapped), Some(name)) => write!(f, "{number} ({name})"),
            (Ok(IdMapping::Mapped), None) => write!(f, "{number}"),
            (Ok(IdMapping::Unmapped), _) => {
                write!(f, "{number} (overflow id: unmapped here, not an account)")
            }
            (Ok(IdMapping::Unknown), name) => write!(
                f,
                "{number} (overflow id: unmapped here, or {}; cannot tell)",
                name.as_deref().unwrap_or("the account of that number")
            ),
            (Err(err), _) => write!(
                f,
                "{number} (whether it is an account or the kernel's overflow id is unknown: {err})"
            ),
        }
    }
}
