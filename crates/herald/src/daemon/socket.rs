//! TCP sockets for BGP: bound to the configured local address, with TCP-MD5 (RFC 2385) and TTL
//! settings, in non-blocking mode for tokio.

use std::io;
use std::net::{IpAddr, SocketAddr};

use socket2::{Domain, Protocol, SockRef, Socket, Type};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// TCP-MD5 and TTL options for a session's socket.
#[derive(Clone, Debug, Default)]
pub struct SocketOptions {
    /// Local address to bind.
    pub local: Option<IpAddr>,
    /// TCP-MD5 key shared with the peer.
    pub md5_key: Option<Vec<u8>>,
    /// IP TTL (hop limit) of outgoing packets.
    pub ttl: Option<u8>,
    /// Minimum TTL of incoming packets (GTSM, RFC 5082).
    pub min_ttl: Option<u8>,
}

/// Open a connection to `peer` with `opts`.
pub async fn connect(peer: SocketAddr, opts: &SocketOptions) -> io::Result<TcpStream> {
    let sock = if peer.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(l) = opts.local {
        sock.bind(SocketAddr::new(l, 0))?;
    }
    if let Some(key) = &opts.md5_key {
        md5::set(&SockRef::from(&sock), peer.ip(), key)?;
    }
    apply_ttl(&SockRef::from(&sock), peer.is_ipv4(), opts)?;
    sock.set_nodelay(true)?;
    sock.connect(peer).await
}

/// The TTL settings of a neighbor on a connection it opened to us: the TTL of what we send
/// (`outgoing-ttl`) and the lowest TTL accepted from it (`incoming-ttl`, GTSM, RFC 5082).
pub fn accepted(stream: &TcpStream, opts: &SocketOptions) -> io::Result<()> {
    let v4 = stream.peer_addr().map(|a| a.is_ipv4()).unwrap_or(true);
    apply_ttl(&SockRef::from(stream), v4, opts)
}

fn apply_ttl(s: &SockRef<'_>, v4: bool, opts: &SocketOptions) -> io::Result<()> {
    if let Some(t) = opts.ttl {
        if v4 {
            s.set_ttl(u32::from(t))?;
        } else {
            s.set_unicast_hops_v6(u32::from(t))?;
        }
    }
    if let Some(t) = opts.min_ttl {
        md5::set_min_ttl(s, v4, t)?;
    }
    Ok(())
}

/// Listen on `addr` (with SO_REUSEADDR, and IPV6_V6ONLY for IPv6 addresses).
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let domain = if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let s = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    s.set_reuse_address(true)?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    s.listen(1024)?;
    TcpListener::from_std(s.into())
}

/// The lowest TTL a listening socket accepts (0: any); the connections it accepts inherit it,
/// so that a peer too far away is refused from its SYN on.
pub fn listener_min_ttl(l: &TcpListener, ttl: u8) -> io::Result<()> {
    let v4 = l.local_addr().map(|a| a.is_ipv4()).unwrap_or(true);
    md5::set_min_ttl(&SockRef::from(l), v4, ttl)
}

/// Install the TCP-MD5 key for the peers of `peers` (one address, or a range neighbor's
/// prefix, with TCP_MD5SIG_EXT) on a listening socket; an empty key removes it.
pub fn listener_md5(l: &TcpListener, peers: ipnet::IpNet, key: &[u8]) -> io::Result<()> {
    let prefix = (peers.prefix_len() < peers.max_prefix_len()).then(|| peers.prefix_len());
    md5::set_ext(&SockRef::from(l), peers.addr(), prefix, key)
}

/// The Linux socket options socket2 does not wrap: TCP_MD5SIG and IP_MINTTL.
#[allow(unsafe_code)]
mod md5 {
    use std::io;
    use std::net::IpAddr;
    use std::os::fd::AsRawFd;

    use socket2::{SockAddr, SockRef};

    const TCP_MD5SIG: libc::c_int = 14;
    const TCP_MD5SIG_EXT: libc::c_int = 32;
    const TCP_MD5SIG_FLAG_PREFIX: u8 = 1;
    const TCP_MD5SIG_MAXKEYLEN: usize = 80;

    /// `struct tcp_md5sig` from linux/tcp.h.
    #[repr(C)]
    struct TcpMd5Sig {
        addr: libc::sockaddr_storage,
        flags: u8,
        prefixlen: u8,
        keylen: u16,
        ifindex: libc::c_int,
        key: [u8; TCP_MD5SIG_MAXKEYLEN],
    }

    pub(super) fn set(s: &SockRef<'_>, peer: IpAddr, key: &[u8]) -> io::Result<()> {
        set_ext(s, peer, None, key)
    }

    /// `prefix`: the key covers every peer in `peer/prefix` (Linux 4.13+); an empty key
    /// deletes the key of that address or prefix.
    pub(super) fn set_ext(
        s: &SockRef<'_>,
        peer: IpAddr,
        prefix: Option<u8>,
        key: &[u8],
    ) -> io::Result<()> {
        if key.len() > TCP_MD5SIG_MAXKEYLEN {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "TCP-MD5 key longer than 80 octets",
            ));
        }
        let sa = SockAddr::from(std::net::SocketAddr::new(peer, 0));
        // SAFETY: an all-zero tcp_md5sig is a valid value of this plain C struct.
        let mut sig: TcpMd5Sig = unsafe { std::mem::zeroed() };
        let len = (sa.len() as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
        // SAFETY: both pointers are valid for `len` bytes and do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(
                sa.as_ptr() as *const u8,
                &mut sig.addr as *mut _ as *mut u8,
                len,
            );
        }
        sig.keylen = key.len() as u16;
        if let Some(p) = prefix {
            sig.flags = TCP_MD5SIG_FLAG_PREFIX;
            sig.prefixlen = p;
        }
        let optname = if prefix.is_some() {
            TCP_MD5SIG_EXT
        } else {
            TCP_MD5SIG
        };
        if let Some(dst) = sig.key.get_mut(..key.len()) {
            dst.copy_from_slice(key);
        }
        // SAFETY: the fd is open for the lifetime of `s`; the option value is a properly sized,
        // initialised tcp_md5sig.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::IPPROTO_TCP,
                optname,
                &sig as *const TcpMd5Sig as *const libc::c_void,
                std::mem::size_of::<TcpMd5Sig>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    pub(super) fn set_min_ttl(s: &SockRef<'_>, v4: bool, ttl: u8) -> io::Result<()> {
        let (level, name) = if v4 {
            (libc::IPPROTO_IP, libc::IP_MINTTL)
        } else {
            (libc::IPPROTO_IPV6, libc::IPV6_MINHOPCOUNT)
        };
        let v: libc::c_int = libc::c_int::from(ttl);
        // SAFETY: the fd is open; the option value is a c_int.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                level,
                name,
                &v as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}
