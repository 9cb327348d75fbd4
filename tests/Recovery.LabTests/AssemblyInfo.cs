// Two collections at a time, each with its own lab (LabFixture holds one of two lab slots from its lab's up to its
// down). Measured on the 2-core CI machine: one lab test keeps the CPU about half busy (most of a test is waiting on
// etcd elections, kube-proxy syncs and timeouts), so two side by side roughly halve the wall time; more would only
// make every timeout a race. xunit 2.9's default (conservative) algorithm starts no more tests than this.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

// The longest chains first (LongestFirst.cs).
[assembly: TestCollectionOrderer("Recovery.LabTests.LongestFirst", "Recovery.LabTests")]
