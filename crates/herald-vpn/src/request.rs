//! BaGPipe's REST attach/detach requests (`POST /attach_localport`, `POST /detach_localport`):
//! the JSON body a client (networking-bagpipe, `bagpipe-rest-attach`, bagpipe-cni) sends,
//! checked and turned into typed values.
//!
//! Field names and defaults are BaGPipe's. Keys this crate does not know are ignored, as
//! BaGPipe ignores them, and listed in [`AttachRequest::ignored`] so that the daemon can log
//! them. A bad body is a [`RequestError`] whose text is what the client reads in the 400 reply.

use std::fmt;
use std::net::IpAddr;

use herald_wire::nlri::MacAddress;
use ipnet::IpNet;
use serde_json::{Map, Value};

use crate::dataplane::VpnType;
use crate::rt::RouteTarget;

/// Where the endpoint is on this host.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocalPort {
    /// A Linux interface (`"tap0"`, or `{"linuxif": "tap0"}`).
    Linux(String),
    /// An E-VPN instance plugged into this IP VPN (`{"evpn": {"id": "<vpn_instance_id>"}}`).
    Evpn(String),
}

impl LocalPort {
    /// The interface name or the E-VPN instance id.
    pub fn name(&self) -> &str {
        match self {
            LocalPort::Linux(s) | LocalPort::Evpn(s) => s,
        }
    }
}

/// `readvertise`: routes received with one of `from_rts` are advertised again toward
/// `to_rts`, with this host as next hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readvertise {
    /// Route targets of the routes to re-advertise (may be empty).
    pub from_rts: Vec<RouteTarget>,
    /// Route targets to re-advertise them with (at least one).
    pub to_rts: Vec<RouteTarget>,
}

/// A checked `attach_localport` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachRequest {
    /// `vpn_type`.
    pub vpn_type: VpnType,
    /// `vpn_instance_id`: ports with the same id share one VRF or EVI.
    pub vpn_instance_id: String,
    /// `mac_address`.
    pub mac_address: MacAddress,
    /// `local_port`.
    pub local_port: LocalPort,
    /// `ip_address`, with its prefix length (/32 or /128 when none was written); `None` for
    /// an E-VPN MAC-only endpoint.
    pub ip_address: Option<IpNet>,
    /// `gateway_ip` (required for IP VPN).
    pub gateway_ip: Option<IpAddr>,
    /// `import_rt`, duplicates removed, first occurrence first.
    pub import_rts: Vec<RouteTarget>,
    /// `export_rt`, duplicates removed.
    pub export_rts: Vec<RouteTarget>,
    /// `advertise_subnet`: advertise the whole prefix of `ip_address`, not the host route.
    pub advertise_subnet: bool,
    /// `vni`: 0 to let the engine allocate one.
    pub vni: u32,
    /// `linuxbr`: an existing Linux bridge to use for the E-VPN instance.
    pub linuxbr: Option<String>,
    /// `local_pref` for this endpoint's route.
    pub local_pref: Option<u32>,
    /// `description` of the endpoint.
    pub description: Option<String>,
    /// `instance_description`.
    pub instance_description: Option<String>,
    /// `lb_consistent_hash_order`.
    pub lb_consistent_hash_order: u32,
    /// `readvertise`.
    pub readvertise: Option<Readvertise>,
    /// Keys that were ignored (unknown to this crate), for the daemon's log.
    pub ignored: Vec<String>,
}

/// A checked `detach_localport` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetachRequest {
    /// `vpn_type`.
    pub vpn_type: VpnType,
    /// `vpn_instance_id`.
    pub vpn_instance_id: String,
    /// `mac_address`.
    pub mac_address: MacAddress,
    /// `local_port`.
    pub local_port: LocalPort,
    /// `ip_address` (required for IP VPN).
    pub ip_address: Option<IpNet>,
    /// Keys that were ignored, for the daemon's log.
    pub ignored: Vec<String>,
}

/// Why a request body was refused. The text (`Display`) is the message for the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The body is not a JSON object.
    NoDetails,
    /// A required field is absent (or null).
    MissingParameter(&'static str),
    /// `vpn_type` is neither `ipvpn` nor `evpn`.
    UnknownVpnType(String),
    /// `mac_address` is not a MAC address.
    MalformedMac(String),
    /// `ip_address` or `gateway_ip` is not an address (with an optional prefix length).
    MalformedIp(String),
    /// A route target is neither `ASN:nn` nor `IP:nn`.
    MalformedRouteTarget(String),
    /// A field has the wrong JSON type or value.
    InvalidParameter {
        /// The field.
        name: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// `local_port` has neither `linuxif` nor `evpn`.
    LocalPortKeyMissing,
    /// `direction` is not one of BaGPipe's three values.
    InvalidDirection(String),
    /// `direction` is valid but the dataplane drivers only forward both ways.
    UnsupportedDirection(String),
    /// A non-empty `attract_traffic` (FlowSpec redirection), not implemented.
    AttractTrafficUnsupported,
    /// A non-empty `fallback` (an OVS driver option), not implemented.
    FallbackUnsupported,
    /// `readvertise` without `to_rt`.
    ReadvertiseWithoutToRt,
    /// `advertise_subnet` with an E-VPN instance (MAC/IP routes carry host addresses).
    EvpnSubnet,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::NoDetails => f.write_str("No local port details received"),
            RequestError::MissingParameter(p) => write!(f, "missing parameter: {p}"),
            RequestError::UnknownVpnType(t) => {
                write!(f, "unknown vpn_type: {t} (expected ipvpn or evpn)")
            }
            RequestError::MalformedMac(m) => write!(f, "malformed MAC address: {m}"),
            RequestError::MalformedIp(i) => write!(f, "malformed IP address: {i}"),
            RequestError::MalformedRouteTarget(r) => {
                write!(f, "malformed route target: {r} (expected ASN:nn or IP:nn)")
            }
            RequestError::InvalidParameter { name, reason } => write!(f, "'{name}' {reason}"),
            RequestError::LocalPortKeyMissing => {
                f.write_str("Mandatory key is missing in local_port parameter (linuxif, or evpn)")
            }
            RequestError::InvalidDirection(d) => write!(
                f,
                "direction should be one of: both, to-port, from-port (got {d})"
            ),
            RequestError::UnsupportedDirection(d) => write!(
                f,
                "direction {d} is not supported by the dataplane driver (only both)"
            ),
            RequestError::AttractTrafficUnsupported => {
                f.write_str("attract_traffic is not supported")
            }
            RequestError::FallbackUnsupported => f.write_str("fallback is not supported"),
            RequestError::ReadvertiseWithoutToRt => {
                f.write_str("'readvertise' specified with no 'to_rt'")
            }
            RequestError::EvpnSubnet => f.write_str(
                "advertise_subnet is not supported for evpn (MAC/IP routes carry host addresses)",
            ),
        }
    }
}

impl std::error::Error for RequestError {}

type Result<T> = std::result::Result<T, RequestError>;

/// Keys of BaGPipe's attach and detach requests.
const KNOWN: &[&str] = &[
    "vpn_type",
    "vpn_instance_id",
    "mac_address",
    "local_port",
    "ip_address",
    "gateway_ip",
    "import_rt",
    "export_rt",
    "advertise_subnet",
    "vni",
    "linuxbr",
    "local_pref",
    "direction",
    "description",
    "instance_description",
    "lb_consistent_hash_order",
    "readvertise",
    "attract_traffic",
    "fallback",
];

/// The fields both requests share.
struct Common {
    vpn_type: VpnType,
    vpn_instance_id: String,
    mac_address: MacAddress,
    local_port: LocalPort,
    ip_address: Option<IpNet>,
    ignored: Vec<String>,
}

impl AttachRequest {
    /// Parse and check a request body.
    pub fn from_json(body: &str) -> Result<AttachRequest> {
        let v: Value = serde_json::from_str(body).map_err(|_| RequestError::NoDetails)?;
        AttachRequest::from_value(&v)
    }

    /// Check a request body already parsed as JSON.
    pub fn from_value(v: &Value) -> Result<AttachRequest> {
        let o = v.as_object().ok_or(RequestError::NoDetails)?;
        let c = common(o)?;
        let import_rts = route_targets(present(o, "import_rt"), "import_rt")?
            .ok_or(RequestError::MissingParameter("import_rt"))?;
        let export_rts = route_targets(present(o, "export_rt"), "export_rt")?
            .ok_or(RequestError::MissingParameter("export_rt"))?;
        let gateway_ip = match present(o, "gateway_ip") {
            None => None,
            Some(g) => Some(ip_address(g, "gateway_ip")?.addr()),
        };
        if c.vpn_type == VpnType::Ipvpn && gateway_ip.is_none() {
            return Err(RequestError::MissingParameter("gateway_ip"));
        }
        let advertise_subnet = match present(o, "advertise_subnet") {
            None => false,
            Some(b) => b.as_bool().ok_or(RequestError::InvalidParameter {
                name: "advertise_subnet",
                reason: "must be a boolean",
            })?,
        };
        if advertise_subnet && c.vpn_type == VpnType::Evpn {
            return Err(RequestError::EvpnSubnet);
        }
        match opt_string(o, "direction")?.as_deref() {
            None | Some("both") => {}
            Some(d @ ("to-port" | "from-port")) => {
                return Err(RequestError::UnsupportedDirection(d.to_string()))
            }
            Some(d) => return Err(RequestError::InvalidDirection(d.to_string())),
        }
        if non_empty(present(o, "attract_traffic")) {
            return Err(RequestError::AttractTrafficUnsupported);
        }
        if non_empty(present(o, "fallback")) {
            return Err(RequestError::FallbackUnsupported);
        }
        Ok(AttachRequest {
            vpn_type: c.vpn_type,
            vpn_instance_id: c.vpn_instance_id,
            mac_address: c.mac_address,
            local_port: c.local_port,
            ip_address: c.ip_address,
            gateway_ip,
            import_rts,
            export_rts,
            advertise_subnet,
            vni: opt_u32(o, "vni")?.unwrap_or(0),
            linuxbr: opt_string(o, "linuxbr")?,
            local_pref: opt_u32(o, "local_pref")?,
            description: opt_string(o, "description")?,
            instance_description: opt_string(o, "instance_description")?,
            lb_consistent_hash_order: opt_u32(o, "lb_consistent_hash_order")?.unwrap_or(0),
            readvertise: readvertise(present(o, "readvertise"))?,
            ignored: c.ignored,
        })
    }
}

impl DetachRequest {
    /// Parse and check a request body.
    pub fn from_json(body: &str) -> Result<DetachRequest> {
        let v: Value = serde_json::from_str(body).map_err(|_| RequestError::NoDetails)?;
        DetachRequest::from_value(&v)
    }

    /// Check a request body already parsed as JSON. Attach-only fields are accepted and not
    /// looked at (clients send the attach body again).
    pub fn from_value(v: &Value) -> Result<DetachRequest> {
        let o = v.as_object().ok_or(RequestError::NoDetails)?;
        let c = common(o)?;
        Ok(DetachRequest {
            vpn_type: c.vpn_type,
            vpn_instance_id: c.vpn_instance_id,
            mac_address: c.mac_address,
            local_port: c.local_port,
            ip_address: c.ip_address,
            ignored: c.ignored,
        })
    }
}

fn common(o: &Map<String, Value>) -> Result<Common> {
    let vpn_type = match req_string(o, "vpn_type")?.as_str() {
        "ipvpn" => VpnType::Ipvpn,
        "evpn" => VpnType::Evpn,
        other => return Err(RequestError::UnknownVpnType(other.to_string())),
    };
    let vpn_instance_id = match present(o, "vpn_instance_id") {
        None => return Err(RequestError::MissingParameter("vpn_instance_id")),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(RequestError::InvalidParameter {
                name: "vpn_instance_id",
                reason: "must be a non-empty string",
            })
        }
    };
    let mac = req_string(o, "mac_address")?;
    let mac_address = parse_mac(&mac).ok_or(RequestError::MalformedMac(mac))?;
    let mut ignored: Vec<String> = o
        .keys()
        .filter(|k| !KNOWN.contains(&k.as_str()))
        .cloned()
        .collect();
    let local_port = local_port(present(o, "local_port"), &mut ignored)?;
    let ip_address = match present(o, "ip_address") {
        None => None,
        Some(v) => Some(ip_address(v, "ip_address")?),
    };
    if vpn_type == VpnType::Ipvpn && ip_address.is_none() {
        return Err(RequestError::MissingParameter("ip_address"));
    }
    Ok(Common {
        vpn_type,
        vpn_instance_id,
        mac_address,
        local_port,
        ip_address,
        ignored,
    })
}

/// The value of `key`, `None` when absent or null.
fn present<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

/// Whether an optional object field says something (not null, not `{}`, not `[]`, not `""`).
fn non_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(_)) => true,
    }
}

fn req_string(o: &Map<String, Value>, key: &'static str) -> Result<String> {
    opt_string(o, key)?.ok_or(RequestError::MissingParameter(key))
}

fn opt_string(o: &Map<String, Value>, key: &'static str) -> Result<Option<String>> {
    match present(o, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(RequestError::InvalidParameter {
            name: key,
            reason: "must be a string",
        }),
    }
}

/// An unsigned 32-bit number, also written as a string of digits.
fn opt_u32(o: &Map<String, Value>, key: &'static str) -> Result<Option<u32>> {
    let bad = RequestError::InvalidParameter {
        name: key,
        reason: "must be an integer from 0 to 4294967295",
    };
    match present(o, key) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or(bad),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad),
        Some(_) => Err(bad),
    }
}

/// A MAC address as `netaddr.EUI` reads the common forms: six octets separated by `:` or
/// `-`, or twelve hex digits (optionally in dot-separated groups of four).
fn parse_mac(s: &str) -> Option<MacAddress> {
    let s = s.trim();
    if s.contains([':', '-']) {
        return MacAddress::parse(s);
    }
    let digits: String = s.chars().filter(|c| *c != '.').collect();
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut octets = [0u8; 6];
    for (i, o) in octets.iter_mut().enumerate() {
        *o = u8::from_str_radix(digits.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(MacAddress(octets))
}

/// `a.b.c.d/len`, `a.b.c.d` (as /32), or the IPv6 forms (a bare address as /128).
fn ip_address(v: &Value, name: &'static str) -> Result<IpNet> {
    let s = v.as_str().ok_or(RequestError::InvalidParameter {
        name,
        reason: "must be a string",
    })?;
    let t = s.trim();
    t.parse::<IpNet>()
        .ok()
        .or_else(|| t.parse::<IpAddr>().ok().map(IpNet::from))
        .ok_or_else(|| RequestError::MalformedIp(s.to_string()))
}

/// A list of route targets, or one string of them separated by commas; duplicates removed.
fn route_targets(v: Option<&Value>, name: &'static str) -> Result<Option<Vec<RouteTarget>>> {
    let bad = RequestError::InvalidParameter {
        name,
        reason: "must be a list of route targets or a comma-separated string",
    };
    let texts: Vec<&str> = match v {
        None => return Ok(None),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().ok_or(bad.clone()))
            .collect::<Result<_>>()?,
        Some(_) => return Err(bad),
    };
    let mut out: Vec<RouteTarget> = Vec::with_capacity(texts.len());
    for t in texts {
        let rt = RouteTarget::parse(t)
            .ok_or_else(|| RequestError::MalformedRouteTarget(t.to_string()))?;
        if !out.contains(&rt) {
            out.push(rt);
        }
    }
    Ok(Some(out))
}

fn local_port(v: Option<&Value>, ignored: &mut Vec<String>) -> Result<LocalPort> {
    let bad = |reason| RequestError::InvalidParameter {
        name: "local_port",
        reason,
    };
    let o = match v {
        None => return Err(RequestError::MissingParameter("local_port")),
        Some(Value::String(s)) if !s.is_empty() => return Ok(LocalPort::Linux(s.clone())),
        Some(Value::Object(o)) => o,
        Some(_) => return Err(bad("must be an interface name or an object")),
    };
    for k in o
        .keys()
        .filter(|k| !matches!(k.as_str(), "linuxif" | "evpn"))
    {
        ignored.push(format!("local_port.{k}"));
    }
    if let Some(e) = o.get("evpn").filter(|e| !e.is_null()) {
        return match e.get("id") {
            Some(Value::String(id)) if !id.is_empty() => Ok(LocalPort::Evpn(id.clone())),
            _ => Err(bad("'evpn' needs an 'id'")),
        };
    }
    match o.get("linuxif") {
        Some(Value::String(s)) if !s.is_empty() => Ok(LocalPort::Linux(s.clone())),
        None | Some(Value::Null) => Err(RequestError::LocalPortKeyMissing),
        Some(_) => Err(bad("'linuxif' must be an interface name")),
    }
}

fn readvertise(v: Option<&Value>) -> Result<Option<Readvertise>> {
    if !non_empty(v) {
        return Ok(None);
    }
    let o = v
        .and_then(Value::as_object)
        .ok_or(RequestError::InvalidParameter {
            name: "readvertise",
            reason: "must be an object with from_rt and to_rt",
        })?;
    let to_rts = route_targets(present(o, "to_rt"), "readvertise.to_rt")?
        .filter(|t| !t.is_empty())
        .ok_or(RequestError::ReadvertiseWithoutToRt)?;
    let from_rts = route_targets(present(o, "from_rt"), "readvertise.from_rt")?.unwrap_or_default();
    Ok(Some(Readvertise { from_rts, to_rts }))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
