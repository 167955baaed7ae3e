//! include/peercred.h is generated from this crate and committed. This test
//! regenerates it and fails on any difference, so the header cannot drift from
//! the library; `PEERCRED_BLESS=1` rewrites it instead.

use std::path::Path;

#[test]
fn committed_header_matches_the_crate() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../../include/peercred.h");
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .with_after_include(version_macros())
        .generate()
        .expect("cbindgen could not generate the header")
        .write(&mut generated);

    if std::env::var_os("PEERCRED_BLESS").is_some() {
        std::fs::write(&header_path, &generated).expect("write include/peercred.h");
        return;
    }
    let committed = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/peercred.h differs from what crates/peercred-ffi generates; if the change \
         is intended, run: PEERCRED_BLESS=1 cargo test -p peercred-ffi --test header"
    );
}

/// The version macros come from the crate version, so a version bump shows as drift.
fn version_macros() -> String {
    format!(
        "\n#define PEERCRED_VERSION_MAJOR {}\n#define PEERCRED_VERSION_MINOR {}\n#define PEERCRED_VERSION_PATCH {}\n",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    )
}
