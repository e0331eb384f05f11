//! Server-Sent Events framing: lines ending in LF, CR or CRLF, `field: value` lines, comments
//! starting with `:`, and a blank line that ends an event.

/// One event as dispatched at a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The last event id seen on the stream (it carries over events without an `id:` line).
    pub id: String,
    /// `message` when the event named none.
    pub event: String,
    pub data: String,
}

/// Turns the bytes of a stream, in chunks cut anywhere, into events.
#[derive(Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF starting this one belongs to it.
    after_cr: bool,
    last_id: String,
    event: String,
    data: String,
    /// Some `data:` line came since the last event.
    has_data: bool,
}

impl SseParser {
    /// The events that `chunk` completes.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut done = Vec::new();
        for &byte in chunk {
            let after_cr = std::mem::take(&mut self.after_cr);
            match byte {
                b'\n' if after_cr => {}
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    done.extend(self.line_done(&String::from_utf8_lossy(&line)));
                }
                _ => self.line.push(byte),
            }
        }
        done
    }

    fn line_done(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let data = std::mem::take(&mut self.data);
            if !std::mem::take(&mut self.has_data) {
                return None;
            }
            let event = if event.is_empty() { "message".to_owned() } else { event };
            return Some(SseEvent { id: self.last_id.clone(), event, data });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" if !value.contains('\0') => self.last_id = value.to_owned(),
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, event: &str, data: &str) -> SseEvent {
        SseEvent { id: id.to_owned(), event: event.to_owned(), data: data.to_owned() }
    }

    #[test]
    fn reads_the_servers_events_cut_anywhere() {
        let stream = b"id: 7\nevent: presence\ndata: {\"id\":7}\n\n:\n\nid:8\r\nevent:reload\r\ndata:{}\r\n\r\n";
        for cut in 0..stream.len() {
            let mut parser = SseParser::default();
            let mut got = parser.push(&stream[..cut]);
            got.extend(parser.push(&stream[cut..]));
            assert_eq!(got, vec![event("7", "presence", "{\"id\":7}"), event("8", "reload", "{}")], "cut at {cut}");
        }
    }

    #[test]
    fn joins_data_lines_keeps_the_last_id_and_skips_events_without_data() {
        let mut parser = SseParser::default();
        let got = parser.push(b"id: 3\rdata: a\rdata:  b\r\revent: lone\n\ndata\n\n");
        assert_eq!(got, vec![event("3", "message", "a\n b"), event("3", "message", "")]);
    }

    #[test]
    fn waits_for_the_blank_line() {
        let mut parser = SseParser::default();
        assert!(parser.push(b"id: 1\nevent: presence\ndata: {}\n").is_empty());
        assert_eq!(parser.push(b"\n"), vec![event("1", "presence", "{}")]);
    }
}
