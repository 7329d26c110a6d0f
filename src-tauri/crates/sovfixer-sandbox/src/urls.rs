//! Where output URLs point: the client's origin, a configured base, or site-relative paths.
//! Shared by the routes and the callback delivery, so neither imports the other.

use axum::http::{header, HeaderMap};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::state::SandboxState;

/// Everything but RFC 3986 unreserved characters is escaped in a path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn encode_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// Where output URLs point, decided per response so knob changes apply at once.
pub enum UrlOrigin {
    Absolute(String),
    Relative,
}

/// The origin the client used to reach us (its Host header), else the address we listen on.
pub fn client_origin(state: &SandboxState, headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| state.base_url.clone())
}

impl UrlOrigin {
    /// The configured base, or the origin the client used to reach us (its Host header).
    pub fn for_request(state: &SandboxState, headers: &HeaderMap) -> Self {
        Self::for_client(state, client_origin(state, headers))
    }

    /// The configured base (or relative URLs) when set, else `client_origin`.
    /// Locks the state: never call it while holding the lock.
    pub fn for_client(state: &SandboxState, client_origin: String) -> Self {
        let (base, relative) = {
            let inner = state.lock();
            (
                inner.knobs.output_url_base.clone(),
                inner.knobs.relative_output_urls,
            )
        };
        if relative {
            return UrlOrigin::Relative;
        }
        if let Some(base) = base {
            return UrlOrigin::Absolute(base.trim_end_matches('/').to_string());
        }
        UrlOrigin::Absolute(client_origin)
    }

    pub fn output_url(&self, sudid: &str, filename: &str) -> String {
        let path = output_path(sudid, filename);
        match self {
            UrlOrigin::Absolute(origin) => format!("{origin}{path}"),
            UrlOrigin::Relative => path,
        }
    }
}

/// `/api/v1/sov/<sudid>/output/<filename>`, each segment percent-encoded.
pub fn output_path(sudid: &str, filename: &str) -> String {
    format!(
        "/api/v1/sov/{}/output/{}",
        encode_segment(sudid),
        encode_segment(filename)
    )
}
