//! Display preferences (`ui::prefs`, issue #10 item 5): the theme's codes, the URL parameter and
//! `<html data-theme>`.

use kafka_playground::ui::prefs::{apply, query_param, ThemeChoice};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn theme_codes_resolve_as_picked_or_as_the_system_prefers() {
    for choice in ThemeChoice::ALL {
        assert_eq!(ThemeChoice::from_code(choice.code()), Some(choice));
    }
    assert_eq!(ThemeChoice::from_code("<b>dark</b>"), None);
    assert_eq!(ThemeChoice::from_code("Dark"), None);
    assert_eq!(ThemeChoice::System.resolve(true), "dark");
    assert_eq!(ThemeChoice::System.resolve(false), "light");
    assert_eq!(ThemeChoice::Light.resolve(true), "light");
    assert_eq!(ThemeChoice::Dark.resolve(false), "dark");
}

#[wasm_bindgen_test]
fn the_theme_parameter_is_read_from_the_query() {
    assert_eq!(
        query_param("?embed=1&theme=dark", "theme").as_deref(),
        Some("dark")
    );
    assert_eq!(
        query_param("theme=light", "theme").as_deref(),
        Some("light")
    );
    assert_eq!(query_param("?themes=dark", "theme"), None);
    assert_eq!(query_param("?theme", "theme").as_deref(), Some(""));
    assert_eq!(query_param("", "theme"), None);
}

#[wasm_bindgen_test]
fn applying_a_theme_marks_the_root_element() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("a document");
    apply(ThemeChoice::Dark);
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    apply(ThemeChoice::Light);
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("light"));
    root.remove_attribute("data-theme").expect("removes");
}
