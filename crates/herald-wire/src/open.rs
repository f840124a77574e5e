//! OPEN (RFC 4271 §4.2) with optional parameters, including the extended optional parameters
//! length of RFC 9072.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+
//! |    Version    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     My Autonomous System      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Hold Time           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         BGP Identifier                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Opt Parm Len  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |             Optional Parameters (variable)                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use std::net::Ipv4Addr;

use crate::capability::Capability;
use crate::error::{DecodeError, ErrorKind};
use crate::reader::Reader;

/// AS_TRANS (RFC 6793): the 2-octet stand-in for a 4-octet AS number.
pub const AS_TRANS: u16 = 23456;

/// Optional parameter type for capabilities (RFC 5492).
pub const PARAM_CAPABILITIES: u8 = 2;
/// Optional parameter type that marks the RFC 9072 extended length format.
pub const PARAM_EXTENDED_LENGTH: u8 = 255;

/// One optional parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionalParameter {
    /// Type 2: one or more capabilities (RFC 5492).
    Capabilities(Vec<Capability>),
    /// Any other type, kept raw. RFC 4271 §6.2 says to refuse it; the session does.
    Unknown {
        /// Parameter type.
        kind: u8,
        /// Parameter value.
        data: Vec<u8>,
    },
}

/// An OPEN message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    /// Protocol version (4).
    pub version: u8,
    /// My Autonomous System (AS_TRANS when the real AS needs four octets).
    pub my_as: u16,
    /// Proposed hold time in seconds.
    pub hold_time: u16,
    /// BGP Identifier.
    pub bgp_id: Ipv4Addr,
    /// Optional parameters in wire order.
    pub params: Vec<OptionalParameter>,
    /// Whether the parameters use the RFC 9072 extended length format.
    pub extended_length: bool,
}

impl Open {
    /// An OPEN for `asn` with one capability per optional parameter. A 4-octet `asn` puts
    /// AS_TRANS in My Autonomous System; the caller includes the 4-octet AS capability.
    pub fn new(asn: u32, hold_time: u16, bgp_id: Ipv4Addr, capabilities: Vec<Capability>) -> Self {
        let my_as = u16::try_from(asn).unwrap_or(AS_TRANS);
        let params = capabilities
            .into_iter()
            .map(|c| OptionalParameter::Capabilities(vec![c]))
            .collect();
        Open {
            version: 4,
            my_as,
            hold_time,
            bgp_id,
            params,
            extended_length: false,
        }
    }

    /// Every capability, in order, from every capabilities parameter.
    pub fn capabilities(&self) -> impl Iterator<Item = &Capability> {
        self.params.iter().flat_map(|p| match p {
            OptionalParameter::Capabilities(c) => c.as_slice(),
            OptionalParameter::Unknown { .. } => &[],
        })
    }

    /// The speaker's AS: from the 4-octet AS capability when present, else My Autonomous System.
    pub fn asn(&self) -> u32 {
        self.capabilities()
            .find_map(|c| match c {
                Capability::FourOctetAs(a) => Some(*a),
                _ => None,
            })
            .unwrap_or(u32::from(self.my_as))
    }

    /// Decode an OPEN body (after the header). Offsets in errors are relative to the body.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let short = |at: usize| {
            DecodeError::new(
                at,
                ErrorKind::BadMessageLength {
                    length: (body.len() + 19) as u16,
                },
            )
        };
        let mut r = Reader::new(body);
        let version = r.u8().ok_or_else(|| short(0))?;
        let my_as = r.u16().ok_or_else(|| short(1))?;
        let hold_time = r.u16().ok_or_else(|| short(3))?;
        let bgp_id = Ipv4Addr::from(r.array::<4>().ok_or_else(|| short(5))?);
        let opt_len = r.u8().ok_or_else(|| short(9))?;
        let mut extended_length = false;
        let params_len = if opt_len == 255 && r.rest().first() == Some(&PARAM_EXTENDED_LENGTH) {
            extended_length = true;
            r.u8();
            r.u16().ok_or_else(|| {
                DecodeError::new(
                    r.pos(),
                    ErrorKind::MalformedOpen("truncated extended length"),
                )
            })? as usize
        } else {
            opt_len as usize
        };
        if params_len != r.remaining() {
            return Err(DecodeError::new(
                9,
                ErrorKind::MalformedOpen("optional parameters length disagrees with message"),
            ));
        }
        let mut params = Vec::new();
        while !r.is_empty() {
            let at = r.pos();
            let bad = || {
                DecodeError::new(
                    at,
                    ErrorKind::MalformedOpen("optional parameter overruns the message"),
                )
            };
            let kind = r.u8().ok_or_else(bad)?;
            let len = if extended_length {
                r.u16()
            } else {
                r.u8().map(u16::from)
            }
            .ok_or_else(bad)?;
            let value = r.take(len as usize).ok_or_else(bad)?;
            if kind == PARAM_CAPABILITIES {
                let mut caps = Vec::new();
                let mut cr = Reader::new(value);
                while !cr.is_empty() {
                    let cat = at + 2 + usize::from(extended_length) + cr.pos();
                    let cbad = || {
                        DecodeError::new(
                            cat,
                            ErrorKind::MalformedOpen("capability overruns its parameter"),
                        )
                    };
                    let code = cr.u8().ok_or_else(cbad)?;
                    let clen = cr.u8().ok_or_else(cbad)?;
                    let cval = cr.take(clen as usize).ok_or_else(cbad)?;
                    caps.push(Capability::decode(code, cval));
                }
                params.push(OptionalParameter::Capabilities(caps));
            } else {
                params.push(OptionalParameter::Unknown {
                    kind,
                    data: value.to_vec(),
                });
            }
        }
        Ok(Open {
            version,
            my_as,
            hold_time,
            bgp_id,
            params,
            extended_length,
        })
    }

    /// RFC 4271 §6.2 checks that need no configuration: version 4 and a non-zero identifier.
    /// Hold time, peer AS and capabilities are the session's to check.
    pub fn validate(&self) -> Result<(), DecodeError> {
        if self.version != 4 {
            return Err(DecodeError::new(
                0,
                ErrorKind::UnsupportedVersion {
                    version: self.version,
                },
            ));
        }
        if self.bgp_id.is_unspecified() {
            return Err(DecodeError::new(5, ErrorKind::BadBgpIdentifier));
        }
        if let Some(OptionalParameter::Unknown { kind, .. }) = self
            .params
            .iter()
            .find(|p| matches!(p, OptionalParameter::Unknown { .. }))
        {
            return Err(DecodeError::new(
                10,
                ErrorKind::UnsupportedOptionalParameter { param: *kind },
            ));
        }
        Ok(())
    }

    /// Append the body to `out`. Switches to the RFC 9072 format when the parameters need it or
    /// when the message was decoded in it.
    pub fn encode_body(&self, out: &mut Vec<u8>) {
        out.push(self.version);
        out.extend_from_slice(&self.my_as.to_be_bytes());
        out.extend_from_slice(&self.hold_time.to_be_bytes());
        out.extend_from_slice(&self.bgp_id.octets());
        let mut params = Vec::new();
        let encode_params = |ext: bool, params: &mut Vec<u8>| {
            params.clear();
            for p in &self.params {
                let (kind, value) = match p {
                    OptionalParameter::Capabilities(caps) => {
                        let mut v = Vec::new();
                        for c in caps {
                            c.encode(&mut v);
                        }
                        (PARAM_CAPABILITIES, v)
                    }
                    OptionalParameter::Unknown { kind, data } => (*kind, data.clone()),
                };
                params.push(kind);
                if ext {
                    params.extend_from_slice(&(value.len().min(65535) as u16).to_be_bytes());
                } else {
                    params.push(value.len().min(255) as u8);
                }
                params.extend_from_slice(&value);
            }
        };
        encode_params(self.extended_length, &mut params);
        let ext = self.extended_length
            || params.len() > 255
            || self.params.iter().any(|p| match p {
                OptionalParameter::Capabilities(c) => {
                    let mut v = Vec::new();
                    c.iter().for_each(|c| c.encode(&mut v));
                    v.len() > 255
                }
                OptionalParameter::Unknown { data, .. } => data.len() > 255,
            });
        if ext && !self.extended_length {
            encode_params(true, &mut params);
        }
        if ext {
            out.push(255);
            out.push(PARAM_EXTENDED_LENGTH);
            out.extend_from_slice(&(params.len().min(65535) as u16).to_be_bytes());
        } else {
            out.push(params.len() as u8);
        }
        out.extend_from_slice(&params);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::GrFamily;
    use crate::iana::{Afi, Family, Safi};

    /// OPEN body sent by ExaBGP 5.0.15 (families ipv4/unicast, ipv4/mpls-vpn, ipv6/unicast,
    /// graceful-restart 120, route-refresh), taken from its `packets` API output.
    const EXABGP_OPEN: &str = "04FDE9001E010101013E020601040001000102060104000100800206010400020001020641040000FDE90210400E8078000101800001808000020180020202000202460002020600";

    #[test]
    fn exabgp_open_decodes_and_reencodes() {
        let body = hex::decode(EXABGP_OPEN).unwrap();
        let open = Open::decode(&body).unwrap();
        assert_eq!(open.version, 4);
        assert_eq!(open.my_as, 65001);
        assert_eq!(open.hold_time, 30);
        assert_eq!(open.bgp_id, Ipv4Addr::new(1, 1, 1, 1));
        assert_eq!(open.asn(), 65001);
        let caps: Vec<_> = open.capabilities().cloned().collect();
        assert_eq!(caps.len(), 8);
        assert_eq!(
            caps[0],
            Capability::Multiprotocol {
                family: Family::IPV4_UNICAST,
                reserved: 0
            }
        );
        assert_eq!(
            caps[1],
            Capability::Multiprotocol {
                family: Family::new(Afi::IPV4, Safi::MPLS_VPN),
                reserved: 0
            }
        );
        assert_eq!(caps[3], Capability::FourOctetAs(65001));
        assert_eq!(
            caps[4],
            Capability::GracefulRestart {
                flags: 8,
                time: 120,
                families: vec![
                    GrFamily {
                        family: Family::IPV4_UNICAST,
                        flags: 0x80
                    },
                    GrFamily {
                        family: Family::new(Afi::IPV4, Safi::MPLS_VPN),
                        flags: 0x80
                    },
                    GrFamily {
                        family: Family::IPV6_UNICAST,
                        flags: 0x80
                    },
                ]
            }
        );
        assert_eq!(caps[7], Capability::ExtendedMessage);
        open.validate().unwrap();
        let mut out = Vec::new();
        open.encode_body(&mut out);
        assert_eq!(out, body);
    }

    #[test]
    fn four_octet_asn_uses_as_trans() {
        let open = Open::new(
            4_200_000_000,
            90,
            Ipv4Addr::new(10, 0, 0, 1),
            vec![Capability::FourOctetAs(4_200_000_000)],
        );
        let mut out = Vec::new();
        open.encode_body(&mut out);
        assert_eq!(
            out,
            [4, 0x5b, 0xa0, 0, 90, 10, 0, 0, 1, 8, 2, 6, 65, 4, 0xfa, 0x56, 0xea, 0x00]
        );
        let back = Open::decode(&out).unwrap();
        assert_eq!(back.asn(), 4_200_000_000);
        assert_eq!(back, open);
    }

    #[test]
    fn rfc9072_extended_parameters_round_trip() {
        // 70 multiprotocol capabilities in one parameter: 420 octets, more than 255.
        let caps: Vec<_> = (0..70)
            .map(|i| Capability::Multiprotocol {
                family: Family::new(Afi(1), Safi(i)),
                reserved: 0,
            })
            .collect();
        let mut open = Open::new(65000, 180, Ipv4Addr::new(1, 2, 3, 4), vec![]);
        open.params.push(OptionalParameter::Capabilities(caps));
        let mut out = Vec::new();
        open.encode_body(&mut out);
        assert_eq!(&out[9..13], &[255, 255, 0x01, 0xa7]);
        assert_eq!(&out[13..16], &[2, 0x01, 0xa4]);
        let back = Open::decode(&out).unwrap();
        assert!(back.extended_length);
        assert_eq!(back.params, open.params);
        let mut again = Vec::new();
        back.encode_body(&mut again);
        assert_eq!(again, out);
    }

    #[test]
    fn validate_rejects_version_3_zero_id_and_unknown_parameters() {
        let mut o = Open::new(1, 3, Ipv4Addr::new(1, 1, 1, 1), vec![]);
        o.version = 3;
        assert_eq!(o.validate().unwrap_err().notification().data, vec![0, 4]);
        let o = Open::new(1, 3, Ipv4Addr::UNSPECIFIED, vec![]);
        assert_eq!(o.validate().unwrap_err().notification().subcode, 3);
        let mut o = Open::new(1, 3, Ipv4Addr::new(1, 1, 1, 1), vec![]);
        o.params.push(OptionalParameter::Unknown {
            kind: 1,
            data: vec![0],
        });
        let n = o.validate().unwrap_err().notification();
        assert_eq!((n.code, n.subcode, n.data), (2, 4, vec![1]));
    }

    #[test]
    fn truncated_parameters_are_errors_not_panics() {
        let body = [4, 0, 1, 0, 90, 1, 1, 1, 1, 4, 2, 9, 1, 4];
        assert!(Open::decode(&body).is_err());
        assert!(Open::decode(&body[..5]).is_err());
        assert!(Open::decode(&[4, 0, 1, 0, 90, 1, 1, 1, 1, 255, 255]).is_err());
    }
}
