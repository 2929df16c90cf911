//! The lessons panel: pick a lesson (English or Korean), read its steps, run each step's
//! commands with a click (they run in the terminal, as if typed), and watch the current step's
//! checks turn green — checks read the cluster's state, so doing the step by hand in the
//! terminal or with the other panels counts just the same. When the current step's checks all
//! hold it is done and the next one is current: a later step may undo an earlier one's state
//! (a crashed broker restarted) without undoing the learner's progress. The chosen lesson, the
//! language and each lesson's progress are remembered in the browser (`localStorage`); progress
//! is kept with the simulated time it was reached at, so a cluster reset (its clock starts over)
//! starts the lessons over too.

use crate::engine::Cluster;
use crate::i18n::tr;
use crate::lessons::catalog::{lessons, Lang};
use crate::lessons::check::Evaluation;
use crate::lessons::{Lesson, Part, Step};
use crate::ui::hooks::slow_store::use_slow_store;
use crate::ui::markdown::render;
use crate::ui::prefs::PageLang;
use crate::ui::store::Action;
use crate::ui::terminal::session::CommandRequest;
use gloo::storage::{LocalStorage, Storage};
use std::collections::BTreeMap;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// `localStorage` keys for the chosen lesson and the steps done per lesson (the language is the
/// page's: `ui::prefs`).
const LESSON_KEY: &str = "kplay.lesson";
const PROGRESS_KEY: &str = "kplay.lesson.progress";

fn remembered(key: &str) -> Option<String> {
    LocalStorage::get(key).ok()
}

fn remember(key: &str, value: &str) {
    // Private browsing may refuse: the choice is then simply not remembered.
    let _ = LocalStorage::set(key, value);
}

/// Per lesson id: how many steps are done, and the simulated time (ms) the last one was done at.
/// Kept in `localStorage` as `topics=3@1735689600500;keys=1@1735689700000`.
type Progress = BTreeMap<String, (usize, i64)>;

fn load_progress() -> Progress {
    remembered(PROGRESS_KEY)
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| {
            let (id, rest) = pair.split_once('=')?;
            let (done, at) = rest.split_once('@')?;
            Some((id.to_string(), (done.parse().ok()?, at.parse().ok()?)))
        })
        .collect()
}

fn save_progress(progress: &Progress) {
    let text: Vec<String> = progress
        .iter()
        .map(|(id, (done, at))| format!("{id}={done}@{at}"))
        .collect();
    remember(PROGRESS_KEY, &text.join(";"));
}

/// How many steps are done: those done before, then each next step whose checks hold now.
/// Also the current step's checks as evaluated now — only that step's: checks may read records,
/// and while playback runs the panel renders every frame.
pub(crate) fn steps_done(
    lesson: &Lesson,
    before: usize,
    cluster: &Cluster,
) -> (usize, Vec<Vec<Evaluation>>) {
    let mut done = before.min(lesson.steps.len());
    let mut found = vec![Vec::new(); lesson.steps.len()];
    while let Some(step) = lesson.steps.get(done) {
        found[done] = step.checks.iter().map(|c| c.evaluate(cluster)).collect();
        if !found[done].iter().all(|e| e.holds) {
            break;
        }
        done += 1;
    }
    (done, found)
}

#[component]
pub fn LessonPanel() -> Html {
    // The page's language (`ui::prefs`): the panel's buttons switch the whole page.
    let page = use_context::<PageLang>();
    let lang = page.as_ref().map_or(Lang::En, |p| p.lang);
    let chosen = use_state(|| remembered(LESSON_KEY).unwrap_or_else(|| "topics".to_string()));
    let catalog = use_memo(lang, |lang| lessons(*lang));
    let progress = use_state(load_progress);
    let Some(store) = use_slow_store() else {
        return html! {};
    };
    let cluster = &store.cluster();
    let Some(lesson) = catalog
        .iter()
        .find(|l| l.id == *chosen)
        .or_else(|| catalog.first())
    else {
        return html! {};
    };
    let on_lesson = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            remember(LESSON_KEY, &id);
            chosen.set(id);
        })
    };
    let on_lang = page.map_or_else(Callback::noop, |p| p.set);
    let run = {
        let store = store.clone();
        Callback::from(move |script: String| {
            store.dispatch(Action::RunCommand(CommandRequest::typed(&script)))
        })
    };
    // Progress reached at a later simulated time than now belongs to an earlier cluster.
    let now = cluster.now().as_millis();
    let before = match progress.get(&lesson.id) {
        Some(&(done, at)) if at <= now => done,
        _ => 0,
    };
    let (done, found) = steps_done(lesson, before, cluster);
    // A step just done is remembered (after the render, as a state change).
    {
        let (progress, id) = (progress.clone(), lesson.id.clone());
        use_effect_with((id, done, before), move |(id, done, before)| {
            if done != before || progress.get(id).is_some_and(|&(n, _)| n != *done) {
                let mut next = (*progress).clone();
                next.insert(id.clone(), (*done, now));
                save_progress(&next);
                progress.set(next);
            }
        });
    }
    html! {
        <section class="panel lesson-panel" aria-labelledby="lesson-heading" data-testid="lesson-panel"
            lang={lang.code()}>
            <div class="lesson-head">
                <h2 id="lesson-heading">{ tr(lang, "Lessons") }</h2>
                <select onchange={on_lesson} data-testid="lesson-select" aria-label={tr(lang, "Lesson")}>
                    { for catalog.iter().map(|l| html! {
                        <option value={l.id.clone()} selected={l.id == lesson.id}>
                            {format!("{}. {}", l.order, l.title)}
                        </option>
                    }) }
                </select>
                { lang_switch(lang, on_lang) }
            </div>
            { lesson_view(lesson, lang, done, &found, &run) }
        </section>
    }
}

fn lang_switch(lang: Lang, on_lang: Callback<Lang>) -> Html {
    let button = |code: Lang, label: &'static str| {
        let onclick = on_lang.reform(move |_: MouseEvent| code);
        html! {
            <button {onclick} aria-pressed={(lang == code).to_string()} lang={code.code()}
                data-testid={format!("lesson-lang-{}", code.code())}>{label}</button>
        }
    };
    html! {
        <div class="lesson-lang" role="group" aria-label={tr(lang, "Language")}>
            { button(Lang::En, "English") }{ button(Lang::Ko, "한국어") }
        </div>
    }
}

/// The panel's own words in the lesson's language.
struct Words {
    fresh_cluster: &'static str,
    run: &'static str,
    fails: &'static str,
    /// Beside the checks of a step written `check unchanged`.
    unchanged: &'static str,
    /// The Run button's tooltip and the checks' list label.
    run_title: &'static str,
    checks: &'static str,
    /// Before a check's value as it is now, when it does not hold yet.
    now: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    const EN: Words = Words {
        fresh_cluster:
            "Lessons start from a fresh cluster: \"Reset cluster\" at the top gives you one.",
        run: "▶ Run",
        fails: "This one fails on purpose, to show Kafka's error.",
        unchanged: "Nothing should change here: these hold before and after the step.",
        run_title: "Run it in the terminal",
        checks: "Checks",
        now: "now",
    };
    const KO: Words = Words {
        fresh_cluster:
            "레슨은 새 클러스터에서 시작합니다. 맨 위의 \"클러스터 초기화\"로 새로 만들 수 있습니다.",
        run: "▶ 실행",
        fails: "일부러 실패해서 카프카의 오류를 보여 줍니다.",
        unchanged:
            "여기서는 아무것도 바뀌지 않아야 합니다. 이 조건들은 단계 전후에 모두 성립합니다.",
        run_title: "터미널에서 실행",
        checks: "확인 항목",
        now: "지금",
    };
    match lang {
        Lang::En => &EN,
        Lang::Ko => &KO,
    }
}

pub(crate) fn lesson_view(
    lesson: &Lesson,
    lang: Lang,
    finished: usize,
    found: &[Vec<Evaluation>],
    run: &Callback<String>,
) -> Html {
    let words = words(lang);
    html! {
        <article class="lesson" data-lesson={lesson.id.clone()}>
            <h3>{lesson.title.clone()}</h3>
            <p class="muted" data-testid="lesson-progress"
                data-done={finished.to_string()} data-steps={lesson.steps.len().to_string()}>
                {format!("{finished} / {} ✓", lesson.steps.len())}
            </p>
            <p class="muted">{words.fresh_cluster}</p>
            <div class="lesson-intro">{ render(&lesson.intro) }</div>
            <ol class="lesson-steps">
                { for lesson.steps.iter().zip(found).enumerate().map(|(i, (step, found))|
                    step_view(step, found, i < finished, i == finished, run, words)) }
            </ol>
        </article>
    }
}

fn step_view(
    step: &Step,
    found: &[Evaluation],
    done: bool,
    current: bool,
    run: &Callback<String>,
    words: &Words,
) -> Html {
    let parts = step.parts.iter().map(|part| match part {
        Part::Prose(text) => render(text),
        Part::Command(command) => {
            let onclick = {
                let (run, script) = (run.clone(), command.script.clone());
                Callback::from(move |_: MouseEvent| run.emit(script.clone()))
            };
            html! {
                <>
                    <div class={classes!("lesson-command", command.fails.then_some("fails"))}>
                        <pre><code>{command.script.trim_end()}</code></pre>
                        <button {onclick} data-testid="lesson-run" title={words.run_title}>{words.run}</button>
                    </div>
                    if command.fails { <p class="muted fails-note">{words.fails}</p> }
                </>
            }
        }
    });
    let checks = step.checks.iter().enumerate().map(|(i, check)| {
        // A step done earlier is not checked again, nor a later one before its turn.
        let holds = done || found.get(i).is_some_and(|e| e.holds);
        let now = found
            .get(i)
            .filter(|e| !done && !e.holds)
            .map(|e| e.actual.clone());
        html! {
            <li class={classes!("check", holds.then_some("ok"))} data-holds={holds.to_string()}>
                <span aria-hidden="true">{ if holds { "✓" } else { "○" } }</span>
                <code>{check.text.clone()}</code>
                if let Some(now) = now { <span class="muted">{format!(" ({} {now})", words.now)}</span> }
            </li>
        }
    });
    html! {
        <li class={classes!("lesson-step", done.then_some("done"), current.then_some("current"))}
            data-testid="lesson-step" data-done={done.to_string()}
            aria-current={current.then_some("step")}>
            <h4>{ if done { "✓ " } else { "" } }{step.title.clone()}</h4>
            { for parts }
            if step.unchanged {
                <p class="muted unchanged-note" data-testid="lesson-unchanged">{words.unchanged}</p>
            }
            <ul class="checks" aria-label={words.checks}>{ for checks }</ul>
        </li>
    }
}
