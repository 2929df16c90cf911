//! `kafka-configs.sh`. (Being written.)

use super::Output;
use crate::engine::Cluster;

pub(super) fn run(_cluster: &mut Cluster, _args: &[String], output: &mut Output) {
    output.fail("kafka-configs.sh: not available in the playground yet");
}
