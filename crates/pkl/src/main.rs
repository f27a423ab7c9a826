//! `pkl`: look into, convert and check Python pickles without Python and
//! without running anything from them.
//!
//! Every command reads FILE (or `-` for standard input), which may hold
//! several pickles written one after another. Any error prints one line
//! starting `error:` on standard error and exits with status 1; `pkl scan`
//! exits with status 2 when it finds a dangerous global. Inputs of 32 MiB
//! and more show a progress bar on standard error when it is a terminal.

#![forbid(unsafe_code)]

mod cmd;
mod input;
mod progress;

use pkl::{persistent, render};

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pickle::{DecodeErrors, Encoding, LoadOptions};

/// Look into, convert and check Python pickles — nothing in them is run.
#[derive(Parser)]
#[command(name = "pkl", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Disassemble the first pickle exactly as `python3 -m pickletools FILE` does.
    ///
    /// Example: pkl dis model.pkl
    Dis {
        /// The pickle file, or - for standard input.
        file: String,
    },
    /// Load each pickle (unknown classes become inert stand-ins) and print it.
    ///
    /// Built-in values print as Python's repr(); objects of unknown classes
    /// print how the pickle builds them, e.g. `<collections.OrderedDict() setitem={'a': 1}>`.
    ///
    /// Example: pkl show --encoding latin1 py2-cache.pkl
    Show {
        /// The pickle file, or - for standard input.
        file: String,
        /// How Python 2 `str` data is decoded: ASCII, latin1, utf-8 or bytes.
        #[arg(long, default_value = "ASCII")]
        encoding: String,
        /// The decoding error handler: strict, replace, ignore, surrogateescape, backslashreplace.
        #[arg(long, default_value = "strict")]
        errors: String,
    },
    /// Load each pickle and write it again at another protocol.
    ///
    /// Example: pkl convert -p 2 new.pkl old-python.pkl
    Convert {
        /// The protocol to write (0 to 5; negative means the highest).
        #[arg(short, long, default_value_t = 4, allow_negative_numbers = true)]
        protocol: i32,
        /// The pickle file to read, or - for standard input.
        input: String,
        /// The file to write, or - for standard output.
        output: String,
    },
    /// Time loading and re-dumping; prints one JSON line.
    ///
    /// Example: pkl bench --iters 100 data.pkl
    Bench {
        /// The pickle file, or - for standard input.
        file: String,
        /// How many times to load and dump.
        #[arg(long, default_value_t = 10)]
        iters: u32,
    },
    /// List the globals each pickle would import and the calls it would make;
    /// exit with status 2 if any is dangerous (os, subprocess, eval, ...).
    ///
    /// Example: pkl scan downloaded-model.pkl
    Scan {
        /// The pickle file, or - for standard input.
        file: String,
    },
    /// Print each pickle as one line of JSON (sharing and cycles explicit).
    ///
    /// Example: pkl json session.pkl | jq .
    Json {
        /// The pickle file, or - for standard input.
        file: String,
    },
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Dis { file } => cmd::dis::run(&input::read(&file)?)?,
        Command::Show {
            file,
            encoding,
            errors,
        } => {
            let options = LoadOptions::new()
                .encoding(Encoding::from_name(&encoding).map_err(|e| e.to_string())?)
                .errors(DecodeErrors::from_name(&errors).map_err(|e| e.to_string())?);
            cmd::show::run(&input::read(&file)?, &options)?
        }
        Command::Convert {
            protocol,
            input,
            output,
        } => cmd::convert::run(&input::read(&input)?, protocol, &output)?,
        Command::Bench { file, iters } => cmd::bench::run(&input::read(&file)?, iters)?,
        Command::Scan { file } => {
            if cmd::scan::run(&input::read(&file)?)? > 0 {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Json { file } => cmd::json::run(&input::read(&file)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            // One line, whatever the message holds (CPython's persistent-id
            // message has a newline in it).
            eprintln!("error: {}", message.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}
