//! A real SMTP server on a random port that accepts every message and keeps it, for tests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as received: its recipients and its data (headers and body), quoted-printable
/// soft line breaks undone.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    /// While set, every message is refused for now (`451`), as a mail server that is down.
    refusing: Arc<AtomicBool>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let port = listener.local_addr().expect("addr").port();
        let sink = SmtpSink { port, received: Arc::default(), refusing: Arc::default() };
        let (kept, refusing) = (sink.received.clone(), sink.refusing.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(converse(socket, kept.clone(), refusing.clone()));
            }
        });
        sink
    }

    /// Refuses every message from now on (`true`), or takes them again.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The last message sent to `to`, waiting for it as long as a test waits for anything
    /// ([`PATIENCE`](crate::helpers::PATIENCE)).
    pub async fn last_to(&self, to: &str) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + crate::helpers::PATIENCE;
        loop {
            if let Some(m) = self.received().into_iter().rev().find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            {
                return Some(m);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl SmtpSink {
    /// The first message to `to` whose data contains `text`, waiting for it as long as a test
    /// waits for anything; the test fails without it.
    pub async fn first_with(&self, to: &str, text: &str) -> Received {
        crate::helpers::eventually(&format!("an e-mail to {to} with {text:?}"), || async {
            self.received()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.data.contains(text))
        })
        .await
    }
}

/// Undoes quoted-printable encoding of a message's data.
fn unquote(data: &str) -> String {
    let joined = data.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn converse(socket: tokio::net::TcpStream, kept: Arc<Mutex<Vec<Received>>>, refusing: Arc<AtomicBool>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let mut to = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            let _ = write.write_all(b"354 go on\r\n").await;
            let mut data = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            if refusing.load(Ordering::SeqCst) {
                to.clear();
                b"451 not now\r\n"
            } else {
                kept.lock().unwrap().push(Received { to: std::mem::take(&mut to), data: unquote(&data) });
                b"250 kept\r\n"
            }
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            break;
        } else {
            b"250 OK\r\n"
        };
        if write.write_all(reply).await.is_err() {
            break;
        }
    }
}
