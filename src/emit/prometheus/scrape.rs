//! Scrape-config snippets per service.

use crate::emit::Artifact;
use crate::model::Model;

pub(crate) fn emit(_model: &Model) -> Vec<Artifact> {
    Vec::new()
}
