//! The notice under the storage bar saying what restarting the saved cluster recovered or
//! truncated (`ui::restart_report`), with the broker's log lines in a `<details>`; dismissible.

use crate::i18n::{tr, trf};
use crate::ui::prefs::use_lang;
use crate::ui::restart_report::RestartReport;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RestartNoticeProps {
    pub report: Rc<RestartReport>,
}

#[component]
pub fn RestartNotice(props: &RestartNoticeProps) -> Html {
    let lang = use_lang();
    let dismissed = use_state(|| false);
    if *dismissed {
        return html! {};
    }
    let report = &props.report;
    let on_dismiss = Callback::from(move |_: MouseEvent| dismissed.set(true));
    let kind = if report.bytes_truncated > 0 || report.segments_deleted > 0 {
        "truncated"
    } else if report.clean {
        "clean"
    } else {
        "recovered"
    };
    let lines = report
        .lines
        .iter()
        .map(|l| html! { <li><code>{l.clone()}</code></li> });
    html! {
        <div class={classes!("restart-notice", kind)} role="status" data-testid="recovery-report"
            data-kind={kind} data-logs-recovered={report.logs_recovered.to_string()}
            data-bytes-truncated={report.bytes_truncated.to_string()}>
            <p data-testid="recovery-summary">{report.summary(lang)}</p>
            if !report.lines.is_empty() {
                <details data-testid="recovery-lines">
                    <summary>{trf(lang, "What the brokers logged ({} lines)", &[&report.lines.len()])}</summary>
                    <ul>{ for lines }</ul>
                </details>
            }
            <button type="button" class="dismiss" onclick={on_dismiss} data-testid="dismiss-recovery-report"
                aria-label={tr(lang, "Dismiss the restart report")}>{tr(lang, "Dismiss")}</button>
        </div>
    }
}
