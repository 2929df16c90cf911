//! `kafka-console-consumer.sh`. (Being written.)

use super::Output;
use crate::engine::Cluster;

pub(super) fn run(_cluster: &mut Cluster, _args: &[String], output: &mut Output) {
    output.fail("kafka-console-consumer.sh: not available in the playground yet");
}
