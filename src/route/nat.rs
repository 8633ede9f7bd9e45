//! Packets and the NAT rewrites kube-proxy makes: DNAT to the endpoint, masquerade to a
//! node address (facts sections 3.2 and 4).

use super::{Packet, Rewrite};
use crate::model::{Cidr, Node};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The first host address of a network: the pod-network gateway of a bridge CNI
/// (`cni0`/`cbr0` holds the first address of the node's podCIDR; facts 4.2).
pub fn first_host(cidr: &Cidr) -> IpAddr {
    match cidr.addr {
        IpAddr::V4(addr) => {
            let prefix = u32::from(cidr.prefix.min(32));
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
            IpAddr::V4(Ipv4Addr::from((u32::from(addr) & mask).wrapping_add(1)))
        }
        IpAddr::V6(addr) => {
            let prefix = u32::from(cidr.prefix.min(128));
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
            IpAddr::V6(Ipv6Addr::from((u128::from(addr) & mask).wrapping_add(1)))
        }
    }
}

/// The address `MASQUERADE` on `node` picks for a packet to an endpoint on `endpoint_node`.
///
/// MASQUERADE takes an address of the interface the packet leaves by, after routing to the
/// post-DNAT destination (facts 4.1). svcroute uses the facts' "simple, defensible engine
/// model" (4.2): toward another node it is the node's `InternalIP` (direct-routed pod
/// networks such as kindnet); toward a pod on the same node it is the pod-network gateway,
/// the first host of the node's podCIDR. Overlay and point-to-point CNIs differ.
pub fn masquerade_address(node: &Node, endpoint_node: Option<&str>) -> IpAddr {
    if endpoint_node == Some(node.name.as_str()) {
        if let Some(cidr) = &node.pod_cidr {
            return first_host(cidr);
        }
    }
    node.internal_ip
}

/// Applies rewrites in order: DNAT changes the destination, masquerade the source address.
/// Masquerade keeps the source port here; in reality `--random-fully` may change it.
pub fn apply(packet: Packet, rewrites: &[Rewrite]) -> Packet {
    rewrites.iter().fold(packet, |packet, rewrite| match *rewrite {
        Rewrite::Dnat { to } => Packet { src: packet.src, dst: to },
        Rewrite::Snat { to } => {
            Packet { src: SocketAddr::new(to, packet.src.port()), dst: packet.dst }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_is_the_first_host_of_the_pod_cidr() {
        let cidr: Cidr = "10.244.1.0/24".parse().unwrap();
        assert_eq!(first_host(&cidr).to_string(), "10.244.1.1");
        let cidr: Cidr = "fd00:10:244:1::/64".parse().unwrap();
        assert_eq!(first_host(&cidr).to_string(), "fd00:10:244:1::1");
    }
}
