//! Any octets: frame and decode every message, and touch every accessor a caller would use on
//! peer input. Nothing may panic (house rule 7).
//!
//! Input: one selector octet (see `herald_wire_fuzz::sel`) choosing the Context, then a byte
//! stream of zero or more BGP messages.
#![no_main]

use herald_wire::{Message, Update};
use herald_wire_fuzz::{context, messages};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&s, stream)) = data.split_first() else {
        return;
    };
    let ctx = context(s);
    for msg in messages(stream, ctx.max_message_len) {
        inspect(Message::decode(msg, &ctx));
    }
    // The whole stream as one message: exercises the length checks of `Message::decode`.
    inspect(Message::decode(stream, &ctx));
});

fn inspect(r: Result<Message, herald_wire::DecodeError>) {
    match r {
        Ok(Message::Open(o)) => {
            let _ = o.validate().map_err(|e| e.notification());
            let _ = o.asn();
            let _ = o.capabilities().count();
        }
        Ok(Message::Update(u)) => update(&u),
        Ok(Message::Notification(n)) => {
            let _ = n.describe();
        }
        Ok(Message::Keepalive | Message::RouteRefresh(_)) => {}
        Err(e) => {
            let _ = e.notification();
            let _ = e.to_string();
        }
    }
}

fn update(u: &Update) {
    let _ = u.action();
    let _ = u.end_of_rib();
    let _ = u.effective_as_path();
    let _ = u.effective_aggregator();
    let _ = u.mp_reach().map(|m| m.next_hop.ip());
    let _ = u.mp_unreach().map(|m| m.nlri.len());
    for a in &u.attributes {
        let _ = a.value.aigp_metric();
        let _ = a.flags_for_propagation();
    }
    for e in &u.errors {
        let _ = e.to_string();
        let _ = e.error.notification();
    }
}
