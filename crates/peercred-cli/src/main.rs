//! `peercred who PATH [--json]` and `peercred serve PATH`.

mod names;
mod peer;
mod serve;
mod who;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: peercred who PATH [--json]   who serves the Unix socket at PATH
       peercred serve PATH          listen on PATH and print each client's credentials
       peercred --help | --version

who: connects to PATH and prints the server's pid, uid, gid, user and group
names and executable, as the kernel recorded them (SO_PEERCRED): a pid file
that cannot lie. Exit status 1 when nothing answers at PATH, 2 on usage errors.
--json prints one object: {\"pid\": int|null, \"uid\": int, \"gid\": int,
\"user\": str|null, \"group\": str|null, \"exe\": str|null}; null = unknown.

serve: replaces a stale socket file at PATH, refuses a live one, and removes
its socket on SIGINT/SIGTERM.";

enum Command {
    Who { path: PathBuf, json: bool },
    Serve { path: PathBuf },
    Help,
    Version,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if args.iter().any(|a| *a == "--help" || *a == "-h") {
        return Ok(Command::Help);
    }
    match args.as_slice() {
        ["--version"] => Ok(Command::Version),
        ["help"] => Ok(Command::Help),
        ["who", rest @ ..] => {
            let json = rest.contains(&"--json");
            match rest
                .iter()
                .filter(|a| **a != "--json")
                .collect::<Vec<_>>()
                .as_slice()
            {
                [path] if !path.starts_with('-') => Ok(Command::Who {
                    path: path.into(),
                    json,
                }),
                _ => Err("who takes one PATH and an optional --json".into()),
            }
        }
        ["serve", path] if !path.starts_with('-') => Ok(Command::Serve { path: path.into() }),
        ["serve", ..] => Err("serve takes one PATH".into()),
        [] => Err("a command is needed".into()),
        [other, ..] => Err(format!("unknown command {other:?}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Who { path, json }) => who::run(&path, json),
        Ok(Command::Serve { path }) => serve::run(&path),
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("peercred {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("peercred: {problem}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
