//! The executable a process runs: its path as the process sees it, whether it
//! is a given file, and its SHA-256. All through `/proc/PID/exe`, which the
//! kernel resolves to the file itself (even one deleted or mounted only in
//! the process's own mount namespace); reading it needs ptrace read access to
//! the process (same uid and a dumpable process, or CAP_SYS_PTRACE): `EACCES`
//! otherwise, as for a setuid or setgid program.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{procfs, Error, PeerProcess};

impl PeerProcess {
    /// The path of the process's executable now, **as the process sees it**
    /// (`readlink /proc/PID/exe`): rendered in the process's own mount
    /// namespace, where it can bind-mount any file over any path, and with
    /// `" (deleted)"` appended once the file was removed. For display; to
    /// check which file runs, use [`PeerProcess::exe_matches`].
    pub fn exe(&self) -> Result<PathBuf, Error> {
        self.in_exe(|exe| fs::read_link(exe))
    }

    /// Whether the process runs, now, the very file that `path` names in the
    /// caller's mount namespace: the same device and inode, compared through
    /// `stat` of `/proc/PID/exe` (the real file, whatever path the process
    /// sees) and confirmed through the pidfd afterwards. A path the process
    /// spoofed in its own mount namespace does not match. Errors for `path`
    /// itself (`ENOENT`, `EACCES`) are the caller's to fix.
    ///
    /// This is a fact of now: a caller that can `exec` after connecting can
    /// make it true. Authorise on what was recorded at connect (a dedicated
    /// gid of a setgid program, a security label), not on this alone.
    pub fn exe_matches(&self, path: impl AsRef<Path>) -> Result<bool, Error> {
        let want = fs::metadata(path).map_err(|err| Error::Os(procfs::errno(&err)))?;
        let runs = self.in_exe(|exe| fs::metadata(exe))?;
        Ok((runs.dev(), runs.ino()) == (want.dev(), want.ino()))
    }

    /// The SHA-256 of the file the process runs now, read through
    /// `/proc/PID/exe` (opened, then confirmed through the pidfd, then read):
    /// the file's content now, which equals what was loaded unless the file
    /// was written since (only possible for a file writable by someone). Costs
    /// reading the whole file; needs read permission on it.
    pub fn exe_sha256(&self) -> Result<[u8; 32], Error> {
        let mut file = self.in_exe(|exe| File::open(exe))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return Ok(hasher.finalize().into()),
                Ok(n) => hasher.update(&buf[..n]),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(Error::Os(procfs::errno(&err))),
            }
        }
    }

    /// Runs `op` on the `exe` link of the process, or of a live thread of it
    /// when the main thread has exited (its link is then gone: `ENOENT`).
    fn in_exe<T>(&self, op: impl Fn(&Path) -> io::Result<T>) -> Result<T, Error> {
        self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| op(&dir.join("exe")),
                |_, answer| procfs::is_gone(answer),
            )
        })
    }
}
