//! Whether a uid or gid that the kernel handed out is a real id in the
//! caller's user namespace, or its overflow placeholder for "no id here".
//!
//! The kernel numbers every id it reports (`SO_PEERCRED`, `SO_PEERGROUPS`,
//! `SCM_CREDENTIALS`) in the reader's user namespace; an id with no mapping
//! there becomes `/proc/sys/kernel/overflowuid` (or `overflowgid`), 65534 unless
//! an administrator changed it. Whether a number is that placeholder follows
//! from the caller's own `/proc/self/uid_map` (`gid_map`) and the sysctl, both
//! read at the time of the question: neither is cached, because the sysctl can
//! change at any time.

use std::fs;

use crate::Error;

/// What a uid or gid from the kernel stands for in the caller's user namespace.
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let cred = peercred::read(&conn)?;
/// match cred.uid_mapping()? {
///     peercred::IdMapping::Mapped => println!("uid {}", cred.uid()),
///     // Someone whose uid this namespace cannot name: not the account that
///     // happens to own the overflow number (usually "nobody").
///     peercred::IdMapping::Unmapped => println!("an unmapped uid"),
///     peercred::IdMapping::Unknown => println!("uid {} or an unmapped uid", cred.uid()),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdMapping {
    /// A real id in the caller's user namespace: the peer's own, translated.
    /// Always the answer in a namespace that maps every id (the initial one).
    Mapped,
    /// The kernel's placeholder: the peer's id has no mapping in the caller's
    /// user namespace, so no account here is meant (also `(uid_t)-1`, which is
    /// no id at all).
    Unmapped,
    /// The number is the overflow id, and the caller's namespace also maps that
    /// number to a real account: from here the two cannot be told apart.
    Unknown,
}

impl IdMapping {
    /// `"mapped"`, `"unmapped"` or `"unknown"`: the strings the Python and Node
    /// bindings return.
    pub fn as_str(&self) -> &'static str {
        match self {
            IdMapping::Mapped => "mapped",
            IdMapping::Unmapped => "unmapped",
            IdMapping::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for IdMapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `uid`, as the kernel reported it to this process, is a real uid in
/// the caller's user namespace ([`IdMapping`]). Reads `/proc/self/uid_map` and,
/// when needed, `/proc/sys/kernel/overflowuid`; their errors are
/// [`Error::Os`] (`ENOENT` without `/proc`).
///
/// ```
/// // In the initial user namespace every id is an id, 65534 too.
/// if std::fs::read_to_string("/proc/self/uid_map")?.split_whitespace().eq(["0", "0", "4294967295"]) {
///     assert_eq!(peercred::uid_mapping(65534)?, peercred::IdMapping::Mapped);
/// }
/// assert_eq!(peercred::uid_mapping(u32::MAX)?, peercred::IdMapping::Unmapped);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn uid_mapping(uid: libc::uid_t) -> Result<IdMapping, Error> {
    mapping(uid, "/proc/self/uid_map", "/proc/sys/kernel/overflowuid")
}

/// [`uid_mapping`] for a gid ([`crate::PeerCred::gid`], or one of
/// [`crate::groups`]): reads `/proc/self/gid_map` and `overflowgid`.
pub fn gid_mapping(gid: libc::gid_t) -> Result<IdMapping, Error> {
    mapping(gid, "/proc/self/gid_map", "/proc/sys/kernel/overflowgid")
}

fn mapping(id: u32, map_path: &str, overflow_path: &str) -> Result<IdMapping, Error> {
    let map = parse_map(&read(map_path)?)?;
    // The overflow value matters only for an id that the map could also mean.
    if !maps(&map, id) || maps_every_id(&map) {
        return Ok(classify(id, 0, &map));
    }
    let overflow = std::str::from_utf8(&read(overflow_path)?)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .ok_or(Error::Os(libc::EPROTO))?;
    Ok(classify(id, overflow, &map))
}

fn read(path: &str) -> Result<Vec<u8>, Error> {
    fs::read(path).map_err(|err| Error::Os(err.raw_os_error().unwrap_or(libc::EIO)))
}

/// One line of a uid_map/gid_map: `count` ids from `inside` (this namespace's
/// numbers) map to `count` ids from `outside` (the parent's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    pub(crate) inside: u32,
    pub(crate) outside: u32,
    pub(crate) count: u32,
}

/// Parses the kernel's `/proc/PID/uid_map` text: lines of three decimal
/// numbers. Anything else is `EPROTO`.
pub(crate) fn parse_map(text: &[u8]) -> Result<Vec<Extent>, Error> {
    let text = std::str::from_utf8(text).map_err(|_| Error::Os(libc::EPROTO))?;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split_whitespace().map(str::parse::<u32>);
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(Ok(inside)), Some(Ok(outside)), Some(Ok(count)), None) => Ok(Extent {
                    inside,
                    outside,
                    count,
                }),
                _ => Err(Error::Os(libc::EPROTO)),
            }
        })
        .collect()
}

/// Whether `id` is one of this namespace's own numbers in `map`.
fn maps(map: &[Extent], id: u32) -> bool {
    map.iter()
        .any(|e| id >= e.inside && u64::from(id) < u64::from(e.inside) + u64::from(e.count))
}

/// Whether `map` gives every id (0 to 4294967294) a meaning, as the initial
/// user namespace's `0 0 4294967295` does: then nothing is unmapped here.
fn maps_every_id(map: &[Extent]) -> bool {
    let mut ranges: Vec<(u64, u64)> = map
        .iter()
        .map(|e| {
            (
                u64::from(e.inside),
                u64::from(e.inside) + u64::from(e.count),
            )
        })
        .collect();
    ranges.sort_unstable();
    let mut covered = 0u64;
    for (start, end) in ranges {
        if start > covered {
            return false;
        }
        covered = covered.max(end);
    }
    covered >= u64::from(u32::MAX)
}

/// The answer for `id`, given the caller's `map` and the overflow value now.
///
/// An id outside the map cannot be a real id here, so the kernel can only have
/// produced it as the placeholder (whatever the overflow value was then). An id
/// inside it is real, unless it is also the overflow value of a namespace that
/// leaves some ids unmapped: then either may be meant.
pub(crate) fn classify(id: u32, overflow: u32, map: &[Extent]) -> IdMapping {
    if !maps(map, id) {
        IdMapping::Unmapped
    } else if maps_every_id(map) || id != overflow {
        IdMapping::Mapped
    } else {
        IdMapping::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_kernels_format() {
        let text = b"         0          0 4294967295\n";
        assert_eq!(
            parse_map(text).unwrap(),
            [Extent {
                inside: 0,
                outside: 0,
                count: u32::MAX
            }]
        );
        let text = b"         0       1000          1\n         1     100000      65536\n";
        assert_eq!(parse_map(text).unwrap().len(), 2);
        assert_eq!(parse_map(b"").unwrap(), []);
        for bad in [
            &b"0 0\n"[..],
            b"0 0 1 2\n",
            b"0 0 -1\n",
            b"0 0 4294967296\n",
            b"a b c\n",
            b"\xff 0 1\n",
        ] {
            assert_eq!(parse_map(bad), Err(Error::Os(libc::EPROTO)), "{bad:?}");
        }
    }

    #[test]
    fn classifies_every_kind_of_namespace() {
        use IdMapping::*;
        let map = |text: &str| parse_map(text.as_bytes()).unwrap();
        let initial = map("0 0 4294967295");
        let root_only = map("0 1000 1"); // unshare --map-root-user
        let subids = map("0 1000 1\n1 100000 65536"); // a rootless container: 65534 inside is real
        let split = map("0 0 65534\n65535 65535 4294901760"); // everything but 65534
        let unset = map(""); // a new namespace before its map is written
        let rows = [
            // (map, id, overflow now, answer)
            (&initial, 65534, 65534, Mapped),
            (&initial, 0, 65534, Mapped),
            (&initial, 4242, 4242, Mapped),
            (&initial, u32::MAX, 65534, Unmapped),
            (&root_only, 65534, 65534, Unmapped),
            (&root_only, 0, 65534, Mapped),
            (&root_only, 0, 0, Unknown),
            (&root_only, 4242, 4242, Unmapped),
            // The overflow value changed after the read: still not an id here.
            (&root_only, 65534, 4242, Unmapped),
            (&subids, 65534, 65534, Unknown),
            (&subids, 65534, 4242, Mapped),
            (&subids, 4242, 4242, Unknown),
            (&subids, 65537, 65534, Unmapped),
            (&split, 65534, 65534, Unmapped),
            (&split, 65535, 65534, Mapped),
            (&split, u32::MAX - 1, 65534, Mapped),
            (&unset, 65534, 65534, Unmapped),
            (&unset, 0, 65534, Unmapped),
        ];
        for (map, id, overflow, want) in rows {
            assert_eq!(
                classify(id, overflow, map),
                want,
                "{map:?} id {id} overflow {overflow}"
            );
        }
        // Overlapping and unordered lines still cover everything.
        let pieces = map("10 10 4294967285\n0 0 11");
        assert_eq!(classify(65534, 65534, &pieces), Mapped);
    }
}
