//! The tutorials' service on tokio and hyper, a peer for Parity: /hello, /sleep?ms=N, /fetch.
//!
//! Each handler is an `async fn` that `.await`s: Parity's coroutine style. An async fn compiles
//! to a state machine (a Future) that tokio polls again when its timer or socket is ready.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::client::HttpConnector;
use hyper::server::conn::AddrIncoming;
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Client, Request, Response, Server, StatusCode, Uri};
use tokio::net::TcpSocket;
use tokio::time::timeout;

type HttpClient = Client<HttpConnector>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

const MAX_SLEEP_MS: i64 = 10000;
const USAGE: &str = "Usage: server --upstream URL [--port 0]
  --upstream URL     the upstream API, http://HOST:PORT (required)
  --port N           port to listen on, on 127.0.0.1 (0: any free port)
  --max-clients N    accepted and ignored (the Tornado peer's option): no cap here
  --pool N           accepted and ignored (the Tornado peer's option): no pool here
";

fn answer(status: StatusCode, content_type: &str, body: String) -> Response<Body> {
    let response = Response::builder().status(status).header("Content-Type", content_type);
    response.body(Body::from(body)).expect("a valid response")
}

fn bad_request(message: String) -> Response<Body> {
    answer(StatusCode::BAD_REQUEST, "text/plain", message)
}

fn time_cost_page(seconds: f64, url: &Uri) -> String {
    format!(
        "<html><head><title>Time Cost</title></head>\n\
         <body><h1>Time Cost: {seconds:.3} s</h1><p>style: rust</p>\
         <p>upstream: {url}</p></body></html>\n"
    )
}

async fn sleep(query: Option<&str>) -> Response<Body> {
    let ms = query.unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("ms="));
    let ms: i64 = match ms.unwrap_or("100").parse() {
        Ok(ms) => ms,
        Err(_) => return bad_request("ms must be an integer\n".into()),
    };
    if !(0..=MAX_SLEEP_MS).contains(&ms) {
        return bad_request(format!("ms must be within 0..{MAX_SLEEP_MS}\n"));
    }
    tokio::time::sleep(Duration::from_millis(ms as u64)).await; // a timer, no thread held
    let body = format!("{{\"slept_ms\": {ms}}}");
    answer(StatusCode::OK, "application/json; charset=UTF-8", body)
}

async fn call_upstream(client: &HttpClient, url: Uri) -> Result<(), BoxError> {
    let response = client.get(url).await?;
    if response.status() != StatusCode::OK {
        return Err(format!("upstream answered {}", response.status()).into());
    }
    hyper::body::to_bytes(response.into_body()).await?; // read it all: the connection is reused
    Ok(())
}

async fn fetch(client: &HttpClient, url: &Uri) -> Response<Body> {
    let started = Instant::now();
    let called = timeout(Duration::from_secs(10), call_upstream(client, url.clone())).await;
    match called.unwrap_or_else(|_| Err("timed out".into())) {
        Ok(()) => {
            let page = time_cost_page(started.elapsed().as_secs_f64(), url);
            answer(StatusCode::OK, "text/html; charset=UTF-8", page)
        }
        Err(error) => {
            let message = format!("upstream failed: {error}\n");
            answer(StatusCode::BAD_GATEWAY, "text/plain", message)
        }
    }
}

async fn route(
    request: Request<Body>,
    client: HttpClient,
    upstream: Uri,
) -> Result<Response<Body>, Infallible> {
    Ok(match request.uri().path() {
        "/hello" => answer(StatusCode::OK, "text/plain", "Hello, world".into()),
        "/sleep" => sleep(request.uri().query()).await,
        "/fetch" => fetch(&client, &upstream).await,
        _ => answer(StatusCode::NOT_FOUND, "text/plain", "not found\n".into()),
    })
}

struct Options {
    upstream: String,
    port: u16,
}

fn parse_args() -> Result<Options, String> {
    let (mut upstream, mut port) = (None, 0);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--upstream" => upstream = args.next(),
            "--port" => {
                port =
                    args.next().and_then(|p| p.parse().ok()).ok_or("--port needs a port number")?
            }
            "--max-clients" | "--pool" => drop(args.next()), // accepted and ignored
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Options { upstream: upstream.ok_or("--upstream is required")?, port })
}

#[tokio::main] // a worker thread per core; TOKIO_WORKER_THREADS=1 runs one, as --threads 1
async fn main() -> Result<(), BoxError> {
    let options = parse_args().unwrap_or_else(|error| {
        eprint!("{error}\n{USAGE}");
        std::process::exit(2);
    });
    let upstream: Uri = format!("{}/delay", options.upstream).parse()?;

    // hyper's pool keeps connections alive and caps neither the calls in flight nor the idle
    // connections per host (pool_max_idle_per_host is usize::MAX); said here, not left implied.
    let client: HttpClient = Client::builder().pool_max_idle_per_host(usize::MAX).build_http();

    // The kernel's full accept queue, as `parity serve` listens (tokio's bind() asks for 1024).
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], options.port)))?;
    let mut incoming = AddrIncoming::from_listener(socket.listen(4096)?)?;
    incoming.set_nodelay(true);
    println!("listening on {}", incoming.local_addr().port()); // stdout flushes at each line

    let make_service = make_service_fn(move |_connection| {
        let (client, upstream) = (client.clone(), upstream.clone());
        async move {
            Ok::<_, Infallible>(service_fn(move |request| {
                route(request, client.clone(), upstream.clone())
            }))
        }
    });
    Server::builder(incoming).serve(make_service).await?;
    Ok(())
}
