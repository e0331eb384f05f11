//! E-mail: sent over SMTP when a server is configured, else written to the log (so that a demo
//! or a first install still gets its log-in links).

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why an e-mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("building the message: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Sends the platform's e-mails.
pub struct Mailer {
    smtp: Option<(Mailbox, AsyncSmtpTransport<Tokio1Executor>)>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = self.smtp.as_ref().map(|(from, _)| from.to_string());
        f.debug_struct("Mailer").field("from", &from).field("smtp", &self.smtp.is_some()).finish()
    }
}

impl Default for Mailer {
    fn default() -> Self {
        Self::log_only()
    }
}

impl Mailer {
    /// A mailer that writes every e-mail to the log instead of sending it.
    pub fn log_only() -> Self {
        Self { smtp: None }
    }

    /// A mailer over the SMTP server at `url` (`smtp://user:password@host:587?tls=required`,
    /// `smtps://…` for TLS from the start, plain `smtp://host:port` on a trusted network).
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailError> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
        Ok(Self { smtp: Some((from.parse()?, smtp)) })
    }

    /// Whether e-mails only go to the log (no SMTP server configured).
    pub fn is_log_only(&self) -> bool {
        self.smtp.is_none()
    }

    /// Sends a plain-text e-mail (or logs it when no SMTP server is configured).
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let letter = Letter { to: to.to_owned(), subject: subject.to_owned(), body, attachment: None };
        self.deliver(&letter, None).await
    }

    /// Sends `letter` (or logs it when no SMTP server is configured). `message_id`, when given, is
    /// the same each time the same e-mail is tried, so a reader's mail program shows a repeat once.
    pub async fn deliver(&self, letter: &Letter, message_id: Option<String>) -> Result<(), MailError> {
        let Letter { to, subject, body, attachment } = letter;
        let Some((from, smtp)) = &self.smtp else {
            tracing::info!(%to, %subject, %body, "e-mail not sent (no SMTP server configured); it reads");
            return Ok(());
        };
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(body.clone());
        let builder = Message::builder().from(from.clone()).to(to.parse()?).subject(subject).message_id(message_id);
        let message = match attachment {
            None => builder.singlepart(text)?,
            Some(file) => {
                let kind = ContentType::parse(&file.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                let part = Attachment::new(file.name.clone()).body(file.content.clone(), kind);
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(part))?
            }
        };
        smtp.send(message).await?;
        Ok(())
    }
}

/// An e-mail to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachment: Option<File>,
}

/// A file sent with an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub content: String,
}
