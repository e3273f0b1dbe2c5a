//! Trains the word model of the examples channel (`src/analyze/word_model.rs` reads it): one
//! L2-regularised logistic regression per label (five layers, three tiers, eight principles,
//! four GPU impact values)
//! over the same TF-IDF term vectors as the nearest examples, fitted by L-BFGS on the labelled
//! sets of [`super::neighbours::TRAINING_SETS`].
//!
//! Six models are written: the model of all the examples, which reads every text that is not
//! one of them, and five cross-fitted models, model `k` trained without the examples whose
//! set's fold is `k - 1` (whole sets dealt by size, `deal_folds` in `build/neighbours.rs`). An
//! example (or a text with its words) is read by the model that never saw its set, so `rules
//! eval` on a set the channel learns from measures each item as on a set never seen, as the
//! nearest examples do by leaving its set out.
//!
//! Output, in `OUT_DIR`: `word_model.rs` (the label order, each model's document count and
//! biases, the sorted term hashes) and `word_model.bin`: per model, per term in the order of
//! the hashes, its IDF in that model's examples (0: not in its vocabulary) and one weight per
//! label, all little-endian `f32`.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::neighbour_terms;

/// The labels, in the order of the weights: the layers, the tiers, the principles, the GPU
/// impact values (one model each, one against the rest).
pub(crate) const LABELS: [(&str, &str); N] = [
    ("layers", "L0"),
    ("layers", "L1"),
    ("layers", "L2"),
    ("layers", "L3"),
    ("layers", "L4"),
    ("tiers", "student"),
    ("tiers", "researcher"),
    ("tiers", "admin"),
    ("principles", "ephemeral-containers"),
    ("principles", "persistent-workspaces"),
    ("principles", "gpu-efficiency"),
    ("principles", "multi-tenant-isolation"),
    ("principles", "interactive-first"),
    ("principles", "progressive-disclosure"),
    ("principles", "dispatcher-consistency"),
    ("principles", "aime-foundation"),
    ("gpu", "none"),
    ("gpu", "mig"),
    ("gpu", "full-gpu"),
    ("gpu", "both"),
];
/// How many labels.
pub(crate) const N: usize = 20;

/// The folds of the cross-fitted models.
pub(crate) const FOLDS: u64 = 5;
/// The inverse of the L2 penalty (scikit-learn's `C`): chosen in round 15 by five-fold
/// cross-validation on the indexed sets (4, 16 and 64 tried; 16 best on tiers and principles).
const C: f64 = 16.0;
/// A term enters a model's vocabulary when at least this many of its examples hold it.
const MIN_DF: usize = 2;

/// One labelled example as the model sees it: its term counts, its labels and its fold.
pub(crate) struct Sample<'a> {
    pub(crate) counts: &'a BTreeMap<String, usize>,
    pub(crate) labels: [bool; N],
    pub(crate) fold: u64,
}

/// The labels of an example: a principle counts whether touched or strained; a GPU impact
/// value is its one value.
pub(crate) fn labels(
    layers: &[String],
    tiers: &[String],
    principles: &[String],
    strains: &[String],
    gpu_impact: &str,
) -> [bool; N] {
    let mut out = [false; N];
    for (i, (field, label)) in LABELS.iter().enumerate() {
        let has = |v: &[String]| v.iter().any(|l| l == label);
        out[i] = match *field {
            "layers" => has(layers),
            "tiers" => has(tiers),
            "gpu" => gpu_impact == *label,
            _ => has(principles) || has(strains),
        };
    }
    out
}

/// One trained model: its vocabulary (term → index), document frequencies, weights per term
/// and label, biases per label.
struct Model {
    vocab: BTreeMap<String, usize>,
    df: Vec<usize>,
    docs: usize,
    weights: Vec<[f64; N]>,
    bias: [f64; N],
    /// Per label, how many of its examples carry it.
    positives: [usize; N],
}

/// Train and write the models; returns the hash of each term of their rows, sorted (term `i`
/// of the weights).
pub(crate) fn write(samples: &[Sample<'_>], out: &std::path::Path) -> Vec<u64> {
    let mut models = vec![fit(samples.iter().collect())];
    for k in 0..FOLDS {
        models.push(fit(samples.iter().filter(|s| s.fold != k).collect()));
    }
    // Every term of any model's vocabulary, by hash.
    let mut terms: Vec<(u64, &str)> = models
        .iter()
        .flat_map(|m| m.vocab.keys())
        .map(|t| (neighbour_terms::term_hash(t), t.as_str()))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    assert!(
        terms.windows(2).all(|w| w[0].0 != w[1].0),
        "two terms of the word model share a hash"
    );
    // Model by model: the rows a text is read with (one model's, about 0.33 MB) lie together
    // rather than interleaved with the other five models' (2 MB in all).
    let mut bin: Vec<u8> = Vec::new();
    for m in &models {
        for (_, t) in &terms {
            match m.vocab.get(*t) {
                Some(&i) => {
                    // The IDF as the examples' vectors weighed it (computed here once, not for
                    // every term of every text read).
                    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                    let idf = ((m.docs as f64 + 1.0) / (m.df[i] as f64 + 1.0)).ln() as f32;
                    bin.extend_from_slice(&idf.to_le_bytes());
                    for w in m.weights[i] {
                        #[allow(clippy::cast_possible_truncation)]
                        bin.extend_from_slice(&(w as f32).to_le_bytes());
                    }
                }
                None => bin.extend(std::iter::repeat_n(0u8, 4 * (N + 1))),
            }
        }
    }
    let mut src = format!(
        "// @generated by build.rs (build/word_model.rs): {} models, {} terms.\n",
        models.len(),
        terms.len()
    );
    src.push_str("/// How many labels.\n");
    let _ = writeln!(src, "pub(super) const N: usize = {N};");
    src.push_str("/// The labels, in the order of each term's weights.\n");
    let _ = writeln!(src, "pub(super) static LABELS: [(&str, &str); {N}] = [");
    for (f, l) in LABELS {
        let _ = writeln!(src, "    ({f:?}, {l:?}),");
    }
    src.push_str("];\n/// The folds of the cross-fitted models.\n");
    let _ = writeln!(src, "pub(super) const FOLDS: u64 = {FOLDS};");
    src.push_str(
        "/// Each model's number of examples (model 0: all; model k: all but fold k - 1).\n",
    );
    let docs: Vec<String> = models.iter().map(|m| m.docs.to_string()).collect();
    let _ = writeln!(
        src,
        "pub(super) static DOCS: [usize; {}] = [{}];",
        models.len(),
        docs.join(", ")
    );
    // One row per model of a per-label table.
    let mut table = |doc: &str, name: &str, ty: &str, row: &dyn Fn(&Model) -> Vec<String>| {
        let _ = writeln!(src, "/// {doc}");
        let _ = writeln!(
            src,
            "pub(super) static {name}: [[{ty}; {N}]; {}] = [",
            models.len()
        );
        for m in &models {
            let _ = writeln!(src, "    [{}],", row(m).join(", "));
        }
        src.push_str("];\n");
    };
    table(
        "Each model's number of examples carrying each label.",
        "POSITIVES",
        "usize",
        &|m| m.positives.iter().map(ToString::to_string).collect(),
    );
    #[allow(clippy::cast_possible_truncation)]
    table("Each model's bias per label.", "BIAS", "f32", &|m| {
        m.bias.iter().map(|b| format!("{:?}", *b as f32)).collect()
    });
    src.push_str(
        "/// The hash of every term of the models, sorted: term `i`'s row of model `m` is the `i`th \
         of that model's rows in `ROWS`.\n",
    );
    src.push_str("pub(super) static TERM_HASHES: &[u64] = &[\n");
    for (h, _) in &terms {
        let _ = writeln!(src, "    {h},");
    }
    src.push_str("];\n");
    std::fs::write(out.join("word_model.rs"), src).expect("write the word model");
    std::fs::write(out.join("word_model.bin"), bin).expect("write the word model's weights");
    terms.iter().map(|t| t.0).collect()
}

/// The TF-IDF unit vectors of a model's examples over its vocabulary, then one regression per
/// label.
fn fit(samples: Vec<&Sample<'_>>) -> Model {
    let mut df_all: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &samples {
        for t in s.counts.keys() {
            *df_all.entry(t.as_str()).or_insert(0) += 1;
        }
    }
    let vocab: BTreeMap<String, usize> = df_all
        .iter()
        .filter(|(_, d)| **d >= MIN_DF)
        .enumerate()
        .map(|(i, (t, _))| ((*t).to_owned(), i))
        .collect();
    let df: Vec<usize> = vocab.keys().map(|t| df_all[t.as_str()]).collect();
    let docs = samples.len();
    #[allow(clippy::cast_precision_loss)]
    let n = docs as f64;
    let x: Vec<Vec<(usize, f64)>> = samples
        .iter()
        .map(|s| {
            #[allow(clippy::cast_precision_loss)]
            let mut v: Vec<(usize, f64)> = s
                .counts
                .iter()
                .filter_map(|(t, &c)| {
                    let &i = vocab.get(t)?;
                    let idf = ((n + 1.0) / (df[i] as f64 + 1.0)).ln();
                    Some((i, neighbour_terms::term_weight(c) * idf))
                })
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for e in &mut v {
                    e.1 /= norm;
                }
            }
            v
        })
        .collect();
    let mut weights = vec![[0.0f64; N]; vocab.len()];
    let mut bias = [0.0f64; N];
    for l in 0..N {
        let y: Vec<f64> = samples
            .iter()
            .map(|s| if s.labels[l] { 1.0 } else { -1.0 })
            .collect();
        let theta = lbfgs(&x, &y, vocab.len());
        for (j, w) in theta[..vocab.len()].iter().enumerate() {
            weights[j][l] = *w;
        }
        bias[l] = theta[vocab.len()];
    }
    let positives = std::array::from_fn(|l| samples.iter().filter(|s| s.labels[l]).count());
    Model {
        vocab,
        df,
        docs,
        weights,
        bias,
        positives,
    }
}

/// ln(1 + e^-m), without overflow.
fn log1pexp_neg(m: f64) -> f64 {
    if m > 0.0 {
        (-m).exp().ln_1p()
    } else {
        -m + m.exp().ln_1p()
    }
}

/// The loss and its gradient at `theta` (the weights, then the bias): the logistic loss of
/// every example plus `|w|² / 2C` (the bias is not penalised).
fn loss(x: &[Vec<(usize, f64)>], y: &[f64], theta: &[f64], grad: &mut [f64]) -> f64 {
    let dim = theta.len() - 1;
    let mut f = 0.0;
    for (j, g) in grad.iter_mut().enumerate().take(dim) {
        *g = theta[j] / C;
        f += theta[j] * theta[j] / (2.0 * C);
    }
    grad[dim] = 0.0;
    for (xi, &yi) in x.iter().zip(y) {
        let z = theta[dim] + xi.iter().map(|&(j, v)| theta[j] * v).sum::<f64>();
        let m = yi * z;
        f += log1pexp_neg(m);
        // d/dz of ln(1 + e^-yz) = -y σ(-yz)
        let d = -yi / (1.0 + m.exp());
        for &(j, v) in xi {
            grad[j] += d * v;
        }
        grad[dim] += d;
    }
    f
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimise [`loss`] by L-BFGS (10 pairs, backtracking line search), from zero, until the
/// largest gradient component is under 1e-4 or after 500 iterations. Deterministic.
fn lbfgs(x: &[Vec<(usize, f64)>], y: &[f64], dim: usize) -> Vec<f64> {
    const PAIRS: usize = 10;
    let n = dim + 1;
    let mut theta = vec![0.0f64; n];
    let mut grad = vec![0.0f64; n];
    let mut f = loss(x, y, &theta, &mut grad);
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut next = vec![0.0f64; n];
    let mut next_grad = vec![0.0f64; n];
    for _ in 0..500 {
        if grad.iter().fold(0.0f64, |m, g| m.max(g.abs())) < 1e-4 {
            break;
        }
        // Two-loop recursion: the direction -H g.
        let mut q = grad.clone();
        let mut alpha = vec![0.0; s_hist.len()];
        for k in (0..s_hist.len()).rev() {
            let rho = 1.0 / dot(&y_hist[k], &s_hist[k]);
            alpha[k] = rho * dot(&s_hist[k], &q);
            for (qi, yi) in q.iter_mut().zip(&y_hist[k]) {
                *qi -= alpha[k] * yi;
            }
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(yv)) => dot(s, yv) / dot(yv, yv),
            _ => 1.0 / grad.iter().map(|g| g * g).sum::<f64>().sqrt().max(1e-12),
        };
        for qi in &mut q {
            *qi *= gamma;
        }
        for k in 0..s_hist.len() {
            let rho = 1.0 / dot(&y_hist[k], &s_hist[k]);
            let beta = rho * dot(&y_hist[k], &q);
            for (qi, si) in q.iter_mut().zip(&s_hist[k]) {
                *qi += (alpha[k] - beta) * si;
            }
        }
        let slope = -dot(&grad, &q);
        if slope >= 0.0 {
            // Not a descent direction: start the history again.
            s_hist.clear();
            y_hist.clear();
            continue;
        }
        let mut step = 1.0;
        let mut next_f;
        loop {
            for i in 0..n {
                next[i] = theta[i] - step * q[i];
            }
            next_f = loss(x, y, &next, &mut next_grad);
            if next_f <= f + 1e-4 * step * slope || step < 1e-10 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = next.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let yv: Vec<f64> = next_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let converged = (f - next_f).abs() < 1e-12 * f.abs().max(1.0);
        std::mem::swap(&mut theta, &mut next);
        std::mem::swap(&mut grad, &mut next_grad);
        f = next_f;
        if dot(&s, &yv) > 1e-12 {
            if s_hist.len() == PAIRS {
                s_hist.remove(0);
                y_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(yv);
        }
        if converged {
            break;
        }
    }
    theta
}
