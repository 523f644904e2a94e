//! Assessment speed: each shipped method on the reference case (ALDEN on an
//! SJS/TEN case, since it does not apply to the reference case's vasculitis),
//! with its full trace (with and without deriving the findings) and on the
//! lean path of batch rows,
//! loading and validating a case, and the batch path over a few thousand
//! synthetic NDJSON cases like those of `bench/batch.sh`, with and without
//! scoring. Run with `cargo bench --bench assess`.

/// The allocator the `causa` binary uses, so that the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use causa::batch::{self, RowFormat};
use causa::diagnostic::SourceFile;
use causa::eval::{self, Found, Options};
use causa::findings::Pair;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const REFERENCE: &str = "fixtures/cases/lenalidomide-lv-desensitization.yaml";
const SJS_TEN: &str = "fixtures/cases/lamotrigine-ten.yaml";
/// Synthetic cases in the batch benchmark.
const BATCH_CASES: usize = 4000;

fn source(path: &str) -> SourceFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    SourceFile {
        name: path.to_owned(),
        text: std::fs::read_to_string(root.join(path)).expect("fixture"),
    }
}

fn methods(c: &mut Criterion) {
    let rules = causa::rules::load(&causa::rules::shipped_files()).expect("shipped rules");
    let mut group = c.benchmark_group("assess");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for m in &rules.methods {
        let path = if m.id == "alden" { SJS_TEN } else { REFERENCE };
        let case = rules.load_case(&source(path)).expect("valid fixture");
        let options = Options {
            methods: vec![m.id.clone()],
            ..Options::default()
        };
        let name = Path::new(path).file_stem().and_then(|s| s.to_str());
        group.bench_function(format!("{} on {}", m.id, name.unwrap_or(path)), |b| {
            b.iter(|| eval::assess(&rules, black_box(&case), &options))
        });
        // The walk and its trace alone: the findings of the pair already
        // derived (as they are for every method after the first), the
        // assessment built and dropped.
        let d = case
            .drugs
            .iter()
            .position(|d| d.role == causa::case::Role::Suspect);
        let pair = Pair::new(&case, &rules.kb, d.unwrap_or(0), 0, &rules.policy);
        let mut found = Found::new();
        eval::assess_pair(&rules, m, &pair, &mut found);
        group.bench_function(
            format!(
                "{} on {}, trace without derivation",
                m.id,
                name.unwrap_or(path)
            ),
            |b| b.iter(|| eval::assess_pair(&rules, m, black_box(&pair), &mut found)),
        );
        // The lean path batch rows take: the same result without the trace.
        group.bench_function(
            format!("{} on {}, lean (batch rows)", m.id, name.unwrap_or(path)),
            |b| b.iter(|| eval::rows(&rules, black_box(&case), &options).len()),
        );
    }
    let case = rules.load_case(&source(REFERENCE)).expect("valid fixture");
    group.bench_function("all methods on the reference case", |b| {
        b.iter(|| eval::assess(&rules, black_box(&case), &Options::default()))
    });
    let with_follow_up = Options {
        follow_up: true,
        ..Options::default()
    };
    group.bench_function(
        "all methods on the reference case, with what would change each result",
        |b| b.iter(|| eval::assess(&rules, black_box(&case), &with_follow_up)),
    );
    let file = source(REFERENCE);
    group.bench_function("load and validate the reference case", |b| {
        b.iter(|| rules.load_case(black_box(&file)))
    });
    group.finish();
}

/// Cases shaped like those `bench/batch.sh` generates: one suspect, one reaction.
fn synthetic_ndjson(n: usize) -> String {
    let terms = [
        "maculopapular rash",
        "urticaria",
        "leukocytoclastic vasculitis",
        "Stevens-Johnson syndrome",
    ];
    let mut out = String::new();
    for i in 0..n {
        let drug = if i % 2 == 1 {
            "lenalidomide"
        } else {
            "amoxicillin"
        };
        let case = serde_json::json!({
            "id": format!("synthetic-{i}"),
            "drugs": [{"id": "d", "name": drug, "role": "suspect", "action_taken": "withdrawn",
                       "exposures": [{"id": "e", "start": "2024-01-01", "stop": "2024-02-01"}]}],
            "reactions": [{"id": "r", "term": terms[i % terms.len()],
                           "onset": format!("day {} of e", 1 + i % 28), "outcome": "recovered"}],
        });
        out.push_str(&case.to_string());
        out.push('\n');
    }
    out
}

fn batch_path(c: &mut Criterion) {
    let rules = causa::rules::load(&causa::rules::shipped_files()).expect("shipped rules");
    let dir = std::env::temp_dir().join(format!("causa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input: PathBuf = dir.join("cases.ndjson");
    std::fs::write(&input, synthetic_ndjson(BATCH_CASES)).expect("write cases");
    let inputs = vec![input];
    let hidden = indicatif::ProgressBar::hidden();
    let mut group = c.benchmark_group("batch");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_millis(500))
        .throughput(Throughput::Elements(BATCH_CASES as u64));
    for (label, validate_only) in [("validate only", true), ("full scoring", false)] {
        group.bench_function(format!("{BATCH_CASES} synthetic cases, {label}"), |b| {
            b.iter(|| {
                let (mut out, mut errors) = (Vec::new(), Vec::new());
                batch::run(
                    &rules,
                    &inputs,
                    causa::import::InputFormat::Auto,
                    &Options::default(),
                    validate_only,
                    &RowFormat::Csv.into(),
                    &mut out,
                    &mut errors,
                    &mut std::io::sink(),
                    &hidden,
                )
                .expect("batch runs");
                out.len()
            })
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, methods, batch_path);
criterion_main!(benches);
