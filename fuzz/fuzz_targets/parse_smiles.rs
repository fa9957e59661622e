#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| matfuse_fuzz::check_smiles(data));
