//! Build script of the server package (kept under src/ so the top level stays as the README
//! lists it). `sqlx::migrate!` embeds the files in migrations/ at compile time and cargo only
//! notices changes to files it already embedded: without this, a newly added migration would
//! be missing from the binary until something else made it rebuild.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
