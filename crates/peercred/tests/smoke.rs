use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use peercred::{Error, NotConnected};

#[test]
fn smoke() {
    let (a, _b) = UnixStream::pair().unwrap();
    let c = peercred::read(&a).unwrap();
    eprintln!("{c:?}");
    eprintln!("groups {:?}", peercred::groups(&a));
    eprintln!("label {:?}", peercred::security_label(&a));
    let p = peercred::PeerProcess::from_socket(&a).unwrap();
    eprintln!("pid {:?} alive {:?} ppid {:?} exe {:?} cmd {:?} sess {:?} start {:?} uid {:?} gid {:?}",
        p.pid(), p.is_alive(), p.parent_pid(), p.exe(), p.cmdline().map(|v| v.len()), p.session_id(), p.start_time(), p.uid(), p.gid());
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert_eq!(peercred::read(&tcp), Err(Error::NotUnixSocket));
    let dir = std::env::temp_dir().join(format!("pc-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let l = UnixListener::bind(dir.join("s")).unwrap();
    assert_eq!(peercred::read(&l), Err(Error::NotConnected(NotConnected::Listening)));
    let d = UnixDatagram::unbound().unwrap();
    assert_eq!(peercred::read(&d), Err(Error::NotConnected(NotConnected::Datagram)));
    let d2 = UnixDatagram::bind(dir.join("d")).unwrap();
    d.connect(dir.join("d")).unwrap();
    assert_eq!(peercred::read(&d), Err(Error::NotConnected(NotConnected::Datagram)));
    drop(d2);
    let s = unsafe { std::os::fd::OwnedFd::from_raw_fd(libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)) };
    assert_eq!(peercred::read(&s), Err(Error::NotConnected(NotConnected::Unconnected)));
    let f = std::fs::File::open("/dev/null").unwrap();
    assert_eq!(peercred::read(&f), Err(Error::NotASocket));
    let c2 = UnixStream::connect(dir.join("s")).unwrap();
    let (acc, _) = l.accept().unwrap();
    eprintln!("{:?} {:?}", peercred::read(&c2), peercred::read(&acc));
    std::fs::remove_dir_all(&dir).unwrap();
}
use std::os::fd::FromRawFd;
