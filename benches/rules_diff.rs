//! The exhaustive semantic diff of Naranjo (3^10 answer vectors) between the
//! shipped rules and a copy with one point changed (target: under 1 µs
//! per answer vector in a release build). Run with `cargo bench --bench rules_diff`.

/// The allocator the `causa` binary uses, so that the figures are the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;

fn naranjo_diff(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old = causa::rules::load(&causa::rules::shipped_files()).expect("shipped rules");
    let mut files = causa::rules::shipped_files();
    let altered = std::fs::read_to_string(root.join("fixtures/rules-altered/naranjo.yaml"))
        .expect("altered copy");
    for f in &mut files.files {
        if f.name == "rules/naranjo.yaml" {
            f.text = altered.clone();
        }
    }
    // A proposed change, not a recorded version: the copy has no versions.lock.
    files.lock = None;
    let new = causa::rules::load(&files).expect("altered rules");
    let (a, b) = (
        old.method("naranjo").expect("naranjo"),
        new.method("naranjo").expect("naranjo"),
    );
    let only = |set: &causa::rules::RuleSet, m: &causa::rules::Method| {
        let mut s = set.clone();
        s.methods.retain(|x| x.id == m.id);
        s
    };
    let (old_one, new_one) = (only(&old, a), only(&new, b));
    c.bench_function("naranjo exhaustive diff (59,049 answer vectors)", |bench| {
        bench.iter(|| causa::diff::compare(&old_one, &new_one))
    });
}

criterion_group!(benches, naranjo_diff);
criterion_main!(benches);
