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
    (" (open)", " (열림)"),
    (" Delete '{}' and everything in it? ", " '{}'와(과) 그 안의 모든 것을 삭제할까요? "),
    (" Not checked now (no leader to read): {}.", " 지금은 확인하지 않음 (읽을 리더 없음): {}."),
    (" does to a real cluster.", "가 하는 것과 같습니다."),
    (" {} acknowledged but not committed yet (above the high watermark).", " {}개는 확인됐지만 아직 커밋되지 않았습니다 (하이 워터마크 위)."),
    ("+1 min", "+1분"),
    ("+1 s", "+1초"),
    ("+10 s", "+10초"),
    ("A Kafka 4.1 cluster (KRaft) running in your browser", "브라우저에서 실행되는 Kafka 4.1 클러스터 (KRaft)"),
    ("Acknowledged records per simulated second, over the last step of time", "마지막 시간 단계 동안 시뮬레이션 1초당 확인된 레코드 수"),
    ("All of this site: {} of {}", "이 사이트 전체: {} / {}"),
    ("All…", "전체…"),
    ("Ask again", "다시 요청"),
    ("Ask the tab that has this workspace to save and let go, then work here", "이 워크스페이스를 가진 탭에 저장하고 놓아 달라고 요청한 뒤 여기서 작업합니다"),
    ("Asking the other tab to save and let go…", "다른 탭에 저장하고 놓아 달라고 요청하는 중…"),
    ("Broker {}", "브로커 {}"),
    ("Brokers", "브로커 수"),
    ("Cancel", "취소"),
    ("Cannot read {}: {}", "{}을(를) 읽을 수 없습니다: {}"),
    ("Cluster", "클러스터"),
    ("Cluster id ", "클러스터 ID "),
    ("Configs", "설정"),
    ("Consumer groups", "컨슈머 그룹"),
    ("Create and open", "만들고 열기"),
    ("Create topic", "토픽 생성"),
    ("Dark", "어둡게"),
    ("Delete every topic and record of this workspace and start a new cluster", "이 워크스페이스의 모든 토픽과 레코드를 삭제하고 새 클러스터를 시작합니다"),
    ("Delete workspace", "워크스페이스 삭제"),
    ("Delete workspace '{}' and every topic and record in it? This cannot be undone.", "워크스페이스 '{}'와(과) 그 안의 모든 토픽과 레코드를 삭제할까요? 되돌릴 수 없습니다."),
    ("Delete workspace '{}'?", "워크스페이스 '{}'을(를) 삭제할까요?"),
    ("Delete…", "삭제…"),
    ("Dismiss", "닫기"),
    ("Download .tar", ".tar 내려받기"),
    ("Downloading {}.tar: mkdir DIR && tar -xf {}.tar -C DIR && kplay --data-dir DIR continues this cluster.", "{}.tar 내려받는 중: mkdir DIR && tar -xf {}.tar -C DIR && kplay --data-dir DIR 로 이 클러스터를 이어서 실행합니다."),
    ("Duplicate", "복제본 만들기"),
    ("Duplicated '{}' as '{}'.", "'{}'을(를) '{}'(으)로 복제했습니다."),
    ("End input (Ctrl-D)", "입력 끝 (Ctrl-D)"),
    ("Enter", "입력"),
    ("Enter runs, Tab completes, ↑/↓ recall, Ctrl-C interrupts; ", "Enter로 실행, Tab으로 자동 완성, ↑/↓로 이전 명령, Ctrl-C로 중단; "),
    ("Events", "이벤트"),
    ("Every workspace, its storage, open or delete it", "모든 워크스페이스와 저장 공간: 열거나 삭제합니다"),
    ("Files", "파일"),
    ("Import .tar", ".tar 가져오기"),
    ("Imported '{}'.", "'{}'을(를) 가져왔습니다."),
    ("In sync", "동기화"),
    ("Interrupt (Ctrl-C)", "중단 (Ctrl-C)"),
    ("Keep data", "데이터 보관"),
    ("Kept: the browser will not evict this site's data under storage pressure.", "보관됨: 저장 공간이 부족해도 브라우저가 이 사이트의 데이터를 지우지 않습니다."),
    ("Keyless records: the sticky partitioner (KIP-480, KIP-794) fills one batch (batch.size) for a partition, then picks another.", "키 없는 레코드: 스티키 파티셔너(KIP-480, KIP-794)가 한 파티션의 배치(batch.size)를 채운 뒤 다른 파티션을 고릅니다."),
    ("Keys", "키"),
    ("Kill", "강제 종료"),
    ("Language", "언어"),
    ("Last failed record: ", "마지막으로 실패한 레코드: "),
    ("Led by a broker other than the preferred leader: ", "선호 리더가 아닌 브로커가 리드하는 파티션: "),
    ("Lessons", "레슨"),
    ("Light", "밝게"),
    ("Loading…", "불러오는 중…"),
    ("Metrics", "지표"),
    ("Name", "이름"),
    ("Network", "네트워크"),
    ("New name", "새 이름"),
    ("New workspace", "새 워크스페이스"),
    ("New…", "새로 만들기…"),
    ("No acknowledged record lost.", "잃어버린 확인된 레코드가 없습니다."),
    ("No producer running.", "실행 중인 프로듀서가 없습니다."),
    ("No topic to produce to yet: create one in the Topics panel.", "아직 보낼 토픽이 없습니다. 토픽 패널에서 만들어 보세요."),
    ("No topics yet. Create one above.", "아직 토픽이 없습니다. 위에서 만들어 보세요."),
    ("Offline (Leader: none): ", "오프라인 (Leader: none): "),
    ("OfflinePartitionsCount (kafka.controller:type=KafkaController): partitions with no leader", "OfflinePartitionsCount (kafka.controller:type=KafkaController): 리더가 없는 파티션"),
    ("Open", "열기"),
    ("Partition", "파티션"),
    ("Partitions", "파티션 수"),
    ("Pause", "일시 정지"),
    ("Paused", "일시 정지됨"),
    ("Play", "재생"),
    ("Playing at {}", "{} 속도로 재생 중"),
    ("PreferredReplicaImbalanceCount (kafka.controller:type=KafkaController) counts these, and the offline partitions", "PreferredReplicaImbalanceCount (kafka.controller:type=KafkaController)가 이 파티션과 오프라인 파티션을 셉니다"),
    ("Producers", "프로듀서"),
    ("Producers that keep sending while simulated time passes, as ", "시뮬레이션 시간이 흐르는 동안 계속 보내는 프로듀서입니다. 실제 클러스터에 "),
    ("Rate (records/s)", "속도 (레코드/초)"),
    ("Rename", "이름 바꾸기"),
    ("Rename this workspace (when everything is saved)", "이 워크스페이스의 이름을 바꿉니다 (모두 저장되었을 때)"),
    ("Rename workspace", "워크스페이스 이름 바꾸기"),
    ("Rename…", "이름 바꾸기…"),
    ("Replication factor", "복제 팩터"),
    ("Reset cluster", "클러스터 초기화"),
    ("Reset the cluster? Every topic and record in this workspace is deleted.", "클러스터를 초기화할까요? 이 워크스페이스의 모든 토픽과 레코드가 삭제됩니다."),
    ("Retry saving", "다시 저장"),
    ("Role", "역할"),
    ("Run", "실행"),
    ("Seed", "시드"),
    ("Send line", "줄 보내기"),
    ("Sent but not answered yet: in a batch waiting for linger.ms or batch.size, in flight, or waiting to be retried", "보냈지만 아직 응답이 없음: linger.ms나 batch.size를 기다리는 배치에 있거나, 전송 중이거나, 재시도를 기다리는 중"),
    ("Share", "공유"),
    ("Simulated time", "시뮬레이션 시간"),
    ("Speed", "속도"),
    ("Start", "시작"),
    ("Start a producer", "프로듀서 시작"),
    ("Step", "한 단계"),
    ("Stop", "정지"),
    ("Stop producer {}", "프로듀서 {} 정지"),
    ("Storage", "저장소"),
    ("Storage used", "사용 중인 저장 공간"),
    ("System theme", "시스템 테마"),
    ("Take over anyway", "그래도 이어받기"),
    ("Take over here", "여기서 이어받기"),
    ("Take this workspace's lock from the other tab and work here", "다른 탭에서 이 워크스페이스의 잠금을 가져와 여기서 작업합니다"),
    ("Terminal", "터미널"),
    ("The broker count must be between 1 and {}.", "브로커 수는 1에서 {} 사이여야 합니다."),
    ("The browser declined: it may evict this site's data when storage runs low.", "브라우저가 거절했습니다: 저장 공간이 부족하면 이 사이트의 데이터를 지울 수 있습니다."),
    ("The browser may evict this site's data when storage runs low.", "저장 공간이 부족하면 브라우저가 이 사이트의 데이터를 지울 수 있습니다."),
    ("The command this form runs", "이 양식이 실행하는 명령"),
    ("The leader acknowledged them alone (acks=1) and died before a follower copied them; the new leader never had them.", "리더가 혼자 확인하고(acks=1) 팔로워가 복사하기 전에 죽었습니다. 새 리더는 이 레코드를 가진 적이 없습니다."),
    ("The link asks for workspace '{}', which cannot be opened: {} This page opened workspace '{}' instead: open one from the list below, or create one with \"New…\".", "링크가 워크스페이스 '{}'을(를) 요청했지만 열 수 없습니다: {} 이 페이지는 대신 워크스페이스 '{}'을(를) 열었습니다. 아래 목록에서 하나를 열거나 \"새로 만들기…\"로 만드세요."),
    ("The other tab could not save its last changes ({}) and keeps the workspace so that they are not lost. Ask again once it has saved, or take over anyway: this tab reloads and works on the workspace as last saved (the Web Locks API's steal); the other tab's unsaved changes stay in that tab only.", "다른 탭이 마지막 변경 사항을 저장하지 못해({}) 변경 사항을 잃지 않도록 워크스페이스를 계속 붙잡고 있습니다. 그 탭이 저장한 뒤 다시 요청하거나, 그래도 이어받으세요. 이 탭이 새로 고쳐지고 마지막으로 저장된 워크스페이스로 작업합니다(Web Locks API의 steal). 다른 탭의 저장되지 않은 변경 사항은 그 탭에만 남습니다."),
    ("The other tab has not answered in {} s: it may be frozen, crashed or asleep in the background. \"Take over anyway\" takes the workspace from it (the Web Locks API's steal): this tab reloads, works on the workspace as last saved and rewrites it; whatever the other tab has not saved is lost, and if it still runs it saves nothing more.", "다른 탭이 {}초 동안 응답하지 않았습니다. 멈췄거나, 비정상 종료됐거나, 백그라운드에서 잠들었을 수 있습니다. \"그래도 이어받기\"는 그 탭에서 워크스페이스를 가져옵니다(Web Locks API의 steal). 이 탭이 새로 고쳐지고, 마지막으로 저장된 워크스페이스로 작업하며 다시 씁니다. 다른 탭에서 저장하지 않은 내용은 사라지고, 그 탭이 아직 실행 중이라면 더는 아무것도 저장하지 않습니다."),
    ("The seed must be a whole number from 0 to 18446744073709551615.", "시드는 0부터 18446744073709551615까지의 정수여야 합니다."),
    ("The workspace's files as kplay --data-dir keeps them", "kplay --data-dir가 보관하는 형태의 워크스페이스 파일"),
    ("Theme", "테마"),
    ("This browser cannot be asked to keep data.", "이 브라우저에는 데이터 보관을 요청할 수 없습니다."),
    ("This workspace: {}", "이 워크스페이스: {}"),
    ("Topic", "토픽"),
    ("Topics", "토픽"),
    ("Under-replicated: ", "복제 부족: "),
    ("UnderReplicatedPartitions (kafka.server:type=ReplicaManager): partitions whose ISR is smaller than their replica list", "UnderReplicatedPartitions (kafka.server:type=ReplicaManager): ISR이 복제본 목록보다 작은 파티션"),
    ("Where acknowledged records landed (the last 100 000 at most)", "확인된 레코드가 들어간 곳 (최근 최대 100 000개)"),
    ("Which partition each key goes to: murmur2(key) % partitions, so the same key always goes to the same partition.", "각 키가 가는 파티션: murmur2(key) % 파티션 수이므로 같은 키는 항상 같은 파티션으로 갑니다."),
    ("Workspace ", "워크스페이스 "),
    ("Workspace actions", "워크스페이스 작업"),
    ("Workspaces", "워크스페이스"),
    ("acknowledged", "확인됨"),
    ("acks=0: the producer never hears back, so it cannot know what was lost.", "acks=0: 프로듀서는 응답을 전혀 받지 않으므로 무엇을 잃었는지 알 수 없습니다."),
    ("acks=1 answers once the leader alone has the record", "acks=1은 리더 혼자 레코드를 받으면 응답합니다"),
    ("all (default)", "all (기본값)"),
    ("broker {}: {}", "브로커 {}: {}"),
    ("crashed", "비정상 종료"),
    ("default (false: acks is not all)", "기본값 (false: acks가 all이 아님)"),
    ("default (true)", "기본값 (true)"),
    ("failed", "실패"),
    ("fenced", "펜싱됨"),
    ("follower", "팔로워"),
    ("key", "키"),
    ("keyless", "키 없음"),
    ("keys {}", "키 {}"),
    ("leader", "리더"),
    ("leader of {} partition(s)", "파티션 {}개의 리더"),
    ("metadata: {}", "메타데이터: {}"),
    ("none: keyless (the sticky partitioner); {n} is the record number, {n%K} it modulo K", "none: 키 없음 (스티키 파티셔너); {n}은 레코드 번호, {n%K}는 그 번호를 K로 나눈 나머지"),
    ("offline", "오프라인"),
    ("out of sync", "동기화 안 됨"),
    ("partition", "파티션"),
    ("running", "실행 중"),
    ("seed {} · {} broker", "시드 {} · 브로커 {}개"),
    ("seed {} · {} brokers", "시드 {} · 브로커 {}개"),
    ("sent", "보냄"),
    ("stopped", "정지됨"),
    ("waiting", "대기"),
    ("{} batch(es), {} record(s) waiting to be retried:", "배치 {}개, 레코드 {}개가 재시도를 기다리는 중:"),
    ("{} offline", "오프라인 {}"),
    ("{} records", "레코드 {}개"),
    ("{} under-replicated", "복제 부족 {}"),
];
