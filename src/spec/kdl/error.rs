//! A syntax failure: where, what was expected and found, and how to fix it.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The default help: the two KDL 2 changes that trip people coming from KDL 1.
pub(super) const KDL2_HELP: &str = "KDL 2 needs strings with digits or spaces quoted (`window \"30d\"`) and booleans as `#true`/`#false`";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Syntax,
    /// Blocks nested beyond the limit: not a syntax error, a limit of vigil's.
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fail {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) message: String,
    pub(super) label: String,
    pub(super) help: Option<String>,
    pub(super) kind: Kind,
}

pub(super) type Result<T> = std::result::Result<T, Box<Fail>>;

impl Fail {
    pub(super) fn new(start: usize, end: usize, message: impl Into<String>, label: &str) -> Self {
        Self {
            start,
            end,
            message: message.into(),
            label: label.to_owned(),
            help: None,
            kind: Kind::Syntax,
        }
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(super) fn boxed(self) -> Box<Self> {
        Box::new(self)
    }

    pub(super) fn diagnostic(&self, file: FileId, text_len: usize) -> Diagnostic {
        let start = self.start.min(text_len);
        let span = Span::new(file, start, self.end.clamp(start, text_len));
        let code = match self.kind {
            Kind::Syntax => Code::Syntax,
            Kind::TooDeep => Code::Unsupported,
        };
        Diagnostic::new(code, span, self.message.clone())
            .label(self.label.clone())
            .help(self.help.clone().unwrap_or_else(|| String::from(KDL2_HELP)))
    }
}

/// How the character at a failure reads in a message.
pub(super) fn found(c: Option<char>) -> String {
    match c {
        None => String::from("the end of the file"),
        Some(c) if super::cursor::is_newline(c) => String::from("a line break"),
        Some(c) if super::cursor::is_unicode_space(c) => String::from("whitespace"),
        Some(c) if super::cursor::is_disallowed(c) || c.is_control() => {
            format!("the code point U+{:04X}", u32::from(c))
        }
        Some(c) => format!("`{c}`"),
    }
}
