//! The WhatsApp Cloud (Graph) API: sending, downloading media, and connecting a consultant's
//! number (Embedded Signup).

pub mod connect;
mod graph;
pub mod signup;

pub use graph::{body as graph_body, GraphClient, Recipient, SendError};
