//! Prints the public API of a crate, read from its rustdoc JSON, one item a
//! line: the lines cargo-public-api prints, from the same library, without
//! building cargo-public-api's command line and its hundred dependencies.
//! Blanket impls (`impl<T> From<T> for T`) are left out: they come with every
//! type and say nothing about this crate.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(json) = std::env::args_os().nth(1) else {
        eprintln!("usage: peercred-rust-surface TARGET/doc/CRATE.json");
        return ExitCode::from(2);
    };
    match public_api::Builder::from_rustdoc_json(json)
        .omit_blanket_impls(true)
        .build()
    {
        Ok(api) => {
            for item in api.items() {
                println!("{item}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("peercred-rust-surface: {err}");
            ExitCode::FAILURE
        }
    }
}
