//! The labelled examples of the nearest-examples channel (`src/analyze/neighbours.rs`),
//! weighed at build time: every example's terms (`src/analyze/neighbour_terms.rs`, shared
//! with the program) with TF-IDF weights, normalised, written as an inverted index to
//! `OUT_DIR/neighbours.rs`. A set that cannot be read fails the build, naming the file.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::neighbour_terms;

/// The labelled sets the channel learns from. `fixtures/eval/ds01-fresh78.toml` to
/// `ds01-fresh80.toml` are not among them: they were labelled blind to measure the program, and
/// are only measured. (fresh4, fresh5 and fresh6 were measured blind through round 8 and joined
/// the examples in round 9; fresh9 and fresh10 were measured once untuned and joined them in
/// round 11; fresh14-20 were measured once untuned and joined them in round 17, fresh21-24 in
/// round 18; fresh7, fresh8, fresh11, fresh12, fresh13, fresh25 and fresh26, measured blind
/// through round 20 and read for rules in round 21, joined them in round 21; fresh27 and fresh28,
/// measured blind in round 21 and read in round 22, joined them in round 22; fresh29-32,
/// measured blind in round 22 and read in round 23, joined them in round 23; fresh33-35 in
/// round 24; fresh36-38, measured blind in round 24 and read in round 25, joined them in round 25;
/// fresh39-41, measured blind in round 25 and read in round 26, joined them in round 26;
/// fresh42-44, measured blind in round 26 and read in round 27, joined them in round 27;
/// fresh45-47, measured blind in round 27 and read in round 28, joined them in round 28;
/// fresh48-50, measured blind in round 28 and read in round 29, joined them in round 29;
/// fresh51-53, measured blind in round 29 and read in round 30, joined them in round 30;
/// fresh54-56, measured blind in round 30 and read in round 31, joined them in round 31;
/// fresh57-59, measured blind in round 31 and read in round 32, joined them in round 32;
/// fresh60-62, measured blind in round 32 and read in round 33, joined them in round 33;
/// fresh63-65, measured blind in round 33 and read in round 34, joined them in round 34;
/// fresh66-68, measured blind in round 34 and read in round 35, joined them in round 35;
/// fresh69-71, measured blind in round 35 and read in round 36, joined them in round 36;
/// fresh72-74, measured blind in round 36 and read in round 37, joined them in round 37;
/// fresh75-77, measured blind in round 37 and read in round 38, joined them in round 38.)
pub(crate) const TRAINING_SETS: &[&str] = &[
    "fixtures/eval/ds01-dev.toml",
    "fixtures/eval/ds01-train.toml",
    "fixtures/eval/ds01-holdout.toml",
    "fixtures/eval/ds01-heldout.toml",
    "fixtures/eval/ds01-fresh.toml",
    "fixtures/eval/ds01-fresh2.toml",
    "fixtures/eval/ds01-fresh3.toml",
    "fixtures/eval/ds01-extra.toml",
    "fixtures/eval/ds01-extra2a.toml",
    "fixtures/eval/ds01-extra2b.toml",
    "fixtures/eval/ds01-extra3.toml",
    "fixtures/eval/ds01-fresh4.toml",
    "fixtures/eval/ds01-fresh5.toml",
    "fixtures/eval/ds01-fresh6.toml",
    "fixtures/eval/ds01-fresh9.toml",
    "fixtures/eval/ds01-fresh10.toml",
    "fixtures/eval/ds01-fresh14.toml",
    "fixtures/eval/ds01-fresh15.toml",
    "fixtures/eval/ds01-fresh16.toml",
    "fixtures/eval/ds01-fresh17.toml",
    "fixtures/eval/ds01-fresh18.toml",
    "fixtures/eval/ds01-fresh19.toml",
    "fixtures/eval/ds01-fresh20.toml",
    "fixtures/eval/ds01-fresh21.toml",
    "fixtures/eval/ds01-fresh22.toml",
    "fixtures/eval/ds01-fresh23.toml",
    "fixtures/eval/ds01-fresh24.toml",
    "fixtures/eval/ds01-fresh7.toml",
    "fixtures/eval/ds01-fresh8.toml",
    "fixtures/eval/ds01-fresh11.toml",
    "fixtures/eval/ds01-fresh12.toml",
    "fixtures/eval/ds01-fresh13.toml",
    "fixtures/eval/ds01-fresh25.toml",
    "fixtures/eval/ds01-fresh26.toml",
    "fixtures/eval/ds01-fresh27.toml",
    "fixtures/eval/ds01-fresh28.toml",
    "fixtures/eval/ds01-fresh29.toml",
    "fixtures/eval/ds01-fresh30.toml",
    "fixtures/eval/ds01-fresh31.toml",
    "fixtures/eval/ds01-fresh32.toml",
    "fixtures/eval/ds01-fresh33.toml",
    "fixtures/eval/ds01-fresh34.toml",
    "fixtures/eval/ds01-fresh35.toml",
    "fixtures/eval/ds01-fresh36.toml",
    "fixtures/eval/ds01-fresh37.toml",
    "fixtures/eval/ds01-fresh38.toml",
    "fixtures/eval/ds01-fresh39.toml",
    "fixtures/eval/ds01-fresh40.toml",
    "fixtures/eval/ds01-fresh41.toml",
    "fixtures/eval/ds01-fresh42.toml",
    "fixtures/eval/ds01-fresh43.toml",
    "fixtures/eval/ds01-fresh44.toml",
    "fixtures/eval/ds01-fresh45.toml",
    "fixtures/eval/ds01-fresh46.toml",
    "fixtures/eval/ds01-fresh47.toml",
    "fixtures/eval/ds01-fresh48.toml",
    "fixtures/eval/ds01-fresh49.toml",
    "fixtures/eval/ds01-fresh50.toml",
    "fixtures/eval/ds01-fresh51.toml",
    "fixtures/eval/ds01-fresh52.toml",
    "fixtures/eval/ds01-fresh53.toml",
    "fixtures/eval/ds01-fresh54.toml",
    "fixtures/eval/ds01-fresh55.toml",
    "fixtures/eval/ds01-fresh56.toml",
    "fixtures/eval/ds01-fresh57.toml",
    "fixtures/eval/ds01-fresh58.toml",
    "fixtures/eval/ds01-fresh59.toml",
    "fixtures/eval/ds01-fresh60.toml",
    "fixtures/eval/ds01-fresh61.toml",
    "fixtures/eval/ds01-fresh62.toml",
    "fixtures/eval/ds01-fresh63.toml",
    "fixtures/eval/ds01-fresh64.toml",
    "fixtures/eval/ds01-fresh65.toml",
    "fixtures/eval/ds01-fresh66.toml",
    "fixtures/eval/ds01-fresh67.toml",
    "fixtures/eval/ds01-fresh68.toml",
    "fixtures/eval/ds01-fresh69.toml",
    "fixtures/eval/ds01-fresh70.toml",
    "fixtures/eval/ds01-fresh71.toml",
    "fixtures/eval/ds01-fresh72.toml",
    "fixtures/eval/ds01-fresh73.toml",
    "fixtures/eval/ds01-fresh74.toml",
    "fixtures/eval/ds01-fresh75.toml",
    "fixtures/eval/ds01-fresh76.toml",
    "fixtures/eval/ds01-fresh77.toml",
];

#[derive(serde::Deserialize)]
struct Set {
    features: Vec<Item>,
}

#[derive(serde::Deserialize)]
struct Item {
    id: String,
    description: String,
    #[serde(default)]
    layers: Vec<String>,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    principles: Vec<String>,
    #[serde(default)]
    strains: Vec<String>,
    #[serde(default)]
    gpu_impact: String,
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

pub(crate) fn write() {
    println!("cargo:rerun-if-changed=build/neighbours.rs");
    println!("cargo:rerun-if-changed=build/word_model.rs");
    println!("cargo:rerun-if-changed=src/analyze/neighbour_terms.rs");
    let mut examples: Vec<(String, Item)> = Vec::new();
    // The sets in file order, with their sizes: whole sets are dealt to the folds (see
    // `deal_folds`).
    let mut set_sizes: Vec<(String, usize)> = Vec::new();
    for path in TRAINING_SETS {
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: cannot read the labelled set: {e}"));
        let set: Set =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: not a labelled set: {e}"));
        let name = std::path::Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_owned();
        set_sizes.push((name.clone(), set.features.len()));
        examples.extend(set.features.into_iter().map(|i| (name.clone(), i)));
    }
    let folds = deal_folds(&set_sizes);
    let fold_of = |set: &str| folds[set];
    assert!(
        examples.len() < usize::from(u16::MAX),
        "example ids are u16"
    );

    // Term counts per example, then document frequencies.
    let counts: Vec<BTreeMap<String, usize>> = examples
        .iter()
        .map(|(_, item)| {
            let mut c = BTreeMap::new();
            for t in neighbour_terms::terms(&item.description) {
                *c.entry(t).or_insert(0) += 1;
            }
            c
        })
        .collect();
    let samples: Vec<super::word_model::Sample<'_>> = examples
        .iter()
        .zip(&counts)
        .map(|((set, item), counts)| super::word_model::Sample {
            counts,
            labels: super::word_model::labels(
                &item.layers,
                &item.tiers,
                &item.principles,
                &item.strains,
                &item.gpu_impact,
            ),
            fold: fold_of(set),
        })
        .collect();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let model_terms = super::word_model::write(&samples, &out);
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &counts {
        for t in c.keys() {
            *df.entry(t.as_str()).or_insert(0) += 1;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let n = examples.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let idf = |t: &str| ((n + 1.0) / (df[t] as f64 + 1.0)).ln();
    let mut postings: BTreeMap<&str, Vec<(usize, f64)>> = BTreeMap::new();
    for (doc, c) in counts.iter().enumerate() {
        let weights: Vec<(&str, f64)> = c
            .iter()
            .map(|(t, &k)| (t.as_str(), neighbour_terms::term_weight(k) * idf(t)))
            .collect();
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        for (t, w) in weights {
            if w > 0.0 && norm > 0.0 {
                postings.entry(t).or_default().push((doc, w / norm));
            }
        }
    }

    let mut src = format!(
        "// @generated by build.rs (build/neighbours.rs): {} labelled examples, {} terms.\n\
         pub(super) static EXAMPLES: &[Example] = &[\n",
        examples.len(),
        postings.len()
    );
    for (set, item) in &examples {
        let _ = writeln!(
            src,
            "    Example {{ set: {set:?}, id: {:?}, fingerprint: {}, fold: {}, layers: {}, tiers: {}, principles: {}, strains: {} }},",
            item.id,
            neighbour_terms::fingerprint(&item.description),
            fold_of(set),
            list(&item.layers),
            list(&item.tiers),
            list(&item.principles),
            list(&item.strains),
        );
    }
    src.push_str(
        "];\n/// Every term of the examples, sorted by hash: its IDF and its (example, weight) postings.\n",
    );
    src.push_str("pub(super) static TERMS: &[Term] = &[\n");
    type Postings = Vec<(usize, f64)>;
    let mut by_hash: Vec<(u64, &str, &Postings)> = postings
        .iter()
        .map(|(t, p)| (neighbour_terms::term_hash(t), *t, p))
        .collect();
    by_hash.sort_unstable_by_key(|e| e.0);
    assert!(
        by_hash.windows(2).all(|w| w[0].0 != w[1].0),
        "two terms of the examples share a hash"
    );
    for (_, t, p) in &by_hash {
        let ps: Vec<String> = p.iter().map(|(d, w)| format!("({d}, {w:?})")).collect();
        let _ = writeln!(
            src,
            "    Term {{ idf: {:?}, postings: &[{}], model_row: {} }}, // {t}",
            idf(t),
            ps.join(", "),
            model_terms
                .binary_search(&neighbour_terms::term_hash(t))
                .map_or(u32::MAX, |r| u32::try_from(r).expect("under 2^32 terms"))
        );
    }
    src.push_str("];\n");
    // The hashes on their own, for the binary search: 8 bytes a term, so a lookup reads a
    // few pages of the binary rather than a few of the former 32-byte terms' (a cold start maps each
    // page it reads; round 9's larger index had cost 62 more page faults).
    src.push_str("/// The hash of each term of [`TERMS`], in the same order (sorted).\n");
    src.push_str("pub(super) static TERM_HASHES: &[u64] = &[\n");
    for (hash, _, _) in &by_hash {
        let _ = writeln!(src, "    {hash},");
    }
    src.push_str("];\n");
    std::fs::write(out.join("neighbours.rs"), src).expect("write the examples' index");
}

/// The fold of each training set: whole sets, in file order, each dealt to the fold that holds
/// the fewest examples so far (the first such fold on a tie). Whole sets share a fold, so the
/// model that reads an example (the one trained without its fold) never saw any item of its
/// set: items written by one author in one style are read as a set never seen would be, not
/// as a paraphrase of their neighbours. Dealing by size keeps the folds near equal (by place
/// modulo the folds they held 533 to 723 of 3,003 examples; dealt, 616 to 635 of 3,123), and a
/// set added at the end of the list moves no earlier set. Sets are named by their file stems,
/// which must differ.
fn deal_folds(set_sizes: &[(String, usize)]) -> BTreeMap<String, u64> {
    let k = usize::try_from(super::word_model::FOLDS).expect("a small fold count");
    let mut load = vec![0usize; k];
    let mut folds = BTreeMap::new();
    for (name, size) in set_sizes {
        assert!(
            !folds.contains_key(name),
            "{name}: two training sets share this file name"
        );
        let (fold, _) = (load.iter().enumerate())
            .min_by_key(|&(i, &n)| (n, i))
            .expect("at least one fold");
        load[fold] += size;
        folds.insert(name.clone(), fold as u64);
    }
    folds
}
