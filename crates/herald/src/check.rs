//! `herald check CONFIG… [--updates]`: validate configurations (every error and warning on
//! stderr, as `herald run` reports them; non-zero exit when any file has an error); with
//! `--updates`, print the UPDATEs each neighbor would be sent (hex line, then its JSON line),
//! assuming the peer accepts every configured family and capability. No socket is opened.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use herald_api::json::{self, Direction, Envelope, Peer};
use herald_session::Negotiated;
use herald_wire::message::frame;
use herald_wire::{builder, Message};

use crate::daemon::export::{self, Export, SessionView};

/// Arguments of `herald check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The configuration files.
    #[arg(required = true, num_args = 1..)]
    config: Vec<PathBuf>,
    /// Print the UPDATEs (hex, then JSON) that each neighbor would be sent.
    #[arg(long)]
    updates: bool,
}

/// Run `herald check`.
pub fn run(args: Args) -> ExitCode {
    let env_ok = crate::daemon::load_env().is_some();
    let mut failed = !env_ok;
    for path in &args.config {
        match herald_config::load(path) {
            Ok(config) => {
                for w in &config.warnings {
                    eprintln!("{w}");
                }
                let routes: usize = config.neighbors.iter().map(|n| n.routes.len()).sum();
                eprintln!(
                    "{}: ok, {} neighbor(s), {} route(s), {} process(es){}",
                    path.display(),
                    config.neighbors.len(),
                    routes,
                    config.processes.len(),
                    match config.warnings.len() {
                        0 => String::new(),
                        n => format!(", {n} warning(s)"),
                    }
                );
                if args.updates && env_ok && !print_updates(&config) {
                    break;
                }
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{e}");
                }
                eprintln!("{}: {} error(s)", path.display(), errors.len());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Print what each neighbor of `config` would be sent; false when stdout went away.
fn print_updates(config: &herald_config::Config) -> bool {
    let mut line = String::new();
    let mut stdout = std::io::stdout().lock();
    for n in &config.neighbors {
        let local_as = n.local_as.unwrap_or(0);
        let peer_as = n.peer_as.unwrap_or(local_as);
        let local_address = n.local_address.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if n.local_address.is_none()
            && n.routes
                .iter()
                .any(|r| r.next_hop == herald_config::NextHopSpec::SelfAddr)
        {
            eprintln!(
                "neighbor {}: `next-hop self` is the session's local address, unknown without a connection and without local-address: shown as 0.0.0.0 below",
                n.key()
            );
        }
        let neg = Negotiated {
            peer_as,
            local_as,
            peer_id: Ipv4Addr::UNSPECIFIED,
            hold_time: n.hold_time,
            families: n.families.clone(),
            asn4: n.capabilities.asn4,
            add_path_send: n
                .add_path
                .iter()
                .filter(|(_, m)| m.can_send())
                .map(|(f, _)| *f)
                .collect(),
            add_path_receive: Vec::new(),
            route_refresh: n.capabilities.route_refresh,
            enhanced_route_refresh: n.capabilities.route_refresh,
            graceful_restart: None,
            extended_message: false,
            extended_next_hop: if n.capabilities.extended_next_hop {
                n.extended_next_hop.iter().map(|(f, _)| *f).collect()
            } else {
                Vec::new()
            },
        };
        let view = SessionView {
            local_as,
            local_address,
            negotiated: neg,
        };
        let ctx = view.negotiated.send_context();
        let exp = Export::from_table(&n.routes);
        let mut out = Vec::new();
        for g in &exp.groups {
            match export::prepare(&g.key, &view, &ctx) {
                Ok(p) => {
                    // `group-updates false`: one route per UPDATE, as the daemon sends them.
                    let per_update = if n.group_updates { usize::MAX } else { 1 };
                    for part in g.prefixes.chunks(per_update) {
                        if let Err(why) = export::announce(&mut out, &ctx, &p, part) {
                            eprintln!(
                                "neighbor {}: {} route(s) not sent: {why}",
                                n.key(),
                                g.prefixes.len()
                            );
                            break;
                        }
                    }
                }
                Err(why) => eprintln!(
                    "neighbor {}: {} route(s) not sent: {why}",
                    n.key(),
                    g.prefixes.len()
                ),
            }
        }
        if !n.manual_eor {
            for f in &view.negotiated.families {
                builder::end_of_rib(&mut out, *f);
            }
        }
        let peer = Peer {
            local_address,
            peer_address: n.peer_address.addr(),
            local_as,
            peer_as,
            router_id: n.router_id,
        };
        let mut rest = out.as_slice();
        let mut counter = 0;
        while let Ok(Some(f)) = frame(rest, ctx.max_message_len) {
            let (m, tail) = rest.split_at(f.len);
            rest = tail;
            counter += 1;
            if writeln!(stdout, "{}", hex::encode(m)).is_err() {
                return false; // the reader went away (e.g. `| head`)
            }
            if let Ok(msg) = Message::decode(m, &ctx) {
                line.clear();
                let env = Envelope {
                    time: 0.0,
                    host: "herald",
                    pid: std::process::id(),
                    ppid: 0,
                    counter,
                    peer: &peer,
                    direction: Direction::Send,
                    compact: false,
                };
                json::write_message(&mut line, &env, &msg, &ctx);
                if writeln!(stdout, "{line}").is_err() {
                    return false;
                }
            }
        }
    }
    true
}
