//! `causa serve`: a page on this machine where a case is entered in a form
//! and assessed as it is typed. The server binds the loopback address unless
//! told otherwise, fetches nothing, stores nothing outside `--dir`, and runs
//! the same load → validate → evaluate → report pipeline as `causa assess`.

pub mod form;

use crate::diagnostic::SourceFile;
use crate::eval::{self, Options};
use crate::rules::RuleSet;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest request the server reads: far above any case, far below harm.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

const PAGE: &str = include_str!("serve/page.html.j2");
const SCRIPT: &str = include_str!("serve/form.js");
const FORM_STYLE: &str = include_str!("serve/form.css");

/// What every request shares.
pub struct App {
    pub rules: RuleSet,
    /// The folder cases are listed from and saved to, if any.
    pub dir: Option<PathBuf>,
    /// The `Host` values a request may carry (see [`App::loopback_hosts`]);
    /// empty accepts any, for a server the user chose to open with `--listen`.
    pub hosts: Vec<String>,
}

impl App {
    /// The names of this computer on the loopback port: a page of another
    /// site that points its own name at 127.0.0.1 (DNS rebinding) carries
    /// that name, and is refused.
    pub fn loopback_hosts(port: u16) -> Vec<String> {
        ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect()
    }
}

/// Refuses a request for another host name, or sent by a page of another origin.
async fn same_site(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !app.hosts.is_empty() {
        let header_is = |name: header::HeaderName, ok: &dyn Fn(&str) -> bool| {
            request
                .headers()
                .get(name)
                .map(|v| v.to_str().is_ok_and(ok))
        };
        let host_ok = header_is(header::HOST, &|h| app.hosts.iter().any(|x| x == h));
        let origin_ok = header_is(header::ORIGIN, &|o| {
            o.strip_prefix("http://")
                .is_some_and(|h| app.hosts.iter().any(|x| x == h))
        });
        if host_ok != Some(true) || origin_ok == Some(false) {
            return guarded(
                (
                    StatusCode::FORBIDDEN,
                    Json(serde_json::json!({ "error": "this server answers only pages it served itself, at its own address" })),
                )
                    .into_response(),
            );
        }
    }
    next.run(request).await
}

/// The routes of the page and its API.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/assess", post(assess))
        .route("/api/case.yaml", post(case_yaml))
        .route("/api/report.html", post(report_html))
        .route("/api/open", post(open))
        .route("/api/cases", get(list_cases))
        .route("/api/cases/{name}", get(read_case).put(save_case))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(app.clone(), same_site))
        .with_state(app)
}

/// Headers that keep the page to itself: nothing fetched from elsewhere, no framing by other sites.
fn guarded(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self' about:; frame-ancestors 'none'; connect-src 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn bad_request(message: impl Into<String>) -> Response {
    guarded(
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": message.into() })),
        )
            .into_response(),
    )
}

async fn page(State(app): State<Arc<App>>) -> Response {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let rendered = env.add_template("page", PAGE).and_then(|_| {
        let mut terms: Vec<&str> = app
            .rules
            .kb
            .phenotypes
            .iter()
            .flat_map(|p| p.names.iter().map(String::as_str))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        env.get_template("page")?.render(minijinja::context! {
            style => minijinja::Value::from_safe_string(format!("{}\n{}", crate::report::STYLE, FORM_STYLE)),
            script => minijinja::Value::from_safe_string(SCRIPT.to_owned()),
            terms => terms,
            methods => app.rules.methods.iter().map(|m| &m.id).collect::<Vec<_>>(),
            dir => app.dir.is_some(),
        })
    });
    match rendered {
        Ok(html) => guarded(Html(html).into_response()),
        Err(e) => guarded(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("page template error: {e:#}"),
            )
                .into_response(),
        ),
    }
}

/// A request carrying the form's case.
#[derive(Deserialize)]
struct CaseRequest {
    case: Value,
}

/// One method's result for one pair, for the form's summary.
#[derive(Serialize)]
struct ResultRow {
    drug: String,
    reaction: String,
    method: String,
    category: String,
    score: Option<i64>,
}

#[derive(Serialize)]
struct Assessed {
    /// The case's problems, each on its field; the results are empty while there are any.
    problems: Vec<form::Problem>,
    results: Vec<ResultRow>,
    /// The HTML report of the case, as `causa assess --format html` writes it.
    report: Option<String>,
}

/// The form's case read and assessed, or its problems.
fn assessed<'a>(
    app: &'a App,
    tree: &Value,
) -> (String, Result<eval::CaseAssessment<'a>, Vec<form::Problem>>) {
    let yaml = form::to_yaml(tree);
    let file = SourceFile {
        name: "the form".into(),
        text: yaml.clone(),
    };
    let result = match app.rules.load_case(&file) {
        Ok(case) => Ok(eval::assess(
            &app.rules,
            &case,
            &Options {
                follow_up: true,
                ..Options::default()
            },
        )),
        Err(d) => Err(form::problems(&yaml, &d)),
    };
    (yaml, result)
}

async fn assess(State(app): State<Arc<App>>, Json(req): Json<CaseRequest>) -> Response {
    let out = match assessed(&app, &req.case).1 {
        Ok(a) => Assessed {
            problems: Vec::new(),
            results: a
                .assessments
                .iter()
                .map(|x| ResultRow {
                    drug: x.drug_name.clone(),
                    reaction: x.reaction_term.clone(),
                    method: x.method.to_owned(),
                    category: x.category.to_owned(),
                    score: x.score,
                })
                .collect(),
            report: Some(crate::report::html(&a, &app.rules.methods)),
        },
        Err(problems) => Assessed {
            problems,
            results: Vec::new(),
            report: None,
        },
    };
    guarded(Json(out).into_response())
}

fn attachment(body: String, content_type: &'static str, name: &str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    guarded(r)
}

/// A file name made of the case id, safe anywhere.
fn file_stem(tree: &Value) -> String {
    let id = tree.get("id").and_then(Value::as_str).unwrap_or("case");
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    if stem.is_empty() { "case".into() } else { stem }
}

async fn case_yaml(Json(req): Json<CaseRequest>) -> Response {
    let name = format!("{}.yaml", file_stem(&req.case));
    attachment(
        form::to_yaml(&req.case),
        "application/yaml; charset=utf-8",
        &name,
    )
}

async fn report_html(State(app): State<Arc<App>>, Json(req): Json<CaseRequest>) -> Response {
    match assessed(&app, &req.case).1 {
        Ok(a) => attachment(
            crate::report::html(&a, &app.rules.methods),
            "text/html; charset=utf-8",
            &format!("{}-report.html", file_stem(&req.case)),
        ),
        Err(p) => bad_request(format!(
            "the case has {} problem{} to correct before its report can be written",
            p.len(),
            if p.len() == 1 { "" } else { "s" }
        )),
    }
}

#[derive(Deserialize)]
struct OpenQuery {
    name: Option<String>,
}

#[derive(Serialize)]
struct Opened {
    case: Value,
    note: Option<String>,
}

/// A file the user chose, sent as its text: a case file, an E2B(R3) or openFDA file.
async fn open(Query(q): Query<OpenQuery>, body: String) -> Response {
    let name = q.name.unwrap_or_else(|| "the file".into());
    match form::open(&name, body) {
        Ok((case, note)) => guarded(Json(Opened { case, note }).into_response()),
        Err(why) => bad_request(format!("{name} cannot be opened: {why}")),
    }
}

/// A case file's name in `--dir`: letters, digits, `-`, `_` and `.`, ending
/// in `.yaml` or `.yml`, not hidden, and not a link; anything else (a path,
/// `..`, a link out of the folder) is refused.
pub fn case_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && (name.ends_with(".yaml") || name.ends_with(".yml"));
    let path = dir.join(name);
    // A link (to a file outside the folder, say) is never followed; only a regular file, or none yet.
    let regular = match std::fs::symlink_metadata(&path) {
        Ok(m) => m.file_type().is_file(),
        Err(_) => true,
    };
    (ok && regular).then_some(path)
}

async fn list_cases(State(app): State<Arc<App>>) -> Response {
    let Some(dir) = &app.dir else {
        return bad_request("no folder of cases: start the server with --dir FOLDER");
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| case_path(dir, n).is_some())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    guarded(Json(names).into_response())
}

async fn read_case(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> Response {
    let Some(dir) = &app.dir else {
        return bad_request("no folder of cases: start the server with --dir FOLDER");
    };
    let Some(path) = case_path(dir, &name) else {
        return bad_request(format!("`{name}` is not a case file name in the folder"));
    };
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return bad_request(format!("{name} is not UTF-8 text")),
        },
        Err(_) => return bad_request(format!("no case `{name}` in the folder")),
    };
    match form::open(&name, text) {
        Ok((case, note)) => guarded(Json(Opened { case, note }).into_response()),
        Err(why) => bad_request(format!("{name} cannot be opened: {why}")),
    }
}

async fn save_case(
    State(app): State<Arc<App>>,
    UrlPath(name): UrlPath<String>,
    Json(req): Json<CaseRequest>,
) -> Response {
    let Some(dir) = &app.dir else {
        return bad_request("no folder of cases: start the server with --dir FOLDER");
    };
    let Some(path) = case_path(dir, &name) else {
        return bad_request(format!("`{name}` is not a case file name in the folder"));
    };
    match std::fs::write(&path, form::to_yaml(&req.case)) {
        Ok(()) => guarded(Json(serde_json::json!({ "saved": name })).into_response()),
        Err(e) => guarded(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({ "error": format!("cannot save {name}: {e}") })),
            )
                .into_response(),
        ),
    }
}
