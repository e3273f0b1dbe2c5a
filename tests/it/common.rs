//! What the integration tests share.
use std::path::Path;

use assert_cmd::Command;

/// The repository root: fixtures and rules are named relative to it.
pub(crate) const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The binary, run in `cwd`, without the environment that would change its output
/// (`NO_COLOR`, `DS01_PM_RULES`).
pub(crate) fn ds01_in(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("ds01-pm").expect("binary");
    c.env_remove("NO_COLOR").env_remove("DS01_PM_RULES");
    c.current_dir(cwd);
    c
}

/// The binary, run from the repository root (see [`ds01_in`]).
pub(crate) fn ds01() -> Command {
    ds01_in(Path::new(ROOT))
}

/// Runs `cmd`, which must succeed (`context` and its standard error otherwise), and returns
/// its standard output.
pub(crate) fn stdout_of(cmd: &mut Command, context: &str) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{context}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}
