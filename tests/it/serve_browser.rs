//! The case form of `causa serve` in a real browser: headless Chromium driven
//! through WebDriver (Debian's `chromium-driver`). A fixture is typed into
//! the form field by field, adding rows with their buttons as a user would,
//! and the page must show the categories `causa assess` gives for the file.
//! CI installs the driver (`.ci/run`) and sets `CAUSA_REQUIRE_BROWSER`, so
//! these tests cannot pass by finding no browser.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium and its WebDriver, or nothing (allowed only where CI does not require them).
fn browser() -> Option<(PathBuf, PathBuf)> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| on_path(n))
        .zip(on_path("chromedriver"));
    if found.is_none() {
        assert!(
            std::env::var_os("CAUSA_REQUIRE_BROWSER").is_none(),
            "CAUSA_REQUIRE_BROWSER is set but chromium or chromedriver is not on the PATH"
        );
        eprintln!("no chromium and chromedriver on the PATH: the form tests check nothing here");
    }
    found
}

/// The WebDriver process, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `test` with a fresh page of a fresh server, in headless Chromium.
fn with_form(test: impl AsyncFnOnce(Client, String)) {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let addr = crate::serve::start(None);
    let port = free_port();
    let _driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver never listened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        client.goto(&format!("http://{addr}/")).await.unwrap();
        test(client.clone(), format!("http://{addr}/")).await;
        client.close().await.ok();
    });
}

fn selector(attr: &str, path: &str) -> String {
    format!("[{attr}=\"{}\"]", path.replace('"', "\\\""))
}

/// Types a case tree into the form, adding each row with its button.
async fn enter(c: &Client, path: &str, v: &Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                Box::pin(enter(c, &p, x)).await;
            }
        }
        Value::Array(items) if items.is_empty() => {
            // An empty list that means "none": its checkbox.
            let none = format!(
                "fieldset{} input[id$=\"-none\"]",
                selector("data-name", path)
            );
            c.find(Locator::Css(&none))
                .await
                .unwrap_or_else(|_| panic!("no way to say {path} is none"))
                .click()
                .await
                .unwrap();
        }
        Value::Array(items) if items.iter().all(Value::is_object) => {
            for (i, x) in items.iter().enumerate() {
                let row = format!("{path}[{i}]");
                if c.find(Locator::Css(&selector("data-name", &row)))
                    .await
                    .is_err()
                {
                    let add = format!("fieldset{} > button.add", selector("data-name", path));
                    c.find(Locator::Css(&add))
                        .await
                        .unwrap_or_else(|_| panic!("no button to add {row}"))
                        .click()
                        .await
                        .unwrap();
                }
                Box::pin(enter(c, &row, x)).await;
            }
        }
        Value::Array(items) => {
            let e = c
                .find(Locator::Css(&selector("name", path)))
                .await
                .unwrap_or_else(|_| panic!("no field {path} in the form"));
            if e.tag_name().await.unwrap() == "textarea" {
                let lines: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                e.send_keys(&lines.join("\n")).await.unwrap();
            } else {
                for x in items {
                    let one = format!(
                        "{}[value=\"{}\"]",
                        selector("name", path),
                        x.as_str().unwrap()
                    );
                    c.find(Locator::Css(&one))
                        .await
                        .unwrap()
                        .click()
                        .await
                        .unwrap();
                }
            }
        }
        _ => {
            let e = c
                .find(Locator::Css(&selector("name", path)))
                .await
                .unwrap_or_else(|_| panic!("no field {path} in the form"));
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match e.tag_name().await.unwrap().as_str() {
                "select" => e.select_by_value(&text).await.unwrap(),
                _ if e.attr("type").await.unwrap().as_deref() == Some("checkbox") => {
                    if v == &Value::Bool(true) {
                        e.click().await.unwrap();
                    }
                }
                _ => {
                    e.clear().await.unwrap();
                    e.send_keys(&text).await.unwrap();
                }
            }
        }
    }
}

/// The summary's rows (method, result, reaction), once they satisfy `done`:
/// an assessment of an earlier keystroke may still be on the page.
async fn results(
    c: &Client,
    done: impl Fn(&[(String, String, String)]) -> bool,
) -> Vec<(String, String, String)> {
    let started = Instant::now();
    loop {
        let mut out = Vec::new();
        for r in c.find_all(Locator::Css("#summary tbody tr")).await.unwrap() {
            let (Ok(Some(method)), Ok(cell), Ok(reaction)) = (
                r.attr("data-method").await,
                r.find(Locator::Css("td.category")).await,
                r.find(Locator::Css("td:nth-child(2)")).await,
            ) else {
                continue; // redrawn meanwhile
            };
            let (Ok(result), Ok(reaction)) = (cell.text().await, reaction.text().await) else {
                continue;
            };
            out.push((method, result, reaction));
        }
        if done(&out) {
            return out;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let status = c
                .find(Locator::Id("status"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let problems = c
                .find(Locator::Id("problems"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            panic!("the page shows {out:?}: {status} {problems}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What `causa assess` gives, as the summary shows it.
fn shown(a: &causa::eval::CaseAssessment) -> Vec<(String, String)> {
    a.assessments
        .iter()
        .map(|x| {
            let result = match x.score {
                Some(s) => format!("{} ({s})", x.category),
                None => x.category.to_owned(),
            };
            (x.method.to_owned(), result)
        })
        .collect()
}

fn methods_and_results(rows: &[(String, String, String)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(m, r, _)| (m.clone(), r.clone()))
        .collect()
}

fn fixture(name: &str) -> (Value, causa::eval::CaseAssessment<'static>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/cases/{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let case = causa::case::load(&crate::source(&path)).unwrap();
    (
        serde_saphyr::from_str(&text).unwrap(),
        causa::eval::assess(crate::shipped(), &case, &Default::default()),
    )
}

#[test]
fn the_reference_case_typed_into_the_form_gets_the_categories_of_causa_assess() {
    with_form(async |c, _| {
        let (tree, expected) = fixture("lenalidomide-lv-desensitization");
        enter(&c, "", &tree).await;
        let want = shown(&expected);
        let got = results(&c, |rows| methods_and_results(rows) == want).await;
        assert_eq!(methods_and_results(&got), want);
        assert!(want.contains(&("sefv".into(), "probable (6)".into())));
        // The case the form holds is the file: downloaded, it reads back as the same tree.
        let yaml = c
            .execute(
                "return fetch('/api/case.yaml', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({case: tree})}).then(r => r.text());",
                vec![],
            )
            .await
            .unwrap();
        let back: Value = serde_saphyr::from_str(yaml.as_str().unwrap()).unwrap();
        assert_eq!(back, tree);
        // The report beside the form is the HTML report.
        let report = c
            .execute("return document.getElementById('report').srcdoc;", vec![])
            .await
            .unwrap();
        assert!(report.as_str().unwrap().contains("<svg class=\"timeline\""));
        // Kept where the README's picture of the form is taken from (docs/serve-form.png).
        if let Ok(png) = c.screenshot().await {
            let _ = std::fs::write(
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-form.png"),
                png,
            );
        }
    });
}

#[test]
fn a_stop_before_its_start_is_shown_beside_the_field_and_a_hostile_term_as_text() {
    with_form(async |c, _| {
        let (mut tree, expected) = fixture("amoxicillin-exanthem-rechallenge");
        enter(&c, "", &tree).await;
        let want = shown(&expected);
        results(&c, |rows| methods_and_results(rows) == want).await;
        // "Known to have had no earlier reaction" went in as the file says it.
        let held = c
            .execute(
                "return JSON.stringify(tree.patient.previous_reactions);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(held, "[]");
        // A stop date before the start: the error appears under the stop field.
        let stop = c
            .find(Locator::Css(&selector(
                "name",
                "drugs[0].exposures[0].stop",
            )))
            .await
            .unwrap();
        stop.clear().await.unwrap();
        stop.send_keys("2024-02-01").await.unwrap();
        let started = Instant::now();
        loop {
            if stop.attr("aria-invalid").await.unwrap().as_deref() == Some("true") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no error on the stop field"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let described = stop.attr("aria-describedby").await.unwrap().unwrap();
        let error_id = described
            .split(' ')
            .find(|x| x.ends_with("-error"))
            .unwrap();
        let error = c
            .find(Locator::Id(error_id))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(error.contains("cannot all hold"), "{error}");
        assert!(!error.contains("line"), "{error}");
        // Put right, and a term written as markup: shown as text, never run.
        stop.clear().await.unwrap();
        stop.send_keys("2024-03-08").await.unwrap();
        tree["reactions"][0]["term"] = "<img src=x onerror=alert(1)>".into();
        let term = c
            .find(Locator::Css(&selector("name", "reactions[0].term")))
            .await
            .unwrap();
        term.clear().await.unwrap();
        term.send_keys("<img src=x onerror=alert(1)>")
            .await
            .unwrap();
        let hostile = "<img src=x onerror=alert(1)>";
        let got = results(&c, |rows| {
            rows.len() == want.len() && rows.iter().all(|(_, _, reaction)| reaction == hostile)
        })
        .await;
        assert_eq!(got[0].2, hostile);
        assert!(c.get_alert_text().await.is_err(), "an alert ran");
        // A file with a field the form does not draw (a misspelt section): its
        // problem is listed with the others, and the page goes on answering.
        c.execute(
            "load({case: {id: 't', reactons: [{id: 'r'}]}}); return true;",
            vec![],
        )
        .await
        .unwrap();
        let started = Instant::now();
        loop {
            let problems = c
                .find(Locator::Id("problems"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if problems.contains("reactons") {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "{problems}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            c.find(Locator::Css("img")).await.is_err(),
            "an element was made from the term"
        );
    });
}
