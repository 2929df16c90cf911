//! What the panels' forms share: a callback that writes an input's or a select's value into one
//! field of the form's state.

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
        let value = e.target_unchecked_into::<HtmlInputElement>().value();
        let mut next = (*fields).clone();
        set(&mut next, value);
        fields.set(next);
    })
}
