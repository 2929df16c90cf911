//! The little markdown lessons are written in, as HTML: paragraphs (blank-line separated),
//! `- ` lists, `` `code` ``, `**bold**` and fenced blocks shown as preformatted text. Text is
//! never parsed as HTML, so a lesson cannot inject markup.

use yew::prelude::*;

/// Renders `text` as paragraphs, lists and preformatted blocks.
pub fn render(text: &str) -> Html {
    let mut blocks: Vec<Html> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut lines = text.lines();
    let flush = |paragraph: &mut Vec<&str>, items: &mut Vec<String>, blocks: &mut Vec<Html>| {
        if !paragraph.is_empty() {
            blocks.push(html! { <p>{ inline(&paragraph.join(" ")) }</p> });
            paragraph.clear();
        }
        if !items.is_empty() {
            blocks.push(
                html! { <ul>{ for items.iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ul> },
            );
            items.clear();
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut items, &mut blocks);
            let code: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(html! { <pre><code>{ code.join("\n") }</code></pre> });
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut items, &mut blocks);
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut paragraph, &mut items, &mut blocks);
            }
            items.push(item.to_string());
        } else if let (Some(last), true) = (items.last_mut(), line.starts_with("  ")) {
            // A list item's continuation line.
            last.push(' ');
            last.push_str(trimmed);
        } else {
            if !items.is_empty() {
                flush(&mut paragraph, &mut items, &mut blocks);
            }
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut items, &mut blocks);
    html! { <>{ for blocks }</> }
}

/// `code` and **bold** inside a line.
fn inline(text: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let code = rest.find('`');
        let bold = rest.find("**");
        match (code, bold) {
            (Some(c), b) if b.is_none_or(|b| c < b) => {
                let Some(end) = rest[c + 1..].find('`') else {
                    parts.push(html! { {rest} });
                    break;
                };
                parts.push(html! { {&rest[..c]} });
                parts.push(html! { <code>{&rest[c + 1..c + 1 + end]}</code> });
                rest = &rest[c + 2 + end..];
            }
            (_, Some(b)) => {
                let Some(end) = rest[b + 2..].find("**") else {
                    parts.push(html! { {rest} });
                    break;
                };
                parts.push(html! { {&rest[..b]} });
                parts.push(html! { <strong>{ inline(&rest[b + 2..b + 2 + end]) }</strong> });
                rest = &rest[b + 4 + end..];
            }
            _ => {
                parts.push(html! { {rest} });
                break;
            }
        }
    }
    html! { <>{ for parts }</> }
}
