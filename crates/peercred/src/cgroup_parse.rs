//! Pure parsers for cgroup v2 paths (as `/proc/PID/cgroup` gives them,
//! relative to the reader's cgroup namespace): what systemd and the container
//! engines encode in the names. No I/O here; the table test below holds real
//! path shapes.
//!
//! systemd's rules (src/basic/cgroup-util.c, `cg_path_get_*`): leading
//! `*.slice` components, then the unit (a `.service`, `.scope`...); under a
//! user manager (`user@UID.service`) the same again for the user's units; a
//! name that would clash with a kernel file is escaped with a leading `_`.

/// A container engine that names its containers' cgroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerRuntime {
    /// `docker-ID.scope` (systemd driver) or `/docker/ID` (cgroupfs).
    Docker,
    /// `libpod-ID.scope` (systemd, rootful and rootless) or `/libpod_parent/libpod-ID`.
    Podman,
    /// `cri-containerd-ID.scope`: containerd's CRI plugin (Kubernetes).
    Containerd,
    /// `crio-ID.scope` or `crio-ID`: CRI-O (Kubernetes).
    CriO,
}

impl ContainerRuntime {
    /// `"docker"`, `"podman"`, `"containerd"` or `"cri-o"`.
    pub fn name(self) -> &'static str {
        match self {
            ContainerRuntime::Docker => "docker",
            ContainerRuntime::Podman => "podman",
            ContainerRuntime::Containerd => "containerd",
            ContainerRuntime::CriO => "cri-o",
        }
    }
}

impl std::fmt::Display for ContainerRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The v2 line of `/proc/PID/cgroup` (`0::PATH`). The kernel refuses
/// newlines in cgroup names, so a line is a line.
pub(crate) fn v2_path(text: &[u8]) -> Option<&[u8]> {
    let path = text
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"0::"))?;
    path.starts_with(b"/").then_some(path)
}

/// Whether the path leaves the reader's cgroup namespace (`/..`): the process
/// is in a cgroup outside it, which the reader cannot name.
pub(crate) fn escapes(path: &[u8]) -> bool {
    path == b"/.." || path.starts_with(b"/../")
}

/// The path's components, systemd's escape undone; a component that is not
/// UTF-8 is kept as `None` (it matches nothing, units being ASCII).
fn components(path: &[u8]) -> Vec<Option<&str>> {
    path.split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .map(|c| {
            std::str::from_utf8(c)
                .ok()
                .map(|c| c.strip_prefix('_').unwrap_or(c))
        })
        .collect()
}

const UNIT_TYPES: [&str; 11] = [
    "service",
    "socket",
    "target",
    "device",
    "mount",
    "automount",
    "swap",
    "timer",
    "path",
    "slice",
    "scope",
];

/// systemd's `unit_name_is_valid` for a plain or instance name (a template,
/// `foo@.service`, never has a cgroup).
fn is_unit(name: &str) -> bool {
    let Some((stem, kind)) = name.rsplit_once('.') else {
        return false;
    };
    let valid = |s: &str, at: bool| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b":-_.\\".contains(&b) || (at && b == b'@'))
    };
    let stem_ok = match stem.split_once('@') {
        Some((prefix, instance)) => valid(prefix, false) && valid(instance, true),
        None => valid(stem, false),
    };
    name.len() < 256 && UNIT_TYPES.contains(&kind) && stem_ok
}

fn is_slice(name: &str) -> bool {
    name.ends_with(".slice") && is_unit(name)
}

/// The slice and the unit at the start of `parts`: the last of the leading
/// slices (`-.slice`, the root slice, when the unit has none) and the first
/// component after them, when that is a unit; with its index.
fn slice_and_unit<'a>(parts: &[Option<&'a str>]) -> (Option<&'a str>, Option<(usize, &'a str)>) {
    let mut slice = None;
    for (index, part) in parts.iter().enumerate() {
        match part {
            Some(name) if is_slice(name) => slice = Some(*name),
            Some(name) if is_unit(name) => {
                return (Some(slice.unwrap_or("-.slice")), Some((index, name)))
            }
            _ => return (slice, None),
        }
    }
    (slice, None)
}

/// The system unit: `foo.service`, `session-3.scope`, `user@1000.service`.
pub(crate) fn unit(path: &[u8]) -> Option<&str> {
    slice_and_unit(&components(path)).1.map(|(_, unit)| unit)
}

/// How many bytes of `path` lead to the system unit's own directory.
pub(crate) fn unit_path_len(path: &[u8]) -> Option<usize> {
    let (index, _) = slice_and_unit(&components(path)).1?;
    // The end of the unit, the index-th non-empty component.
    let mut end = 0;
    for _ in 0..=index {
        let start = end + path[end..].iter().position(|&b| b != b'/')?;
        end = start
            + path[start..]
                .iter()
                .position(|&b| b == b'/')
                .unwrap_or(path.len() - start);
    }
    Some(end)
}

/// The slice of the system unit (`-.slice` for a unit at the root).
pub(crate) fn slice(path: &[u8]) -> Option<&str> {
    slice_and_unit(&components(path)).0
}

/// What follows a user manager (`user@UID.service`) in the path.
fn under_user_manager<'a>(parts: &[Option<&'a str>]) -> Option<Vec<Option<&'a str>>> {
    let (_, (index, unit)) = match slice_and_unit(parts) {
        (slice, Some(unit)) => (slice, unit),
        _ => return None,
    };
    let uid = unit.strip_prefix("user@")?.strip_suffix(".service")?;
    uid.parse::<u32>().ok()?;
    Some(parts[index + 1..].to_vec())
}

/// The unit of the user's own manager: `app.service` in
/// `.../user@1000.service/app.slice/app.service`.
pub(crate) fn user_unit(path: &[u8]) -> Option<&str> {
    let rest = under_user_manager(&components(path))?;
    slice_and_unit(&rest).1.map(|(_, unit)| unit)
}

/// The slice of the user unit (`-.slice` for one at the manager's root).
pub(crate) fn user_slice(path: &[u8]) -> Option<&str> {
    let rest = under_user_manager(&components(path))?;
    match slice_and_unit(&rest) {
        (slice, Some(_)) => slice,
        _ => None,
    }
}

/// The login session of a `session-ID.scope` unit (logind's ids: letters
/// and digits, such as `3` or `c1`).
pub(crate) fn session(path: &[u8]) -> Option<&str> {
    let id = unit(path)?
        .strip_prefix("session-")?
        .strip_suffix(".scope")?;
    id.bytes().all(|b| b.is_ascii_alphanumeric()).then_some(id)
}

/// The owner of a `user-UID.slice`: the user whose login sessions and user
/// manager it holds.
pub(crate) fn owner_uid(path: &[u8]) -> Option<u32> {
    let parts = components(path);
    let slice = match slice_and_unit(&parts) {
        (Some(slice), _) => slice,
        _ => return None,
    };
    let uid = slice.strip_prefix("user-")?.strip_suffix(".slice")?;
    let canonical =
        uid.bytes().all(|b| b.is_ascii_digit()) && (uid == "0" || !uid.starts_with('0'));
    uid.parse().ok().filter(|_| canonical)
}

fn is_container_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The innermost container the path names, with its engine where the name
/// says it: `None` as the engine for a bare id under a Kubernetes pod (the
/// cgroupfs driver of containerd, whose names carry no engine).
pub(crate) fn container(path: &[u8]) -> Option<(Option<ContainerRuntime>, &str)> {
    let parts = components(path);
    let mut found = None;
    let mut parent: Option<&str> = None;
    let mut in_kubepods = false;
    for part in parts.iter() {
        let Some(name) = *part else {
            parent = None;
            continue;
        };
        let scope = |prefix: &str| name.strip_prefix(prefix)?.strip_suffix(".scope");
        let this = if let Some(id) = scope("docker-") {
            Some((Some(ContainerRuntime::Docker), id))
        } else if let Some(id) = scope("libpod-") {
            Some((Some(ContainerRuntime::Podman), id))
        } else if let Some(id) = scope("cri-containerd-") {
            Some((Some(ContainerRuntime::Containerd), id))
        } else if let Some(id) = scope("crio-").or_else(|| name.strip_prefix("crio-")) {
            Some((Some(ContainerRuntime::CriO), id))
        } else if parent == Some("docker") {
            Some((Some(ContainerRuntime::Docker), name))
        } else if parent == Some("libpod_parent") {
            name.strip_prefix("libpod-")
                .map(|id| (Some(ContainerRuntime::Podman), id))
        } else if in_kubepods && parent.is_some_and(|p| cgroupfs_pod(p).is_some()) {
            Some((None, name))
        } else {
            None
        };
        if let Some((runtime, id)) = this.filter(|(_, id)| is_container_id(id)) {
            found = Some((runtime, id));
        }
        in_kubepods |= name.starts_with("kubepods");
        parent = Some(name);
    }
    found
}

/// The uid of the Kubernetes pod the path is in: the kubelet's
/// `kubepods-[QOS-]pod<UID with _>.slice` (systemd driver) or `pod<UID>`
/// (cgroupfs driver, under `kubepods`).
pub(crate) fn pod_uid(path: &[u8]) -> Option<String> {
    let parts = components(path);
    let mut in_kubepods = false;
    let mut found = None;
    for name in parts.iter().flatten() {
        if let Some(uid) = systemd_pod(name) {
            found = Some(uid);
        } else if in_kubepods {
            if let Some(uid) = cgroupfs_pod(name) {
                found = Some(uid.to_owned());
            }
        }
        in_kubepods |= name.starts_with("kubepods");
    }
    found
}

fn systemd_pod(name: &str) -> Option<String> {
    let rest = name.strip_prefix("kubepods-")?.strip_suffix(".slice")?;
    let (_, uid) = rest.rsplit_once("pod")?;
    let uid = uid.replace('_', "-");
    is_uuid(&uid).then_some(uid)
}

fn cgroupfs_pod(name: &str) -> Option<&str> {
    name.strip_prefix("pod").filter(|uid| is_uuid(uid))
}

/// A UUID as the kubelet prints it: 8-4-4-4-12 lowercase hex digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// systemd's invocation id as the cgroup's xattr holds it: 32 lowercase hex
/// digits (`sd_id128_to_string`).
pub(crate) fn invocation_id(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    (text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
    const ID2: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
    const POD: &str = "0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70";

    /// What one path says: unit, slice, user unit, user slice, session,
    /// owner uid, container (engine, id), pod uid.
    #[derive(Debug, Default, PartialEq)]
    struct Says {
        unit: Option<String>,
        slice: Option<String>,
        user_unit: Option<String>,
        user_slice: Option<String>,
        session: Option<String>,
        owner: Option<u32>,
        container: Option<(Option<ContainerRuntime>, String)>,
        pod: Option<String>,
    }

    fn says(path: &str) -> Says {
        let p = path.as_bytes();
        let own = |s: Option<&str>| s.map(str::to_owned);
        Says {
            unit: own(unit(p)),
            slice: own(slice(p)),
            user_unit: own(user_unit(p)),
            user_slice: own(user_slice(p)),
            session: own(session(p)),
            owner: owner_uid(p),
            container: container(p).map(|(r, id)| (r, id.to_owned())),
            pod: pod_uid(p),
        }
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn real_path_shapes() {
        use ContainerRuntime::*;
        let pod_ = POD.replace('-', "_");
        let unit_at = |unit: &str, slice: &str| Says {
            unit: s(unit),
            slice: s(slice),
            ..Says::default()
        };
        let rows: Vec<(String, Says)> = vec![
            ("/".into(), Says::default()),
            ("/init.scope".into(), unit_at("init.scope", "-.slice")),
            ("/system.slice/foo.service".into(), unit_at("foo.service", "system.slice")),
            (
                "/system.slice/system-getty.slice/getty@tty1.service".into(),
                unit_at("getty@tty1.service", "system-getty.slice"),
            ),
            // systemd's escape of names that clash with kernel files.
            ("/system.slice/_cpu.foo.service".into(), unit_at("cpu.foo.service", "system.slice")),
            // A template has no cgroup; an unknown suffix is no unit.
            ("/system.slice/foo@.service".into(), Says { slice: s("system.slice"), ..Says::default() }),
            ("/system.slice/foo.bar".into(), Says { slice: s("system.slice"), ..Says::default() }),
            (
                "/user.slice/user-1000.slice/session-3.scope".into(),
                Says {
                    session: s("3"),
                    owner: Some(1000),
                    ..unit_at("session-3.scope", "user-1000.slice")
                },
            ),
            (
                "/user.slice/user-1000.slice/session-c1.scope".into(),
                Says {
                    session: s("c1"),
                    owner: Some(1000),
                    ..unit_at("session-c1.scope", "user-1000.slice")
                },
            ),
            (
                "/user.slice/user-01000.slice/session-3.scope".into(),
                Says { session: s("3"), ..unit_at("session-3.scope", "user-01000.slice") },
            ),
            (
                "/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope".into(),
                Says {
                    user_unit: s("app-gnome-firefox-4242.scope"),
                    user_slice: s("app.slice"),
                    owner: Some(1000),
                    ..unit_at("user@1000.service", "user-1000.slice")
                },
            ),
            (
                "/user.slice/user-1000.slice/user@1000.service/init.scope".into(),
                Says {
                    user_unit: s("init.scope"),
                    user_slice: s("-.slice"),
                    owner: Some(1000),
                    ..unit_at("user@1000.service", "user-1000.slice")
                },
            ),
            (
                format!("/system.slice/docker-{ID}.scope"),
                Says {
                    container: Some((Some(Docker), ID.into())),
                    ..unit_at(&format!("docker-{ID}.scope"), "system.slice")
                },
            ),
            // systemd inside the container made a cgroup of its own.
            (
                format!("/system.slice/docker-{ID}.scope/init.scope"),
                Says {
                    container: Some((Some(Docker), ID.into())),
                    ..unit_at(&format!("docker-{ID}.scope"), "system.slice")
                },
            ),
            (format!("/docker/{ID}"), Says { container: Some((Some(Docker), ID.into())), ..Says::default() }),
            // Docker in Docker: the innermost.
            (
                format!("/docker/{ID}/docker/{ID2}"),
                Says { container: Some((Some(Docker), ID2.into())), ..Says::default() },
            ),
            (
                format!("/system.slice/docker-{}.scope", &ID[..12]),
                unit_at(&format!("docker-{}.scope", &ID[..12]), "system.slice"),
            ),
            (
                format!("/system.slice/docker-{}.scope", ID.to_uppercase()),
                unit_at(&format!("docker-{}.scope", ID.to_uppercase()), "system.slice"),
            ),
            (
                format!("/machine.slice/libpod-{ID}.scope"),
                Says {
                    container: Some((Some(Podman), ID.into())),
                    ..unit_at(&format!("libpod-{ID}.scope"), "machine.slice")
                },
            ),
            // conmon, the monitor beside the container, is not the container.
            (
                format!("/machine.slice/libpod-conmon-{ID}.scope"),
                unit_at(&format!("libpod-conmon-{ID}.scope"), "machine.slice"),
            ),
            // Rootless Podman, under the user's manager.
            (
                format!("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope/container"),
                Says {
                    user_unit: s(&format!("libpod-{ID}.scope")),
                    user_slice: s("user.slice"),
                    owner: Some(1000),
                    container: Some((Some(Podman), ID.into())),
                    ..unit_at("user@1000.service", "user-1000.slice")
                },
            ),
            (
                format!("/libpod_parent/libpod-{ID}"),
                Says { container: Some((Some(Podman), ID.into())), ..Says::default() },
            ),
            (
                format!("/kubepods.slice/kubepods-pod{pod_}.slice/cri-containerd-{ID}.scope"),
                Says {
                    container: Some((Some(Containerd), ID.into())),
                    pod: s(POD),
                    ..unit_at(&format!("cri-containerd-{ID}.scope"), &format!("kubepods-pod{pod_}.slice"))
                },
            ),
            (
                format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{pod_}.slice/crio-{ID}.scope"),
                Says {
                    container: Some((Some(CriO), ID.into())),
                    pod: s(POD),
                    ..unit_at(&format!("crio-{ID}.scope"), &format!("kubepods-burstable-pod{pod_}.slice"))
                },
            ),
            (
                format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{pod_}.slice/crio-conmon-{ID}.scope"),
                Says {
                    pod: s(POD),
                    ..unit_at(&format!("crio-conmon-{ID}.scope"), &format!("kubepods-burstable-pod{pod_}.slice"))
                },
            ),
            // The kubelet's cgroupfs driver.
            (
                format!("/kubepods/besteffort/pod{POD}/{ID}"),
                Says { container: Some((None, ID.into())), pod: s(POD), ..Says::default() },
            ),
            (
                format!("/kubepods/burstable/pod{POD}/crio-{ID}"),
                Says { container: Some((Some(CriO), ID.into())), pod: s(POD), ..Says::default() },
            ),
            // A pod uid outside kubepods, or malformed: none.
            (format!("/pod{POD}/{ID}"), Says::default()),
            (
                format!("/kubepods.slice/kubepods-pod{}.slice", &pod_[1..]),
                Says { slice: s(&format!("kubepods-pod{}.slice", &pod_[1..])), ..Says::default() },
            ),
        ];
        for (path, want) in rows {
            assert_eq!(says(&path), want, "{path}");
        }
    }

    #[test]
    fn unit_directories() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "/system.slice/foo.service",
                Some("/system.slice/foo.service"),
            ),
            (
                "/system.slice/foo.service/sub/more",
                Some("/system.slice/foo.service"),
            ),
            ("/init.scope", Some("/init.scope")),
            ("/", None),
            ("/system.slice", None),
            ("/docker/abc", None),
        ];
        for (path, want) in cases {
            let got = unit_path_len(path.as_bytes()).map(|len| &path[..len]);
            assert_eq!(got, *want, "{path}");
        }
    }

    #[test]
    fn proc_cgroup_texts() {
        // This machine's hybrid layout: v1 hierarchies first, v2 (0::) last.
        let hybrid = b"9:name=systemd:/\n4:memory:/process_api/42bd\n1:cpu:/\n0::/\n";
        assert_eq!(v2_path(hybrid), Some(&b"/"[..]));
        let unified = b"0::/user.slice/user-1000.slice/session-3.scope\n";
        assert_eq!(
            v2_path(unified),
            Some(&b"/user.slice/user-1000.slice/session-3.scope"[..])
        );
        assert_eq!(v2_path(b"0::/..\n"), Some(&b"/.."[..]));
        assert_eq!(v2_path(b"12:pids:/\n1:name=systemd:/\n"), None, "v1 only");
        assert_eq!(v2_path(b"0::relative\n"), None);
        assert!(escapes(b"/.."));
        assert!(escapes(b"/../system.slice/foo.service"));
        assert!(!escapes(b"/..foo"));
        assert!(!escapes(b"/"));
    }

    #[test]
    fn invocation_ids() {
        assert_eq!(
            invocation_id(b"0123456789abcdef0123456789abcdef"),
            s("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(invocation_id(b"0123456789ABCDEF0123456789abcdef"), None);
        assert_eq!(invocation_id(b"0123456789abcdef"), None);
        assert_eq!(invocation_id(b""), None);
    }
}
