//! Diagnostics: where, what, and what to write instead.
//!
//! Every error the loader and the checker find becomes a [`Diagnostic`]
//! pushed into a [`Diagnostics`] sink, so one run reports every problem in
//! every file (serde_derive's `Ctxt` model) instead of stopping at the first.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde_saphyr::{Location, Spanned};
use std::fmt;
use std::sync::Arc;

/// A schema file's text, shared by all diagnostics that point into it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user (relative to the working directory where possible).
    pub path: String,
    pub text: String,
}

/// A position in a schema file (1-based line and column).
#[derive(Clone, Debug)]
pub struct Pos {
    pub file: Arc<SourceFile>,
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn at(file: &Arc<SourceFile>, loc: Location) -> Pos {
        Pos {
            file: file.clone(),
            line: loc.line().max(1) as usize,
            column: loc.column().max(1) as usize,
        }
    }
    pub fn of<T>(file: &Arc<SourceFile>, s: &Spanned<T>) -> Pos {
        Pos::at(file, s.referenced)
    }
    pub fn start(file: &Arc<SourceFile>) -> Pos {
        Pos {
            file: file.clone(),
            line: 1,
            column: 1,
        }
    }

    /// Byte range of the token at this position (up to the end of the word or
    /// quoted scalar), for underlining.
    fn byte_range(&self) -> std::ops::Range<usize> {
        let text = &self.file.text;
        let line_start: usize = text.split_inclusive('\n').take(self.line - 1).map(str::len).sum();
        let line = text[line_start.min(text.len())..].split('\n').next().unwrap_or("");
        let col_byte = line.char_indices().nth(self.column - 1).map(|(i, _)| i).unwrap_or(line.len());
        let rest = &line[col_byte..];
        let key_end = rest
            .match_indices(':')
            .find(|(i, _)| rest[i + 1..].is_empty() || rest[i + 1..].starts_with(' '))
            .map(|(i, _)| i);
        let len = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].find(q).map(|i| i + 2).unwrap_or(rest.len()),
            _ => rest
                .find([',', '}', ']', '#'])
                .unwrap_or(rest.len())
                .min(key_end.unwrap_or(rest.len())),
        };
        let len = rest[..len.min(rest.len())].trim_end().len().max(1).min(rest.len().max(1));
        let start = line_start + col_byte;
        start..(start + len).min(text.len().max(start))
    }
}

/// One problem in a schema file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub pos: Pos,
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            pos,
            message: message.into(),
            help: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic the way cargo does: a title, the file
    /// position, the offending line underlined, and the help.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let range = self.pos.byte_range();
        let title = Level::ERROR.primary_title(&self.message).element(
            Snippet::source(self.pos.file.text.as_str())
                .path(self.pos.file.path.as_str())
                .annotation(AnnotationKind::Primary.span(range)),
        );
        let title = match &self.help {
            Some(h) => title.element(Level::HELP.message(h.as_str())),
            None => title,
        };
        renderer.render(&[title])
    }
}

/// `file:line:col: error: message` plus the help on a second line: the
/// one-line form for logs and tests.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.pos.file.path, self.pos.line, self.pos.column, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// All the diagnostics of one run, in the order found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.push(Diagnostic::new(pos, message));
    }
    pub fn error_help(&mut self, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        self.push(Diagnostic::new(pos, message).help(help));
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The closest of `candidates` to `wrong`, if it is close enough to be the
/// likely intent (a typo, a case slip, a missing underscore).
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace(['_', '-', ' '], "");
    let wrong_n = norm(wrong);
    candidates
        .into_iter()
        .map(|c| {
            let score = if norm(c) == wrong_n {
                1.0
            } else {
                strsim::jaro_winkler(&wrong_n, &norm(c))
            };
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Renders a list of names for a help line: `a`, `b` or `c`.
pub fn one_of_list<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
