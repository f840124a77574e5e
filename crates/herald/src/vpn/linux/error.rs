//! The errors of the Linux E-VPN/VXLAN driver: each names the operation and the device.

use std::io;
use std::time::Duration;

/// Why the driver could not carry out an operation. Each variant names the operation and the
/// device it was about.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The kernel refused the request.
    #[error("{op} {device}: {source}")]
    Kernel {
        /// What the driver was doing.
        op: &'static str,
        /// The device concerned.
        device: String,
        /// The errno the kernel answered with.
        #[source]
        source: io::Error,
    },
    /// The kernel did not answer within the deadline.
    #[error("{op} {device}: no answer from the kernel within {timeout:?}")]
    Timeout {
        /// What the driver was doing.
        op: &'static str,
        /// The device concerned.
        device: String,
        /// The deadline.
        timeout: Duration,
    },
    /// A device the operation needs does not exist.
    #[error("{op} {device}: no such device")]
    NoDevice {
        /// What the driver was doing.
        op: &'static str,
        /// The missing device.
        device: String,
    },
    /// A device exists under the name but is not what the operation wants.
    #[error("{op} {device}: {reason}")]
    Conflict {
        /// What the driver was doing.
        op: &'static str,
        /// The device concerned.
        device: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A device name the kernel would refuse.
    #[error("invalid interface name {name:?}: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A VNI wider than 24 bits.
    #[error("{device}: VNI {vni} does not fit in 24 bits")]
    InvalidVni {
        /// The VXLAN device.
        device: String,
        /// The VNI.
        vni: u32,
    },
    /// An operation this driver does not carry out.
    #[error("{0}: not supported by the Linux E-VPN/VXLAN driver (IP VPN needs VRF devices and MPLS forwarding)")]
    Unsupported(&'static str),
    /// The netlink socket could not be opened.
    #[error("cannot open a route netlink socket: {0}")]
    Socket(#[source] io::Error),
    /// The netlink connection task is gone.
    #[error("{op} {device}: the netlink connection is closed")]
    Closed {
        /// What the driver was doing.
        op: &'static str,
        /// The device concerned.
        device: String,
    },
}

impl DriverError {
    /// The errno of a [`DriverError::Kernel`] refusal.
    pub fn errno(&self) -> Option<i32> {
        match self {
            DriverError::Kernel { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }
}
