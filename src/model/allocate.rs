//! The address and port pools the cluster hands out from: cluster IPs, node ports, load
//! balancer IPs, pod IPs and node IPs. Every fill is deterministic: the same input gives
//! the same addresses, byte for byte, whatever order maps iterate in.
//!
//! Fills start from a stable hash of the object's name (FNV-1a, so adding one Service does
//! not move the others) and probe upward to the next free value. Load balancer IPs are the
//! exception: MetalLB hands out the lowest free address of its pool, in creation order.

use super::net::Ip;
use super::Cidr;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// The Service CIDR of kind and kubeadm (`--service-cluster-ip-range`).
pub(crate) const SERVICE_CIDR: Cidr =
    Cidr { addr: IpAddr::V4(Ipv4Addr::new(10, 96, 0, 0)), prefix: 12 };

/// `--service-node-port-range`, shared by nodePorts and healthCheckNodePorts (facts 7.2).
pub(crate) const NODE_PORT_MIN: u16 = 30000;
pub(crate) const NODE_PORT_MAX: u16 = 32767;

/// The address pool of the book's `install-metallb-kind.sh`: the top of kind's docker
/// network 172.18.0.0/16, which is why the first LoadBalancer Service gets 172.18.255.200.
pub(crate) const LB_POOL_FIRST: Ipv4Addr = Ipv4Addr::new(172, 18, 255, 200);
pub(crate) const LB_POOL_LAST: Ipv4Addr = Ipv4Addr::new(172, 18, 255, 250);

/// The address the `default/kubernetes` Service holds: the first of the Service CIDR.
pub(crate) const KUBERNETES_SERVICE_IP: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 1);
/// The address kubeadm gives `kube-system/kube-dns`: the tenth of the Service CIDR.
pub(crate) const KUBE_DNS_SERVICE_IP: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);

/// FNV-1a, 64 bit: small, stable across platforms and releases, unlike `std`'s hasher.
pub(crate) fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The first free value in `0..len`, starting at `start` and wrapping around.
fn probe(len: u64, start: u64, is_free: &dyn Fn(u64) -> bool) -> Option<u64> {
    if len == 0 {
        return None;
    }
    (0..len).map(|step| (start + step) % len).find(|&offset| is_free(offset))
}

/// The clusterIP pool (k8s `pkg/registry/core/service/ipallocator`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceIps {
    /// The claimed IPv4 addresses as numbers, sorted: not a `BTreeSet<IpAddr>` like the other
    /// pools, because [`ServiceIps::release`] is the page's only removal from such a set, and
    /// the tree's removal code alone cost the page 1.2 KB gzipped.
    used: Vec<u32>,
    /// The pasted Services come from a cluster whose service range is not kind's (their
    /// cluster IPs lie outside 10.96.0.0/12): the range is unknown, so given addresses are
    /// taken as that cluster's own and only checked for clashes.
    pub(crate) is_foreign_range: bool,
}

impl ServiceIps {
    fn range() -> (u32, u32) {
        let base = match SERVICE_CIDR.addr {
            IpAddr::V4(addr) => u32::from(addr),
            IpAddr::V6(_) => 0,
        };
        (base, 1u32 << (32 - u32::from(SERVICE_CIDR.prefix)))
    }

    /// Claims `ip` as the API server's `Allocate` does. The network and broadcast addresses
    /// are outside the allocator's range.
    pub(crate) fn allocate(&mut self, ip: IpAddr) -> Result<(), String> {
        let (base, size) = Self::range();
        let not_in_range = || {
            format!("the provided IP ({}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}", Ip(ip))
        };
        let IpAddr::V4(v4) = ip else { return Err(not_in_range()) };
        let offset = u32::from(v4).wrapping_sub(base);
        let is_outside = !SERVICE_CIDR.contains(ip) || offset == 0 || offset == size - 1;
        if is_outside && !self.is_foreign_range {
            return Err(not_in_range());
        }
        match self.used.binary_search(&u32::from(v4)) {
            Ok(_) => Err("provided IP is already allocated".to_string()),
            Err(at) => {
                self.used.insert(at, u32::from(v4));
                Ok(())
            }
        }
    }

    pub(crate) fn release(&mut self, ip: IpAddr) {
        if let IpAddr::V4(v4) = ip {
            if let Ok(at) = self.used.binary_search(&u32::from(v4)) {
                self.used.remove(at);
            }
        }
    }

    /// A free address chosen from the hash of `key` (`namespace/name`).
    pub(crate) fn next(&mut self, key: &str) -> Option<Ipv4Addr> {
        let (base, size) = Self::range();
        let hosts = u64::from(size - 2);
        let address = |offset: u64| base + 1 + offset as u32;
        let offset = probe(hosts, stable_hash(key) % hosts, &|offset| {
            self.used.binary_search(&address(offset)).is_err()
        })?;
        let ip = address(offset);
        // Not found just above, so `Err` holds where it goes.
        let at = self.used.binary_search(&ip).unwrap_or_else(|at| at);
        self.used.insert(at, ip);
        Some(Ipv4Addr::from(ip))
    }
}

/// The node port pool (k8s `pkg/registry/core/service/portallocator`): one pool for every
/// protocol, shared with healthCheckNodePorts.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodePorts {
    used: PortSet,
    /// The pasted Services come from a cluster with its own `--service-node-port-range`
    /// (a live cluster's dump has node ports outside 30000-32767): given ports are taken as
    /// that cluster's and only checked for clashes; filled ones still come from 30000-32767.
    pub(crate) is_foreign_range: bool,
}

impl NodePorts {
    /// Claims `port` as `portallocator.Allocate` does, with its error text.
    pub(crate) fn allocate(&mut self, port: i64) -> Result<u16, String> {
        let in_range = u16::try_from(port).ok().filter(|port| {
            (NODE_PORT_MIN..=NODE_PORT_MAX).contains(port) || (self.is_foreign_range && *port != 0)
        });
        let Some(port) = in_range else {
            return Err(format!(
                "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
            ));
        };
        if !self.used.insert(port) {
            return Err("provided port is already allocated".to_string());
        }
        Ok(port)
    }

    pub(crate) fn release(&mut self, port: u16) {
        self.used.remove(&port);
    }

    /// A free port chosen from the hash of `key`; `None` when the range is full.
    pub(crate) fn next(&mut self, key: &str) -> Option<u16> {
        let len = u64::from(NODE_PORT_MAX - NODE_PORT_MIN) + 1;
        let offset = probe(len, stable_hash(key) % len, &|offset| {
            !self.used.contains(&(NODE_PORT_MIN + offset as u16))
        })?;
        let port = NODE_PORT_MIN + offset as u16;
        self.used.insert(port);
        Some(port)
    }
}

/// A set of 16-bit ports as a bitmap (8 KB once the first port is in): as fast as a tree,
/// and a few loads and shifts instead of a tree's code for one more key type.
#[derive(Debug, Clone, Default)]
struct PortSet {
    words: Vec<u64>,
}

impl PortSet {
    /// The word holding `port`'s bit, and the bit.
    fn place(port: u16) -> (usize, u64) {
        (usize::from(port / 64), 1 << (port % 64))
    }

    fn contains(&self, port: &u16) -> bool {
        let (word, bit) = Self::place(*port);
        self.words.get(word).is_some_and(|word| word & bit != 0)
    }

    /// Adds `port`; false when it was in already, as `BTreeSet::insert` answers.
    fn insert(&mut self, port: u16) -> bool {
        if self.words.is_empty() {
            self.words = vec![0; 1 << 10];
        }
        let (word, bit) = Self::place(port);
        let Some(word) = self.words.get_mut(word) else { return false };
        let is_new = *word & bit == 0;
        *word |= bit;
        is_new
    }

    fn remove(&mut self, port: &u16) {
        let (word, bit) = Self::place(*port);
        if let Some(word) = self.words.get_mut(word) {
            *word &= !bit;
        }
    }
}

/// The simulated MetalLB pool: lowest free address first.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadBalancerIps {
    used: BTreeSet<IpAddr>,
}

impl LoadBalancerIps {
    pub(crate) fn mark_used(&mut self, ip: IpAddr) {
        self.used.insert(ip);
    }

    pub(crate) fn contains(ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => (LB_POOL_FIRST..=LB_POOL_LAST).contains(&v4),
            IpAddr::V6(_) => false,
        }
    }

    /// Claims `ip` when it is in the pool and free (MetalLB honours `loadBalancerIP`).
    pub(crate) fn claim(&mut self, ip: IpAddr) -> bool {
        Self::contains(ip) && self.used.insert(ip)
    }

    pub(crate) fn next(&mut self) -> Option<IpAddr> {
        let first = u32::from(LB_POOL_FIRST);
        let last = u32::from(LB_POOL_LAST);
        for n in first..=last {
            let ip = IpAddr::V4(Ipv4Addr::from(n));
            if self.used.insert(ip) {
                return Some(ip);
            }
        }
        None
    }
}

/// A free host address in `cidr` for a pod, chosen from the hash of `key`. The first host
/// (`.1`, the bridge or gateway in kind's ptp CNI) and the broadcast address are skipped.
pub(crate) fn next_pod_ip(cidr: Cidr, key: &str, used: &BTreeSet<IpAddr>) -> Option<IpAddr> {
    let IpAddr::V4(net) = cidr.addr else { return None };
    if cidr.prefix > 29 {
        return None;
    }
    let size = 1u64 << (32 - u32::from(cidr.prefix));
    let mask = if cidr.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(cidr.prefix)) };
    let base = u64::from(u32::from(net) & mask);
    // Hosts .2 up to the one before broadcast.
    let hosts = size - 3;
    let address = |offset: u64| IpAddr::V4(Ipv4Addr::from((base + 2 + offset) as u32));
    let offset =
        probe(hosts, stable_hash(key) % hosts, &|offset| !used.contains(&address(offset)))?;
    Some(address(offset))
}

/// kind's node addresses: 172.18.0.2 upward on its docker network (.1 is the gateway).
pub(crate) fn next_node_ip(node_idx: usize, used: &BTreeSet<IpAddr>) -> Option<IpAddr> {
    for n in 2u32..=65534 {
        let n = n.wrapping_add(node_idx as u32);
        if n > 65534 {
            continue;
        }
        let ip = IpAddr::V4(Ipv4Addr::from(u32::from(Ipv4Addr::new(172, 18, 0, 0)) + n));
        if !used.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

/// kubeadm's node podCIDRs: the `n`th /24 of 10.244.0.0/16, skipping ones in use.
pub(crate) fn next_pod_cidr(node_idx: usize, used: &[Cidr]) -> Option<Cidr> {
    for step in 0u32..256 {
        let n = (node_idx as u32 + step) % 256;
        let cidr = Cidr { addr: IpAddr::V4(Ipv4Addr::new(10, 244, n as u8, 0)), prefix: 24 };
        if !used.iter().any(|other| other.contains(cidr.addr) || cidr.contains(other.addr)) {
            return Some(cidr);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cluster IP pool against a `BTreeSet` as the model: after a random mix of claims,
    /// fills and releases, exactly the model's addresses are taken. The pool's sorted Vec
    /// must stay sorted for its binary searches, and a released address must be free again.
    #[test]
    fn claims_fills_and_releases_agree_with_a_set() {
        let mut pool = ServiceIps::default();
        let mut model = BTreeSet::new();
        let first = u32::from(Ipv4Addr::new(10, 96, 0, 1));
        let mut state = 0x853c_49e6_748f_ea9b_u64;
        for step in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // A small corner of the range, so that claims and releases collide often.
            let ip = IpAddr::V4(Ipv4Addr::from(first + (state % 64) as u32));
            match state >> 62 {
                0 => {
                    pool.release(ip);
                    model.remove(&ip);
                }
                1 => assert!(model.insert(IpAddr::V4(pool.next(&format!("ns/s{step}")).unwrap()))),
                _ => assert_eq!(pool.allocate(ip).is_ok(), model.insert(ip)),
            }
        }
        assert!(model.len() > 500);
        for ip in model.clone() {
            assert!(pool.allocate(ip).is_err(), "{ip} is taken");
        }
        for n in 0..64 {
            let ip = IpAddr::V4(Ipv4Addr::from(first + n));
            assert_eq!(pool.allocate(ip).is_ok(), model.insert(ip), "{ip}");
        }
    }

    #[test]
    fn cluster_ips_are_stable_and_avoid_used_and_reserved_addresses() {
        let mut pool = ServiceIps::default();
        let first = pool.next("default/kiada").unwrap();
        let mut again = ServiceIps::default();
        assert_eq!(again.next("default/kiada"), Some(first));
        assert!(SERVICE_CIDR.contains(IpAddr::V4(first)));
        // Taken now: a request for it fails with the allocator's words.
        assert_eq!(
            pool.allocate(IpAddr::V4(first)),
            Err("provided IP is already allocated".to_string())
        );
        assert_eq!(
            pool.allocate("10.96.0.0".parse().unwrap()),
            Err("the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
                .to_string())
        );
        assert!(pool.allocate("1.1.1.1".parse().unwrap()).is_err());
        assert!(pool.allocate("10.111.255.255".parse().unwrap()).is_err());
        assert!(pool.allocate("10.111.255.254".parse().unwrap()).is_ok());
    }

    #[test]
    fn node_ports_share_one_pool() {
        let mut pool = NodePorts::default();
        assert_eq!(pool.allocate(30080), Ok(30080));
        assert_eq!(pool.allocate(30080), Err("provided port is already allocated".to_string()));
        assert!(pool.allocate(40000).unwrap_err().contains("30000-32767"));
        assert!(pool.allocate(-1).is_err());
        let port = pool.next("default/kiada:80/TCP").unwrap();
        assert!((NODE_PORT_MIN..=NODE_PORT_MAX).contains(&port));
        assert_ne!(pool.next("default/kiada:80/TCP"), Some(port));
    }

    #[test]
    fn load_balancer_ips_go_lowest_first_like_metallb() {
        let mut pool = LoadBalancerIps::default();
        assert_eq!(pool.next(), Some("172.18.255.200".parse().unwrap()));
        assert!(pool.claim("172.18.255.202".parse().unwrap()));
        assert_eq!(pool.next(), Some("172.18.255.201".parse().unwrap()));
        assert_eq!(pool.next(), Some("172.18.255.203".parse().unwrap()));
    }

    #[test]
    fn pod_ips_stay_inside_the_pod_cidr() {
        let cidr: Cidr = "10.244.1.0/24".parse().unwrap();
        let mut used = BTreeSet::new();
        for n in 0..253 {
            let ip = next_pod_ip(cidr, &format!("default/pod-{n}"), &used).unwrap();
            assert!(cidr.contains(ip));
            assert!(
                ip != "10.244.1.0".parse::<IpAddr>().unwrap()
                    && ip != "10.244.1.1".parse::<IpAddr>().unwrap()
            );
            assert!(ip != "10.244.1.255".parse::<IpAddr>().unwrap());
            assert!(used.insert(ip));
        }
        assert_eq!(next_pod_ip(cidr, "default/one-too-many", &used), None);
    }

    #[test]
    fn node_addresses_and_pod_cidrs_follow_the_node_index() {
        let used = BTreeSet::from(["172.18.0.3".parse().unwrap()]);
        assert_eq!(next_node_ip(0, &used), Some("172.18.0.2".parse().unwrap()));
        assert_eq!(next_node_ip(1, &used), Some("172.18.0.4".parse().unwrap()));
        let cidrs = ["10.244.1.0/24".parse().unwrap()];
        assert_eq!(next_pod_cidr(1, &cidrs), Some("10.244.2.0/24".parse().unwrap()));
        assert_eq!(next_pod_cidr(0, &cidrs), Some("10.244.0.0/24".parse().unwrap()));
    }
}
