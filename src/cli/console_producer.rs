//! `kafka-console-producer.sh`. (Being written.)

use super::Output;
use crate::engine::Cluster;

pub(super) fn run(
    _cluster: &mut Cluster,
    _args: &[String],
    _input: Option<&str>,
    output: &mut Output,
) {
    output.fail("kafka-console-producer.sh: not available in the playground yet");
}
