//! Embed mode (issue #12 item 4): its URL parameters read from valid, invalid and hostile text
//! (huge values, HTML, broken encodings — each refused with a sentence, nothing panics), the
//! snippets "Copy embed code" makes (values encoded and escaped), and the embed rendered in
//! memory: the views asked for, a scenario replayed, problems shown as text.

use crate::{mount, settle};
use kafka_playground::engine::ClusterOptions;
use kafka_playground::i18n::Lang;
use kafka_playground::scenario::link::{to_fragment, MAX_FRAGMENT_CHARS};
use kafka_playground::scenario::Scenario;
use kafka_playground::ui::embed::app::{EmbedApp, EmbedAppProps};
use kafka_playground::ui::embed::messages::origin_of;
use kafka_playground::ui::embed::params::{
    decode, is_embed, parse, AllowedOrigin, EmbedView, MAX_QUERY_CHARS,
};
use kafka_playground::ui::embed::snippet::SnippetInput;
use std::rc::Rc;
use wasm_bindgen_test::*;

fn scenario_payload() -> String {
    let mut scenario = Scenario::new(ClusterOptions::default());
    scenario.steps.push(kafka_playground::scenario::Step {
        wait_ms: 0,
        script: "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders --partitions 3".into(),
    });
    to_fragment(&scenario)
        .strip_prefix("s=")
        .expect("s=")
        .to_string()
}

#[wasm_bindgen_test]
fn embed_is_asked_for_by_embed_1_only() {
    assert!(is_embed("?embed=1"));
    assert!(is_embed("?view=cluster&embed=1"));
    assert!(is_embed("embed"));
    assert!(!is_embed("?embed=0"));
    assert!(!is_embed("?workspace=embed"));
    assert!(!is_embed(""));
}

#[wasm_bindgen_test]
fn valid_parameters_are_read() {
    let payload = scenario_payload();
    let (config, problems) = parse(&format!(
        "?embed=1&scenario={payload}&view=partition:orders:2,files:3,terminal&autoplay=1&speed=100&height=480px&theme=dark&lang=ko&persist=docs-1&origin=https://Docs.Example.org:8443&lesson=topics"
    ));
    assert!(problems.is_empty(), "{problems:?}");
    let scenario = config.scenario.as_ref().expect("scenario");
    assert_eq!(scenario.steps.len(), 1);
    assert_eq!(config.scenario_payload.as_deref(), Some(payload.as_str()));
    assert_eq!(
        config.views,
        vec![
            EmbedView::Partition(Some(("orders".into(), 2))),
            EmbedView::Files(Some(3)),
            EmbedView::Terminal
        ]
    );
    assert!(config.autoplay);
    assert_eq!(config.speed, Some(100.0));
    assert_eq!(config.height, Some(480));
    assert_eq!(config.theme.as_deref(), Some("dark"));
    assert_eq!(config.lang.as_deref(), Some("ko"));
    assert_eq!(config.workspace().as_deref(), Some("embed-docs-1"));
    assert_eq!(
        config.origin,
        Some(AllowedOrigin::Exactly(
            "https://docs.example.org:8443".into()
        ))
    );
    assert_eq!(config.lesson.as_deref(), Some("topics"));
}

#[wasm_bindgen_test]
fn defaults_are_memory_the_cluster_and_the_terminal() {
    let (config, problems) = parse("?embed=1");
    assert!(problems.is_empty());
    assert_eq!(config.workspace(), None);
    assert!(!config.autoplay);
    assert_eq!(
        config.shown_views(),
        vec![EmbedView::Cluster, EmbedView::Terminal]
    );
    let (config, _) = parse("?embed=1&lesson=keys&persist=0");
    assert_eq!(config.workspace(), None);
    assert_eq!(
        config.shown_views(),
        vec![EmbedView::Cluster, EmbedView::Lesson, EmbedView::Terminal]
    );
}

#[wasm_bindgen_test]
fn theme_and_lang_pass_through_unchanged() {
    let (config, problems) = parse("?embed=1&theme=solarized%20dark&lang=pt-BR");
    assert!(problems.is_empty());
    assert_eq!(config.theme.as_deref(), Some("solarized dark"));
    assert_eq!(config.lang.as_deref(), Some("pt-BR"));
}

/// Each bad value gets a sentence naming the parameter; the rest are still read.
#[wasm_bindgen_test]
fn invalid_parameters_are_refused_with_a_message() {
    let cases = [
        ("view=clusters", "view: unknown view 'clusters'"),
        ("view=partition:orders", "partition:TOPIC:PARTITION"),
        ("view=partition:bad%20name:0", "Topic name is invalid"),
        ("view=partition:orders:-1", "not a partition number"),
        ("view=files:0", "not a broker id (1 to 9)"),
        ("view=cluster:1", "takes no ':' argument"),
        ("autoplay=yes", "autoplay: 'yes' is not 1 or 0."),
        ("speed=3", "speed: '3' is not one of the playback speeds"),
        ("speed=NaN", "speed: 'NaN'"),
        (
            "height=99",
            "height: '99' is not a height in pixels from 120 to 4000.",
        ),
        ("height=1e9", "height: '1e9'"),
        ("persist=../x", "persist: '../x' cannot name a workspace"),
        (
            "origin=javascript:alert(1)",
            "origin: 'javascript:alert(1)' is not an origin",
        ),
        ("origin=https://a.example/path", "is not an origin"),
        ("lesson=Topics", "lesson: 'Topics' is not a lesson id"),
        (
            "scenario=%%%",
            "scenario: the value is not valid percent-encoded UTF-8.",
        ),
        (
            "scenario=not*base64",
            "scenario: this scenario cannot be opened.",
        ),
        ("scenario=AAAA", "compressed data is damaged"),
        ("view=terminal&view=b", "'view' is given more than once"),
    ];
    for (query, expected) in cases {
        let (config, problems) = parse(&format!("?embed=1&theme=t&{query}"));
        assert_eq!(problems.len(), 1, "{query}: {problems:?}");
        assert!(
            problems[0].to_string().contains(expected),
            "{query}: {}",
            problems[0]
        );
        // The other parameters still count.
        assert_eq!(config.theme.as_deref(), Some("t"), "{query}");
    }
}

/// The sentences are said in the embed's language when shown: the page's words in Korean, the
/// parameter's name and value (and Kafka's own message) as given.
#[wasm_bindgen_test]
fn problems_are_said_in_the_embed_language() {
    let (_, problems) = parse("?embed=1&speed=3&lang=%FF&view=cluster&view=topics&scenario=AAAA");
    let korean: Vec<String> = problems.iter().map(|p| p.text(Lang::Ko)).collect();
    let english: Vec<String> = problems.iter().map(|p| p.text(Lang::En)).collect();
    assert_eq!(
        english[..3],
        [
            "speed: '3' is not one of the playback speeds (0.1, 0.5, 1, 2, 10, 100, 1000).",
            "lang: the value is not valid percent-encoded UTF-8.",
            "'view' is given more than once; the first one is used.",
        ],
        "{english:?}"
    );
    assert_eq!(
        korean[..3],
        [
            "speed: '3'은(는) 재생 속도(0.1, 0.5, 1, 2, 10, 100, 1000) 중 하나가 아닙니다.",
            "lang: 값이 올바르게 퍼센트 인코딩된 UTF-8이 아닙니다.",
            "'view'이(가) 두 번 이상 주어졌습니다. 첫 번째 것을 씁니다.",
        ],
        "{korean:?}"
    );
    // The scenario's own error stays as the link decoder says it, inside a Korean sentence.
    assert!(
        korean[3].starts_with(
            "scenario: 이 시나리오를 열 수 없습니다. The link does not hold a scenario:"
        ),
        "{korean:?}"
    );
    assert_eq!(problems[3].to_string(), english[3]);
}

#[wasm_bindgen_test]
fn hostile_parameters_are_bounded_and_never_panic() {
    // A URL longer than any share link: refused whole, before anything is decoded.
    let huge = format!("?embed=1&view={}", "a".repeat(MAX_QUERY_CHARS));
    let (config, problems) = parse(&huge);
    assert!(problems[0].to_string().contains("at most"), "{problems:?}");
    assert!(config.views.is_empty());
    // A scenario payload past the share link limit: the link's own message.
    let long = format!("?embed=1&scenario={}", "A".repeat(MAX_FRAGMENT_CHARS + 1));
    let (config, problems) = parse(&long);
    assert!(config.scenario.is_none());
    assert!(
        problems[0]
            .to_string()
            .contains("a share link may be at most"),
        "{problems:?}"
    );
    // A long value of another parameter.
    let (_, problems) = parse(&format!("?embed=1&theme={}", "x".repeat(10_000)));
    assert!(
        problems[0].to_string().contains("at most 256 are read"),
        "{problems:?}"
    );
    // Thousands of parameters: only the first 32 are looked at.
    let many = format!("?embed=1{}", "&x=1".repeat(100_000));
    let (_, problems) = parse(&many);
    assert!(
        problems.iter().any(|p| p.to_string().contains("first 32")),
        "{problems:?}"
    );
    // Broken escapes and bytes that are not UTF-8.
    for bad in ["%", "%4", "%zz", "%+1", "%C3%28", "%FF", "%E2%82"] {
        assert_eq!(decode(bad), None, "{bad}");
        let (_, problems) = parse(&format!("?embed=1&lang={bad}"));
        assert!(
            problems[0].to_string().contains("percent-encoded UTF-8"),
            "{bad}: {problems:?}"
        );
    }
    assert_eq!(decode("a+b%20c%C3%A9").as_deref(), Some("a b cé"));
    // HTML is kept as text (Yew escapes it when shown), and refused where it is no valid value.
    let (config, problems) =
        parse("?embed=1&lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E&view=%3Cimg%20src%3Dx%3E");
    assert_eq!(config.lang.as_deref(), Some("<script>alert(1)</script>"));
    assert!(
        problems[0]
            .to_string()
            .contains("unknown view '<img src=x>'"),
        "{problems:?}"
    );
    // Nine views and more: refused.
    let (_, problems) = parse(
        "?embed=1&view=cluster,topics,terminal,lesson,events,producers,groups,network,metrics",
    );
    assert!(
        problems[0].to_string().contains("at most 8 views"),
        "{problems:?}"
    );
}

#[wasm_bindgen_test]
fn origins_of_referrers() {
    assert_eq!(
        origin_of("https://Docs.example.org:8443/guide/kafka.html?x#y").as_deref(),
        Some("https://docs.example.org:8443")
    );
    assert_eq!(
        origin_of("http://127.0.0.1:9000").as_deref(),
        Some("http://127.0.0.1:9000")
    );
    assert_eq!(origin_of(""), None);
    assert_eq!(origin_of("about:blank"), None);
    assert_eq!(origin_of("file:///tmp/page.html"), None);
}

#[wasm_bindgen_test]
fn snippets_encode_and_escape_every_value() {
    let input = SnippetInput {
        base: "https://kafka.example/play/index.html".into(),
        scenario: Some("abc-_".into()),
        views: vec![
            EmbedView::Cluster,
            EmbedView::Partition(Some(("orders".into(), 1))),
        ],
        theme: Some("\"><script>alert(1)</script>".into()),
        lang: Some("ko".into()),
        height: 500,
    };
    assert_eq!(
        input.url(),
        "https://kafka.example/play/index.html?embed=1&scenario=abc-_&view=cluster,partition:orders:1&theme=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&lang=ko"
    );
    let iframe = input.iframe();
    assert!(
        iframe.starts_with(
            "<iframe src=\"https://kafka.example/play/index.html?embed=1&amp;scenario=abc-_"
        ),
        "{iframe}"
    );
    assert!(iframe.contains("height=\"500\""), "{iframe}");
    assert!(!iframe.contains("<script"), "{iframe}");
    let loader = input.loader();
    assert!(
        loader.starts_with("<script src=\"https://kafka.example/play/embed.js\" defer></script>\n<kafka-playground scenario=\"abc-_\" view=\"cluster,partition:orders:1\" theme=\"&quot;&gt;&lt;script&gt;"),
        "{loader}"
    );
    assert!(
        loader.ends_with(" lang=\"ko\" height=\"500\"></kafka-playground>"),
        "{loader}"
    );
    // The snippet's URL reads back as the same parameters.
    let query = input.url();
    let (config, problems) = parse(query.split_once('?').expect("query").1);
    assert_eq!(problems.len(), 1, "{problems:?}"); // the made-up scenario payload
    assert_eq!(config.theme, input.theme);
    assert_eq!(config.views, input.views);
}

async fn render(query: &str) -> web_sys::Element {
    let (config, problems) = parse(query);
    let root = mount();
    let props = EmbedAppProps {
        config: Rc::new(config),
        problems: Rc::new(problems),
    };
    yew::Renderer::<EmbedApp>::with_root_and_props(root.clone(), props).render();
    for _ in 0..100 {
        settle().await;
        let ready = root
            .query_selector("[data-testid=embed]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-ready"));
        if ready.as_deref() == Some("true") {
            break;
        }
    }
    root
}

#[wasm_bindgen_test]
async fn an_embed_replays_its_scenario_and_shows_the_views_asked_for() {
    let root = render(&format!(
        "?embed=1&scenario={}&view=partition:orders:2,terminal",
        scenario_payload()
    ))
    .await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("in memory"), "{text}");
    assert!(
        text.contains("Opened a scenario: 1 commands replayed"),
        "{text}"
    );
    // The partition view, on the partition asked for; no cluster panel, no workspace switcher.
    let partition: web_sys::HtmlSelectElement = root
        .query_selector("[data-testid=partition-number]")
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into(e).ok())
        .expect("the partition view");
    assert_eq!(partition.value(), "2", "{text}");
    assert!(root
        .query_selector(".cluster-panel")
        .ok()
        .flatten()
        .is_none());
    assert!(root
        .query_selector(".workspace-switcher")
        .ok()
        .flatten()
        .is_none());
    assert!(root
        .query_selector("[data-testid=terminal-input]")
        .ok()
        .flatten()
        .is_some());
}

#[wasm_bindgen_test]
async fn problems_and_unknown_lessons_are_shown_as_text() {
    let root = render("?embed=1&view=%3Cb%3Ebold%3C%2Fb%3E&lesson=no-such-lesson").await;
    let problems = root
        .query_selector("[data-testid=embed-problems]")
        .ok()
        .flatten()
        .expect("problems shown");
    assert!(problems
        .text_content()
        .unwrap_or_default()
        .contains("unknown view '<b>bold</b>'"));
    assert!(
        problems.query_selector("b").ok().flatten().is_none(),
        "markup was not made"
    );
    let missing = root
        .query_selector("[data-testid=lesson-missing]")
        .ok()
        .flatten()
        .expect("missing lesson said");
    let text = missing.text_content().unwrap_or_default();
    assert!(
        text.contains("There is no lesson 'no-such-lesson'. The lessons are: topics"),
        "{text}"
    );
}
