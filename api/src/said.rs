//! Texts in both languages of the interface. The web app speaks Chinese, with English on
//! `?lang=en`; the command line and the logs speak English. A message that carries figures
//! (an import problem, a validation) is written in both languages where the figures are
//! known, and the page picks one: no page translates a sentence it did not build.

/// A message in both languages of the interface: importers say what they expected and what
/// they found in English and in Chinese, and the page shows the one of its language (the
/// CLI and logs print English). Written at the place that knows the figures, so no page ever
/// has to translate a sentence it did not build.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Said {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

/// A text given in one language only (an English message from a lower layer, a value): shown
/// as it is on every page. Prefer [`Said::new`] or `said!` for anything a user reads.
impl From<String> for Said {
    fn from(text: String) -> Self {
        Said::same(text)
    }
}

impl From<&str> for Said {
    fn from(text: &str) -> Self {
        Said::same(text)
    }
}

impl Said {
    /// Both texts.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Said {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The same text in both languages (a value, a name, a cell's content).
    pub fn same(text: impl Into<String>) -> Self {
        let t = text.into();
        Said {
            en: t.clone(),
            zh: t,
        }
    }

    /// The text of a page language (`zh`, else English).
    #[must_use]
    pub fn in_lang(&self, lang: &str) -> &str {
        if lang == "zh" && !self.zh.is_empty() {
            &self.zh
        } else {
            &self.en
        }
    }
}

/// `said!("a date in {m}", "{m} 内的日期")`: a [`Said`] of two format strings with the same
/// arguments (named captures work in both).
#[macro_export]
macro_rules! said {
    ($en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        $crate::said::Said {
            en: format!($en $(, $arg)*),
            zh: format!($zh $(, $arg)*),
        }
    };
}
