//! The engine has no back edges: no two top-level modules under `src/` depend on each other,
//! directly or through others. Edges are `crate::<module>` paths outside `#[cfg(test)]` modules
//! (the same reading as `../shared/tools/module-cycles.py`). A module that needs something from
//! a layer above has found a piece that belongs lower: move the piece, never add the edge.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module name -> the other top-level modules it names.
fn module_edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let single = regex::Regex::new(r"crate::(\w+)").expect("regex");
    let grouped = regex::Regex::new(r"crate::\{([^}]*)\}").expect("regex");
    let test_mod = regex::Regex::new(r"#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod\s+\w+\s*\{")
        .expect("regex");
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let rel = path.strip_prefix(src).expect("under src");
        let first = rel.components().next().expect("a component");
        let name = first.as_os_str().to_string_lossy();
        let name = name.strip_suffix(".rs").unwrap_or(&name).to_owned();
        if name == "lib" || name == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source file");
        let text = test_mod
            .find(&text)
            .map_or(text.as_str(), |m| &text[..m.start()]);
        let deps = edges.entry(name).or_default();
        deps.extend(single.captures_iter(text).map(|c| c[1].to_owned()));
        for g in grouped.captures_iter(text) {
            for part in g[1].split([',', ' ', '\n', '\t']) {
                let head = part.split("::").next().unwrap_or("").trim();
                if !head.is_empty() {
                    deps.insert(head.to_owned());
                }
            }
        }
    }
    let known: BTreeSet<String> = edges.keys().cloned().collect();
    for (name, deps) in &mut edges {
        deps.retain(|d| d != name && known.contains(d));
    }
    edges
}

/// The modules reachable from `start` (without `start` itself unless on a cycle).
fn reachable(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = edges[start].iter().map(String::as_str).collect();
    while let Some(m) = stack.pop() {
        if seen.insert(m.to_owned()) {
            stack.extend(edges[m].iter().map(String::as_str));
        }
    }
    seen
}

#[test]
fn no_cycle_between_top_level_modules() {
    let edges = module_edges(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(edges.len() > 10, "modules found: {:?}", edges.keys());
    let reach: BTreeMap<&str, BTreeSet<String>> = edges
        .keys()
        .map(|m| (m.as_str(), reachable(&edges, m)))
        .collect();
    let cycles: Vec<String> = reach
        .iter()
        .filter(|(m, r)| r.contains(**m))
        .map(|(m, r)| {
            let back: Vec<&str> = r
                .iter()
                .filter(|o| reach[o.as_str()].contains(*m))
                .map(String::as_str)
                .collect();
            format!("{m} <-> {}", back.join(", "))
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "top-level modules in a dependency cycle (move the shared piece down a layer):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path();
    std::fs::write(src.join("a.rs"), "use crate::b::X;\n").expect("write");
    std::fs::create_dir(src.join("b")).expect("mkdir");
    std::fs::write(
        src.join("b/mod.rs"),
        "use crate::{a::Y, c};\n#[cfg(test)]\nmod tests {\n use crate::c::Z;\n}\n",
    )
    .expect("write");
    std::fs::write(src.join("c.rs"), "pub(crate) fn f() { crate::a::g() }\n").expect("write");
    let edges = module_edges(src);
    assert!(reachable(&edges, "a").contains("a"));
    assert!(reachable(&edges, "c").contains("c"));
    std::fs::write(src.join("c.rs"), "// no edges\n").expect("write");
    let edges = module_edges(src);
    assert!(reachable(&edges, "a").contains("a"), "a <-> b directly");
    assert!(!reachable(&edges, "c").contains("c"));
}
