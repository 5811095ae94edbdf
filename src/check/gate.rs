//! The one rule for features a target version lacks: a `vigil::target::version` error
//! naming the feature, the version it needs and the target, with the way out.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Targets, Version};
use crate::source::Span;

/// A tool whose version the spec's `targets` pins.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tool {
    Prometheus,
    Alertmanager,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Prometheus => "Prometheus",
            Tool::Alertmanager => "Alertmanager",
        }
    }

    fn keyword(self) -> &'static str {
        match self {
            Tool::Prometheus => "prometheus",
            Tool::Alertmanager => "alertmanager",
        }
    }

    fn target(self, targets: &Targets) -> Version {
        match self {
            Tool::Prometheus => targets.prometheus,
            Tool::Alertmanager => targets.alertmanager,
        }
    }
}

/// `Err` with the diagnostic when `feature` (as the spec spells it) at `span` needs a
/// newer `tool` than the target.
pub(crate) fn supported(
    targets: &Targets,
    tool: Tool,
    since: Version,
    feature: &str,
    span: Span,
) -> Result<(), Box<Diagnostic>> {
    let target = tool.target(targets);
    if target >= since {
        return Ok(());
    }
    let (name, keyword) = (tool.name(), tool.keyword());
    Err(Box::new(
        Diagnostic::new(
            Code::TargetVersion,
            span,
            format!("`{feature}` needs {name} {since}; the target is {target}"),
        )
        .label("not supported by the target")
        .help(format!(
            "raise `targets {{ {keyword} \"{since}\" }}` once your {name} runs it"
        )),
    ))
}
