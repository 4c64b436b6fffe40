//! Typesetting figures: the issue asks that 100 convocations render in 2 s at most.
//! `cargo bench -p jalon-docs --bench pdf`.

use jalon_docs::pdf::{Kind, Renderer, sample};

fn main() {
    divan::main();
}

/// 100 convocations in one merged PDF (the batch a manager prints).
#[divan::bench(sample_count = 5)]
fn hundred_convocations_merged(bencher: divan::Bencher) {
    let renderer = Renderer::new(None).unwrap();
    let data = sample(100);
    bencher.bench_local(|| renderer.render(Kind::Convocation, &data).unwrap());
}

/// 100 convocations, one PDF each (the ZIP, or the emails).
#[divan::bench(sample_count = 5)]
fn hundred_convocations_each(bencher: divan::Bencher) {
    let renderer = Renderer::new(None).unwrap();
    let data = sample(100);
    bencher.bench_local(|| renderer.render_each(&data, |_| {}).unwrap());
}

/// The sign-in sheets of a 20-candidate session.
#[divan::bench(sample_count = 5)]
fn sign_in_sheets(bencher: divan::Bencher) {
    let renderer = Renderer::new(None).unwrap();
    let data = sample(20);
    bencher.bench_local(|| renderer.render(Kind::SignIn, &data).unwrap());
}
