//! `samlcheck pair` (not implemented yet).

use crate::common::Ctx;
use std::process::ExitCode;

/// Arguments of `samlcheck pair`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files.
    pub files: Vec<std::path::PathBuf>,
}

pub fn run(_args: &Args, _ctx: &Ctx) -> ExitCode {
    crate::common::usage_error("this subcommand is not implemented yet")
}
