//! The HTTP API (`http.listen`) end to end: one herald sends routes to another, whose HTTP API
//! is queried and driven here.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const SENDER: &str = "127.0.66.1";
const RECEIVER: &str = "127.0.66.2";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// GET `path`: status and body.
fn get(base: &str, path: &str) -> (u16, String) {
    let mut r = agent().get(format!("{base}{path}")).call().unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

/// POST `body` to `path` with `token` when given: status and body.
fn post(base: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut req = agent().post(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.send(body.as_bytes()).unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// NDJSON lines as values.
fn lines(s: &str) -> Vec<Value> {
    s.lines().map(json).collect()
}

fn nlris(s: &str) -> Vec<String> {
    let mut v: Vec<String> = lines(s)
        .iter()
        .map(|r| r["nlri"].as_str().unwrap_or_default().to_string())
        .collect();
    v.sort();
    v
}

struct Pair {
    tx: Daemon,
    rx: Daemon,
    base: String,
    port: u16,
}

/// A sender with `routes` and a receiver with the HTTP API (and `token` as its token file).
fn pair(dir: &Path, routes: &str, token: Option<&str>) -> Pair {
    pair_with(dir, routes, token, "", "")
}

/// As [`pair`], with `process` (a `process` block) and `api` (in the neighbor) at the receiver.
fn pair_with(dir: &Path, routes: &str, token: Option<&str>, process: &str, api: &str) -> Pair {
    let port = free_port(RECEIVER);
    let http = free_port("127.0.0.1");
    let mut env = vec![(
        "herald.http.listen".to_string(),
        format!("127.0.0.1:{http}"),
    )];
    if let Some(t) = token {
        let f = dir.join("token");
        std::fs::write(&f, format!("{t}\n")).unwrap();
        env.push(("herald.http.token-file".into(), f.display().to_string()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let rx = Daemon::start_with_env(
        dir,
        "rx",
        &format!(
            "{process}\n{}",
            receiver_conf(RECEIVER, SENDER, port, 65002, 65001)
                .replace(" passive;\n", &format!(" passive;\n{api}\n"))
        ),
        &env,
    );
    rx.wait("HTTP listening", |_, e| e.contains("HTTP API listening"));
    let tx = Daemon::start(
        dir,
        "tx",
        &sender_conf(SENDER, RECEIVER, port, 65001, 65002, routes),
    );
    rx.wait("two End-of-RIBs", |o, _| count(o, "\"eor\"") == 2);
    Pair {
        tx,
        rx,
        base: format!("http://127.0.0.1:{http}"),
        port,
    }
}

const ROUTES: &str = "route 10.0.0.0/8 next-hop 127.0.66.1;\n route 10.1.0.0/16 next-hop 127.0.66.1 med 7;\n route 10.1.2.0/24 next-hop 127.0.66.1 community [ 65001:1 ];\n route 192.0.2.0/24 next-hop 127.0.66.1;\n route 2001:db8::/32 next-hop 2001:db8::1;";

#[test]
fn neighbors_and_their_adj_rib_in_by_family_and_prefix() {
    let dir = tempdir("http-rib");
    let p = pair(&dir, ROUTES, None);
    let base = &p.base;
    // Every route reaches the receiver's Adj-RIB-In.
    wait_for("five routes over HTTP", || {
        lines(&get(base, &format!("/v1/neighbors/{SENDER}/adj-rib-in")).1).len() == 5
    });

    let (s, body) = get(base, "/v1/neighbors");
    assert_eq!(s, 200);
    let n = json(&body);
    let n = &n[0];
    assert_eq!(n["peer-address"], SENDER);
    assert_eq!(n["state"], "established");
    assert_eq!(n["peer-as"], 65001);
    assert_eq!(n["established"], 1);
    assert_eq!(n["routes"]["received"], 5);
    assert_eq!(n["families"]["ipv4 unicast"]["received"], 4);
    assert_eq!(n["families"]["ipv6 unicast"]["received"], 1);
    assert!(n["messages"]["received"]["update"].as_u64().unwrap() >= 2);
    assert!(n["messages"]["sent"]["keepalive"].as_u64().unwrap() >= 1);
    assert_eq!(n["capabilities"]["asn4"], true);
    assert_eq!(n["capabilities"]["hold-time"], 30);
    assert_eq!(
        n["capabilities"]["families"],
        serde_json::json!(["ipv4 unicast", "ipv6 unicast"])
    );
    // Every key the OpenAPI description requires of a neighbor is there.
    let spec = json(&get(base, "/openapi.json").1);
    for k in spec["components"]["schemas"]["Neighbor"]["required"]
        .as_array()
        .unwrap()
    {
        assert!(n.get(k.as_str().unwrap()).is_some(), "neighbor lacks {k}");
    }
    let (s, one) = get(base, &format!("/v1/neighbors/{SENDER}"));
    assert_eq!(
        (s, json(&one)["peer-address"].clone()),
        (200, SENDER.into())
    );
    let (s, e) = get(base, "/v1/neighbors/192.0.2.99");
    assert_eq!(s, 404, "{e}");
    let (s, e) = get(base, "/v1/neighbors/not-an-ip");
    assert_eq!(s, 400, "{e}");

    // By family, by exact prefix, longest match and more-specifics.
    let rib = format!("/v1/neighbors/{SENDER}/adj-rib-in");
    let (s, v6) = get(base, &format!("{rib}?family=ipv6-unicast"));
    assert_eq!((s, nlris(&v6)), (200, vec!["2001:db8::/32".to_string()]));
    let exact = get(base, &format!("{rib}?prefix=10.1.0.0/16")).1;
    let r = lines(&exact);
    assert_eq!(r.len(), 1, "{exact}");
    assert_eq!(r[0]["attribute"]["med"], 7);
    assert_eq!(r[0]["next-hop"], "127.0.66.1");
    assert_eq!(
        nlris(&get(base, &format!("{rib}?prefix=10.1.2.3&match=longest")).1),
        vec!["10.1.2.0/24"]
    );
    assert_eq!(
        nlris(&get(base, &format!("{rib}?prefix=10.1.9.9&match=longest")).1),
        vec!["10.1.0.0/16"]
    );
    assert_eq!(
        nlris(
            &get(
                base,
                &format!("{rib}?prefix=10.0.0.0/8&match=more-specific")
            )
            .1
        ),
        vec!["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"]
    );
    assert!(get(base, &format!("{rib}?prefix=172.16.0.0/12"))
        .1
        .is_empty());
    // Across every neighbor.
    assert_eq!(
        nlris(&get(base, "/v1/adj-rib-in?prefix=192.0.2.1&match=longest").1),
        vec!["192.0.2.0/24"]
    );
    // Bad parameters are refused, never ignored.
    for q in [
        "?family=ipv9-unicast",
        "?prefix=10.0.0.0/33",
        "?match=longest",
        "?prefix=10.0.0.0/8&match=widest",
        "?color=red",
    ] {
        let (s, e) = get(base, &format!("{rib}{q}"));
        assert_eq!(s, 400, "{q}: {e}");
        assert!(json(&e)["error"].is_string(), "{e}");
    }
    assert_eq!(get(base, "/v1/nothing").0, 404);
    drop(p);
}

#[test]
fn writes_need_the_token_and_take_the_text_api_grammar() {
    let dir = tempdir("http-write");
    let p = pair(
        &dir,
        "route 10.9.0.0/16 next-hop 127.0.66.1;",
        Some("s3cret"),
    );
    let base = &p.base;
    let route = "route 198.51.100.0/24 next-hop 127.0.66.2 med 50";
    assert_eq!(post(base, "/v1/announce", None, route).0, 401);
    assert_eq!(post(base, "/v1/announce", Some("wrong"), route).0, 401);
    let (s, body) = post(base, "/v1/announce", Some("s3cret"), route);
    assert_eq!(s, 200, "{body}");
    assert_eq!(json(&body)["ok"], true);
    // The route is in the Adj-RIB-Out and reaches the sender.
    let out = get(base, &format!("/v1/neighbors/{SENDER}/adj-rib-out")).1;
    assert_eq!(nlris(&out), vec!["198.51.100.0/24"]);
    p.tx.wait("the announced route", |o, _| o.contains("198.51.100.0/24"));
    // One bad line of two: 400, the good one taken, the bad one explained.
    let (s, body) = post(
        base,
        "/v1/announce",
        Some("s3cret"),
        "route 203.0.113.0/24 next-hop 127.0.66.2\nroute nonsense",
    );
    assert_eq!(s, 400, "{body}");
    let r = json(&body);
    assert_eq!(r["results"][0]["ok"], true);
    assert_eq!(r["results"][1]["ok"], false);
    assert!(
        r["results"][1]["error"]
            .as_str()
            .unwrap()
            .contains("prefix"),
        "{body}"
    );
    let (s, body) = post(
        base,
        &format!("/v1/withdraw?neighbor={SENDER}"),
        Some("s3cret"),
        "route 198.51.100.0/24",
    );
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        nlris(&get(base, &format!("/v1/neighbors/{SENDER}/adj-rib-out")).1),
        vec!["203.0.113.0/24"]
    );
    // Any command, answered as the control socket answers.
    let (s, body) = post(base, "/v1/commands", Some("s3cret"), "version\nbogus");
    assert_eq!(s, 200);
    assert!(body.starts_with("herald "), "{body}");
    assert!(
        body.contains("done\n") && body.ends_with("error\n"),
        "{body}"
    );
    // Teardown: the session goes down with Cease and comes back.
    let (s, body) = post(
        base,
        &format!("/v1/neighbors/{SENDER}/teardown?subcode=4&message=maintenance"),
        Some("s3cret"),
        "",
    );
    assert_eq!(s, 200, "{body}");
    p.tx.wait("the Cease", |_, e| e.contains("maintenance"));
    wait_for("the session back", || {
        json(&get(base, &format!("/v1/neighbors/{SENDER}")).1)["established"] == 2
    });
    let n = json(&get(base, &format!("/v1/neighbors/{SENDER}")).1);
    assert_eq!(n["notifications"]["sent"]["6"], 1, "{n}");
    let (s, body) = post(base, "/v1/reload", Some("s3cret"), "");
    assert_eq!((s, json(&body)["ok"].clone()), (200, true.into()), "{body}");
    p.rx.wait("the reload", |_, e| e.contains("reload"));
}

#[test]
fn writes_are_refused_without_a_token_file() {
    let dir = tempdir("http-notoken");
    let p = pair(&dir, "route 10.9.0.0/16 next-hop 127.0.66.1;", None);
    let (s, body) = post(
        &p.base,
        "/v1/announce",
        Some("x"),
        "route 10.0.0.0/8 next-hop self",
    );
    assert_eq!(s, 403, "{body}");
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("http.token-file"));
    assert_eq!(post(&p.base, "/v1/commands", None, "version").0, 403);
}

#[test]
fn metrics_count_messages_prefixes_and_processes() {
    let dir = tempdir("http-metrics");
    // A helper that writes one command herald refuses, then reads its events.
    let script = dir.join("helper.sh");
    write_script(
        &script,
        "#!/bin/sh\necho 'announce nonsense'\nexec cat >/dev/null\n",
    );
    let process = format!(
        "process helper {{ run {}; encoder json; }}",
        script.display()
    );
    let api = " api { processes [ helper ]; neighbor-changes; }";
    let p = pair_with(&dir, ROUTES, None, &process, api);
    let base = &p.base;
    // Neighbors are named by their configuration key: the address, and the port when set.
    let sender = format!("{SENDER} listen {}", p.port);
    wait_for("the routes", || {
        get(base, "/metrics").1.contains(&format!(
            "herald_neighbor_prefixes_received{{neighbor=\"{sender}\",family=\"ipv4 unicast\"}} 4"
        ))
    });
    let m = get(base, "/metrics").1;
    for want in [
        format!("herald_neighbor_up{{neighbor=\"{sender}\"}} 1"),
        format!("herald_neighbor_state{{neighbor=\"{sender}\",state=\"established\"}} 1"),
        format!("herald_neighbor_state{{neighbor=\"{sender}\",state=\"idle\"}} 0"),
        format!(
            "herald_neighbor_prefixes_received{{neighbor=\"{sender}\",family=\"ipv6 unicast\"}} 1"
        ),
        format!("herald_neighbor_established_total{{neighbor=\"{sender}\"}} 1"),
        "# TYPE herald_neighbor_messages_received counter".to_string(),
        "process_resident_memory_bytes ".to_string(),
        "herald_process_lines_received_total{process=\"helper\"} 1".to_string(),
        "herald_process_errors_total{process=\"helper\"} 1".to_string(),
        "herald_process_events_lost_total{process=\"helper\"} 0".to_string(),
    ] {
        assert!(m.contains(&want), "no {want} in\n{m}");
    }
    let updates = m
        .lines()
        .find(|l| {
            l.starts_with(&format!(
                "herald_neighbor_messages_received_total{{neighbor=\"{sender}\",type=\"update\"}}"
            ))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(updates >= 2, "{m}");
    assert!(m.trim_end().ends_with("# EOF"), "{m}");
    assert_eq!(m.matches("# EOF").count(), 1);
}

#[test]
fn a_large_adj_rib_in_streams_whole() {
    let dir = tempdir("http-large");
    // 20,000 routes from a helper process of the sender.
    let script = dir.join("routes.sh");
    write_script(
        &script,
        "#!/bin/sh\nfor a in $(seq 0 79); do for b in $(seq 0 249); do echo \"announce route 10.$a.$b.0/24 next-hop 127.0.66.1\"; done; done\nsleep 600\n",
    );
    let port = free_port(RECEIVER);
    let http = free_port("127.0.0.1");
    let listen = format!("127.0.0.1:{http}");
    let rx = Daemon::start_with_env(
        &dir,
        "rx",
        &receiver_conf(RECEIVER, SENDER, port, 65002, 65001),
        &[("herald.http.listen", &listen)],
    );
    rx.wait("HTTP listening", |_, e| e.contains("HTTP API listening"));
    let conf = format!(
        "process routes {{ run {}; encoder text; }}\n{}",
        script.display(),
        sender_conf(SENDER, RECEIVER, port, 65001, 65002, "")
            .replace(" static {\n\n }\n", " api { processes [ routes ]; }\n")
    );
    let _tx = Daemon::start(&dir, "tx", &conf);
    let base = format!("http://{listen}");
    wait_for("20,000 routes", || {
        json(&get(&base, &format!("/v1/neighbors/{SENDER}")).1)["routes"]["received"] == 20_000
    });
    let all = get(&base, &format!("/v1/neighbors/{SENDER}/adj-rib-in")).1;
    let mut seen: Vec<String> = nlris(&all);
    seen.dedup();
    assert_eq!(seen.len(), 20_000);
    assert_eq!(
        get(
            &base,
            "/v1/adj-rib-in?prefix=10.79.0.0/16&match=more-specific"
        )
        .1
        .lines()
        .count(),
        250
    );
}
