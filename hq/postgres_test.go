package hq_test

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
// FIELDREG_HQ_ENGINE=postgres; else "" (the bbolt file).
func hqDatabase(t testing.TB) string {
	t.Helper()
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

// The HQ behaviours the store contract does not see on its own — scope,
// quarantine by unit, bundles both ways, revocation, replay, wipe orders,
// foreign writes, duplicates — hold with HQ on PostgreSQL.
func TestHQOnPostgres(t *testing.T) {
	runOnPostgres(t, map[string]func(*testing.T){
		"DevicePullsOnlyItsSites":                   TestDevicePullsOnlyItsSites,
		"InvalidChangeIsQuarantinedAndDoesNotBlock": TestInvalidChangeIsQuarantinedAndDoesNotBlock,
		"BundlesBothWays":                           TestBundlesBothWays,
		"RevokedDeviceIsRefused":                    TestRevokedDeviceIsRefused,
		"ReplayedBatchIsHarmless":                   TestReplayedBatchIsHarmless,
		"WipeOrder":                                 TestWipeOrder,
		"ForeignWriteIsRefused":                     TestForeignWriteIsRefused,
		"PullsAreAudited":                           TestPullsAreAudited,
		"DuplicatesAcrossDevices":                   TestDuplicatesAcrossDevices,
		"RevokedDeviceGetsItsWipeByBundle":          TestRevokedDeviceGetsItsWipeByBundle,
	})
}
