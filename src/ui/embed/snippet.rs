//! "Copy embed code": the HTML a documentation page pastes to show this scenario — an
//! `<iframe>` of the embed URL, or the loader (`embed.js`) and a `<kafka-playground>` element
//! whose attributes are the same parameters. Pure text building; every value is
//! percent-encoded in the URL and escaped in attributes, so a topic name with markup in it
//! stays text.

use super::params::EmbedView;

/// What goes into a snippet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SnippetInput {
    /// The playground's page (`https://host/path/`), without query or fragment.
    pub base: String,
    /// A share link's payload (`to_fragment` without `s=`).
    pub scenario: Option<String>,
    pub views: Vec<EmbedView>,
    /// Passed on as they were given to this page.
    pub theme: Option<String>,
    pub lang: Option<String>,
    /// The iframe's height in CSS pixels.
    pub height: u32,
}

/// The height a snippet asks for when nothing else is known.
pub const DEFAULT_HEIGHT: u32 = 600;

/// A view as `view=` writes it.
pub fn view_text(view: &EmbedView) -> String {
    match view {
        EmbedView::Cluster => "cluster".into(),
        EmbedView::Topics => "topics".into(),
        EmbedView::Terminal => "terminal".into(),
        EmbedView::Lesson => "lesson".into(),
        EmbedView::Events => "events".into(),
        EmbedView::Producers => "producers".into(),
        EmbedView::Groups => "groups".into(),
        EmbedView::Network => "network".into(),
        EmbedView::Metrics => "metrics".into(),
        EmbedView::Config => "config".into(),
        EmbedView::Partition(None) => "partition".into(),
        EmbedView::Partition(Some((topic, partition))) => format!("partition:{topic}:{partition}"),
        EmbedView::Files(None) => "files".into(),
        EmbedView::Files(Some(id)) => format!("files:{id}"),
    }
}

impl SnippetInput {
    /// The parameters, in a fixed order, each once (the loader's attributes too).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(payload) = &self.scenario {
            params.push(("scenario", payload.clone()));
        }
        if !self.views.is_empty() {
            let views: Vec<String> = self.views.iter().map(view_text).collect();
            params.push(("view", views.join(",")));
        }
        if let Some(theme) = &self.theme {
            params.push(("theme", theme.clone()));
        }
        if let Some(lang) = &self.lang {
            params.push(("lang", lang.clone()));
        }
        params
    }

    /// The embed's URL: the page with `?embed=1` and the parameters.
    pub fn url(&self) -> String {
        let mut url = format!("{}?embed=1", self.base);
        for (key, value) in self.params() {
            url.push_str(&format!("&{key}={}", encode(&value)));
        }
        url
    }

    /// `<iframe src=…>` sized to [`SnippetInput::height`].
    pub fn iframe(&self) -> String {
        format!(
            "<iframe src=\"{}\" title=\"Kafka Playground\" width=\"100%\" height=\"{}\" style=\"border:0\" loading=\"lazy\"></iframe>",
            escape(&self.url()),
            self.height
        )
    }

    /// The loader script and a `<kafka-playground>` element with the same parameters.
    pub fn loader(&self) -> String {
        let mut element = String::from("<kafka-playground");
        for (key, value) in self.params() {
            element.push_str(&format!(" {key}=\"{}\"", escape(&value)));
        }
        element.push_str(&format!(" height=\"{}\"></kafka-playground>", self.height));
        format!(
            "<script src=\"{}\" defer></script>\n{element}",
            escape(&format!("{}embed.js", self.base_dir()))
        )
    }

    /// The folder the page is in (where `embed.js` is copied beside `index.html`).
    fn base_dir(&self) -> &str {
        match self.base.rfind('/') {
            Some(slash) => &self.base[..=slash],
            None => &self.base,
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `:` `,` (kept readable
/// in `view=partition:orders:0,terminal`).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~:,".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Escapes text for an HTML attribute value in double quotes (and for text content).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
