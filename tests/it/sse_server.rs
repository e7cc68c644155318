//! A real HTTP server on 127.0.0.1 that speaks the OpenAI streaming format from a script: chunking
//! down to single bytes, delays, stalls, clean cut-offs, dropped connections and error statuses.
//! It records every request (head and body) and when the client hung up.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One thing the server does while answering.
#[derive(Clone, Debug)]
pub enum Step {
    /// Written as one HTTP chunk (so a client sees it as one network read, or close to it).
    Send(Vec<u8>),
    Sleep(Duration),
    /// Sends nothing more and keeps the connection open until the client hangs up.
    Stall,
    /// Closes the socket without ending the chunked body: a dropped connection.
    Drop,
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

impl Reply {
    /// A 200 `text/event-stream` whose body is `chunks`, each sent as its own write.
    pub fn stream(chunks: Vec<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            steps: chunks.into_iter().map(Step::Send).collect(),
        }
    }

    /// A status with a JSON body (an error, or a non-streamed answer).
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            steps: vec![Step::Send(body.as_bytes().to_vec())],
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn then(mut self, step: Step) -> Reply {
        self.steps.push(step);
        self
    }
}

/// What the server saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub head: String,
    pub body: serde_json::Value,
    pub at: Instant,
    /// When the client closed the connection while the server still had it open.
    pub hung_up: Option<Instant>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with(&prefix)
                .then(|| l[prefix.len()..].trim().to_string())
        })
    }
}

pub struct Server {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Answers the n-th request with `replies[n]`, and every later one with the last reply.
    pub async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while let Ok((sock, _)) = listener.accept().await {
                let reply = replies[n.min(replies.len() - 1)].clone();
                n += 1;
                tokio::spawn(serve(sock, reply, log.clone()));
            }
        });
        Server {
            base_url: format!("http://{addr}/v1"),
            seen,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(mut sock: TcpStream, reply: Reply, log: Arc<Mutex<Vec<Seen>>>) {
    // One-byte chunks must leave as they are written, not coalesced by Nagle's algorithm.
    let _ = sock.set_nodelay(true);
    let Some((head, body)) = read_request(&mut sock).await else {
        return;
    };
    let index = {
        let mut log = log.lock().unwrap();
        log.push(Seen {
            head,
            body: serde_json::from_slice(&body).unwrap_or_default(),
            at: Instant::now(),
            hung_up: None,
        });
        log.len() - 1
    };
    let mut out = format!(
        "HTTP/1.1 {} X\r\ntransfer-encoding: chunked\r\n",
        reply.status
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    if sock.write_all(out.as_bytes()).await.is_err() {
        return;
    }
    for step in reply.steps {
        match step {
            Step::Send(bytes) => {
                let mut chunk = format!("{:x}\r\n", bytes.len()).into_bytes();
                chunk.extend_from_slice(&bytes);
                chunk.extend_from_slice(b"\r\n");
                if sock.write_all(&chunk).await.is_err() {
                    hung_up(&log, index);
                    return;
                }
                let _ = sock.flush().await;
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::Stall => {
                // Wait for the client to go away, noting when.
                let mut buf = [0u8; 64];
                loop {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => {
                            hung_up(&log, index);
                            return;
                        }
                        Ok(_) => {}
                    }
                }
            }
            Step::Drop => return,
        }
    }
    let _ = sock.write_all(b"0\r\n\r\n").await;
    let _ = sock.shutdown().await;
}

fn hung_up(log: &Mutex<Vec<Seen>>, index: usize) {
    log.lock().unwrap()[index].hung_up = Some(Instant::now());
}

async fn read_request(sock: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return Some((head, buf[end + 4..end + 4 + len].to_vec()));
            }
        }
    }
}

/// The project's copy of `../shared/streams/NAME.sse` and its expected text.
pub fn transcript(name: &str) -> (Vec<u8>, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/streams");
    (
        std::fs::read(dir.join(format!("{name}.sse"))).unwrap(),
        std::fs::read_to_string(dir.join(format!("{name}.expected.txt"))).unwrap(),
    )
}

/// An SSE body for `pieces`, ending with a finish reason and `[DONE]` unless told otherwise.
pub fn sse(pieces: &[&str], finish: Option<&str>, done: bool) -> Vec<u8> {
    let mut s = String::from(": OPENROUTER PROCESSING\n\n");
    s.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    for p in pieces {
        let chunk =
            serde_json::json!({"choices":[{"index":0,"delta":{"content":p},"finish_reason":null}]});
        s.push_str(&format!("data: {chunk}\n\n"));
    }
    if let Some(f) = finish {
        s.push_str(&format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"{f}\"}}]}}\n\n"
        ));
    }
    if done {
        s.push_str("data: [DONE]\n\n");
    }
    s.into_bytes()
}

/// The body as one chunk per SSE event (what real servers do).
pub fn by_event(body: &[u8]) -> Vec<Vec<u8>> {
    String::from_utf8_lossy(body)
        .split_inclusive("\n\n")
        .map(|e| e.as_bytes().to_vec())
        .collect()
}

/// Every byte its own chunk: events and UTF-8 characters split everywhere.
pub fn by_byte(body: &[u8]) -> Vec<Vec<u8>> {
    body.iter().map(|b| vec![*b]).collect()
}
