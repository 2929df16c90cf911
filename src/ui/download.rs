//! Handing a file the page made (a workspace's tar, a scenario) to the browser to download.

use wasm_bindgen::JsCast;

/// Hands `contents` to the browser to download as `name`, through an object URL and a clicked
/// link.
pub fn download(name: &str, mime: &str, contents: &[u8]) -> Result<(), String> {
    let blob = gloo::file::Blob::new_with_options(contents, Some(mime));
    let url = gloo::file::ObjectUrl::from(blob);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .dyn_into()
        .map_err(|_| "cannot create a link")?;
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", name);
    link.click();
    // The URL lives a minute: long enough for the download to start.
    gloo::timers::callback::Timeout::new(60_000, move || drop(url)).forget();
    Ok(())
}
