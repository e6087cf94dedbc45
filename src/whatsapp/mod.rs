//! The WhatsApp Cloud (Graph) API client.

mod graph;

pub use graph::{body as graph_body, GraphClient, Recipient, SendError};
