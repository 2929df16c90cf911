//! The web app's entry point, built by Trunk (see `index.html`).

#[cfg(target_arch = "wasm32")]
fn main() {
    kafka_playground::ui::run();
}

/// Natively there is nothing to serve; `kplay` is the native front end.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground is a web app: build it with `trunk build` (see README.md)");
}
