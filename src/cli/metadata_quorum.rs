//! `kafka-metadata-quorum.sh`: the KRaft quorum as Kafka 4.1's
//! `org.apache.kafka.tools.MetadataQuorumCommand` describes it through `Admin.describeMetadataQuorum`.
//!
//! `[--bootstrap-server S | --bootstrap-controller C] describe --status | --replication
//! [--human-readable]`. `--status` prints the leader, its epoch, the high watermark, the largest
//! follower lag and the voters and observers; `--replication` one row per node
//! (`ToolsUtils.prettyPrintTable`: each cell padded to its column and followed by a tab). The
//! quorum is static (`controller.quorum.voters`, `kraft.version` 0), so voters carry no
//! directory id; node N's controller listener is `CONTROLLER://localhost:(19091+N)`.
//! Without a leader the admin call fails as Kafka's does (no node answers for the quorum).

use super::options::{flag, with_value, OptionSpec};
use super::Output;
use crate::engine::kraft::{LeaderState, Role};
use crate::engine::log::meta_properties::{MetaProperties, META_PROPERTIES};
use crate::engine::persist::directory_id as directory_id_for;
use crate::engine::Cluster;

const USAGE: &str = "usage: kafka-metadata-quorum [-h] [--command-config COMMAND_CONFIG] (--bootstrap-server BOOTSTRAP_SERVER | --bootstrap-controller BOOTSTRAP_CONTROLLER) {describe,add-controller,remove-controller} ...";

/// Its options, for the terminal's completion (the parser below follows argparse's layout:
/// `describe` is a sub-command taking `--status`, `--replication`, `--human-readable`).
pub(super) const SPECS: &[OptionSpec] = &[
    with_value("bootstrap-server"),
    with_value("bootstrap-controller"),
    with_value("command-config"),
    flag("status"),
    flag("replication"),
    flag("human-readable"),
    flag("help"),
];

/// What the describe call answers (`QuorumInfo`): per node, its log end offset, last fetch and
/// last caught-up times (`-1` when unknown).
struct ReplicaRow {
    id: i32,
    log_end_offset: i64,
    last_fetch_ms: i64,
    last_caught_up_ms: i64,
}

pub(super) fn run(cluster: &mut Cluster, args: &[String], output: &mut Output) {
    let mut rest = args.iter().map(String::as_str).peekable();
    let mut bootstrap = false;
    let mut command = None;
    let (mut status, mut replication, mut human) = (false, false, false);
    while let Some(arg) = rest.next() {
        match arg {
            "--bootstrap-server" | "--bootstrap-controller" | "--command-config" => {
                bootstrap |= arg != "--command-config";
                if rest.next().is_none() {
                    return output.fail(format!(
                        "{USAGE}\nkafka-metadata-quorum: error: argument {arg}: expected one argument"
                    ));
                }
            }
            "-h" | "--help" => return output.out(USAGE),
            "describe" if command.is_none() => command = Some(arg),
            "--status" if command.is_some() => status = true,
            "--replication" if command.is_some() => replication = true,
            "--human-readable" if command.is_some() => human = true,
            "add-controller" | "remove-controller" if command.is_none() => {
                return output.fail(format!(
                    "{arg}: the playground's quorum is static (controller.quorum.voters); voters cannot be added or removed"
                ))
            }
            other => {
                return output.fail(format!(
                    "{USAGE}\nkafka-metadata-quorum: error: unrecognized arguments: '{other}'"
                ))
            }
        }
    }
    if !bootstrap {
        return output.fail(format!(
            "{USAGE}\nkafka-metadata-quorum: error: one of the arguments --bootstrap-server --bootstrap-controller is required"
        ));
    }
    if command.is_none() {
        return output.fail(format!(
            "{USAGE}\nkafka-metadata-quorum: error: too few arguments"
        ));
    }
    if status == replication {
        return output.fail(if status {
            "Only one of --status or --replication should be specified with describe sub-command"
        } else {
            "One of --status or --replication must be specified with describe sub-command"
        });
    }
    if human && !replication {
        return output
            .fail("The option --human-readable is only supported along with --replication");
    }
    let Some(rows) = describe_quorum(cluster) else {
        // DescribeQuorum goes to the leader; without one the call times out.
        return output.fail(
            "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeMetadataQuorum",
        );
    };
    if status {
        print_status(cluster, &rows, output);
    } else {
        print_replication(cluster, &rows, human, output);
    }
}

/// The leader's view (`LeaderState.describeQuorum`): itself first, then the other voters, then
/// the observers; `None` without a leader.
fn describe_quorum(cluster: &Cluster) -> Option<Described> {
    let now = cluster.now().as_millis();
    let quorum = cluster.quorum();
    let leader = quorum.leader()?;
    let Role::Leader(state) = &leader.role else {
        return None;
    };
    let row = |id: i32| -> ReplicaRow {
        if id == leader.id {
            return ReplicaRow {
                id,
                log_end_offset: leader.log.log_end_offset(),
                last_fetch_ms: now,
                last_caught_up_ms: now,
            };
        }
        known(state, id)
    };
    let voters = quorum.voters.iter().map(|&v| row(v)).collect();
    let observers = quorum
        .nodes
        .keys()
        .filter(|&&id| !quorum.is_voter(id) && state.last_fetch_ms.contains_key(&id))
        .map(|&id| row(id))
        .collect();
    Some((
        leader.id,
        leader.epoch,
        leader.high_watermark,
        voters,
        observers,
    ))
}

fn known(state: &LeaderState, id: i32) -> ReplicaRow {
    ReplicaRow {
        id,
        log_end_offset: state.end_offsets.get(&id).copied().unwrap_or(-1),
        last_fetch_ms: state.last_fetch_ms.get(&id).copied().unwrap_or(-1),
        last_caught_up_ms: state.last_caught_up_ms.get(&id).copied().unwrap_or(-1),
    }
}

/// Leader id, epoch, high watermark, voters, observers.
type Described = (i32, i32, i64, Vec<ReplicaRow>, Vec<ReplicaRow>);

fn print_status(cluster: &Cluster, described: &Described, output: &mut Output) {
    let (leader_id, epoch, high_watermark, voters, observers) = described;
    let leader = voters.iter().find(|v| v.id == *leader_id);
    let lagging = voters.iter().min_by_key(|v| v.log_end_offset);
    let (max_lag, max_lag_time) = match (leader, lagging) {
        (Some(l), Some(f)) if l.id == f.id => (0, 0),
        (Some(l), Some(f)) => (
            l.log_end_offset - f.log_end_offset,
            if f.last_caught_up_ms >= 0 {
                l.last_caught_up_ms - f.last_caught_up_ms
            } else {
                -1
            },
        ),
        _ => (0, -1),
    };
    let voter_list: Vec<String> = voters
        .iter()
        .map(|v| {
            format!(
                "{{\"id\": {}, \"endpoints\": [\"CONTROLLER://localhost:{}\"]}}",
                v.id,
                19091 + v.id
            )
        })
        .collect();
    let observer_list: Vec<String> = observers
        .iter()
        .map(|o| match directory_id(cluster, o.id) {
            Some(dir) => format!("{{\"id\": {}, \"directoryId\": \"{dir}\"}}", o.id),
            None => format!("{{\"id\": {}}}", o.id),
        })
        .collect();
    output.out(format!("ClusterId:              {}", cluster.cluster_id()));
    output.out(format!("LeaderId:               {leader_id}"));
    output.out(format!("LeaderEpoch:            {epoch}"));
    output.out(format!("HighWatermark:          {high_watermark}"));
    output.out(format!("MaxFollowerLag:         {max_lag}"));
    output.out(format!("MaxFollowerLagTimeMs:   {max_lag_time}"));
    output.out(format!(
        "CurrentVoters:          [{}]",
        voter_list.join(", ")
    ));
    output.out(format!(
        "CurrentObservers:       [{}]",
        observer_list.join(", ")
    ));
}

/// An observer's log directory id (its `meta.properties`, or the one it will write), which it
/// sends with its fetches.
fn directory_id(cluster: &Cluster, node: i32) -> Option<String> {
    let written = cluster
        .broker(node)?
        .store
        .contents(META_PROPERTIES)
        .and_then(|bytes| MetaProperties::parse(bytes).ok())
        .and_then(|meta| meta.directory_id);
    let dir = written.unwrap_or_else(|| directory_id_for(cluster.options().seed, node));
    Some(dir.to_string())
}

fn print_replication(cluster: &Cluster, described: &Described, human: bool, output: &mut Output) {
    let now = cluster.now().as_millis();
    let (leader_id, _, _, voters, observers) = described;
    let leader_end = voters
        .iter()
        .find(|v| v.id == *leader_id)
        .map_or(0, |l| l.log_end_offset);
    let time = |t: i64| match (t, human) {
        (-1, _) => "-1".to_string(),
        (t, true) => format!("{} ms ago", now - t),
        (t, false) => t.to_string(),
    };
    let mut rows = Vec::new();
    let mut add = |r: &ReplicaRow, status: &str| {
        // Static voters have no directory id (`Uuid.ZERO_UUID`); observers send theirs.
        let directory = match status {
            "Observer" => directory_id(cluster, r.id),
            _ => None,
        };
        rows.push(vec![
            r.id.to_string(),
            directory.unwrap_or_else(|| "AAAAAAAAAAAAAAAAAAAAAA".to_string()),
            r.log_end_offset.to_string(),
            (leader_end - r.log_end_offset).to_string(),
            time(r.last_fetch_ms),
            time(r.last_caught_up_ms),
            status.to_string(),
        ]);
    };
    for v in voters.iter().filter(|v| v.id == *leader_id) {
        add(v, "Leader");
    }
    for v in voters.iter().filter(|v| v.id != *leader_id) {
        add(v, "Follower");
    }
    for o in observers {
        add(o, "Observer");
    }
    let headers = [
        "NodeId",
        "DirectoryId",
        "LogEndOffset",
        "Lag",
        "LastFetchTimestamp",
        "LastCaughtUpTimestamp",
        "Status",
    ];
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: Vec<String>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}\t"))
            .collect()
    };
    output.out(line(headers.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        output.out(line(row));
    }
}
