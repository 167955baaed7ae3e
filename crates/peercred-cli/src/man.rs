//! The man pages in man/ are generated from the same definitions as `--help`;
//! this test fails when they drift. Regenerate: `PEERCRED_BLESS=1 cargo test -p peercred-cli man`.

use clap::CommandFactory;
use roff::{bold, roman, Roff};

/// Every page: peercred.1, then peercred-SUBCOMMAND.1 for each subcommand.
fn pages() -> Vec<(String, Vec<u8>)> {
    // `peercred help` works, but has no page of its own.
    let mut top = crate::Cli::command().disable_help_subcommand(true);
    top.build();
    // After build(), a subcommand's display name is "peercred-who" and its bin name "peercred who".
    std::iter::once(&top)
        .chain(top.get_subcommands())
        .map(render)
        .collect()
}

/// clap_mangen's sections, with the description's lists and the exit statuses
/// rendered as roff lists (clap_mangen would fill them into one paragraph).
fn render(command: &clap::Command) -> (String, Vec<u8>) {
    let name = command
        .get_display_name()
        .unwrap_or(command.get_name())
        .to_owned();
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page).unwrap();
    man.render_name_section(&mut page).unwrap();
    man.render_synopsis_section(&mut page).unwrap();
    let mut roff = Roff::new();
    roff.control("SH", ["DESCRIPTION"]);
    text(&mut roff, &command.get_long_about().unwrap().to_string());
    page.extend(roff.to_roff().into_bytes());
    man.render_options_section(&mut page).unwrap();
    if command.has_subcommands() {
        man.render_subcommands_section(&mut page).unwrap();
    }
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    let statuses = crate::exit_status(command.get_name());
    // Without its "Exit status:" heading, which the section gives.
    text(&mut roff, statuses.split_once('\n').unwrap().1);
    roff.control("SH", ["SEE ALSO"]);
    let pages = [
        "peercred",
        "peercred-who",
        "peercred-kill",
        "peercred-wait",
        "peercred-serve",
    ];
    let see_also: Vec<String> = pages
        .iter()
        .filter(|page| **page != name)
        .map(|page| format!("{page}(1)"))
        .collect();
    roff.text([roman(see_also.join(", "))]);
    page.extend(roff.to_roff().into_bytes());
    man.render_version_section(&mut page).unwrap();
    (format!("{name}.1"), page)
}

/// Blank lines start paragraphs and `  key: meaning` lines become tagged list items.
fn text(roff: &mut Roff, text: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            roff.control("PP", []);
        } else if let Some((key, meaning)) = line
            .strip_prefix("  ")
            .and_then(|item| item.split_once(": "))
        {
            roff.control("TP", []);
            roff.text([bold(key)]);
            roff.text([roman(meaning)]);
        } else {
            roff.text([roman(line)]);
        }
    }
}

#[test]
fn man_pages_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let bless = std::env::var_os("PEERCRED_BLESS").is_some();
    for (file, page) in pages() {
        let path = dir.join(&file);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &page).unwrap();
        } else {
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == page,
                "{file} is stale: PEERCRED_BLESS=1 cargo test -p peercred-cli man"
            );
        }
    }
}
