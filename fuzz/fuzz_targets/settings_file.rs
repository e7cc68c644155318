//! Any bytes as a settings file: loading never panics, and whatever loads validates or is refused
//! with an error (never a panic in URL normalisation or size checks).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(settings) = serde_json::from_slice::<haemong_lib::settings::Settings>(data) {
        if let Ok(valid) = settings.validated() {
            // Validation is idempotent: what was saved loads and validates to itself.
            let again = serde_json::to_vec(&valid).unwrap();
            let reloaded: haemong_lib::settings::Settings = serde_json::from_slice(&again).unwrap();
            assert_eq!(reloaded.clone().validated().unwrap(), valid);
        }
    }
});
