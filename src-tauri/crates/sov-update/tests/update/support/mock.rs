//! Scripted SOV Fixer: the update endpoints with in-memory state and per-endpoint faults.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{HeaderValue, Request, Response, StatusCode};
use serde_json::{json, Value};

pub const SOV_ID: &str = "s-test-sov";

/// One injected misbehaviour, consumed by the next request to its endpoint.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and body instead of handling the request.
    Respond {
        status: u16,
        body: String,
        retry_after: Option<u64>,
    },
    /// Handle the request (state changes happen), then answer with this status/body anyway:
    /// a proxy failing after the backend committed.
    CommitThenRespond { status: u16, body: String },
    /// Wait this long before handling the request (state changes happen after the wait).
    Delay(Duration),
    /// Handle the request, but for a download send only this many bytes, then break the connection.
    DropAfter(usize),
    /// Answer a download with a 302 to this URL.
    Redirect(String),
    /// Stream the download slowly: chunk size and pause between chunks.
    Slow { chunk: usize, pause: Duration },
}

pub fn html_502() -> Fault {
    Fault::Respond {
        status: 502,
        body: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".into(),
        retry_after: None,
    }
}

#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    pub request_content_length: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub endpoint: &'static str,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub filename: String,
    /// Absolute or relative; `None` = the API's own `/api/v1/sov/{id}/output/{filename}`.
    pub url: Option<String>,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Update {
    pub uploads: Vec<Upload>,
    pub starts: u32,
    pub start_body: Option<Value>,
    pub polls_after_start: usize,
}

pub struct State {
    pub token: String,
    pub known_sovs: Vec<String>,
    pub updates: HashMap<String, Update>,
    pub next_update: u32,
    pub faults: HashMap<&'static str, VecDeque<Fault>>,
    pub requests: Vec<Recorded>,
    /// (status, pct_complete, health) returned by successive polls after start.
    pub script: Vec<(&'static str, u32, &'static str)>,
    /// `result` sent once the script is exhausted; `None` = SUCCESS with the outputs.
    pub final_result: Option<Value>,
    pub outputs: Vec<Output>,
    pub enabled_formats: Vec<&'static str>,
    pub unknown_columns: Vec<&'static str>,
}

#[derive(Clone)]
pub struct Mock {
    pub base: String,
    pub state: Arc<Mutex<State>>,
}

impl Mock {
    pub async fn start() -> Mock {
        let state = Arc::new(Mutex::new(State {
            token: super::TOKEN.to_owned(),
            known_sovs: vec![SOV_ID.to_owned()],
            updates: HashMap::new(),
            next_update: 1,
            faults: HashMap::new(),
            requests: Vec::new(),
            script: vec![
                ("PENDING", 0, "Queued."),
                ("IN_PROGRESS", 30, "Priming enrichment cache."),
                ("IN_PROGRESS", 70, "Writing outputs."),
            ],
            final_result: None,
            outputs: vec![Output {
                filename: "Acme Corp 2026-06.json".into(),
                url: None,
                bytes: br#"{"id": "s-test-sov", "buildings": []}"#.to_vec(),
            }],
            enabled_formats: vec!["JSON", "CSV"],
            unknown_columns: vec!["sheet_row_numbah"],
        }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |request: Request<Body>| {
            let state = shared.clone();
            // Handled in its own task so a client that gives up (timeout, cancel) does not stop
            // the server from committing, as a real backend would.
            async move {
                tokio::spawn(handle(state, request))
                    .await
                    .unwrap_or_else(|_| json_response(500, json!({"detail": "mock panicked"})))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Mock { base, state }
    }

    pub fn fault(&self, endpoint: &'static str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// Requests received by `endpoint` (initiate_update, add_locations, start, status, download,
    /// output_formats, history).
    pub fn count(&self, endpoint: &str) -> usize {
        self.with(|s| s.requests.iter().filter(|r| r.endpoint == endpoint).count())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.with(|s| s.requests.clone())
    }

    pub fn updates_created(&self) -> usize {
        self.with(|s| s.updates.len())
    }

    pub fn update(&self, id: &str) -> (Vec<Upload>, u32, Option<Value>) {
        self.with(|s| {
            let u = &s.updates[id];
            (u.uploads.clone(), u.starts, u.start_body.clone())
        })
    }

    /// Creates an update as if initiated (and optionally started) by an earlier session.
    pub fn seed_update(&self, started: bool) -> String {
        self.with(|s| {
            let id = format!("{SOV_ID}-r{:03}", s.next_update);
            s.next_update += 1;
            s.updates.insert(
                id.clone(),
                Update {
                    starts: u32::from(started),
                    ..Update::default()
                },
            );
            id
        })
    }
}

fn endpoint_of(method: &str, segments: &[&str]) -> &'static str {
    match (method, segments) {
        ("POST", ["sov", _, "initiate_update"]) => "initiate_update",
        ("POST", ["sov", "update", _, "add_locations"]) => "add_locations",
        ("POST", ["sov", "update", _, "start"]) => "start",
        ("GET", ["sov", "update", _]) => "status",
        ("GET", ["sov", _, "output", _]) => "download",
        ("GET", ["output_formats"]) => "output_formats",
        ("GET", ["sov", "history", _]) => "history",
        _ => "unknown",
    }
}

fn json_response(status: u16, body: Value) -> Response<Body> {
    text_response(status, &body.to_string(), "application/json")
}

fn text_response(status: u16, body: &str, content_type: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_str(content_type).unwrap());
    response
}

fn decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={segment}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn handle(state: Arc<Mutex<State>>, request: Request<Body>) -> Response<Body> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let rest = path.strip_prefix("/api/v1/").unwrap_or("");
    let segments: Vec<String> = rest.split('/').map(decode).collect();
    let segment_refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let endpoint = endpoint_of(&method, &segment_refs);
    let authorization = request
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let content_length = request
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let content_type = request
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();

    let fault = state
        .lock()
        .unwrap()
        .faults
        .get_mut(endpoint)
        .and_then(VecDeque::pop_front);
    // The body is read here so it can be recorded; multipart is parsed from the raw bytes.
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    state.lock().unwrap().requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        endpoint,
        authorization: authorization.clone(),
        body: body.to_vec(),
    });
    if let Some(Fault::Delay(pause)) = &fault {
        tokio::time::sleep(*pause).await;
    }

    if let Some(Fault::Respond {
        status,
        body,
        retry_after,
    }) = &fault
    {
        let content_type = if body.starts_with('<') {
            "text/html"
        } else {
            "application/json"
        };
        let mut response = text_response(*status, body, content_type);
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(*seconds));
        }
        return response;
    }
    let expected = format!("Token {}", state.lock().unwrap().token);
    if authorization.as_deref() != Some(expected.as_str()) {
        return json_response(401, json!({"detail": "Invalid token."}));
    }

    let response = match (endpoint, segment_refs.as_slice()) {
        ("initiate_update", [_, sov, _]) => initiate(&state, sov, &body),
        ("add_locations", [_, _, id, _]) => {
            add_locations(&state, id, &content_type, content_length, body).await
        }
        ("start", [_, _, id, _]) => start(&state, id, &body),
        ("status", [_, _, id]) => status(&state, id),
        ("download", [_, id, _, file]) => return download(&state, id, file, fault).await,
        ("output_formats", _) => output_formats(&state, &query),
        ("history", [_, _, id]) => history(&state, id),
        _ => json_response(404, json!({"detail": "Not found."})),
    };
    match fault {
        Some(Fault::CommitThenRespond { status, body }) => {
            let content_type = if body.starts_with('<') {
                "text/html"
            } else {
                "application/json"
            };
            text_response(status, &body, content_type)
        }
        _ => response,
    }
}

fn initiate(state: &Arc<Mutex<State>>, sov: &str, body: &[u8]) -> Response<Body> {
    let mut s = state.lock().unwrap();
    if !s.known_sovs.iter().any(|k| k == sov) {
        return json_response(404, json!({"detail": "Not found."}));
    }
    let request: Value = serde_json::from_slice(body).unwrap_or(json!({}));
    if let Some(kind) = request.get("update_type").and_then(Value::as_str) {
        let known = [
            "SCRUB",
            "AIR",
            "RMS",
            "RMS_ANALYSIS",
            "API",
            "COMPLETE",
            "PINGREADY",
        ];
        if !known.contains(&kind) {
            return json_response(
                400,
                json!({"update_type": [format!("\"{kind}\" is not a valid choice.")]}),
            );
        }
    }
    let id = format!("{sov}-r{:03}", s.next_update);
    s.next_update += 1;
    s.updates.insert(id.clone(), Update::default());
    json_response(201, json!({"message": "OK", "id": id}))
}

async fn add_locations(
    state: &Arc<Mutex<State>>,
    id: &str,
    content_type: &str,
    content_length: Option<u64>,
    body: bytes::Bytes,
) -> Response<Body> {
    {
        let s = state.lock().unwrap();
        match s.updates.get(id) {
            None => return json_response(404, json!({"detail": "Not found."})),
            Some(update) if update.starts > 0 => {
                return json_response(
                    409,
                    json!({"message": "rejected locations file as SUD not pending"}),
                )
            }
            Some(_) => {}
        }
    }
    let request = Request::builder()
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let Ok(mut multipart) = Multipart::from_request(request, &()).await else {
        return json_response(400, json!({"file": ["No file was submitted."]}));
    };
    let mut upload = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let file_name = field.file_name().map(str::to_owned);
            let part_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.unwrap_or_default().to_vec();
            upload = Some(Upload {
                file_name,
                content_type: part_type,
                bytes,
                request_content_length: content_length,
            });
        }
    }
    let Some(upload) = upload else {
        return json_response(400, json!({"file": ["No file was submitted."]}));
    };
    let header = String::from_utf8_lossy(&upload.bytes)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    let mut s = state.lock().unwrap();
    for column in header.split(',') {
        if s.unknown_columns.contains(&column.trim()) {
            return json_response(
                400,
                json!({"file": format!("{}: unknown attribute", column.trim())}),
            );
        }
    }
    if let Some(update) = s.updates.get_mut(id) {
        update.uploads.push(upload);
    }
    json_response(201, json!({"message": "OK"}))
}

fn start(state: &Arc<Mutex<State>>, id: &str, body: &[u8]) -> Response<Body> {
    let mut s = state.lock().unwrap();
    let enabled = s.enabled_formats.clone();
    let Some(update) = s.updates.get_mut(id) else {
        return json_response(404, json!({"detail": "Not found."}));
    };
    if update.starts > 0 {
        return json_response(409, json!({"message": "SUD not pending"}));
    }
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if let Some(formats) = request.get("output_formats").and_then(Value::as_array) {
        for format in formats.iter().filter_map(Value::as_str) {
            if !enabled.iter().any(|e| e.eq_ignore_ascii_case(format)) {
                return json_response(
                    400,
                    json!({"output_formats": [format!(
                        "Output format {format} is not enabled. Allowed formats: {}",
                        enabled.join(", ")
                    )]}),
                );
            }
        }
    }
    update.starts += 1;
    update.start_body = Some(request);
    json_response(201, json!({"message": "OK"}))
}

fn status(state: &Arc<Mutex<State>>, id: &str) -> Response<Body> {
    let mut s = state.lock().unwrap();
    let script = s.script.clone();
    let final_result = s.final_result.clone();
    let outputs = s.outputs.clone();
    let base_request = |status: &str, pct: u32, health: &str| {
        json!({"request_uuid": "0123", "status": status, "pct_complete": pct,
               "last_health_status": health, "sudid": id, "record_type": "API",
               "completed_at": null, "last_health_check_time": null})
    };
    let Some(update) = s.updates.get_mut(id) else {
        return json_response(404, json!({"detail": "Not found."}));
    };
    if update.starts == 0 {
        return json_response(
            200,
            json!({"request": base_request("PENDING", 0, "Waiting for start.")}),
        );
    }
    let step = update.polls_after_start;
    update.polls_after_start += 1;
    if let Some((status, pct, health)) = script.get(step) {
        return json_response(200, json!({"request": base_request(status, *pct, health)}));
    }
    let result = final_result.unwrap_or_else(|| {
        let outputs: Vec<Value> = outputs
            .iter()
            .map(|o| {
                let url = o.url.clone().unwrap_or_else(|| {
                    format!("/api/v1/sov/{id}/output/{}", url_escape(&o.filename))
                });
                json!({"description": "JSON", "filename": o.filename, "url": url})
            })
            .collect();
        json!({"status": "SUCCESS", "message": "Success.", "outputs": outputs})
    });
    let failed = result.get("status").and_then(Value::as_str) != Some("SUCCESS");
    let request = base_request(if failed { "FAILED" } else { "COMPLETE" }, 100, "Done.");
    json_response(200, json!({"request": request, "result": result}))
}

pub fn url_escape(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

async fn download(
    state: &Arc<Mutex<State>>,
    _id: &str,
    file: &str,
    fault: Option<Fault>,
) -> Response<Body> {
    let bytes = {
        let s = state.lock().unwrap();
        s.outputs
            .iter()
            .find(|o| o.filename == file)
            .map(|o| o.bytes.clone())
    };
    let Some(bytes) = bytes else {
        return json_response(404, json!({"detail": "Not found."}));
    };
    let total = bytes.len();
    if let Some(Fault::Redirect(location)) = &fault {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::FOUND;
        response
            .headers_mut()
            .insert("location", HeaderValue::from_str(location).unwrap());
        return response;
    }
    let body = match fault {
        Some(Fault::DropAfter(keep)) => {
            let head = bytes::Bytes::from(bytes[..keep.min(total)].to_vec());
            // The pause lets the head reach the client before the connection breaks, so this
            // is an interrupted body, not a failed request.
            let stream = futures_util::stream::unfold(0u8, move |step| {
                let head = head.clone();
                async move {
                    match step {
                        0 => Some((Ok::<_, std::io::Error>(head), 1)),
                        1 => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            Some((
                                Err(std::io::Error::other("connection dropped by the test")),
                                2,
                            ))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(stream)
        }
        Some(Fault::Slow { chunk, pause }) => {
            let chunks: Vec<bytes::Bytes> = bytes
                .chunks(chunk.max(1))
                .map(|c| bytes::Bytes::from(c.to_vec()))
                .collect();
            let stream =
                futures_util::stream::unfold(chunks.into_iter(), move |mut rest| async move {
                    let next = rest.next()?;
                    tokio::time::sleep(pause).await;
                    Some((Ok::<_, std::io::Error>(next), rest))
                });
            Body::from_stream(stream)
        }
        _ => Body::from(bytes),
    };
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert("content-length", HeaderValue::from(total));
    response
}

fn output_formats(state: &Arc<Mutex<State>>, query: &str) -> Response<Body> {
    let s = state.lock().unwrap();
    if let Some(sov) = query.strip_prefix("sovid=") {
        if !s.known_sovs.iter().any(|k| k == sov) {
            return json_response(404, json!({"detail": "Not found."}));
        }
    }
    let formats: Vec<Value> = s
        .enabled_formats
        .iter()
        .map(|f| json!({"output_format": f, "label": f, "output_extension": f.to_lowercase(), "is_public": true}))
        .collect();
    json_response(200, json!({"output_formats": formats}))
}

fn history(state: &Arc<Mutex<State>>, id: &str) -> Response<Body> {
    let s = state.lock().unwrap();
    if !s.updates.contains_key(id) && !s.known_sovs.iter().any(|k| k == id) {
        return json_response(404, json!({"detail": "Not found."}));
    }
    json_response(
        200,
        json!({"result": {"sovid": id, "previous_sovid": SOV_ID, "original_sovid": SOV_ID,
                          "record_type": "API",
                          "outputs": [{"url": format!("/api/v1/sov/{id}/output/a.json"), "output_format": "JSON"}]}}),
    )
}
