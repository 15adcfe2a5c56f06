package hq_test

import (
	"os"
	"testing"

	"fieldreg/internal/pgtest"
)

// cluster is this package's throwaway PostgreSQL (nil with FIELDREG_NO_PG=1).
var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// onPostgres runs tests again with their HQ on PostgreSQL (newHQ asks it
// for the database).
var onPostgres pgtest.Rerun

func hqDatabase(t testing.TB) string { return onPostgres.Database(t, cluster) }

// The HQ behaviours the store contract does not see on its own — scope,
// quarantine by unit, bundles both ways, revocation, replay, wipe orders,
// foreign writes, duplicates — hold with HQ on PostgreSQL.
func TestHQOnPostgres(t *testing.T) {
	onPostgres.Run(t, cluster, map[string]func(*testing.T){
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
