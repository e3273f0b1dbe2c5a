// The tags of the pre-parsed rule trees' nodes, shared by the writer (`build/embedded_rules.rs`,
// at build time) and the reader (`src/rules/preparsed.rs`), which both `include!` this file.
const STRING: u8 = 0;
const INTEGER: u8 = 1;
const FLOAT: u8 = 2;
const BOOLEAN: u8 = 3;
const ARRAY: u8 = 4;
const TABLE: u8 = 5;
const UNSIGNED: u8 = 6;
