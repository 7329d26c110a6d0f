//! The client's cap on simultaneous requests: many jobs sharing one client never open more than
//! `max_connections` connections to the service.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use sov_update::{ApiToken, ClientConfig, Environment, SovFixerClient};

#[derive(Default)]
struct Seen {
    in_flight: usize,
    peak_in_flight: usize,
    peers: HashSet<SocketAddr>,
}

async fn slow_status(
    State(seen): State<Arc<Mutex<Seen>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Json<Value> {
    {
        let mut seen = seen.lock().unwrap();
        seen.in_flight += 1;
        seen.peak_in_flight = seen.peak_in_flight.max(seen.in_flight);
        seen.peers.insert(peer);
    }
    // Long enough for every allowed request to overlap even on a busy machine.
    tokio::time::sleep(Duration::from_millis(100)).await;
    seen.lock().unwrap().in_flight -= 1;
    Json(json!({"request": {"status": "IN_PROGRESS", "pct_complete": 50}}))
}

async fn serve() -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = Router::new()
        .route("/api/v1/sov/update/{id}", get(slow_status))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (base, seen)
}

fn client(base: &str, max_connections: usize) -> SovFixerClient {
    let mut config = ClientConfig::new(Environment::custom(base).unwrap(), ApiToken::new("k"));
    config.max_connections = max_connections;
    SovFixerClient::new(config).unwrap()
}

/// 40 jobs polling at once through one client (and its clones).
async fn poll_from_many_jobs(client: &SovFixerClient) {
    let polls = (0..40).map(|job| {
        let client = client.clone();
        tokio::spawn(async move { client.status(&format!("s-1-r{job:03}")).await })
    });
    for poll in polls.collect::<Vec<_>>() {
        let status = poll.await.unwrap().unwrap();
        assert_eq!(status.request.pct_complete, Some(50.0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_jobs_on_one_client_use_at_most_the_allowed_connections() {
    let (base, seen) = serve().await;
    poll_from_many_jobs(&client(&base, 3)).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.peak_in_flight, 3, "every slot used, never more");
    assert!(
        seen.peers.len() <= 3,
        "{} connections were opened",
        seen.peers.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_cap_still_lets_several_requests_run_side_by_side() {
    let (base, seen) = serve().await;
    let config = ClientConfig::new(Environment::custom(&base).unwrap(), ApiToken::new("k"));
    assert_eq!(config.max_connections, sov_update::DEFAULT_MAX_CONNECTIONS);
    poll_from_many_jobs(&SovFixerClient::new(config).unwrap()).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.peak_in_flight, sov_update::DEFAULT_MAX_CONNECTIONS);
    assert!(seen.peers.len() <= sov_update::DEFAULT_MAX_CONNECTIONS);
}
