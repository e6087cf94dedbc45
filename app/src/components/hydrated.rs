//! Whether the page is hydrated (its JavaScript runs): for hints meant only for a page without
//! JavaScript, which must not show once it runs (#17 defect 9).

use leptos::prelude::*;

/// False on the server and until the browser takes the page over; true after.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set) = signal(false);
    // Effects run only in the browser, once the page is hydrated.
    Effect::new(move |_| set.set(true));
    hydrated
}
