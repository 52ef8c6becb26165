//! Which address a request comes from: the TCP peer, unless the peer is a trusted proxy
//! (`TRACKOUT_TRUSTED_PROXIES`), then the nearest `X-Forwarded-For` hop that is not one. A
//! client can write anything into that header, so only hops added by trusted proxies count:
//! reading from the right, the first address not in a trusted range is the client.

use std::net::IpAddr;

use actix_web::HttpRequest;
use trackout_core::config::Cidr;

/// The client address of a request, as an extractor-free value handlers pass around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

pub fn client_address(req: &HttpRequest, trusted: &[Cidr]) -> ClientAddress {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    ClientAddress(from_chain(peer, forwarded(req), trusted))
}

fn forwarded(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().to_owned())
        .collect()
}

pub(crate) fn from_chain(peer: IpAddr, hops: Vec<String>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // Garbage where an address should be: stop at the last hop we could trust.
            return client;
        };
        client = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn hops(s: &[&str]) -> Vec<String> {
        s.iter().map(|h| (*h).to_owned()).collect()
    }

    #[test]
    fn a_hostile_header_never_chooses_the_bucket() {
        let proxy = [Cidr::parse("10.0.0.0/8").unwrap()];
        // No trusted proxy: the header is ignored.
        assert_eq!(
            from_chain(ip("203.0.113.9"), hops(&["1.2.3.4"]), &[]),
            ip("203.0.113.9")
        );
        // From a client that is not a proxy: ignored too.
        assert_eq!(
            from_chain(ip("203.0.113.9"), hops(&["1.2.3.4"]), &proxy),
            ip("203.0.113.9")
        );
        // Through the proxy: the hop it added, not what the client wrote before it.
        assert_eq!(
            from_chain(ip("10.0.0.2"), hops(&["6.6.6.6", "198.51.100.7"]), &proxy),
            ip("198.51.100.7")
        );
        // Through two proxies.
        assert_eq!(
            from_chain(
                ip("10.0.0.2"),
                hops(&["6.6.6.6", "198.51.100.7", "10.0.0.3"]),
                &proxy
            ),
            ip("198.51.100.7")
        );
        // Garbage in the proxy's own hop: the proxy itself.
        assert_eq!(
            from_chain(ip("10.0.0.2"), hops(&["nonsense"]), &proxy),
            ip("10.0.0.2")
        );
    }
}
