//! Handing a rendered message to SMTP (lettre, over tokio with rustls), or, with no SMTP
//! configured, to a file: `<data>/outbox/<id>.eml`, its subject and links logged.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use uuid::Uuid;

use super::Rendered;
use crate::config::Config;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Smtp,
    File(std::path::PathBuf),
}

/// Why a delivery failed: `permanent` when no retry can help (an address that is not one).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    pub message: String,
    pub permanent: bool,
}

fn retry(message: impl Into<String>) -> DeliveryError {
    DeliveryError {
        message: message.into(),
        permanent: false,
    }
}

/// The `From:` of every mail: the configured one, else the store's name at `no-reply@` its
/// public host.
pub fn from_mailbox(config: &Config) -> Result<Mailbox, DeliveryError> {
    let raw = match &config.mail.from {
        Some(from) => from.clone(),
        None => {
            let public = config.public_url();
            let host = public
                .split("://")
                .nth(1)
                .unwrap_or("localhost")
                .split(['/', ':'])
                .next()
                .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
                .unwrap_or("localhost");
            format!(
                "{} <no-reply@{host}>",
                config.mail.store_name.replace(['<', '>', '"'], "")
            )
        }
    };
    raw.parse()
        .map_err(|e| retry(format!("the From address {raw:?} is not valid: {e}")))
}

fn build(
    config: &Config,
    id: Uuid,
    recipient: &str,
    rendered: &Rendered,
) -> Result<Message, DeliveryError> {
    let to: Mailbox = recipient.parse().map_err(|e| DeliveryError {
        message: format!("{recipient:?} is not an address mail can go to: {e}"),
        permanent: true,
    })?;
    let from = from_mailbox(config)?;
    let domain = from.email.domain().to_owned();
    Message::builder()
        .from(from)
        .to(to)
        .subject(rendered.subject.clone())
        .message_id(Some(format!("<{id}@{domain}>")))
        .multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            rendered.html.clone(),
        ))
        .map_err(|e| retry(format!("building the message: {e}")))
}

/// Sends (or writes) one message. `id` is the outbox row's, used for the Message-ID and the
/// file name, so a retry overwrites the same file.
pub async fn deliver(
    config: &Config,
    id: Uuid,
    recipient: &str,
    rendered: &Rendered,
) -> Result<Delivered, DeliveryError> {
    let message = build(config, id, recipient, rendered)?;
    match &config.mail.smtp_url {
        Some(url) => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                .map_err(|e| retry(format!("TRACKOUT_SMTP_URL: {e}")))?
                .timeout(Some(Duration::from_secs(config.mail.smtp_timeout_seconds)))
                .build();
            transport
                .send(message)
                .await
                .map_err(|e| retry(format!("SMTP: {e}")))?;
            Ok(Delivered::Smtp)
        }
        None => {
            let dir = config.data_dir.join("outbox");
            let path = dir.join(format!("{id}.eml"));
            let bytes = message.formatted();
            let written = path.clone();
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&dir)?;
                let temporary = dir.join(format!(".{id}.eml.tmp"));
                std::fs::write(&temporary, bytes)?;
                std::fs::rename(&temporary, &written)
            })
            .await
            .map_err(|e| retry(format!("writing the mail: {e}")))?
            .map_err(|e| retry(format!("writing {}: {e}", path.display())))?;
            tracing::info!(
                to = recipient,
                subject = %rendered.subject,
                links = ?rendered.links,
                file = %path.display(),
                "no SMTP configured: mail written to the outbox folder"
            );
            Ok(Delivered::File(path))
        }
    }
}
