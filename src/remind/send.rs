//! Reminders as email: RFC 5322 messages built with lettre (UTF-8 names and
//! subjects encoded, a plain-text body, `Date`, `Message-ID`, `Reply-To`), and
//! sent by SMTP over rustls. The user name and password come from the caller
//! (the command reads them from the environment, never from a file).

use std::time::{Duration, SystemTime};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport as _};

use super::message::Text;
use crate::desk::agenda::Actor;
use crate::program::{Reminders, Security};

/// Why reminders cannot be sent at all (exit 2): nothing is sent or logged.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// `[reminders] from` is not set.
    #[error(
        "[reminders] from is not set in program.toml: reminders need a sender, e.g. from = \"Mentoring team <mentoring@example.org>\""
    )]
    NoFrom,
    /// An address in the settings does not parse.
    #[error("[reminders] {key} = {value:?} is not an email address ({message})")]
    BadAddress {
        /// The key.
        key: &'static str,
        /// Its value.
        value: String,
        /// Why.
        message: String,
    },
    /// `[reminders.smtp] host` is not set.
    #[error("[reminders.smtp] host is not set in program.toml")]
    NoHost,
    /// The transport could not be set up (TLS parameters).
    #[error("cannot set up SMTP to {host}: {message}")]
    Transport {
        /// The host.
        host: String,
        /// Why.
        message: String,
    },
    /// The server could not be reached, or refused the connection or the login.
    #[error("cannot use the SMTP server {host}:{port} (connection or login): {message}")]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// Why.
        message: String,
    },
}

/// The sender and reply address, checked.
#[derive(Debug, Clone)]
pub struct Sender {
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl Sender {
    /// Reads `from` and `reply_to` from the settings.
    pub fn new(r: &Reminders) -> Result<Sender, SetupError> {
        let parse = |key: &'static str, value: &str| {
            value.trim().parse::<Mailbox>().map_err(|e| SetupError::BadAddress {
                key,
                value: value.to_string(),
                message: e.to_string(),
            })
        };
        let from = parse("from", r.from.as_deref().ok_or(SetupError::NoFrom)?)?;
        let reply_to = r.reply_to.as_deref().map(|v| parse("reply_to", v)).transpose()?;
        Ok(Sender { from, reply_to })
    }

    /// The email to `to` with `text`, dated `date` (the caller's clock).
    /// `Err` when `to`'s address is not one (the person is then unreachable).
    pub fn email(&self, to: &Actor, text: &Text, date: SystemTime) -> Result<Message, String> {
        let address = to.email.as_deref().unwrap_or_default().trim();
        let address = address.parse().map_err(|e| format!("{address:?} is not an email address ({e})"))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(to.name.clone()), address))
            .subject(text.subject.clone())
            .date(date)
            .message_id(Some(text.message_id.clone()))
            .header(ContentType::TEXT_PLAIN);
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        b.body(text.body.clone()).map_err(|e| e.to_string())
    }
}

/// An SMTP connection to the configured server, logged in when credentials are given.
pub struct Mailer {
    transport: SmtpTransport,
}

impl Mailer {
    /// Connects (and logs in) now, so a refused connection or login stops the
    /// run before anything is sent.
    pub fn connect(r: &Reminders, credentials: Option<(String, String)>) -> Result<Mailer, SetupError> {
        let host = r.smtp.host.as_deref().map(str::trim).filter(|h| !h.is_empty()).ok_or(SetupError::NoHost)?;
        let port = r.smtp.port();
        let tls = |host: &str| {
            TlsParameters::new(host.to_string())
                .map_err(|e| SetupError::Transport { host: host.to_string(), message: e.to_string() })
        };
        let mut builder = SmtpTransport::builder_dangerous(host).port(port).timeout(Some(Duration::from_secs(30)));
        builder = match r.smtp.security {
            Security::None => builder.tls(Tls::None),
            Security::Starttls => builder.tls(Tls::Required(tls(host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(host)?)),
        };
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        let transport = builder.build();
        let refused = |message: String| SetupError::Connect { host: host.to_string(), port, message };
        match transport.test_connection() {
            Ok(true) => Ok(Mailer { transport }),
            Ok(false) => Err(refused("the server did not answer".into())),
            Err(e) => Err(refused(e.to_string())),
        }
    }

    /// Sends one email; `Err` says why it was not accepted.
    pub fn send(&self, email: &Message) -> Result<(), String> {
        self.transport.send(email).map(|_| ()).map_err(|e| e.to_string())
    }
}
