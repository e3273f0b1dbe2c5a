//! Fuzz target `rules`: see `ds01_pm_fuzz::rules` for what it feeds and what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ds01_pm_fuzz::rules(data);
});
