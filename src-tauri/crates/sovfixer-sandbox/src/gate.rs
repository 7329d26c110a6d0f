//! In front of every `/api/v1` request: fault injection, token check, request log.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::Endpoint;
use crate::responses::{injected_error, unauthorized};
use crate::state::{RequestOrigin, RequestRecord, SandboxState, SeenRequest};

fn redirect(location: &str) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = axum::http::StatusCode::FOUND;
    if let Ok(value) = header::HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub const API_PREFIX: &str = "/api/v1";

/// Why a request is not authenticated, with DRF TokenAuthentication's exact wording.
fn check_token(headers: &HeaderMap, token: &str) -> Result<(), &'static str> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err("Authentication credentials were not provided.");
    };
    let value = String::from_utf8_lossy(value.as_bytes()).to_string();
    let mut parts = value.split_whitespace();
    match parts.next() {
        Some(scheme) if scheme.eq_ignore_ascii_case("token") => {}
        // Another scheme (e.g. Bearer) is ignored by TokenAuthentication, so nothing was provided.
        _ => return Err("Authentication credentials were not provided."),
    }
    let key = parts.next();
    if parts.next().is_some() {
        return Err("Invalid token header. Token string should not contain spaces.");
    }
    match key {
        None => Err("Invalid token header. No credentials provided."),
        Some(key) if key == token => Ok(()),
        Some(_) => Err("Invalid token."),
    }
}

/// Faults come first (they stand for a proxy or an overloaded service), then the token check,
/// which precedes routing so an unknown id without a token answers 401, not 404.
pub async fn api_gate(
    State(state): State<Arc<SandboxState>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    // Inside the nested router the URI lacks the `/api/v1` prefix; log what the client sent.
    let uri = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().clone(), |original| original.0.clone());
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    let api_path = path.strip_prefix(API_PREFIX).unwrap_or(&path).to_string();
    let endpoint = Endpoint::classify(&method, &api_path);
    let token_check = check_token(request.headers(), &state.token);
    // The fault plan is taken before the request counts as seen: a test that waits until a request is seen, then
    // changes the faults, must not race the very request it waited for.
    let plan = endpoint.map(|endpoint| {
        state
            .lock()
            .knobs
            .faults
            .plan(endpoint, rand::random::<f64>())
    });

    state.note_seen(SeenRequest {
        method: method.clone(),
        path: path.clone(),
        endpoint,
    });
    let headers = header_list(request.headers());
    let record_bodies = state.lock().knobs.record_bodies;
    let (request, body) = if record_bodies {
        buffer_body(request).await
    } else {
        (request, None)
    };
    let mut request = request;
    let response = async {
        let mut after_commit = None;
        let mut answer_delay = std::time::Duration::ZERO;
        if let Some(plan) = plan {
            if !plan.latency.is_zero() {
                tokio::time::sleep(plan.latency).await;
            }
            match (&plan.error, plan.after_commit) {
                (Some(error), false) => return injected_error(error),
                (Some(error), true) => after_commit = Some(error.clone()),
                (None, _) => {}
            }
            if token_check.is_ok() {
                if let Some(location) = &plan.redirect_to {
                    // `{path}` keeps the request's path, so a redirect to the output origin lands on the same file.
                    return redirect(&location.replace("{path}", &path));
                }
            }
            answer_delay = plan.answer_delay;
            request.extensions_mut().insert(plan);
        }
        if let Err(detail) = token_check {
            return unauthorized(detail);
        }
        let handled = next.run(request).await;
        if !answer_delay.is_zero() {
            tokio::time::sleep(answer_delay).await;
        }
        match after_commit {
            // The handler's work stands; only the answer is lost on the way back.
            Some(error) => injected_error(&error),
            None => handled,
        }
    }
    .await;

    state.lock().requests.push(RequestRecord {
        origin: RequestOrigin::Api,
        method,
        path,
        query,
        endpoint,
        token_valid: token_check.is_ok(),
        status: response.status().as_u16(),
        headers,
        body,
    });
    response
}

/// The second listener's gate: no faults and no token (a signed-URL bucket), but every request is logged
/// with its headers, so a test sees whether a token reached this origin.
pub async fn output_origin_gate(
    State(state): State<Arc<SandboxState>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let headers = header_list(request.headers());
    let token_valid = check_token(request.headers(), &state.token).is_ok();
    let response = next.run(request).await;
    state.lock().requests.push(RequestRecord {
        origin: RequestOrigin::Outputs,
        method,
        path,
        query,
        endpoint: Some(Endpoint::Download),
        token_valid,
        status: response.status().as_u16(),
        headers,
        body: None,
    });
    response
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Reads the whole body (for the request log) and puts it back for the handler.
async fn buffer_body(request: Request) -> (Request, Option<String>) {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (
                Request::from_parts(parts, axum::body::Body::from(bytes)),
                Some(text),
            )
        }
        // The client broke off mid-body: the handler sees an empty body, as it would see a cut one.
        Err(_) => (Request::from_parts(parts, axum::body::Body::empty()), None),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn token_wording_follows_drf() {
        assert_eq!(check_token(&with("Token k"), "k"), Ok(()));
        assert_eq!(check_token(&with("token k"), "k"), Ok(()));
        assert_eq!(check_token(&with("Token x"), "k"), Err("Invalid token."));
        assert_eq!(
            check_token(&HeaderMap::new(), "k"),
            Err("Authentication credentials were not provided.")
        );
        assert_eq!(
            check_token(&with("Bearer k"), "k"),
            Err("Authentication credentials were not provided.")
        );
        assert_eq!(
            check_token(&with("Token"), "k"),
            Err("Invalid token header. No credentials provided.")
        );
        assert_eq!(
            check_token(&with("Token k k"), "k"),
            Err("Invalid token header. Token string should not contain spaces.")
        );
    }
}
