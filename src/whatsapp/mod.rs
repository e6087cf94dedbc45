//! The WhatsApp Cloud (Graph) API: sending, downloading media, and connecting a consultant's
//! number (Embedded Signup).

pub mod connect;
mod graph;
pub mod signup;
mod template_calls;

pub use graph::{body as graph_body, GraphClient, Recipient, SendError};

/// Calls to Meta time out after 15 s (a send whose outcome is then unknown is not repeated).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .expect("http client")
}
