//! A real SMTP server for the tests, on 127.0.0.1: it speaks enough RFC 5321 for lettre
//! (greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps every
//! message it accepts, and can be told to refuse (a `5xx` to MAIL FROM) or to be down (its
//! port closed, connections refused) and back up on the same port.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::mail::MailMessage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpMode {
    Accept,
    /// Answers `554` to MAIL FROM: a permanent refusal.
    Reject,
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<MailMessage>>,
    mode: Mutex<Option<SmtpMode>>,
    refused: Mutex<usize>,
    arrived: Notify,
}

pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
    acceptor: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding SMTP");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        *shared.mode.lock().unwrap() = Some(SmtpMode::Accept);
        let server = SmtpServer {
            port,
            shared,
            acceptor: Mutex::new(None),
        };
        server.serve(listener);
        server
    }

    fn serve(&self, listener: TcpListener) {
        let shared = Arc::clone(&self.shared);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = session(stream, shared).await;
                });
            }
        });
        *self.acceptor.lock().unwrap() = Some(task);
    }

    /// `smtp://127.0.0.1:<port>` for `TRACKOUT_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: SmtpMode) {
        *self.shared.mode.lock().unwrap() = Some(mode);
    }

    /// Closes the port: connections are refused until [`SmtpServer::up`].
    pub async fn down(&self) {
        if let Some(task) = self.acceptor.lock().unwrap().take() {
            task.abort();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    pub async fn up(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("binding the SMTP port again");
        self.serve(listener);
    }

    pub fn messages(&self) -> Vec<MailMessage> {
        self.shared.messages.lock().unwrap().clone()
    }

    /// How many MAIL FROM it refused.
    pub fn refused(&self) -> usize {
        *self.shared.refused.lock().unwrap()
    }

    /// Waits until a message to `to` whose subject contains `subject` has arrived.
    pub async fn wait_for(&self, to: &str, subject: &str, timeout: Duration) -> MailMessage {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.shared.arrived.notified();
            if let Some(found) = self.messages().into_iter().find(|m| {
                m.envelope_to.iter().any(|t| t.eq_ignore_ascii_case(to))
                    && m.subject().contains(subject)
            }) {
                return found;
            }
            let now = tokio::time::Instant::now();
            assert!(
                now < deadline,
                "no mail to {to} about “{subject}” within {timeout:?}; got: {:?}",
                self.messages()
                    .iter()
                    .map(|m| (m.envelope_to.clone(), m.subject()))
                    .collect::<Vec<_>>()
            );
            let _ = tokio::time::timeout(deadline - now, arrived).await;
        }
    }
}

fn address(arg: &str) -> String {
    let arg = arg.split_once(':').map(|(_, a)| a).unwrap_or(arg);
    arg.trim()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap_or("")
        .to_owned()
}

async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.smtp ESMTP ready\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                write
                    .write_all(b"250-test.smtp\r\n250 8BITMIME\r\n")
                    .await?
            }
            "HELO" => write.write_all(b"250 test.smtp\r\n").await?,
            "MAIL" => {
                let mode = shared.mode.lock().unwrap().unwrap_or(SmtpMode::Accept);
                if mode == SmtpMode::Reject {
                    *shared.refused.lock().unwrap() += 1;
                    write
                        .write_all(b"554 5.7.1 refused by the test server\r\n")
                        .await?;
                } else {
                    to.clear();
                    write.write_all(b"250 2.1.0 ok\r\n").await?;
                }
            }
            "RCPT" => {
                to.push(address(&command[4..]));
                write.write_all(b"250 2.1.5 ok\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').filter(|_| line.starts_with(".."));
                    data.push_str(unstuffed.unwrap_or(&line));
                }
                shared
                    .messages
                    .lock()
                    .unwrap()
                    .push(MailMessage::parse(data, std::mem::take(&mut to)));
                shared.arrived.notify_waiters();
                write.write_all(b"250 2.0.0 queued\r\n").await?;
            }
            "RSET" => {
                to.clear();
                write.write_all(b"250 ok\r\n").await?;
            }
            "NOOP" => write.write_all(b"250 ok\r\n").await?,
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 5.5.2 not implemented\r\n").await?,
        }
    }
}
