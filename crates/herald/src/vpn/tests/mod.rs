//! Tests of the Linux E-VPN/VXLAN driver against the kernel, each in network namespaces of
//! its own (root and iproute2 needed: without them a test is skipped with its reason, or fails
//! when `CI` is set).

mod driver;
mod e2e;
mod netns;
