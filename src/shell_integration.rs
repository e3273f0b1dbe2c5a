//! Shell completions (clap_complete) and manual pages (clap_mangen), generated from the same
//! clap definition as `--help`, so they never drift from the real flags.
use clap::CommandFactory;

use crate::cli::Cli;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ds01-pm", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        // clap_complete's bash generator spells a subcommand's state `ds01__pm__subcmd__score`
        // in its dispatch loop but `ds01__subcmd__pm__subcmd__score` in the case arms when the
        // binary name has a hyphen, so options after a subcommand never complete
        // (clap-rs/clap#6421, unfixed in the release we use). Spell the arms like the loop.
        clap_complete::Shell::Bash => script.replace("ds01__subcmd__pm", "ds01__pm"),
        _ => script,
    }
}

fn render(cmd: clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .expect("rendering a man page into memory cannot fail");
    out
}

/// The top-level manual page.
pub fn man_page() -> String {
    String::from_utf8_lossy(&render(Cli::command())).into_owned()
}

/// Every page: `ds01-pm.1`, then `ds01-pm-COMMAND.1` (and `ds01-pm-rules-list.1` for nested
/// commands), as (file name, roff).
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut root = Cli::command();
    root.build();
    let mut out = vec![("ds01-pm.1".to_owned(), render(root.clone()))];
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{prefix}-{}", sub.get_name());
            let page = sub.clone().name(name.clone());
            out.push((format!("{name}.1"), render(page)));
            walk(sub, &name, out);
        }
    }
    walk(&root, "ds01-pm", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_know_every_command() {
        let bash = completions(clap_complete::Shell::Bash);
        for cmd in Cli::command().get_subcommands() {
            assert!(bash.contains(cmd.get_name()), "{}", cmd.get_name());
        }
        assert!(completions(clap_complete::Shell::Fish).contains("complete -c ds01-pm"));
        assert!(completions(clap_complete::Shell::Zsh).starts_with("#compdef ds01-pm"));
    }

    #[test]
    fn one_man_page_per_command() {
        let pages = man_pages();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"ds01-pm.1"));
        assert!(names.contains(&"ds01-pm-score.1"));
        assert!(names.contains(&"ds01-pm-rules-list.1"));
        let score = &pages
            .iter()
            .find(|(n, _)| n == "ds01-pm-score.1")
            .expect("page")
            .1;
        let score = String::from_utf8_lossy(score);
        assert!(
            score.starts_with(".ie") || score.contains(".TH ds01-pm-score"),
            "{score}"
        );
        assert!(score.contains("critical"), "the page documents the flags");
    }
}
