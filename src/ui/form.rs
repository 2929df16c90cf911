//! What the panels' forms share: a callback that writes an input's or a select's value into one
//! field of the form's state, and the value an event's input or select holds.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// `oninput`/`onchange` for one field: the event target's `value` goes through `set` into a copy
/// of the form's state. `value` is read by name, so this serves `<select>` as well as `<input>`.
pub fn field_setter<T: Clone + 'static, E: AsRef<web_sys::Event> + 'static>(
    fields: &UseStateHandle<T>,
    set: fn(&mut T, String),
) -> Callback<E> {
    let fields = fields.clone();
    Callback::from(move |e: E| {
        let value = target_value(e.as_ref());
        let mut next = (*fields).clone();
        set(&mut next, value);
        fields.set(next);
    })
}

/// The `value` of the input or select an event came from (read by name, so a `<select>` serves
/// as well).
pub fn target_value(e: &web_sys::Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}
