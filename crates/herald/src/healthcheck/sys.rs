//! The few system calls std does not wrap: taking SIGTERM/SIGINT synchronously on a thread of
//! our own, and killing a check's whole process group.
//!
//! SIGTERM and SIGINT are blocked in every thread (the mask is inherited by threads spawned
//! later, so [`block_termination`] must run before any is) and picked up with `sigwait` by a
//! dedicated thread. No signal handler runs, so nothing here has to be async-signal-safe.
//! std resets the signal mask of the children it spawns, so the check and the hooks see the
//! signals as usual.
#![allow(unsafe_code)]

use std::io;
use std::mem::MaybeUninit;

/// SIGTERM and SIGINT, blocked in the calling thread and in the threads it will spawn.
pub struct Blocked {
    set: libc::sigset_t,
}

/// Block SIGTERM and SIGINT in the calling thread (call before spawning any thread).
pub fn block_termination() -> io::Result<Blocked> {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initialises the set it is given; sigaddset and pthread_sigmask only
    // read and write that initialised set; the signal numbers are valid.
    unsafe {
        if libc::sigemptyset(set.as_mut_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut set = set.assume_init();
        for sig in [libc::SIGTERM, libc::SIGINT] {
            if libc::sigaddset(&mut set, sig) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(Blocked { set })
    }
}

impl Blocked {
    /// Wait for one of the blocked signals; returns its number.
    pub fn wait(&self) -> io::Result<i32> {
        let mut sig: libc::c_int = 0;
        // SAFETY: `self.set` was initialised by `block_termination`; `sig` is a valid out
        // pointer for the duration of the call.
        let rc = unsafe { libc::sigwait(&self.set, &mut sig) };
        if rc == 0 {
            Ok(sig)
        } else {
            Err(io::Error::from_raw_os_error(rc))
        }
    }
}

/// The name of a signal this module reports.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        _ => "signal",
    }
}

/// Send SIGKILL to every process of the group `pgid` (a check started as a group leader).
pub fn kill_group(pgid: u32) -> io::Result<()> {
    let pgid = libc::pid_t::try_from(pgid)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "process id out of range"))?;
    if pgid <= 1 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "refusing to signal process group 0 or 1",
        ));
    }
    // SAFETY: kill has no memory-safety preconditions; a negative pid names a process group.
    let rc = unsafe { libc::kill(-pgid, libc::SIGKILL) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
