//! [`Reader`]: MRT records in (RFC 6396 §2 common header), [`MrtMessage`]s out; [`open`] picks
//! the decompressor from the file's magic bytes.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           Timestamp                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |             Type              |            Subtype            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                             Length                            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Message... (variable)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! For the `_ET` types the message starts with a 4-octet microsecond timestamp, counted in the
//! length (§3).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::bgp4mp::{self, Bgp4mp};
use crate::cursor::Bad;
use crate::record_type::{BGP4MP, BGP4MP_ET, TABLE_DUMP_V2};
use crate::table_dump::{self, subtype as td, PeerIndex, RibRecord};
use crate::{MrtError, MrtMessage};

/// Length of the MRT common header.
const HEADER_LEN: usize = 12;

/// Open an MRT file, plain or compressed with gzip or bzip2. The compression is recognised
/// by the file's first octets (`1f 8b` for gzip, `BZh` for bzip2), whatever its name.
pub fn open(path: &Path) -> Result<Reader<Box<dyn BufRead>>, MrtError> {
    let opened = |source| MrtError::Open {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(opened)?;
    let mut buf = BufReader::with_capacity(1 << 16, file);
    let magic = buf.fill_buf().map_err(opened)?;
    let input: Box<dyn BufRead> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buf),
        ))
    } else if magic.starts_with(b"BZh") {
        Box::new(BufReader::with_capacity(
            1 << 16,
            bzip2::bufread::MultiBzDecoder::new(buf),
        ))
    } else {
        Box::new(buf)
    };
    Ok(Reader::new(input))
}

/// Counts of what a [`Reader`] has seen so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// MRT records read, whatever their type.
    pub records: u64,
    /// BGP messages yielded from BGP4MP / BGP4MP_ET records.
    pub bgp4mp_messages: u64,
    /// Synthetic UPDATEs yielded from TABLE_DUMP_V2 RIB entries.
    pub rib_entries: u64,
    /// PEER_INDEX_TABLE records read.
    pub peer_index_tables: u64,
    /// BGP4MP state-change records skipped.
    pub state_changes: u64,
    /// RIB_GENERIC (and RIB_GENERIC_ADDPATH) records skipped.
    pub rib_generic: u64,
    /// Records of a type or subtype this crate does not read, skipped.
    pub unknown: u64,
    /// Records that were malformed or truncated (each reported as an error).
    pub errors: u64,
}

/// An iterator over the BGP messages of an MRT stream. See the crate documentation.
pub struct Reader<R> {
    input: R,
    /// Offset of the next record.
    offset: u64,
    peers: Option<PeerIndex>,
    pending: VecDeque<MrtMessage>,
    stats: Stats,
    done: bool,
    body: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A reader over an uncompressed MRT stream.
    pub fn new(input: R) -> Self {
        Reader {
            input,
            offset: 0,
            peers: None,
            pending: VecDeque::new(),
            stats: Stats::default(),
            done: false,
            body: Vec::new(),
        }
    }

    /// How many records were skipped so far: state changes, RIB_GENERIC entries and unknown
    /// types or subtypes.
    pub fn skipped(&self) -> u64 {
        self.stats.state_changes + self.stats.rib_generic + self.stats.unknown
    }

    /// Detailed counts.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The offset of the next record to be read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Read up to `buf.len()` octets; fewer only at the end of the input.
    fn read_full(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut got = 0;
        while let Some(rest) = buf.get_mut(got..) {
            if rest.is_empty() {
                break;
            }
            match self.input.read(rest) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }

    /// Read one record and queue what it yields. At the end of the input sets `done`.
    fn read_record(&mut self) -> Result<(), MrtError> {
        let offset = self.offset;
        let io_err = |source| MrtError::Io { offset, source };
        let mut header = [0u8; HEADER_LEN];
        let got = self.read_full(&mut header).map_err(io_err)?;
        if got == 0 {
            self.done = true;
            return Ok(());
        }
        if got < HEADER_LEN {
            return Err(MrtError::Truncated {
                offset,
                needed: HEADER_LEN as u64,
                got: got as u64,
            });
        }
        let [t0, t1, t2, t3, k0, k1, s0, s1, l0, l1, l2, l3] = header;
        let timestamp = u32::from_be_bytes([t0, t1, t2, t3]);
        let kind = u16::from_be_bytes([k0, k1]);
        let subtype = u16::from_be_bytes([s0, s1]);
        let len = u64::from(u32::from_be_bytes([l0, l1, l2, l3]));
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        let read = (&mut self.input).take(len).read_to_end(&mut body);
        let result = match read {
            Err(e) => Err(io_err(e)),
            Ok(n) if (n as u64) < len => Err(MrtError::Truncated {
                offset,
                needed: HEADER_LEN as u64 + len,
                got: (HEADER_LEN + n) as u64,
            }),
            Ok(_) => {
                self.offset += HEADER_LEN as u64 + len;
                self.stats.records += 1;
                self.dispatch(offset, timestamp, kind, subtype, &body)
                    .map_err(|bad| {
                        self.stats.errors += 1;
                        MrtError::Malformed {
                            offset,
                            kind,
                            subtype,
                            reason: match bad {
                                Bad::Short(what) => format!("record ends inside the {what}"),
                                Bad::Invalid(why) => why,
                            },
                        }
                    })
            }
        };
        self.body = body;
        if matches!(
            result,
            Err(MrtError::Io { .. } | MrtError::Truncated { .. })
        ) {
            self.stats.errors += 1;
            self.done = true;
        }
        result
    }

    /// Handle one complete record body.
    fn dispatch(
        &mut self,
        offset: u64,
        timestamp: u32,
        kind: u16,
        subtype: u16,
        body: &[u8],
    ) -> Result<(), Bad> {
        match kind {
            BGP4MP | BGP4MP_ET => {
                let (micro, rest) = if kind == BGP4MP_ET {
                    let (m, rest) = body
                        .split_first_chunk::<4>()
                        .ok_or(Bad::Short("microsecond timestamp"))?;
                    (u32::from_be_bytes(*m), rest)
                } else {
                    (0, body)
                };
                match bgp4mp::parse(subtype, rest, timestamp, micro, offset)? {
                    Bgp4mp::Message(m) => {
                        self.stats.bgp4mp_messages += 1;
                        self.pending.push_back(*m);
                    }
                    Bgp4mp::StateChange => self.stats.state_changes += 1,
                    Bgp4mp::Unknown => self.stats.unknown += 1,
                }
            }
            TABLE_DUMP_V2 => match subtype {
                td::PEER_INDEX_TABLE => {
                    self.peers = Some(table_dump::parse_peer_index(body)?);
                    self.stats.peer_index_tables += 1;
                }
                td::RIB_GENERIC | td::RIB_GENERIC_ADDPATH => self.stats.rib_generic += 1,
                s if table_dump::rib_kind(s).is_some() => {
                    let rec = RibRecord {
                        subtype,
                        timestamp,
                        offset,
                        peers: self.peers.as_ref(),
                    };
                    let msgs = table_dump::parse_rib(&rec, body)?;
                    self.stats.rib_entries += msgs.len() as u64;
                    self.pending.extend(msgs);
                }
                _ => self.stats.unknown += 1,
            },
            _ => self.stats.unknown += 1,
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<MrtMessage, MrtError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(m) = self.pending.pop_front() {
                return Some(Ok(m));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.read_record() {
                return Some(Err(e));
            }
        }
    }
}
