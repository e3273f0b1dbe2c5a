//! Behaviour of the analyzer on the usual traps, and JSON snapshots of whole analyses.
use ds01_pm::analyze::Analysis;

/// The rules' reading alone: these tests are about the rules (the nearest-examples channel has
/// tests of its own below).
fn run(text: &str) -> Analysis {
    ds01_pm::analyze::analyze_with(
        ds01_pm::rules::defaults().expect("rules"),
        text,
        ds01_pm::analyze::Channels::RULES_ONLY,
    )
}

fn has(a: &Analysis, concern: &str) -> bool {
    a.concerns().iter().any(|c| c == concern)
}

#[test]
fn negation_cancels_a_gpu_signal() {
    let a = run("Fix the colours of the image-list banner; no GPU change.");
    assert_eq!(a.gpu_impact.value, "none");
    assert!(
        a.suppressed.iter().any(|s| s.reason.contains("negated")),
        "{:?}",
        a.suppressed
    );
    let b = run("Fix the colours of the image-list banner and the GPU quota display.");
    assert_eq!(b.gpu_impact.value, "both");
}

#[test]
fn mig_is_not_migrate_and_cgroup_slices_are_not_gpu_slices() {
    let a = run("Migrate the user slices to a new systemd cgroup layout");
    assert_ne!(a.gpu_impact.value, "mig");
    assert!(has(&a, "layer:L0"));
    let b = run("Give every student a MIG slice");
    assert_eq!(b.gpu_impact.value, "mig");
}

#[test]
fn quoted_commands_and_plural_hyphen_variants_match() {
    for text in [
        "Make `container-deploy` open VS Code",
        "make container deploy open VS Code",
        "Make `container deploy` open VS Code",
    ] {
        assert!(has(&run(text), "layer:L3"), "{text}");
    }
    for text in [
        "multi-GPU training",
        "multi GPU training",
        "multigpu training",
    ] {
        assert!(has(&run(text), "tier:researcher"), "{text}");
    }
    assert!(has(
        &run("a keep-alive file"),
        "strains:ephemeral-containers"
    ));
    assert!(has(
        &run("a keepalive file"),
        "strains:ephemeral-containers"
    ));
}

#[test]
fn a_single_weak_signal_does_not_make_a_concern() {
    // A bare mention of a GPU weighs 0.5: not enough for GPU impact on its own.
    let a = run("Update the tutorial text that mentions the GPU");
    assert_eq!(a.gpu_impact.value, "none");
    assert!(a.gpu_impact.scores["both"] > 0.0);
}

#[test]
fn evidence_spans_point_at_the_matched_text() {
    let text = "Let students keep a container running over the weekend for long training jobs";
    let a = run(text);
    let all = a
        .layers
        .iter()
        .chain(&a.tiers)
        .chain(&a.principles.strained)
        .chain(&a.risks);
    let mut seen = 0;
    for f in all {
        for e in &f.evidence {
            if let Some([s, e2]) = e.span {
                assert_eq!(&text[s..e2], &*e.matched);
                seen += 1;
            }
        }
    }
    assert!(seen > 0);
}

#[test]
fn weekend_keep_alive_names_the_principle_conflict() {
    let a = run("Let students keep a container running over the weekend for long training jobs");
    assert!(has(&a, "tier:student"));
    assert!(has(&a, "strains:ephemeral-containers"));
    assert!(has(&a, "strains:gpu-efficiency"));
    assert_ne!(a.gpu_impact.value, "none");
    assert!((3..=5).contains(&a.questions.top.len()));
    assert!(a.summary.contains("ephemeral-containers"), "{}", a.summary);
}

#[test]
fn checklist_is_deduplicated_and_ordered_by_importance() {
    let a = run("Adopt SLURM with a PostgreSQL database so researchers can queue multi-GPU jobs");
    let mut texts: Vec<&str> = a
        .questions
        .groups
        .iter()
        .flat_map(|g| g.questions.iter().map(|q| q.text.as_str()))
        .collect();
    let n = texts.len();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), n, "duplicate questions");
    for g in &a.questions.groups {
        assert!(
            g.questions
                .windows(2)
                .all(|w| w[0].importance >= w[1].importance),
            "{} not ordered",
            g.dimension
        );
    }
    assert!(a.questions.top[0].importance >= a.questions.top.last().expect("top").importance);
    assert!(
        a.size.tshirt == "L" || a.size.tshirt == "XL",
        "SLURM + database is big: {:?}",
        a.size
    );
}

#[test]
fn text_without_ds01_signals_gets_the_generic_framework() {
    let a = run("hello world");
    assert!(a.is_empty());
    assert!(a.summary.contains("could not tie"));
    assert!(
        a.questions.groups.iter().all(|g| !g.questions.is_empty()),
        "each dimension keeps its generic questions"
    );
}

#[test]
fn analyses_of_the_classify_fixtures_are_stable() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classify");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        insta::assert_json_snapshot!(name, run(&text));
    }
}

/// `--top N` asks for exactly N opening questions when the checklist has that many; without
/// it, only the ones that stand out (at most 5).
#[test]
fn an_explicit_top_gets_that_many_questions() {
    let text = "Re-enable MIG on two of the four A100s for the spring course";
    let top = |extra: &[&str]| -> usize {
        let mut args = vec!["analyze", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(text);
        let out = crate::common::ds01().args(&args).output().expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["questions"]["top"].as_array().expect("top").len()
    };
    assert!(top(&[]) <= 5);
    assert_eq!(top(&["--top", "7"]), 7);
    assert_eq!(top(&["--top", "2"]), 2);
    assert_eq!(top(&["--top", "0"]), 0);
}

/// The summary quotes each piece of evidence once: no phrase inside another, no word twice.
#[test]
fn the_summary_never_repeats_a_word() {
    for text in [
        "Re-enable MIG on two of the four A100s for the spring course, then MIG slices for every course",
        "Longer idle timeouts for researchers",
    ] {
        let out = crate::common::ds01()
            .args(["analyze", "--format", "json", text])
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let summary = v["summary"].as_str().expect("summary");
        let from = summary
            .split_once(", I read this as")
            .map_or(summary, |(f, _)| f);
        let quoted: Vec<String> = from
            .split('“')
            .skip(1)
            .filter_map(|q| q.split_once('”').map(|(w, _)| w.to_lowercase()))
            .collect();
        let words: Vec<&str> = quoted.iter().flat_map(|q| q.split_whitespace()).collect();
        let mut unique = words.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), words.len(), "{summary}");
    }
}

/// `--format labels`: one label name per line, from the rules' reading alone (the JSON of
/// `--no-examples`: the nearest examples neither add a label nor set one aside), and nothing for
/// a text that was not understood.
#[test]
fn labels_format_prints_one_label_per_line() {
    let run_with = |text: &str, format: &str, extra: &[&str]| {
        let out = crate::common::ds01()
            .args(["analyze", "--format", format])
            .args(extra)
            .arg(text)
            .output()
            .expect("run");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("utf8")
    };
    let run = |text: &str, format: &str| run_with(text, format, &[]);
    let text = "Re-enable MIG on two of the four A100s for the spring course";
    let labels = run(text, "labels");
    let v: serde_json::Value =
        serde_json::from_str(&run_with(text, "json", &["--no-examples"])).expect("json");
    let mut expected: Vec<String> = Vec::new();
    for (key, prefix) in [("layers", "layer"), ("tiers", "tier")] {
        for f in v[key].as_array().expect("array") {
            // A reading of the nearest examples alone is no label.
            if f["evidence"][0]["rule"] == "nearest-examples" {
                continue;
            }
            expected.push(format!("{prefix}:{}", f["id"].as_str().expect("id")));
        }
    }
    expected.push(format!(
        "gpu:{}",
        v["gpu_impact"]["value"].as_str().expect("gpu")
    ));
    for f in v["principles"]["strained"].as_array().expect("strained") {
        expected.push(format!("strains:{}", f["id"].as_str().expect("id")));
    }
    for f in v["risks"].as_array().expect("risks") {
        expected.push(format!("risk:{}", f["id"].as_str().expect("id")));
    }
    expected.push(format!(
        "size:{}",
        v["size"]["tshirt"].as_str().expect("size")
    ));
    assert_eq!(labels.lines().collect::<Vec<_>>(), expected);
    assert!(labels.contains("gpu:mig\n"), "{labels}");
    // A reading of the nearest examples alone gives no label: researchers for SLURM.
    let slurm = "Adopt SLURM as the batch scheduler";
    let v: serde_json::Value = serde_json::from_str(&run(slurm, "json")).expect("json");
    assert!(v["tiers"].to_string().contains("nearest-examples"), "{v}");
    assert!(!run(slurm, "labels").contains("tier:researcher"));
    assert_eq!(run("hello world", "labels"), "");
}

#[test]
fn a_one_mode_component_decides_the_mode_of_an_unnamed_gpu_change() {
    // The jobs runner hands out whole GPUs (`ds01-submit run --gpus N`): freeing "the GPUs" of a
    // job is a full-GPU change, while the same words about containers stay mode-agnostic.
    let jobs = run("ds01-submit cancel should free the GPUs of a job at once");
    assert_eq!(jobs.gpu_impact.value, "full-gpu");
    let containers = run("container-stop should free the GPUs at once");
    assert_eq!(containers.gpu_impact.value, "both");
    // Named MIG evidence still wins over the implied mode.
    let mig = run("ds01-submit jobs should run on a MIG slice and free it at once");
    assert_eq!(mig.gpu_impact.value, "mig");
    // With the jobs runner at stake, the text's own whole-GPU evidence is the subject however
    // much mode-agnostic allocation evidence surrounds it; without it, the queue and the
    // allocator make the change mode-agnostic.
    let waiting =
        "sits in the GPU queue behind the allocator; say it needs 2 GPUs and none is free";
    assert_eq!(
        run(&format!("My ds01-submit job {waiting}"))
            .gpu_impact
            .value,
        "full-gpu"
    );
    assert_eq!(
        run(&format!("My container {waiting}")).gpu_impact.value,
        "both"
    );
}

#[test]
fn how_many_jobs_run_at_once_is_a_whole_gpu_change() {
    // Each ds01-jobs job holds whole GPUs, so its caps share the cards; cron jobs do not.
    for text in [
        "Raise the concurrent job limit for the faculty group",
        "Cap how many jobs one person can submit per day",
    ] {
        assert_eq!(run(text).gpu_impact.value, "full-gpu", "{text}");
    }
    assert_ne!(
        run("The cron jobs run at once and collide")
            .gpu_impact
            .value,
        "full-gpu"
    );
}

#[test]
fn a_named_component_audience_outranks_the_generic_user_voice() {
    // "I" alone means students and researchers; the jobs runner faces researchers.
    let a = run("I want ds01-submit to show my place in the queue");
    let tiers: Vec<&str> = a.tiers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tiers, ["researcher"]);
    let plain = run("I want to see my place in the queue");
    let tiers: Vec<&str> = plain.tiers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(tiers, ["student", "researcher"]);
}

#[test]
fn a_question_cue_cites_the_text_it_matched() {
    let a = run("Let me keep my Hugging Face token in the container across rebuilds.");
    let asked: Vec<&str> = a.questions.top.iter().map(|q| q.text.as_str()).collect();
    assert!(
        asked
            .iter()
            .any(|q| q.starts_with("You mention `Hugging Face token`: where are the credentials")),
        "{asked:#?}"
    );
    // The same question, citing other words, is recognised as asked (the `new` interview).
    let q = a
        .questions
        .top
        .iter()
        .find(|q| q.sources.iter().any(|s| s == "rule:ask-secrets"))
        .expect("the secrets cue asks");
    let other = q.text.replace("`Hugging Face token`", "`API key`");
    assert!(q.is_asked_by(&other));
    let b = run("Show the GPU temperature in container-stats.");
    assert!(
        !b.questions
            .groups
            .iter()
            .flat_map(|g| &g.questions)
            .any(|q| q.sources.iter().any(|s| s == "rule:ask-secrets"))
    );
}

#[test]
fn questions_never_say_the_author_mentioned_an_inferred_concern() {
    for text in [
        "Adopt SLURM as the batch scheduler for multi-GPU batch jobs",
        "hand back an idle card after half an hour",
    ] {
        let a = run(text);
        for q in a
            .questions
            .top
            .iter()
            .chain(a.questions.groups.iter().flat_map(|g| g.questions.iter()))
        {
            if let Some(rest) = q.text.strip_prefix("You mention ") {
                assert!(rest.starts_with('`'), "{text}: {}", q.text);
            }
        }
    }
}

#[test]
fn a_bare_gpu_mention_does_not_make_a_named_mode_mode_agnostic() {
    // "GPU" alone is weak evidence of GPU impact, not evidence that the change spans both
    // modes: the MIG change stays a MIG change; real allocation evidence still outweighs it.
    let a = run(
        "The docker wrapper, container-create and check-limits should put two MIG slices on one GPU",
    );
    assert_eq!(a.gpu_impact.value, "mig");
    let b = run("Use the nvidia-smi mig commands from one admin tool to apply the layout");
    assert_eq!(b.gpu_impact.value, "mig");
}

/// Components and lifecycle words are context: a change to what the idle checker logs is not a
/// GPU change, while a change to the idle timeout is; documentation outweighs one allocation
/// word; "MIG is off" means whole GPUs.
#[test]
fn context_evidence_does_not_make_a_gpu_change() {
    let log = run("Print the username next to each container in the idle-check log.");
    assert_eq!(log.gpu_impact.value, "none", "{:?}", log.gpu_impact);
    // Inference follows the decided mode: no GPU change, no gpu-efficiency inferred from one.
    assert!(
        log.principles
            .supported
            .iter()
            .flat_map(|f| &f.evidence)
            .all(|e| &*e.rule != "infer-gpu-efficiency"),
        "{:?}",
        log.principles
    );
    let timeout = run("Cut the idle timeout to 30 minutes so idle GPUs come back sooner.");
    assert_eq!(timeout.gpu_impact.value, "both");
    let docs = run("Add a --concepts page that explains gpueq and what a GPU slot is.");
    assert_eq!(docs.gpu_impact.value, "none");
    let display = run("Fix the colours of the banner and the GPU quota display.");
    assert_eq!(display.gpu_impact.value, "both");
    let whole = run("With MIG off, limit students to one full GPU per container.");
    assert_eq!(whole.gpu_impact.value, "full-gpu");
}

/// The GPU impact the rules read for `text` is `expected` (the whole reading in the message
/// when it is not); the analysis, for further checks.
fn gpu_reads(text: &str, expected: &str) -> Analysis {
    let a = run(text);
    assert_eq!(a.gpu_impact.value, expected, "{text}: {:?}", a.gpu_impact);
    a
}

/// Components with implied GPU relevance (the wrapper, the limits file, deploy) place a text;
/// naming two of them is still no GPU change. A GPU signal beside them decides.
#[test]
fn components_named_together_are_not_a_gpu_change() {
    let named = gpu_reads(
        "Check that resource-limits.yaml parses before the wrapper reads it",
        "none",
    );
    assert!(
        named.gpu_impact.scores["both"] > 0.0,
        "{:?}",
        named.gpu_impact
    );
    gpu_reads(
        "The wrapper and resource-limits.yaml should cap how many GPUs a researcher gets",
        "both",
    );
    gpu_reads("container deploy should wait until a GPU is free", "both");
}

/// With both modes named, the one the text keeps returning to is its subject; named equally
/// often, the change spans both (a mixed layout).
#[test]
fn the_mode_a_text_keeps_naming_decides_when_both_are_named() {
    for (text, mode) in [
        (
            "Pass the MIG instance UUID so a container sees only its own MIG slice, as it already does for full GPUs",
            "mig",
        ),
        (
            "Whole cards get --gpus device=0 but MIG slices get UUIDs; always pass each full GPU's UUID to every whole-GPU container",
            "full-gpu",
        ),
        (
            "Re-enable MIG on two cards and keep the other two as full GPUs for researchers",
            "both",
        ),
    ] {
        gpu_reads(text, mode);
    }
}

/// What a page is reported to say is the page's content: a stale page about MIG slices is a
/// docs change, while the same words as a request are a MIG change. Queue words in what the
/// reference claims would outweigh the one docs cue if they counted as allocation evidence.
#[test]
fn what_a_document_says_is_not_a_gpu_change() {
    for (text, mode) in [
        (
            "The admin guide still says every card is split into MIG slices and that students get one slice each.",
            "none",
        ),
        ("Rewrite the outdated MIG section of the wiki.", "none"),
        (
            "The reference claims gpu-queue takes a username and has a cancel subcommand.",
            "none",
        ),
        (
            "Split every card into MIG slices and give students one slice each.",
            "mig",
        ),
        // The report ends where the writer turns to their own request.
        (
            "The wiki says MIG is off and students get whole GPUs.",
            "none",
        ),
        (
            "The wiki says MIG is off, but please give researchers priority in the GPU queue.",
            "both",
        ),
    ] {
        gpu_reads(text, mode);
    }
}

/// A policy value is set by the admin, whoever asks for it; maintainer work is the admin's.
#[test]
fn policy_values_and_maintainer_work_have_the_admin_as_audience() {
    let runtime = run("Could researcher max runtime go to 96 h during thesis season?");
    assert!(has(&runtime, "tier:admin"));
    assert!(has(&runtime, "tier:researcher"));
    let refactor = run("Delete the fallback code in mlc-patched.py and add unit tests for it.");
    assert!(has(&refactor, "tier:admin"));
    assert!(!has(&refactor, "tier:student"), "{:?}", refactor.tiers);
}

/// The admin's own tooling decides the audience: the first person, "containers" and user
/// components are default readings that yield to it, unless the text names a user tier or
/// says the users are told something.
#[test]
fn default_audiences_yield_to_the_admins_own_tooling() {
    let alerts = run(
        "Critical alerts only reach me through the Teams webhook. Add an email receiver to Alertmanager.",
    );
    assert!(has(&alerts, "tier:admin"), "{:?}", alerts.tiers);
    assert!(!has(&alerts, "tier:student"), "{:?}", alerts.tiers);
    assert!(!has(&alerts, "tier:researcher"), "{:?}", alerts.tiers);
    // The yielded default is reported, with the tooling it yielded to.
    let voice = alerts
        .suppressed
        .iter()
        .find(|s| s.rule == "tier-user-voice")
        .expect("the first person is reported as yielded");
    assert!(
        voice.reason.contains("admin's own tooling"),
        "{}",
        voice.reason
    );
    // The same voice about a user command keeps its default audience.
    let user = run("I want container-list to show my GPU next to each container.");
    assert!(has(&user, "tier:student"), "{:?}", user.tiers);
    // A named tier is not a default: it stands next to the tooling.
    let named = run("Show students their GPU-hours on the Grafana dashboard.");
    assert!(has(&named, "tier:student"), "{:?}", named.tiers);
    // Writing about one's own container or usage is a user's voice, whatever tool it names.
    let own = run("I keep getting alerts about my idle container, can they stop?");
    assert!(has(&own, "tier:student"), "{:?}", own.tiers);
    // Users who are told something are an audience too.
    let told = run(
        "When the MIG mapping alert fires, list the affected containers and tell each owner to redeploy.",
    );
    assert!(has(&told, "tier:student"), "{:?}", told.tiers);
    assert!(has(&told, "tier:admin"), "{:?}", told.tiers);
}

/// Maintainer work (CI, tests) is the admin's even beside the user commands it works on, and
/// the admin named as the audience makes default audiences yield in every sentence; a user
/// command named in a user's own voice keeps them.
#[test]
fn maintainer_work_and_the_named_admin_decide_beside_user_commands() {
    let ci = run(
        "CI test: run every command's --help and fail if the parser rejects a flag it advertises. container-stats and container-list both slipped through.",
    );
    assert!(has(&ci, "tier:admin"), "{:?}", ci.tiers);
    assert!(!has(&ci, "tier:student"), "{:?}", ci.tiers);
    let reason = ci
        .suppressed
        .iter()
        .find(|s| s.rule.starts_with("component-container-atomic"))
        .map(|s| s.reason.clone())
        .expect("the user command's audience is reported as yielded");
    assert!(reason.contains("maintainer work"), "{reason}");
    let named = run(
        "As the admin I want one view of the machine. It should list each container and its CPU use.",
    );
    assert!(has(&named, "tier:admin"), "{:?}", named.tiers);
    assert!(!has(&named, "tier:student"), "{:?}", named.tiers);
    let user = run("container-list crashes when I pass --format json.");
    assert!(has(&user, "tier:student"), "{:?}", user.tiers);
}

/// The examples channel's field of a reading field that the channel may add to or set aside
/// from, so that the thresholds a test checks against are the program's own.
fn channel_field(field: &str) -> ds01_pm::analyze::neighbours::Field {
    use ds01_pm::analyze::neighbours::Field;
    match field {
        "layers" => Field::Layers,
        "tiers" => Field::Tiers,
        "principles" => Field::Principles,
        other => panic!("the examples channel reads no {other}"),
    }
}

/// Every labelled description of `fixtures/eval/`, with the set it comes from.
fn labelled_descriptions() -> Vec<String> {
    let mut out = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/eval");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/eval")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "toml") && !p.to_string_lossy().contains("questions")
        })
        .collect();
    files.sort();
    for f in files {
        let set = ds01_pm::eval::load(
            &f.display().to_string(),
            &std::fs::read_to_string(&f).expect("read"),
        )
        .expect("a labelled set");
        out.extend(set.features.into_iter().map(|i| i.description));
    }
    out
}

/// The number in `reason` between `marker` and the next `end`.
fn number_after(reason: &str, marker: &str, end: char) -> f64 {
    reason
        .split(marker)
        .nth(1)
        .and_then(|r| r.split(end).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {marker:?} in {reason}"))
}

/// Whether a layer finding was read by a rule that keeps it (`firm_layer`).
fn firm_layer(set: &ds01_pm::rules::RuleSet, f: &ds01_pm::analyze::Finding) -> bool {
    (f.evidence.iter()).any(|e| {
        set.rule(&e.rule)
            .is_some_and(|r| ds01_pm::analyze::keeps_layer(r, &f.id))
    })
}

/// `firm_layer` decides something: with the flag taken out of the rule files, the statistical
/// channels set aside some of the layers those rules read in the labelled descriptions; with
/// it, none (`nearest_examples_add_and_set_aside_and_say_so` checks every description).
#[test]
fn firm_layers_are_what_the_statistical_channels_would_set_aside() {
    let dir = tempfile::tempdir().expect("tmp");
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut flagged = 0;
    for entry in std::fs::read_dir(&rules).expect("rules/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("read");
            // Every line that sets the flag goes (the rule files set it on a line of its own).
            let kept: Vec<&str> = (text.lines())
                .filter(|l| !l.trim_start().starts_with("firm_layer"))
                .collect();
            flagged += text.lines().count() - kept.len();
            assert!(
                (kept.iter())
                    .filter(|l| !l.trim_start().starts_with('#'))
                    .all(|l| !l.contains("firm_layer =") && !l.contains("firm_layer=")),
                "{}: firm_layer set inline",
                path.display()
            );
            let text = kept.join("\n");
            std::fs::write(dir.path().join(path.file_name().expect("name")), text).expect("write");
        }
    }
    assert!(flagged > 0, "no rule is marked firm_layer");
    let source = ds01_pm::rules::RuleSource {
        replace: Some(dir.path().to_path_buf()),
        extend: Vec::new(),
    };
    let loose = ds01_pm::rules::load(&source).expect("rules without firm_layer");
    let set = ds01_pm::rules::defaults().expect("rules");
    let mut would = 0;
    for text in labelled_descriptions() {
        let alone = run(&text);
        if !alone.layers.iter().any(|f| firm_layer(set, f)) {
            continue;
        }
        let full = ds01_pm::analyze::analyze_with(&loose, &text, ds01_pm::analyze::Channels::ALL);
        would += (alone.layers.iter())
            .filter(|f| firm_layer(set, f) && !full.layers.iter().any(|x| x.id == f.id))
            .count();
    }
    assert!(would > 0, "no firm layer would have been set aside");
}

#[test]
fn nearest_examples_add_and_set_aside_and_say_so() {
    let set = ds01_pm::rules::defaults().expect("rules");
    let mut added = 0;
    let mut set_aside = 0;
    let mut withdrawn = 0;
    let mut gpu_changed = 0;
    let mut gpu_unread = 0;
    let mut model_layers = 0;
    for text in labelled_descriptions() {
        let alone = run(&text);
        let full = ds01_pm::analyze::analyze_with(set, &text, ds01_pm::analyze::Channels::ALL);
        // The examples applied to the rules' reading give the same reading.
        assert_eq!(
            ds01_pm::analyze::with_examples(set, &text, &alone),
            full,
            "{text}"
        );
        // Never overrides silently: every reading of the rules is there with the same
        // evidence, or it is set aside (never a strain, a risk, or the last of its field) and
        // listed with the words it was read from and the examples that dissent. GPU impact,
        // risks, size, questions and trade-offs are the rules' own.
        for (field, a, f, may_set_aside) in [
            ("layers", &alone.layers, &full.layers, true),
            ("tiers", &alone.tiers, &full.tiers, true),
            (
                "principles",
                &alone.principles.supported,
                &full.principles.supported,
                true,
            ),
            (
                "strains",
                &alone.principles.strained,
                &full.principles.strained,
                false,
            ),
            ("risks", &alone.risks, &full.risks, false),
        ] {
            for finding in a {
                if f.contains(finding) {
                    continue;
                }
                assert!(
                    may_set_aside,
                    "{text}: {field} {} lost or changed",
                    finding.id
                );
                // A layer read by a `firm_layer` rule (a command named by its own name) is
                // never set aside by the statistical channels.
                assert!(
                    field != "layers" || !firm_layer(set, finding),
                    "{text}: {} read by a firm_layer rule was set aside",
                    finding.id
                );
                assert!(
                    !f.iter().any(|x| x.id == finding.id),
                    "{text}: {} changed",
                    finding.id
                );
                // Never the last of its field: the nearest examples keep one of the rules'
                // readings; the word model may set the rules' last one aside only where the
                // examples read the field otherwise.
                // (A principle strained is a principle touched: the field is both lists.)
                let strained = field == "principles" && !full.principles.strained.is_empty();
                assert!(
                    !f.is_empty() || strained,
                    "{text}: the {field} were emptied"
                );
                if f.iter().all(|x| x.is_from_examples()) && !strained {
                    assert!(
                        full.suppressed
                            .iter()
                            .any(|s| s.reason.starts_with("set aside by the word model: ")
                                || s.reason.starts_with("withdrawn: ")),
                        "{text}: the last {field} reading of the rules was set aside"
                    );
                }
                let why = full
                    .suppressed
                    .iter()
                    .find(|s| {
                        (s.reason.starts_with("set aside by the nearest examples: ")
                            && s.reason
                                .contains(&format!(": {} is carried by ", finding.id)))
                            || s.reason.starts_with(&format!(
                                "set aside by the word model: it gives {} ",
                                finding.id
                            ))
                            || s.reason.starts_with(&format!(
                                "withdrawn: {} was only inferred from ",
                                finding.id
                            ))
                    })
                    .unwrap_or_else(|| panic!("{text}: {} set aside without a reason", finding.id));
                assert_eq!(&text[why.span[0]..why.span[1]], why.matched, "{text}");
                if let Some(rest) = why.reason.strip_prefix(&format!(
                    "withdrawn: {} was only inferred from ",
                    finding.id
                )) {
                    // Only inferred, and every premise is gone from the final reading.
                    assert!(
                        finding.evidence.iter().all(|e| !e.inferred_from.is_empty()),
                        "{}",
                        why.reason
                    );
                    let premises = rest
                        .split(", which ")
                        .next()
                        .unwrap_or_default()
                        .split(", ");
                    let now = full.concerns();
                    for p in premises {
                        assert!(!now.iter().any(|c| c == p), "{text}: {p} still stands");
                    }
                    withdrawn += 1;
                } else if why
                    .reason
                    .starts_with("set aside by the nearest examples: ")
                {
                    // The words it was read from (the finding's own evidence), its share under
                    // the field's threshold, and the examples behind the dissent.
                    assert!(
                        finding
                            .evidence
                            .iter()
                            .any(|e| e.span == Some(why.span) && *e.rule == *why.rule),
                        "{text}: {} set aside with another rule's words",
                        finding.id
                    );
                    let share = number_after(&why.reason, " is carried by ", '%');
                    let under = channel_field(field).dissent_share() * 100.0;
                    assert!(share < under, "{}", why.reason);
                    assert!(why.reason.contains("nearest: ds01-"), "{}", why.reason);
                } else {
                    // The word model: one of the finding's rules, shown by its own words or
                    // (a reading only inferred, which the reason says) the words of what it was
                    // inferred from; a probability under the field's threshold.
                    assert!(
                        finding.evidence.iter().any(|e| *e.rule == *why.rule),
                        "{text}: {} set aside under another rule",
                        finding.id
                    );
                    let own_words = finding
                        .evidence
                        .iter()
                        .any(|e| e.span == Some(why.span) && *e.rule == *why.rule);
                    assert!(
                        own_words || why.reason.contains(" (inferred from "),
                        "{}",
                        why.reason
                    );
                    let p = number_after(&why.reason, " a probability of ", ' ');
                    let under = channel_field(field).dissent_under();
                    assert!((0.0..under).contains(&p), "{}", why.reason);
                }
                set_aside += 1;
            }
            for finding in f.iter().filter(|x| !a.iter().any(|y| y.id == x.id)) {
                added += 1;
                // Labelled as such, with its nearest examples (or the model's words) as
                // evidence.
                assert!(finding.is_from_examples(), "{text}: {}", finding.id);
                let e = &finding.evidence[0];
                assert!(e.span.is_none() && e.matched.is_empty());
                for n in &e.neighbours {
                    assert!(n.example.starts_with("ds01-") && n.example.contains('#'));
                    assert!(n.similarity > 0.0 && n.similarity <= 1.0, "{n:?}");
                }
                if &*e.rule == "nearest-examples" {
                    assert!(!e.neighbours.is_empty());
                    // At least the field's share of the nearest examples' similarity carries
                    // it.
                    let least = if field == "principles" {
                        ds01_pm::analyze::neighbours::PRINCIPLE_SHARE
                    } else {
                        ds01_pm::analyze::neighbours::SHARE
                    };
                    assert!(
                        finding.score >= least - 1e-9 && finding.score <= 1.0,
                        "{text}: {field} {} at {}",
                        finding.id,
                        finding.score
                    );
                } else {
                    assert_eq!(&*e.rule, "word-model", "{text}");
                    if field == "layers" {
                        model_layers += 1;
                    }
                    // At least the field's probability, with the words that weighed most.
                    let least = channel_field(field).add_at();
                    assert!(
                        finding.score >= least - 0.005 && finding.score <= 1.0,
                        "{text}: {field} {} at {}",
                        finding.id,
                        finding.score
                    );
                    assert!(!e.words.is_empty() && e.words.len() <= 3, "{text}");
                    for w in &e.words {
                        assert!(
                            text.to_lowercase().contains(&w.to_lowercase()),
                            "{text}: {w} is not in the text"
                        );
                    }
                }
            }
        }
        // The GPU impact is the rules' unless the word model reads another value at 0.75 or
        // more: then its evidence says so, the rules' contest stays, and the rules' value is
        // listed under "Ignored" by its first words. Where the rules' none stands on no
        // evidence, the model may read a value other than none at 0.5 or more, setting nothing
        // aside.
        if alone.gpu_impact != full.gpu_impact {
            gpu_changed += 1;
            let g = &full.gpu_impact;
            assert_ne!(g.value, alone.gpu_impact.value, "{text}");
            assert_ne!(alone.gpu_impact.value, "unknown", "{text}");
            assert_eq!(g.scores, alone.gpu_impact.scores, "{text}");
            assert_eq!(g.evidence.len(), 1, "{text}");
            let e = &g.evidence[0];
            assert_eq!(&*e.rule, "word-model", "{text}");
            let unread = alone.gpu_impact.evidence.is_empty();
            let floor = if unread {
                ds01_pm::analyze::word_model::GPU_UNREAD_AT
            } else {
                ds01_pm::analyze::word_model::GPU_AT
            };
            assert!(
                e.weight >= floor - 0.005 && e.weight <= 1.0,
                "{text}: {}",
                e.weight
            );
            let why = full
                .suppressed
                .iter()
                .find(|s| s.reason.contains("the rules read GPU impact"));
            if unread {
                gpu_unread += 1;
                assert_eq!(alone.gpu_impact.value, "none", "{text}");
                assert_ne!(g.value, "none", "{text}");
                assert!(why.is_none(), "{text}: nothing was read to set aside");
                assert!(!full.summary.contains("see Ignored"), "{}", full.summary);
            } else {
                // Replaced only where words stand behind the rules' value.
                let first = (alone.gpu_impact.evidence.iter())
                    .find(|e| e.span.is_some())
                    .unwrap_or_else(|| panic!("{text}: a GPU impact without words replaced"));
                let why =
                    why.unwrap_or_else(|| panic!("{text}: GPU impact replaced without a reason"));
                assert_eq!(Some(why.span), first.span, "{text}");
                assert!(why.reason.contains(&format!(
                    "the rules read GPU impact {}; it gives {} a probability of",
                    alone.gpu_impact.value, g.value
                )));
                assert!(full.summary.contains("see Ignored"), "{}", full.summary);
            }
            assert!(
                full.summary.contains("the word model's reading"),
                "{}",
                full.summary
            );
            // The Markdown table marks the value as the model's too.
            let md =
                ds01_pm::report::analysis(&full, None, ds01_pm::cli::TextFormat::Markdown, false);
            assert!(
                md.contains(&format!(
                    "| GPU impact | `{}` (the word model's reading) |",
                    g.value
                )),
                "{md}"
            );
        }
        assert_eq!(alone.size, full.size, "{text}");
        assert_eq!(alone.questions, full.questions, "{text}");
        assert_eq!(alone.tradeoffs, full.tradeoffs, "{text}");
        assert!(
            full.principles
                .strained
                .iter()
                .all(|f| !f.is_from_examples())
        );
        // Readings set aside are listed before cancelled hits, so a report that shows only
        // the first few shows them.
        let is_aside = |s: &ds01_pm::analyze::Suppressed| {
            s.reason.starts_with("set aside by the nearest examples: ")
                || s.reason.starts_with("set aside by the word model: ")
                || s.reason.starts_with("withdrawn: ")
                || s.reason.starts_with("a secondary layer: ")
        };
        let first_hit = full
            .suppressed
            .iter()
            .position(|s| !is_aside(s))
            .unwrap_or(full.suppressed.len());
        assert!(
            full.suppressed[first_hit..].iter().all(|s| !is_aside(s)),
            "{text}: a reading set aside after a cancelled hit"
        );
        // Similar items do not bring in gpu-efficiency where the reading finds no GPU impact.
        if full.gpu_impact.value == "none" {
            assert!(
                !full
                    .principles
                    .supported
                    .iter()
                    .any(|f| f.id == "gpu-efficiency" && f.is_from_examples()),
                "{text}: gpu-efficiency from the examples beside GPU impact none"
            );
        }
    }
    // The channel does add and set aside readings on this corpus (the test would be empty
    // otherwise).
    assert!(added > 20, "only {added} statistical readings");
    // The word model adds layers too (at its layer threshold, checked above).
    assert!(model_layers > 0, "the word model added no layer");
    assert!(set_aside > 20, "only {set_aside} readings set aside");
    // Conclusions withdrawn with their premises (a GPU impact the word model replaced).
    assert!(withdrawn >= 3, "only {withdrawn} inferences withdrawn");
    assert!(
        gpu_changed > 5,
        "only {gpu_changed} GPU impacts read by the word model"
    );
    assert!(
        gpu_unread > 0 && gpu_unread < gpu_changed,
        "{gpu_unread} of {gpu_changed} GPU impacts read where the rules read none"
    );
}

#[test]
fn nearest_examples_stay_silent_where_nothing_was_understood() {
    let all = |text: &str| {
        ds01_pm::analyze::analyze_with(
            ds01_pm::rules::defaults().expect("rules"),
            text,
            ds01_pm::analyze::Channels::ALL,
        )
    };
    // Words that no rule reads (some of them occur in the labelled examples).
    for text in [
        "hello world",
        "",
        "make it better please, thanks",
        "lorem ipsum",
    ] {
        let a = all(text);
        assert!(a.is_empty(), "{text}: a rule fired: {:?}", a.rules_fired);
        assert!(a.layers.is_empty() && a.tiers.is_empty(), "{text}");
        assert!(a.principles.supported.is_empty(), "{text}");
        assert_eq!(a.gpu_impact.value, "unknown");
    }
    // A lone weak hit (a bare "GPU", weight 0.5) establishes nothing, so the examples, which
    // share that word with many items, stay silent too, and the reading says it understood
    // nothing: GPU impact and size unknown, not "none" and XS.
    for text in [
        "GPU",
        "thanks for the GPU",
        "make the GPU better",
        "gpu stuff doesnt work pls fix asap",
    ] {
        let a = all(text);
        assert!(
            a.rules_fired.iter().any(|r| r == "gpu-mention"),
            "{text}: gpu-mention should fire: {:?}",
            a.rules_fired
        );
        assert!(a.is_empty(), "{text}: nothing should be established");
        assert_eq!(a.gpu_impact.value, "unknown", "{text}");
        assert_eq!(a.size.tshirt, "unknown", "{text}");
        assert_eq!(a.unknown, ["layers", "gpu_impact", "size"], "{text}");
        assert!(
            a.all_evidence().all(|e| !e.is_from_examples()),
            "{text}: {}",
            a.summary
        );
        assert!(a.layers.is_empty() && a.tiers.is_empty(), "{text}");
    }
}

#[test]
fn nearest_examples_never_add_back_what_the_rules_cancelled() {
    // Students and researchers are negated here; items like it (MIG changes) often carry them.
    let text = "The MIG reconfiguration is not a student-facing change; no researcher sees it";
    let set = ds01_pm::rules::defaults().expect("rules");
    let alone = run(text);
    assert!(
        alone.suppressed.iter().any(|s| s.rule == "tier-student"),
        "{:?}",
        alone.suppressed
    );
    let full = ds01_pm::analyze::analyze_with(set, text, ds01_pm::analyze::Channels::ALL);
    let tiers: Vec<&str> = full.tiers.iter().map(|t| t.id.as_str()).collect();
    assert!(
        !tiers.contains(&"student") && !tiers.contains(&"researcher"),
        "{tiers:?}"
    );
    // The summary keeps the two readings apart.
    let slurm = ds01_pm::analyze::analyze_with(
        set,
        "Adopt SLURM as the batch scheduler",
        ds01_pm::analyze::Channels::ALL,
    );
    assert!(
        slurm.tiers.iter().any(|t| t.is_from_examples()),
        "{slurm:?}"
    );
    assert!(
        slurm
            .summary
            .contains("Similar labelled DS01 items also concern researchers"),
        "{}",
        slurm.summary
    );
}

/// A change confined to the host (L0) is the admin's to operate: the admin is inferred when
/// only a generic default audience ("containers") stands, but not when the text names whom
/// the change is for, nor when a user writes about their own containers.
#[test]
fn host_only_changes_infer_the_admin_unless_an_audience_is_named() {
    let tiers = |a: &Analysis| a.tiers.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    let guessed = run("Containers should hand back an idle card after half an hour.");
    assert_eq!(guessed.layers.len(), 1, "{:?}", guessed.layers);
    assert_eq!(tiers(&guessed), ["student", "researcher", "admin"]);
    let admin = guessed
        .tiers
        .iter()
        .find(|t| t.id == "admin")
        .expect("admin");
    assert!(
        admin
            .evidence
            .iter()
            .any(|e| &*e.rule == "infer-host-admin"
                && e.inferred_from.iter().any(|c| c == "layer:L0")),
        "{:?}",
        admin.evidence
    );
    let named = run("Students should hand back an idle card after half an hour.");
    assert_eq!(tiers(&named), ["student"]);
    // "My containers": a user's own request, stated in so many words (stratum 2 of the
    // inference), so the admin is not inferred; the same request about containers in general
    // (above) infers the admin.
    let own = run("My containers should hand back an idle card after half an hour.");
    assert_eq!(own.layers.len(), 1, "{:?}", own.layers);
    assert_eq!(tiers(&own), ["student", "researcher"]);
    assert!(
        own.tiers
            .iter()
            .flat_map(|t| &t.evidence)
            .any(|e| &*e.rule == "tier-user-own-things"),
        "{:?}",
        own.tiers
    );
    // A user command places the change outside the host: no admin inferred.
    let command = run("container-stop should hand back the card after half an hour.");
    assert!(
        !tiers(&command).iter().any(|t| t == "admin"),
        "{:?}",
        command.tiers
    );
}

/// A change to the warning before an idle or runtime stop leaves GPU reclaim as it is
/// (`none`); a change to the stop itself, or a warning about GPU quota, is GPU work.
#[test]
fn enforcement_notices_are_not_gpu_changes() {
    let gpu = |t: &str| run(t).gpu_impact.value.to_string();
    assert_eq!(
        gpu("The idle warning should say when the timeout was halved for high demand."),
        "none"
    );
    assert_eq!(
        gpu("bug: the max-runtime warning told me my container would stop in ~0 hours."),
        "none"
    );
    assert_eq!(
        gpu("Stop idle containers after two hours instead of four."),
        "both"
    );
    assert_ne!(
        gpu("The idle warning should also show how much of my GPU quota is left."),
        "none"
    );
}

/// The jobs service's key CLI is L3 and the admin's own tooling: a key request in the first
/// person stays the admin's, and users told by an admin-run job keep the admin beside them
/// (only a user's own things are a stated audience that blocks the inferred admin).
#[test]
fn key_admin_stays_the_admins_and_users_told_keep_the_admin() {
    let tiers = |a: &Analysis| a.tiers.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    let layers = |a: &Analysis| a.layers.iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    let key = run("I want key-create to print the key once and never store it in plain text.");
    assert_eq!(layers(&key), ["L3"], "{:?}", key.layers);
    assert_eq!(tiers(&key), ["admin"], "{:?}", key.tiers);
    let told =
        run("The idle reaper should email the owners a day before it removes stopped containers.");
    assert!(
        tiers(&told).iter().any(|t| t == "admin"),
        "{:?}",
        told.tiers
    );
    assert!(
        tiers(&told).iter().any(|t| t == "student"),
        "{:?}",
        told.tiers
    );
}

/// ds01-jobs API behaviour is L3; a job change that takes or frees GPUs also reaches the
/// wrapper and allocator (L0).
#[test]
fn jobs_reach_the_host_only_when_gpus_are_at_stake() {
    let layers = |a: &Analysis| a.layers.iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        layers(&run("ds01-submit list should page through my history.")),
        ["L3"]
    );
    let cancel = run("ds01-submit cancel should free the GPUs at once.");
    assert_eq!(layers(&cancel), ["L0", "L3"]);
    let l0 = &cancel.layers[0];
    assert!(
        l0.evidence.iter().any(|e| &*e.rule == "layer-jobs-gpu"),
        "{:?}",
        l0.evidence
    );
}

/// A layer read on under 40% of the main layer's evidence is context, not a layer the change
/// is made in: it is left out of the reading and listed as ignored, with why.
#[test]
fn a_weak_secondary_layer_is_set_aside_with_its_reason() {
    let a = run(
        "Make the docker wrapper, the cgroup slices and daemon.json agree on memory caps; container-list can show them later.",
    );
    let layers: Vec<&str> = a.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(layers, ["L0"], "{:?}", a.layers);
    let set_aside = a
        .suppressed
        .iter()
        .find(|s| s.reason.starts_with("a secondary layer: L2"))
        .unwrap_or_else(|| panic!("{:?}", a.suppressed));
    assert!(
        set_aside.reason.contains("main layer L0"),
        "{}",
        set_aside.reason
    );
    assert_eq!(set_aside.matched, "container-list");
    // Two layers of comparable weight both stay.
    let both =
        run("Give container deploy a --verbose mode that prints each container-create call.");
    let layers: Vec<&str> = both.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(layers, ["L2", "L3"]);
}

/// The opening questions ask a generic question only about what the text leaves open: a
/// ticket that names its audience is not asked who asked for it, one that names nobody is.
#[test]
fn a_generic_question_the_text_answers_is_not_asked_first() {
    let top = |text: &str| -> Vec<(String, bool)> {
        run(text)
            .questions
            .top
            .iter()
            .map(|q| {
                let generic = q.sources.iter().all(|s| s.starts_with("framework:"));
                (q.text.clone(), generic)
            })
            .collect()
    };
    let who = |qs: &[(String, bool)]| qs.iter().any(|q| q.0.starts_with("Who asked for this"));
    let open = top("The container-list output should be sorted by creation date.");
    assert!(who(&open), "{open:?}");
    let named = top("Students want the container-list output sorted by creation date.");
    assert!(!who(&named), "{named:?}");
    assert!(
        named.iter().any(|q| q.1),
        "another generic question takes its place: {named:?}"
    );
}

/// A mode's design choices come with a change to allocation: a docs fix that names MIG gets no
/// partitioning advice, a MIG change does.
#[test]
fn gpu_trade_offs_need_a_gpu_change() {
    let docs = gpu_reads(
        "The getting-started page still says every card is split into MIG slices; fix the wording.",
        "none",
    );
    assert!(docs.tradeoffs.is_empty(), "{:?}", docs.tradeoffs);
    let change = gpu_reads(
        "Split two of the A100s into MIG slices for the course.",
        "mig",
    );
    assert!(
        change.tradeoffs.iter().any(|t| t.rule == "gpu-mig"),
        "{:?}",
        change.tradeoffs
    );
}

/// Label names inside the summary keep their acronyms and names.
#[test]
fn the_summary_keeps_acronyms_in_label_names() {
    let a = run("Re-enable MIG on two of the four A100s for the course.");
    assert!(a.summary.contains("MIG slices only"), "{}", a.summary);
    assert!(!a.summary.contains("mig slices"), "{}", a.summary);
}

/// What a page is reported to say is the page's content: fixing the page raises none of the
/// risks and strains none of the principles its words would raise in a proposal, while the same
/// words written as the writer's own change still do.
#[test]
fn a_page_reported_on_raises_no_risk_and_strains_nothing() {
    let reported = run(
        "The commands page says seccomp is disabled in every container and that a keep-alive file holds a container for a week; fix the page.",
    );
    assert!(reported.risks.is_empty(), "{:?}", reported.risks);
    assert!(
        reported.principles.strained.is_empty(),
        "{:?}",
        reported.principles.strained
    );
    assert!(
        reported
            .tiers
            .iter()
            .flat_map(|t| &t.evidence)
            .all(|e| &*e.rule != "risk-security-surface"),
        "the security risk's admin went with it: {:?}",
        reported.tiers
    );
    let proposed = run(
        "Disable seccomp in every container and let a keep-alive file hold a container for a week.",
    );
    assert!(has(&proposed, "risk:security"));
    assert!(has(&proposed, "strains:ephemeral-containers"));
}

/// A limit's value stated today in one sentence and asked for in a later one decides the
/// direction, as "72h instead of 24h" does in one: longer relaxes, shorter tightens. Values of
/// different limits, a question that asks for no value, a value for other people kept as it is
/// and counts next to a time limit decide nothing; a later unrelated request does not hide it.
#[test]
fn a_limit_value_asked_for_after_todays_value_decides_the_direction() {
    let cue = |a: &Analysis, strained: bool, rule: &str, matched: &str| {
        let list = if strained {
            &a.principles.strained
        } else {
            &a.principles.supported
        };
        (list.iter())
            .flat_map(|f| &f.evidence)
            .any(|e| &*e.rule == rule && &*e.matched == matched)
    };
    let relax = run(
        "The 24h max runtime kills my container every night and I lose progress. \
                     Could students get 72h max runtime during thesis season? Please announce \
                     it on the mailing list.",
    );
    assert!(
        has(&relax, "strains:ephemeral-containers"),
        "{:?}",
        relax.principles
    );
    assert!(
        cue(&relax, true, "direction-relax", "72h"),
        "{:?}",
        relax.principles
    );
    // Read as strained (a keep-alive), turned by the shorter value asked for.
    let tighten = run(
        "Researchers keep containers alive for 72 hours with a keep-alive. \
                       Could the keep-alive be 12 hours for students?",
    );
    assert!(
        has(&tighten, "supports:ephemeral-containers"),
        "{:?}",
        tighten.principles
    );
    assert!(
        cue(&tighten, false, "direction-tighten", "12 hours"),
        "{:?}",
        tighten.principles
    );
    for text in [
        // Both only stated: no request, no question.
        "Students have a 24h max runtime. Researchers have a 72h max runtime.",
        // A question that asks for no new value.
        "Students get a 24h max runtime. Should researchers keep their 72h max runtime?",
        "Was the max runtime 24h before the upgrade?",
        // Values of two different limits.
        "The max runtime is 48h. Could the idle timeout be 2 hours?",
        // Counts next to a time limit are no durations of it.
        "Students run 3 jobs a day. Could thesis students run 10 jobs a day?",
    ] {
        let a = run(text);
        assert!(
            !cue(&a, true, "direction-relax", "2 hours")
                && !(a.principles.strained.iter().chain(&a.principles.supported))
                    .flat_map(|f| &f.evidence)
                    .any(|e| e.rule.starts_with("direction-")
                        && e.matched.contains(char::is_numeric)),
            "{text}: {:?}",
            a.principles
        );
    }
    // Today's value of the same limit is the one compared, not another limit's nearer by.
    let same = run(
        "The idle timeout is 1 hour and the max runtime is 48h. My notebook needs a \
                    keep-alive file so it survives lunch. Could the idle timeout be 2 hours?",
    );
    assert!(
        has(&same, "strains:ephemeral-containers"),
        "{:?}",
        same.principles
    );
    assert!(
        !cue(&same, false, "direction-tighten", "2 hours"),
        "{:?}",
        same.principles
    );
    // A later request that pairs with nothing does not hide the one that does.
    let two = run(
        "The 24h max runtime kills my run. Could students get 72h max runtime? \
                   Could we also get 2 GPUs per max runtime?",
    );
    assert!(
        cue(&two, true, "direction-relax", "72h"),
        "{:?}",
        two.principles
    );
}

/// A combination asks about its principles only when the text's words bear them out: a
/// principle only inferred (gpu-efficiency from any GPU impact) does not fire one, as a tier
/// that is not the text's subject does not.
#[test]
fn a_combination_needs_its_principles_read_from_the_text() {
    let set = ds01_pm::rules::defaults().expect("rules");
    let combo = (set.combinations.iter())
        .find(|c| c.id == "capacity-lent-beyond-quota")
        .expect("the combination");
    let fires =
        |a: &Analysis| ds01_pm::analyze::questions::combination_fires(set, a, combo, &a.concerns());
    let lent = run(
        "Let users borrow idle GPUs beyond their quota at night and reclaim them when \
                    others need them.",
    );
    assert!(fires(&lent), "{:?}", lent.principles);
    let bypass = run(
        "Let researchers bypass the docker wrapper with --privileged to profile their \
                      GPU kernels.",
    );
    // Both concerns are established, gpu-efficiency only by inference.
    assert!(
        has(&bypass, "supports:gpu-efficiency"),
        "{:?}",
        bypass.principles
    );
    assert!(
        has(&bypass, "strains:multi-tenant-isolation"),
        "{:?}",
        bypass.principles
    );
    assert!(!fires(&bypass), "{:?}", bypass.principles);
    assert!(
        !(bypass.questions.top.iter()).any(|q| q
            .sources
            .iter()
            .any(|s| s == "combo:capacity-lent-beyond-quota")),
        "{:?}",
        bypass.questions.top
    );
}

/// An exemption granted or asked for strains `ephemeral-containers`; exemptions as they are
/// kept (listed, warned about, expiring) only touch it.
#[test]
fn an_exemption_strains_only_when_granted_or_asked_for() {
    for text in [
        "I need an exemption from the idle timeout for my thesis run.",
        "Exempt my container from the runtime limit until Friday.",
    ] {
        let a = run(text);
        assert!(
            has(&a, "strains:ephemeral-containers"),
            "{text}: {:?}",
            a.principles
        );
    }
    for text in [
        "Send me a monthly list of who is currently exempt and why.",
        "Warn the user a week before their exemption runs out.",
    ] {
        let a = run(text);
        assert!(
            has(&a, "supports:ephemeral-containers") && !has(&a, "strains:ephemeral-containers"),
            "{text}: {:?}",
            a.principles
        );
    }
}

#[test]
fn who_may_reach_a_gpu_is_isolation_not_efficiency() {
    // Host access grants and device visibility are GPU matters of isolation: the GPU impact
    // stays, the inference that any GPU impact touches gpu-efficiency does not fire.
    for text in [
        "Give one postdoc bare-metal access to the GPUs for a day, closing by itself.",
        "Set CUDA_VISIBLE_DEVICES inside the container to the UUID of the allocated MIG instance.",
    ] {
        let a = run(text);
        assert_ne!(a.gpu_impact.value, "none", "{text}");
        assert!(
            has(&a, "supports:multi-tenant-isolation"),
            "{text}: {:?}",
            a.principles
        );
        assert!(
            !has(&a, "supports:gpu-efficiency"),
            "{text}: {:?}",
            a.principles
        );
    }
    // Where the text's own words are about use, the principle is read from them, beside access.
    let a = run("Give a postdoc bare-metal GPU access, and release the card after an hour idle.");
    assert!(has(&a, "supports:gpu-efficiency"), "{:?}", a.principles);
    // Without access words, any GPU impact still touches gpu-efficiency.
    let b = run("Use the 1g.10gb profile on two cards.");
    assert!(has(&b, "supports:gpu-efficiency"), "{:?}", b.principles);
}
