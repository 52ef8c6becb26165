//! Slow clients cannot take the store down: connections that never finish their headers are
//! closed after the header timeout, one address cannot hold more than its share of
//! connections, a body that stalls fails, and a normal request is served all along.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::serve::{database_env, free_port, start, wait_ready};

/// A connection to the store from `from` (another loopback address than the test's own).
fn connect_from(from: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&format!("{from}:0").parse::<SocketAddr>().unwrap().into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(5))?;
    Ok(socket.into())
}

/// Whether the server has closed `stream` (EOF, a reset, or an answer then EOF) within `wait`.
fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 first; the close follows
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true, // reset
        }
    }
}

#[test]
fn stalled_connections_are_closed_and_a_normal_request_is_still_served() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut env = database_env();
    env.extend([
        ("TRACKOUT_BIND", format!("127.0.0.1:{port}")),
        ("TRACKOUT_HEADER_TIMEOUT_SECONDS", "2".into()),
        ("TRACKOUT_BODY_TIMEOUT_SECONDS", "2".into()),
        ("TRACKOUT_MAX_CONNECTIONS_PER_ADDRESS", "50".into()),
    ]);
    let _server = start(dir.path(), &["serve", "--no-worker"], &env);
    let client = reqwest::blocking::Client::new();
    wait_ready(&client, &base);

    // 1,100 connections from one address, each sending half a request head and stalling.
    // Past the cap a connection is shut as it is accepted: the client may see that as soon
    // as its connect completes.
    let mut stalled = Vec::new();
    let mut shut_at_once = 0;
    for _ in 0..1100 {
        match connect_from("127.0.0.2", addr) {
            Ok(mut s) => {
                let _ = s.write_all(b"GET /api/v1/beats HTTP/1.1\r\nHost: store\r\nX-Slow: ");
                stalled.push(s);
            }
            Err(_) => shut_at_once += 1,
        }
    }
    assert!(
        stalled.len() >= 50,
        "the first 50 are let in: {}",
        stalled.len()
    );
    // A body that stops after ten bytes, from a third address.
    let mut slow_body = connect_from("127.0.0.3", addr).unwrap();
    slow_body
        .write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: store\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
        .unwrap();

    // Everyone else is served meanwhile.
    let started = Instant::now();
    let healthy = client.get(format!("{base}/api/v1/beats")).send().unwrap();
    assert_eq!(healthy.status(), 200);
    println!(
        "a normal request during the flood took {:?}",
        started.elapsed()
    );

    // Past the cap, connections were shut at once; the others go at the header timeout.
    let mut closed = 0;
    for s in stalled.iter_mut() {
        if closed_within(s, Duration::from_secs(15)) {
            closed += 1;
        }
    }
    assert_eq!(closed, stalled.len(), "every stalled connection is closed");
    println!("{shut_at_once} refused as they connected, {closed} closed by the server");
    assert!(
        closed_within(&mut slow_body, Duration::from_secs(15)),
        "a stalled body ends its request"
    );
    let after = client.get(format!("{base}/healthz")).send().unwrap();
    assert_eq!(after.status(), 200);
}
