//! Errors of the engine: why an attach or detach was refused (the text is the message for
//! the client's 400 reply), and why a configuration cannot make an engine.

use std::fmt;
use std::net::IpAddr;

use herald_wire::nlri::MacAddress;

use crate::dataplane::VpnType;

/// Why [`crate::VpnEngine::attach`] or [`crate::VpnEngine::detach`] refused a request.
/// Nothing changed when one is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// Detach from an instance that does not exist (BaGPipe's `VPNNotFound`).
    VpnNotFound(String),
    /// Detach of an endpoint that is not plugged (BaGPipe's `APINotPluggedYet`).
    NotPlugged {
        /// The MAC address.
        mac: MacAddress,
        /// The IP address, if the request had one.
        ip: Option<IpAddr>,
        /// The port named in the request.
        port: String,
    },
    /// The MAC is already plugged on another port of the instance.
    MacOnOtherPort {
        /// The MAC address.
        mac: MacAddress,
        /// The port it is plugged on.
        port: String,
    },
    /// The IP address is already bound to another MAC in the instance.
    IpOnOtherMac {
        /// The IP address.
        ip: IpAddr,
        /// The MAC it is bound to.
        mac: MacAddress,
    },
    /// The forced VNI (or instance label) is used by another instance.
    VniInUse(u32),
    /// The forced VNI does not fit: 24 bits for E-VPN, an MPLS label 16..2^20-1 for IP VPN.
    VniOutOfRange(u32),
    /// The instance exists with another VNI than the forced one.
    VniMismatch {
        /// VNI in the request.
        requested: u32,
        /// The instance's.
        current: u32,
    },
    /// The instance exists with the other VPN type.
    TypeMismatch {
        /// The external instance id.
        id: String,
        /// Its type.
        existing: VpnType,
    },
    /// Another instance already uses the device name this one's id gives (names are cut to
    /// 15 octets).
    DeviceNameInUse(String),
    /// An interface name or instance id that cannot name a Linux device.
    InvalidName {
        /// What the name is for.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// An identifier range is used up.
    Exhausted(&'static str),
    /// A feature of BaGPipe's API this engine does not implement.
    Unsupported(&'static str),
}

fn type_name(t: VpnType) -> &'static str {
    match t {
        VpnType::Ipvpn => "ipvpn",
        VpnType::Evpn => "evpn",
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::VpnNotFound(id) => write!(f, "VPN instance {id} not found"),
            EngineError::NotPlugged { mac, ip, port } => {
                write!(f, "endpoint ({mac}, ")?;
                match ip {
                    Some(ip) => write!(f, "{ip}")?,
                    None => f.write_str("no IP")?,
                }
                write!(f, ") on port {port} is not plugged yet, cannot unplug")
            }
            EngineError::MacOnOtherPort { mac, port } => write!(
                f,
                "MAC address cannot be bound to two different ports ({mac} is plugged on {port})"
            ),
            EngineError::IpOnOtherMac { ip, mac } => write!(
                f,
                "Inconsistent endpoint info: {ip} already bound to a MAC address different \
                 from this one ({mac})"
            ),
            EngineError::VniInUse(v) => write!(f, "VNI already in use: {v}"),
            EngineError::VniOutOfRange(v) => write!(
                f,
                "VNI {v} out of range (1 to 16777215 for evpn, 16 to 1048575 for ipvpn)"
            ),
            EngineError::VniMismatch { requested, current } => write!(
                f,
                "VPN instance already uses VNI {current}, cannot plug with VNI {requested}"
            ),
            EngineError::TypeMismatch { id, existing } => write!(
                f,
                "VPN instance {id} already exists with type {}",
                type_name(*existing)
            ),
            EngineError::DeviceNameInUse(n) => write!(
                f,
                "device name {n} (from the first 15 octets of the instance id) is used by \
                 another VPN instance"
            ),
            EngineError::InvalidName { what, name } => {
                write!(f, "invalid {what}: {name:?} cannot name a Linux interface")
            }
            EngineError::Exhausted(what) => write!(f, "no {what} left to allocate"),
            EngineError::Unsupported(what) => write!(f, "{what} is not supported"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Why an [`crate::EngineConfig`] cannot make an engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// A range is empty or outside what its identifier allows.
    BadRange(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BadRange(what) => write!(f, "bad {what} range"),
        }
    }
}

impl std::error::Error for ConfigError {}
