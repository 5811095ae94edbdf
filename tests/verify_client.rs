//! `vigil verify`'s HTTP client against a one-shot server on loopback: what it sends
//! (path, encoded query, headers) and how it reads each kind of answer.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use vigil::verify::client::HttpApi;
use vigil::verify::{Api, ApiError};

/// Serves one request with `status` and `body`; returns the address and the request text.
fn serve_once(status: &'static str, body: &'static str) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}/prefix/", listener.local_addr().expect("address"));
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut request = vec![0u8; 8192];
        let read = stream.read(&mut request).expect("read");
        let _ = sender.send(String::from_utf8_lossy(&request[..read]).into_owned());
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    (address, receiver)
}

fn client(address: &str) -> HttpApi {
    let headers = vec![
        (String::from("Authorization"), String::from("Bearer s3cret")),
        (String::from("X-Scope-OrgID"), String::from("platform")),
    ];
    HttpApi::new(address, headers, Duration::from_secs(5))
}

#[test]
fn a_request_carries_the_prefix_the_encoded_query_and_the_headers() {
    let (address, request) = serve_once("200 OK", r#"{"status":"success","data":{}}"#);
    let answer = client(&address)
        .get("/api/v1/query", &[("query", "count(up{job=\"a b\"})")])
        .expect("an answer");
    assert_eq!(answer["status"], "success");
    let request = request.recv().expect("the request");
    let first = request.lines().next().expect("a request line");
    assert_eq!(
        first,
        "GET /prefix/api/v1/query?query=count(up%7Bjob%3D%22a%20b%22%7D) HTTP/1.1"
    );
    let request = request.to_lowercase();
    assert!(
        request.contains("authorization: bearer s3cret"),
        "{request}"
    );
    assert!(request.contains("x-scope-orgid: platform"), "{request}");
}

#[test]
fn a_refused_query_is_rejected_with_prometheus_reason() {
    let body = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#;
    let (address, _) = serve_once("400 Bad Request", body);
    let answer = client(&address).get("/api/v1/query", &[("query", "(")]);
    assert_eq!(
        answer,
        Err(ApiError::Rejected(String::from("parse error at char 3")))
    );
}

#[test]
fn an_unauthorised_answer_stops_verification() {
    let (address, _) = serve_once("401 Unauthorized", "");
    let answer = client(&address).get("/api/v1/status/buildinfo", &[]);
    let Err(ApiError::Unreachable(cause)) = answer else {
        panic!("{answer:?}");
    };
    assert!(
        cause.contains("401") && cause.contains("--bearer-token-file"),
        "{cause}"
    );
}

#[test]
fn an_answer_that_is_not_json_is_not_prometheus() {
    let (address, _) = serve_once("200 OK", "<html>login</html>");
    let answer = client(&address).get("/api/v1/status/buildinfo", &[]);
    let Err(ApiError::Unreachable(cause)) = answer else {
        panic!("{answer:?}");
    };
    assert!(cause.contains("did not answer JSON"), "{cause}");
}

#[test]
fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    // Accepted by the kernel's backlog, never answered.
    let api = HttpApi::new(&address, Vec::new(), Duration::from_millis(300));
    let answer = api.get("/api/v1/status/buildinfo", &[]);
    drop(listener);
    let Err(ApiError::Unreachable(cause)) = answer else {
        panic!("{answer:?}");
    };
    assert!(cause.contains("no answer within 300ms"), "{cause}");
}
