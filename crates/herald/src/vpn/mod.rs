//! The VPN PE role's dataplane side in the daemon: the Linux E-VPN/VXLAN driver
//! ([`linux::LinuxEvpnDriver`]) that executes the VPN engine's
//! [`herald_vpn::dataplane::DataplaneOp`]s, and the `herald vpn` subcommand (`cleanup` removes
//! what a herald that stopped without cleaning up left behind; `show` prints a device's
//! parameters, FDB and neighbour entries).

pub mod linux;

#[cfg(test)]
mod tests;

use std::process::ExitCode;

use linux::{LinkState, LinuxEvpnDriver};

/// Options of `herald vpn`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: VpnCommand,
}

#[derive(clap::Subcommand, Debug)]
enum VpnCommand {
    /// Delete every bridge named `evpn---*` and VXLAN device named `vxlan--*` in this network
    /// namespace (left behind by a herald that did not stop cleanly) and print their names.
    Cleanup,
    /// Print an E-VPN device's parameters, its FDB entries and its neighbour entries.
    Show {
        /// The device (a VXLAN device, a bridge or a bridge port).
        device: String,
    },
}

/// Run `herald vpn …`: exit 0 on success (also when there was nothing to clean up), 1 on an
/// error, printed on stderr.
pub fn run(args: Args) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("herald vpn: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        let mut driver = LinuxEvpnDriver::new()?;
        match args.command {
            VpnCommand::Cleanup => {
                let removed = driver.cleanup_all().await?;
                if removed.is_empty() {
                    println!("nothing to clean up");
                }
                for name in removed {
                    println!("removed {name}");
                }
            }
            VpnCommand::Show { device } => show(&driver, &device).await?,
        }
        Ok::<(), linux::DriverError>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("herald vpn: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `herald vpn show DEVICE`.
async fn show(driver: &LinuxEvpnDriver, device: &str) -> Result<(), linux::DriverError> {
    let links = driver.links().await?;
    let Some(link) = links.iter().find(|l| l.name == device) else {
        return Err(linux::DriverError::NoDevice {
            op: "show",
            device: device.to_string(),
        });
    };
    println!("{}", describe(link, &links));
    println!("fdb:");
    for e in driver.fdb_entries(device).await? {
        let mut line = format!("  {}", e.mac);
        if let Some(dst) = e.dst {
            line.push_str(&format!(" dst {dst}"));
        }
        if let Some(vni) = e.vni {
            line.push_str(&format!(" vni {vni}"));
        }
        line.push_str(if e.master { " master" } else { " self" });
        if e.is_static() {
            line.push_str(" static");
        } else if e.is_permanent() {
            line.push_str(" permanent");
        } else {
            line.push_str(&format!(" state {:#x}", e.state));
        }
        println!("{line}");
    }
    println!("neighbours:");
    for n in driver.neighbours(device).await? {
        match n.mac {
            Some(mac) => println!("  {} lladdr {mac} state {:#x}", n.ip, n.state),
            None => println!("  {} state {:#x}", n.ip, n.state),
        }
    }
    Ok(())
}

/// One line about a link: kind, VXLAN or bridge parameters, master, state.
fn describe(l: &LinkState, all: &[LinkState]) -> String {
    let mut s = format!("{}: {}", l.name, l.kind.as_deref().unwrap_or("device"));
    if let Some(v) = &l.vxlan {
        let opt = |o: Option<String>| o.unwrap_or_else(|| "-".to_string());
        s.push_str(&format!(
            " vni {} local {} port {} learning {} proxy {}",
            opt(v.vni.map(|x| x.to_string())),
            opt(v.local.map(|x| x.to_string())),
            opt(v.port.map(|x| x.to_string())),
            opt(v.learning.map(|x| x.to_string())),
            opt(v.proxy.map(|x| x.to_string())),
        ));
    }
    if let Some(b) = &l.bridge {
        if let Some(fd) = b.forward_delay {
            s.push_str(&format!(" forward_delay {fd}"));
        }
        if let Some(stp) = b.stp_state {
            s.push_str(&format!(" stp_state {stp}"));
        }
    }
    if let Some(m) = l.master {
        match all.iter().find(|o| o.index == m) {
            Some(o) => s.push_str(&format!(" master {}", o.name)),
            None => s.push_str(&format!(" master ifindex {m}")),
        }
    }
    s.push_str(if l.up { " up" } else { " down" });
    s
}
