//! The proposal template written by `ds01-pm new --template`. Guidance sits in HTML comments
//! (never counted as content); every section holds one `TODO:` line, so an untouched template
//! fails `ds01-pm check` with one placeholder finding per section.

/// The template, front matter first.
pub(crate) const TEMPLATE: &str = r#"+++
# Front matter (TOML). Same rules as a backlog.toml item, so an accepted proposal can be
# copied into the backlog. Uncomment the RICE fields once the proposal is accepted.
id = "TODO-short-kebab-id"
title = "TODO: one-line title"
status = "draft"          # draft | proposed | accepted | in-progress | implemented | rejected | withdrawn
author = "TODO: your name"
tiers = []                # any of "student", "researcher" (faculty counts here), "admin"
# reach = 40              # users per semester (the backlog's default reach period)
# impact = "medium"       # 3 / 2 / 1 / 0.5 / 0.25, or massive / high / medium / low / minimal
# confidence = "80%"      # 0.5 to 1.0, or "50%" to "100%"
# effort = "M"            # person-weeks, or a t-shirt size XS / S / M / L / XL
# depends_on = []         # ids of backlog items this needs first
+++

# TODO: Proposal title

<!-- One paragraph: what you want to change and for whom. Check this file with
     `ds01-pm check FILE`; `ds01-pm questions -f FILE --format markdown` prints the questions
     a DS01 PM will ask about it. To silence a finding that does not apply, put an HTML
     comment `ds01-pm: allow CODE reason="why"` in the section it is about. -->

## Problem

<!-- What hurts, for whom, how often? Link evidence: ds01-hub issues, events.jsonl,
     office-hours notes, the GPU waste dashboards. -->

TODO: describe the problem.

## Users and current workflow

<!-- Which tiers (students, researchers/faculty, the admin) and how many people? What do they
     do today (which commands: project launch, container deploy, raw docker, ds01-submit...)
     and what does the workaround cost them? -->

TODO: describe who is affected and how they work today.

## Proposed change

<!-- What changes, at which layer (L0 docker wrapper and enforcement, L1 AIME MLC, L2 atomic
     commands, L3 orchestrators, L4 wizards), and what a user sees. -->

TODO: describe the change.

## Success metrics

<!-- Which number or complaint should change, and by how much: GPU-hours wasted, queue wait,
     ds01-hub issues per month, time from first login to a running container. -->

TODO: say how we will know it worked.

## Alternatives considered

<!-- Build a small piece, buy or integrate an existing tool, configure what exists
     (resource-limits.yaml, lifecycle-exemptions.yaml), teach or document, or do nothing.
     Required when the proposal adds a heavy dependency (a scheduler, a database). -->

TODO: compare the alternatives.

## GPU and MIG impact

<!-- Does this change GPU allocation, release, visibility, quota (gpueq) or utilisation?
     MIG slices, full GPUs or both? Say what a user sees when no GPU or MIG slice is free:
     a queue, a refusal with the next step, a CPU-only fallback. "None" is a fine answer
     when it is true. -->

TODO: answer this section.

## Principles and exceptions

<!-- Which DS01 principles does this support or strain (ephemeral-containers,
     persistent-workspaces, gpu-efficiency, multi-tenant-isolation, interactive-first,
     progressive-disclosure, dispatcher-consistency, aime-foundation)? Name each strained
     principle and justify the exception: why, for whom, how it is limited. -->

TODO: name the principles this supports or strains.

## Rollout and rollback

<!-- How it ships (ds01-sync tag, staging smoke test, feature switch), when (maintenance
     window if running containers are affected), how users are told, and how it is rolled
     back. If data can be lost: the backup or restore plan. -->

TODO: describe the rollout and the rollback.

## Open questions

<!-- Paste `ds01-pm questions -f FILE --format markdown` here, answer each question below its
     item and tick it (`- [x]`). -->

TODO: list the open questions.
"#;

#[cfg(test)]
mod tests {
    use super::super::proposal::{SECTIONS, scan};
    use super::TEMPLATE;

    #[test]
    fn template_has_every_section_and_front_matter() {
        let doc = scan(TEMPLATE, &[]);
        assert!(doc.front_matter.is_some());
        for (id, title) in SECTIONS {
            let s = doc
                .section(id)
                .unwrap_or_else(|| panic!("template lacks {id}"));
            assert_eq!(s.heading.text, *title);
        }
    }
}
