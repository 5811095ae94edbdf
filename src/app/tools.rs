//! Commands that need no spec: `init`, `completions`, `man`.

use super::{EXIT_FAILURE, Outcome};
use crate::cli::Cli;

pub(super) fn init(dir: &std::path::Path) -> Outcome {
    let files = crate::scaffold::starter();
    match crate::write::scaffold(dir, &files) {
        Ok(written) => {
            let mut stderr = String::new();
            for file in written {
                stderr.push_str(&format!("created {}\n", dir.join(file).display()));
            }
            stderr.push_str("next: edit the spec, then run `vigil generate`\n");
            Outcome {
                stderr,
                ..Outcome::default()
            }
        }
        Err(error) => Outcome {
            stderr: format!("error: {error}\n"),
            code: EXIT_FAILURE,
            ..Outcome::default()
        },
    }
}

pub(super) fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "vigil", &mut bytes);
    Outcome {
        stdout: String::from_utf8_lossy(&bytes).into_owned(),
        ..Outcome::default()
    }
}

pub(super) fn man() -> Outcome {
    let command = <Cli as clap::CommandFactory>::command();
    let mut bytes = Vec::new();
    match clap_mangen::Man::new(command).render(&mut bytes) {
        Ok(()) => Outcome {
            stdout: String::from_utf8_lossy(&bytes).into_owned(),
            ..Outcome::default()
        },
        Err(error) => Outcome {
            stderr: format!("error: {error}\n"),
            code: EXIT_FAILURE,
            ..Outcome::default()
        },
    }
}
