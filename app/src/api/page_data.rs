//! How a page's data crosses from the server's render to the browser: as JSON, like the
//! default, but read with `serde_json::from_slice`, the same reader server functions'
//! answers are read with. Every type `serde_json` reads is compiled into the browser's
//! WebAssembly once per reader: the default codec (`from_str`) beside server functions'
//! (`from_slice`) put every page type's decoder in the bundle twice.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON, read as bytes (see the module's note).
pub struct PageJson;

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A page's data: loaded on the server, sent with the page, read again (`fetcher`) whenever
/// `source` changes.
pub type PageResource<T> = Resource<T, PageJson>;

/// [`Resource::new`] with [`PageJson`].
#[track_caller]
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}
