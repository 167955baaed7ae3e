//! A uid or gid as the command prints it: the number and its account name.

use std::fmt;

use crate::names;

pub struct Id {
    number: u32,
    name: Option<String>,
}

impl Id {
    pub fn user(uid: libc::uid_t) -> Id {
        Id {
            number: uid,
            name: names::user(uid),
        }
    }

    pub fn group(gid: libc::gid_t) -> Id {
        Id {
            number: gid,
            name: names::group(gid),
        }
    }

    /// The account name, when the databases know one.
    pub fn account(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// `1000 (alice)`, or the bare number when no account has it.
impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{} ({name})", self.number),
            None => write!(f, "{}", self.number),
        }
    }
}
