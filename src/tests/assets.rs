//! #17 "light pages": the site's files go out compressed to a browser that accepts it, and a
//! file named after a hash of its content is kept by browsers for a year, any other file
//! checked again on each use (a new build is never hidden behind an old copy).

use super::helpers::TestApp;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_files_are_kept_a_year_others_revalidated_and_both_sent_compressed() {
    let app = TestApp::spawn().await;
    // Files of our own in the site's folder, so the test does not depend on a front-end build.
    let root = leptos::config::get_configuration(None)
        .unwrap()
        .leptos_options
        .site_root;
    let pkg = Path::new(root.as_ref()).join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let hashed = "teste.0123456789abcdef.js";
    let plain = "teste-sem-hash.js";
    let body = "console.log('consultor');\n".repeat(200);
    for name in [hashed, plain] {
        std::fs::write(pkg.join(name), &body).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), flate_gzip(body.as_bytes())).unwrap();
    }
    let client = reqwest::Client::new();
    let get = |name: &str, encoding: &str| {
        client
            .get(app.url(&format!("/pkg/{name}")))
            .header("accept-encoding", encoding)
            .send()
    };

    let res = get(hashed, "gzip").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let sent = res.bytes().await.unwrap().len();
    assert!(
        sent < body.len() / 5,
        "compressed: {sent} of {} bytes",
        body.len()
    );

    let res = get(plain, "identity").await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().len(), body.len());

    // Pages are not the files': they keep no such header, and go out compressed too.
    let res = client
        .get(app.url("/entrar"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert!(res
        .headers()
        .get("cache-control")
        .is_none_or(|v| v != "public, max-age=31536000, immutable"));
    assert_eq!(res.headers()["content-encoding"], "br");
    for name in [hashed, plain] {
        let _ = std::fs::remove_file(pkg.join(name));
        let _ = std::fs::remove_file(pkg.join(format!("{name}.gz")));
    }
}

/// `gzip -9` of `data`, with the tool the build uses (the test has no compression crate).
fn flate_gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    child.stdin.take().unwrap().write_all(data).unwrap();
    child.wait_with_output().unwrap().stdout
}

/// Downloads go out as they are, whatever the browser accepts: Chromium cancelled a
/// compressed CSV export mid-way. Pages still go compressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_are_not_compressed() {
    let app = TestApp::spawn().await;
    let me = super::leads::signed_in(&app, "ana@exemplo.com").await;
    super::leads::lead(
        &app,
        me,
        "Ana Baixa",
        "+5511987650001",
        "novo",
        serde_json::json!({}),
    )
    .await;
    let get = |path: &str| {
        app.client
            .get(app.url(path))
            .header("accept-encoding", "br, gzip")
            .send()
    };
    let csv = get("/leads/exportar.csv").await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers().get("content-encoding").is_none());
    assert!(csv.text().await.unwrap().contains("Ana Baixa"));
    let page = get("/leads").await.unwrap();
    assert_eq!(page.headers()["content-encoding"], "br");
}
