#[test]
fn sizes() {
    println!(
        "Route {} Attribute {} Prefix {} NextHopSpec {} Token {}",
        std::mem::size_of::<crate::model::Route>(),
        std::mem::size_of::<herald_wire::Attribute>(),
        std::mem::size_of::<herald_wire::Prefix>(),
        std::mem::size_of::<crate::model::NextHopSpec>(),
        std::mem::size_of::<crate::lexer::Token>()
    );
}
