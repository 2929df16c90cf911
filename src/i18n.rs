//! The page's own words in the learners' languages (issue #10): English, and Korean for the notes
//! the users learn from. A component writes its English text through [`tr`] (or [`trf`] for text
//! with numbers or names in it); [`KO`] holds the Korean. Kafka's own words — tool output, config
//! and metric names, error codes, file names — are never translated: they are what a person types
//! and reads on a real cluster.
//!
//! `tests/i18n.rs` reads the UI's sources and holds every text given to `tr`/`trf` to having a
//! Korean entry here, and every entry here to being used.

pub use crate::lessons::catalog::Lang;

/// The text in `lang`: the English itself, or its Korean (the English when there is none yet).
pub fn tr(lang: Lang, english: &'static str) -> &'static str {
    match lang {
        Lang::En => english,
        Lang::Ko => korean(english).unwrap_or(english),
    }
}

/// [`tr`] of a template whose `{}` are filled, in order, with `args`.
pub fn trf(lang: Lang, template: &'static str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut parts = tr(lang, template).split("{}").peekable();
    while let Some(part) = parts.next() {
        out.push_str(part);
        if parts.peek().is_some() {
            if let Some(arg) = args.next() {
                out.push_str(&arg.to_string());
            }
        }
    }
    out
}

/// The Korean of an English text, if there is one.
pub fn korean(english: &str) -> Option<&'static str> {
    KO.binary_search_by(|(en, _)| (*en).cmp(english))
        .ok()
        .map(|i| KO[i].1)
}

/// English → Korean, sorted by the English (byte order) for binary search.
pub static KO: &[(&str, &str)] = &[
    ("+1 min", "+1분"),
    ("+1 s", "+1초"),
    ("+10 s", "+10초"),
    (
        "A Kafka 4.1 cluster (KRaft) running in your browser",
        "브라우저에서 실행되는 Kafka 4.1 클러스터 (KRaft)",
    ),
    ("Broker {}", "브로커 {}"),
    ("Cluster", "클러스터"),
    ("Configs", "설정"),
    ("Consumer groups", "컨슈머 그룹"),
    ("Create topic", "토픽 생성"),
    ("Dark", "어둡게"),
    ("End input (Ctrl-D)", "입력 끝 (Ctrl-D)"),
    ("Enter", "입력"),
    (
        "Enter runs, Tab completes, ↑/↓ recall, Ctrl-C interrupts; ",
        "Enter로 실행, Tab으로 자동 완성, ↑/↓로 이전 명령, Ctrl-C로 중단; ",
    ),
    ("Events", "이벤트"),
    ("Files", "파일"),
    ("In sync", "동기화"),
    ("Interrupt (Ctrl-C)", "중단 (Ctrl-C)"),
    ("Kill", "강제 종료"),
    ("Language", "언어"),
    ("Lessons", "레슨"),
    ("Light", "밝게"),
    ("Loading…", "불러오는 중…"),
    ("Metrics", "지표"),
    ("Name", "이름"),
    ("Network", "네트워크"),
    (
        "No topics yet. Create one above.",
        "아직 토픽이 없습니다. 위에서 만들어 보세요.",
    ),
    ("Partition", "파티션"),
    ("Partitions", "파티션 수"),
    ("Pause", "일시 정지"),
    ("Paused", "일시 정지됨"),
    ("Play", "재생"),
    ("Playing at {}", "{} 속도로 재생 중"),
    ("Producers", "프로듀서"),
    ("Replication factor", "복제 팩터"),
    ("Role", "역할"),
    ("Run", "실행"),
    ("Send line", "줄 보내기"),
    ("Share", "공유"),
    ("Simulated time", "시뮬레이션 시간"),
    ("Speed", "속도"),
    ("Start", "시작"),
    ("Step", "한 단계"),
    ("Stop", "정지"),
    ("System theme", "시스템 테마"),
    ("Terminal", "터미널"),
    ("Theme", "테마"),
    ("Topics", "토픽"),
    ("crashed", "비정상 종료"),
    ("fenced", "펜싱됨"),
    ("follower", "팔로워"),
    ("leader", "리더"),
    ("leader of {} partition(s)", "파티션 {}개의 리더"),
    ("offline", "오프라인"),
    ("out of sync", "동기화 안 됨"),
    ("running", "실행 중"),
    ("stopped", "정지됨"),
];
