//! `causa serve` over plain HTTP: the page, the assessment of the form's
//! case, downloads, opening files, the folder of cases and what the server
//! refuses. (The form in a real browser: `serve_browser.rs`.)

use causa::serve::{App, router};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Starts a server on a free loopback port, in a thread of its own for the rest of the test run.
pub fn start(dir: Option<PathBuf>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tx.send(addr).unwrap();
            let app = Arc::new(App {
                rules: crate::shipped().clone(),
                dir,
                hosts: App::loopback_hosts(addr.port()),
            });
            axum::serve(listener, router(app)).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// One HTTP/1.1 request: the status, the headers (lower-case names) and the body.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String, String) {
    http_as(addr, &addr.to_string(), None, method, path, body)
}

/// A request with the `Host` (and `Origin`, if any) a page would send.
fn http_as(
    addr: SocketAddr,
    host: &str,
    origin: Option<&str>,
    method: &str,
    path: &str,
    body: &[u8],
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{origin}Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    // Bodies of unknown length come in chunks; these tests read small ones whole.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, head.to_ascii_lowercase(), body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A fixture as the form's tree.
pub fn tree_of(fixture: &str) -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/cases/{fixture}.yaml")),
    )
    .unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn assess(addr: SocketAddr, tree: &Value) -> Value {
    let (status, _, body) = http(
        addr,
        "POST",
        "/api/assess",
        serde_json::json!({ "case": tree }).to_string().as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn the_page_is_one_self_contained_form_on_loopback() {
    let addr = start(None);
    assert!(addr.ip().is_loopback());
    let (status, head, page) = http(addr, "GET", "/", b"");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-security-policy: default-src 'self'"),
        "{head}"
    );
    assert!(page.contains("<form id=\"case-form\""));
    for external in ["http://", "https://", "<link", "src=\""] {
        assert!(!page.contains(external), "{external} in the page");
    }
    // Reaction terms are suggested from the knowledge base.
    assert!(page.contains("<option value=\"leukocytoclastic vasculitis\">"));
}

#[test]
fn the_reference_case_entered_in_the_form_gets_the_categories_of_causa_assess() {
    let addr = start(None);
    let got = assess(addr, &tree_of("lenalidomide-lv-desensitization"));
    assert_eq!(got["problems"], serde_json::json!([]));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&crate::source(&path)).unwrap();
    let expected = causa::eval::assess(crate::shipped(), &case, &Default::default());
    let results = got["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.assessments.len());
    for (r, e) in results.iter().zip(&expected.assessments) {
        assert_eq!(r["method"], e.method);
        assert_eq!(r["category"], e.category);
        assert_eq!(r["score"].as_i64(), e.score);
    }
    let sefv = results.iter().find(|r| r["method"] == "sefv").unwrap();
    assert_eq!(
        (sefv["category"].as_str(), sefv["score"].as_i64()),
        (Some("probable"), Some(6))
    );
    assert!(
        got["report"]
            .as_str()
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn a_problem_is_placed_on_the_field_it_concerns() {
    let addr = start(None);
    let mut tree = tree_of("amoxicillin-exanthem-rechallenge");
    tree["drugs"][0]["exposures"][0]["stop"] = "2024-02-01".into();
    let got = assess(addr, &tree);
    let problems = got["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["path"] == "drugs[0].exposures[0].stop"),
        "{problems:?}"
    );
    assert!(got["results"].as_array().unwrap().is_empty());
    // A missing field is placed on itself, not on its neighbour.
    let mut tree = tree_of("amoxicillin-exanthem-rechallenge");
    tree["drugs"][0].as_object_mut().unwrap().remove("id");
    let got = assess(addr, &tree);
    assert_eq!(got["problems"][0]["path"], "drugs[0].id", "{got}");
    // Nothing in a problem speaks of YAML lines.
    assert!(!got["problems"].to_string().contains("line "));
}

#[test]
fn the_downloaded_case_is_the_file_causa_assess_reads() {
    let addr = start(None);
    let tree = tree_of("lenalidomide-lv-desensitization");
    let (status, head, yaml) = http(
        addr,
        "POST",
        "/api/case.yaml",
        serde_json::json!({ "case": tree }).to_string().as_bytes(),
    );
    assert_eq!(status, 200);
    assert!(head.contains("attachment; filename=\"lenalidomide-lv-desensitization.yaml\""));
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let file = dir.join("case.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let out = crate::causa(&["assess", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sefv = a["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["method"] == "sefv")
        .unwrap();
    assert_eq!(sefv["score"], 6);
    // Opened again, it is the same tree.
    let (status, _, opened) = http(addr, "POST", "/api/open?name=case.yaml", yaml.as_bytes());
    assert_eq!(status, 200);
    let opened: Value = serde_json::from_str(&opened).unwrap();
    assert_eq!(opened["case"], tree);
}

#[test]
fn an_e2b_or_openfda_file_opens_into_the_form() {
    let addr = start(None);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/openfda/openfda-drug-event-sample.json"),
    )
    .unwrap();
    let (status, _, body) = http(addr, "POST", "/api/open?name=sample.json", text.as_bytes());
    assert_eq!(status, 200, "{body}");
    let opened: Value = serde_json::from_str(&body).unwrap();
    assert!(opened["case"]["drugs"].is_array());
    assert!(
        opened["note"]
            .as_str()
            .unwrap()
            .contains("the first is open")
    );
    let (status, _, body) = http(addr, "POST", "/api/open?name=x.xml", b"<ichicsr></ichicsr>");
    assert_eq!(status, 400);
    assert!(body.contains("x.xml cannot be opened"), "{body}");
}

#[test]
fn case_text_is_escaped_in_the_report() {
    let addr = start(None);
    let mut tree = tree_of("amoxicillin-exanthem-rechallenge");
    tree["reactions"][0]["term"] = "<script>alert(1)</script>".into();
    tree["drugs"][0]["name"] = "<img src=x onerror=alert(2)>".into();
    let got = assess(addr, &tree);
    let report = got["report"].as_str().unwrap_or_default();
    assert!(!report.is_empty(), "{got}");
    assert!(!report.contains("<script>alert(1)"));
    assert!(!report.contains("<img src=x"));
    assert!(report.contains("&lt;img src=x onerror=alert(2)&gt;"));
}

#[test]
fn the_folder_is_the_only_place_read_or_written_and_bad_requests_leave_the_server_serving() {
    let root_tmp = tempfile::tempdir().expect("temp dir");
    let root = root_tmp.path().to_path_buf();
    let dir = root.join("cases");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(root.join("secret.yaml"), "id: secret\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a case").unwrap();
    let addr = start(Some(dir.clone()));
    let tree = tree_of("amoxicillin-exanthem-rechallenge");
    let case_body = serde_json::json!({ "case": tree }).to_string();
    let (status, _, _) = http(
        addr,
        "PUT",
        "/api/cases/amoxicillin.yaml",
        case_body.as_bytes(),
    );
    assert_eq!(status, 200);
    assert!(dir.join("amoxicillin.yaml").is_file());
    let (_, _, list) = http(addr, "GET", "/api/cases", b"");
    assert_eq!(list, "[\"amoxicillin.yaml\"]");
    let (status, _, opened) = http(addr, "GET", "/api/cases/amoxicillin.yaml", b"");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&opened).unwrap()["case"],
        tree
    );
    // Out of the folder, by any spelling: refused, and nothing written.
    for name in [
        "..%2Fsecret.yaml",
        "..%5Csecret.yaml",
        "%2E%2E%2Fsecret.yaml",
        "..",
        ".hidden.yaml",
        "notes.txt",
        "%2Fetc%2Fpasswd",
    ] {
        let (status, _, body) = http(addr, "GET", &format!("/api/cases/{name}"), b"");
        assert!(status == 400 || status == 404, "{name}: {status} {body}");
        // The file outside the folder is never read: its content never comes back.
        assert!(!body.contains("\"case\""), "{name}: {body}");
        let (status, _, _) = http(
            addr,
            "PUT",
            &format!("/api/cases/{name}"),
            case_body.as_bytes(),
        );
        assert!(status == 400 || status == 404, "{name}: {status}");
    }
    assert_eq!(
        std::fs::read_to_string(root.join("secret.yaml")).unwrap(),
        "id: secret\n"
    );
    // Broken requests: an error each, and the server serves on.
    let (status, _, _) = http(addr, "POST", "/api/assess", b"{ not json");
    assert!((400..500).contains(&status), "{status}");
    let (status, _, _) = http(addr, "POST", "/api/assess", &vec![b' '; 5 * 1024 * 1024]);
    assert_eq!(status, 413);
    let (status, _, _) = http(addr, "GET", "/", b"");
    assert_eq!(status, 200);
}

#[test]
fn a_page_of_another_site_cannot_reach_the_server() {
    let root_tmp = tempfile::tempdir().expect("temp dir");
    let root = root_tmp.path().to_path_buf();
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("patient.yaml"), "id: patient\n").unwrap();
    let addr = start(Some(root.clone()));
    // Another name pointed at this computer (DNS rebinding): refused.
    let (status, _, body) = http_as(
        addr,
        &format!("evil.example:{}", addr.port()),
        None,
        "GET",
        "/api/cases/patient.yaml",
        b"",
    );
    assert_eq!(status, 403, "{body}");
    // A page of another origin posting to the right address: refused.
    let (status, _, _) = http_as(
        addr,
        &addr.to_string(),
        Some("http://evil.example"),
        "PUT",
        "/api/cases/patient.yaml",
        b"{}",
    );
    assert_eq!(status, 403);
    // The page itself, by any of this computer's loopback names: served.
    let local = format!("localhost:{}", addr.port());
    let (status, _, _) = http_as(
        addr,
        &local,
        Some(&format!("http://{local}")),
        "GET",
        "/api/cases",
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(
        std::fs::read_to_string(root.join("patient.yaml")).unwrap(),
        "id: patient\n"
    );
    // A link in the folder to a file outside it is neither read nor written.
    #[cfg(unix)]
    {
        std::fs::write(root.join("outside.txt"), "secret").unwrap();
        let dir = root.join("cases");
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(root.join("outside.txt"), dir.join("link.yaml")).unwrap();
        let addr = start(Some(dir));
        let (status, _, body) = http(addr, "GET", "/api/cases/link.yaml", b"");
        assert_eq!(status, 400, "{body}");
        let (status, _, _) = http(
            addr,
            "PUT",
            "/api/cases/link.yaml",
            br#"{"case": {"id": "x"}}"#,
        );
        assert_eq!(status, 400);
        assert_eq!(
            std::fs::read_to_string(root.join("outside.txt")).unwrap(),
            "secret"
        );
    }
}
