//! `peercred serve --dgram PATH`: a datagram socket that prints each
//! message's sender, as the kernel attached it to the message, and its text.
//!
//! The socket passes credentials before it is bound, so every message that can
//! reach it carries its sender (`SCM_CREDENTIALS`, and `SCM_PIDFD` on Linux
//! 6.5+). The sender is described like a stream client (peer.rs): ids as
//! sent, the pid only while the pidfd proves that process still runs, the
//! executable read through that pidfd. Everything the sender chose (its text,
//! its address, its executable's name) is escaped (escape.rs).

use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use peercred::{Address, Error, Message, RecvFlags};

use crate::connect::{sockaddr, unix_socket};
use crate::escape::escape;
use crate::peer::{Peer, State};

/// The most bytes of one message that are printed; the rest is reported cut.
pub const LARGEST: usize = 65536;

/// What a message with no sender says instead of one.
const NO_CREDENTIALS: &str = "credentials=none (the kernel attached its placeholder, \
     pid 0 with the overflow ids: the message was queued before SO_PASSCRED, or its \
     sender's pid and ids have no name in this namespace)";

/// A datagram socket at `path` (or `@NAME`) that passes credentials.
pub fn bind(path: &Path) -> Result<OwnedFd, String> {
    let (addr, len) = sockaddr(path).map_err(|err| err.to_string())?;
    let socket = unix_socket(libc::SOCK_DGRAM).map_err(|err| err.to_string())?;
    // Before bind: no message can arrive without its sender's credentials.
    peercred::pass_credentials(&socket).map_err(|err| err.to_string())?;
    // SAFETY: addr is a valid sockaddr_un, of which len bytes are used.
    let rc = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            (&addr as *const libc::sockaddr_un).cast(),
            len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error().to_string());
    }
    Ok(socket)
}

/// Prints a line for each datagram; returns only once `out` is closed.
pub fn receive_all(socket: &OwnedFd, out: &mut impl Write) {
    let mut buf = vec![0; LARGEST];
    loop {
        // TRUNC: the length of a message that did not fit, to report it.
        let line = match peercred::recv_with_flags(socket, &mut buf, RecvFlags::TRUNC) {
            Ok(message) => Datagram::of(&message, &buf).line(),
            Err(Error::Os(libc::EINTR)) => continue,
            Err(err) => {
                eprintln!("peercred: a datagram: {err}");
                continue;
            }
        };
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// One received message, as far as it is printed.
struct Datagram<'a> {
    /// None when the message carried no credentials.
    sender: Option<Peer>,
    address: Address<'a>,
    /// The bytes received: at most the buffer.
    text: &'a [u8],
    /// The message's real length.
    len: usize,
    control_truncated: bool,
    discarded_fds: usize,
}

impl<'a> Datagram<'a> {
    fn of(message: &'a Message, buf: &'a [u8]) -> Datagram<'a> {
        Datagram {
            sender: message
                .cred()
                .map(|cred| Peer::new(cred, message.peer_process())),
            address: message.address(),
            text: &buf[..message.len().min(buf.len())],
            len: message.len(),
            control_truncated: message.control_truncated(),
            discarded_fds: message.discarded_fds(),
        }
    }

    /// `pid=P uid=U (user) gid=G (group) exe=EXE from=ADDRESS: TEXT`, each
    /// part saying instead why it is unknown; the text always last.
    fn line(&self) -> String {
        let mut line = match &self.sender {
            Some(peer) => {
                let mut line = peer.line();
                match peer.state {
                    State::Running { .. } => {}
                    State::Exited => line.push_str(" exe=unknown (it has exited)"),
                    State::Unknown(_) => line.push_str(
                        " exe=unknown (without a pidfd, no process is proven to be the sender)",
                    ),
                }
                line
            }
            None => NO_CREDENTIALS.to_owned(),
        };
        match self.address {
            Address::Unnamed => {}
            Address::Path(path) => {
                line.push_str(" from=");
                line.push_str(&escape(path.as_os_str().as_encoded_bytes()));
            }
            Address::Abstract(name) => {
                line.push_str(" from=@");
                line.push_str(&escape(name));
            }
        }
        if self.text.len() < self.len {
            line.push_str(&format!(
                " truncated (the first {} of {} bytes)",
                self.text.len(),
                self.len
            ));
        }
        if self.control_truncated {
            line.push_str(
                " control-truncated (the kernel dropped control data it could not deliver)",
            );
        }
        if self.discarded_fds > 0 {
            line.push_str(&format!(
                " fds={} (attached by the sender, closed unread)",
                self.discarded_fds
            ));
        }
        let end = self
            .text
            .iter()
            .rposition(|&byte| byte != b'\n')
            .map_or(0, |last| last + 1);
        line.push_str(": ");
        line.push_str(&escape(&self.text[..end]));
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datagram<'a>(address: Address<'a>, text: &'a [u8], len: usize) -> Datagram<'a> {
        Datagram {
            sender: None,
            address,
            text,
            len,
            control_truncated: false,
            discarded_fds: 0,
        }
    }

    #[test]
    fn the_help_says_how_much_is_printed() {
        let says = format!("a message longer than {LARGEST} bytes is cut");
        assert!(crate::serve::LONG_ABOUT.contains(&says));
    }

    #[test]
    fn a_message_without_credentials_names_no_user() {
        let line = datagram(Address::Unnamed, b"hello\n", 6).line();
        assert_eq!(line, format!("{NO_CREDENTIALS}: hello"));
        assert!(!line.contains("uid="));
    }

    #[test]
    fn addresses_truncation_and_text() {
        let path = Path::new("/tmp/a\nb");
        for (datagram, ends) in [
            (
                datagram(Address::Path(path), b"x", 1),
                " from=/tmp/a\\x0ab: x",
            ),
            (
                datagram(Address::Abstract(b"\x0000a1f"), b"", 0),
                " from=@\\x0000a1f: ",
            ),
            (
                datagram(Address::Unnamed, b"ab", 70000),
                " truncated (the first 2 of 70000 bytes): ab",
            ),
            (
                datagram(Address::Unnamed, b"one\ntwo\n\n", 9),
                ": one\\x0atwo",
            ),
            (
                Datagram {
                    control_truncated: true,
                    discarded_fds: 2,
                    ..datagram(Address::Unnamed, b"fds", 3)
                },
                " control-truncated (the kernel dropped control data it could not deliver) \
                 fds=2 (attached by the sender, closed unread): fds",
            ),
        ] {
            let line = datagram.line();
            assert_eq!(line, format!("{NO_CREDENTIALS}{ends}"));
        }
    }
}
