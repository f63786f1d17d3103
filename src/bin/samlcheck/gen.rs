//! `samlcheck completions SHELL` and `samlcheck man`: generated from the clap definitions.

use std::process::ExitCode;

/// Shells with a completion script.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// Arguments of `samlcheck completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `samlcheck man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {}

/// Writes the completion script for one shell.
pub fn completions(args: &CompletionsArgs, mut cmd: clap::Command) -> ExitCode {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "samlcheck", &mut buf);
    write(&buf)
}

/// Writes the manual page (its SUBCOMMANDS section lists every subcommand; `samlcheck
/// COMMAND --help` has each one's options).
pub fn man(_args: &ManArgs, cmd: clap::Command) -> ExitCode {
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
        return crate::common::input_error(&format!("cannot write the manual page: {e}"));
    }
    write(&buf)
}

fn write(buf: &[u8]) -> ExitCode {
    match crate::common::emit(&String::from_utf8_lossy(buf)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(c) => c,
    }
}
