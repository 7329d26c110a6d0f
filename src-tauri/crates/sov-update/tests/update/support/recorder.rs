//! A second, unrelated origin that records what it receives (to prove the token never gets there).

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, Response};

#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

pub struct Recorder {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    /// Serves `body` at every path.
    pub async fn start(body: &'static [u8]) -> Recorder {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        let app = axum::Router::new().fallback(move |request: Request<Body>| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(Seen {
                    path: request.uri().path().to_owned(),
                    authorization: request
                        .headers()
                        .get("authorization")
                        .map(|v| v.to_str().unwrap_or("").to_owned()),
                });
                Response::new(Body::from(body))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Recorder { base, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}
