//! Where the process behind a socket lives, read now through its pidfd: its
//! namespaces compared with this command's, who owns its user namespace, its
//! cgroup and what that says (systemd unit, container, Kubernetes pod).

use peercred::{Cgroup, Error, Namespaces, PeerProcess};
use serde_json::{json, Value};

pub struct Place {
    namespaces: Result<Namespaces, Error>,
    owner: Result<libc::uid_t, Error>,
    cgroup: Result<Cgroup, Error>,
    cgroup_id: Result<u64, Error>,
    invocation_id: Result<Option<String>, Error>,
}

impl Place {
    pub fn of(process: &PeerProcess) -> Place {
        Place {
            namespaces: process.namespaces(),
            owner: process.user_namespace_owner(),
            cgroup: process.cgroup(),
            cgroup_id: process.cgroup_id(),
            invocation_id: process.unit_invocation_id(),
        }
    }

    /// The `namespaces` object of `who --json`, or null when unreadable.
    pub fn namespaces_json(&self) -> Value {
        let Ok(ns) = &self.namespaces else {
            return Value::Null;
        };
        let kinds = peercred::Namespace::all();
        let ids: serde_json::Map<String, Value> = kinds
            .iter()
            .map(|&kind| (kind.name().to_owned(), ns.id(kind).value().into()))
            .collect();
        let names = |filter: &dyn Fn(peercred::Namespace) -> bool| -> Vec<&str> {
            kinds
                .iter()
                .filter(|&&kind| filter(kind))
                .map(|kind| kind.name())
                .collect()
        };
        let owner = self.owner.as_ref().ok().copied();
        json!({
            "all_shared": ns.all_shared(),
            "differing": names(&|kind| !ns.is_shared(kind)),
            "ids": ids,
            "unique_ids": names(&|kind| ns.id(kind).is_unique()),
            "user_owner": owner,
            "user_owner_mapping": owner.and_then(|uid| peercred::uid_mapping(uid).ok()).map(|m| m.as_str()),
        })
    }

    /// The `cgroup` object of `who --json`, or null when unreadable.
    pub fn cgroup_json(&self) -> Value {
        let Ok(cgroup) = &self.cgroup else {
            return Value::Null;
        };
        json!({
            "path": cgroup.path().to_string_lossy(),
            "id": self.cgroup_id.as_ref().ok(),
            "unit": cgroup.unit(),
            "slice": cgroup.slice(),
            "user_unit": cgroup.user_unit(),
            "user_slice": cgroup.user_slice(),
            "session": cgroup.session(),
            "owner_uid": cgroup.owner_uid(),
            "invocation_id": self.invocation_id.as_ref().ok().cloned().flatten(),
        })
    }

    /// The `container` object of `who --json`: null unless the cgroup names one.
    pub fn container_json(&self) -> Value {
        let Some((cgroup, id)) = self.container() else {
            return Value::Null;
        };
        json!({
            "runtime": cgroup.container_runtime().map(|r| r.name()),
            "id": id,
            "pod_uid": cgroup.pod_uid(),
        })
    }

    fn container(&self) -> Option<(&Cgroup, &str)> {
        let cgroup = self.cgroup.as_ref().ok()?;
        Some((cgroup, cgroup.container_id()?))
    }

    /// One short phrase for the text line: `in=same namespaces`,
    /// `in=container(docker 0123456789ab; own cgroup,ipc,mnt,net,pid,uts)`,
    /// `in=own mnt,net namespaces`, or `in=unknown (why)`; then `unit=` when
    /// the cgroup names a systemd unit.
    pub fn words(&self) -> String {
        let differing = self.namespaces.as_ref().map(|ns| {
            ns.differing()
                .iter()
                .map(|kind| kind.name())
                .collect::<Vec<_>>()
                .join(",")
        });
        let mut words = match (self.container(), &differing) {
            (Some((cgroup, id)), differing) => {
                let runtime = cgroup.container_runtime().map_or("container", |r| r.name());
                let own = match differing {
                    Ok(kinds) if kinds.is_empty() => "; same namespaces".to_owned(),
                    Ok(kinds) => format!("; own {kinds}"),
                    Err(_) => String::new(),
                };
                format!("in=container({runtime} {}{own})", &id[..12])
            }
            (None, Ok(kinds)) if kinds.is_empty() => "in=same namespaces".to_owned(),
            (None, Ok(kinds)) => format!("in=own {kinds} namespaces"),
            (None, Err(why)) => format!("in=unknown ({why})"),
        };
        if let Some(unit) = self.cgroup.as_ref().ok().and_then(Cgroup::unit) {
            words.push_str(&format!(" unit={unit}"));
        }
        words
    }
}
