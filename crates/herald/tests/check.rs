//! `herald check`: several files in one run, warnings shown as `herald run` logs them, a non-zero
//! exit when any file has an error (and the others still checked).

use std::path::PathBuf;
use std::process::Command;

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn check_reports_every_file_its_warnings_and_fails_on_errors() {
    let dir = std::env::temp_dir().join(format!("herald-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let neighbor = "neighbor 192.0.2.1 { router-id 192.0.2.2; local-address 192.0.2.2; local-as 65001; peer-as 65001;\n";
    // A stray `}` and a route defined twice: warnings, the file is still good.
    let warned = write(
        &dir,
        "warned.conf",
        &format!("{neighbor} static {{\n  route 10.0.0.0/24 next-hop 192.0.2.9;\n  route 10.0.0.0/24 next-hop 192.0.2.8;\n }}\n}}\n}}\n"),
    );
    let good = write(&dir, "good.conf", &format!("{neighbor}}}\n"));
    let bad = write(
        &dir,
        "bad.conf",
        "neighbor 192.0.2.1 { local-as auto; peer-as 1; router-id 1.1.1.1; }\n",
    );
    let run = |files: &[&PathBuf]| {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("check")
            .args(files)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = run(&[&warned, &good]);
    assert!(ok, "{err}");
    assert!(
        err.contains("warned.conf:7:1: '}' does not close any block"),
        "{err}"
    );
    assert!(
        err.contains("warned.conf:4:3: route 10.0.0.0/24 is defined again"),
        "{err}"
    );
    assert!(
        err.contains("warned.conf: ok, 1 neighbor(s), 1 route(s), 0 process(es), 2 warning(s)"),
        "{err}"
    );
    assert!(
        err.contains("good.conf: ok, 1 neighbor(s), 0 route(s), 0 process(es)\n"),
        "{err}"
    );

    // An error in one file: reported with its place, the next file still checked, exit 1.
    let (ok, err) = run(&[&bad, &good]);
    assert!(!ok, "{err}");
    assert!(
        err.contains("bad.conf:1:22: unsupported: local-as auto"),
        "{err}"
    );
    assert!(err.contains("bad.conf: 1 error(s)"), "{err}");
    assert!(err.contains("good.conf: ok"), "{err}");
}

#[test]
fn messages_a_person_reads() {
    let dir = std::env::temp_dir().join(format!("herald-msgs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let herald = || Command::new(env!("CARGO_BIN_EXE_herald"));
    // An unreadable file: its name and why, no 0:0 place and no token.
    let missing = dir.join("missing.conf");
    let out = herald().arg("check").arg(&missing).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: cannot read the file: No such file",
            missing.display()
        )),
        "{err}"
    );
    assert!(
        !err.contains(":0:0:") && !err.contains("end of input"),
        "{err}"
    );
    // A statement whose ';' is missing says so, with the line it is missing from.
    let f = write(
        &dir,
        "semi.conf",
        "neighbor 10.0.0.1 {\n local-address 10.0.0.2;\n local-as 1\n peer-as 1;\n}\n",
    );
    let out = herald().arg("check").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("semi.conf:4:2: missing ';' after '1' at the end of line 3"),
        "{err}"
    );
    // decode into a reader that goes away ends quietly with 0.
    let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("decode")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        for _ in 0..2000 {
            if stdin
                .write_all(b"ffffffffffffffffffffffffffffffff001304\n")
                .is_err()
            {
                break;
            }
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_updates_says_next_hop_self_is_unknown_without_a_local_address() {
    let dir = std::env::temp_dir().join(format!("herald-nhself-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let f = write(
        &dir,
        "self.conf",
        "neighbor 10.0.0.1 { router-id 1.1.1.1; local-as 1; peer-as 1; static { route 10.1.0.0/24 next-hop self; } }\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["check", "--updates"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`next-hop self` is the session's local address"),
        "{err}"
    );
}

/// `check --updates` shows what the daemon sends: VPN routes in MP_REACH with their RD and
/// label, and with `group-updates false` one route per UPDATE.
#[test]
fn check_updates_of_vpn_routes_follows_group_updates() {
    let dir = std::env::temp_dir().join(format!("herald-vpn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let body = "local-address 127.0.0.1; router-id 1.1.1.1; local-as 1; peer-as 1; static { route 10.0.0.0/24 rd 65000:1 label 1000 next-hop 192.0.2.1 split /25; }";
    for (grouped, updates) in [("true", 1), ("false", 2)] {
        let f = write(
            &dir,
            "vpn.conf",
            &format!("neighbor 127.0.0.2 {{ {body} group-updates {grouped}; }}\n"),
        );
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["check", "--updates"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let vpn: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("\"ipv4 mpls-vpn\": { \"192.0.2.1\""))
            .collect();
        assert_eq!(vpn.len(), updates, "group-updates {grouped}: {text}");
        assert_eq!(
            text.matches(r#""label": [ [1000] ], "rd": "65000:1""#)
                .count(),
            2,
            "{text}"
        );
    }
}
