//! The stylesheet's and the bundle's addresses. The release build names the CSS after a hash of its content and
//! lists it in the hash file beside the binary, as it does the JavaScript and WebAssembly that
//! Leptos's `HydrationScripts` finds there; with hashing off (the debug build, the tests) the
//! plain name is served.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let hash = options.hash_files.then(|| css_hash(options)).flatten();
        let pkg = &options.site_pkg_dir;
        let name = &options.output_name;
        match hash {
            Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
            None => format!("/{pkg}/{name}.css"),
        }
    })
    .clone()
}

fn css_hash(options: &LeptosOptions) -> Option<String> {
    hash_of(&hash_file(options)?, "css")
}

/// The hashed JavaScript and WebAssembly files' addresses (release build), for the idle-time
/// hydration script.
pub fn bundle(options: &LeptosOptions) -> Option<(String, String)> {
    static BUNDLE: OnceLock<Option<(String, String)>> = OnceLock::new();
    BUNDLE
        .get_or_init(|| {
            let hashes = hash_file(options)?;
            let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
            Some((
                format!("/{pkg}/{name}.{}.js", hash_of(&hashes, "js")?),
                format!("/{pkg}/{name}.{}.wasm", hash_of(&hashes, "wasm")?),
            ))
        })
        .clone()
}

fn hash_file(options: &LeptosOptions) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join(options.hash_file.as_ref());
    std::fs::read_to_string(&file)
        .inspect_err(|e| tracing::error!(file = %file.display(), "hash file unreadable: {e}"))
        .ok()
}

/// The hash listed for `ext` in a hash file (`css: 0123456789abcdef` lines).
fn hash_of(hashes: &str, ext: &str) -> Option<String> {
    hashes.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == ext).then(|| hash.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_file_names_each_file_kind() {
        let file = "js: aaaa\nwasm: bbbb\ncss: cccc\n";
        assert_eq!(super::hash_of(file, "css").as_deref(), Some("cccc"));
        assert_eq!(super::hash_of(file, "wasm").as_deref(), Some("bbbb"));
        assert_eq!(super::hash_of("js: aaaa", "css"), None);
    }
}
