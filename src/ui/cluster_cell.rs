//! The store's cluster, changed in place.
//!
//! Yew keeps the previous state of a reducer alive while it reduces (every handle holds it), so
//! a cluster kept as a plain `Rc<Cluster>` in the store was deep-copied — every broker's files —
//! by `Rc::make_mut` on each action that changed it: at 100 k records that cost more than a
//! whole animation frame (docs/PERFORMANCE.md, "The cost of a store action"). Every state of
//! the store now shares one [`ClusterCell`], and the reducer changes the cluster inside it; the
//! store's `cluster_version` tells components that it changed.
//!
//! Readers take a snapshot ([`ClusterCell::get`], an `Rc<Cluster>`): it never changes under
//! them, and the reducer copies the cluster only while such a snapshot is still held — as a
//! time-travel checkpoint would hold one — which keeps the copy-on-write meaning of `Rc`.

use crate::engine::Cluster;
use std::cell::{RefCell, RefMut};
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct ClusterCell(Rc<RefCell<Rc<Cluster>>>);

impl ClusterCell {
    pub fn new(cluster: Cluster) -> Self {
        ClusterCell(Rc::new(RefCell::new(Rc::new(cluster))))
    }

    /// The cluster as it is now; later changes do not show in it.
    pub fn get(&self) -> Rc<Cluster> {
        self.0.borrow().clone()
    }

    /// The cluster to change, in place unless a snapshot is held. Reducer only: it is borrowed
    /// until the guard is dropped.
    pub(crate) fn borrow_mut(&self) -> RefMut<'_, Cluster> {
        RefMut::map(self.0.borrow_mut(), Rc::make_mut)
    }

    /// The shared pointer itself, for code that decides when to copy (`terminal::run`).
    pub(crate) fn slot(&self) -> RefMut<'_, Rc<Cluster>> {
        self.0.borrow_mut()
    }

    /// Puts another cluster in its place (a reset, a loaded workspace).
    pub(crate) fn replace(&self, cluster: Cluster) {
        *self.0.borrow_mut() = Rc::new(cluster);
    }
}
