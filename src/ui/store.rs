//! The app's one store: the cluster and the outcome of the last action, changed only by
//! [`Action`]s through [`Store::reduce`](yew::Reducible::reduce).

use crate::engine::cluster::NewTopic;
use crate::engine::topic::{has_collision_chars, COLLISION_WARNING};
use crate::engine::{Cluster, ClusterOptions};
use std::rc::Rc;
use yew::prelude::*;

/// What the user asked the cluster to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    CreateTopic { name: String, partitions: i32 },
}

/// How the last action went, in Kafka's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created {
        message: String,
        warning: Option<String>,
    },
    Refused {
        code: &'static str,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct Store {
    pub cluster: Cluster,
    pub last_outcome: Option<Outcome>,
    /// Bumped by every action, so components can tell one outcome from the next.
    pub version: u64,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

impl Default for Store {
    fn default() -> Self {
        Store {
            cluster: Cluster::new(ClusterOptions::default()),
            last_outcome: None,
            version: 0,
        }
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.version += 1;
        match action {
            Action::CreateTopic { name, partitions } => {
                let request = NewTopic {
                    name: name.clone(),
                    partitions: Some(partitions),
                    ..NewTopic::default()
                };
                next.last_outcome = Some(match next.cluster.create_topic(request) {
                    Ok(_created) => Outcome::Created {
                        message: format!("Created topic {name}."),
                        warning: has_collision_chars(&name).then(|| COLLISION_WARNING.to_string()),
                    },
                    Err(error) => Outcome::Refused {
                        code: error.code.name(),
                        message: error.message().to_string(),
                    },
                });
            }
        }
        Rc::new(next)
    }
}

/// The store as components receive it from the context.
pub type StoreHandle = UseReducerHandle<Store>;
