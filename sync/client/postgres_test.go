package client_test

import (
	"os"
	"sync"
	"testing"

	"fieldreg/internal/pgtest"
)

// cluster is this package's throwaway PostgreSQL (nil with FIELDREG_NO_PG=1).
var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// onPostgres holds the tests runOnPostgres runs: newHQ puts their HQ's
// buckets in a fresh PostgreSQL database.
var onPostgres sync.Map // testing.TB → bool

// hqDatabase is the Config.Database of a test's HQ: a fresh PostgreSQL
// database for a test runOnPostgres runs, or for every test when
// FIELDREG_HQ_ENGINE=postgres; else "" (the bbolt file). A rapid.T
// (no testing.TB) gets bbolt.
func hqDatabase(f fataler) string {
	t, ok := f.(testing.TB)
	if !ok {
		return ""
	}
	_, pg := onPostgres.Load(t)
	if !pg && os.Getenv("FIELDREG_HQ_ENGINE") != "postgres" {
		return ""
	}
	return pgtest.Need(t, cluster).NewURL(t)
}

// runOnPostgres runs existing tests again, their HQ on PostgreSQL.
func runOnPostgres(t *testing.T, tests map[string]func(*testing.T)) {
	pgtest.Need(t, cluster)
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			onPostgres.Store(t, true)
			defer onPostgres.Delete(t)
			test(t)
		})
	}
}

// Devices and HQ end to end with HQ on PostgreSQL: convergence with a
// conflict, many devices at once, a restart, scope moves, quarantined
// changes.
func TestSyncWithHQOnPostgres(t *testing.T) {
	runOnPostgres(t, map[string]func(*testing.T){
		"TwoDevicesConvergeAndSeeTheConflict":    TestTwoDevicesConvergeAndSeeTheConflict,
		"ManyDevicesAtOnce":                      TestManyDevicesAtOnce,
		"MoveSurvivesHQRestart":                  TestMoveSurvivesHQRestart,
		"RescopedDeviceFollowsItsSites":          TestRescopedDeviceFollowsItsSites,
		"JunkForADeletedRecordIsQuarantinedAtHQ": TestJunkForADeletedRecordIsQuarantinedAtHQ,
	})
}
