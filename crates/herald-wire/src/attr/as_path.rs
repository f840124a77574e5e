//! AS_PATH (RFC 4271 §4.3, RFC 5065 confederation segments) and AS4_PATH (RFC 6793), with the
//! RFC 6793 §4.2.3 reconstruction of the real path from AS_PATH and AS4_PATH.
//!
//! ```text
//! +------------------+-------------------+---------------------------+
//! | segment type (1) | segment length (1)| ASNs (2 or 4 octets each) |
//! +------------------+-------------------+---------------------------+
//! ```

use crate::open::AS_TRANS;

/// AS path segment types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SegmentType {
    /// 1: AS_SET.
    Set,
    /// 2: AS_SEQUENCE.
    Sequence,
    /// 3: AS_CONFED_SEQUENCE (RFC 5065).
    ConfedSequence,
    /// 4: AS_CONFED_SET (RFC 5065).
    ConfedSet,
}

impl SegmentType {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => SegmentType::Set,
            2 => SegmentType::Sequence,
            3 => SegmentType::ConfedSequence,
            4 => SegmentType::ConfedSet,
            _ => return None,
        })
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            SegmentType::Set => 1,
            SegmentType::Sequence => 2,
            SegmentType::ConfedSequence => 3,
            SegmentType::ConfedSet => 4,
        }
    }

    /// AS_CONFED_SEQUENCE or AS_CONFED_SET.
    pub fn is_confed(self) -> bool {
        matches!(self, SegmentType::ConfedSequence | SegmentType::ConfedSet)
    }

    /// ExaBGP's JSON name.
    pub fn name(self) -> &'static str {
        match self {
            SegmentType::Set => "as-set",
            SegmentType::Sequence => "as-sequence",
            SegmentType::ConfedSequence => "as-confed-sequence",
            SegmentType::ConfedSet => "as-confed-set",
        }
    }
}

/// One segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    /// Set, sequence or a confederation variant.
    pub kind: SegmentType,
    /// The AS numbers.
    pub asns: Vec<u32>,
}

/// An AS path: segments in wire order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AsPath {
    /// The segments.
    pub segments: Vec<Segment>,
}

impl AsPath {
    /// A path of one AS_SEQUENCE (empty when `asns` is empty).
    pub fn sequence(asns: Vec<u32>) -> Self {
        if asns.is_empty() {
            return AsPath::default();
        }
        AsPath {
            segments: vec![Segment {
                kind: SegmentType::Sequence,
                asns,
            }],
        }
    }

    /// Decode with 2- or 4-octet AS numbers.
    pub fn decode(mut b: &[u8], four: bool) -> Option<AsPath> {
        let w = if four { 4 } else { 2 };
        let mut segments = Vec::new();
        while let Some((&[t, n], rest)) = b.split_first_chunk::<2>() {
            let kind = SegmentType::from_u8(t)?;
            if n == 0 {
                return None;
            }
            let body = rest.get(..usize::from(n) * w)?;
            // `map` (not `filter_map`) keeps the iterator's exact length, so `collect` allocates
            // once; `chunks_exact` makes the fallback unreachable.
            let asns = if four {
                body.chunks_exact(4)
                    .map(|c| u32::from_be_bytes(c.try_into().unwrap_or_default()))
                    .collect()
            } else {
                body.chunks_exact(2)
                    .map(|c| u32::from(u16::from_be_bytes(c.try_into().unwrap_or_default())))
                    .collect()
            };
            segments.push(Segment { kind, asns });
            b = rest.get(usize::from(n) * w..)?;
        }
        if !b.is_empty() {
            return None;
        }
        Some(AsPath { segments })
    }

    /// Append the path with 2- or 4-octet AS numbers. With 2 octets, AS numbers above 65535 are
    /// sent as AS_TRANS (RFC 6793 §4.2.2). Segments longer than 255 are split.
    pub fn encode(&self, four: bool, out: &mut Vec<u8>) {
        for seg in &self.segments {
            for chunk in seg.asns.chunks(255) {
                out.push(seg.kind.to_u8());
                out.push(chunk.len() as u8);
                for &a in chunk {
                    if four {
                        out.extend_from_slice(&a.to_be_bytes());
                    } else {
                        out.extend_from_slice(&u16::try_from(a).unwrap_or(AS_TRANS).to_be_bytes());
                    }
                }
            }
        }
    }

    /// Whether any AS number needs four octets.
    pub fn needs_four_octets(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.asns.iter().any(|&a| a > 0xffff))
    }

    /// The path length for best-path selection: a sequence counts each AS, a set counts one,
    /// confederation segments count nothing (RFC 4271 §9.1.2.2, RFC 5065 §5.3).
    pub fn route_len(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s.kind {
                SegmentType::Sequence => s.asns.len(),
                SegmentType::Set => 1,
                _ => 0,
            })
            .sum()
    }

    /// A new path with `asn` prepended to the leading AS_SEQUENCE (or a new one).
    pub fn prepend(&self, asn: u32) -> AsPath {
        let mut p = self.clone();
        match p.segments.first_mut() {
            Some(s) if s.kind == SegmentType::Sequence && s.asns.len() < 255 => {
                s.asns.insert(0, asn)
            }
            _ => p.segments.insert(
                0,
                Segment {
                    kind: SegmentType::Sequence,
                    asns: vec![asn],
                },
            ),
        }
        p
    }

    /// RFC 6793 §4.2.3: merge a 2-octet AS_PATH with the AS4_PATH that came with it. Returns
    /// the AS_PATH unchanged when AS4_PATH is longer than it (the AS4_PATH is then ignored).
    /// Confederation segments in AS4_PATH are dropped, as RFC 6793 §6 asks.
    pub fn merge_as4(&self, as4: &AsPath) -> AsPath {
        let as4 = AsPath {
            segments: as4
                .segments
                .iter()
                .filter(|s| matches!(s.kind, SegmentType::Sequence | SegmentType::Set))
                .cloned()
                .collect(),
        };
        let n = self.route_len();
        let n4 = as4.route_len();
        if n4 > n {
            return self.clone();
        }
        // Keep the leading (n - n4) ASes of AS_PATH (counted as above, confed segments kept
        // whole), then append AS4_PATH.
        let mut keep = n - n4;
        let mut out = AsPath::default();
        for s in &self.segments {
            if keep == 0 && !matches!(s.kind, SegmentType::ConfedSequence | SegmentType::ConfedSet)
            {
                break;
            }
            match s.kind {
                SegmentType::Sequence => {
                    let take = keep.min(s.asns.len());
                    out.segments.push(Segment {
                        kind: s.kind,
                        asns: s.asns.iter().take(take).copied().collect(),
                    });
                    keep -= take;
                }
                SegmentType::Set => {
                    out.segments.push(s.clone());
                    keep -= 1;
                }
                _ => out.segments.push(s.clone()),
            }
        }
        out.segments.retain(|s| !s.asns.is_empty());
        out.segments.extend(as4.segments);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_and_set_in_four_octets() {
        let b = [2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xf2, 1, 1, 0, 0, 0, 1];
        let p = AsPath::decode(&b, true).unwrap();
        assert_eq!(
            p.segments,
            vec![
                Segment {
                    kind: SegmentType::Sequence,
                    asns: vec![65001, 65010]
                },
                Segment {
                    kind: SegmentType::Set,
                    asns: vec![1]
                }
            ]
        );
        assert_eq!(p.route_len(), 3);
        let mut out = Vec::new();
        p.encode(true, &mut out);
        assert_eq!(out, b);
    }

    #[test]
    fn two_octet_path_sends_as_trans_for_large_asns() {
        let p = AsPath::sequence(vec![65001, 4_200_000_000]);
        let mut out = Vec::new();
        p.encode(false, &mut out);
        assert_eq!(out, [2, 2, 0xfd, 0xe9, 0x5b, 0xa0]);
        assert!(p.needs_four_octets());
    }

    #[test]
    fn malformed_paths_are_refused() {
        assert!(AsPath::decode(&[2, 2, 0, 1], false).is_none());
        assert!(AsPath::decode(&[5, 1, 0, 1], false).is_none());
        assert!(AsPath::decode(&[2, 0], false).is_none());
        assert!(AsPath::decode(&[2], false).is_none());
    }

    #[test]
    fn long_sequences_are_split_at_255() {
        let p = AsPath::sequence((1..=300).collect());
        let mut out = Vec::new();
        p.encode(true, &mut out);
        assert_eq!(out[1], 255);
        assert_eq!(out[2 + 255 * 4 + 1], 45);
        let back = AsPath::decode(&out, true).unwrap();
        assert_eq!(back.segments.len(), 2);
        assert_eq!(back.route_len(), 300);
    }

    #[test]
    fn as4_path_reconstruction_rfc6793() {
        // A 2-octet speaker saw: AS_PATH 65001 23456 23456 ; AS4_PATH 4200000000 4200000001
        let p = AsPath::sequence(vec![65001, 23456, 23456]);
        let p4 = AsPath::sequence(vec![4_200_000_000, 4_200_000_001]);
        assert_eq!(
            p.merge_as4(&p4),
            AsPath {
                segments: vec![
                    Segment {
                        kind: SegmentType::Sequence,
                        asns: vec![65001]
                    },
                    Segment {
                        kind: SegmentType::Sequence,
                        asns: vec![4_200_000_000, 4_200_000_001]
                    }
                ]
            }
        );
        // AS4_PATH longer than AS_PATH is ignored.
        let long = AsPath::sequence(vec![1, 2, 3, 4]);
        assert_eq!(p.merge_as4(&long), p);
    }

    #[test]
    fn prepend_extends_the_first_sequence() {
        assert_eq!(
            AsPath::default().prepend(65000),
            AsPath::sequence(vec![65000])
        );
        assert_eq!(
            AsPath::sequence(vec![1]).prepend(2),
            AsPath::sequence(vec![2, 1])
        );
    }
}
