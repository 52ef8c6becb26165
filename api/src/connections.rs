//! Slow or greedy clients. Each accepted connection is counted against its peer address;
//! past `max_connections_per_address` it is shut down at once, before a byte is read, so one
//! address cannot hold the store's connections. Headers must arrive within the header
//! timeout (actix's `client_request_timeout`), and a body that stops flowing for the idle
//! timeout fails the request instead of holding it open.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::dev::{Extensions, Payload, ServiceRequest};
use actix_web::error::PayloadError;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use trackout_core::config::Cidr;

/// Open connections per peer address.
#[derive(Clone)]
pub struct ConnectionCap {
    limit: usize,
    exempt: Arc<Vec<Cidr>>,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// Held in a connection's extensions: counts it until the connection is gone.
struct Counted {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.open.lock().expect("connection counts");
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

impl ConnectionCap {
    /// Trusted proxies are exempt: every client behind them shares their address.
    pub fn new(limit: usize, exempt: Vec<Cidr>) -> Self {
        ConnectionCap {
            limit,
            exempt: Arc::new(exempt),
            open: Arc::default(),
        }
    }

    /// actix's `on_connect`: NODELAY, then count the connection or shut it.
    pub fn on_connect(&self, connection: &dyn std::any::Any, extensions: &mut Extensions) {
        let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        // Streamed bodies go out as several writes; without NODELAY the second one waits for
        // the client's delayed ACK (~40 ms) on every response.
        let _ = tcp.set_nodelay(true);
        let Ok(peer) = tcp.peer_addr() else { return };
        let ip = peer.ip();
        if self.exempt.iter().any(|c| c.contains(ip)) {
            return;
        }
        let count = {
            let mut open = self.open.lock().expect("connection counts");
            let n = open.entry(ip).or_insert(0);
            *n += 1;
            *n
        };
        extensions.insert(Counted {
            ip,
            open: Arc::clone(&self.open),
        });
        if count > self.limit {
            tracing::warn!(%ip, open = count, limit = self.limit, "too many connections from one address; closing the new one");
            let socket = socket2::SockRef::from(tcp);
            let _ = socket.set_linger(Some(Duration::ZERO));
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Wraps a request body so that a pause longer than `idle` ends it with an error.
pub fn idle_timeout(req: &mut ServiceRequest, idle: Duration) {
    let payload = req.take_payload();
    let stream = futures_util::stream::unfold(Some(payload), move |state| async move {
        let mut payload = state?;
        match tokio::time::timeout(idle, payload.next()).await {
            Ok(Some(item)) => Some((item, Some(payload))),
            Ok(None) => None,
            Err(_) => Some((
                Err(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the request body stalled for {} s", idle.as_secs()),
                ))),
                None,
            )),
        }
    });
    let boxed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
    req.set_payload(Payload::from(boxed));
}
