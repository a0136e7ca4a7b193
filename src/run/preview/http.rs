//! The preview's HTTP/1.1 server, on `std::net` with `httparse`: one thread accepts, a fixed
//! pool of workers answers, one request per connection. Everything a client can make it hold
//! is bounded: the request head it reads (`MAX_HEAD_BYTES`, else 431), the connections waiting
//! for a worker (`QUEUE`, more are closed at once), the threads (`WORKERS` and the one that
//! accepts, however many connections), and the time a connection may take to send its head
//! (`HEAD_TIMEOUT`, then it is closed) or to take the answer (`WRITE_TIMEOUT`).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The largest request head read (request line and headers). A browser's is under 2 KiB;
/// common servers stop at 8 to 16 KiB.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The most header fields a request may have.
pub const MAX_HEADERS: usize = 64;
/// Threads answering requests. A browser asks for every page at once, over at most six
/// connections to one host.
pub const WORKERS: usize = 8;
/// Connections accepted and waiting for a worker; one more is closed unanswered.
pub const QUEUE: usize = 64;
/// How long a connection may take, from its arrival, to send its whole request head: an idle
/// connection is closed then.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one write of the answer may wait for a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After the answer, what the client still sends is read and dropped for this long (at most
/// `LINGER_BYTES`), so that closing does not reset the connection before it has read the
/// answer (a client that sent a huge head is still sending when the 431 goes out).
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1024 * 1024;
/// How long the accepting thread rests when accepting fails (out of file descriptors), rather
/// than spinning.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// What the preview needs to know of a request.
pub struct Request<'a> {
    pub method: &'a str,
    /// The request target as sent: path and query, never decoded.
    pub target: &'a str,
    /// The `Host` header, if the request has exactly one.
    pub host: Option<&'a str>,
}

/// An answer: its status, its type and its body.
pub struct Response {
    pub status: u16,
    pub kind: &'static str,
    pub body: Arc<[u8]>,
}

impl Response {
    /// A plain-text answer with `status`.
    pub fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            kind: "text/plain; charset=utf-8",
            body: Arc::from(text.as_bytes()),
        }
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Serves `listener` with `handler` on threads of their own, which live as long as the
/// process.
pub fn serve(
    listener: TcpListener,
    handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
) -> io::Result<()> {
    let (queue, waiting) = mpsc::sync_channel::<(TcpStream, Instant)>(QUEUE);
    let waiting = Arc::new(Mutex::new(waiting));
    let handler: Arc<Handler> = Arc::new(handler);
    for _ in 0..WORKERS {
        let waiting = waiting.clone();
        let handler = handler.clone();
        std::thread::Builder::new()
            .name("preview".into())
            .spawn(move || work(&waiting, &*handler))?;
    }
    std::thread::Builder::new()
        .name("preview-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    // A full queue closes the connection: the client may try again.
                    Ok(stream) => match queue.try_send((stream, Instant::now())) {
                        Ok(()) | Err(TrySendError::Full(_)) => {}
                        Err(TrySendError::Disconnected(_)) => return,
                    },
                    Err(_) => std::thread::sleep(ACCEPT_PAUSE),
                }
            }
        })?;
    Ok(())
}

fn work(waiting: &Mutex<Receiver<(TcpStream, Instant)>>, handler: &Handler) {
    let mut buffer = vec![0; MAX_HEAD_BYTES];
    loop {
        let next = waiting.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((stream, arrived)) = next else {
            return;
        };
        // A failure on one connection (a client gone, a panic while answering) ends that
        // connection only; the worker stays.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            answer(stream, arrived, &mut buffer, handler)
        }));
    }
}

/// Reads one request head from `stream`, answers it, and closes the connection.
fn answer(
    mut stream: TcpStream,
    arrived: Instant,
    buffer: &mut [u8],
    handler: &Handler,
) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let deadline = arrived + HEAD_TIMEOUT;
    let mut filled = 0;
    let response = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buffer[filled..]) {
            Ok(0) => return Ok(()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Timed out (idle) or gone: closed without an answer.
            Err(_) => return Ok(()),
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer[..filled]) {
            Ok(httparse::Status::Complete(_)) => break respond(&request, handler),
            Ok(httparse::Status::Partial) if filled < buffer.len() => {}
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                break Response::text(431, "request header fields too large");
            }
            Err(_) => break Response::text(400, "bad request"),
        }
    };
    write(&mut stream, &response)?;
    linger(&mut stream, buffer);
    Ok(())
}

fn respond(request: &httparse::Request, handler: &Handler) -> Response {
    let mut hosts = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => match std::str::from_utf8(host.value) {
            Ok(host) => Some(host.trim()),
            Err(_) => return Response::text(400, "bad request"),
        },
        (None, _) => None,
        (Some(_), Some(_)) => return Response::text(400, "bad request"),
    };
    handler(&Request {
        method: request.method.unwrap_or_default(),
        target: request.path.unwrap_or_default(),
        host,
    })
}

fn write(stream: &mut TcpStream, response: &Response) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\n\
         Content-Type: {}\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-store\r\n\
         Content-Security-Policy: default-src 'none'; img-src 'self' blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n",
        response.status,
        reason(response.status),
        response.kind,
        response.body.len(),
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}

/// Ends the answer, then reads and drops what the client still sends for a moment.
fn linger(stream: &mut TcpStream, buffer: &mut [u8]) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let until = Instant::now() + LINGER;
    let mut dropped = 0;
    while dropped < LINGER_BYTES {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => dropped += n,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}
