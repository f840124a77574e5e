//! The typed configuration: what the parser produces once templates are applied, defaults
//! filled and everything checked.

use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

use herald_wire::capability::AddPathMode;
use herald_wire::{Afi, Attribute, Family, Nlri, Prefix};
use ipnet::IpNet;

use crate::error::{ConfigError, Span};

/// A whole configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from (`<string>` when parsed from text).
    pub source: PathBuf,
    /// The neighbors, in file order.
    pub neighbors: Vec<Neighbor>,
    /// The helper processes, in file order.
    pub processes: Vec<Process>,
    /// The `vpn { }` block (the VPN PE role), if the file has one.
    pub vpn: Option<Vpn>,
    /// Things accepted for ExaBGP compatibility that are probably mistakes (an unmatched `}`,
    /// a block left open at the end of the file, a route defined twice, …).
    pub warnings: Vec<ConfigError>,
}

impl Config {
    /// The neighbor with this key.
    pub fn neighbor(&self, key: &NeighborKey) -> Option<&Neighbor> {
        self.neighbors.iter().find(|n| &n.key() == key)
    }

    /// The process with this name.
    pub fn process(&self, name: &str) -> Option<&Process> {
        self.processes.iter().find(|p| p.name == name)
    }
}

/// How a helper process talks to herald.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Encoder {
    /// ExaBGP's text format.
    #[default]
    Text,
    /// ExaBGP's JSON format.
    Json,
}

impl Encoder {
    /// `text` or `json`.
    pub fn name(self) -> &'static str {
        match self {
            Encoder::Text => "text",
            Encoder::Json => "json",
        }
    }
}

/// A dataplane driver of the `vpn` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VpnDataplane {
    /// The kernel's, over route netlink (E-VPN/VXLAN only).
    Linux,
    /// No dataplane: the operations are logged and kept for the looking glass.
    Record,
}

impl VpnDataplane {
    /// `linux` or `record`.
    pub fn name(self) -> &'static str {
        match self {
            VpnDataplane::Linux => "linux",
            VpnDataplane::Record => "record",
        }
    }
}

/// `vpn { … }`: herald's own block (not ExaBGP's) for the VPN PE role: BaGPipe's REST API,
/// E-VPN and IP VPN instances for local ports, their routes to every neighbor that negotiated
/// the families, and the dataplane drivers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Vpn {
    /// `local-address`: the dataplane address, next hop of our VPN routes, VXLAN source and
    /// administrator of our route distinguishers.
    pub local_address: Ipv4Addr,
    /// `rest`: where BaGPipe's REST API and looking glass listen (127.0.0.1:8082).
    pub rest: std::net::SocketAddr,
    /// `evpn-dataplane` (linux).
    pub evpn_dataplane: VpnDataplane,
    /// `ipvpn-dataplane` (record; the only one).
    pub ipvpn_dataplane: VpnDataplane,
    /// `vxlan-port` (4789).
    pub vxlan_port: u16,
    /// `label-range` (16 1048575): MPLS labels of IP VPN instances and ports.
    pub label_range: (u32, u32),
    /// `vni-range` (1 16777215): VNIs of E-VPN instances.
    pub vni_range: (u32, u32),
    /// `rd-range` (1 65535): the numbers of our route distinguishers `<local-address>:n`.
    pub rd_range: (u16, u16),
    /// `rtc` (true): originate route target membership routes (RFC 4684) for the targets we
    /// import, and send a peer that negotiated RTC only the routes it asked for.
    pub rtc: bool,
    /// Where the block starts.
    pub span: Span,
}

/// `process NAME { run …; encoder …; respawn …; }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Process {
    /// The name neighbors' `api` blocks refer to.
    pub name: String,
    /// The program and its arguments, as written (a relative program path is for the daemon
    /// to resolve, against the configuration file's directory first).
    pub run: Vec<String>,
    /// Message format; `None` when not set (the environment's `api.encoder` applies, json by
    /// default; ExaBGP refuses a process without one).
    pub encoder: Option<Encoder>,
    /// Restart the process when it exits; `None` when not set (the environment's
    /// `api.respawn` applies, true by default).
    pub respawn: Option<bool>,
    /// Where the block starts.
    pub span: Span,
}

/// Which messages an `api` block copies to its processes in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ApiMessages {
    /// Decoded messages.
    pub parsed: bool,
    /// Raw packets in hex.
    pub packets: bool,
    /// Parsed and raw in one message.
    pub consolidate: bool,
    /// OPEN messages.
    pub open: bool,
    /// UPDATE messages.
    pub update: bool,
    /// NOTIFICATION messages.
    pub notification: bool,
    /// KEEPALIVE messages.
    pub keepalive: bool,
    /// ROUTE-REFRESH messages.
    pub refresh: bool,
    /// ExaBGP OPERATIONAL messages.
    pub operational: bool,
}

/// `api [NAME] { … }` inside a neighbor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Api {
    /// The block's name, if it has one.
    pub name: Option<String>,
    /// Processes, by name.
    pub processes: Vec<String>,
    /// Regular expressions selecting processes by name (kept as written; the daemon matches).
    pub processes_match: Vec<String>,
    /// Send neighbor state changes (up/down/connected).
    pub neighbor_changes: bool,
    /// Send the negotiated session parameters.
    pub negotiated: bool,
    /// Send FSM state changes.
    pub fsm: bool,
    /// Send signals received.
    pub signal: bool,
    /// Copies of the messages herald sends.
    pub send: ApiMessages,
    /// Copies of the messages the peer sends.
    pub receive: ApiMessages,
}

/// `prefix-limit { <afi> <safi> <maximum> [warning <percent>] [restart <seconds>]; }`: when
/// the peer's routes of the family pass `warning` percent of `maximum`, a warning is logged
/// (once); past `maximum` the session is closed with Cease/Maximum Number of Prefixes Reached
/// (RFC 4486 §4) and, with `restart`, started again after that many seconds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PrefixLimit {
    /// The family.
    pub family: Family,
    /// The most prefixes accepted.
    pub maximum: u32,
    /// Warn at this percentage of the maximum (default 90).
    pub warning_percent: u8,
    /// Restart the session this many seconds after the limit closed it (default: stay down).
    pub restart: Option<u32>,
    /// Where it was written.
    pub span: Span,
}

/// The capabilities herald offers to a neighbor (RFC 5492).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Capabilities {
    /// 4-octet AS numbers (RFC 6793). Default on.
    pub asn4: bool,
    /// Route Refresh (RFC 2918) and Enhanced Route Refresh (RFC 7313). Default off.
    pub route_refresh: bool,
    /// Graceful Restart (RFC 4724) with this restart time; `None` when off. A bare
    /// `graceful-restart;` takes the hold time.
    pub graceful_restart: Option<u16>,
    /// ADD-PATH (RFC 7911) direction; `None` when off.
    pub add_path: Option<AddPathMode>,
    /// Extended Message (RFC 8654). Default on.
    pub extended_message: bool,
    /// Multisession (draft-ietf-idr-bgp-multisession). Default off.
    pub multi_session: bool,
    /// ExaBGP's operational messages. Default off.
    pub operational: bool,
    /// AIGP (RFC 7311). Default off.
    pub aigp: bool,
    /// Extended Next Hop (RFC 8950): on when set or when a `nexthop` block is present.
    pub extended_next_hop: bool,
    /// Software Version (draft-abraitis-bgp-version-capability). Default off.
    pub software_version: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            asn4: true,
            route_refresh: false,
            graceful_restart: None,
            add_path: None,
            extended_message: true,
            multi_session: false,
            operational: false,
            aigp: false,
            extended_next_hop: false,
            software_version: false,
        }
    }
}

/// TCP MD5 signature settings (RFC 2385).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Md5 {
    /// The key, base64-decoded when `md5-base64 true`.
    pub key: Vec<u8>,
    /// The local address the key is bound to (`md5-ip`, default the local address).
    pub ip: Option<IpAddr>,
}

/// What identifies a neighbor across reloads: its address (or range) and listen port.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NeighborKey {
    /// The peer address, a single host as /32 or /128, or a range for passive neighbors.
    pub peer: IpNet,
    /// The `listen` port when set.
    pub listen: Option<u16>,
}

impl std::fmt::Display for NeighborKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.peer.prefix_len() == self.peer.max_prefix_len() {
            write!(f, "{}", self.peer.addr())?;
        } else {
            write!(f, "{}", self.peer)?;
        }
        if let Some(p) = self.listen {
            write!(f, " listen {p}")?;
        }
        Ok(())
    }
}

/// A neighbor with every setting resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neighbor {
    /// The peer address: one host (/32, /128) or, for passive neighbors, a range.
    pub peer_address: IpNet,
    /// `description`.
    pub description: Option<String>,
    /// The BGP identifier: `router-id`, or the local address when it is IPv4.
    pub router_id: Ipv4Addr,
    /// `local-address`; `None` for `auto` (or when absent): the daemon uses the socket's.
    pub local_address: Option<IpAddr>,
    /// `local-as`; `None` for `auto`.
    pub local_as: Option<u32>,
    /// `peer-as`; `None` for `auto` (take it from the peer's OPEN).
    pub peer_as: Option<u32>,
    /// Hold time in seconds: 0 or at least 3 (default 180).
    pub hold_time: u16,
    /// Only accept connections, never connect.
    pub passive: bool,
    /// `listen <port>`: accept on this port for this neighbor.
    pub listen: Option<u16>,
    /// `connect <port>`: connect to this port.
    pub connect: Option<u16>,
    /// TCP MD5 key.
    pub md5: Option<Md5>,
    /// IP TTL of outgoing packets (`outgoing-ttl`).
    pub outgoing_ttl: Option<u8>,
    /// Minimum TTL of incoming packets (`incoming-ttl`, GTSM).
    pub incoming_ttl: Option<u8>,
    /// Pack routes sharing attributes into one UPDATE (default on).
    pub group_updates: bool,
    /// Send API-announced routes at once (default on).
    pub auto_flush: bool,
    /// Keep the routes sent, to replay them (default on; forced on by route-refresh).
    pub adj_rib_out: bool,
    /// Keep the routes received (default on).
    pub adj_rib_in: bool,
    /// Only send End-of-RIB when asked through the API (default off).
    pub manual_eor: bool,
    /// Hostname capability: host name.
    pub host_name: Option<String>,
    /// Hostname capability: domain name.
    pub domain_name: Option<String>,
    /// `rate-limit`: UPDATE messages per second (`None` for no limit).
    pub rate_limit: Option<u32>,
    /// `source-interface`: the interface to bind to.
    pub source_interface: Option<String>,
    /// The families offered in the OPEN, in a stable order.
    pub families: Vec<Family>,
    /// The capabilities offered.
    pub capabilities: Capabilities,
    /// Families that carry ADD-PATH, with the direction (empty when ADD-PATH is off).
    pub add_path: Vec<(Family, AddPathMode)>,
    /// RFC 8950 next hops: (NLRI family, next-hop AFI).
    pub extended_next_hop: Vec<(Family, Afi)>,
    /// The `api` blocks, templates' first.
    pub api: Vec<Api>,
    /// `prefix-limit`: per family, the most prefixes the peer may send.
    pub prefix_limits: Vec<PrefixLimit>,
    /// The routes to announce, templates' first.
    pub routes: crate::route::RouteTable,
    /// The flow specification rules to announce (`flow { route … }`, `announce { ipv4 {
    /// flow … } }`), templates' first; one per family and NLRI (the last one written wins).
    pub flows: Vec<crate::FlowRule>,
    /// Where the neighbor block starts.
    pub span: Span,
}

impl Neighbor {
    /// The identity used for reload and duplicate checks.
    pub fn key(&self) -> NeighborKey {
        NeighborKey {
            peer: self.peer_address,
            listen: self.listen,
        }
    }

    /// The names of every process this neighbor's `api` blocks name.
    pub fn process_names(&self) -> impl Iterator<Item = &str> {
        self.api
            .iter()
            .flat_map(|a| a.processes.iter().map(String::as_str))
    }
}

/// The next hop of a configured route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NextHopSpec {
    /// `next-hop self`: the local address of the session.
    SelfAddr,
    /// An address. An IPv4 address given for an IPv6 route is kept as `::ffff:a.b.c.d`.
    Ip(IpAddr),
    /// None given (only in API withdrawals; a configured route always has one).
    None,
}

/// Path attributes, shared by the routes written with the same ones.
///
/// The parser interns attribute sets: every route of a configuration (or of one API command)
/// written with the same attributes holds the same allocation, so a clone only counts a
/// reference and [`AttrSet::ptr_eq`] tells the routes of one set apart without comparing
/// attributes. Equality and hashing are by content (the hash is computed once, when the set
/// is made). It dereferences to the attributes, one per type code in type-code order.
#[derive(Clone)]
pub struct AttrSet(Arc<AttrSetInner>);

struct AttrSetInner {
    hash: u64,
    attrs: Box<[Attribute]>,
}

impl AttrSet {
    /// A set holding these attributes (as given: the parser sorts them by type code).
    pub fn new(attrs: Vec<Attribute>) -> Self {
        let hash = AttrSet::hash_of(&attrs);
        AttrSet::with_hash(attrs, hash)
    }

    /// The hash of a set holding these attributes (by content, as [`Hash`] gives).
    pub(crate) fn hash_of(attrs: &[Attribute]) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        attrs.hash(&mut h);
        h.finish()
    }

    /// A set whose [`AttrSet::hash_of`] is known.
    pub(crate) fn with_hash(attrs: Vec<Attribute>, hash: u64) -> Self {
        AttrSet(Arc::new(AttrSetInner {
            hash,
            attrs: attrs.into_boxed_slice(),
        }))
    }

    /// Its [`AttrSet::hash_of`], computed when it was made.
    pub(crate) fn content_hash(&self) -> u64 {
        self.0.hash
    }

    /// The attributes.
    pub fn as_slice(&self) -> &[Attribute] {
        &self.0.attrs
    }

    /// Whether both are the same allocation (then they are equal).
    pub fn ptr_eq(a: &AttrSet, b: &AttrSet) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// A number naming the allocation while it is alive: equal for [`AttrSet::ptr_eq`] sets.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

impl Default for AttrSet {
    fn default() -> Self {
        AttrSet::new(Vec::new())
    }
}

impl std::ops::Deref for AttrSet {
    type Target = [Attribute];
    fn deref(&self) -> &[Attribute] {
        &self.0.attrs
    }
}

impl From<Vec<Attribute>> for AttrSet {
    fn from(v: Vec<Attribute>) -> Self {
        AttrSet::new(v)
    }
}

impl PartialEq for AttrSet {
    fn eq(&self, other: &Self) -> bool {
        AttrSet::ptr_eq(self, other)
            || (self.0.hash == other.0.hash && self.0.attrs == other.0.attrs)
    }
}

impl Eq for AttrSet {}

impl PartialEq<[Attribute]> for AttrSet {
    fn eq(&self, other: &[Attribute]) -> bool {
        *self.0.attrs == *other
    }
}

impl PartialEq<Vec<Attribute>> for AttrSet {
    fn eq(&self, other: &Vec<Attribute>) -> bool {
        *self.0.attrs == **other
    }
}

impl Hash for AttrSet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl std::fmt::Debug for AttrSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.attrs.iter()).finish()
    }
}

/// A route's `name` and `watchdog`. Most routes have neither, so they live outside
/// [`Route`], shared by the routes written with the same ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RouteLabels {
    /// `name`: a label for the route.
    pub name: Option<String>,
    /// `watchdog NAME`: the API can withdraw and re-announce the routes of a watchdog.
    pub watchdog: Option<String>,
}

/// One route: a prefix, its next hop and its path attributes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    /// The family: IPv4/IPv6 unicast, or IPv4 multicast for a 224.0.0.0/4 prefix in `static`
    /// (as ExaBGP does) or a route in `announce { ipv4 { multicast … } }`.
    pub family: Family,
    /// What the route announces: a prefix with its ADD-PATH path identifier
    /// (`path-information`) if any, or another family's NLRI (flow specification …).
    pub nlri: Nlri,
    /// The next hop.
    pub next_hop: NextHopSpec,
    /// Path attributes as written, typed, one per type code in type-code order; without
    /// NEXT_HOP and MP attributes. Defaults (ORIGIN IGP, AS_PATH empty or local AS) are the
    /// daemon's to add when it builds the UPDATE.
    pub attributes: AttrSet,
    /// `name` and `watchdog`, when either is given (see [`Route::name`], [`Route::watchdog`]).
    pub labels: Option<Arc<RouteLabels>>,
    /// `withdraw`: configured but not announced until its watchdog announces it.
    pub withdrawn: bool,
    /// Where the route was written.
    pub origin: Span,
}

impl Route {
    /// The attribute with this type code.
    pub fn attribute(&self, type_code: u8) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.value.type_code() == type_code)
    }

    /// What identifies the route in a RIB: family, NLRI and path identifier.
    pub fn key(&self) -> (Family, Nlri) {
        (self.family, self.nlri.clone())
    }

    /// The prefix of a unicast or multicast route.
    pub fn prefix(&self) -> Option<&Prefix> {
        self.nlri.prefix()
    }

    /// The route as text for messages: its prefix (with the route distinguisher of a VPN
    /// route), an EVPN, MCAST-VPN or RTC route in the configuration's words (`evpn mac-ip rd
    /// …`, `mcast-vpn source-ad …`, `rtc origin …`), or the family's
    /// name for other NLRI.
    pub fn describe(&self) -> String {
        use herald_wire::NlriList;
        match (&self.nlri, self.nlri.decoded(self.family)) {
            (Nlri::Prefix(p), _) => p.net.to_string(),
            (_, Some(NlriList::Vpn(v))) if v.len() == 1 => v
                .first()
                .map_or_else(String::new, |v| format!("{} rd {}", v.net, v.rd)),
            (_, Some(NlriList::Vpls(v))) if v.len() == 1 => {
                v.first().map_or_else(String::new, |v| {
                    format!("vpls rd {} endpoint {}", v.rd, v.endpoint)
                })
            }
            (_, Some(NlriList::Labeled(v))) if v.len() == 1 => {
                v.first().map_or_else(String::new, |v| v.net.to_string())
            }
            (_, Some(NlriList::Evpn(v))) if v.len() == 1 => v
                .first()
                .map_or_else(String::new, |e| format!("evpn {}", e.route)),
            (_, Some(NlriList::Mvpn(v))) if v.len() == 1 => v
                .first()
                .map_or_else(String::new, |m| format!("mcast-vpn {}", m.route)),
            (_, Some(NlriList::Mup(v))) if v.len() == 1 => v
                .first()
                .map_or_else(String::new, |m| format!("mup {}", m.route)),
            (_, Some(NlriList::Rtc(v))) if v.len() == 1 => v
                .first()
                .map_or_else(String::new, crate::route::rtc::describe),
            _ => format!("{} route", self.family),
        }
    }

    /// `name`: a label for the route.
    pub fn name(&self) -> Option<&str> {
        self.labels.as_ref()?.name.as_deref()
    }

    /// `watchdog NAME`: the API can withdraw and re-announce the routes of a watchdog.
    pub fn watchdog(&self) -> Option<&str> {
        self.labels.as_ref()?.watchdog.as_deref()
    }
}
