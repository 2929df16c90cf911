//! One lesson in an embed (`lesson=ID`): the lessons panel's steps, commands and checks
//! (`components::lesson_panel`), without its picker and without `localStorage` — an embed's
//! progress lives as long as its cluster. It is in the page's language (`PageLang`: the embed's
//! `lang` parameter, else the person's pick), like every other view.

use crate::i18n::{tr, trf};
use crate::lessons::catalog::lessons;
use crate::ui::components::lesson_panel::{lesson_view, steps_done};
use crate::ui::prefs::use_lang;
use crate::ui::store::{Action, StoreHandle};
use crate::ui::terminal::session::CommandRequest;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedLessonProps {
    /// The lesson's id (`topics`, `keys`, …); `None`: the first lesson.
    pub lesson: Option<AttrValue>,
}

#[component]
pub fn EmbedLesson(props: &EmbedLessonProps) -> Html {
    let lang = use_lang();
    let catalog = use_memo(lang, |lang| lessons(*lang));
    let done_before = use_state(|| 0_usize);
    let store = use_context::<StoreHandle>();
    let found = catalog
        .iter()
        .find(|l| props.lesson.as_deref().is_none_or(|id| l.id == id));
    let done_now = match (&store, found) {
        (Some(store), Some(lesson)) => Some(steps_done(lesson, *done_before, &store.cluster())),
        _ => None,
    };
    {
        // Progress moves on once a step's checks hold, and stays (a later step may undo them).
        let done_before = done_before.clone();
        let done = done_now.as_ref().map(|(done, _)| *done);
        use_effect_with(done, move |done| {
            if let Some(done) = *done {
                if done != *done_before {
                    done_before.set(done);
                }
            }
        });
    }
    let (Some(store), Some(lesson), Some((done, checks))) = (store, found, done_now) else {
        let ids: Vec<&str> = catalog.iter().map(|l| l.id.as_str()).collect();
        return html! {
            <section class="panel lesson-panel" data-testid="lesson-panel">
                <p role="alert" data-testid="lesson-missing">{trf(lang,
                    "There is no lesson '{}'. The lessons are: {}.",
                    &[&props.lesson.as_deref().unwrap_or_default(), &ids.join(", ")])}</p>
            </section>
        };
    };
    let run = Callback::from(move |script: String| {
        store.dispatch(Action::RunCommand(CommandRequest::typed(&script)))
    });
    html! {
        <section class="panel lesson-panel" aria-label={tr(lang, "Lesson")} data-testid="lesson-panel"
            lang={lang.code()}>
            { lesson_view(lesson, lang, done, &checks, &run) }
        </section>
    }
}
